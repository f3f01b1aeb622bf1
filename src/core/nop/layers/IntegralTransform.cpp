#include "nop/layers/IntegralTransform.hpp"

#include "nop/precision/ReducedPrecision.hpp"

namespace nop
{

IntegralTransformImpl::IntegralTransformImpl(const IntegralTransformOptions& options_) :
    options(options_)
{
    reset();
}


int64_t IntegralTransformImpl::kernelInChannels() const
{
    const int64_t coords = options.embeddingFrequencies() > 0
                               ? 2 * options.coordDim() * options.embeddingFrequencies()
                               : options.coordDim();
    return 2 * coords + (options.transform() == GNOTransform::nonlinear ? options.inChannels() : 0);
}


void IntegralTransformImpl::reset()
{
    TORCH_CHECK(options.coordDim() > 0, "IntegralTransform: coordDim must be positive");
    TORCH_CHECK(
        options.inChannels() >= 0 && options.outChannels() > 0,
        "IntegralTransform: inChannels must be >= 0 and outChannels positive"
    );
    TORCH_CHECK(
        options.inChannels() == 0 || options.outChannels() == options.inChannels(),
        "IntegralTransform: the kernel multiplies the input features, so outChannels (",
        options.outChannels(), ") must equal inChannels (", options.inChannels(), ")"
    );
    TORCH_CHECK(
        options.transform() == GNOTransform::linear || options.inChannels() > 0,
        "IntegralTransform: a nonlinear kernel needs input features (inChannels > 0)"
    );
    TORCH_CHECK(options.chunkSize() >= 0, "IntegralTransform: chunkSize must be >= 0");
    for (const int64_t width : options.kernelHidden())
    {
        TORCH_CHECK(width > 0, "IntegralTransform: kernel widths must be positive");
    }

    if (options.embeddingFrequencies() > 0)
    {
        embedding = register_module(
            "embedding", SinusoidalEmbedding(SinusoidalEmbeddingOptions(
                                                 options.coordDim(), options.embeddingFrequencies()
                         )
                                                 .kind(options.embedding())
                                                 .maxPositions(options.maxPositions()))
        );
    }
    kernel = register_module("kernel", torch::nn::ModuleList());
    int64_t in = kernelInChannels();
    for (const int64_t width : options.kernelHidden())
    {
        kernel->push_back(torch::nn::Linear(in, width));
        in = width;
    }
    kernel->push_back(torch::nn::Linear(in, options.outChannels()));
}


torch::Tensor IntegralTransformImpl::embed(const torch::Tensor& points)
{
    return embedding ? embedding->forward(points) : points.to(accumulationType(points));
}


torch::Tensor IntegralTransformImpl::applyKernel(torch::Tensor features)
{
    const size_t n = kernel->size();
    for (size_t i = 0; i < n; ++i)
    {
        features = kernel[i]->as<torch::nn::Linear>()->forward(features);
        if (i + 1 < n)
        {
            features = torch::gelu(features);
        }
    }
    return features;
}


torch::Tensor IntegralTransformImpl::forward(
    const torch::Tensor& y,
    const torch::Tensor& x,
    const torch::Tensor& indices,
    const torch::Tensor& rowSplits,
    const torch::Tensor& f,
    const torch::Tensor& weights
)
{
    const int64_t d = options.coordDim();
    TORCH_CHECK(
        y.dim() == 2 && y.size(1) == d && x.dim() == 2 && x.size(1) == d,
        "IntegralTransform: expected points (m, ", d, ") and (n, ", d, "), got ", y.sizes(),
        " and ", x.sizes()
    );
    const int64_t m = y.size(0);
    const int64_t n = x.size(0);
    TORCH_CHECK(
        indices.dim() == 1 && indices.scalar_type() == torch::kLong && rowSplits.dim() == 1
            && rowSplits.scalar_type() == torch::kLong && rowSplits.size(0) == n + 1,
        "IntegralTransform: expected int64 indices (pairs) and rowSplits (", n + 1, "), got ",
        indices.sizes(), " ", indices.scalar_type(), " and ", rowSplits.sizes(), " ",
        rowSplits.scalar_type()
    );
    const int64_t pairs = indices.size(0);
    const auto counts = rowSplits.slice(0, 1) - rowSplits.slice(0, 0, n);
    TORCH_CHECK(
        rowSplits[0].item<int64_t>() == 0 && rowSplits[n].item<int64_t>() == pairs
            && (n == 0 || counts.min().item<int64_t>() >= 0),
        "IntegralTransform: rowSplits must rise from 0 to the number of pairs (", pairs, ")"
    );
    TORCH_CHECK(
        pairs == 0 || (indices.min().item<int64_t>() >= 0 && indices.max().item<int64_t>() < m),
        "IntegralTransform: neighbour indices outside the ", m, " input points"
    );
    const bool features = options.inChannels() > 0;
    TORCH_CHECK(
        features == f.defined()
            && (!features || (f.dim() == 2 && f.size(0) == m && f.size(1) == options.inChannels())),
        "IntegralTransform: expected ", features ? "" : "no ", "input features (", m, ", ",
        options.inChannels(), "), got ", f.defined() ? f.sizes() : torch::IntArrayRef{}
    );
    TORCH_CHECK(
        !weights.defined() || (weights.dim() == 1 && weights.size(0) == m),
        "IntegralTransform: expected weights (", m, "), got ", weights.sizes()
    );

    // Everything per neighbour pair (the kernel's inputs, outputs and their
    // product with the features) is held in the type the kernel computes in
    // under autocast, so what backward keeps per pair is reduced too; only
    // the sums accumulate in `type`. Gathering in that type rounds exactly as
    // the kernel's own cast would.
    const auto type = accumulationType(y);
    const auto pairType = autocastType(type, y.device());
    const auto yEmbedded = embed(y).to(pairType);
    const auto xEmbedded = embed(x).to(pairType);
    const bool nonlinear = options.transform() == GNOTransform::nonlinear;
    const auto fPair = nonlinear ? f.to(pairType) : torch::Tensor();
    // f * w (or w alone) once per input point, not once per pair.
    torch::Tensor multiplier = features ? f.to(type) : torch::Tensor();
    if (weights.defined())
    {
        const auto w = weights.to(type).unsqueeze(1);
        multiplier = features ? multiplier * w : w;
    }
    if (multiplier.defined())
    {
        multiplier = multiplier.to(pairType);
    }
    const auto rows =
        torch::repeat_interleave(torch::arange(n, indices.options()), counts, 0, pairs);

    auto out = torch::zeros({n, options.outChannels()}, x.options().dtype(type));
    const int64_t chunk =
        options.chunkSize() > 0 ? options.chunkSize() : std::max<int64_t>(pairs, 1);
    for (int64_t start = 0; start < pairs; start += chunk)
    {
        const int64_t end = std::min(pairs, start + chunk);
        const auto j = indices.slice(0, start, end);
        const auto i = rows.slice(0, start, end);

        std::vector<torch::Tensor> in{yEmbedded.index_select(0, j), xEmbedded.index_select(0, i)};
        if (nonlinear)
        {
            in.push_back(fPair.index_select(0, j));
        }
        auto k = applyKernel(torch::cat(in, 1));
        if (multiplier.defined())
        {
            k = k * multiplier.index_select(0, j).to(k.scalar_type());
        }
        out.index_add_(0, i, k.to(type));
    }
    if (options.reduction() == GNOReduction::mean)
    {
        out = out / counts.clamp_min(1).unsqueeze(1).to(type);
    }
    return out;
}

} // namespace nop
