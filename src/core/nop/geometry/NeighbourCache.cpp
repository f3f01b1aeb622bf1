#include "nop/geometry/NeighbourCache.hpp"

#include <cstring>
#include <stdexcept>

namespace nop
{

namespace
{

/// Same shape and bytes; both contiguous float64.
bool sameCoordinates(const torch::Tensor& a, const torch::Tensor& b)
{
    return a.sizes() == b.sizes()
           && std::memcmp(a.data_ptr<double>(), b.data_ptr<double>(), a.numel() * sizeof(double))
                  == 0;
}

} // namespace


NeighbourCache::NeighbourCache(size_t capacity) :
    capacity_(capacity)
{
    if (capacity < 1)
    {
        throw std::invalid_argument("NeighbourCache: capacity must be at least 1");
    }
}


const NeighbourCache::Entry* NeighbourCache::find(
    double radius,
    const torch::Tensor& data,
    const torch::Tensor& queries
)
{
    for (auto e = entries_.begin(); e != entries_.end(); ++e)
    {
        if (e->radius == radius && sameCoordinates(e->dataPoints, data)
            && sameCoordinates(e->queries, queries))
        {
            entries_.splice(entries_.begin(), entries_, e);
            return &entries_.front();
        }
    }
    return nullptr;
}


Neighbours NeighbourCache::radiusSearch(
    const torch::Tensor& dataPoints,
    const torch::Tensor& queries,
    double radius,
    int threads
)
{
    const auto data = pointCoordinates(dataPoints, "dataPoints");
    const auto q = pointCoordinates(queries, "queries");
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (const Entry* e = find(radius, data, q))
        {
            ++hits_;
            return e->neighbours;
        }
    }

    // Searched without the lock: other threads use the cache meanwhile.
    Neighbours neighbours = KdTree(data).radiusSearch(q, radius, threads);

    std::lock_guard<std::mutex> lock(mutex_);
    ++misses_;
    if (const Entry* e = find(radius, data, q))
    {
        return e->neighbours; // another thread stored the same search meanwhile
    }
    // Copies only when the coordinates are the caller's own storage.
    entries_.push_front(Entry{
        radius, data.is_alias_of(dataPoints) ? data.clone() : data,
        q.is_alias_of(queries) ? q.clone() : q, neighbours});
    if (entries_.size() > capacity_)
    {
        entries_.pop_back();
    }
    return neighbours;
}


size_t NeighbourCache::size() const
{
    std::lock_guard<std::mutex> lock(mutex_);
    return entries_.size();
}


int64_t NeighbourCache::hits() const
{
    std::lock_guard<std::mutex> lock(mutex_);
    return hits_;
}


int64_t NeighbourCache::misses() const
{
    std::lock_guard<std::mutex> lock(mutex_);
    return misses_;
}


void NeighbourCache::clear()
{
    std::lock_guard<std::mutex> lock(mutex_);
    entries_.clear();
}

} // namespace nop
