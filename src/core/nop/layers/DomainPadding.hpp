#pragma once

// One-sided zero padding of the spatial dimensions, so non-periodic data
// need not wrap around in the Fourier blocks.

#include <torch/torch.h>

#include <vector>

namespace nop
{

/// Pad each spatial dimension of a channels-last tensor at its end by
/// round(fraction * size) zeros.
torch::Tensor padDomain(const torch::Tensor& x, double fraction);

/// Undo `padDomain`: keep the first `sizes` points of each spatial dimension.
torch::Tensor unpadDomain(const torch::Tensor& x, const std::vector<int64_t>& sizes);

} // namespace nop
