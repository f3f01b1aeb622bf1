#include "nop/layers/SinusoidalEmbedding.hpp"

#include "nop/precision/ReducedPrecision.hpp"

#include <cmath>

namespace nop
{

SinusoidalEmbeddingImpl::SinusoidalEmbeddingImpl(const SinusoidalEmbeddingOptions& options_) :
    options(options_)
{
    reset();
}


void SinusoidalEmbeddingImpl::reset()
{
    TORCH_CHECK(
        options.inChannels() > 0 && options.frequencies() > 0,
        "SinusoidalEmbedding: inChannels and frequencies must be positive"
    );
    TORCH_CHECK(
        options.maxPositions() > 1 && std::isfinite(options.maxPositions()),
        "SinusoidalEmbedding: maxPositions must be finite and > 1"
    );
}


torch::Tensor SinusoidalEmbeddingImpl::frequencies() const
{
    const auto k = torch::arange(options.frequencies(), torch::kDouble);
    const auto w = options.kind() == EmbeddingKind::nerf
                       ? torch::pow(2.0, k) * M_PI
                       : torch::pow(options.maxPositions(), -k / double(options.frequencies()));
    return w;
}


torch::Tensor SinusoidalEmbeddingImpl::forward(const torch::Tensor& x)
{
    TORCH_CHECK(
        x.dim() >= 1 && x.size(-1) == options.inChannels(), "SinusoidalEmbedding: expected (..., ",
        options.inChannels(), "), got ", x.sizes()
    );
    FullPrecisionScope fullPrecision;
    const auto type = accumulationType(x);
    const auto phase = x.to(type).unsqueeze(-1) * frequencies().to(x.device(), type);
    auto out = torch::stack({phase.sin(), phase.cos()}, -1); // (..., C, F, 2)
    return out.flatten(-3);
}

} // namespace nop
