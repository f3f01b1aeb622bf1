#pragma once

// One entry of a surface dataset, read by what it names: a surface file,
// a ShapeNet car mesh with its pressure beside it, or a file of several
// cars (neuraloperator's mini_car.pt).

#include "nop/surface/Surface.hpp"

#include <string>
#include <vector>

namespace nop
{

/// The surfaces of `path`:
///   <dir>/<id>_tri_mesh.ply with <dir>/<id>_press.npy beside it: one
///       ShapeNet car with the point array "press" (readShapeNetCar);
///   *.pt: every car of a neuraloperator mini_car.pt file (point clouds
///       with "press", readNeuralOperatorCars);
///   else: the one surface of a .vtp .vtk .stl .ply file (readSurface).
/// Throws std::runtime_error naming the file, as those readers do.
std::vector<Surface> readSurfaces(const std::string& path);

/// The short name of a surface for logs and reports: the file's stem
/// (without "_tri_mesh" for ShapeNet cars) and, for a file of several, the
/// car's index ("mini_car.3").
std::string surfaceName(const std::string& path, size_t index, size_t count);

} // namespace nop
