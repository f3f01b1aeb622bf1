#include "nop/data/TensorFileDataset.hpp"

#include "nop/data/TensorFile.hpp"

#include <sstream>
#include <stdexcept>

namespace nop
{

namespace
{

std::string stem(const std::string& path)
{
    const auto slash = path.find_last_of('/');
    auto name = slash == std::string::npos ? path : path.substr(slash + 1);
    const auto dot = name.find_last_of('.');
    return dot == std::string::npos || dot == 0 ? name : name.substr(0, dot);
}


Dataset readDataset(const TensorFileDatasetOptions& options, const std::string& path, int64_t limit)
{
    const auto entries = readTensorDict(path);
    Dataset data;
    data.name = stem(path);
    data.x = samplesOf(entries, path, options.input(), options.spatialDims());
    data.y = samplesOf(entries, path, options.output(), options.spatialDims());

    std::ostringstream error;
    if (data.x.size(0) != data.y.size(0))
    {
        error << "tensor file '" << path << "': entries '" << options.input() << "' and '"
              << options.output() << "' hold " << data.x.size(0) << " and " << data.y.size(0)
              << " samples";
    }
    else if (data.x.sizes().slice(2) != data.y.sizes().slice(2))
    {
        error << "tensor file '" << path << "': entries '" << options.input() << "' "
              << data.x.sizes() << " and '" << options.output() << "' " << data.y.sizes()
              << " are on different grids";
    }
    else if (limit > data.size())
    {
        error << "tensor file '" << path << "' holds " << data.size() << " samples, fewer than the "
              << limit << " asked for";
    }
    if (!error.str().empty())
    {
        throw std::runtime_error(error.str());
    }
    if (limit >= 0)
    {
        data.x = data.x.narrow(0, 0, limit).contiguous();
        data.y = data.y.narrow(0, 0, limit).contiguous();
    }
    return data;
}

} // namespace


TensorFileDatasets readTensorFileDatasets(const TensorFileDatasetOptions& options)
{
    if (options.spatialDims() < 1 || options.spatialDims() > 3)
    {
        throw std::invalid_argument("spatialDims must be 1, 2 or 3");
    }
    if (options.trainFile().empty())
    {
        throw std::invalid_argument("trainFile is empty");
    }
    if (options.nTrain() == 0 || options.nTest() == 0)
    {
        throw std::invalid_argument("nTrain and nTest must be positive, or -1 for all");
    }

    TensorFileDatasets sets;
    sets.train = readDataset(options, options.trainFile(), options.nTrain());
    for (const auto& path : options.testFiles())
    {
        auto test = readDataset(options, path, options.nTest());
        if (test.x.size(1) != sets.train.x.size(1) || test.y.size(1) != sets.train.y.size(1))
        {
            std::ostringstream error;
            error << "test file '" << path << "' has " << test.x.size(1) << " input and "
                  << test.y.size(1) << " output channels, the train file " << sets.train.x.size(1)
                  << " and " << sets.train.y.size(1);
            throw std::runtime_error(error.str());
        }
        sets.tests.push_back(std::move(test));
    }
    return sets;
}

} // namespace nop
