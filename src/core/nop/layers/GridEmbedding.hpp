#pragma once

// Positional embedding: the grid coordinates as extra channels.

#include <torch/torch.h>

namespace nop
{

/// Channels-last: (batch, d1..dN, C) -> (batch, d1..dN, C + N), coordinate
/// d of point i being i/n_d in [0, 1) (neuraloperator's regular grid).
torch::Tensor appendGridCoordinates(const torch::Tensor& x, int64_t spatialDims);

} // namespace nop
