#include "nop/jobs/TrainingJob.hpp"

#include "nop/data/BodyDataset.hpp"
#include "nop/data/GeometryVtk.hpp"
#include "nop/data/SurfaceDataset.hpp"
#include "nop/data/TensorFileDataset.hpp"
#include "nop/io/AtomicFile.hpp"
#include "nop/io/RegularFile.hpp"
#include "nop/models/GINO.hpp"
#include "nop/models/ModelFile.hpp"
#include "nop/models/ModelRegistry.hpp"
#include "nop/options/OptionsJson.hpp"
#include "nop/runtime/Device.hpp"
#include "nop/runtime/Elapsed.hpp"
#include "nop/runtime/PeakMemory.hpp"
#include "nop/runtime/WithoutBacktrace.hpp"
#include "nop/training/Checkpoint.hpp"
#include "nop/training/StopRequest.hpp"
#include "nop/training/Trainer.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <filesystem>

namespace nop
{

namespace
{

using Log = std::function<void(const std::string&)>;


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

/// A model file's bytes, read once for both its checksum and its contents.
std::string modelFileBytes(const std::string& modelFile)
{
    return readRegularFile(modelFile, modelFileLimits::maxFileBytes, "model file");
}

} // namespace


std::string modelFileChecksum(const std::string& modelFile)
{
    return Fingerprint().add(modelFileBytes(modelFile)).hex();
}


std::string reportFromModelFile(const std::string& modelFile)
{
    // One read: the checksum is that of the bytes the report comes from
    const std::string bytes = modelFileBytes(modelFile);
    const std::string checksum = Fingerprint().add(bytes).hex();
    const ModelFileContents contents = decodeModelFile(bytes, modelFile);
    nlohmann::json report;
    try
    {
        report = nlohmann::json::parse(contents.metadata).at("summary");
    }
    catch (const nlohmann::json::exception& e)
    {
        throw std::runtime_error("model file '" + modelFile + "': malformed summary: " + e.what());
    }
    if (!report.is_object())
    {
        throw std::runtime_error("model file '" + modelFile + "': the summary is not an object");
    }
    report["modelFileChecksum"] = checksum;
    return report.dump(2) + "\n";
}


void checkModesFitData(const FNOOptions& fno, int64_t spatialDims)
{
    if (fno.spatialDims() != spatialDims)
    {
        throw OptionError(
            "modes", "modes needs one entry per spatial dimension of the data ("
                         + std::to_string(spatialDims) + "), got " + describe(fno.modes())
        );
    }
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
            throw OptionError(
                "modes", "modes: " + std::to_string(fno.modes()[d]) + " modes in dimension "
                             + std::to_string(d + 1) + " exceed the "
                             + std::to_string(data.x.size(d + 2)) + " grid points of " + file
            );
        }
    }
}


/// A torch view of one set of in-memory samples, checked for consistency.
Dataset datasetFromArrays(const ArraySamples& samples)
{
    int64_t points = 1;
    for (const int64_t n : samples.resolution)
    {
        points *= n;
    }
    const auto fail = [&](const std::string& why)
    { return std::invalid_argument("data set '" + samples.name + "': " + why); };
    if (samples.samples <= 0 || samples.resolution.empty() || points <= 0)
    {
        throw fail("no samples or an empty grid");
    }
    if (int64_t(samples.inputs.size()) != samples.samples * samples.inChannels * points
        || int64_t(samples.outputs.size()) != samples.samples * samples.outChannels * points)
    {
        throw fail("the arrays do not match samples x channels x grid points");
    }

    std::vector<int64_t> inShape{samples.samples, samples.inChannels};
    std::vector<int64_t> outShape{samples.samples, samples.outChannels};
    inShape.insert(inShape.end(), samples.resolution.begin(), samples.resolution.end());
    outShape.insert(outShape.end(), samples.resolution.begin(), samples.resolution.end());

    Dataset data;
    data.name = samples.name;
    // from_blob does not own the memory: clone.
    data.x = torch::from_blob(const_cast<float*>(samples.inputs.data()), inShape).clone();
    data.y = torch::from_blob(const_cast<float*>(samples.outputs.data()), outShape).clone();
    if (!torch::isfinite(data.x).all().item<bool>() || !torch::isfinite(data.y).all().item<bool>())
    {
        throw fail("holds NaN or infinite values");
    }
    return data;
}


