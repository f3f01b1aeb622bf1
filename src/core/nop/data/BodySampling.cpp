#include "nop/data/BodySampling.hpp"

#include "nop/geometry/NeighbourSearch.hpp"
#include "nop/surface/Surface.hpp"

#include <stdexcept>

namespace nop
{

namespace
{

[[noreturn]] void refuse(const BodyCase& body, const std::string& entry, const std::string& why)
{
    throw std::runtime_error("case '" + body.name + "': " + why + " (entry '" + entry + "')");
}


torch::Tensor rows3(const std::vector<double>& values)
{
    return torch::tensor(values, torch::kDouble).view({-1, 3});
}


/// The body's surface for the signed distance, without the zero-area
/// triangles that splitting a polygonal face can make (they carry no
/// side and no area).
Surface bodySurface(const BodyCase& body)
{
    if (body.points.empty() || body.points.size() % 3 || body.triangles.size() % 3)
    {
        refuse(body, "patches", "the body has no surface (no vertex or a partial triangle)");
    }
    Surface surface = makeSurface(
        rows3(body.points), torch::tensor(body.triangles, torch::kLong).view({-1, 3}), body.name
    );
    const auto extent = surface.points.amax(0) - surface.points.amin(0);
    const double diagonal2 = extent.square().sum().item<double>();
    const auto kept = surface.triangleAreas > 1e-12 * diagonal2;
    if (!kept.all().item<bool>())
    {
        surface = makeSurface(surface.points, surface.triangles.index({kept}), body.name);
    }
    if (surface.numTriangles() == 0)
    {
        refuse(body, "patches", "the body's faces have no area");
    }
    return surface;
}


/// (rows, channels) float32 of row-major values, checked.
torch::Tensor valuesOf(
    const BodyCase& body,
    const std::vector<float>& values,
    int64_t rows,
    int64_t channels,
    const char* entry
)
{
    if (int64_t(values.size()) != rows * channels)
    {
        refuse(
            body, entry,
            std::to_string(values.size()) + " values, expected " + std::to_string(rows) + " x "
                + std::to_string(channels)
        );
    }
    auto t = torch::tensor(values, torch::kFloat).view({rows, channels});
    if (!torch::isfinite(t).all().item<bool>())
    {
        refuse(body, entry, "a field holds NaN or infinite values (or values beyond float32)");
    }
    return t;
}


nlohmann::json fieldsJson(const BodyFields& f)
{
    return {{"names", f.names}, {"components", f.components}};
}


BodyFields fieldsFromJson(const nlohmann::json& json)
{
    BodyFields f;
    f.names = json.at("names").get<std::vector<std::string>>();
    f.components = json.at("components").get<std::vector<int64_t>>();
    if (f.names.size() != f.components.size() || json.size() != 2)
    {
        throw std::invalid_argument("names and components must be lists of equal length");
    }
    for (const int64_t c : f.components)
    {
        if (c < 1 || c > 9)
        {
            throw std::invalid_argument("components must be in [1, 9]");
        }
    }
    return f;
}

} // namespace


std::vector<std::string> BodySampling::channelNames() const
{
    auto names = fieldChannelNames(surfaceFields.names, surfaceFields.components, "surface/");
    const auto volume = fieldChannelNames(volumeFields.names, volumeFields.components, "volume/");
    names.insert(names.end(), volume.begin(), volume.end());
    return names;
}


nlohmann::json BodySampling::toJson() const
{
    return {
        {"kind", "bodies"},
        {"unitBox", unitBox.toJson()},
        {"signedDistance", signedDistance},
        {"surfaceFields", fieldsJson(surfaceFields)},
        {"volumeFields", fieldsJson(volumeFields)}};
}


bool BodySampling::describes(const nlohmann::json& json)
{
    return json.is_object() && json.contains("kind") && json.at("kind") == "bodies";
}


BodySampling BodySampling::fromJson(const nlohmann::json& json, const std::string& what)
{
    const auto fail = [&](const std::string& why) { return std::runtime_error(what + ": " + why); };
    if (!describes(json) || json.size() != 5)
    {
        throw fail("expected an object of kind bodies, unitBox, signedDistance, surfaceFields, "
                   "volumeFields");
    }
    BodySampling s;
    try
    {
        s.unitBox = UnitBox::fromJson(json.at("unitBox"), what + ": unitBox");
        s.signedDistance = json.at("signedDistance").get<bool>();
        s.surfaceFields = fieldsFromJson(json.at("surfaceFields"));
        s.volumeFields = fieldsFromJson(json.at("volumeFields"));
    }
    catch (const nlohmann::json::exception& e)
    {
        throw fail(e.what());
    }
    catch (const std::invalid_argument& e)
    {
        throw fail(e.what());
    }
    if (s.channels() == 0)
    {
        throw fail("no surface and no volume field");
    }
    return s;
}


std::vector<int64_t> cellsInsideBox(
    const BodySampling& sampling,
    const std::vector<double>& cellCentres
)
{
    if (cellCentres.empty())
    {
        return {};
    }
    const auto u = sampling.unitBox.encode(rows3(cellCentres));
    const auto inside = ((u >= 0) & (u <= 1)).all(1);
    const auto rows = inside.nonzero().flatten().contiguous();
    return std::vector<int64_t>(rows.data_ptr<int64_t>(), rows.data_ptr<int64_t>() + rows.numel());
}


GeometrySample sampleBody(
    const BodyCase& body,
    const BodySampling& sampling,
    const LatentGridSpec& grid,
    const std::vector<int64_t>& volumeRows,
    bool withTargets,
    int threads
)
{
    if (grid.resolution.size() != 3)
    {
        refuse(body, "latentResolution", "a body needs a 3D latent grid");
    }
    if (body.faces() == 0 || body.faceCentres.size() % 3)
    {
        refuse(body, "patches", "the patches have no face");
    }
    const int64_t faces = body.faces();
    const int64_t cells = sampling.volumeFields.empty() ? 0 : int64_t(volumeRows.size());
    const int64_t surfaceChannels = sampling.surfaceFields.channels();
    const int64_t volumeChannels = sampling.volumeFields.channels();
    const auto rows = torch::tensor(volumeRows, torch::kLong);

    GeometrySample sample;
    sample.name = body.name;
    const auto faceCentres = sampling.unitBox.encode(rows3(body.faceCentres));
    sample.points = faceCentres.to(torch::kFloat).contiguous();
    std::vector<torch::Tensor> queries;
    if (surfaceChannels > 0)
    {
        queries.push_back(faceCentres);
    }
    if (cells > 0)
    {
        queries.push_back(sampling.unitBox.encode(rows3(body.cellCentres).index_select(0, rows)));
    }
    if (queries.empty())
    {
        refuse(body, "volumeFields", "no cell of the case lies inside the latent box");
    }
    sample.queries = torch::cat(queries).to(torch::kFloat).contiguous();

    if (withTargets)
    {
        const int64_t channels = surfaceChannels + volumeChannels;
        sample.targets = torch::zeros({sample.queries.size(0), channels}, torch::kFloat);
        sample.targetMask = torch::zeros({sample.queries.size(0), channels}, torch::kBool);
        const int64_t surfaceRows = surfaceChannels > 0 ? faces : 0;
        if (surfaceChannels > 0)
        {
            sample.targets.slice(0, 0, faces).slice(1, 0, surfaceChannels) =
                valuesOf(body, body.surfaceValues, faces, surfaceChannels, "surfaceFields");
            sample.targetMask.slice(0, 0, faces).slice(1, 0, surfaceChannels) = true;
        }
        if (cells > 0)
        {
            const auto all =
                valuesOf(body, body.volumeValues, body.cells(), volumeChannels, "volumeFields");
            sample.targets.slice(0, surfaceRows).slice(1, surfaceChannels) =
                all.index_select(0, rows);
            sample.targetMask.slice(0, surfaceRows).slice(1, surfaceChannels) = true;
        }
        if (surfaceChannels == 0 || volumeChannels == 0)
        {
            // One kind of query: every target exists
            sample.targetMask = torch::Tensor();
        }
    }

    const Surface surface = bodySurface(body);
    if (sampling.signedDistance)
    {
        sample.latentFeatures = latentDistance(surface, sampling.unitBox, grid.resolution, threads);
    }
    const auto latent = latentGridPoints(grid.resolution);
    sample.toLatent = radiusSearch(sample.points, latent, grid.inRadius, threads);
    sample.fromLatent = radiusSearch(latent, sample.queries, grid.outRadius, threads);
    checkEveryQueryReached(surface, sample.fromLatent, sample.queries, grid);
    return sample;
}

} // namespace nop
