// Losses, normalisers, learning-rate schedules and the training loop.

#include "TestSupport.hpp"

#include "nop/data/Normaliser.hpp"
#include "nop/data/TensorFileDataset.hpp"
#include "nop/runtime/PeakMemory.hpp"
#include "nop/training/LRScheduler.hpp"
#include "nop/training/Losses.hpp"
#include "nop/training/Trainer.hpp"

#include <gtest/gtest.h>

#include <cmath>

using namespace nop;

namespace
{

/// A smooth 1D operator to learn: y = integral-like smoothing of x.
Dataset syntheticDataset(int64_t samples, double scale = 1)
{
    const int64_t n = 32;
    const auto t = torch::arange(n, torch::kFloat) / double(n) * 2 * M_PI;
    const auto a = torch::randn({samples, 1, 1});
    const auto b = torch::randn({samples, 1, 1});
    Dataset data;
    data.name = "synthetic";
    data.x = (a * torch::sin(t) + b * torch::cos(2 * t)) * scale;
    data.y = a * torch::cos(t) - 0.5 * b * torch::sin(2 * t);
    return data;
}


FNO tinyFNO(Stabiliser stabiliser = Stabiliser::none, ReducedType type = ReducedType::automatic)
{
    return FNO(
        FNOOptions(1, 1, {8}).hiddenChannels(8).nLayers(2).stabiliser(stabiliser).reducedType(type)
    );
}

} // namespace


TEST(Losses, RelativeErrorsHaveKnownValues)
{
    const auto truth = torch::randn({3, 2, 20});
    EXPECT_TRUE(torch::allclose(relativeL2(1.1 * truth, truth), torch::full({3, 2}, 0.1), 1e-5));
    EXPECT_TRUE(torch::allclose(relativeH1(2 * truth, truth), torch::ones({3, 2}), 1e-5));
    EXPECT_NEAR(relativeLoss(LossKind::l2, truth, truth).item<double>(), 0, 1e-12);

    // H1 weighs derivatives: a high-frequency error counts more than in L2.
    const auto x = torch::linspace(0, 1, 64).view({1, 1, 64});
    const auto smooth = torch::sin(2 * M_PI * x);
    const auto wiggly = smooth + 0.01 * torch::sin(40 * M_PI * x);
    EXPECT_GT(
        relativeH1(wiggly, smooth).item<double>(), 5 * relativeL2(wiggly, smooth).item<double>()
    );

    EXPECT_NEAR(relativeLoss(LossKind::h1, 2 * truth, truth).item<double>(), 1, 1e-5);
}


// Packed samples of 3, 5 and 1 points: each sample's error over its own
// rows, against the grid form of each sample alone
TEST(Losses, PackedRelativeL2IsPerSample)
{
    const auto truth = torch::randn({9, 2});
    auto pred = truth.clone();
    pred.slice(0, 3, 8) *= 1.5;
    pred[8][1] = 0;
    const auto splits = torch::tensor({0, 3, 8, 9}, torch::kLong);
    const auto errors = relativeL2(pred, truth, splits);
    ASSERT_EQ(errors.sizes(), (std::vector<int64_t>{3, 2}));
    for (int64_t s = 0; s < 3; ++s)
    {
        const int64_t begin = splits[s].item<int64_t>(), end = splits[s + 1].item<int64_t>();
        const auto alone = relativeL2(
            pred.slice(0, begin, end).t().unsqueeze(0), truth.slice(0, begin, end).t().unsqueeze(0)
        );
        EXPECT_TRUE(torch::allclose(errors[s], alone[0], 1e-6)) << "sample " << s;
    }
    EXPECT_NEAR(errors[1][0].item<double>(), 0.5, 1e-6);
    EXPECT_NEAR(errors[2][1].item<double>(), 1.0, 1e-6);
    EXPECT_THROW(relativeL2(pred, truth, torch::tensor({0, 3, 8}, torch::kLong)), c10::Error);
}


TEST(Normaliser, RoundTripAndUnitStatistics)
{
    const auto data = torch::randn({50, 3, 16}) * torch::tensor({1.0, 10.0, 0.1}).view({1, 3, 1})
                      + torch::tensor({5.0, -2.0, 100.0}).view({1, 3, 1});
    const auto normaliser = GaussianNormaliser::fit(data.to(torch::kFloat));
    const auto encoded = normaliser.encode(data.to(torch::kFloat));
    const auto perChannel = encoded.transpose(0, 1).flatten(1);
    EXPECT_TRUE(torch::allclose(perChannel.mean(1), torch::zeros({3}), 0, 1e-4));
    EXPECT_TRUE(torch::allclose(perChannel.std(1, false), torch::ones({3}), 0, 1e-4));
    EXPECT_LT(test::relativeDifference(normaliser.decode(encoded), data), 1e-6);

    const GaussianNormaliser identity;
    EXPECT_TRUE(torch::equal(identity.encode(data), data));
    EXPECT_THROW(normaliser.encode(torch::zeros({2, 4, 16})), c10::Error);
}