TensorFileDatasets datasetsFromArrays(const ArrayDatasets& arrays)
{
    TensorFileDatasets data;
    data.train = datasetFromArrays(arrays.train);
    for (const auto& test : arrays.tests)
    {
        data.tests.push_back(datasetFromArrays(test));
        if (test.inChannels != arrays.train.inChannels
            || test.outChannels != arrays.train.outChannels)
        {
            throw std::invalid_argument(
                "data set '" + test.name + "' has other channels than '" + arrays.train.name + "'"
            );
        }
    }
    if (int64_t(arrays.inputNames.size()) != arrays.train.inChannels
        || int64_t(arrays.outputNames.size()) != arrays.train.outChannels)
    {
        throw std::invalid_argument("channel names do not match the channels of the data");
    }
    if (arrays.maskChannel >= arrays.train.inChannels)
    {
        throw std::invalid_argument("maskChannel is not an input channel");
    }
    return data;
}


/// What the report says of a job's bodies: the cases and the fields.
nlohmann::json bodiesSummary(const BodyCaseDatasets& bodies)
{
    const auto names = [](const std::vector<BodyCase>& cases)
    {
        std::vector<std::string> list;
        for (const auto& c : cases)
        {
            list.push_back(c.name);
        }
        return list;
    };
    return {
        {"type", "cases"},
        {"trainCases", names(bodies.train)},
        {"testCases", names(bodies.test)},
        {"surfaceFields", bodies.surfaceFields.names},
        {"volumeFields", bodies.volumeFields.names},
        {"boxMargin", bodies.boxMargin},
        {"volumeQueries", bodies.volumeQueries}};
}


nlohmann::json arraysSummary(const ArrayDatasets& arrays)
{
    nlohmann::json tests = nlohmann::json::array();
    for (const auto& test : arrays.tests)
    {
        tests.push_back({
            {"name", test.name},
            {"samples", test.samples},
            {"grid", test.resolution},
        });
    }
    return {
        {"train",
         {{"name", arrays.train.name},
          {"samples", arrays.train.samples},
          {"grid", arrays.train.resolution}}},
        {"tests", tests},
        {"inputs", arrays.inputNames},
        {"outputs", arrays.outputNames},
        {"maskChannel", arrays.maskChannel}};
}


/// The set-up a checkpoint belongs to: model and training options (less
/// checkpointEvery, which does not change the result), the application,
/// the channel names and mask, and every tensor of the data.
std::string setupFingerprint(
    const TrainingJob& job,
    const Surrogate& surrogate,
    const TensorFileDatasets& data
)
{
    Fingerprint f;
    f.add("nop training set-up " + std::to_string(checkpointVersion));
    f.add(surrogate.model->optionsJson().dump());
    auto training = optionsToJson(job.training);
    training.erase("checkpointEvery");
    f.add(training.dump());
    f.add(job.application);
    f.add(nlohmann::json(surrogate.inputNames).dump());
    f.add(nlohmann::json(surrogate.outputNames).dump());
    f.add(std::to_string(surrogate.maskChannel));
    for (const Dataset* d :
         [&]
         {
             std::vector<const Dataset*> all{&data.train};
             for (const auto& test : data.tests)
             {
                 all.push_back(&test);
             }
             return all;
         }())
    {
        f.add(d->name);
        if (!d->onGeometry())
        {
            f.add(d->x).add(d->y);
        }
        for (const auto& g : d->geometries)
        {
            f.add(g.name).add(g.points).add(g.queries).add(g.targets);
            if (g.latentFeatures.defined())
            {
                f.add(g.latentFeatures);
            }
            if (g.targetMask.defined())
            {
                f.add(g.targetMask.to(torch::kUInt8));
            }
        }
    }
    f.add(surrogate.geometry);
    return f.hex();
}


