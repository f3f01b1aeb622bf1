#include "nop/models/GINO.hpp"

#include "nop/data/SurfaceSampling.hpp"
#include "nop/layers/DomainPadding.hpp"
#include "nop/models/ModelRegistry.hpp"
#include "nop/options/OptionsJson.hpp"
#include "nop/precision/ReducedPrecision.hpp"

#include <cmath>
#include <stdexcept>

namespace nop
{

namespace
{

/// Channels of the geometry GNO's output: the kernel multiplies the point
/// features when there are some, so it has as many.
int64_t geometryOutChannels(const GINOOptions& o)
{
    return o.pointChannels() > 0 ? o.pointChannels() : o.geometryChannels();
}


/// What the per-option checks cannot see: options that must agree.
void checkConsistent(const GINOOptions& o)
{
    validate(o);
    const auto dims = size_t(o.coordDim());
    if (o.modes().size() != dims)
    {
        throw OptionError(
            "modes", "modes must have one entry per dimension of latentResolution ("
                         + std::to_string(dims) + "), got " + describe(o.modes())
        );
    }
    for (size_t d = 0; d < dims; ++d)
    {
        if (o.modes()[d] > o.latentResolution()[d])
        {
            throw OptionError(
                "modes", "modes: " + std::to_string(o.modes()[d]) + " modes in dimension "
                             + std::to_string(d) + " of a latent grid of "
                             + std::to_string(o.latentResolution()[d]) + " points"
            );
        }
    }
    if (o.inTransform() == GNOTransform::nonlinear && o.pointChannels() == 0)
    {
        throw OptionError(
            "inTransform", "inTransform nonlinear needs features at the geometry's points; "
                           "the data has none"
        );
    }
}


/// Weights of a kernel MLP of these hidden widths.
double kernelWeights(double in, const std::vector<int64_t>& hidden, double out)
{
    double total = 0;
    for (const int64_t w : hidden)
    {
        total += in * double(w);
        in = double(w);
    }
    return total + in * out;
}


/// `shape` with one more (last) dimension of `n`.
std::vector<int64_t> withLast(std::vector<int64_t> shape, int64_t n)
{
    shape.push_back(n);
    return shape;
}


double embeddedCoordinates(const GINOOptions& o)
{
    const double d = double(o.coordDim());
    return o.embeddingFrequencies() > 0 ? 2 * d * double(o.embeddingFrequencies()) : d;
}


[[maybe_unused]] const bool registered = registerModelType(
    "GINO",
    {"gino",
     [](const nlohmann::json& options) -> NeuralOperator
     { return std::make_shared<GINOImpl>(optionsFromJson<GINOOptions>(options)); },
     [](const nlohmann::json& options)
     { return ginoParameterLowerBound(optionsFromJson<GINOOptions>(options)); }}
);

} // namespace


double ginoParameterLowerBound(const GINOOptions& o)
{
    const double width = double(o.hiddenChannels());
    const double coords = embeddedCoordinates(o);
    const double geometry = double(geometryOutChannels(o));
    const double inKernelIn =
        2 * coords + (o.inTransform() == GNOTransform::nonlinear ? double(o.pointChannels()) : 0);
    const double outKernelIn =
        2 * coords + (o.outTransform() == GNOTransform::nonlinear ? width : 0);
    const double liftedIn = geometry + double(o.latentChannels())
                            + (o.positionalEmbedding() ? double(o.coordDim()) : 0);
    const double lift = double(scaledWidth(o.liftingRatio(), o.hiddenChannels()));
    const double project = double(scaledWidth(o.projectionRatio(), o.hiddenChannels()));
    const double blocks =
        parameterLowerBound(FNOBlocksOptions(o.hiddenChannels(), o.modes(), o.nLayers())
                                .channelMLPExpansion(o.channelMLPExpansion()));
    return kernelWeights(inKernelIn, o.inKernel(), geometry) + liftedIn * lift + lift * width
           + blocks + kernelWeights(outKernelIn, o.outKernel(), width) + width * project
           + project * double(o.outChannels());
}


GINOImpl::GINOImpl(const GINOOptions& options_) :
    options(options_)
{
    reset();
}


nlohmann::json GINOImpl::optionsJson() const
{
    return optionsToJson(options);
}


void GINOImpl::reset()
{
    checkConsistent(options);
    const int64_t d = options.coordDim();
    const int64_t width = options.hiddenChannels();
    const int64_t geometry = geometryOutChannels(options);

    gnoIn = register_module(
        "gnoIn", IntegralTransform(IntegralTransformOptions(d, options.pointChannels(), geometry)
                                       .kernelHidden(options.inKernel())
                                       .transform(options.inTransform())
                                       .reduction(GNOReduction::mean)
                                       .embeddingFrequencies(options.embeddingFrequencies())
                                       .embedding(options.embedding())
                                       .maxPositions(options.maxPositions())
                                       .chunkSize(options.chunkSize()))
    );
    const int64_t liftedIn =
        geometry + options.latentChannels() + (options.positionalEmbedding() ? d : 0);
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
    gnoOut = register_module(
        "gnoOut", IntegralTransform(IntegralTransformOptions(d, width, width)
                                        .kernelHidden(options.outKernel())
                                        .transform(options.outTransform())
                                        .reduction(GNOReduction::sum)
                                        .embeddingFrequencies(options.embeddingFrequencies())
                                        .embedding(options.embedding())
                                        .maxPositions(options.maxPositions())
                                        .chunkSize(options.chunkSize()))
    );
    projection = register_module(
        "projection",
        ChannelMLP(ChannelMLPOptions(
                       width, options.outChannels(), scaledWidth(options.projectionRatio(), width)
        )
                       .fullPrecisionOutput(true))
    );
}


void GINOImpl::setPrecision(Precision precision)
{
    options.precision(precision);
    blocks->setPrecision(precision);
}


torch::Tensor GINOImpl::latentPoints() const
{
    return latentGridPoints(options.latentResolution());
}


torch::Tensor GINOImpl::forward(const torch::Tensor&)
{
    throw std::logic_error("GINO is a model on geometries: it takes a GeometryBatch");
}


torch::Tensor GINOImpl::forward(const GeometryBatch& batch)
{
    const int64_t d = options.coordDim();
    const std::vector<int64_t>& resolution = options.latentResolution();
    const auto type = accumulationType(batch.points);
    const auto latent = latentPoints().to(batch.points.device(), type);
    const int64_t gridPoints = latent.size(0);
    const int64_t b = batch.samples;
    TORCH_CHECK(
        b > 0 && batch.points.dim() == 2 && batch.points.size(1) == d && batch.queries.dim() == 2
            && batch.queries.size(1) == d,
        "GINO: expected points and queries of ", d, " coordinates, got ", batch.points.sizes(),
        " and ", batch.queries.sizes()
    );
    TORCH_CHECK(
        options.latentChannels() == 0
            || (batch.latentFeatures.defined() && batch.latentFeatures.dim() == d + 2
                && batch.latentFeatures.size(0) == b
                && batch.latentFeatures.size(1) == options.latentChannels()
                && batch.latentFeatures.sizes().slice(2).vec() == resolution),
        "GINO: expected latent features (", b, ", ", options.latentChannels(), ", ",
        describe(resolution), ")"
    );

    const auto reduced = reducedDtype(options.reducedType(), batch.points.device());
    AutocastScope autocast(options.precision() != Precision::full, batch.points.device(), reduced);

    const auto latentAll = latent.repeat({b, 1});
    auto x = gnoIn->forward(
        batch.points, latentAll, batch.toLatent.indices, batch.toLatent.rowSplits,
        batch.pointFeatures
    );

    std::vector<int64_t> batchResolution{b};
    batchResolution.insert(batchResolution.end(), resolution.begin(), resolution.end());
    std::vector<torch::Tensor> channels{x.reshape(withLast(batchResolution, x.size(1)))};
    if (options.latentChannels() > 0)
    {
        channels.push_back(batch.latentFeatures.to(type).movedim(1, -1));
    }
    if (options.positionalEmbedding())
    {
        channels.push_back(latent.reshape(withLast(resolution, d))
                               .unsqueeze(0)
                               .expand(withLast(batchResolution, d)));
    }
    auto v = lifting->forward(torch::cat(channels, -1).contiguous());
    v = padDomain(v, options.domainPadding());
    v = blocks->forward(v);
    v = unpadDomain(v, resolution);

    auto out = gnoOut->forward(
        latentAll, batch.queries, batch.fromLatent.indices, batch.fromLatent.rowSplits,
        v.reshape({b * gridPoints, options.hiddenChannels()})
    );
    return projection->forward(out).to(type);
}

} // namespace nop
