#include "nop/surface/UnitBox.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

namespace nop
{

namespace
{

torch::Tensor row(const std::array<double, 3>& values, const torch::Tensor& like)
{
    return torch::tensor({values[0], values[1], values[2]}, torch::kDouble).to(like.dtype());
}


void checkPoints(const torch::Tensor& x, const char* what)
{
    if (!x.defined() || x.dim() < 1 || x.size(-1) != 3 || !x.is_floating_point())
    {
        std::ostringstream os;
        os << "UnitBox::" << what << ": expected floating-point points (..., 3)";
        if (x.defined())
        {
            os << ", got shape " << x.sizes() << " and dtype " << x.scalar_type();
        }
        throw std::runtime_error(os.str());
    }
}

} // namespace


UnitBox UnitBox::around(const Bounds& bounds, double margin)
{
    if (!std::isfinite(margin) || margin < 0)
    {
        throw std::runtime_error(
            "UnitBox::around: margin " + std::to_string(margin) + ", expected finite and >= 0"
        );
    }
    double extent = 0;
    for (size_t i = 0; i < 3; ++i)
    {
        const double width = bounds.upper[i] - bounds.lower[i];
        if (!std::isfinite(bounds.lower[i]) || !std::isfinite(width) || width < 0)
        {
            throw std::runtime_error(
                "UnitBox::around: bounds not finite or lower above upper on axis "
                + std::to_string(i)
            );
        }
        extent = std::max(extent, width);
    }
    if (extent == 0)
    {
        throw std::runtime_error("UnitBox::around: bounds of a single point");
    }
    const double side = extent * (1 + 2 * margin);
    UnitBox box;
    box.scale = 1 / side;
    for (size_t i = 0; i < 3; ++i)
    {
        box.lower[i] = (bounds.lower[i] + bounds.upper[i]) / 2 - side / 2;
    }
    return box;
}


torch::Tensor UnitBox::encode(const torch::Tensor& x) const
{
    checkPoints(x, "encode");
    return (x - row(lower, x)) * scale;
}


torch::Tensor UnitBox::decode(const torch::Tensor& u) const
{
    checkPoints(u, "decode");
    return u / scale + row(lower, u);
}


nlohmann::json UnitBox::toJson() const
{
    return {{"lower", lower}, {"scale", scale}};
}


UnitBox UnitBox::fromJson(const nlohmann::json& json, const std::string& what)
{
    const auto fail = [&](const std::string& why) { return std::runtime_error(what + ": " + why); };
    if (!json.is_object() || json.size() != 2 || !json.contains("lower") || !json.contains("scale"))
    {
        throw fail("expected an object of exactly \"lower\" and \"scale\", got " + json.dump());
    }
    const auto& lower = json.at("lower");
    if (!lower.is_array() || lower.size() != 3)
    {
        throw fail("\"lower\" is " + lower.dump() + ", expected 3 numbers");
    }
    UnitBox box;
    for (size_t i = 0; i < 3; ++i)
    {
        if (!lower[i].is_number() || !std::isfinite(lower[i].get<double>()))
        {
            throw fail("\"lower\" is " + lower.dump() + ", expected 3 finite numbers");
        }
        box.lower[i] = lower[i].get<double>();
    }
    const auto& scale = json.at("scale");
    if (!scale.is_number() || !std::isfinite(scale.get<double>()) || scale.get<double>() <= 0)
    {
        throw fail("\"scale\" is " + scale.dump() + ", expected a finite number > 0");
    }
    box.scale = scale.get<double>();
    return box;
}

} // namespace nop
