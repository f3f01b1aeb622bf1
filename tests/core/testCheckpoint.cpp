// Training checkpoints, stop requests, resumed runs and the model/report pair.

#include "TestSupport.hpp"

#include "nop/jobs/TrainingJob.hpp"
#include "nop/models/ModelFile.hpp"
#include "nop/training/Checkpoint.hpp"
#include "nop/training/StopRequest.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <iterator>

using namespace nop;

namespace
{

constexpr int64_t nx = 16, ny = 16;

/// Samples of a smooth 2D operator on a 16x16 grid, from a fixed seed.
ArraySamples samples(const std::string& name, int64_t count, uint64_t seed)
{
    torch::manual_seed(seed);
    const auto s = torch::linspace(0, 2 * M_PI, nx).view({1, 1, nx, 1});
    const auto t = torch::linspace(0, 2 * M_PI, ny).view({1, 1, 1, ny});
    const auto a = torch::randn({count, 1, 1, 1});
    const auto b = torch::randn({count, 1, 1, 1});
    const auto x = (a * torch::sin(s) * torch::cos(t) + b * torch::cos(2 * s)).contiguous();
    const auto y = (a * torch::cos(s) * torch::cos(t) - 0.5 * b * torch::sin(2 * s)).contiguous();

    ArraySamples result;
    result.name = name;
    result.samples = count;
    result.inChannels = 1;
    result.outChannels = 1;
    result.resolution = {nx, ny};
    result.inputs.assign(x.data_ptr<float>(), x.data_ptr<float>() + x.numel());
    result.outputs.assign(y.data_ptr<float>(), y.data_ptr<float>() + y.numel());
    return result;
}


/// 4 epochs (half, mixed, mixed, full) of 4 steps with loss scaling: every
/// piece of state a checkpoint holds matters.
TrainingJob tinyJob(const std::string& modelFile)
{
    TrainingJob job;
    job.arrays.train = samples("train", 16, 1);
    job.arrays.tests = {samples("validation", 4, 2)};
    job.arrays.inputNames = {"a"};
    job.arrays.outputNames = {"u"};
    job.application = R"({"case": "tiny"})";
    job.fno = FNOOptions(1, 1, {4, 4}).hiddenChannels(8).nLayers(2).stabiliser(Stabiliser::tanh);
    job.training.epochs(4)
        .batchSize(4)
        .learningRate(1e-2)
        .threads(1)
        .seed(3)
        .precision(TrainingPrecision::schedule)
        .schedule({0.25, 0.5, 0.25})
        .lossScaling(LossScaling::on)
        .checkpointEvery(0);
    job.modelFile = modelFile;
    return job;
}


/// Log lines of a run, optionally calling `onLine` on each.
struct Log
{
    std::vector<std::string> lines;
    std::function<void(const std::string&)> onLine;

    std::function<void(const std::string&)> callback()
    {
        return [this](const std::string& line)
        {
            lines.push_back(line);
            if (onLine)
            {
                onLine(line);
            }
        };
    }

    bool has(const std::string& text) const
    {
        for (const auto& line : lines)
        {
            if (line.find(text) != std::string::npos)
            {
                return true;
            }
        }
        return false;
    }