TEST(LRScheduler, StepAndCosine)
{
    const LRScheduler cosine(Scheduler::cosine, 8e-3, 100, 0.5, 20);
    EXPECT_DOUBLE_EQ(cosine.at(0), 8e-3);
    EXPECT_NEAR(cosine.at(10), 4e-3, 1e-12);
    EXPECT_NEAR(cosine.at(20), 0, 1e-12);

    const LRScheduler step(Scheduler::step, 1e-3, 10, 0.5, 1);
    EXPECT_DOUBLE_EQ(step.at(9), 1e-3);
    EXPECT_DOUBLE_EQ(step.at(10), 5e-4);
    EXPECT_DOUBLE_EQ(step.at(25), 2.5e-4);

    EXPECT_THROW(LRScheduler(Scheduler::step, 1e-3, 0, 0.5, 1), OptionError);
    EXPECT_DOUBLE_EQ(LRScheduler(Scheduler::none, 1e-3, 10, 0.5, 1).at(99), 1e-3);
}


TEST(Trainer, AppliesThePrecisionScheduleAndLearns)
{
    const PeakMemory::Tracking tracking; // the peak is reported when asked
    torch::manual_seed(6);
    const auto train = syntheticDataset(64);
    const auto test = syntheticDataset(16);
    Surrogate surrogate(tinyFNO(Stabiliser::tanh)->options);
    const Trainer trainer(
        TrainerOptions()
            .epochs(8)
            .batchSize(16)
            .learningRate(1e-2)
            .loss(LossKind::l2)
            .precision(TrainingPrecision::schedule)
            .schedule({0.25, 0.5, 0.25}),
        torch::kCPU
    );

    // The precision the network itself ran each epoch in (the log line is
    // written at the epoch's end, before the next epoch switches), not only
    // what the log says: the model's and every spectral layer's
    std::vector<std::string> lines;
    std::vector<std::string> ran;
    const auto spectralPrecisions = [&]
    {
        std::string words;
        for (const auto& conv : *std::dynamic_pointer_cast<FNOImpl>(surrogate.model)->blocks->convs)
        {
            words += (words.empty() ? "" : " ")
                     + toString(conv->as<SpectralConvImpl>()->options.precision());
        }
        return words;
    };
    std::vector<std::string> spectral;
    const auto summary = trainer.fit(
        surrogate, train, {test},
        [&](const std::string& l)
        {
            lines.push_back(l);
            ran.push_back(toString(surrogate.model->precision()));
            spectral.push_back(spectralPrecisions());
        }
    );
    ASSERT_EQ(lines.size(), 8u);
    const char* expected[] = {"half", "half", "mixed", "mixed", "mixed", "mixed", "full", "full"};
    for (size_t i = 0; i < 8; ++i)
    {
        EXPECT_NE(lines[i].find(std::string("precision ") + expected[i]), std::string::npos)
            << lines[i];
        EXPECT_EQ(ran[i], expected[i]) << "epoch " << i + 1;
        EXPECT_EQ(spectral[i], std::string(expected[i]) + " " + expected[i]) << "epoch " << i + 1;
        EXPECT_NE(lines[i].find("samples/s"), std::string::npos);
        EXPECT_NE(lines[i].find("peak "), std::string::npos);
        EXPECT_NE(lines[i].find("synthetic l2"), std::string::npos);
    }
    EXPECT_EQ(summary.nonFiniteSteps, 0);
    EXPECT_EQ(summary.finalErrors.size(), 3u);
    EXPECT_GT(summary.peakBytes, 0);
    // It learned something: far below the error of predicting zero (1.0).
    EXPECT_LT(summary.finalErrors[0].l2, 0.5);
}


TEST(Trainer, ReportsNonFiniteStepsInHalfWithoutStabiliser)
{
    torch::manual_seed(7);
    const auto train = syntheticDataset(32, 1e6);
    Surrogate surrogate(tinyFNO(Stabiliser::none, ReducedType::float16)->options);
    const Trainer trainer(
        TrainerOptions()
            .epochs(1)
            .batchSize(16)
            .precision(TrainingPrecision::half)
            .normaliseInputs(false),
        torch::kCPU
    );
    std::string log;
    const auto summary =
        trainer.fit(surrogate, train, {}, [&](const std::string& l) { log += l + "\n"; });
    EXPECT_EQ(summary.nonFiniteSteps, summary.steps);
    EXPECT_NE(log.find("non-finite"), std::string::npos);
    EXPECT_NE(log.find("stabiliser tanh"), std::string::npos);
}


// In each precision: the same seed gives the same model, bit for bit
class TrainerPrecision : public ::testing::TestWithParam<Precision>
{};

