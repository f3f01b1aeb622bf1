#pragma once

// Samples of a geometry dataset as GINO takes them, and their packing into
// one batch: samples may differ in geometry and in numbers of points, so a
// batch is their points one after the other, not a padded tensor.

#include "nop/geometry/NeighbourSearch.hpp"

#include <torch/torch.h>

#include <string>
#include <vector>

namespace nop
{

/// One sample, coordinates already in the model's unit box. The neighbour
/// lists depend on the geometry alone: they are found once per sample.
struct GeometrySample
{
    std::string name;
    /// (m, d) float32: the geometry (e.g. surface vertices or face centres).
    torch::Tensor points;
    /// (m, pointChannels) float32, or undefined for none.
    torch::Tensor pointFeatures;
    /// (latentChannels, r1..rd) float32 on the latent grid (e.g. the signed
    /// distance to the body), or undefined for none.
    torch::Tensor latentFeatures;
    /// (n, d) float32: where the outputs are wanted.
    torch::Tensor queries;
    /// (n, outChannels) float32 at the queries; undefined when predicting.
    torch::Tensor targets;
    /// (n, outChannels) bool: which targets exist (a surface field has none
    /// at a cell centre), or undefined for all. Absent targets hold 0.
    torch::Tensor targetMask;
    /// Rows: the latent-grid points; indices into points.
    Neighbours toLatent;
    /// Rows: the queries; indices into the latent-grid points.
    Neighbours fromLatent;
};

/// Samples packed: point-like tensors concatenated, neighbour indices shifted
/// by the points (or latent-grid points) of the samples before.
struct GeometryBatch
{
    int64_t samples = 0;
    torch::Tensor points;         ///< (sum m, d)
    torch::Tensor pointFeatures;  ///< (sum m, c) or undefined
    torch::Tensor latentFeatures; ///< (samples, c, r1..rd) or undefined
    torch::Tensor queries;        ///< (sum n, d)
    torch::Tensor querySplits;    ///< (samples + 1) int64: sample s is rows [s], [s+1]
    torch::Tensor targets;        ///< (sum n, outChannels) or undefined
    torch::Tensor targetMask;     ///< (sum n, outChannels) bool, or undefined for all
    Neighbours toLatent;          ///< rows: samples x latent points, sample-major
    Neighbours fromLatent;        ///< rows: sum n
};

/// Pack `samples` (at least one) for a latent grid of `latentPoints` points.
/// Throws std::invalid_argument naming the sample when they do not agree
/// (dimensions, channels, neighbour rows, targets on some only).
GeometryBatch packGeometries(
    const std::vector<const GeometrySample*>& samples,
    int64_t latentPoints
);

/// The batch on `device` (the neighbour lists too).
GeometryBatch toDevice(const GeometryBatch& batch, const torch::Device& device);

/// The rows of sample s of a packed (sum n, ...) tensor.
torch::Tensor sampleRows(const torch::Tensor& packed, const torch::Tensor& splits, int64_t s);

} // namespace nop