    std::string all() const
    {
        std::string text;
        for (const auto& line : lines)
        {
            text += line + "\n";
        }
        return text;
    }
};


/// Run `job` expecting a requested stop; returns the log.
Log runUntilStopped(const TrainingJob& job, std::function<void(const std::string&)> onLine = {})
{
    Log log;
    log.onLine = std::move(onLine);
    try
    {
        runTrainingJob(job, log.callback());
        ADD_FAILURE() << "no stop:\n" << log.all();
    }
    catch (const TrainingStopped& e)
    {
        EXPECT_EQ(e.checkpointFile(), checkpointPathFor(job.modelFile));
        EXPECT_NE(std::string(e.what()).find("resume"), std::string::npos) << e.what();
    }
    EXPECT_FALSE(stopRequested()) << "the request was not consumed";
    EXPECT_TRUE(std::filesystem::exists(checkpointPathFor(job.modelFile)));
    EXPECT_FALSE(std::filesystem::exists(job.modelFile));
    return log;
}


std::string readText(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}


/// Parameters and normalisers of two model files are equal bit for bit,
/// and so are the figures of their reports that do not measure time.
void expectSameTraining(const std::string& expectedFile, const std::string& actualFile)
{
    const Surrogate expected = loadModelFile(expectedFile);
    const Surrogate actual = loadModelFile(actualFile);
    const auto a = expected.model->named_parameters();
    const auto b = actual.model->named_parameters();
    ASSERT_EQ(a.size(), b.size());
    for (const auto& item : a)
    {
        EXPECT_TRUE(torch::equal(item.value(), b[item.key()])) << item.key();
    }
    EXPECT_TRUE(torch::equal(expected.inputNormaliser.mean(), actual.inputNormaliser.mean()));
    EXPECT_TRUE(torch::equal(expected.outputNormaliser.std(), actual.outputNormaliser.std()));

    const auto r = nlohmann::json::parse(readText(reportPathFor(expectedFile)));
    const auto s = nlohmann::json::parse(readText(reportPathFor(actualFile)));
    for (const char* key :
         {"steps", "nonFiniteSteps", "finalTrainLoss", "testErrors", "setupFingerprint"})
    {
        EXPECT_EQ(r.at(key), s.at(key)) << key;
    }
}

} // namespace


TEST(Checkpoint, PathBesideTheModelFile)
{
    EXPECT_EQ(checkpointPathFor("constant/model.nop"), "constant/model.checkpoint");
    EXPECT_EQ(checkpointPathFor("model"), "model.checkpoint");
}


TEST(Checkpoint, EncodingRoundTrip)
{
    TrainingCheckpoint c;
    c.fingerprint = "0123456789abcdef";
    c.epochs = 5;
    c.epoch = 2;
    c.offset = 3;
    c.epochLossSum = 0.1 + 0.2;
    c.finalTrainLoss = std::numeric_limits<double>::quiet_NaN();
    c.steps = 7;
    c.nonFiniteSteps = 1;
    c.lossScale = 32768;
    c.lossScalerGoodSteps = 6;
    c.optimiserSteps = {{"w", 6}};
    c.tensors["w"] = torch::randn({2, 3, 2}, torch::kComplexFloat);
    c.tensors["rng"] = torch::arange(256, torch::kLong).to(torch::kByte);
    c.tensors["order"] = torch::randperm(9, torch::kLong);

    const TrainingCheckpoint d = decodeCheckpoint(encodeCheckpoint(c), "x.checkpoint");
    EXPECT_EQ(d.fingerprint, c.fingerprint);
    EXPECT_EQ(d.epoch, 2);
    EXPECT_EQ(d.offset, 3);
    EXPECT_EQ(d.epochLossSum, c.epochLossSum);
    EXPECT_TRUE(std::isnan(d.finalTrainLoss));
    EXPECT_EQ(d.lossScale, 32768);
    EXPECT_EQ(d.lossScalerGoodSteps, 6);
    EXPECT_EQ(d.optimiserSteps, c.optimiserSteps);
    ASSERT_EQ(d.tensors.size(), 3u);
    for (const auto& [name, t] : c.tensors)
    {
        EXPECT_EQ(d.tensors.at(name).scalar_type(), t.scalar_type()) << name;
        EXPECT_TRUE(torch::equal(d.tensors.at(name), t)) << name;
    }

    // A flipped byte anywhere, or a truncation, is refused with the file name.
    const std::string bytes = encodeCheckpoint(c);
    for (size_t at : {size_t(10), bytes.size() / 2, bytes.size() - 3})
    {
        std::string bad = bytes;
        bad[at] ^= 0x10;
        try
        {
            decodeCheckpoint(bad, "x.checkpoint");
            ADD_FAILURE() << "flipped byte " << at << " accepted";
        }
        catch (const std::runtime_error& e)
        {
            EXPECT_NE(std::string(e.what()).find("x.checkpoint"), std::string::npos) << e.what();
        }
    }
    EXPECT_THROW(decodeCheckpoint(bytes.substr(0, bytes.size() - 1), "x"), std::runtime_error);
}


