#pragma once

// A body surface as GINO reads it: points, triangles, their normals and
// areas, and named arrays on points and triangles. Plain tensors on the CPU;
// the readers (SurfaceReaders.hpp, ShapeNetCar.hpp, NeuralOperatorCars.hpp)
// make one, and makeSurface makes one from points and triangles.

#include <torch/torch.h>

#include <map>
#include <string>

namespace nop
{

/// A triangulated surface, or a point cloud with normals (no triangles).
///
/// A surface read from a file of points only (neuraloperator's
/// mini_car.pt) has triangles of shape (0, 3) and empty triangleNormals and
/// triangleAreas; what needs triangles (signedDistance) asks for them with
/// requireTriangles and says so.
struct Surface
{
    /// (n, 3), float32 or float64.
    torch::Tensor points;
    /// (t, 3) int64 indices into points, counter-clockwise seen from outside
    /// (the right-hand rule gives the outward normal).
    torch::Tensor triangles;
    /// (t, 3) unit normals by the right-hand rule, dtype of points; zero for
    /// a zero-area triangle.
    torch::Tensor triangleNormals;
    /// (t), dtype of points.
    torch::Tensor triangleAreas;
    /// (n, 3) unit, area-weighted mean of the normals of the triangles at a
    /// point (or as the file gives them); zero at a point of no triangle.
    torch::Tensor vertexNormals;
    /// Arrays on points: (n) or (n, components).
    std::map<std::string, torch::Tensor> pointArrays;
    /// Arrays on triangles: (t) or (t, components).
    std::map<std::string, torch::Tensor> cellArrays;
    /// The file it was read from, or what made it: errors about the surface
    /// read "surface '<source>': <problem>".
    std::string source;

    int64_t numPoints() const { return points.size(0); }
    int64_t numTriangles() const { return triangles.size(0); }
};

/// The surface of `points` (n, 3) and `triangles` (t, 3) with normals and
/// areas computed (SurfaceGeometry.hpp) and checked by checkSurface.
Surface makeSurface(torch::Tensor points, torch::Tensor triangles, const std::string& source);

/// Throws std::runtime_error("surface '<source>': <problem>") unless: points is (n, 3)
/// float32 or float64 with n > 0 and finite; triangles is (t, 3) int64 with
/// indices in [0, n); the normals and areas have the shapes above (dtype of
/// points); every point array has n rows and every cell array t rows.
void checkSurface(const Surface& surface);

/// The point array `name`; throws naming the source and the arrays present.
const torch::Tensor& pointArray(const Surface& surface, const std::string& name);

/// The cell (triangle) array `name`; throws naming the source and the arrays
/// present.
const torch::Tensor& cellArray(const Surface& surface, const std::string& name);

/// Throws std::runtime_error("surface '<source>': <purpose> needs triangles,
/// ...") when
/// the surface has none (a point cloud).
void requireTriangles(const Surface& surface, const std::string& purpose);

} // namespace nop
