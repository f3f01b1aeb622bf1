#pragma once

// The ShapeNet cars of Umetani and Bickel (2018) as neuraloperator ships the
// raw set: per car a triangle mesh <id>_tri_mesh.ply and the pressure
// <id>_press.npy (float64). The pressure file holds 96 values more than the
// mesh has points: the per-point pressure is
// concat(press[0:16], press[112:]), as neuraloperator's car dataset selects
// it (3682 values, 3586 points).

#include "nop/surface/Surface.hpp"

#include <string>

namespace nop
{

/// The car of mesh `plyPath` (readSurface) with the point array "press"
/// (n, float64) from `pressPath` after the selection above. Throws
/// std::runtime_error naming the file when either cannot be read or the
/// pressure is not 1D with exactly 96 values more than the mesh's points.
Surface readShapeNetCar(const std::string& plyPath, const std::string& pressPath);

/// The car `id` ("001") of `folder`: <folder>/<id>_tri_mesh.ply and
/// <folder>/<id>_press.npy.
Surface readShapeNetCarFromFolder(const std::string& folder, const std::string& id);

} // namespace nop
