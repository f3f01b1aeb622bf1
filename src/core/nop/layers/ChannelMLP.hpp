#pragma once

// Pointwise (per grid point) MLP over the channels.

#include <torch/torch.h>

namespace nop
{

/// Options for `ChannelMLP`.
///
/// Example:
///   ChannelMLP lifting(ChannelMLPOptions(3, 32, 64));   // 3 -> 64 -> 32
struct ChannelMLPOptions
{
    ChannelMLPOptions(int64_t inChannels, int64_t outChannels, int64_t hiddenChannels) :
        inChannels_(inChannels),
        outChannels_(outChannels),
        hiddenChannels_(hiddenChannels)
    {}

    TORCH_ARG(int64_t, inChannels);
    TORCH_ARG(int64_t, outChannels);
    TORCH_ARG(int64_t, hiddenChannels);
    /// Linear layers; GELU between them, none after the last.
    TORCH_ARG(int64_t, nLayers) = 2;
    /// Compute the last layer in float32 even under autocast: a model's
    /// output rounded to bfloat16 would carry a 0.4 % error floor.
    TORCH_ARG(bool, fullPrecisionOutput) = false;
};

/// Channels-last: (batch, d1..dN, in) -> (batch, d1..dN, out). Each layer is
/// one GEMM over all grid points, so it runs in the autocast type.
class ChannelMLPImpl : public torch::nn::Cloneable<ChannelMLPImpl>
{
public:
    explicit ChannelMLPImpl(const ChannelMLPOptions& options);
    void reset() override;
    torch::Tensor forward(torch::Tensor x);

    ChannelMLPOptions options;
    torch::nn::ModuleList layers;
};

TORCH_MODULE(ChannelMLP);

/// A width given as `ratio` times `channels`, rounded, at least 1: the hidden
/// widths of lifting, projection and channel MLPs.
int64_t scaledWidth(double ratio, int64_t channels);

} // namespace nop
