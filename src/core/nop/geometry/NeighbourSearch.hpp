#pragma once

// Radius search between point clouds (neuraloperator's NeighborSearch), the
// neighbour lists of GINO's graph neural operators.
//
// Within radius means: the squared distance sum_k (q_k - p_k)^2, summed in
// float64 over the coordinates in order (float32 coordinates converted
// exactly), is <= radius^2. The brute-force references of the tests and the
// benchmark use the same rule, so a point exactly at distance r is a
// neighbour in both.

#include <torch/torch.h>

#include <memory>
#include <string>

namespace nop
{

/// Neighbour lists in CSR form, on the CPU. The neighbours of query i are
/// indices[rowSplits[i] : rowSplits[i+1]] (rows into the data points),
/// ascending. Both int64: float32 row splits, as neuraloperator's, lose
/// exactness above 2^24 pairs.
struct Neighbours
{
    torch::Tensor indices;   ///< (pairs)
    torch::Tensor rowSplits; ///< (queries + 1), rowSplits[0] = 0

    int64_t queries() const { return rowSplits.size(0) - 1; }
    int64_t pairs() const { return indices.size(0); }
};

/// `points` as a contiguous CPU float64 (n, d) tensor (itself when it is
/// one already). Throws std::invalid_argument naming `name` unless points
/// is a defined (n, d) float32 or float64 tensor, d >= 1, with finite
/// coordinates.
torch::Tensor pointCoordinates(const torch::Tensor& points, const std::string& name);

/// A KD-tree (nanoflann) over data points, built once, queried for any
/// query set and radius.
class KdTree
{
public:
    /// dataPoints: (m, d) float32 or float64, on any device; copied.
    explicit KdTree(const torch::Tensor& dataPoints);
    ~KdTree();
    KdTree(KdTree&&) noexcept;
    KdTree& operator=(KdTree&&) noexcept;

    /// The data points within `radius` of each query. queries: (n, d) of the
    /// data points' d. threads: 0 for LibTorch's intra-op thread count; the
    /// result does not depend on it. Throws std::invalid_argument for bad
    /// queries, a radius that is not positive and finite, or threads < 0.
    Neighbours radiusSearch(const torch::Tensor& queries, double radius, int threads = 0) const;

    int64_t points() const;
    int64_t dimensions() const;

private:
    class Search;
    std::unique_ptr<Search> search_;
};

/// KdTree(dataPoints).radiusSearch(queries, radius, threads). No data
/// points: every row is empty.
Neighbours radiusSearch(
    const torch::Tensor& dataPoints,
    const torch::Tensor& queries,
    double radius,
    int threads = 0
);

} // namespace nop