TEST(Checkpoint, StopSignalsRequestOnceThenKillAndHandlersComeBack)
{
    static volatile std::sig_atomic_t previousCalls = 0;
    struct sigaction own
    {
    }, saved{};
    own.sa_handler = [](int) { previousCalls = previousCalls + 1; };
    sigemptyset(&own.sa_mask);
    ASSERT_EQ(sigaction(SIGTERM, &own, &saved), 0);

    clearStopRequest();
    {
        const StopSignalScope scope;
        EXPECT_FALSE(stopRequested());
        std::raise(SIGTERM);
        EXPECT_TRUE(stopRequested());
        EXPECT_EQ(previousCalls, 0);
        // A second SIGTERM would now kill: the default action is back.
        struct sigaction now
        {};
        sigaction(SIGTERM, nullptr, &now);
        EXPECT_EQ(now.sa_handler, SIG_DFL);
    }
    clearStopRequest();
    std::raise(SIGTERM);
    EXPECT_EQ(previousCalls, 1) << "the previous handler is not back";
    EXPECT_FALSE(stopRequested());
    sigaction(SIGTERM, &saved, nullptr);

    requestStop();
    EXPECT_TRUE(stopRequested());
    clearStopRequest();
    EXPECT_FALSE(stopRequested());
}


// Stopped at the end of epoch 1 (half precision), again after the first
// step of epoch 2 (mixed), then resumed to the end (full): the same model,
// bit for bit, as the uninterrupted run.
TEST(Checkpoint, ResumedRunEqualsUninterruptedRun)
{
    test::TemporaryDirectory dir;
    clearStopRequest();
    const auto reference = tinyJob(dir.file("reference.nop"));
    runTrainingJob(reference, [](const std::string&) {});

    // checkpointEvery does not belong to the set-up: it may differ.
    auto job = tinyJob(dir.file("stopped.nop"));
    job.training.checkpointEvery(3);
    // A real SIGTERM: runTrainingJob has its handler in place while it
    // trains, and puts the previous one back.
    struct sigaction before
    {
    }, after{};
    sigaction(SIGTERM, nullptr, &before);
    const auto first = runUntilStopped(
        job,
        [](const std::string& line)
        {
            if (line.rfind("Epoch 1/4", 0) == 0)
                std::raise(SIGTERM);
        }
    );
    EXPECT_TRUE(first.has("Stopped on request after 1 of 4 epochs")) << first.all();
    sigaction(SIGTERM, nullptr, &after);
    EXPECT_EQ(after.sa_handler, before.sa_handler);

    requestStop();
    const auto second = runUntilStopped(job);
    EXPECT_TRUE(second.has("Resuming from " + checkpointPathFor(job.modelFile) + " at epoch 2 of 4")
    ) << second.all();
    EXPECT_TRUE(second.has("after 1 of 4 epochs and 4 samples")) << second.all();
    // 5 steps so far, each good: the loss scaler and the optimiser counted
    // on from the first checkpoint.
    const auto c = readCheckpoint(checkpointPathFor(job.modelFile), 1 << 26);
    EXPECT_EQ(c.epoch, 1);
    EXPECT_EQ(c.offset, 4);
    EXPECT_EQ(c.steps, 4);
    EXPECT_EQ(c.epochGoodSteps, 1);
    EXPECT_EQ(c.lossScale, 65536);
    EXPECT_EQ(c.lossScalerGoodSteps, 5);
    EXPECT_FALSE(c.optimiserSteps.empty());
    for (const auto& [name, steps] : c.optimiserSteps)
    {
        EXPECT_EQ(steps, 5) << name;
    }

    Log third;
    runTrainingJob(job, third.callback());
    EXPECT_TRUE(third.has("at epoch 2 of 4 (4 of 16 samples done)")) << third.all();
    EXPECT_FALSE(third.has("Epoch 1/4")) << third.all();
    EXPECT_TRUE(third.has("Epoch 2/4  precision mixed")) << third.all();
    EXPECT_FALSE(std::filesystem::exists(checkpointPathFor(job.modelFile)));

    expectSameTraining(reference.modelFile, job.modelFile);
}


