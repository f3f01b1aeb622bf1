#pragma once

// Fourier neural operator (Li et al. 2021; neuraloperator's FNO).

#include "nop/layers/ChannelMLP.hpp"
#include "nop/layers/FNOBlocks.hpp"
#include "nop/models/FNOOptions.hpp"

#include <torch/torch.h>

namespace nop
{

/// x (batch, inChannels, d1..dN) -> (batch, outChannels, d1..dN), float32.
///
///   positional embedding -> lifting MLP -> domain padding -> Fourier blocks
///   -> unpad -> projection MLP
///
/// Internally channels-last, so every pointwise layer is one GEMM. With a
/// precision other than `full`, the pointwise layers run under autocast in
/// the reduced type and the spectral paths as the precision says.
///
/// Example:
///   FNO fno(FNOOptions(1, 17, {16}).hiddenChannels(32));
///   fno->setPrecision(Precision::mixed);
///   auto y = fno->forward(torch::randn({8, 1, 64}));
class FNOImpl : public torch::nn::Cloneable<FNOImpl>
{
public:
    explicit FNOImpl(const FNOOptions& options);
    void reset() override;
    torch::Tensor forward(const torch::Tensor& x);

    void setPrecision(Precision precision);
    Precision precision() const { return options.precision(); }

    FNOOptions options;
    ChannelMLP lifting{nullptr};
    FNOBlocks blocks{nullptr};
    ChannelMLP projection{nullptr};
};

TORCH_MODULE(FNO);

} // namespace nop
