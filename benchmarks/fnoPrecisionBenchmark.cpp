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
//         [-workload ours|neuraloperator] [-transforms auto] [-profile <prefix>]
//
//     -transforms fft,dft runs every mode with each of SpectralConv's
//     transforms (FFTs, the truncated DFT's GEMMs; auto: what training
//     uses) in the same repeats, a table per transform and their ratio.
//
//     -profile writes one timed training step per mode, after the others,
//     as LibTorch's profiler records it: <prefix>.<mode>.json (Chrome trace
//     format: chrome://tracing, or benchmarks/profileSummary to sum the
//     time per operator).
//
//     -workload neuraloperator runs the workload of neuraloperator 1.0.x's
//     FNO as its examples build it, so that its numbers can be set beside
//     ours by anyone who has it installed:
//         FNO(n_modes=(16, 16), hidden_channels=32, in_channels=1,
//             out_channels=1, n_layers=4)        # 1,192,801 parameters
//         AdamW(lr=1e-3), LpLoss(d=2, p=2) (relative L2), batch 16, random
//         data of shape (16, 1, 64, 64)
//     that is our FNO with stabiliser none (neuraloperator has none by
//     default; ours is tanh, which half precision needs) and everything
//     else as our defaults: positional embedding (2 channels), lifting and
//     projection MLPs of twice the width, a channel MLP of half the width
//     with soft-gating skips and linear Fourier skips in every block, GELU
//     between the blocks and none after the last (neuraloperator 1.0.x
//     applies none either). The parameter count is printed: it must read
//     1,192,801. neuraloperator's "mixed" and "half" FNO blocks do not run on
//     CPU; compare its float32 with our full and its bfloat16 autocast with
//     our mixed.

#include "PrecisionTable.hpp"

#include "nop/layers/SpectralConv.hpp"
#include "nop/models/FNO.hpp"
#include "nop/precision/ReducedPrecision.hpp"
#include "nop/runtime/Device.hpp"
#include "nop/runtime/PeakMemory.hpp"
#include "nop/runtime/ThreadPolicy.hpp"
#include "nop/training/Losses.hpp"

#include <torch/csrc/autograd/profiler_legacy.h>

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
    std::string workload = "ours";
    std::string transforms = "auto";
    std::string profile;
};


