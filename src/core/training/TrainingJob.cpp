#include "training/TrainingJob.hpp"

#include "data/TensorFileDataset.hpp"
#include "io/AtomicFile.hpp"
#include "io/ModelFile.hpp"
#include "io/OptionsJson.hpp"
#include "runtime/Device.hpp"
#include "runtime/PeakMemory.hpp"
#include "training/Trainer.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <filesystem>

namespace nop
{

namespace
{

nlohmann::json number(double value)
{
    // JSON has no NaN: non-finite errors are written as null.
    return std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(nullptr);
}

} // namespace


std::string reportPathFor(const std::string& modelFile)
{
    return std::filesystem::path(modelFile).replace_extension(".json").string();
}


namespace
{

/// Every grid of the data has at least `modes` points per dimension.
void checkGridsHoldModes(const FNOOptions& fno, const Dataset& data, const std::string& file)
{
    for (int64_t d = 0; d < fno.spatialDims(); ++d)
    {
        if (data.x.size(d + 2) < fno.modes()[d])
        {
            throw std::invalid_argument
            (
                "modes: " + std::to_string(fno.modes()[d]) + " modes in dimension "
              + std::to_string(d + 1) + " exceed the " + std::to_string(data.x.size(d + 2))
              + " grid points of " + file
            );
        }
    }
}


std::string train
(
    const TrainingJob& job,
    const std::function<void(const std::string&)>& log
)
{
    if (job.modelFile.empty())
    {
        throw std::invalid_argument("modelFile is empty");
    }
    const torch::Device device = deviceFromString(job.training.device());
    const int64_t threads = setThreads(job.training.threads());
    torch::manual_seed(job.training.seed());

    // Options are checked before the (possibly long) data read.
    const Trainer trainer(job.training, device);

    const auto readStart = std::chrono::steady_clock::now();
    const auto data = readTensorFileDatasets(job.data);
    log
    (
        "Read " + std::to_string(data.train.size()) + " training samples from "
      + job.data.trainFile() + " and " + std::to_string(data.tests.size()) + " test set(s) in "
      + std::to_string(std::chrono::duration<double>(std::chrono::steady_clock::now() - readStart).count())
      + " s"
    );

    FNOOptions fnoOptions = job.fno;
    fnoOptions.inChannels(data.train.x.size(1)).outChannels(data.train.y.size(1));
    if (fnoOptions.spatialDims() != job.data.spatialDims())
    {
        throw std::invalid_argument
        (
            "modes names " + std::to_string(fnoOptions.spatialDims())
          + " dimensions, the data has spatialDims " + std::to_string(job.data.spatialDims())
        );
    }

    checkGridsHoldModes(fnoOptions, data.train, job.data.trainFile());
    for (size_t i = 0; i < data.tests.size(); ++i)
    {
        checkGridsHoldModes(fnoOptions, data.tests[i], job.data.testFiles()[i]);
    }

    Surrogate surrogate(fnoOptions);
    surrogate.inputNames = {job.data.input()};
    surrogate.outputNames = {job.data.output()};
    surrogate.inputShape = data.train.x.sizes().slice(1).vec();
    surrogate.outputShape = data.train.y.sizes().slice(1).vec();

    int64_t parameters = 0;
    for (const auto& p : surrogate.model->parameters())
    {
        parameters += p.numel();
    }
    log
    (
        "FNO: " + std::to_string(parameters) + " parameters, device " + device.str()
      + ", " + std::to_string(threads) + " thread(s), precision " + job.training.precision()
    );

    const TrainingSummary summary = trainer.fit(surrogate, data.train, data.tests, log);

    nlohmann::json errors = nlohmann::json::object();
    for (const auto& e : summary.finalErrors)
    {
        errors[e.dataset][toString(e.precision)] =
            {{"l2", number(e.l2)}, {"h1", number(e.h1)}, {"finite", e.finite}};
    }
    const nlohmann::json report =
    {
        {"modelFile", job.modelFile},
        {"model", "FNO"},
        {"parameters", parameters},
        {"fno", toJson(surrogate.model->options)},
        {"training", toJson(job.training)},
        {"data", toJson(job.data)},
        {"trainSamples", data.train.size()},
        {"device", device.str()},
        {"threads", threads},
        {"trainedPrecision", job.training.precision()},
        {"samplesPerSecond", summary.samplesPerSecond},
        {"peakMemoryBytes", summary.peakBytes},
        {"trainSeconds", summary.seconds},
        {"finalTrainLoss", number(summary.finalTrainLoss)},
        {"steps", summary.steps},
        {"nonFiniteSteps", summary.nonFiniteSteps},
        {"testErrors", errors}
    };
    surrogate.summaryJson = report.dump();

    const auto parent = std::filesystem::path(job.modelFile).parent_path();
    if (!parent.empty())
    {
        std::filesystem::create_directories(parent);
    }
    saveModelFile(job.modelFile, surrogate);
    const std::string text = report.dump(2) + "\n";
    writeFileAtomically(reportPathFor(job.modelFile), text);

    for (const auto& e : summary.finalErrors)
    {
        log
        (
            "Test " + e.dataset + " (" + toString(e.precision) + "): relative l2 "
          + std::to_string(e.l2) + ", h1 " + std::to_string(e.h1)
        );
    }
    log
    (
        "Wrote " + job.modelFile + " and " + reportPathFor(job.modelFile)
      + " (" + std::to_string(int64_t(summary.samplesPerSecond)) + " samples/s, peak "
      + formatBytes(summary.peakBytes) + ")"
    );
    return text;
}

} // namespace


std::string runTrainingJob
(
    const TrainingJob& job,
    const std::function<void(const std::string&)>& log
)
{
    try
    {
        return train(job, log);
    }
    catch (const c10::Error& e)
    {
        // LibTorch's own checks: the message without its C++ backtrace.
        throw std::runtime_error(e.what_without_backtrace());
    }
}

} // namespace nop
