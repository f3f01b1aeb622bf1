#pragma once

// Surface files read through VTK, the reader chosen by the extension
// (case-insensitive):
//   .vtp  VTK XML PolyData (vtkXMLPolyDataReader; compressed or not)
//   .vtk  legacy VTK POLYDATA (vtkPolyDataReader; ASCII or binary)
//   .stl  STL (vtkSTLReader; ASCII or binary; coincident points merged; its
//         size or ending checked first, StlStructure.hpp)
//   .ply  PLY (vtkPLYReader; float32 points even of doubles, as VTK 9.1 reads
//         them; its structure checked first, PlyStructure.hpp)
// Polygons and triangle strips become triangles (vtkTriangleFilter);
// vertices and lines are dropped. Every numeric point and cell data array
// is kept under its name with its components (cell arrays repeated on the
// triangles a polygon becomes).

#include "nop/surface/Surface.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace nop
{

/// Largest surface file readSurface reads.
constexpr uint64_t maxSurfaceFileBytes = uint64_t(1) << 30;

/// The extensions readSurface reads: ".vtp", ".vtk", ".stl", ".ply".
const std::vector<std::string>& surfaceExtensions();

/// The surface in `path`, normals and areas computed (Surface.source is
/// `path`). Throws std::runtime_error("surface file '<path>': <problem>"),
/// or "surface '<path>': <problem>" for what checkSurface refuses, when:
/// the extension is none of surfaceExtensions() (the error lists them), the
/// file is missing, not a regular file or larger than maxSurfaceFileBytes,
/// VTK reports an error (the error quotes VTK's first message), a PLY or STL
/// file is truncated, a cell refers to a point that is not there, or the surface
/// is empty or has non-finite coordinates.
Surface readSurface(const std::string& path);

} // namespace nop
