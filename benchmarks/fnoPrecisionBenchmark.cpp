// fnoPrecisionBenchmark
//
// Description
//     Runs FNO training steps side by side in one process for each precision
//     mode (full, mixed, half) on the same 2D problem and prints throughput
//     (samples/s) and peak tensor memory per mode, with their ratios to full.
//     Peak memory is the largest live tensor bytes during the timed steps,
//     model, optimiser state and data included (torch.cuda.max_memory_allocated
//     on CUDA; a tracking allocator on CPU).
//
// Usage
//     fnoPrecisionBenchmark [-size 64] [-width 32] [-modes 16] [-layers 4]
//         [-batch 16] [-steps 10] [-warmup 2] [-repeats 3] [-threads 0]
//         [-device cpu] [-precisions full,mixed,half] [-reducedType auto]

#include "PrecisionTable.hpp"

#include "nop/models/FNO.hpp"
#include "nop/precision/ReducedPrecision.hpp"
#include "nop/runtime/Device.hpp"
#include "nop/runtime/PeakMemory.hpp"
#include "nop/training/Losses.hpp"

#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <string>

using namespace nop;

namespace
{

struct Settings
{
    int64_t size = 64, width = 32, modes = 16, layers = 4, batch = 16;
    int64_t steps = 10, warmup = 2, repeats = 3, threads = 0;
    std::string device = "cpu", precisions = "full,mixed,half", reducedType = "auto";
};


Settings parse(int argc, char* argv[])
{
    Settings s;
    std::map<std::string, int64_t*> integers = {
        {"-size", &s.size},     {"-width", &s.width},     {"-modes", &s.modes},
        {"-layers", &s.layers}, {"-batch", &s.batch},     {"-steps", &s.steps},
        {"-warmup", &s.warmup}, {"-repeats", &s.repeats}, {"-threads", &s.threads}};
    std::map<std::string, std::string*> words = {
        {"-device", &s.device}, {"-precisions", &s.precisions}, {"-reducedType", &s.reducedType}};
    for (int i = 1; i < argc; ++i)
    {
        const std::string key = argv[i];
        if (key == "-help" || key == "--help" || i + 1 >= argc)
        {
            std::cout
                << "Usage: fnoPrecisionBenchmark [-size 64] [-width 32] [-modes 16]"
                   " [-layers 4] [-batch 16] [-steps 10] [-warmup 2] [-repeats 3] [-threads 0]"
                   " [-device cpu] [-precisions full,mixed,half] [-reducedType auto]\n";
            std::exit(key == "-help" || key == "--help" ? 0 : 1);
        }
        const std::string value = argv[++i];
        if (integers.count(key))
        {
            *integers[key] = std::stoll(value);
        }
        else if (words.count(key))
        {
            *words[key] = value;
        }
        else
        {
            throw std::invalid_argument("unknown option " + key + " (try -help)");
        }
    }
    return s;
}


struct Measurement
{
    double samplesPerSecond = 0;
    int64_t peakBytes = 0;
    double loss = 0;
};


void synchronise(const torch::Device& device)
{
    if (device.is_cuda())
    {
        torch::cuda::synchronize(device.index() < 0 ? 0 : device.index());
    }
}


Measurement measure(const Settings& s, Precision precision, const torch::Device& device)
{
    torch::manual_seed(0);
    FNO fno(FNOOptions(1, 1, {s.modes, s.modes})
                .hiddenChannels(s.width)
                .nLayers(s.layers)
                .stabiliser(Stabiliser::tanh)
                .reducedType(fromString<ReducedType>(s.reducedType)));
    fno->to(device);
    fno->setPrecision(precision);
    torch::optim::AdamW optimiser(fno->parameters(), torch::optim::AdamWOptions(1e-3));
    const auto x = torch::randn({s.batch, 1, s.size, s.size}, device);
    const auto y = torch::randn({s.batch, 1, s.size, s.size}, device);

    const auto step = [&]
    {
        optimiser.zero_grad();
        auto loss = relativeLoss(LossKind::l2, fno->forward(x), y);
        loss.backward();
        optimiser.step();
        return loss.item<double>();
    };
    for (int64_t i = 0; i < s.warmup; ++i)
    {
        step();
    }

    PeakMemory memory(device);
    synchronise(device);
    const auto start = std::chrono::steady_clock::now();
    Measurement m;
    for (int64_t i = 0; i < s.steps; ++i)
    {
        m.loss = step();
    }
    synchronise(device);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    m.samplesPerSecond = double(s.batch * s.steps) / seconds;
    m.peakBytes = memory.peakBytes();
    return m;
}

} // namespace


int main(int argc, char* argv[])
{
    try
    {
        const Settings s = parse(argc, argv);
        const torch::Device device = deviceFromString(s.device);
        const int64_t threads = setThreads(s.threads);
        // Track CPU memory (opt-in) before any tensor exists; CUDA's
        // allocator counts by itself.
        std::optional<PeakMemory::Tracking> tracking;
        if (!device.is_cuda())
        {
            tracking.emplace();
        }

        const std::vector<Precision> modes = benchmark::precisionList(s.precisions);

        std::printf(
            "FNO training steps, 2D %lldx%lld, width %lld, %lld modes, %lld layers, batch %lld,"
            " %lld steps x %lld repeats (best), device %s, %lld thread(s), reduced type %s\n",
            (long long)s.size, (long long)s.size, (long long)s.width, (long long)s.modes,
            (long long)s.layers, (long long)s.batch, (long long)s.steps, (long long)s.repeats,
            device.str().c_str(), (long long)threads,
            c10::toString(reducedDtype(fromString<ReducedType>(s.reducedType), device))
        );

        // Modes alternate within each repeat, so drift of the machine hits
        // all of them alike; the best repeat of each is reported.
        std::map<Precision, benchmark::PrecisionResult> best;
        for (int64_t r = 0; r < s.repeats; ++r)
        {
            for (Precision p : modes)
            {
                const auto m = measure(s, p, device);
                benchmark::keepBest(best[p], m.samplesPerSecond, m.peakBytes);
            }
        }
        benchmark::printPrecisionTable(modes, best, 1);
        return 0;
    }
    catch (const std::exception& e)
    {
        std::cerr << "fnoPrecisionBenchmark: " << e.what() << std::endl;
        return 1;
    }
}
