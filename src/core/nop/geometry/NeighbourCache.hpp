#pragma once

// Neighbour lists depend only on geometry: a GINO asks for the same lists
// at every step of a case. The cache answers a repeated question from the
// lists it stored.

#include "nop/geometry/NeighbourSearch.hpp"

#include <cstdint>
#include <list>
#include <mutex>

namespace nop
{

/// The last `capacity` radius searches, least recently used dropped first.
/// A search is found again when its radius and its coordinates (as float64,
/// compared byte for byte, so float32 and float64 of equal values match)
/// are the same; the cache keeps its own copies of them, so changing a
/// caller's tensor in place never returns stale lists. Thread-safe.
///
/// The returned tensors are shared with the cache: do not change them in
/// place.
class NeighbourCache
{
public:
    /// capacity >= 1, else std::invalid_argument.
    explicit NeighbourCache(size_t capacity = 8);

    /// As nop::radiusSearch, from the cache when the same search was made.
    Neighbours radiusSearch(
        const torch::Tensor& dataPoints,
        const torch::Tensor& queries,
        double radius,
        int threads = 0
    );

    size_t capacity() const { return capacity_; }
    size_t size() const;
    /// Searches answered from the cache, and searches made.
    int64_t hits() const;
    int64_t misses() const;
    void clear();

private:
    struct Entry
    {
        double radius;
        torch::Tensor dataPoints; ///< contiguous float64 copies
        torch::Tensor queries;
        Neighbours neighbours;
    };

    /// The entry of this search, moved to the front; nullptr when absent.
    /// Call with mutex_ held.
    const Entry* find(double radius, const torch::Tensor& data, const torch::Tensor& queries);

    size_t capacity_;
    mutable std::mutex mutex_;
    std::list<Entry> entries_; ///< most recently used first
    int64_t hits_ = 0;
    int64_t misses_ = 0;
};

} // namespace nop
