#pragma once

// Signed distance from query points (a latent grid) to a triangulated
// surface, through VTK's vtkImplicitPolyDataDistance.

#include "nop/surface/Surface.hpp"

#include <torch/torch.h>

namespace nop
{

/// The signed distance from each of `queries` (..., 3) to `surface`, of
/// shape (...) in the queries' dtype (float32 or float64; computed in
/// float64).
///
/// Sign convention: negative inside, positive outside, zero on the surface;
/// the magnitude is the Euclidean distance to the nearest point of the
/// triangles. The side is that of the angle-weighted pseudonormal at the
/// nearest point (Baerentzen and Aanaes 2005, as vtkImplicitPolyDataDistance
/// computes it), so "inside" means behind triangles whose right-hand-rule
/// normals point outwards: the sign is meaningful for a closed surface
/// oriented that way; for an open one it says on which side of the nearest
/// triangles a point lies.
///
/// `threads` threads share the queries, each with its own copy of the
/// surface and VTK's locator (vtkImplicitPolyDataDistance is not
/// thread-safe).
///
/// Throws std::runtime_error naming the surface's source when it has no
/// triangles (requireTriangles), an edge is shared by more than two
/// triangles (checkEdgeManifold) or a triangle has zero area
/// (checkNoDegenerateTriangles), and when the queries are not (..., 3)
/// floating point and finite.
torch::Tensor signedDistance(const Surface& surface, const torch::Tensor& queries, int threads = 1);

} // namespace nop
