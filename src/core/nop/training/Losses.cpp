#include "nop/training/Losses.hpp"

#include <stdexcept>

namespace nop
{

namespace
{

constexpr double eps = 1e-12;

void checkShapes(const torch::Tensor& pred, const torch::Tensor& truth)
{
    TORCH_CHECK(
        pred.sizes() == truth.sizes() && pred.dim() >= 3, "relative error: prediction ",
        pred.sizes(), " and truth ", truth.sizes(), " must both be (batch, channels, d1..dN)"
    );
}


/// Sum of squares over the grid points: (batch, channels).
torch::Tensor squaredNorm(const torch::Tensor& x)
{
    return x.flatten(2).square().sum(-1);
}


/// Sum over d of |dx/dx_d|^2 on the unit box: (batch, channels).
torch::Tensor squaredGradientNorm(const torch::Tensor& x)
{
    auto total = torch::zeros({x.size(0), x.size(1)}, x.options());
    for (int64_t d = 2; d < x.dim(); ++d)
    {
        const int64_t n = x.size(d);
        if (n < 2)
        {
            continue;
        }
        const auto derivative = torch::gradient(x, torch::Scalar(1.0 / double(n)), {d}, 1)[0];
        total = total + squaredNorm(derivative);
    }
    return total;
}

} // namespace


torch::Tensor relativeL2(const torch::Tensor& pred, const torch::Tensor& truth)
{
    checkShapes(pred, truth);
    const auto p = pred.to(torch::kFloat);
    const auto t = truth.to(torch::kFloat);
    return squaredNorm(p - t).sqrt() / (squaredNorm(t).sqrt() + eps);
}


torch::Tensor relativeL2(
    const torch::Tensor& pred,
    const torch::Tensor& truth,
    const torch::Tensor& splits
)
{
    TORCH_CHECK(
        pred.sizes() == truth.sizes() && pred.dim() == 2 && splits.dim() == 1
            && splits.scalar_type() == torch::kLong && splits.size(0) >= 2
            && splits[0].item<int64_t>() == 0 && splits[-1].item<int64_t>() == pred.size(0),
        "relative error: packed prediction ", pred.sizes(), " and truth ", truth.sizes(),
        " must both be (points, channels), split by int64 splits from 0 to the points, got ",
        splits.sizes()
    );
    const int64_t samples = splits.size(0) - 1;
    const auto counts = splits.slice(0, 1) - splits.slice(0, 0, samples);
    const auto sample =
        torch::repeat_interleave(torch::arange(samples, splits.options()), counts, 0, pred.size(0));
    const auto p = pred.to(torch::kFloat);
    const auto t = truth.to(torch::kFloat);
    const auto perSample = [&](const torch::Tensor& x) {
        return torch::zeros({samples, x.size(1)}, x.options()).index_add(0, sample, x.square());
    };
    return perSample(p - t).sqrt() / (perSample(t).sqrt() + eps);
}


torch::Tensor relativeH1(const torch::Tensor& pred, const torch::Tensor& truth)
{
    checkShapes(pred, truth);
    const auto p = pred.to(torch::kFloat);
    const auto t = truth.to(torch::kFloat);
    const auto e = p - t;
    const auto error = squaredNorm(e) + squaredGradientNorm(e);
    const auto reference = squaredNorm(t) + squaredGradientNorm(t);
    return error.sqrt() / (reference.sqrt() + eps);
}


torch::Tensor relativeLoss(LossKind kind, const torch::Tensor& pred, const torch::Tensor& truth)
{
    if (kind == LossKind::l2)
    {
        return relativeL2(pred, truth).mean();
    }
    return relativeH1(pred, truth).mean();
}

} // namespace nop
