#include "nop/data/SurfaceDataset.hpp"

#include "nop/runtime/Elapsed.hpp"
#include "nop/surface/SurfaceSources.hpp"

#include <algorithm>
#include <cstdio>
#include <limits>

namespace nop
{

namespace
{

struct NamedSurface
{
    std::string name;
    Surface surface;
};


std::vector<NamedSurface> readAll(const std::vector<std::string>& files, int64_t limit)
{
    std::vector<NamedSurface> surfaces;
    for (const auto& file : files)
    {
        auto read = readSurfaces(file);
        for (size_t i = 0; i < read.size(); ++i)
        {
            if (limit >= 0 && int64_t(surfaces.size()) == limit)
            {
                return surfaces;
            }
            surfaces.push_back({surfaceName(file, i, read.size()), std::move(read[i])});
        }
    }
    return surfaces;
}


Bounds boundsOfAll(const std::vector<NamedSurface>& surfaces)
{
    Bounds all{
        {std::numeric_limits<double>::max(), std::numeric_limits<double>::max(),
         std::numeric_limits<double>::max()},
        {std::numeric_limits<double>::lowest(), std::numeric_limits<double>::lowest(),
         std::numeric_limits<double>::lowest()}};
    for (const auto& s : surfaces)
    {
        const Bounds b = bounds(s.surface);
        for (size_t i = 0; i < 3; ++i)
        {
            all.lower[i] = std::min(all.lower[i], b.lower[i]);
            all.upper[i] = std::max(all.upper[i], b.upper[i]);
        }
    }
    return all;
}


Dataset sampleAll(
    const std::string& name,
    const std::vector<NamedSurface>& surfaces,
    const SurfaceSampling& sampling,
    const LatentGridSpec& grid,
    int threads,
    const std::function<void(const std::string&)>& log
)
{
    Dataset data;
    data.name = name;
    for (const auto& s : surfaces)
    {
        const auto start = Clock::now();
        data.geometries.push_back(sampleSurface(s.surface, s.name, sampling, grid, true, threads));
        const auto& g = data.geometries.back();
        char line[256];
        std::snprintf(
            line, sizeof line,
            "  %s %s: %lld points, %lld queries, %lld + %lld neighbour pairs (%.2f s)",
            name.c_str(), s.name.c_str(), (long long)g.points.size(0), (long long)g.queries.size(0),
            (long long)g.toLatent.pairs(), (long long)g.fromLatent.pairs(), secondsSince(start)
        );
        log(line);
    }
    return data;
}

} // namespace


SurfaceDatasets readSurfaceDatasets(
    const SurfaceDatasetOptions& options,
    const LatentGridSpec& grid,
    int threads,
    const std::function<void(const std::string&)>& log
)
{
    validate(options);
    const auto train = readAll(options.trainFiles(), options.nTrain());
    const auto tests = readAll(options.testFiles(), -1);

    SurfaceDatasets data;
    SurfaceSampling& sampling = data.sampling;
    sampling.unitBox = UnitBox::around(boundsOfAll(train), options.boxMargin());
    sampling.location = options.location();
    sampling.signedDistance = options.signedDistance();
    sampling.fields = options.fields();
    sampling.components =
        fieldComponents(train.front().surface, sampling.fields, sampling.location);

    log("Sampling " + std::to_string(train.size()) + " training and " + std::to_string(tests.size())
        + " test surface(s) for a latent grid of " + describe(grid.resolution) + " points");
    data.train = sampleAll("train", train, sampling, grid, threads, log);
    if (!tests.empty())
    {
        data.tests.push_back(sampleAll("test", tests, sampling, grid, threads, log));
    }
    return data;
}

} // namespace nop
