#pragma once

// Sinusoidal embedding of point coordinates, the input of GNO kernels: a
// kernel MLP on raw coordinates in [0, 1] cannot resolve features much
// smaller than the box (spectral bias); sines and cosines of many
// frequencies can.

#include "nop/layers/KernelWords.hpp"

#include <torch/torch.h>


namespace nop
{

/// Options for `SinusoidalEmbedding`.
///
/// Example:
///   SinusoidalEmbedding embed(SinusoidalEmbeddingOptions(3, 16));  // 3 -> 96
struct SinusoidalEmbeddingOptions
{
    SinusoidalEmbeddingOptions(int64_t inChannels, int64_t frequencies) :
        inChannels_(inChannels),
        frequencies_(frequencies)
    {}

    TORCH_ARG(int64_t, inChannels);
    TORCH_ARG(int64_t, frequencies);
    TORCH_ARG(EmbeddingKind, kind) = EmbeddingKind::transformer;
    TORCH_ARG(double, maxPositions) = 10000;

    int64_t outChannels() const { return 2 * inChannels_ * frequencies_; }
};

/// (..., inChannels) -> (..., 2 inChannels frequencies): for channel c and
/// frequency k, the pair (sin(w_k x_c), cos(w_k x_c)) at 2 (c F + k). Computed
/// in float32 (float64 for float64 x) whatever the autocast: phases of high
/// frequencies need it. No parameters.
class SinusoidalEmbeddingImpl : public torch::nn::Cloneable<SinusoidalEmbeddingImpl>
{
public:
    explicit SinusoidalEmbeddingImpl(const SinusoidalEmbeddingOptions& options);
    void reset() override;
    torch::Tensor forward(const torch::Tensor& x);

    /// w_0..w_{F-1} (float64).
    torch::Tensor frequencies() const;

    SinusoidalEmbeddingOptions options;
};

TORCH_MODULE(SinusoidalEmbedding);

} // namespace nop
