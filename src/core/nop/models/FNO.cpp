#include "nop/models/FNO.hpp"

#include "nop/layers/DomainPadding.hpp"
#include "nop/layers/GridEmbedding.hpp"
#include "nop/precision/ReducedPrecision.hpp"

#include <cmath>

namespace nop
{

namespace
{

int64_t scaled(double ratio, int64_t width)
{
    return std::max<int64_t>(1, std::llround(ratio*double(width)));
}

} // namespace


FNOImpl::FNOImpl(const FNOOptions& options_)
:
    options(options_)
{
    reset();
}


void FNOImpl::reset()
{
    const int64_t nDims = options.spatialDims();
    TORCH_CHECK(nDims >= 1 && nDims <= 3, "FNO: modes must name 1 to 3 dimensions");
    TORCH_CHECK(options.hiddenChannels() >= 1, "FNO: hiddenChannels must be >= 1");
    TORCH_CHECK(options.liftingRatio() > 0, "FNO: liftingRatio must be > 0");
    TORCH_CHECK(options.projectionRatio() > 0, "FNO: projectionRatio must be > 0");
    TORCH_CHECK(options.domainPadding() >= 0, "FNO: domainPadding must be >= 0");

    const int64_t width = options.hiddenChannels();
    const int64_t liftedIn =
        options.inChannels() + (options.positionalEmbedding() ? nDims : 0);

    lifting = register_module
    (
        "lifting",
        ChannelMLP(ChannelMLPOptions(liftedIn, width, scaled(options.liftingRatio(), width)))
    );
    blocks = register_module
    (
        "blocks",
        FNOBlocks
        (
            FNOBlocksOptions(width, options.modes(), options.nLayers())
                .channelMLPExpansion(options.channelMLPExpansion())
                .precision(options.precision())
                .stabiliser(options.stabiliser())
                .reducedType(options.reducedType())
        )
    );
    projection = register_module
    (
        "projection",
        ChannelMLP
        (
            ChannelMLPOptions(width, options.outChannels(), scaled(options.projectionRatio(), width))
                .fullPrecisionOutput(true)
        )
    );
}


void FNOImpl::setPrecision(Precision precision)
{
    options.precision(precision);
    blocks->setPrecision(precision);
}


torch::Tensor FNOImpl::forward(const torch::Tensor& input)
{
    const int64_t nDims = options.spatialDims();
    TORCH_CHECK
    (
        input.dim() == nDims + 2 && input.size(1) == options.inChannels(),
        "FNO: expected (batch, ", options.inChannels(), ", d1..d", nDims, "), got ",
        input.sizes()
    );

    const auto reduced = reducedDtype(options.reducedType(), input.device());
    AutocastScope autocast(options.precision() != Precision::full, input.device(), reduced);

    auto x = input.to(torch::kFloat).movedim(1, -1);
    if (options.positionalEmbedding())
    {
        x = appendGridCoordinates(x, nDims);
    }
    x = lifting->forward(x.contiguous());

    const std::vector<int64_t> sizes(input.sizes().begin() + 2, input.sizes().end());
    x = padDomain(x, options.domainPadding());
    x = blocks->forward(x);
    x = unpadDomain(x, sizes);

    x = projection->forward(x);
    return x.to(torch::kFloat).movedim(-1, 1).contiguous();
}

} // namespace nop
