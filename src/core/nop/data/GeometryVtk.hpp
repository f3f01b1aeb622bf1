#pragma once

// What GINO sees of one geometry sample, written for ParaView: the latent
// grid with its features and the queries with their targets, in the body's
// coordinates (trainNeuralOperator -writeVtk).

#include "nop/data/GeometryBatch.hpp"
#include "nop/surface/UnitBox.hpp"

#include <string>
#include <vector>

namespace nop
{

/// Writes, atomically, into `directory` (created when missing):
///   <stem>.latentGrid.vti  the latent grid of `resolution` over the unit
///                          box, with the sample's latent features
///                          (signedDistance in the body's units and
///                          insideBody when `signedDistance`, else
///                          latentFeature<i>);
///   <stem>.queries.vtp     the queries as points, with one array per
///                          output channel (`channelNames`) holding the
///                          targets, NaN where a channel has none (a
///                          surface field at a cell).
/// `stem` is the last component of the sample's name. Throws
/// std::runtime_error naming the file when it cannot be written.
void writeGeometrySampleVtk(
    const std::string& directory,
    const GeometrySample& sample,
    const UnitBox& unitBox,
    const std::vector<int64_t>& resolution,
    const std::vector<std::string>& channelNames,
    bool signedDistance
);

} // namespace nop
