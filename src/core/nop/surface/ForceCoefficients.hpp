#pragma once

// Drag and lift coefficients of a body from the pressure and wall shear
// stress on its triangulated surface: what a surface-pressure surrogate is
// judged by besides the field error.

#include "nop/surface/Surface.hpp"

#include <torch/torch.h>

#include <array>
#include <string>

namespace nop
{

/// What the coefficients are relative to: Cd = F.drag / (0.5 density
/// velocity^2 area), Cl likewise along `liftDirection`.
///
/// Kinematic pressure and stress (OpenFOAM's incompressible solvers: p/rho,
/// m^2/s^2) go with density 1, which gives the same coefficients as the
/// dimensional ones with the true density.
///
/// AhmedML (force_mom.csv) is reproduced with velocity 1, density 1, the
/// shear as -wallShearStressMean and one reference area for all bodies,
/// not each body's frontal area (measured in tests/core/testSurfaceOutput.cpp).
struct ForceReference
{
    /// Free-stream speed, > 0 (in errors: "referenceVelocity").
    double velocity = 0;
    /// Reference area, > 0, e.g. the frontal area ("referenceArea").
    double area = 0;
    /// > 0 ("referenceDensity").
    double density = 1;
    /// Non-zero, normalised here; not parallel to each other.
    std::array<double, 3> dragDirection{1, 0, 0};
    std::array<double, 3> liftDirection{0, 0, 1};
};

/// The force on the body and its coefficients. The forces are in the units
/// of the stress times area (force / density for kinematic pressure).
struct ForceCoefficients
{
    double cd;
    double cl;
    /// sum over triangles of -p n A, n the outward unit normal.
    std::array<double, 3> pressureForce;
    /// sum over triangles of tau A.
    std::array<double, 3> shearForce;
    /// cd = cdPressure + cdShear, cl = clPressure + clShear.
    double cdPressure;
    double cdShear;
    double clPressure;
    double clShear;
};

/// The force F = sum_t (-p_t n_t + tau_t) A_t on the body of the closed (or
/// nearly closed) triangulated `surface`, and its coefficients.
///
/// `pressure` is (n) on the points or (t) on the triangles; `shear`, the
/// stress exerted by the fluid on the wall (force per area on the body), is
/// (n, 3) or (t, 3), or undefined for none. Point values are averaged to a
/// triangle as the mean of its 3 corners. Note that OpenFOAM's
/// wallShearStress is minus that (it is -n.R with R = -nuEff twoSymm(grad U)
/// and n out of the fluid), so pass -wallShearStress. When the surface has
/// as many points as triangles (a tetrahedron) the rows do not tell where
/// the values are: that is refused; the overload by array name knows.
///
/// Orientation: Surface.triangleNormals follow the right-hand rule, which
/// in a file may point into the body (OpenFOAM's boundary faces point out
/// of the fluid). The outward side is told by the sign of the enclosed
/// volume, sum_t (p0 - c).((p1 - c) x (p2 - c)) / 6 with c the centre of the
/// bounding box: negative means the normals point inward and they are
/// flipped. This assumes a consistently oriented surface that is closed or
/// nearly so.
///
/// Throws std::runtime_error("surface '<source>': <problem>") when the
/// surface has no triangles, when |volume| is at most 1e-6 of the bounding
/// box volume (an open sheet: the outward side cannot be told), or when
/// pressure or shear has the wrong shape (naming the array and the rows
/// expected) or non-finite values (naming the first bad row); and
/// std::invalid_argument("surface '<source>': <entry> ...") for a reference
/// velocity, area or density that is not finite and > 0, or a drag or lift
/// direction that is zero, not finite or parallel to the other
/// ("referenceVelocity", "referenceArea", "referenceDensity",
/// "dragDirection", "liftDirection").
ForceCoefficients forceCoefficients(
    const Surface& surface,
    const torch::Tensor& pressure,
    const torch::Tensor& shear,
    const ForceReference& reference
);

/// forceCoefficients of the surface's point or cell array `pressure` and
/// (unless `shear` is "") `shear` (looked up among the point arrays, then
/// the cell arrays), with the shear stress multiplied by `shearSign`
/// (-1 for OpenFOAM's wallShearStress). Throws as above, naming the arrays
/// present when one is not there, and std::invalid_argument for a
/// non-finite shearSign.
ForceCoefficients forceCoefficients(
    const Surface& surface,
    const std::string& pressure,
    const std::string& shear,
    const ForceReference& reference,
    double shearSign = 1
);

/// The area of the surface projected onto a plane normal to `direction`
/// (normalised; non-zero): 0.5 sum_t |n_t . d| A_t, the frontal area for the
/// drag direction of a closed surface. Throws std::runtime_error naming the
/// source when the surface has no triangles, std::invalid_argument for a
/// zero or non-finite direction.
double projectedArea(const Surface& surface, const std::array<double, 3>& direction);

/// +1 when the right-hand-rule normals point out of the body, -1 when they
/// point into it, by the sign of the enclosed volume. Throws
/// std::runtime_error naming the source when the volume is too small to
/// tell (an open sheet).
double outwardSign(const Surface& surface);

} // namespace nop
