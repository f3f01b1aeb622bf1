// Training on in-memory arrays (the path the OpenFOAM cases take) and the
// torch-free SurrogatePredictor that applies the model file.

#include "TestSupport.hpp"

#include "nop/data/ArrayDataset.hpp"
#include "nop/inference/SurrogatePredictor.hpp"
#include "nop/jobs/TrainingJob.hpp"
#include "nop/models/ModelFile.hpp"
#include "nop/runtime/Device.hpp"

#include <gtest/gtest.h>

#include <iostream>

#include <cmath>

#include <dlfcn.h>

using namespace nop;

namespace
{

constexpr int64_t nx = 12, ny = 8;

/// Samples on a 12x8 grid: channels (mask, a) -> a*sin(x)cos(y) inside a
/// mask that cuts out the corner x > 8, y > 5 (0 there, as sampled
/// OpenFOAM fields are outside the fluid).
ArraySamples maskedSamples(const std::string& name, int64_t samples, double shift)
{
    ArraySamples s;
    s.name = name;
    s.samples = samples;
    s.inChannels = 2;
    s.outChannels = 1;
    s.resolution = {nx, ny};
    for (int64_t n = 0; n < samples; ++n)
    {
        const double a = 1 + shift + 0.1 * double(n);
        std::vector<float> mask, param, out;
        for (int64_t i = 0; i < nx; ++i)
        {
            for (int64_t j = 0; j < ny; ++j)
            {
                const bool inside = !(i > 8 && j > 5);
                mask.push_back(inside);
                param.push_back(float(a));
                out.push_back(inside ? float(a * std::sin(0.5 * i) * std::cos(0.4 * j)) : 0.f);
            }
        }
        s.inputs.insert(s.inputs.end(), mask.begin(), mask.end());
        s.inputs.insert(s.inputs.end(), param.begin(), param.end());
        s.outputs.insert(s.outputs.end(), out.begin(), out.end());
    }
    return s;
}


TrainingJob maskedJob(const std::string& modelFile)
{
    TrainingJob job;
    job.arrays.train = maskedSamples("train", 8, 0);
    job.arrays.tests = {maskedSamples("test", 2, 0.05)};
    job.arrays.inputNames = {"mask", "a"};
    job.arrays.outputNames = {"u"};
    job.arrays.maskChannel = 0;
    job.application = R"({"latentGrid":{"resolution":[12,8,1]}})";
    job.fno = FNOOptions(1, 1, {4, 4}).hiddenChannels(8).nLayers(1);
    job.training.epochs(2).batchSize(4).threads(1).precision(TrainingPrecision::full);
    job.modelFile = modelFile;
    return job;
}

} // namespace


TEST(ArrayData, TrainsAndRecordsChannelsMaskAndApplication)
{
    test::TemporaryDirectory dir;
    const auto modelFile = dir.file("masked.nop");
    runTrainingJob(maskedJob(modelFile), [](const std::string&) {});

    const Surrogate surrogate = loadModelFile(modelFile);
    EXPECT_EQ(surrogate.maskChannel, 0);
    EXPECT_EQ(surrogate.inputNames, (std::vector<std::string>{"mask", "a"}));
    EXPECT_EQ(surrogate.outputNames, (std::vector<std::string>{"u"}));
    EXPECT_EQ(surrogate.application, R"({"latentGrid":{"resolution":[12,8,1]}})");
    EXPECT_EQ(surrogate.resolution, (std::vector<int64_t>{nx, ny}));
}


