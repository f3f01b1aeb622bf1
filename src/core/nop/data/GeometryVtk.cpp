#include "nop/data/GeometryVtk.hpp"

#include "nop/surface/SurfaceWriter.hpp"

#include <cctype>
#include <filesystem>
#include <limits>
#include <map>
#include <stdexcept>

namespace nop
{

namespace
{

/// The last component of a sample's name, safe as a file name.
std::string stemOf(const std::string& name)
{
    std::string stem = std::filesystem::path(name).filename().string();
    if (stem.empty() || stem == "." || stem == "..")
    {
        stem = "sample";
    }
    for (char& c : stem)
    {
        const bool plain =
            std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
        if (!plain)
        {
            c = '_';
        }
    }
    return stem;
}

} // namespace


void writeGeometrySampleVtk(
    const std::string& directory,
    const GeometrySample& sample,
    const UnitBox& unitBox,
    const std::vector<int64_t>& resolution,
    const std::vector<std::string>& channelNames,
    bool signedDistance
)
{
    std::error_code error;
    std::filesystem::create_directories(directory, error);
    if (error)
    {
        throw std::runtime_error("cannot create directory '" + directory + "': " + error.message());
    }
    const std::string stem = (std::filesystem::path(directory) / stemOf(sample.name)).string();

    std::map<std::string, torch::Tensor> grid;
    if (sample.latentFeatures.defined())
    {
        const auto features = sample.latentFeatures.to(torch::kFloat);
        for (int64_t c = 0; c < features.size(0); ++c)
        {
            if (signedDistance && c == 0)
            {
                const auto distance = features[0] / unitBox.scale;
                grid["signedDistance"] = distance;
                grid["insideBody"] = (distance < 0).to(torch::kByte);
            }
            else
            {
                grid["latentFeature" + std::to_string(c)] = features[c];
            }
        }
    }
    writeLatentGridVti(stem + ".latentGrid.vti", unitBox, resolution, grid);

    // A point cloud: one vertex cell per query
    Surface queries = makeSurface(
        unitBox.decode(sample.queries.to(torch::kDouble)), torch::empty({0, 3}, torch::kLong),
        sample.name
    );
    if (sample.targets.defined())
    {
        auto targets = sample.targets.to(torch::kFloat).clone();
        if (sample.targetMask.defined())
        {
            targets.masked_fill_(~sample.targetMask, std::numeric_limits<float>::quiet_NaN());
        }
        for (size_t c = 0; c < channelNames.size() && int64_t(c) < targets.size(1); ++c)
        {
            queries.pointArrays[channelNames[c]] = targets.select(1, int64_t(c)).contiguous();
        }
    }
    writeSurfaceVtp(stem + ".queries.vtp", queries);
}

} // namespace nop