/// The data of a job, and for surfaces or bodies how they were sampled
/// (the model file's geometry record).
struct JobData
{
    TensorFileDatasets sets;
    nlohmann::json geometry;
    std::vector<std::string> outputNames;
    bool signedDistance = false;
    int64_t outChannels = 0;
};


/// The training and test sets of the job, checked against its FNO.
JobData readGridData(const TrainingJob& job, const FNOOptions& fno, const Log& log)
{
    const auto readStart = Clock::now();
    const bool inMemory = !job.arrays.empty();
    JobData jobData;
    auto& data = jobData.sets;
    data = inMemory ? datasetsFromArrays(job.arrays) : readTensorFileDatasets(job.data);
    log("Read " + std::to_string(data.train.size()) + " training samples from "
        + (inMemory ? job.arrays.train.name : job.data.trainFile()) + " and "
        + std::to_string(data.tests.size()) + " test set(s) in "
        + std::to_string(secondsSince(readStart)) + " s");

    checkModesFitData(fno, data.train.x.dim() - 2);
    checkGridsHoldModes(fno, data.train, inMemory ? job.arrays.train.name : job.data.trainFile());
    for (size_t i = 0; i < data.tests.size(); ++i)
    {
        checkGridsHoldModes(
            fno, data.tests[i], inMemory ? data.tests[i].name : job.data.testFiles()[i]
        );
    }
    return jobData;
}


/// What GINO sees of every sample, written to the job's vtkDirectory.
void writeSamplesVtk(
    const TrainingJob& job,
    const JobData& data,
    const UnitBox& unitBox,
    const Log& log
)
{
    if (job.vtkDirectory.empty())
    {
        return;
    }
    std::vector<const Dataset*> sets{&data.sets.train};
    for (const auto& test : data.sets.tests)
    {
        sets.push_back(&test);
    }
    int64_t written = 0;
    for (const Dataset* set : sets)
    {
        for (const auto& sample : set->geometries)
        {
            writeGeometrySampleVtk(
                job.vtkDirectory, sample, unitBox, job.gino.latentResolution(), data.outputNames,
                data.signedDistance
            );
            ++written;
        }
    }
    log("Wrote the latent grid (.latentGrid.vti) and the queries (.queries.vtp) of "
        + std::to_string(written) + " sample(s) to " + job.vtkDirectory);
}


/// The surfaces of the job sampled for its GINO's latent grid.
JobData readSurfaceData(const TrainingJob& job, const Log& log)
{
    const auto readStart = Clock::now();
    const LatentGridSpec grid{
        job.gino.latentResolution(), job.gino.inRadius(), job.gino.outRadius()};
    auto surfaces = readSurfaceDatasets(job.surfaces, grid, int(torch::get_num_threads()), log);
    JobData data;
    data.sets.train = std::move(surfaces.train);
    data.sets.tests = std::move(surfaces.tests);
    data.geometry = surfaces.sampling.toJson();
    data.outputNames = surfaces.sampling.channelNames();
    data.signedDistance = surfaces.sampling.signedDistance;
    data.outChannels = surfaces.sampling.channels();
    log("Read and sampled " + std::to_string(data.sets.train.size()) + " training and "
        + std::to_string(data.sets.tests.empty() ? 0 : data.sets.tests.front().size())
        + " test surface(s) in " + std::to_string(secondsSince(readStart)) + " s");
    writeSamplesVtk(job, data, surfaces.sampling.unitBox, log);
    return data;
}


