#include "nop/models/FNO.hpp"

#include "nop/layers/DomainPadding.hpp"
#include "nop/layers/GridEmbedding.hpp"
#include "nop/models/ModelRegistry.hpp"
#include "nop/options/OptionsJson.hpp"
#include "nop/precision/ReducedPrecision.hpp"

#include <cmath>

namespace nop
{

namespace
{

// Model files name FNOs "FNO" and keep their options under "fno"
[[maybe_unused]] const bool registered = registerModelType(
    "FNO",
    {"fno",
     [](const nlohmann::json& options) -> NeuralOperator
     { return std::make_shared<FNOImpl>(optionsFromJson<FNOOptions>(options)); },
     [](const nlohmann::json& options)
     { return fnoParameterLowerBound(optionsFromJson<FNOOptions>(options)); }}
);

} // namespace


double fnoParameterLowerBound(const FNOOptions& o)
{
    const double width = double(o.hiddenChannels());
    const double liftedIn =
        double(o.inChannels() + (o.positionalEmbedding() ? o.spatialDims() : 0));
    const double lift = double(scaledWidth(o.liftingRatio(), o.hiddenChannels()));
    const double project = double(scaledWidth(o.projectionRatio(), o.hiddenChannels()));
    const double blocks =
        parameterLowerBound(FNOBlocksOptions(o.hiddenChannels(), o.modes(), o.nLayers())
                                .channelMLPExpansion(o.channelMLPExpansion()));
    return liftedIn * lift + lift * width + blocks + width * project
           + project * double(o.outChannels());
}


nlohmann::json FNOImpl::optionsJson() const
{
    return optionsToJson(options);
}


FNOImpl::FNOImpl(const FNOOptions& options_) :
    options(options_)
{
    reset();
}


void FNOImpl::reset()
{
    validate(options);
    const int64_t nDims = options.spatialDims();

    const int64_t width = options.hiddenChannels();
    const int64_t liftedIn = options.inChannels() + (options.positionalEmbedding() ? nDims : 0);

    lifting = register_module(
        "lifting",
        ChannelMLP(ChannelMLPOptions(liftedIn, width, scaledWidth(options.liftingRatio(), width)))
    );
    blocks = register_module(
        "blocks", FNOBlocks(FNOBlocksOptions(width, options.modes(), options.nLayers())
                                .channelMLPExpansion(options.channelMLPExpansion())
                                .precision(options.precision())
                                .stabiliser(options.stabiliser())
                                .reducedType(options.reducedType()))
    );
    projection = register_module(
        "projection",
        ChannelMLP(ChannelMLPOptions(
                       width, options.outChannels(), scaledWidth(options.projectionRatio(), width)
        )
                       .fullPrecisionOutput(true))
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
    TORCH_CHECK(
        input.dim() == nDims + 2 && input.size(1) == options.inChannels(), "FNO: expected (batch, ",
        options.inChannels(), ", d1..d", nDims, "), got ", input.sizes()
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
