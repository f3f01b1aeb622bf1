#include "nop/geometry/NeighbourSearch.hpp"

#include <nanoflann.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <sstream>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <vector>

namespace nop
{

namespace
{

/// The data points as nanoflann's dataset adaptor: rows of a contiguous
/// float64 (m, d) tensor.
struct PointCloud
{
    const double* data = nullptr;
    size_t size = 0;
    size_t dims = 0;

    size_t kdtree_get_point_count() const { return size; }
    double kdtree_get_pt(size_t i, size_t k) const { return data[i * dims + k]; }
    /// No precomputed bounding box: nanoflann computes it.
    template<class Box> bool kdtree_get_bbox(Box&) const { return false; }
};


/// nanoflann's metric: the squared distance of the boundary rule (header),
/// summed in float64 over the coordinates in order.
struct SquaredDistance
{
    using ElementType = double;
    using DistanceType = double;

    explicit SquaredDistance(const PointCloud& points) :
        cloud(points)
    {}

    double evalMetric(const double* query, size_t i, size_t dims) const
    {
        double sum = 0;
        for (size_t k = 0; k < dims; ++k)
        {
            const double diff = query[k] - cloud.kdtree_get_pt(i, k);
            sum += diff * diff;
        }
        return sum;
    }

    template<class U, class V> double accum_dist(U a, V b, size_t) const
    {
        return (a - b) * (a - b);
    }

    const PointCloud& cloud;
};


/// nanoflann's result set: the points with squared distance <= radius^2.
/// The tree prunes with a slightly larger bound, so that rounding in its
/// incremental distances to cells never drops a point the rule includes;
/// addPoint applies the exact rule to the point's own distance.
class WithinRadius
{
public:
    WithinRadius(double radiusSquared, std::vector<size_t>& found) :
        radiusSquared_(radiusSquared),
        searchBound_(radiusSquared * (1 + 1e-6)),
        found_(found)
    {}

    bool full() const { return true; }
    double worstDist() const { return searchBound_; }
    size_t size() const { return found_.size(); }

    bool addPoint(double squaredDistance, size_t index)
    {
        if (squaredDistance <= radiusSquared_)
        {
            found_.push_back(index);
        }
        return true;
    }

private:
    double radiusSquared_;
    double searchBound_;
    std::vector<size_t>& found_;
};


/// A tree of any dimension behind one interface.
class Tree
{
public:
    virtual ~Tree() = default;
    /// Appends the points within the radius of `query` to `found`, unordered.
    virtual void find(const double* query, double radiusSquared, std::vector<size_t>& found)
        const = 0;
};


/// Dims > 0: the dimension fixed at compile time (faster); -1: any.
template<int Dims> class TreeOf : public Tree
{
public:
    explicit TreeOf(const PointCloud& cloud) :
        tree_(cloud.dims, cloud, nanoflann::KDTreeSingleIndexAdaptorParams(leafSize))
    {}

    void find(const double* query, double radiusSquared, std::vector<size_t>& found) const override
    {
        WithinRadius within(radiusSquared, found);
        tree_.radiusSearchCustomCallback(query, within, nanoflann::SearchParams(0, 0, false));
    }

private:
    static constexpr size_t leafSize = 16;
    nanoflann::KDTreeSingleIndexAdaptor<SquaredDistance, PointCloud, Dims, size_t> tree_;
};


std::unique_ptr<Tree> makeTree(const PointCloud& cloud)
{
    switch (cloud.dims)
    {
    case 1:
        return std::make_unique<TreeOf<1>>(cloud);
    case 2:
        return std::make_unique<TreeOf<2>>(cloud);
    case 3:
        return std::make_unique<TreeOf<3>>(cloud);
    default:
        return std::make_unique<TreeOf<-1>>(cloud);
    }
}


std::string shapeOf(const torch::Tensor& t)
{
    std::ostringstream os;
    os << t.sizes();
    return os.str();
}

} // namespace


torch::Tensor pointCoordinates(const torch::Tensor& points, const std::string& name)
{
    const std::string where = "radiusSearch: " + name;
    if (!points.defined())
    {
        throw std::invalid_argument(where + " is an undefined tensor");
    }
    if (points.dim() != 2 || points.size(1) < 1)
    {
        throw std::invalid_argument(
            where + " must be (points, coordinates) with at least one coordinate, got shape "
            + shapeOf(points)
        );
    }
    if (points.scalar_type() != torch::kFloat && points.scalar_type() != torch::kDouble)
    {
        throw std::invalid_argument(
            where + " must be float32 or float64, got " + c10::toString(points.scalar_type())
        );
    }
    auto coordinates = points.to(torch::kCPU, torch::kDouble).contiguous();
    const double* x = coordinates.data_ptr<double>();
    const int64_t dims = coordinates.size(1);
    for (int64_t i = 0; i < coordinates.numel(); ++i)
    {
        if (!std::isfinite(x[i]))
        {
            std::ostringstream os;
            os << where << " has a non-finite coordinate " << x[i] << " at point " << i / dims
               << ", coordinate " << i % dims;
            throw std::invalid_argument(os.str());
        }
    }
    return coordinates;
}


class KdTree::Search
{
public:
    explicit Search(torch::Tensor points) :
        coordinates(std::move(points))
    {
        cloud.data = coordinates.data_ptr<double>();
        cloud.size = size_t(coordinates.size(0));
        cloud.dims = size_t(coordinates.size(1));
        if (cloud.size > 0)
        {
            tree = makeTree(cloud);
        }
    }