/// The bodies of the job's cases sampled for its GINO's latent grid.
JobData readBodyData(const TrainingJob& job, const Log& log)
{
    const auto readStart = Clock::now();
    const LatentGridSpec grid{
        job.gino.latentResolution(), job.gino.inRadius(), job.gino.outRadius()};
    auto bodies = sampleBodyDatasets(job.bodies, grid, int(torch::get_num_threads()), log);
    JobData data;
    data.sets.train = std::move(bodies.train);
    data.sets.tests = std::move(bodies.tests);
    data.geometry = bodies.sampling.toJson();
    data.outputNames = bodies.sampling.channelNames();
    data.signedDistance = bodies.sampling.signedDistance;
    data.outChannels = bodies.sampling.channels();
    log("Sampled " + std::to_string(data.sets.train.size()) + " training and "
        + std::to_string(data.sets.tests.empty() ? 0 : data.sets.tests.front().size())
        + " test case(s) in " + std::to_string(secondsSince(readStart)) + " s");
    writeSamplesVtk(job, data, bodies.sampling.unitBox, log);
    return data;
}


JobData readData(const TrainingJob& job, const Log& log)
{
    if (job.model != "GINO")
    {
        return readGridData(job, job.fno, log);
    }
    return job.bodies.empty() ? readSurfaceData(job, log) : readBodyData(job, log);
}


/// An untrained GINO for the surfaces or bodies: the signed distance (if
/// sampled) its latent feature, the fields' channels its outputs.
Surrogate makeGeometrySurrogate(const TrainingJob& job, const JobData& data)
{
    GINOOptions gino = job.gino;
    gino.pointChannels(0).latentChannels(data.signedDistance ? 1 : 0).outChannels(data.outChannels);
    Surrogate surrogate(NeuralOperator(std::make_shared<GINOImpl>(gino)));
    if (data.signedDistance)
    {
        surrogate.inputNames = {"signedDistance"};
    }
    surrogate.outputNames = data.outputNames;
    surrogate.application = job.application;
    surrogate.resolution = gino.latentResolution();
    surrogate.geometry = data.geometry.dump();
    return surrogate;
}


/// An untrained surrogate for the data: the FNO with the data's channels,
/// the names of what it maps and the resolution of the data; or the GINO
/// of the surfaces.
Surrogate makeSurrogate(const TrainingJob& job, const JobData& jobData)
{
    if (job.model == "GINO")
    {
        return makeGeometrySurrogate(job, jobData);
    }
    const TensorFileDatasets& data = jobData.sets;
    FNOOptions fno = job.fno;
    fno.inChannels(data.train.x.size(1)).outChannels(data.train.y.size(1));

    Surrogate surrogate(fno);
    if (!job.arrays.empty())
    {
        surrogate.inputNames = job.arrays.inputNames;
        surrogate.outputNames = job.arrays.outputNames;
        surrogate.maskChannel = job.arrays.maskChannel;
    }
    else
    {
        surrogate.inputNames = {job.data.input()};
        surrogate.outputNames = {job.data.output()};
    }
    surrogate.application = job.application;
    surrogate.resolution = data.train.x.sizes().slice(2).vec();
    return surrogate;
}


int64_t parameterCount(Surrogate& surrogate)
{
    int64_t parameters = 0;
    for (const auto& p : surrogate.model->parameters())
    {
        parameters += p.numel();
    }
    return parameters;
}


