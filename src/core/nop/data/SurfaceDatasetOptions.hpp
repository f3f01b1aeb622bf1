#pragma once

// Where a surface dataset comes from (body surfaces with arrays on them, as
// GINO learns from), declared once (nop/options/Options.hpp). Torch-free:
// the OpenFOAM side fills it from a `data` dictionary of type `surfaces`.

#include "nop/options/Options.hpp"

#include <array>
#include <string>
#include <vector>

namespace nop
{

/// Where a surface's arrays live: at its points (vertices) or on its
/// triangles (cells). The model's queries are there.
enum class SurfaceLocation
{
    points,
    cells
};

template<> struct EnumWords<SurfaceLocation>
{
    static constexpr const char* what = "location";
    static constexpr std::array<std::pair<SurfaceLocation, const char*>, 2> table{
        {{SurfaceLocation::points, "points"}, {SurfaceLocation::cells, "cells"}}};
};

namespace check
{

/// A non-empty list of non-empty words or paths.
struct NonEmptyNames
{
    bool operator()(const std::vector<std::string>& names) const
    {
        for (const auto& name : names)
        {
            if (name.empty())
            {
                return false;
            }
        }
        return !names.empty();
    }
    std::string requirement() const { return "a non-empty list of non-empty names"; }
};

} // namespace check

// X(Type, keyword, default, check, description)
#define NOP_SURFACE_DATASET_OPTIONS(X)                                                             \
    X(std::vector<std::string>, trainFiles, {}, check::NonEmptyNames{},                            \
      "Training surfaces: .vtp .vtk .stl .ply files, ShapeNet meshes <id>_tri_mesh.ply (pressure " \
      "'press' from <id>_press.npy beside them) or neuraloperator's mini_car.pt (all its cars)")   \
    X(std::vector<std::string>, testFiles, {}, check::Any{},                                       \
      "Held-out surfaces (same kinds), evaluated one by one as test set 'test'")                   \
    X(std::vector<std::string>, fields, {}, check::NonEmptyNames{},                                \
      "Surface arrays to predict (a vector array gives one channel per component)")                \
    X(SurfaceLocation, location, SurfaceLocation::points, check::Any{},                            \
      "Where the fields live and are predicted: points or cells (triangle centres)")               \
    X(bool, signedDistance, true, check::Any{},                                                    \
      "Signed distance to the surface on the latent grid as a latent feature (needs triangles)")   \
    X(double, boxMargin, 0.1, (check::InRange{0, 10}),                                             \
      "Margin of the unit box around all training surfaces, as a fraction of their largest "       \
      "extent")                                                                                    \
    X(int64_t, nTrain, -1, check::AllOrPositive{}, "Surfaces used from trainFiles (-1: all)")

/// Options for a dataset of body surfaces.
///
/// Example:
///   SurfaceDatasetOptions().trainFiles({"boundary_1_mapped.vtp", "boundary_2_mapped.vtp"})
///       .testFiles({"boundary_4_mapped.vtp"}).fields({"pMean"})
struct SurfaceDatasetOptions
{
    NOP_OPTIONS_FIELDS(NOP_SURFACE_DATASET_OPTIONS)
    NOP_OPTIONS_VISITOR(visit, NOP_SURFACE_DATASET_OPTIONS(NOP_OPTION_VISIT_ONE))
    NOP_OPTIONS_VISITOR(visitEntries, NOP_SURFACE_DATASET_OPTIONS(NOP_OPTION_VISIT_ONE))

    static constexpr const char* scope = "data";

    bool empty() const { return trainFiles_.empty(); }
};

} // namespace nop
