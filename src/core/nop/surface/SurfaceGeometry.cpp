#include "nop/surface/SurfaceGeometry.hpp"

#include <cmath>
#include <stdexcept>

namespace nop
{

namespace
{

/// Per triangle, (b - a) x (c - a): twice the area times the unit normal.
torch::Tensor doubleAreaNormals(const torch::Tensor& points, const torch::Tensor& triangles)
{
    const auto a = points.index_select(0, triangles.select(1, 0));
    const auto b = points.index_select(0, triangles.select(1, 1));
    const auto c = points.index_select(0, triangles.select(1, 2));
    return torch::cross(b - a, c - a, 1);
}


/// `v` (rows of 3) divided by its length; zero rows stay zero.
torch::Tensor unitRows(const torch::Tensor& v)
{
    const auto length = v.norm(2, 1, true);
    return torch::where(length > 0, v / length, torch::zeros_like(v));
}


/// The sorted-endpoint key a * n + b (a < b) of every triangle edge, three
/// per triangle: edge k of triangle i at 3 i + k.
torch::Tensor edgeKeys(const torch::Tensor& triangles, int64_t n)
{
    const auto from = triangles;
    const auto to = triangles.roll(-1, 1);
    return (torch::minimum(from, to) * n + torch::maximum(from, to)).reshape(-1);
}

} // namespace


TriangleGeometry triangleGeometry(const torch::Tensor& points, const torch::Tensor& triangles)
{
    const auto scaled = doubleAreaNormals(points, triangles);
    return {unitRows(scaled), scaled.norm(2, 1) / 2};
}


torch::Tensor vertexNormals(const torch::Tensor& points, const torch::Tensor& triangles)
{
    // Each triangle adds area * normal (half of `scaled`; the factor drops
    // out in the normalisation) to its three points.
    const auto scaled = doubleAreaNormals(points, triangles);
    auto sum = torch::zeros_like(points);
    for (int64_t corner = 0; corner < 3; ++corner)
    {
        sum.index_add_(0, triangles.select(1, corner), scaled);
    }
    return unitRows(sum);
}


Bounds bounds(const Surface& surface)
{
    const auto points = surface.points.to(torch::kDouble);
    const auto lower = std::get<0>(points.min(0));
    const auto upper = std::get<0>(points.max(0));
    Bounds box;
    for (int64_t i = 0; i < 3; ++i)
    {
        box.lower[size_t(i)] = lower[i].item<double>();
        box.upper[size_t(i)] = upper[i].item<double>();
    }
    return box;
}


void checkEdgeManifold(const Surface& surface)
{
    if (surface.numTriangles() == 0)
    {
        return;
    }
    const int64_t n = surface.numPoints();
    const auto [keys, inverse, counts] =
        torch::_unique2(edgeKeys(surface.triangles, n), true, false, true);
    const auto shared = (counts > 2).nonzero();
    if (shared.size(0) == 0)
    {
        return;
    }
    const int64_t first = shared[0][0].item<int64_t>();
    const int64_t key = keys[first].item<int64_t>();
    throw std::runtime_error(
        "surface '" + surface.source + "': non-manifold surface: " + std::to_string(shared.size(0))
        + " edges are shared by more than two triangles (the first, between points "
        + std::to_string(key / n) + " and " + std::to_string(key % n) + ", by "
        + std::to_string(counts[first].item<int64_t>()) + "); a signed distance needs each edge "
        + "shared by at most two"
    );
}


void checkNoDegenerateTriangles(const Surface& surface, double relativeArea)
{
    if (surface.numTriangles() == 0)
    {
        return;
    }
    const auto box = bounds(surface);
    double diagonal2 = 0;
    for (size_t i = 0; i < 3; ++i)
    {
        diagonal2 += std::pow(box.upper[i] - box.lower[i], 2);
    }
    const auto areas = triangleGeometry(surface.points.to(torch::kDouble), surface.triangles).areas;
    const auto degenerate = (areas <= relativeArea * diagonal2).nonzero();
    if (degenerate.size(0) > 0)
    {
        const int64_t first = degenerate[0][0].item<int64_t>();
        throw std::runtime_error(
            "surface '" + surface.source + "': " + std::to_string(degenerate.size(0))
            + " degenerate (zero-area) triangles, the first triangle " + std::to_string(first)
            + " (points " + std::to_string(surface.triangles[first][0].item<int64_t>()) + ", "
            + std::to_string(surface.triangles[first][1].item<int64_t>()) + ", "
            + std::to_string(surface.triangles[first][2].item<int64_t>())
            + "); their normals, which give the side of a point, are undefined"
        );
    }
}

} // namespace nop
