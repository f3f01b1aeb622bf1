#pragma once

// How neuraloperator's ShapeNet-car folders name their files: one car is
// <id>_tri_mesh.ply with its pressure <id>_press.npy beside it. Torch-free,
// so that the OpenFOAM side finds cars in directories by the same rule.

#include <string>
#include <vector>

namespace nop
{

/// "_tri_mesh.ply": the ending of a ShapeNet car mesh.
extern const std::string shapeNetMeshEnding;

/// Whether `path` ends in shapeNetMeshEnding.
bool isShapeNetMesh(const std::string& path);

/// The pressure file beside the ShapeNet mesh `meshPath`; empty when the
/// path is not such a mesh or no pressure file is there.
std::string shapeNetPressureOf(const std::string& meshPath);

/// The car meshes of `directory` that have their pressure beside them,
/// sorted.
std::vector<std::string> shapeNetCarsIn(const std::string& directory);

} // namespace nop
