#include "nop/layers/FNOBlocks.hpp"

#include "nop/layers/PointwiseLinear.hpp"

#include <cmath>

namespace nop
{

FNOBlocksImpl::FNOBlocksImpl(const FNOBlocksOptions& options_) :
    options(options_)
{
    reset();
}


void FNOBlocksImpl::reset()
{
    TORCH_CHECK(options.nLayers() >= 1, "FNOBlocks: nLayers must be >= 1");
    const int64_t width = options.channels();
    const int64_t mlpWidth = scaledWidth(options.channelMLPExpansion(), width);

    convs = register_module("convs", torch::nn::ModuleList());
    fnoSkips = register_module("fnoSkips", torch::nn::ModuleList());
    channelMLPs = register_module("channelMLPs", torch::nn::ModuleList());
    channelMLPSkips = register_module("channelMLPSkips", torch::nn::ModuleList());

    for (int64_t i = 0; i < options.nLayers(); ++i)
    {
        convs->push_back(SpectralConv(SpectralConvOptions(width, width, options.modes())
                                          .precision(options.precision())
                                          .reducedType(options.reducedType())));
        fnoSkips->push_back(torch::nn::Linear(torch::nn::LinearOptions(width, width).bias(false)));
        channelMLPs->push_back(ChannelMLP(ChannelMLPOptions(width, width, mlpWidth)));
        channelMLPSkips->push_back(SoftGating(width));
    }
}


void FNOBlocksImpl::setPrecision(Precision precision)
{
    options.precision(precision);
    for (auto& conv : *convs)
    {
        conv->as<SpectralConvImpl>()->options.precision(precision);
    }
}


torch::Tensor FNOBlocksImpl::forward(torch::Tensor x)
{
    const int64_t n = options.nLayers();
    for (int64_t i = 0; i < n; ++i)
    {
        const auto fnoSkip = pointwiseLinear(x, fnoSkips[i]->as<torch::nn::Linear>()->weight);
        const auto mlpSkip = channelMLPSkips[i]->as<SoftGatingImpl>()->forward(x);

        const auto spectralInput = options.stabiliser() == Stabiliser::tanh ? torch::tanh(x) : x;
        auto y = convs[i]->as<SpectralConvImpl>()->forward(spectralInput);

        y = torch::gelu(y + fnoSkip);
        x = channelMLPs[i]->as<ChannelMLPImpl>()->forward(y) + mlpSkip;
        if (i + 1 < n)
        {
            x = torch::gelu(x);
        }
    }
    return x;
}


double parameterLowerBound(const FNOBlocksOptions& o)
{
    const double width = double(o.channels());
    double kept = 2; // real and imaginary parts
    for (size_t d = 0; d < o.modes().size(); ++d)
    {
        const double m = double(o.modes()[d]);
        kept *= d + 1 == o.modes().size() ? std::floor(m / 2) + 1 : m;
    }
    const double mlp = double(scaledWidth(o.channelMLPExpansion(), o.channels()));
    const double perBlock = width * width * kept + width * width + 2 * width * mlp;
    return double(o.nLayers()) * perBlock;
}

} // namespace nop