    torch::Tensor coordinates;
    PointCloud cloud; // the tree refers to it: Search stays where it was built
    std::unique_ptr<Tree> tree;
};


namespace
{

/// The coordinates the tree keeps: never the caller's storage, which may
/// change after the tree is built.
torch::Tensor ownCoordinates(const torch::Tensor& dataPoints)
{
    auto coordinates = pointCoordinates(dataPoints, "dataPoints");
    return coordinates.is_alias_of(dataPoints) ? coordinates.clone() : coordinates;
}

} // namespace


KdTree::KdTree(const torch::Tensor& dataPoints) :
    search_(std::make_unique<Search>(ownCoordinates(dataPoints)))
{}

KdTree::~KdTree() = default;
KdTree::KdTree(KdTree&&) noexcept = default;
KdTree& KdTree::operator=(KdTree&&) noexcept = default;


int64_t KdTree::points() const
{
    return search_->coordinates.size(0);
}


int64_t KdTree::dimensions() const
{
    return search_->coordinates.size(1);
}


Neighbours KdTree::radiusSearch(const torch::Tensor& queries, double radius, int threads) const
{
    const auto q = pointCoordinates(queries, "queries");
    if (q.size(1) != dimensions())
    {
        throw std::invalid_argument(
            "radiusSearch: queries have " + std::to_string(q.size(1))
            + " coordinates, the data points " + std::to_string(dimensions())
        );
    }
    if (!(std::isfinite(radius) && radius > 0))
    {
        std::ostringstream os;
        os << "radiusSearch: radius must be positive and finite, got " << radius;
        throw std::invalid_argument(os.str());
    }
    if (threads < 0)
    {
        throw std::invalid_argument(
            "radiusSearch: threads must be >= 0 (0: LibTorch's thread count), got "
            + std::to_string(threads)
        );
    }

    const int64_t n = q.size(0);
    auto rowSplits = torch::zeros({n + 1}, torch::kLong);
    if (n == 0 || !search_->tree)
    {
        return {torch::empty({0}, torch::kLong), rowSplits};
    }

    // Queries go in chunks, several per thread so that uneven rows balance;
    // each chunk keeps its own lists, joined in query order afterwards, so
    // the result does not depend on the thread count.
    const int64_t workers = std::min<int64_t>(n, threads > 0 ? threads : at::get_num_threads());
    const int64_t nChunks = std::min<int64_t>(n, workers * 8);
    const int64_t chunkSize = (n + nChunks - 1) / nChunks;
    std::vector<std::vector<int64_t>> chunkIndices(static_cast<size_t>(nChunks));
    int64_t* counts = rowSplits.data_ptr<int64_t>() + 1;
    const double* queryData = q.data_ptr<double>();
    const int64_t dims = q.size(1);
    const double radiusSquared = radius * radius;
    const Tree& tree = *search_->tree;

    std::atomic<int64_t> nextChunk{0};
    std::vector<std::exception_ptr> failures(static_cast<size_t>(workers));
    const auto work = [&](int64_t worker)
    {
        try
        {
            std::vector<size_t> found;
            for (int64_t c; (c = nextChunk++) < nChunks;)
            {
                auto& indices = chunkIndices[size_t(c)];
                const int64_t end = std::min(n, (c + 1) * chunkSize);
                for (int64_t i = c * chunkSize; i < end; ++i)
                {
                    found.clear();
                    tree.find(queryData + i * dims, radiusSquared, found);
                    std::sort(found.begin(), found.end());
                    counts[i] = int64_t(found.size());
                    indices.insert(indices.end(), found.begin(), found.end());
                }
            }
        }
        catch (...)
        {
            failures[size_t(worker)] = std::current_exception();
        }
    };
    std::vector<std::thread> pool;
    pool.reserve(size_t(workers - 1));
    for (int64_t w = 1; w < workers; ++w)
    {
        try
        {
            pool.emplace_back(work, w);
        }
        catch (const std::system_error&)
        {
            break; // no more threads: those running take the remaining chunks
        }
    }
    work(0);
    for (auto& t : pool)
    {
        t.join();
    }
    for (const auto& failure : failures)
    {
        if (failure)
        {
            std::rethrow_exception(failure);
        }
    }

    rowSplits.cumsum_(0);
    auto indices = torch::empty({rowSplits[n].item<int64_t>()}, torch::kLong);
    int64_t* out = indices.data_ptr<int64_t>();
    for (const auto& chunk : chunkIndices)
    {
        out = std::copy(chunk.begin(), chunk.end(), out);
    }
    return {indices, rowSplits};
}


Neighbours radiusSearch(
    const torch::Tensor& dataPoints,
    const torch::Tensor& queries,
    double radius,
    int threads
)
{
    return KdTree(dataPoints).radiusSearch(queries, radius, threads);
}

} // namespace nop
