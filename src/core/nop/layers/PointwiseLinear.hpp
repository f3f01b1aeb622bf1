#pragma once

// A linear map of the channels at every point of a channels-last tensor:
// what the FNO's lifting, skips, channel MLPs and projection do, and the
// largest cost of a full-precision training step on a CPU.

#include <torch/torch.h>

namespace nop
{

/// y[..., o] = sum_i x[..., i] weight[o, i] + bias[o], as torch::linear
/// (autocast alike), for x (..., in) channels-last.
///
/// On a CPU with many points it runs as a 1x1 convolution of the points
/// viewed as (batch, in, points, 1) in channels-last layout (no copy),
/// which LibTorch gives oneDNN: measured on our 2-core machine (64x64 grid,
/// batch 16, width 32, forward and backward, one thread) 2 to 5 times the
/// speed of OpenBLAS's GEMM, whose kernels suit neither the 32-wide
/// matrices nor the weight gradient's reduction over all points. Elsewhere
/// (CUDA, few points, reduced precision or autocast, whose bfloat16 GEMM is
/// oneDNN's already) it is torch::linear.
torch::Tensor pointwiseLinear(
    const torch::Tensor& x,
    const torch::Tensor& weight,
    const torch::Tensor& bias = torch::Tensor()
);

} // namespace nop