TEST_P(TrainerPrecision, SameSeedSameModel)
{
    const TrainingPrecision precision = fromString<TrainingPrecision>(toString(GetParam()));
    const auto trainOnce = [&]
    {
        torch::manual_seed(8);
        const auto train = syntheticDataset(32);
        Surrogate surrogate(tinyFNO()->options);
        Trainer(TrainerOptions().epochs(2).batchSize(8).precision(precision), torch::kCPU)
            .fit(surrogate, train, {}, [](const std::string&) {});
        return torch::cat(
            [&]
            {
                std::vector<torch::Tensor> v;
                for (auto& p : surrogate.model->parameters())
                    v.push_back(p.flatten());
                return v;
            }()
        );
    };
    EXPECT_TRUE(torch::equal(trainOnce(), trainOnce()));

    // ... and training changed it: a fit that did nothing would pass above
    torch::manual_seed(8);
    syntheticDataset(32);
    const Surrogate untrained(tinyFNO()->options);
    std::vector<torch::Tensor> initial;
    for (const auto& p : untrained.model->parameters())
    {
        initial.push_back(p.flatten());
    }
    EXPECT_FALSE(torch::equal(trainOnce(), torch::cat(initial)));
}

INSTANTIATE_TEST_SUITE_P(
    Precisions,
    TrainerPrecision,
    ::testing::ValuesIn(test::allPrecisions),
    test::precisionName
);


TEST(Trainer, RejectsBadOptionsByName)
{
    // The keyword the core names (the dictionary entry the adapter blames)
    const auto refused = [](const TrainerOptions& options)
    {
        try
        {
            Trainer(options, torch::kCPU);
        }
        catch (const OptionError& e)
        {
            EXPECT_NE(std::string(e.what()).find(e.keyword()), std::string::npos) << e.what();
            return e.keyword();
        }
        return std::string("no error");
    };
    EXPECT_EQ(refused(TrainerOptions().epochs(0)), "epochs");
    EXPECT_EQ(refused(TrainerOptions().learningRate(-1)), "learningRate");
    EXPECT_EQ(refused(TrainerOptions().schedule({0.5, 0.6, 0.1})), "schedule");
    EXPECT_EQ(refused(TrainerOptions().checkpointEvery(-1)), "checkpointEvery");
    EXPECT_EQ(refused(TrainerOptions().device("gpu")), "device");
    EXPECT_EQ(refused(TrainerOptions().scheduler(Scheduler::step).stepSize(0)), "stepSize");
    EXPECT_EQ(refused(TrainerOptions()), "no error");

    // Words: one table per enum, the unknown word and the valid ones named
    const auto unknown = [](auto parse, const char* word)
    {
        try
        {
            parse(word);
        }
        catch (const std::invalid_argument& e)
        {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    EXPECT_EQ(
        unknown(fromString<Optimiser>, "sgd"), "unknown optimiser 'sgd' (valid: adamW, adam)"
    );
    EXPECT_EQ(unknown(fromString<LossKind>, "l3"), "unknown loss 'l3' (valid: l2, h1)");
    EXPECT_EQ(
        unknown(fromString<Scheduler>, "linear"),
        "unknown scheduler 'linear' (valid: none, step, cosine)"
    );
    EXPECT_EQ(
        unknown(fromString<TrainingPrecision>, "quarter"),
        "unknown precision 'quarter' (valid: full, mixed, half, schedule)"
    );
    EXPECT_EQ(fromString<LossScaling>(toString(LossScaling::automatic)), LossScaling::automatic);
}


// Stated error: 200 Burgers samples, 25 epochs with the precision schedule
// reach a mean relative L2 below 10 % on 100 test samples.
TEST(Trainer, BurgersReachesStatedError)
{
    const auto trainFile = test::sharedFile("neuraloperator/burgers_train_16.pt");
    const auto testFile = test::sharedFile("neuraloperator/burgers_test_16.pt");
    if (trainFile.empty() || testFile.empty())
    {
        GTEST_SKIP() << "shared data absent: " << test::sharedData();
    }
    torch::manual_seed(0);
    const auto sets = readTensorFileDatasets(TensorFileDatasetOptions()
                                                 .trainFile(trainFile)
                                                 .testFiles({testFile})
                                                 .input("x")
                                                 .output("y")
                                                 .spatialDims(1)
                                                 .nTrain(200)
                                                 .nTest(100));
    Surrogate surrogate(
        FNOOptions(1, 17, {16}).hiddenChannels(32).nLayers(4).stabiliser(Stabiliser::tanh)
    );
    const Trainer trainer(
        TrainerOptions()
            .epochs(25)
            .batchSize(16)
            .learningRate(8e-3)
            .loss(LossKind::h1)
            .precision(TrainingPrecision::schedule),
        torch::kCPU
    );
    const auto summary = trainer.fit(surrogate, sets.train, sets.tests, [](const std::string&) {});
    for (const auto& e : summary.finalErrors)
    {
        if (e.precision == Precision::half)
            continue;
        EXPECT_LT(e.l2, 0.10) << toString(e.precision);
    }
}
