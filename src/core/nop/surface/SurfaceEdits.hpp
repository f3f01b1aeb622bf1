#pragma once

// Edits of a triangulated surface before a prediction on it: the part on
// one side of a plane (a half model's symmetry plane), and triangles split
// until they are as fine as the faces a model was trained on.

#include "nop/surface/Surface.hpp"

#include <array>

namespace nop
{

/// The part of `surface` on the side of the plane through `origin` that
/// `normal` points to: triangles wholly there kept, those across the plane
/// cut at it (into one or two triangles, orientation kept, the new points
/// shared along each cut edge), the others dropped. Arrays are dropped.
/// Throws std::runtime_error naming the source when the normal is zero or
/// nothing is left.
Surface clipSurface(
    const Surface& surface,
    const std::array<double, 3>& origin,
    const std::array<double, 3>& normal
);

/// `surface` with every triangle split into k^2 similar triangles, k the
/// smallest for edges at most `maxEdge` (k = 1: the triangle kept);
/// orientation kept, the new points not shared between the original
/// triangles (a prediction's faces, not a surface to mesh). Arrays are
/// dropped. Throws std::invalid_argument unless maxEdge > 0, and
/// std::runtime_error when the result would exceed `maxTriangles`.
Surface refineSurface(const Surface& surface, double maxEdge, int64_t maxTriangles = 20000000);

/// `surface` with its triangles turned where needed so that the right-hand
/// rule gives the normal out of the body, told by the enclosed volume (the
/// surface closed or nearly so). Arrays are kept.
Surface orientOutward(const Surface& surface);

} // namespace nop