Settings parse(int argc, char* argv[])
{
    Settings s;
    std::map<std::string, int64_t*> integers = {
        {"-size", &s.size},     {"-width", &s.width},     {"-modes", &s.modes},
        {"-layers", &s.layers}, {"-batch", &s.batch},     {"-steps", &s.steps},
        {"-warmup", &s.warmup}, {"-repeats", &s.repeats}, {"-threads", &s.threads}};
    std::map<std::string, std::string*> words = {
        {"-device", &s.device},           {"-precisions", &s.precisions},
        {"-reducedType", &s.reducedType}, {"-workload", &s.workload},
        {"-transforms", &s.transforms},   {"-profile", &s.profile}};
    for (int i = 1; i < argc; ++i)
    {
        const std::string key = argv[i];
        if (key == "-help" || key == "--help" || i + 1 >= argc)
        {
            std::cout
                << "Usage: fnoPrecisionBenchmark [-size 64] [-width 32] [-modes 16]"
                   " [-layers 4] [-batch 16] [-steps 10] [-warmup 2] [-repeats 3] [-threads 0]"
                   " [-device cpu] [-precisions full,mixed,half] [-reducedType auto]"
                   " [-workload ours|neuraloperator] [-transforms auto] [-profile <prefix>]\n";
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
    if (s.workload != "ours" && s.workload != "neuraloperator")
    {
        throw std::invalid_argument("-workload: ours or neuraloperator, not " + s.workload);
    }
    return s;
}


/// The FNO of the settings (see -workload in the Usage).
FNO makeFNO(const Settings& s)
{
    return FNO(FNOOptions(1, 1, {s.modes, s.modes})
                   .hiddenChannels(s.width)
                   .nLayers(s.layers)
                   .stabiliser(s.workload == "neuraloperator" ? Stabiliser::none : Stabiliser::tanh)
                   .reducedType(fromString<ReducedType>(s.reducedType)));
}


int64_t parameterCount(FNO& fno)
{
    int64_t count = 0;
    for (const auto& p : fno->parameters())
    {
        count += p.numel();
    }
    return count;
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


/// "fft,dft" -> the transforms.
std::vector<SpectralTransform> transformList(const std::string& words)
{
    std::vector<SpectralTransform> transforms;
    std::stringstream list(words);
    for (std::string word; std::getline(list, word, ',');)
    {
        transforms.push_back(fromString<SpectralTransform>(word));
    }
    return transforms;
}


Measurement measure(
    const Settings& s,
    Precision precision,
    SpectralTransform transform,
    const torch::Device& device,
    bool profile = false
)
{
    torch::manual_seed(0);
    FNO fno = makeFNO(s);
    fno->to(device);
    fno->setPrecision(precision);
    setSpectralTransform(*fno, transform);
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
    if (profile)
    {
        const std::string file =
            s.profile + "." + toString(precision)
            + (transform == SpectralTransform::automatic ? std::string() : "." + toString(transform)
            )
            + ".json";
        {
            torch::autograd::profiler::RecordProfile record(file);
            step();
        }
        std::printf("Profile of one %s step: %s\n", toString(precision).c_str(), file.c_str());
    }
    return m;
}

} // namespace


int main(int argc, char* argv[])
{
    nop::passiveOpenMPThreads(argv);
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
        const std::vector<SpectralTransform> transforms = transformList(s.transforms);

        FNO counted = makeFNO(s);
        std::printf(
            "FNO training steps (%s workload, %lld parameters), 2D %lldx%lld, width %lld, %lld"
            " modes, %lld layers, batch %lld, %lld steps x %lld repeats (best), device %s, %lld"
            " thread(s), reduced type %s\n",
            s.workload.c_str(), (long long)parameterCount(counted), (long long)s.size,
            (long long)s.size, (long long)s.width, (long long)s.modes, (long long)s.layers,
            (long long)s.batch, (long long)s.steps, (long long)s.repeats, device.str().c_str(),
            (long long)threads,
            c10::toString(reducedDtype(fromString<ReducedType>(s.reducedType), device))
        );

        // Modes alternate within each repeat, so drift of the machine hits
        // all of them alike; the best repeat of each is reported.
        std::map<SpectralTransform, std::map<Precision, benchmark::PrecisionResult>> best;
        for (int64_t r = 0; r < s.repeats; ++r)
        {
            for (SpectralTransform t : transforms)
            {
                for (Precision p : modes)
                {
                    const bool profile = !s.profile.empty() && r + 1 == s.repeats;
                    const auto m = measure(s, p, t, device, profile);
                    benchmark::keepBest(best[t][p], m.samplesPerSecond, m.peakBytes);
                }
            }
        }
        for (SpectralTransform t : transforms)
        {
            if (transforms.size() > 1)
            {
                std::printf("\ntransform %s", toString(t).c_str());
            }
            benchmark::printPrecisionTable(modes, best[t], 1);
        }
        if (transforms.size() > 1)
        {
            const auto first = transforms.front();
            std::printf("\nspeed and peak memory against transform %s:\n", toString(first).c_str());
            for (SpectralTransform t : transforms)
            {
                for (Precision p : modes)
                {
                    std::printf(
                        "  %-4s %-6s %5.2fx %6.2f\n", toString(t).c_str(), toString(p).c_str(),
                        best[t][p].samplesPerSecond / best[first][p].samplesPerSecond,
                        double(best[t][p].peakBytes) / double(best[first][p].peakBytes)
                    );
                }
            }
        }
        return 0;
    }
    catch (const std::exception& e)
    {
        std::cerr << "fnoPrecisionBenchmark: " << e.what() << std::endl;
        return 1;
    }
}
