#pragma once

// Geometry of triangulated surfaces from points and triangles (torch ops),
// and the checks a signed distance needs.

#include "nop/surface/Surface.hpp"

#include <torch/torch.h>

#include <array>

namespace nop
{

/// Unit normals (t, 3) by the right-hand rule and areas (t) of `triangles`
/// (t, 3) int64 over `points` (n, 3); a zero-area triangle has a zero
/// normal. Dtype of points.
struct TriangleGeometry
{
    torch::Tensor normals;
    torch::Tensor areas;
};
TriangleGeometry triangleGeometry(const torch::Tensor& points, const torch::Tensor& triangles);

/// (n, 3) unit normals at the points: the sum over the triangles at a point
/// of area times unit normal, normalised; zero at a point of no triangle.
torch::Tensor vertexNormals(const torch::Tensor& points, const torch::Tensor& triangles);

/// Axis-aligned bounding box of a surface's points.
struct Bounds
{
    std::array<double, 3> lower;
    std::array<double, 3> upper;
};
Bounds bounds(const Surface& surface);

/// Throws std::runtime_error naming the source when an edge is shared by
/// more than two triangles (non-manifold; the side of such an edge is
/// undefined), naming the first such edge and its triangle count.
void checkEdgeManifold(const Surface& surface);

/// Throws std::runtime_error naming the source and the first such triangle
/// when a triangle's area is at most `relativeArea` times the square of the
/// bounding box diagonal (its normal, which gives the side, is undefined).
void checkNoDegenerateTriangles(const Surface& surface, double relativeArea = 1e-14);

} // namespace nop
