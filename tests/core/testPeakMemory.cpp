// Peak-memory tracking: opt-in (a training not asked for it counts
// nothing), exact for tensors made while asked, and what it shows of the
// precisions: `mixed` lowers the peak of a training step against `full`.

#include "TestSupport.hpp"

#include "nop/models/FNO.hpp"
#include "nop/runtime/PeakMemory.hpp"
#include "nop/training/Trainer.hpp"

#include <c10/core/CPUAllocator.h>
#include <gtest/gtest.h>

#include <iostream>

using namespace nop;

namespace
{

constexpr int64_t MiB = int64_t(1) << 20;

Dataset smallDataset(int64_t samples)
{
    const auto t = torch::arange(32, torch::kFloat) / 32.0 * 2 * M_PI;
    const auto a = torch::randn({samples, 1, 1});
    Dataset data;
    data.name = "synthetic";
    data.x = a * torch::sin(t);
    data.y = a * torch::cos(t);
    return data;
}

} // namespace


TEST(PeakMemory, CountsTheTensorsMadeWhileTrackingOnly)
{
    ASSERT_EQ(std::getenv("NOP_TRACK_MEMORY"), nullptr) << "this test needs tracking off";
    // Not asked: nothing measured
    {
        const PeakMemory memory(torch::kCPU);
        EXPECT_FALSE(PeakMemory::tracking());
        EXPECT_FALSE(memory.measuring());
        const auto t = torch::empty({4 * MiB}, torch::kByte);
        EXPECT_EQ(memory.peakBytes(), -1);
        EXPECT_EQ(memory.currentBytes(), -1);
    }

    // A tensor made before tracking is not counted, neither made nor freed
    auto before = torch::empty({16 * MiB}, torch::kByte);
    {
        const PeakMemory::Tracking tracking;
        EXPECT_TRUE(PeakMemory::tracking());
        PeakMemory memory(torch::kCPU);
        ASSERT_TRUE(memory.measuring());
        const int64_t start = memory.currentBytes();
        EXPECT_LT(start, 16 * MiB);
        {
            const auto a = torch::empty({8 * MiB}, torch::kByte);
            const auto b = torch::empty({2 * MiB}, torch::kByte);
            EXPECT_EQ(memory.currentBytes(), start + 10 * MiB);
        }
        EXPECT_EQ(memory.currentBytes(), start);
        EXPECT_EQ(memory.peakBytes(), start + 10 * MiB);
        before = torch::Tensor();
        EXPECT_EQ(memory.currentBytes(), start);

        memory.reset();
        EXPECT_EQ(memory.peakBytes(), start);
        {
            const PeakMemory::Tracking nested;
            const auto c = torch::empty({3 * MiB}, torch::kByte);
            EXPECT_EQ(memory.peakBytes(), start + 3 * MiB);
        }
        EXPECT_TRUE(PeakMemory::tracking()); // the outer one still lives
    }
    EXPECT_FALSE(PeakMemory::tracking());
    EXPECT_EQ(PeakMemory(torch::kCPU).peakBytes(), -1);
    EXPECT_EQ(formatBytes(-1), "n/a");
    EXPECT_EQ(formatBytes(3 * MiB / 2), "1.5 MiB");
}


// A training not asked for memory neither installs the tracking allocator
// (which locks on every allocation) nor reports a peak; asked, it does.
TEST(PeakMemory, TrainingTracksOnlyWhenAsked)
{
    ASSERT_EQ(std::getenv("NOP_TRACK_MEMORY"), nullptr) << "this test needs tracking off";
    torch::manual_seed(21);
    const auto train = smallDataset(16);
    const Trainer trainer(
        TrainerOptions()
            .epochs(1)
            .batchSize(8)
            .precision(TrainingPrecision::mixed)
            .loss(LossKind::l2),
        torch::kCPU
    );
    const auto fit = [&](std::string& log)
    {
        Surrogate surrogate(FNOOptions(1, 1, {8}).hiddenChannels(8).nLayers(1));
        return trainer.fit(surrogate, train, {}, [&](const std::string& l) { log += l + "\n"; });
    };

    const c10::Allocator* const allocator = c10::GetCPUAllocator();
    std::string log;
    const auto unasked = fit(log);
    EXPECT_EQ(unasked.peakBytes, -1);
    EXPECT_EQ(log.find("peak"), std::string::npos) << log;
    EXPECT_EQ(c10::GetCPUAllocator(), allocator) << "the tracking allocator was installed";

    log.clear();
    const PeakMemory::Tracking tracking;
    const auto asked = fit(log);
    EXPECT_GT(asked.peakBytes, 0);
    EXPECT_NE(log.find("peak"), std::string::npos) << log;
}


// Mixed precision keeps the activations saved for backward in bfloat16:
// the peak of one forward and backward pass of an FNO, above what was live
// before it (model, gradients, input), falls well below full's. Seen on
// CPU: ratio 0.5x (the benchmark's whole training step: 0.59).
TEST(PeakMemory, MixedLowersThePeakOfATrainingStep)
{
    torch::manual_seed(22);
    const PeakMemory::Tracking tracking;
    FNO fno(FNOOptions(1, 1, {8, 8}).hiddenChannels(32).nLayers(4));
    const auto x = torch::randn({8, 1, 32, 32});
    const auto y = torch::randn({8, 1, 32, 32});
    const auto step = [&]
    {
        fno->zero_grad();
        (fno->forward(x) - y).square().mean().backward();
    };
    step(); // gradients allocated before measuring

    PeakMemory memory(torch::kCPU);
    const auto measure = [&](Precision precision)
    {
        fno->setPrecision(precision);
        memory.reset();
        const int64_t before = memory.currentBytes();
        step();
        return memory.peakBytes() - before;
    };
    const int64_t full = measure(Precision::full);
    const int64_t mixed = measure(Precision::mixed);
    const int64_t fullAgain = measure(Precision::full);
    const double ratio = double(mixed) / double(full);
    std::cout << "peak of a forward and backward pass: full " << formatBytes(full) << " (again "
              << formatBytes(fullAgain) << "), mixed " << formatBytes(mixed) << ", mixed/full "
              << ratio << std::endl;
    EXPECT_EQ(full, fullAgain) << "the measurement repeats";
    EXPECT_GT(full, 10 * MiB);
    EXPECT_LT(ratio, 0.8);
}
