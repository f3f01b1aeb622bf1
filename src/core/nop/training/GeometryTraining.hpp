#pragma once

// Training and evaluation on geometry samples (models such as GINO): a
// batch is its samples packed one after the other, the loss the relative
// L2 per sample and channel at the queries. No input normaliser: the
// coordinates are in the unit box and the latent features (the signed
// distance) in its lengths already.

#include "nop/data/Dataset.hpp"
#include "nop/models/Surrogate.hpp"

#include <torch/torch.h>

#include <vector>

namespace nop
{

/// Per-channel statistics of the targets of all samples, every query point
/// counting once.
GaussianNormaliser fitTargetNormaliser(const std::vector<GeometrySample>& samples);

/// The samples with their targets encoded by `normaliser`.
std::vector<GeometrySample> withEncodedTargets(
    const std::vector<GeometrySample>& samples,
    const GaussianNormaliser& normaliser
);

/// The packed batch of samples[index[i]] on `device`, for `model`'s latent
/// grid.
GeometryBatch batchOf(
    const NeuralOperatorImpl& model,
    const std::vector<GeometrySample>& samples,
    const torch::Tensor& index,
    const torch::Device& device
);

/// The training loss on the samples `index` (targets normalised): mean
/// over samples and channels of the relative L2 at the queries.
torch::Tensor geometryLoss(
    NeuralOperatorImpl& model,
    const std::vector<GeometrySample>& samples,
    const torch::Tensor& index,
    const torch::Device& device
);

/// The relative L2 per sample and channel, (samples, channels), of the
/// surrogate's prediction in physical units against the samples' targets
/// (physical units), one sample at a time.
torch::Tensor geometryErrors(
    Surrogate& surrogate,
    const std::vector<GeometrySample>& samples,
    const torch::Device& device
);

} // namespace nop