/// Refuse to write a model that learnt nothing or whose final errors in
/// full precision are not finite (it would be used silently).
void checkTrained(
    const TrainingSummary& summary,
    const TrainingJob& job,
    const CheckpointSettings& checkpoint
)
{
    if (summary.steps > 0 && summary.nonFiniteSteps == summary.steps)
    {
        throw std::runtime_error(
            "training: all " + std::to_string(summary.steps)
            + " steps had a"
              " non-finite loss or gradient (precision "
            + toString(job.training.precision()) + "), so nothing was learnt and " + job.modelFile
            + " was not written."
              " Check the data (e.g. a mask with no fluid point in every sample)"
              " or train with precision full"
        );
    }

    std::error_code ignored;
    for (const auto& e : summary.finalErrors)
    {
        if (e.precision == Precision::full && !e.finite)
        {
            throw std::runtime_error(
                "training: the final relative errors on test set '" + e.dataset
                + "' in full precision are not finite (l2 " + std::to_string(e.l2) + ", h1 "
                + std::to_string(e.h1) + "), so " + job.modelFile
                + " was not written."
                  " Check that test set: values far outside the range of the training"
                  " data overflow, outputs that are all zero have no relative error"
                + (std::filesystem::exists(checkpoint.file, ignored)
                       ? "; checkpoint " + checkpoint.file + " is kept"
                       : std::string())
            );
        }
    }
}


/// The training summary the model file records (and its report shows).
nlohmann::json trainingReport(
    const TrainingJob& job,
    Surrogate& surrogate,
    const TensorFileDatasets& data,
    const TrainingSummary& summary,
    const torch::Device& device,
    int64_t threads,
    const std::string& fingerprint
)
{
    nlohmann::json errors = nlohmann::json::object();
    for (const auto& e : summary.finalErrors)
    {
        auto& entry = errors[e.dataset][toString(e.precision)];
        entry = {{"l2", number(e.l2)}, {"h1", number(e.h1)}, {"finite", e.finite}};
        for (size_t c = 0; c < e.channelL2.size() && c < surrogate.outputNames.size(); ++c)
        {
            entry["fields"][surrogate.outputNames[c]] = number(e.channelL2[c]);
        }
        for (const auto& test : data.tests)
        {
            for (size_t i = 0; test.name == e.dataset && i < test.geometries.size(); ++i)
            {
                entry["samples"][test.geometries[i].name] = number(e.sampleL2.at(i));
            }
        }
    }
    return {
        {"modelFile", job.modelFile},
        {"model", surrogate.model->kind()},
        {"parameters", parameterCount(surrogate)},
        {modelType(surrogate.model->kind()).optionsKey, surrogate.model->optionsJson()},
        {"training", optionsToJson(job.training)},
        {"data", !job.bodies.empty()   ? bodiesSummary(job.bodies)
                 : job.model == "GINO" ? optionsToJson(job.surfaces)
                 : job.arrays.empty()  ? optionsToJson(job.data)
                                       : nlohmann::json(arraysSummary(job.arrays))},
        {"trainSamples", data.train.size()},
        {"device", device.str()},
        {"threads", threads},
        {"trainedPrecision", toString(job.training.precision())},
        {"samplesPerSecond", summary.samplesPerSecond},
        {"peakMemoryBytes",
         summary.peakBytes >= 0 ? nlohmann::json(summary.peakBytes) : nlohmann::json()},
        {"trainSeconds", summary.seconds},
        {"finalTrainLoss", number(summary.finalTrainLoss)},
        {"steps", summary.steps},
        {"nonFiniteSteps", summary.nonFiniteSteps},
        {"testErrors", errors},
        {"setupFingerprint", fingerprint}};
}


/// The model's options and the kind of data fit (before any data is read).
void checkModelAndData(const TrainingJob& job)
{
    if (job.model == "GINO")
    {
        validate(job.gino);
        if (job.surfaces.empty() && job.bodies.empty())
        {
            throw std::invalid_argument(
                "model gino learns from surfaces (data of type surfaces) or from bodies in cases"
                " (data of type cases with patches)"
            );
        }
        if (job.training.loss() == LossKind::h1)
        {
            throw OptionError("loss", "loss h1 needs a grid; model gino trains with loss l2");
        }
        return;
    }
    if (job.model != "FNO")
    {
        throw std::invalid_argument("model '" + job.model + "': a training job trains FNO or GINO");
    }
    validate(job.fno);
    if (!job.surfaces.empty())
    {
        throw std::invalid_argument("data of type surfaces needs model gino");
    }
    if (!job.bodies.empty())
    {
        throw std::invalid_argument("patches: cases with patches (bodies) need model gino");
    }
}


