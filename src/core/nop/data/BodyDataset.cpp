#include "nop/data/BodyDataset.hpp"

#include "nop/options/Words.hpp"
#include "nop/runtime/Elapsed.hpp"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <limits>
#include <random>
#include <stdexcept>

namespace nop
{

namespace
{

/// Rows of the cells inside the box; for training at most `limit` of them
/// (-1: all), drawn with a seed of the case's name so that a rerun (and
/// its cached fingerprint) is the same.
std::vector<int64_t> volumeRowsOf(const BodyCase& body, const BodySampling& sampling, int64_t limit)
{
    if (sampling.volumeFields.empty())
    {
        return {};
    }
    std::vector<int64_t> rows = cellsInsideBox(sampling, body.cellCentres);
    if (limit >= 0 && int64_t(rows.size()) > limit)
    {
        std::mt19937_64 random(std::hash<std::string>{}(body.name));
        std::shuffle(rows.begin(), rows.end(), random);
        rows.resize(size_t(limit));
        std::sort(rows.begin(), rows.end());
    }
    return rows;
}


Dataset sampleAll(
    const std::string& name,
    const std::vector<BodyCase>& bodies,
    const BodySampling& sampling,
    const LatentGridSpec& grid,
    int64_t volumeQueries,
    int threads,
    const std::function<void(const std::string&)>& log
)
{
    Dataset data;
    data.name = name;
    for (const auto& body : bodies)
    {
        const auto start = Clock::now();
        const auto rows = volumeRowsOf(body, sampling, volumeQueries);
        data.geometries.push_back(sampleBody(body, sampling, grid, rows, true, threads));
        const auto& g = data.geometries.back();
        char line[512];
        std::snprintf(
            line, sizeof line,
            "  %s %s: %lld wall faces, %lld of %lld cells inside the latent box, %lld + %lld "
            "neighbour pairs (%.2f s)",
            name.c_str(), body.name.c_str(), (long long)body.faces(), (long long)rows.size(),
            (long long)body.cells(), (long long)g.toLatent.pairs(), (long long)g.fromLatent.pairs(),
            secondsSince(start)
        );
        log(line);
    }
    return data;
}

} // namespace


UnitBox bodyUnitBox(const BodyCaseDatasets& data)
{
    if (!data.boxLower.empty() || !data.boxUpper.empty())
    {
        if (data.boxLower.size() != 3 || data.boxUpper.size() != 3)
        {
            throw std::invalid_argument("box: expected (xmin ymin zmin) (xmax ymax zmax)");
        }
        Bounds box{
            {data.boxLower[0], data.boxLower[1], data.boxLower[2]},
            {data.boxUpper[0], data.boxUpper[1], data.boxUpper[2]}};
        for (size_t i = 0; i < 3; ++i)
        {
            if (!(box.lower[i] < box.upper[i]))
            {
                throw std::invalid_argument("box: its lower corner must lie below its upper one");
            }
        }
        return UnitBox::around(box, 0);
    }
    Bounds all{
        {std::numeric_limits<double>::max(), std::numeric_limits<double>::max(),
         std::numeric_limits<double>::max()},
        {std::numeric_limits<double>::lowest(), std::numeric_limits<double>::lowest(),
         std::numeric_limits<double>::lowest()}};
    for (const auto& body : data.train)
    {
        for (size_t p = 0; p + 2 < body.points.size(); p += 3)
        {
            for (size_t i = 0; i < 3; ++i)
            {
                all.lower[i] = std::min(all.lower[i], body.points[p + i]);
                all.upper[i] = std::max(all.upper[i], body.points[p + i]);
            }
        }
    }
    return UnitBox::around(all, data.boxMargin);
}


BodyDatasets sampleBodyDatasets(
    const BodyCaseDatasets& data,
    const LatentGridSpec& grid,
    int threads,
    const std::function<void(const std::string&)>& log
)
{
    if (data.train.empty())
    {
        throw std::invalid_argument("trainCases: no training case");
    }
    BodyDatasets sets;
    BodySampling& sampling = sets.sampling;
    sampling.unitBox = bodyUnitBox(data);
    sampling.signedDistance = data.signedDistance;
    sampling.surfaceFields = data.surfaceFields;
    sampling.volumeFields = data.volumeFields;
    if (sampling.channels() == 0)
    {
        throw std::invalid_argument("surfaceFields: no surface and no volume field to learn");
    }

    log("Sampling " + std::to_string(data.train.size()) + " training and "
        + std::to_string(data.test.size()) + " test case(s) for a latent grid of "
        + describe(grid.resolution) + " points");
    sets.train = sampleAll("train", data.train, sampling, grid, data.volumeQueries, threads, log);
    if (!data.test.empty())
    {
        sets.tests.push_back(sampleAll("test", data.test, sampling, grid, -1, threads, log));
    }
    return sets;
}

} // namespace nop
