#include "nop/surface/Surface.hpp"

#include "nop/surface/SurfaceGeometry.hpp"

#include <sstream>
#include <stdexcept>

namespace nop
{

namespace
{

std::runtime_error error(const Surface& surface, const std::string& why)
{
    return std::runtime_error("surface '" + surface.source + "': " + why);
}


std::string shapeOf(const torch::Tensor& t)
{
    if (!t.defined())
    {
        return "undefined";
    }
    std::ostringstream os;
    os << t.sizes();
    return os.str();
}


/// Throws unless `t` has `rows` rows and (when `columns` > 0) that many
/// columns, the dtype of the points.
void checkRows(
    const Surface& surface,
    const torch::Tensor& t,
    int64_t rows,
    int64_t columns,
    const std::string& name
)
{
    const bool shaped = t.defined() && t.size(0) == rows
                        && (columns > 0 ? t.dim() == 2 && t.size(1) == columns : t.dim() == 1);
    if (!shaped)
    {
        throw error(
            surface, name + " has shape " + shapeOf(t) + ", expected (" + std::to_string(rows)
                         + (columns > 0 ? ", " + std::to_string(columns) : "") + ")"
        );
    }
    if (t.scalar_type() != surface.points.scalar_type())
    {
        std::ostringstream os;
        os << name << " has dtype " << t.scalar_type() << ", the points "
           << surface.points.scalar_type();
        throw error(surface, os.str());
    }
}


void checkArrays(
    const Surface& surface,
    const std::map<std::string, torch::Tensor>& arrays,
    int64_t rows,
    const std::string& kind
)
{
    for (const auto& [name, array] : arrays)
    {
        if (!array.defined() || array.dim() < 1 || array.dim() > 2 || array.size(0) != rows)
        {
            throw error(
                surface, kind + " array '" + name + "' has shape " + shapeOf(array) + ", expected ("
                             + std::to_string(rows) + ") or (" + std::to_string(rows)
                             + ", components)"
            );
        }
    }
}


std::string namesOf(const std::map<std::string, torch::Tensor>& arrays)
{
    std::string names;
    for (const auto& entry : arrays)
    {
        names += (names.empty() ? "" : ", ") + entry.first;
    }
    return names.empty() ? "none" : names;
}


const torch::Tensor& arrayOf(
    const Surface& surface,
    const std::map<std::string, torch::Tensor>& arrays,
    const std::string& name,
    const std::string& kind
)
{
    const auto found = arrays.find(name);
    if (found == arrays.end())
    {
        throw error(
            surface, "no " + kind + " array '" + name + "' (" + kind
                         + " arrays present: " + namesOf(arrays) + ")"
        );
    }
    return found->second;
}

} // namespace


Surface makeSurface(torch::Tensor points, torch::Tensor triangles, const std::string& source)
{
    Surface surface;
    surface.points = std::move(points);
    surface.triangles = std::move(triangles);
    surface.source = source;
    // Shapes and indices first: the geometry below indexes with them.
    checkSurface(surface);
    const auto geometry = triangleGeometry(surface.points, surface.triangles);
    surface.triangleNormals = geometry.normals;
    surface.triangleAreas = geometry.areas;
    surface.vertexNormals = vertexNormals(surface.points, surface.triangles);
    checkSurface(surface);
    return surface;
}


void checkSurface(const Surface& surface)
{
    const auto& points = surface.points;
    if (!points.defined() || points.dim() != 2 || points.size(1) != 3)
    {
        throw error(surface, "points have shape " + shapeOf(points) + ", expected (n, 3)");
    }
    if (points.scalar_type() != torch::kFloat && points.scalar_type() != torch::kDouble)
    {
        std::ostringstream os;
        os << "points have dtype " << points.scalar_type() << ", expected float32 or float64";
        throw error(surface, os.str());
    }
    const int64_t n = points.size(0);
    if (n == 0)
    {
        throw error(surface, "empty surface (no points)");
    }
    const auto finite = points.isfinite().all(1);
    if (!finite.all().item<bool>())
    {
        const auto bad = (~finite).nonzero()[0][0].item<int64_t>();
        throw error(surface, "non-finite coordinates (NaN or Inf) at point " + std::to_string(bad));
    }

    const auto& triangles = surface.triangles;
    if (!triangles.defined() || triangles.dim() != 2 || triangles.size(1) != 3
        || triangles.scalar_type() != torch::kLong)
    {
        throw error(
            surface, "triangles have shape " + shapeOf(triangles) + ", expected (t, 3) int64"
        );
    }
    const int64_t t = triangles.size(0);
    if (t > 0)
    {
        const auto outside = (triangles < 0).logical_or(triangles >= n).any(1);
        if (outside.any().item<bool>())
        {
            const auto bad = outside.nonzero()[0][0].item<int64_t>();
            throw error(
                surface, "triangle " + std::to_string(bad) + " refers to a point outside [0, "
                             + std::to_string(n) + ")"
            );
        }
    }

    if (surface.triangleNormals.defined() || surface.triangleAreas.defined())
    {
        checkRows(surface, surface.triangleNormals, t, 3, "triangleNormals");
        checkRows(surface, surface.triangleAreas, t, 0, "triangleAreas");
    }
    if (surface.vertexNormals.defined())
    {
        checkRows(surface, surface.vertexNormals, n, 3, "vertexNormals");
    }
    checkArrays(surface, surface.pointArrays, n, "point");
    checkArrays(surface, surface.cellArrays, t, "cell");
}


const torch::Tensor& pointArray(const Surface& surface, const std::string& name)
{
    return arrayOf(surface, surface.pointArrays, name, "point");
}


const torch::Tensor& cellArray(const Surface& surface, const std::string& name)
{
    return arrayOf(surface, surface.cellArrays, name, "cell");
}


void requireTriangles(const Surface& surface, const std::string& purpose)
{
    if (surface.numTriangles() == 0)
    {
        throw error(
            surface, purpose
                         + " needs triangles, and this surface has none (points and normals "
                           "only, as neuraloperator's mini_car.pt stores them)"
        );
    }
}

} // namespace nop
