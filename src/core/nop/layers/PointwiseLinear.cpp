#include "nop/layers/PointwiseLinear.hpp"

#include <ATen/autocast_mode.h>

namespace nop
{

namespace
{

/// Fewer points than this: torch::linear (oneDNN's set-up outweighs it).
constexpr int64_t minConvolutionPoints = 4096;

} // namespace


torch::Tensor pointwiseLinear(
    const torch::Tensor& x,
    const torch::Tensor& weight,
    const torch::Tensor& bias
)
{
    const int64_t in = weight.size(1);
    const int64_t out = weight.size(0);
    TORCH_CHECK(
        x.dim() >= 1 && x.size(-1) == in, "pointwiseLinear: input ", x.sizes(),
        " does not end in the weight's ", in, " channels"
    );
    const int64_t points = in > 0 ? x.numel() / in : 0;
    // float32 only: under autocast (mixed, half) torch::linear's bfloat16
    // GEMM is oneDNN's already, and its convolution measured 2-3x slower
    const bool float32 = x.scalar_type() == torch::kFloat && weight.scalar_type() == torch::kFloat
                         && !at::autocast::is_cpu_enabled();
    if (!float32 || !x.is_cpu() || x.dim() < 2 || points < minConvolutionPoints
        || !x.is_contiguous())
    {
        return torch::linear(x, weight, bias);
    }

    // (B, d1..dN, in) -> (B, in, points, 1): a channels-last view; rows
    // of points (n, in) are one batch
    const int64_t batch = x.dim() == 2 ? 1 : x.size(0);
    const auto image = x.reshape({batch, -1, 1, in}).permute({0, 3, 1, 2});
    const auto y = torch::conv2d(image, weight.view({out, in, 1, 1}), bias);
    // (B, out, points, 1) channels-last -> (B, d1..dN, out)
    auto shape = x.sizes().vec();
    shape.back() = out;
    return y.permute({0, 2, 3, 1}).reshape(shape);
}

} // namespace nop
