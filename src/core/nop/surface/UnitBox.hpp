#pragma once

// The map of a body's coordinates into the unit cube [0, 1]^3 of a latent
// grid, one scale for all axes (the aspect ratio is kept), recorded in model
// files so that inference maps its inputs as training did.

#include "nop/surface/SurfaceGeometry.hpp"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <array>
#include <string>

namespace nop
{

/// encode(x) = (x - lower) * scale, decode(u) = u / scale + lower.
struct UnitBox
{
    std::array<double, 3> lower{0, 0, 0};
    double scale = 1;

    /// The box that maps `bounds`, widened by `margin` times its largest
    /// extent on every side, into [0, 1]^3: the largest extent (with the
    /// margins) onto [0, 1], the others centred in [0, 1]. Throws
    /// std::runtime_error when the bounds are empty or not finite, or the
    /// margin is negative or not finite.
    static UnitBox around(const Bounds& bounds, double margin = 0);

    /// Points (..., 3) into the unit box; dtype kept.
    torch::Tensor encode(const torch::Tensor& x) const;

    /// Unit-box points (..., 3) back; dtype kept.
    torch::Tensor decode(const torch::Tensor& u) const;

    /// {"lower": [x, y, z], "scale": s}
    nlohmann::json toJson() const;

    /// The box of toJson's object. Throws std::runtime_error("<what>: ...")
    /// unless it has exactly the keys "lower" (3 finite numbers) and "scale"
    /// (a finite number > 0).
    static UnitBox fromJson(const nlohmann::json& json, const std::string& what);
};

} // namespace nop
