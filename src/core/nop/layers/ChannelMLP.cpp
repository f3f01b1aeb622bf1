#include "nop/layers/ChannelMLP.hpp"

#include "nop/layers/PointwiseLinear.hpp"
#include "nop/precision/ReducedPrecision.hpp"

#include <cmath>

namespace nop
{

ChannelMLPImpl::ChannelMLPImpl(const ChannelMLPOptions& options_) :
    options(options_)
{
    reset();
}


void ChannelMLPImpl::reset()
{
    TORCH_CHECK(options.nLayers() >= 1, "ChannelMLP: nLayers must be >= 1");
    TORCH_CHECK(
        options.inChannels() > 0 && options.outChannels() > 0 && options.hiddenChannels() > 0,
        "ChannelMLP: channels must be positive"
    );
    layers = register_module("layers", torch::nn::ModuleList());
    for (int64_t i = 0; i < options.nLayers(); ++i)
    {
        const int64_t in = i == 0 ? options.inChannels() : options.hiddenChannels();
        const int64_t out =
            i + 1 == options.nLayers() ? options.outChannels() : options.hiddenChannels();
        layers->push_back(torch::nn::Linear(in, out));
    }
}


torch::Tensor ChannelMLPImpl::forward(torch::Tensor x)
{
    const size_t n = layers->size();
    for (size_t i = 0; i < n; ++i)
    {
        auto layer = layers[i]->as<torch::nn::Linear>();
        if (i + 1 == n && options.fullPrecisionOutput())
        {
            FullPrecisionScope fullPrecision;
            x = pointwiseLinear(x.to(layer->weight.scalar_type()), layer->weight, layer->bias);
            break;
        }
        x = pointwiseLinear(x, layer->weight, layer->bias);
        if (i + 1 < n)
        {
            x = torch::gelu(x);
        }
    }
    return x;
}


int64_t scaledWidth(double ratio, int64_t channels)
{
    return std::max<int64_t>(1, std::llround(ratio * double(channels)));
}

} // namespace nop