/// The final errors per test set and precision, per field when there are
/// several and per sample on geometries.
void logFinalErrors(
    const TrainingSummary& summary,
    const Surrogate& surrogate,
    const TensorFileDatasets& data,
    const Log& log
)
{
    for (const auto& e : summary.finalErrors)
    {
        const Dataset* test = nullptr;
        for (const auto& t : data.tests)
        {
            test = t.name == e.dataset ? &t : test;
        }
        const bool geometry = test && test->onGeometry();
        std::string line = "Test " + e.dataset + " (" + toString(e.precision) + "): relative l2 "
                           + std::to_string(e.l2)
                           + (geometry ? std::string() : ", h1 " + std::to_string(e.h1));
        for (size_t c = 0; e.channelL2.size() > 1 && c < e.channelL2.size(); ++c)
        {
            // Tensor files name their output tensor once, whatever its channels
            const std::string name = surrogate.outputNames.size() == e.channelL2.size()
                                         ? surrogate.outputNames[c]
                                         : "channel " + std::to_string(c);
            line += (c ? ", " : "; per field ") + name + " " + std::to_string(e.channelL2[c]);
        }
        log(line);
        for (size_t i = 0; geometry && i < test->geometries.size(); ++i)
        {
            log("    " + test->geometries[i].name + ": relative l2 "
                + std::to_string(e.sampleL2.at(i)));
        }
    }
}


std::string train(const TrainingJob& job, const Log& log)
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
    checkModelAndData(job);

    const JobData jobData = readData(job, log);
    const TensorFileDatasets& data = jobData.sets;
    Surrogate surrogate = makeSurrogate(job, jobData);
    log(surrogate.model->kind() + ": " + std::to_string(parameterCount(surrogate))
        + " parameters, device " + device.str() + ", " + std::to_string(threads)
        + " thread(s), precision " + toString(job.training.precision()));
    if (const auto warning = reducedPrecisionWarning(device, toString(job.training.precision()));
        !warning.empty())
    {
        log(warning);
    }

    // Created before training: the checkpoint goes there too.
    const auto parent = std::filesystem::path(job.modelFile).parent_path();
    if (!parent.empty())
    {
        std::filesystem::create_directories(parent);
    }
    const std::string fingerprint = setupFingerprint(job, surrogate, data);
    const CheckpointSettings checkpoint{checkpointPathFor(job.modelFile), fingerprint};

    const TrainingSummary summary = [&]
    {
        // SIGINT, SIGTERM: checkpoint and TrainingStopped; a second one kills.
        const StopSignalScope stopSignals;
        return trainer.fit(surrogate, data.train, data.tests, log, checkpoint);
    }();
    checkTrained(summary, job, checkpoint);

    surrogate.summaryJson =
        trainingReport(job, surrogate, data, summary, device, threads, fingerprint).dump();

    // The model first, then its report made from the file itself: a report
    // whose modelFileChecksum differs from the model file's is stale.
    saveModelFile(job.modelFile, surrogate);
    const std::string text = reportFromModelFile(job.modelFile);
    writeFileAtomically(reportPathFor(job.modelFile), text);
    std::error_code ignored;
    std::filesystem::remove(checkpoint.file, ignored);

    logFinalErrors(summary, surrogate, data, log);
    log("Wrote " + job.modelFile + " and " + reportPathFor(job.modelFile) + " ("
        + formatRate(summary.samplesPerSecond) + " samples/s"
        + (summary.peakBytes >= 0 ? ", peak " + formatBytes(summary.peakBytes) : std::string())
        + ")");
    return text;
}

} // namespace


std::string runTrainingJob(
    const TrainingJob& job,
    const std::function<void(const std::string&)>& log
)
{
    return withoutBacktrace([&] { return train(job, log); });
}

} // namespace nop
