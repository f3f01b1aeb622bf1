// Precision modes and the precision schedule.

#include "TestSupport.hpp"

#include "nop/models/FNO.hpp"
#include "nop/precision/LossScaler.hpp"
#include "nop/precision/Precision.hpp"
#include "nop/precision/ReducedPrecision.hpp"
#include "nop/runtime/Device.hpp"

#include <gtest/gtest.h>

using namespace nop;

namespace
{

FNO smallFNO(Stabiliser stabiliser, ReducedType type = ReducedType::automatic)
{
    torch::manual_seed(5);
    FNO fno(FNOOptions(2, 1, {8, 8})
                .hiddenChannels(16)
                .nLayers(4)
                .stabiliser(stabiliser)
                .reducedType(type));
    fno->eval();
    return fno;
}


torch::Tensor run(FNO& fno, Precision precision, const torch::Tensor& x)
{
    torch::NoGradGuard noGrad;
    fno->setPrecision(precision);
    return fno->forward(x);
}

} // namespace


// Stated bound: reduced precision (bfloat16 on CPU, 8-bit mantissa) changes
// the output of a 4-block FNO on O(1) random inputs by less than 1 % (seen:
// 0.07 %; the paper's bound is of the order of the discretisation error),
// with and without the stabiliser.
class ReducedPrecisionFNO : public ::testing::TestWithParam<std::tuple<Precision, Stabiliser>>
{};

TEST_P(ReducedPrecisionFNO, StaysWithinBoundOfFull)
{
    const auto [precision, stabiliser] = GetParam();
    auto fno = smallFNO(stabiliser);
    const auto x = torch::randn({4, 2, 32, 32});
    const auto full = run(fno, Precision::full, x);
    const auto reduced = run(fno, precision, x);

    const double error = test::relativeDifference(reduced, full);
    EXPECT_GT(error, 1e-5) << "the reduced path must be taken";
    EXPECT_LT(error, 1e-2);
    EXPECT_EQ(reduced.scalar_type(), torch::kFloat);
}

INSTANTIATE_TEST_SUITE_P(
    Precisions,
    ReducedPrecisionFNO,
    ::testing::Combine(
        ::testing::ValuesIn(test::reducedPrecisions),
        ::testing::Values(Stabiliser::none, Stabiliser::tanh)
    ),
    [](const auto& info) {
        return toString(std::get<0>(info.param)) + "_stabiliser_"
               + toString(std::get<1>(info.param));
    }
);


TEST(Precision, HalfWithoutStabiliserOverflowsAndTanhPreventsIt)
{
    // float16 (emulated on CPU) overflows above 65504; bfloat16 would not.
    const auto x = torch::randn({2, 2, 16, 16}) * 1e6;

    auto plain = smallFNO(Stabiliser::none, ReducedType::float16);
    EXPECT_FALSE(run(plain, Precision::half, x).isfinite().all().item<bool>());
    EXPECT_TRUE(run(plain, Precision::full, x).isfinite().all().item<bool>());

    auto stabilised = smallFNO(Stabiliser::tanh, ReducedType::float16);
    EXPECT_TRUE(run(stabilised, Precision::half, x).isfinite().all().item<bool>());
}


TEST(Precision, ScheduleSwitchesAtTheRightEpochs)
{
    const PrecisionSchedule schedule(20, {0.25, 0.5, 0.25});
    EXPECT_EQ(schedule.phaseStarts(), (std::vector<int64_t>{0, 5, 15}));
    for (int64_t epoch = 0; epoch < 20; ++epoch)
    {
        const Precision expected = epoch < 5    ? Precision::half
                                   : epoch < 15 ? Precision::mixed
                                                : Precision::full;
        EXPECT_EQ(schedule.at(epoch), expected) << "epoch " << epoch;
    }

    const PrecisionSchedule uneven(10, {0.3, 0.0, 0.7});
    EXPECT_EQ(uneven.at(2), Precision::half);
    EXPECT_EQ(uneven.at(3), Precision::full);

    EXPECT_EQ(PrecisionSchedule(Precision::mixed).at(7), Precision::mixed);
    EXPECT_THROW(PrecisionSchedule(10, {0.5, 0.6, 0.1}), std::invalid_argument);
    EXPECT_THROW(PrecisionSchedule(10, {0.5, 0.5}), std::invalid_argument);
    EXPECT_THROW(PrecisionSchedule(10, {-0.5, 1.0, 0.5}), std::invalid_argument);
}


