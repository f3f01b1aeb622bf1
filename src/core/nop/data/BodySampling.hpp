#pragma once

// Bodies of CFD cases made into GINO samples: coordinates into the latent
// box, surface queries at the wall faces, volume queries at the cells
// inside the box, the signed distance on the latent grid and the target
// mask that keeps each field where it lives. How it was done is recorded
// in the model file, so that a new case is sampled as the training ones.

#include "nop/data/BodyCase.hpp"
#include "nop/data/GeometryBatch.hpp"
#include "nop/data/SurfaceSampling.hpp"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <string>
#include <vector>

namespace nop
{

/// What a model file records about its bodies (key "geometry", kind
/// "bodies"). Output channels: the surface fields' at the wall faces, then
/// the volume fields' at the cells.
struct BodySampling
{
    UnitBox unitBox;
    bool signedDistance = true;
    BodyFields surfaceFields;
    BodyFields volumeFields;

    int64_t channels() const { return surfaceFields.channels() + volumeFields.channels(); }
    /// "surface/<field>" and "volume/<field>", with ".x" ".y" ".z" (or
    /// ".<i>") appended for a field of several components.
    std::vector<std::string> channelNames() const;
    nlohmann::json toJson() const;
    /// Throws std::runtime_error("<what>: ...") for anything but toJson's
    /// object.
    static BodySampling fromJson(const nlohmann::json& json, const std::string& what);
    /// True for a geometry record of bodies (toJson's kind).
    static bool describes(const nlohmann::json& json);
};

/// The rows of `cellCentres` (3 per cell) inside the sampling's latent box,
/// in order.
std::vector<int64_t> cellsInsideBox(
    const BodySampling& sampling,
    const std::vector<double>& cellCentres
);

/// The sample of `body`: the wall-face centres as its points and first
/// queries, then the cells `volumeRows` (rows of body.cellCentres, inside
/// the box) as queries when the sampling has volume fields; the signed
/// distance (unit-box lengths) of the body's surface on the latent grid;
/// with `withTargets` the values and the mask (surface channels at faces,
/// volume channels at cells).
///
/// Throws std::runtime_error naming the case and the entry at fault:
/// 'patches' (no face, a surface that is not a closed-enough triangulation
/// for the signed distance), 'surfaceFields'/'volumeFields' (values of
/// other sizes, not finite), 'outRadius' (a query out of the latent grid's
/// reach).
GeometrySample sampleBody(
    const BodyCase& body,
    const BodySampling& sampling,
    const LatentGridSpec& grid,
    const std::vector<int64_t>& volumeRows,
    bool withTargets,
    int threads = 0
);

} // namespace nop
