#pragma once

// The graph neural operator's integral transform (GNO; neuraloperator's
// IntegralTransform): for every output point x, a kernel MLP integrated over
// the input points y within a radius of x, as CSR neighbour lists give them.

#include "nop/layers/KernelWords.hpp"
#include "nop/layers/SinusoidalEmbedding.hpp"

#include <torch/torch.h>

#include <vector>

namespace nop
{

/// Options for `IntegralTransform`. With input features, the kernel's output
/// multiplies them, so outChannels must equal inChannels.
///
/// Example:
///   // mean of k(x, y) over the neighbours, 3D, 16 frequencies per coordinate
///   IntegralTransform gno(IntegralTransformOptions(3, 0, 32)
///                             .kernelHidden({64, 64})
///                             .reduction(GNOReduction::mean)
///                             .embeddingFrequencies(16));
struct IntegralTransformOptions
{
    IntegralTransformOptions(int64_t coordDim, int64_t inChannels, int64_t outChannels) :
        coordDim_(coordDim),
        inChannels_(inChannels),
        outChannels_(outChannels)
    {}

    TORCH_ARG(int64_t, coordDim);
    /// Channels of f(y); 0: no input features.
    TORCH_ARG(int64_t, inChannels);
    TORCH_ARG(int64_t, outChannels);
    /// Widths of the kernel MLP's hidden layers (GELU between layers).
    TORCH_ARG(std::vector<int64_t>, kernelHidden) = std::vector<int64_t>{64, 64};
    TORCH_ARG(GNOTransform, transform) = GNOTransform::linear;
    TORCH_ARG(GNOReduction, reduction) = GNOReduction::sum;
    /// Sinusoidal frequencies per coordinate for the kernel's input; 0: the
    /// raw coordinates.
    TORCH_ARG(int64_t, embeddingFrequencies) = 0;
    TORCH_ARG(EmbeddingKind, embedding) = EmbeddingKind::transformer;
    TORCH_ARG(double, maxPositions) = 10000;
    /// Neighbour pairs through the kernel at once; 0: all. Bounds the
    /// memory of a forward pass without gradients; the result is the same.
    TORCH_ARG(int64_t, chunkSize) = 0;
};

/// out(x_i) = reduce over j in A(x_i) of k(e(y_j), e(x_i)[, f(y_j)]) [* f(y_j)]
/// [* w_j], A(x_i) = indices[rowSplits[i] : rowSplits[i+1]], e the embedding.
///
/// The kernel MLP runs under the caller's autocast (reduced precision), and
/// so do the per-pair products with f and w; the reduction accumulates in
/// float32 (float64 for float64 points). A row without neighbours is 0. The
/// lists may hold several samples packed one after the other (indices into the packed inputs): the
/// transform never mixes rows.
class IntegralTransformImpl : public torch::nn::Cloneable<IntegralTransformImpl>
{
public:
    explicit IntegralTransformImpl(const IntegralTransformOptions& options);
    void reset() override;

    /// y (m, coordDim) input points, x (n, coordDim) output points, indices
    /// (pairs) int64 into y, rowSplits (n + 1) int64; f (m, inChannels) or
    /// undefined; weights (m) quadrature weights or undefined.
    /// -> (n, outChannels) float32 (float64 for float64 y).
    torch::Tensor forward(
        const torch::Tensor& y,
        const torch::Tensor& x,
        const torch::Tensor& indices,
        const torch::Tensor& rowSplits,
        const torch::Tensor& f = {},
        const torch::Tensor& weights = {}
    );

    /// Width of the kernel's input per pair.
    int64_t kernelInChannels() const;

    IntegralTransformOptions options;
    SinusoidalEmbedding embedding{nullptr};
    torch::nn::ModuleList kernel{nullptr};

private:
    torch::Tensor embed(const torch::Tensor& points);
    torch::Tensor applyKernel(torch::Tensor features);
};

TORCH_MODULE(IntegralTransform);

} // namespace nop