class PrecisionKeyword : public ::testing::TestWithParam<Precision>
{};

TEST_P(PrecisionKeyword, RoundTrips)
{
    const Precision p = GetParam();
    EXPECT_EQ(fromString<Precision>(toString(p)), p);
}

INSTANTIATE_TEST_SUITE_P(
    Precisions,
    PrecisionKeyword,
    ::testing::ValuesIn(test::allPrecisions),
    test::precisionName
);


TEST(Precision, KeywordsRoundTripAndUnknownWordsAreNamed)
{
    EXPECT_EQ(fromString<ReducedType>("auto"), ReducedType::automatic);
    EXPECT_EQ(fromString<Stabiliser>("tanh"), Stabiliser::tanh);
    try
    {
        fromString<Precision>("quarter");
        FAIL() << "no exception";
    }
    catch (const std::invalid_argument& e)
    {
        EXPECT_NE(std::string(e.what()).find("quarter"), std::string::npos);
        EXPECT_NE(std::string(e.what()).find("mixed"), std::string::npos);
    }
}


TEST(Precision, LossScalerBacksOffOnOverflowAndGrows)
{
    LossScaler scaler(true, 1024, 2);
    auto p = torch::ones({3}, torch::requires_grad());
    p.mutable_grad() = torch::tensor({1.0f, INFINITY, 2.0f});
    EXPECT_FALSE(scaler.unscaleAndCheck({p}));
    EXPECT_EQ(scaler.currentScale(), 512);

    p.mutable_grad() = torch::tensor({512.0f, 1024.0f, 0.0f});
    EXPECT_TRUE(scaler.unscaleAndCheck({p}));
    EXPECT_TRUE(torch::allclose(p.grad(), torch::tensor({1.0f, 2.0f, 0.0f})));
    p.mutable_grad() = torch::ones({3});
    EXPECT_TRUE(scaler.unscaleAndCheck({p}));
    EXPECT_EQ(scaler.currentScale(), 1024); // grew after two good steps
    scaler.backOff();                       // a non-finite loss
    EXPECT_EQ(scaler.currentScale(), 512);

    LossScaler off(false);
    EXPECT_EQ(off.currentScale(), 1);
    p.mutable_grad() = torch::tensor({NAN, 0.0f, 0.0f});
    EXPECT_FALSE(off.unscaleAndCheck({p}));
}


TEST(Precision, WarnsOfEmulatedBFloat16ForReducedModesOnly)
{
    const torch::Device cpu(torch::kCPU);
    EXPECT_TRUE(reducedPrecisionWarning(cpu, "full").empty());
    for (const char* mode : {"mixed", "half", "schedule"})
    {
        const auto warning = reducedPrecisionWarning(cpu, mode);
        EXPECT_EQ(warning.empty(), nativeReducedArithmetic(cpu)) << mode;
        if (!warning.empty())
        {
            EXPECT_HAS(warning, std::string("precision ") + mode);
        }
    }
}


TEST(Precision, AutocastTypeFollowsTheActiveScope)
{
    const torch::Device cpu(torch::kCPU);
    EXPECT_EQ(autocastType(torch::kFloat, cpu), torch::kFloat);
    {
        AutocastScope autocast(true, cpu, torch::kBFloat16);
        EXPECT_EQ(autocastType(torch::kFloat, cpu), torch::kBFloat16);
        EXPECT_EQ(autocastType(torch::kDouble, cpu), torch::kDouble);
        FullPrecisionScope full;
        EXPECT_EQ(autocastType(torch::kFloat, cpu), torch::kFloat);
    }
    EXPECT_EQ(autocastType(torch::kFloat, cpu), torch::kFloat);
}
