#pragma once

// Fourier neural operator (Li et al. 2021; neuraloperator's FNO).

#include "nop/layers/ChannelMLP.hpp"
#include "nop/layers/FNOBlocks.hpp"
#include "nop/models/FNOOptions.hpp"
#include "nop/models/NeuralOperator.hpp"

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
///
/// Registered as model kind "FNO" (ModelRegistry.hpp), options key "fno".
class FNOImpl : public NeuralOperatorImpl
{
public:
    explicit FNOImpl(const FNOOptions& options);
    void reset();
    using NeuralOperatorImpl::forward;
    torch::Tensor forward(const torch::Tensor& x) override;

    void setPrecision(Precision precision) override;
    Precision precision() const override { return options.precision(); }

    std::string kind() const override { return "FNO"; }
    nlohmann::json optionsJson() const override;
    int64_t inChannels() const override { return options.inChannels(); }
    int64_t outChannels() const override { return options.outChannels(); }
    ReducedType reducedType() const override { return options.reducedType(); }
    Stabiliser stabiliser() const override { return options.stabiliser(); }
    /// The retained modes: the FFT of a shorter dimension holds fewer.
    std::vector<int64_t> smallestResolution() const override { return options.modes(); }

    FNOOptions options;
    ChannelMLP lifting{nullptr};
    FNOBlocks blocks{nullptr};
    ChannelMLP projection{nullptr};
};

TORCH_MODULE(FNO);

/// A lower bound on the parameters an FNO of `o` has: its weight matrices
/// and spectral weights (biases and gates left out).
double fnoParameterLowerBound(const FNOOptions& o);

} // namespace nop
