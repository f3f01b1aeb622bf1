#pragma once

// Body surfaces made into GINO samples: coordinates into the model's unit
// box, queries and targets where the arrays live, the signed distance on
// the latent grid (VTK) and the neighbour lists of both GNOs. How it was
// done is recorded in the model file, so that a new surface is sampled as
// the training ones were.

#include "nop/data/GeometryBatch.hpp"
#include "nop/data/SurfaceDatasetOptions.hpp"
#include "nop/surface/Surface.hpp"
#include "nop/surface/UnitBox.hpp"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <string>
#include <vector>

namespace nop
{

/// What a model file records about its surfaces (key "geometry").
struct SurfaceSampling
{
    UnitBox unitBox;
    SurfaceLocation location = SurfaceLocation::points;
    bool signedDistance = true;
    /// The surface arrays predicted, in channel order, and their components.
    std::vector<std::string> fields;
    std::vector<int64_t> components;

    int64_t channels() const;
    /// One name per channel: the array's name, with ".x" ".y" ".z" (or
    /// ".<i>") appended for an array of several components.
    std::vector<std::string> channelNames() const;

    nlohmann::json toJson() const;
    /// Throws std::runtime_error("<what>: ...") for anything but toJson's
    /// object with fields and components of equal, non-zero length.
    static SurfaceSampling fromJson(const nlohmann::json& json, const std::string& what);
};

/// One name per channel of `fields` with `components` each: prefix and the
/// field's name, with ".x" ".y" ".z" (or ".<i>") appended for a field of
/// several components.
std::vector<std::string> fieldChannelNames(
    const std::vector<std::string>& fields,
    const std::vector<int64_t>& components,
    const std::string& prefix = ""
);

/// The latent grid of a GINO (its options latentResolution, inRadius and
/// outRadius), as the sampling needs it.
struct LatentGridSpec
{
    std::vector<int64_t> resolution;
    double inRadius = 0;
    double outRadius = 0;
};

/// The points of a latent grid over the unit box, point i of dimension d at
/// i / (r_d - 1), as (points, d) float32, first dimension slowest.
torch::Tensor latentGridPoints(const std::vector<int64_t>& resolution);

/// The number of points of a latent grid: the product of `resolution`.
int64_t latentGridSize(const std::vector<int64_t>& resolution);

/// The components of each of `fields` on `surface` at `location`. Throws
/// std::runtime_error naming the surface and entry 'fields' when one is
/// missing (the error lists the arrays there).
std::vector<int64_t> fieldComponents(
    const Surface& surface,
    const std::vector<std::string>& fields,
    SurfaceLocation location
);

/// The sample of `surface` named `name`: its points (geometry) and queries
/// (points or triangle centres) in the unit box, the signed distance (in
/// unit-box lengths) on the latent grid when asked, the neighbour lists,
/// and with `withTargets` the fields as (queries, channels) float32.
///
/// Throws std::runtime_error naming the surface's source and the entry at
/// fault: 'fields' (an array missing, of other components than the model's,
/// or not finite), 'location' (cells of a point cloud), 'signedDistance' (a
/// point cloud has no inside), 'latentResolution' (not 3D), 'outRadius' (a
/// query with no latent-grid point within it: the error gives the radius
/// that reaches every query).
GeometrySample sampleSurface(
    const Surface& surface,
    const std::string& name,
    const SurfaceSampling& sampling,
    const LatentGridSpec& grid,
    bool withTargets,
    int threads = 0
);

/// The signed distance to `surface` on the latent grid of `resolution`
/// over `unitBox`, in unit-box lengths, (1, r1, r2, r3) float32. Throws
/// naming the surface and entry 'signedDistance' for a point cloud.
torch::Tensor latentDistance(
    const Surface& surface,
    const UnitBox& unitBox,
    const std::vector<int64_t>& resolution,
    int threads
);

/// Throws std::runtime_error naming the surface and entry 'outRadius'
/// unless every row of `fromLatent` (one per query) has a neighbour; the
/// error says which radius would reach them all.
void checkEveryQueryReached(
    const Surface& surface,
    const Neighbours& fromLatent,
    const torch::Tensor& queries,
    const LatentGridSpec& grid
);

/// Where `location`'s values of `surface` are: its points, or the centres
/// of its triangles; (n, 3) in the points' dtype.
torch::Tensor surfaceQueries(const Surface& surface, SurfaceLocation location);

} // namespace nop
