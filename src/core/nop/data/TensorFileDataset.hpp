#pragma once

// Training and test sets from tensor files.

#include "nop/data/Dataset.hpp"
#include "nop/data/TensorFileDatasetOptions.hpp"

#include <vector>

namespace nop
{

struct TensorFileDatasets
{
    Dataset train;
    std::vector<Dataset> tests;
};

/// Read the train file and every test file. Datasets are named by their
/// file's stem. Throws std::runtime_error naming the file and entry when
/// the inputs and outputs of a file disagree in samples or grid, when a
/// test file's channels or grid differ from the train file's, or when fewer
/// samples exist than nTrain/nTest ask for.
TensorFileDatasets readTensorFileDatasets(const TensorFileDatasetOptions& options);

} // namespace nop
