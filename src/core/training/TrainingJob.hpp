#pragma once

// A complete training job and its report, behind a torch-free interface so
// that applications including OpenFOAM headers can call it.

#include "data/ArrayDataset.hpp"
#include "data/TensorFileDatasetOptions.hpp"
#include "models/FNOOptions.hpp"
#include "training/TrainerOptions.hpp"

#include <functional>
#include <string>

namespace nop
{

struct TrainingJob
{
    /// Data from tensor files, used when `arrays` is empty.
    TensorFileDatasetOptions data;
    /// Data handed over in memory (e.g. sampled OpenFOAM cases).
    ArrayDatasets arrays;
    /// Stored verbatim in the model file (Surrogate::application).
    std::string application;
    /// inChannels and outChannels are taken from the data.
    FNOOptions fno;
    TrainerOptions training;
    /// Model file written at the end (atomically); the JSON report goes
    /// beside it with the extension replaced by `.json`.
    std::string modelFile;
};

/// Read the data, train, evaluate, write the model file and the JSON report.
/// Progress lines go to `log`. Throws std::exception with a message naming
/// the file or option at fault. Returns the report as JSON text.
std::string runTrainingJob
(
    const TrainingJob& job,
    const std::function<void(const std::string&)>& log
);

/// The report path for a model file: same path with extension `.json`.
std::string reportPathFor(const std::string& modelFile);

} // namespace nop
