#pragma once

// Relative L2 and H1 errors (neuraloperator's LpLoss / H1Loss, per channel).

#include "nop/training/TrainerOptions.hpp"

#include <torch/torch.h>

namespace nop
{

/// Relative L2 error per sample and channel: ||p - t|| / (||t|| + eps)
/// over the grid points. pred, truth: (batch, channels, d1..dN).
/// Returns (batch, channels).
torch::Tensor relativeL2(const torch::Tensor& pred, const torch::Tensor& truth);

/// Relative H1 error per sample and channel: the norm adds the first
/// derivatives on the unit box (central differences inside, one-sided at
/// the boundaries, so non-periodic data is fine). Returns (batch, channels).
torch::Tensor relativeH1(const torch::Tensor& pred, const torch::Tensor& truth);

/// Relative L2 error per sample and channel of packed samples (geometries
/// with their own numbers of points): pred, truth (sum n, channels), sample s
/// in rows [splits[s], splits[s+1]) of splits (samples + 1) int64. Returns
/// (samples, channels).
torch::Tensor relativeL2(
    const torch::Tensor& pred,
    const torch::Tensor& truth,
    const torch::Tensor& splits
);

/// The training loss `kind` as a mean over samples and channels.
torch::Tensor relativeLoss(LossKind kind, const torch::Tensor& pred, const torch::Tensor& truth);

} // namespace nop