// A kill (here: an exception from the log) after epoch 3 loses epoch 3
// only: the checkpoint of epoch 2 resumes to the same model, with Adam as
// with AdamW.
TEST(Checkpoint, PeriodicCheckpointSurvivesAKill)
{
    for (const Optimiser optimiser : {Optimiser::adamW, Optimiser::adam})
    {
        SCOPED_TRACE(toString(optimiser));
        test::TemporaryDirectory dir;
        clearStopRequest();
        auto reference = tinyJob(dir.file("reference.nop"));
        reference.training.optimiser(optimiser);
        runTrainingJob(reference, [](const std::string&) {});

        auto job = tinyJob(dir.file("killed.nop"));
        job.training.optimiser(optimiser).checkpointEvery(2);
        struct Killed
        {};
        EXPECT_THROW(
            runTrainingJob(
                job,
                [](const std::string& line)
                {
                    if (line.rfind("Epoch 3/4", 0) == 0)
                        throw Killed();
                }
            ),
            Killed
        );
        EXPECT_FALSE(std::filesystem::exists(job.modelFile));
        EXPECT_TRUE(std::filesystem::exists(checkpointPathFor(job.modelFile)));

        Log log;
        runTrainingJob(job, log.callback());
        EXPECT_TRUE(
            log.has("Resuming from " + checkpointPathFor(job.modelFile) + " at epoch 3 of 4")
        ) << log.all();
        EXPECT_FALSE(std::filesystem::exists(checkpointPathFor(job.modelFile)));
        expectSameTraining(reference.modelFile, job.modelFile);
    }
}


TEST(Checkpoint, OtherSetUpIsNotResumed)
{
    test::TemporaryDirectory dir;
    clearStopRequest();
    const auto modelFile = dir.file("model.nop");

    const auto changes = std::vector<std::function<void(TrainingJob&)>>{
        [](TrainingJob& j) { j.training.learningRate(2e-2); },
        [](TrainingJob& j) { j.arrays.train.inputs[17] += 1e-3f; },
        [](TrainingJob& j) { j.application = R"({"case": "other"})"; }};
    for (const auto& change : changes)
    {
        std::filesystem::remove(modelFile);
        requestStop();
        runUntilStopped(tinyJob(modelFile));

        auto job = tinyJob(modelFile);
        change(job);
        Log log;
        runTrainingJob(job, log.callback());
        EXPECT_TRUE(log.has(
            "Ignoring checkpoint " + checkpointPathFor(modelFile)
            + ": it was written for another set-up"
        )) << log.all();
        EXPECT_FALSE(log.has("Resuming")) << log.all();
        EXPECT_TRUE(log.has("Epoch 1/4")) << log.all();
        EXPECT_FALSE(std::filesystem::exists(checkpointPathFor(modelFile)));
    }
}