TEST(ArrayData, BadArraysAreNamed)
{
    test::TemporaryDirectory dir;
    auto job = maskedJob(dir.file("bad.nop"));
    job.arrays.train.inputs[5] = std::nanf("");
    try
    {
        runTrainingJob(job, [](const std::string&) {});
        FAIL() << "NaN in the data was accepted";
    }
    catch (const std::invalid_argument& e)
    {
        EXPECT_NE(std::string(e.what()).find("'train'"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("NaN"), std::string::npos) << e.what();
    }

    job = maskedJob(dir.file("bad.nop"));
    job.arrays.tests[0].outputs.pop_back();
    EXPECT_THROW(runTrainingJob(job, [](const std::string&) {}), std::invalid_argument);

    job = maskedJob(dir.file("bad.nop"));
    job.arrays.inputNames.pop_back();
    EXPECT_THROW(runTrainingJob(job, [](const std::string&) {}), std::invalid_argument);
    EXPECT_FALSE(std::filesystem::exists(dir.file("bad.nop")));
}


TEST(ArrayData, NothingLearntWritesNoModel)
{
    // The mask holds no fluid point: every step's gradient is non-finite
    test::TemporaryDirectory dir;
    auto job = maskedJob(dir.file("empty.nop"));
    const size_t points = size_t(nx * ny);
    for (int64_t s = 0; s < job.arrays.train.samples; ++s)
    {
        std::fill_n(job.arrays.train.inputs.begin() + s * 2 * points, points, 0.f);
    }
    try
    {
        runTrainingJob(job, [](const std::string&) {});
        FAIL() << "a model that learnt nothing was accepted";
    }
    catch (const std::runtime_error& e)
    {
        EXPECT_NE(std::string(e.what()).find("non-finite"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("empty.nop"), std::string::npos) << e.what();
    }
    EXPECT_FALSE(std::filesystem::exists(dir.file("empty.nop")));
}


TEST(SurrogatePredictor, MatchesTheSurrogateAndIsZeroOutsideTheMask)
{
    test::TemporaryDirectory dir;
    const auto modelFile = dir.file("masked.nop");
    runTrainingJob(maskedJob(modelFile), [](const std::string&) {});

    const SurrogatePredictor predictor(modelFile, "cpu", 1);
    EXPECT_EQ(predictor.inChannels(), 2);
    EXPECT_EQ(predictor.outChannels(), 1);
    EXPECT_EQ(predictor.trainedResolution(), (std::vector<int64_t>{nx, ny}));
    EXPECT_EQ(predictor.application(), R"({"latentGrid":{"resolution":[12,8,1]}})");

    const ArraySamples sample = maskedSamples("one", 1, 0.3);
    const auto y = predictor.predict(sample.inputs, sample.resolution);
    ASSERT_EQ(int64_t(y.size()), nx * ny);

    // The same numbers as the torch-side Surrogate on the same input
    Surrogate surrogate = loadModelFile(modelFile);
    const auto x = torch::tensor(sample.inputs).view({1, 2, nx, ny});
    const auto reference = surrogate.predict(x).flatten();
    double maxDifference = 0, outside = 0;
    for (int64_t k = 0; k < nx * ny; ++k)
    {
        maxDifference =
            std::max(maxDifference, std::abs(double(y[k]) - reference[k].item<double>()));
        if (sample.inputs[k] == 0)
        {
            outside = std::max(outside, std::abs(double(y[k])));
        }
    }
    EXPECT_LT(maxDifference, 1e-6);
    EXPECT_EQ(outside, 0.0);
}


// Reduced precisions stay close to full (bfloat16 keeps 8 bits: about 4e-3
// relative per value): a prediction scaled or shifted by a bug in the
// reduced path is far outside; and they are reduced, not full's numbers.
class SurrogatePredictorPrecision : public ::testing::TestWithParam<Precision>
{};

TEST_P(SurrogatePredictorPrecision, StaysCloseToFullOnTheReducedPath)
{
    const std::string precision = toString(GetParam());
    test::TemporaryDirectory dir;
    const auto modelFile = dir.file("masked.nop");
    runTrainingJob(maskedJob(modelFile), [](const std::string&) {});
    const SurrogatePredictor predictor(modelFile, "cpu", 1);
    const ArraySamples sample = maskedSamples("one", 1, 0.3);
    const auto y = predictor.predict(sample.inputs, sample.resolution);

    const auto yReduced = predictor.predict(sample.inputs, sample.resolution, precision);
    ASSERT_EQ(yReduced.size(), y.size());
    double difference = 0, norm = 0, outside = 0;
    for (size_t k = 0; k < y.size(); ++k)
    {
        difference += std::pow(double(yReduced[k]) - double(y[k]), 2);
        norm += std::pow(double(y[k]), 2);
        if (sample.inputs[k] == 0)
        {
            outside = std::max(outside, std::abs(double(yReduced[k])));
        }
    }
    const double relative = std::sqrt(difference / norm);
    std::cout << precision << " against full: relative L2 " << relative << std::endl;
    EXPECT_GT(norm, 0);
    EXPECT_LT(relative, 0.02); // observed 2.4e-3
    EXPECT_GT(relative, 1e-5) << "the reduced path was not taken";
    EXPECT_EQ(outside, 0.0);

    // The predictor is back in full precision afterwards
    EXPECT_EQ(predictor.predict(sample.inputs, sample.resolution), y);
}

INSTANTIATE_TEST_SUITE_P(
    Precisions,
    SurrogatePredictorPrecision,
    ::testing::ValuesIn(test::reducedPrecisions),
    test::precisionName
);


TEST(SurrogatePredictor, InputsThatDoNotFitAreNamed)
{
    test::TemporaryDirectory dir;
    const auto modelFile = dir.file("masked.nop");
    runTrainingJob(maskedJob(modelFile), [](const std::string&) {});
    const SurrogatePredictor predictor(modelFile, "cpu", 1);

    const ArraySamples sample = maskedSamples("one", 1, 0);
    const auto expectMessage = [&](const std::vector<float>& x, const std::vector<int64_t>& grid,
                                   const std::string& fragment)
    {
        try
        {
            predictor.predict(x, grid);
            FAIL() << "accepted: " << fragment;
        }
        catch (const std::invalid_argument& e)
        {
            EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
            EXPECT_NE(std::string(e.what()).find(modelFile), std::string::npos) << e.what();
        }
    };
    expectMessage(sample.inputs, {nx, ny, 1}, "the grid has 3 dimensions");
    expectMessage(sample.inputs, {2, 48}, "fewer than its 4 modes");
    expectMessage(std::vector<float>(10), {nx, ny}, "the model needs 2 channels");

    EXPECT_THROW(SurrogatePredictor(dir.file("absent.nop")), std::runtime_error);
}


// Threads -----------------------------------------------------------------------

TEST(Threads, OpenBLASRunsSingleThreadedBesideLibTorchsThreads)
{
    using GetThreads = int (*)();
    const auto openblasThreads =
        reinterpret_cast<GetThreads>(::dlsym(RTLD_DEFAULT, "openblas_get_num_threads"));
    if (!openblasThreads)
    {
        GTEST_SKIP() << "the BLAS in this process is not OpenBLAS";
    }
    const int before = torch::get_num_threads();
    EXPECT_EQ(nop::setThreads(2), 2);
    EXPECT_EQ(torch::get_num_threads(), 2);
    // Its own pool (sized from the environment at load) is not used: no
    // oversubscription, no workers spinning between calls
    EXPECT_EQ(openblasThreads(), 1);
    nop::setThreads(before);
}
