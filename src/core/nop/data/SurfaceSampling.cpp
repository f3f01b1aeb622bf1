#include "nop/data/SurfaceSampling.hpp"

#include "nop/geometry/NeighbourSearch.hpp"
#include "nop/options/Words.hpp"
#include "nop/surface/SignedDistance.hpp"

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace nop
{

namespace
{

[[noreturn]] void refuse(const Surface& surface, const std::string& entry, const std::string& why)
{
    throw std::runtime_error(
        "surface '" + surface.source + "': " + why + " (entry '" + entry + "')"
    );
}


const std::map<std::string, torch::Tensor>& arraysAt(const Surface& s, SurfaceLocation location)
{
    return location == SurfaceLocation::points ? s.pointArrays : s.cellArrays;
}


std::string arrayList(const std::map<std::string, torch::Tensor>& arrays)
{
    std::string list;
    for (const auto& entry : arrays)
    {
        list += (list.empty() ? "" : ", ") + entry.first;
    }
    return list.empty() ? "none" : list;
}


/// The array `field` at `location` as (rows, components).
torch::Tensor fieldArray(const Surface& s, const std::string& field, SurfaceLocation location)
{
    const auto& arrays = arraysAt(s, location);
    const std::string where = location == SurfaceLocation::points ? "point" : "cell";
    const auto it = arrays.find(field);
    if (it == arrays.end())
    {
        refuse(
            s, "fields",
            "has no " + where + " array '" + field + "' (its " + where
                + " arrays: " + arrayList(arrays) + ")"
        );
    }
    return it->second.dim() == 1 ? it->second.unsqueeze(1) : it->second.flatten(1);
}


/// The targets (queries, channels) float32 of the sampling's fields.
torch::Tensor targetsOf(const Surface& s, const SurfaceSampling& sampling)
{
    const auto components = fieldComponents(s, sampling.fields, sampling.location);
    if (components != sampling.components)
    {
        refuse(
            s, "fields",
            "its arrays have components " + describe(components) + ", the model's "
                + describe(sampling.components)
        );
    }
    std::vector<torch::Tensor> columns;
    for (const auto& field : sampling.fields)
    {
        columns.push_back(fieldArray(s, field, sampling.location).to(torch::kFloat));
    }
    auto targets = torch::cat(columns, 1).contiguous();
    if (!torch::isfinite(targets).all().item<bool>())
    {
        refuse(s, "fields", "an array holds NaN or infinite values (or values beyond float32)");
    }
    return targets;
}


} // namespace


int64_t SurfaceSampling::channels() const
{
    int64_t total = 0;
    for (const int64_t c : components)
    {
        total += c;
    }
    return total;
}


std::vector<std::string> fieldChannelNames(
    const std::vector<std::string>& fields,
    const std::vector<int64_t>& components,
    const std::string& prefix
)
{
    static const char* const axes[3] = {"x", "y", "z"};
    std::vector<std::string> names;
    for (size_t f = 0; f < fields.size(); ++f)
    {
        for (int64_t c = 0; c < components.at(f); ++c)
        {
            names.push_back(
                prefix
                + (components[f] == 1
                       ? fields[f]
                       : fields[f] + "." + (components[f] == 3 ? axes[c] : std::to_string(c)))
            );
        }
    }
    return names;
}


std::vector<std::string> SurfaceSampling::channelNames() const
{
    return fieldChannelNames(fields, components);
}


nlohmann::json SurfaceSampling::toJson() const
{
    return {
        {"unitBox", unitBox.toJson()},
        {"location", toString(location)},
        {"signedDistance", signedDistance},
        {"fields", fields},
        {"components", components}};
}


SurfaceSampling SurfaceSampling::fromJson(const nlohmann::json& json, const std::string& what)
{
    const auto fail = [&](const std::string& why) { return std::runtime_error(what + ": " + why); };
    if (!json.is_object() || json.size() != 5)
    {
        throw fail("expected an object of unitBox, location, signedDistance, fields, components");
    }
    SurfaceSampling s;
    try
    {
        s.unitBox = UnitBox::fromJson(json.at("unitBox"), what + ": unitBox");
        s.location = fromString<SurfaceLocation>(json.at("location").get<std::string>());
        s.signedDistance = json.at("signedDistance").get<bool>();
        s.fields = json.at("fields").get<std::vector<std::string>>();
        s.components = json.at("components").get<std::vector<int64_t>>();
    }
    catch (const nlohmann::json::exception& e)
    {
        throw fail(e.what());
    }
    catch (const std::invalid_argument& e)
    {
        throw fail(e.what());
    }
    if (s.fields.empty() || s.fields.size() != s.components.size())
    {
        throw fail("fields and components must be non-empty lists of equal length");
    }
    for (const int64_t c : s.components)
    {
        if (c < 1 || c > 9)
        {
            throw fail("components must be in [1, 9]");
        }
    }
    return s;
}


torch::Tensor latentGridPoints(const std::vector<int64_t>& resolution)
{
    std::vector<torch::Tensor> axes;
    for (const int64_t n : resolution)
    {
        axes.push_back(torch::arange(n, torch::kDouble) / double(n - 1));
    }
    std::vector<torch::Tensor> coordinates;
    for (const auto& g : torch::meshgrid(axes, "ij"))
    {
        coordinates.push_back(g.flatten());
    }
    return torch::stack(coordinates, 1).to(torch::kFloat);
}


int64_t latentGridSize(const std::vector<int64_t>& resolution)
{
    int64_t size = 1;
    for (const int64_t n : resolution)
    {
        size *= n;
    }
    return size;
}


std::vector<int64_t> fieldComponents(
    const Surface& surface,
    const std::vector<std::string>& fields,
    SurfaceLocation location
)
{
    std::vector<int64_t> components;
    for (const auto& field : fields)
    {
        components.push_back(fieldArray(surface, field, location).size(1));
    }
    return components;
}


torch::Tensor surfaceQueries(const Surface& surface, SurfaceLocation location)
{
    if (location == SurfaceLocation::points)
    {
        return surface.points;
    }
    if (surface.numTriangles() == 0)
    {
        refuse(surface, "location", "a point cloud has no cells; use location points");
    }
    return surface.points.index_select(0, surface.triangles.flatten())
        .view({surface.numTriangles(), 3, 3})
        .mean(1);
}


void checkEveryQueryReached(
    const Surface& s,
    const Neighbours& fromLatent,
    const torch::Tensor& queries,
    const LatentGridSpec& grid
)
{
    const auto counts = fromLatent.rowSplits.slice(0, 1) - fromLatent.rowSplits.slice(0, 0, -1);
    const int64_t alone = (counts == 0).sum().item<int64_t>();
    if (alone == 0)
    {
        return;
    }
    // The nearest latent point of a query is its coordinates rounded to
    // the grid (clamped into the box).
    auto spacing =
        torch::tensor(
            std::vector<double>(grid.resolution.begin(), grid.resolution.end()), torch::kDouble
        )
        - 1;
    const auto u = queries.to(torch::kDouble);
    const auto nearest = (u * spacing).round().clamp_min(0).minimum(spacing) / spacing;
    const double needed = (u - nearest).norm(2, 1).max().item<double>();
    std::ostringstream os;
    os << alone << " of " << queries.size(0)
       << " query points have no latent-grid point within outRadius " << grid.outRadius
       << " (unit-box lengths); an outRadius of at least " << needed * 1.001
       << " reaches them all (or refine latentResolution)"
       << (needed > 0.5 ? ", or the surface lies outside the training surfaces' box" : "");
    refuse(s, "outRadius", os.str());
}


torch::Tensor latentDistance(
    const Surface& s,
    const UnitBox& unitBox,
    const std::vector<int64_t>& resolution,
    int threads
)
{
    if (s.numTriangles() == 0)
    {
        refuse(
            s, "signedDistance",
            "a point cloud (no triangles) has no inside: its signed distance is undefined; set "
            "signedDistance no"
        );
    }
    const auto latent = latentGridPoints(resolution);
    const auto physical = unitBox.decode(latent.to(torch::kDouble));
    const auto distance = signedDistance(s, physical, threads) * unitBox.scale;
    std::vector<int64_t> shape{1};
    shape.insert(shape.end(), resolution.begin(), resolution.end());
    return distance.to(torch::kFloat).reshape(shape);
}


GeometrySample sampleSurface(
    const Surface& surface,
    const std::string& name,
    const SurfaceSampling& sampling,
    const LatentGridSpec& grid,
    bool withTargets,
    int threads
)
{
    if (grid.resolution.size() != 3)
    {
        refuse(
            surface, "latentResolution",
            "a surface needs a 3D latent grid, got " + describe(grid.resolution)
        );
    }
    GeometrySample sample;
    sample.name = name;
    sample.points = sampling.unitBox.encode(surface.points).to(torch::kFloat).contiguous();
    sample.queries = sampling.unitBox.encode(surfaceQueries(surface, sampling.location))
                         .to(torch::kFloat)
                         .contiguous();
    if (withTargets)
    {
        sample.targets = targetsOf(surface, sampling);
    }

    const auto latent = latentGridPoints(grid.resolution);
    if (sampling.signedDistance)
    {
        sample.latentFeatures = latentDistance(surface, sampling.unitBox, grid.resolution, threads);
    }
    sample.toLatent = radiusSearch(sample.points, latent, grid.inRadius, threads);
    sample.fromLatent = radiusSearch(latent, sample.queries, grid.outRadius, threads);
    checkEveryQueryReached(surface, sample.fromLatent, sample.queries, grid);
    return sample;
}

} // namespace nop
