#pragma once

// The stack of Fourier blocks of an FNO.

#include "nop/layers/ChannelMLP.hpp"
#include "nop/layers/SoftGating.hpp"
#include "nop/layers/SpectralConv.hpp"

#include <torch/torch.h>

namespace nop
{

/// Options for `FNOBlocks`.
struct FNOBlocksOptions
{
    FNOBlocksOptions(int64_t channels, std::vector<int64_t> modes, int64_t nLayers) :
        channels_(channels),
        modes_(std::move(modes)),
        nLayers_(nLayers)
    {}

    TORCH_ARG(int64_t, channels);
    TORCH_ARG(std::vector<int64_t>, modes);
    TORCH_ARG(int64_t, nLayers);
    TORCH_ARG(double, channelMLPExpansion) = 0.5;
    TORCH_ARG(Precision, precision) = Precision::full;
    TORCH_ARG(Stabiliser, stabiliser) = Stabiliser::none;
    TORCH_ARG(ReducedType, reducedType) = ReducedType::automatic;
};

/// Channels-last (batch, d1..dN, channels). Block i:
///   y = gelu(SpectralConv(s(x)) + W x)          s: the stabiliser
///   x = ChannelMLP(y) + SoftGating(x)           gelu after all but the last
class FNOBlocksImpl : public torch::nn::Cloneable<FNOBlocksImpl>
{
public:
    explicit FNOBlocksImpl(const FNOBlocksOptions& options);
    void reset() override;
    torch::Tensor forward(torch::Tensor x);

    /// Switch every block's spectral path to `precision`.
    void setPrecision(Precision precision);

    FNOBlocksOptions options;
    torch::nn::ModuleList convs, fnoSkips, channelMLPs, channelMLPSkips;
};

TORCH_MODULE(FNOBlocks);

/// A lower bound on the parameters of blocks of `o`: spectral weights, skips
/// and channel-MLP matrices (biases and gates left out).
double parameterLowerBound(const FNOBlocksOptions& o);

} // namespace nop