// Unreadable checkpoints are ignored with the reason, and ignoring one
// changes nothing: the run equals one that never saw it.
TEST(Checkpoint, CorruptCheckpointIsIgnored)
{
    test::TemporaryDirectory dir;
    clearStopRequest();
    const auto reference = tinyJob(dir.file("reference.nop"));
    runTrainingJob(reference, [](const std::string&) {});

    const auto job = tinyJob(dir.file("model.nop"));
    const auto file = checkpointPathFor(job.modelFile);
    requestStop();
    runUntilStopped(job);
    const std::string bytes = readText(file);

    const std::vector<std::string> corrupt{
        bytes.substr(0, bytes.size() / 2),
        [&]
        {
            auto b = bytes;
            b[b.size() - 100] ^= 1;
            return b;
        }(),
        "not a checkpoint at all", ""};
    for (const auto& content : corrupt)
    {
        {
            std::ofstream out(file, std::ios::binary);
            out << content;
        }
        Log log;
        runTrainingJob(job, log.callback());
        EXPECT_TRUE(log.has("Ignoring checkpoint " + file + ": ")) << log.all();
        EXPECT_TRUE(log.has("training starts at epoch 1")) << log.all();
        EXPECT_FALSE(std::filesystem::exists(file));
        expectSameTraining(reference.modelFile, job.modelFile);
    }
}


TEST(Checkpoint, NonFiniteTestErrorsWriteNoModel)
{
    test::TemporaryDirectory dir;
    clearStopRequest();
    auto job = tinyJob(dir.file("model.nop"));
    job.training.epochs(1).precision(TrainingPrecision::full);
    // Finite data far beyond float32's range once squared.
    auto& test = job.arrays.tests[0];
    std::fill(test.inputs.begin(), test.inputs.end(), 3e38f);
    std::fill(test.outputs.begin(), test.outputs.end(), 3e38f);
    try
    {
        runTrainingJob(job, [](const std::string&) {});
        FAIL() << "a model with non-finite test errors was written";
    }
    catch (const std::runtime_error& e)
    {
        EXPECT_NE(std::string(e.what()).find("'validation'"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("not finite"), std::string::npos) << e.what();
    }
    EXPECT_FALSE(std::filesystem::exists(job.modelFile));
    EXPECT_FALSE(std::filesystem::exists(reportPathFor(job.modelFile)));

    // With checkpoints, the one after the last epoch stays: a rerun trains
    // no epoch and fails the same way.
    job.training.checkpointEvery(5);
    for (int run = 0; run < 2; ++run)
    {
        Log log;
        try
        {
            runTrainingJob(job, log.callback());
            ADD_FAILURE() << "a model with non-finite test errors was written";
        }
        catch (const std::runtime_error& e)
        {
            EXPECT_NE(
                std::string(e.what()).find(
                    "checkpoint " + checkpointPathFor(job.modelFile) + " is kept"
                ),
                std::string::npos
            ) << e.what();
        }
        EXPECT_EQ(
            log.has(
                "Resuming from " + checkpointPathFor(job.modelFile)
                + " at epoch 1 of 1 (training complete)"
            ),
            run == 1
        ) << log.all();
        EXPECT_FALSE(std::filesystem::exists(job.modelFile));
    }
}


TEST(Checkpoint, ReportIsMadeFromTheModelFile)
{
    test::TemporaryDirectory dir;
    clearStopRequest();
    auto job = tinyJob(dir.file("model.nop"));
    job.training.epochs(1);
    const std::string returned = runTrainingJob(job, [](const std::string&) {});
    const std::string written = readText(reportPathFor(job.modelFile));
    EXPECT_EQ(returned, written);
    EXPECT_EQ(written, reportFromModelFile(job.modelFile));
    const auto report = nlohmann::json::parse(written);
    EXPECT_EQ(report.at("modelFileChecksum"), modelFileChecksum(job.modelFile));
    EXPECT_EQ(report.at("modelFile"), job.modelFile);

    // A new model beside the old report (a kill between the two writes)
    // is detectable: the checksums differ.
    job.training.seed(4);
    runTrainingJob(job, [](const std::string&) {});
    EXPECT_NE(report.at("modelFileChecksum"), modelFileChecksum(job.modelFile));
}
