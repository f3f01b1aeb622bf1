#pragma once

// Surfaces written as VTK XML PolyData (.vtp) and latent grids as VTK XML
// ImageData (.vti) for ParaView: a prediction or a field on a body surface,
// the signed distance a GINO sees, with their arrays, written atomically.

#include "nop/surface/Surface.hpp"
#include "nop/surface/UnitBox.hpp"

#include <map>

#include <string>
#include <vector>

namespace nop
{

/// Writes `surface` to `path` as VTK XML PolyData (vtkXMLPolyDataWriter,
/// binary, zlib-compressed): its points (float32 or float64, as they are),
/// its triangles as polygons, or, for a surface without triangles (a point
/// cloud), one vertex cell per point so that ParaView shows the points; and
/// every point and cell array under its name, (rows) as one component and
/// (rows, k) as k components, float32 and float64 kept as they are and
/// integer and bool arrays as VTK integers. The normals are not written.
/// readSurface reads back what it writes with triangles (it drops vertex
/// cells).
///
/// Written to a temporary file beside `path`, then renamed over it: on any
/// failure the temporary is removed and `path` is untouched.
///
/// Throws std::runtime_error("surface '<source>': <problem>") for what
/// checkSurface refuses or an array of another dtype (complex, half), and
/// std::runtime_error("cannot write surface file '<path>': <problem>") when
/// VTK cannot write it (the directory is missing or not writable; the error
/// quotes VTK's message) or the rename fails.
void writeSurfaceVtp(const std::string& path, const Surface& surface);

/// Writes the latent grid of `resolution` (points per axis, 1 to 3 axes)
/// over the unit box of `unitBox` to `path` as VTK XML ImageData (binary,
/// zlib-compressed): origin and spacing in the body's coordinates, and
/// every array of `arrays`, shaped (r1..rd) or (r1..rd, k), the first axis
/// slowest (as latentGridPoints). Atomic, and throws, as writeSurfaceVtp;
/// std::invalid_argument for an array of another shape.
void writeLatentGridVti(
    const std::string& path,
    const UnitBox& unitBox,
    const std::vector<int64_t>& resolution,
    const std::map<std::string, torch::Tensor>& arrays
);

} // namespace nop
