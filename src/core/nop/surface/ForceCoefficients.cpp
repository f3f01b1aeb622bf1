#include "nop/surface/ForceCoefficients.hpp"

#include "nop/surface/SurfaceGeometry.hpp"

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace nop
{

namespace
{

/// Where the values of an array are.
enum class Location
{
    points,
    triangles
};


std::string prefix(const Surface& surface)
{
    return "surface '" + surface.source + "': ";
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


/// The expected shape "(rows)" or "(rows, 3)".
std::string shape(int64_t rows, int64_t components)
{
    return "(" + std::to_string(rows) + (components > 1 ? ", 3)" : ")");
}


/// Whether `values` is (rows) for 1 component, (rows, components) else.
bool hasColumns(const torch::Tensor& values, int64_t components)
{
    return values.defined()
           && (components == 1 ? values.dim() == 1
                               : values.dim() == 2 && values.size(1) == components);
}


/// Where the rows of `values` ((rows) or (rows, 3) by `components`) are:
/// n rows on the points, t on the triangles.
Location locate(
    const Surface& surface,
    const torch::Tensor& values,
    int64_t components,
    const std::string& what
)
{
    const int64_t n = surface.numPoints();
    const int64_t t = surface.numTriangles();
    const int64_t rows = hasColumns(values, components) ? values.size(0) : -1;
    if (rows != n && rows != t)
    {
        throw std::runtime_error(
            prefix(surface) + what + " has shape " + shapeOf(values) + ", expected "
            + shape(n, components) + " on the points or " + shape(t, components)
            + " on the triangles"
        );
    }
    if (n == t)
    {
        throw std::runtime_error(
            prefix(surface) + what + " has " + std::to_string(rows)
            + " rows, as many as the points and the triangles: pass it as a named point or "
            + "cell array to tell which"
        );
    }
    return rows == n ? Location::points : Location::triangles;
}


/// `values` (rows) or (rows, 3) at `location` as float64 values on the
/// triangles (a point's values averaged over the 3 corners); throws naming
/// `what` for a wrong shape, a non-numeric dtype or a non-finite value.
torch::Tensor onTriangles(
    const Surface& surface,
    const torch::Tensor& values,
    Location location,
    int64_t components,
    const std::string& what
)
{
    const int64_t rows =
        location == Location::points ? surface.numPoints() : surface.numTriangles();
    if (!hasColumns(values, components) || values.size(0) != rows)
    {
        throw std::runtime_error(
            prefix(surface) + what + " has shape " + shapeOf(values) + ", expected "
            + shape(rows, components)
        );
    }
    if (values.is_complex() || values.scalar_type() == torch::kBool)
    {
        throw std::runtime_error(prefix(surface) + what + " is not real numbers");
    }
    const auto v = values.to(torch::kDouble);
    const auto finite = components == 1 ? v.isfinite() : v.isfinite().all(1);
    if (!finite.all().item<bool>())
    {
        const auto bad = (~finite).nonzero()[0][0].item<int64_t>();
        throw std::runtime_error(
            prefix(surface) + what + " has a non-finite value (NaN or Inf) in row "
            + std::to_string(bad)
        );
    }
    if (location == Location::triangles)
    {
        return v;
    }
    const auto& corners = surface.triangles;
    return (v.index_select(0, corners.select(1, 0)) + v.index_select(0, corners.select(1, 1))
            + v.index_select(0, corners.select(1, 2)))
           / 3;
}


void checkPositive(const Surface& surface, double value, const std::string& entry)
{
    if (!(std::isfinite(value) && value > 0))
    {
        std::ostringstream os;
        os << prefix(surface) << entry << " is " << value << ", expected a finite value > 0";
        throw std::invalid_argument(os.str());
    }
}


/// `direction` normalised, as a float64 tensor (3).
torch::Tensor unit(
    const Surface& surface,
    const std::array<double, 3>& direction,
    const std::string& entry
)
{
    const auto d = torch::tensor({direction[0], direction[1], direction[2]}, torch::kDouble);
    const double length = d.norm().item<double>();
    if (!(std::isfinite(length) && length > 0))
    {
        std::ostringstream os;
        os << prefix(surface) << entry << " is (" << direction[0] << ", " << direction[1] << ", "
           << direction[2] << "), expected a finite non-zero vector";
        throw std::invalid_argument(os.str());
    }
    return d / length;
}


std::array<double, 3> arrayOf(const torch::Tensor& v)
{
    return {v[0].item<double>(), v[1].item<double>(), v[2].item<double>()};
}


/// The coefficients of the triangle pressures `p` (t) and shear stresses
/// `tau` (t, 3) or undefined.
ForceCoefficients integrate(
    const Surface& surface,
    const torch::Tensor& p,
    const torch::Tensor& tau,
    const ForceReference& reference
)
{
    checkPositive(surface, reference.velocity, "referenceVelocity");
    checkPositive(surface, reference.area, "referenceArea");
    checkPositive(surface, reference.density, "referenceDensity");
    const auto drag = unit(surface, reference.dragDirection, "dragDirection");
    const auto lift = unit(surface, reference.liftDirection, "liftDirection");
    if (torch::cross(drag, lift, 0).norm().item<double>() < 1e-9)
    {
        throw std::invalid_argument(
            prefix(surface) + "dragDirection and liftDirection are parallel"
        );
    }

    const auto geometry = triangleGeometry(surface.points.to(torch::kDouble), surface.triangles);
    const auto areas = geometry.areas.unsqueeze(1);
    const auto outward = geometry.normals * outwardSign(surface);
    const auto pressureForce = -(p.unsqueeze(1) * outward * areas).sum(0);
    const auto shearForce =
        tau.defined() ? (tau * areas).sum(0) : torch::zeros({3}, torch::kDouble);

    const double q =
        0.5 * reference.density * reference.velocity * reference.velocity * reference.area;
    ForceCoefficients result;
    result.pressureForce = arrayOf(pressureForce);
    result.shearForce = arrayOf(shearForce);
    result.cdPressure = pressureForce.dot(drag).item<double>() / q;
    result.cdShear = shearForce.dot(drag).item<double>() / q;
    result.clPressure = pressureForce.dot(lift).item<double>() / q;
    result.clShear = shearForce.dot(lift).item<double>() / q;
    result.cd = result.cdPressure + result.cdShear;
    result.cl = result.clPressure + result.clShear;
    return result;
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


/// The array `name` and where it is: a point array, else a cell array.
std::pair<torch::Tensor, Location> namedArray(
    const Surface& surface,
    const std::string& name,
    const std::string& what
)
{
    if (surface.pointArrays.count(name) > 0)
    {
        return {surface.pointArrays.at(name), Location::points};
    }
    if (surface.cellArrays.count(name) > 0)
    {
        return {surface.cellArrays.at(name), Location::triangles};
    }
    throw std::runtime_error(
        prefix(surface) + "no point or cell array '" + name + "' for the " + what
        + " (point arrays: " + namesOf(surface.pointArrays)
        + "; cell arrays: " + namesOf(surface.cellArrays) + ")"
    );
}

} // namespace


/// +1 when the right-hand-rule normals point out of the body, -1 when they
/// point into it, by the sign of the enclosed volume.
double outwardSign(const Surface& surface)
{
    const auto box = bounds(surface);
    double boxVolume = 1;
    std::array<double, 3> centre{};
    for (size_t i = 0; i < 3; ++i)
    {
        boxVolume *= box.upper[i] - box.lower[i];
        centre[i] = (box.upper[i] + box.lower[i]) / 2;
    }
    const auto points = surface.points.to(torch::kDouble)
                        - torch::tensor({centre[0], centre[1], centre[2]}, torch::kDouble);
    const auto& corners = surface.triangles;
    const auto a = points.index_select(0, corners.select(1, 0));
    const auto b = points.index_select(0, corners.select(1, 1));
    const auto c = points.index_select(0, corners.select(1, 2));
    const double volume = (a * torch::cross(b, c, 1)).sum().item<double>() / 6;
    if (!(std::abs(volume) > 1e-6 * boxVolume))
    {
        std::ostringstream os;
        os << prefix(surface) << "encloses a volume of " << volume
           << " in a bounding box of volume " << boxVolume
           << ": an open sheet? The outward side of its triangles cannot be told (force "
           << "coefficients need a closed or nearly closed surface)";
        throw std::runtime_error(os.str());
    }
    return volume > 0 ? 1 : -1;
}


ForceCoefficients forceCoefficients(
    const Surface& surface,
    const torch::Tensor& pressure,
    const torch::Tensor& shear,
    const ForceReference& reference
)
{
    requireTriangles(surface, "a force integration");
    const auto p =
        onTriangles(surface, pressure, locate(surface, pressure, 1, "pressure"), 1, "pressure");
    const auto tau =
        shear.defined()
            ? onTriangles(surface, shear, locate(surface, shear, 3, "shear"), 3, "shear")
            : torch::Tensor();
    return integrate(surface, p, tau, reference);
}


ForceCoefficients forceCoefficients(
    const Surface& surface,
    const std::string& pressure,
    const std::string& shear,
    const ForceReference& reference,
    double shearSign
)
{
    requireTriangles(surface, "a force integration");
    if (!std::isfinite(shearSign))
    {
        throw std::invalid_argument(prefix(surface) + "shearSign is not finite");
    }
    const auto [pValues, pWhere] = namedArray(surface, pressure, "pressure");
    const auto p = onTriangles(surface, pValues, pWhere, 1, "pressure '" + pressure + "'");
    torch::Tensor tau;
    if (!shear.empty())
    {
        const auto [values, where] = namedArray(surface, shear, "shear");
        tau = shearSign * onTriangles(surface, values, where, 3, "shear '" + shear + "'");
    }
    return integrate(surface, p, tau, reference);
}


double projectedArea(const Surface& surface, const std::array<double, 3>& direction)
{
    requireTriangles(surface, "a projected area");
    const auto d = unit(surface, direction, "direction");
    const auto geometry = triangleGeometry(surface.points.to(torch::kDouble), surface.triangles);
    return 0.5 * (geometry.normals.matmul(d).abs() * geometry.areas).sum().item<double>();
}

} // namespace nop
