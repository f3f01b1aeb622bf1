// ginoPrecisionBenchmark
//
// Description
//     Runs GINO training steps side by side in one process for each precision
//     mode (full, mixed, half) on the same car-like geometry and prints
//     throughput (samples/s) and peak tensor memory per mode, with their
//     ratios to full. The geometry: `points` points on an ellipsoid of half
//     axes (0.45, 0.2, 0.15) centred in the unit box (ShapeNet car: 3586
//     vertices), queried at its own points, with its signed distance as the
//     latent feature; neighbour lists found once, as a dataset would.
//     Peak memory is the largest live tensor bytes during the timed steps,
//     model, optimiser state and data included. A second table splits it:
//     what lives between steps (parameters, gradients, AdamW moments, the
//     batch: the same in every mode) and what a step adds on top
//     (activations kept for backward, temporaries), the part that
//     precision changes.
//
// Usage
//     ginoPrecisionBenchmark [-points 3586] [-resolution 16] [-modes 8]
//         [-width 64] [-layers 4] [-radius 0.033] [-frequencies 16]
//         [-chunk 0] [-batch 1] [-steps 5] [-warmup 1] [-repeats 3]
//         [-threads 0] [-precisions full,mixed,half] [-transform auto]
//
//     -transform fft|dft: the transforms of the latent FNO's SpectralConv
//     (auto: what training uses, the truncated DFT on CPU).
//
//     neuraloperator's ShapeNet-car set-up: -resolution 32 -modes 16

#include "PrecisionTable.hpp"

#include "nop/geometry/NeighbourSearch.hpp"
#include "nop/layers/SpectralConv.hpp"
#include "nop/models/GINO.hpp"
#include "nop/runtime/Device.hpp"
#include "nop/runtime/PeakMemory.hpp"

#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <sstream>
#include <string>

using namespace nop;

namespace
{

struct Settings
{
    int64_t points = 3586, resolution = 16, modes = 8, width = 64, layers = 4, frequencies = 16;
    int64_t chunk = 0, batch = 1, steps = 5, warmup = 1, repeats = 3, threads = 0;
    double radius = 0.033;
    std::string precisions = "full,mixed,half";
    std::string transform = "auto";
};


Settings parse(int argc, char* argv[])
{
    Settings s;
    std::map<std::string, int64_t*> integers = {
        {"-points", &s.points}, {"-resolution", &s.resolution}, {"-modes", &s.modes},
        {"-width", &s.width},   {"-layers", &s.layers},         {"-frequencies", &s.frequencies},
        {"-chunk", &s.chunk},   {"-batch", &s.batch},           {"-steps", &s.steps},
        {"-warmup", &s.warmup}, {"-repeats", &s.repeats},       {"-threads", &s.threads}};
    for (int i = 1; i < argc; ++i)
    {
        const std::string key = argv[i];
        if (key == "-help" || key == "--help" || i + 1 >= argc)
        {
            std::cout << "Usage: ginoPrecisionBenchmark [-points 3586] [-resolution 16] [-modes 8]"
                         " [-width 64] [-layers 4] [-radius 0.033] [-frequencies 16] [-chunk 0]"
                         " [-batch 1] [-steps 5] [-warmup 1] [-repeats 3] [-threads 0]"
                         " [-precisions full,mixed,half] [-transform auto]\n";
            std::exit(key == "-help" || key == "--help" ? 0 : 1);
        }
        const std::string value = argv[++i];
        if (integers.count(key))
        {
            *integers[key] = std::stoll(value);
        }
        else if (key == "-radius")
        {
            s.radius = std::stod(value);
        }
        else if (key == "-precisions")
        {
            s.precisions = value;
        }
        else if (key == "-transform")
        {
            s.transform = value;
            fromString<SpectralTransform>(value); // a typo fails here, not later
        }
        else
        {
            throw std::invalid_argument("unknown option " + key + " (try -help)");
        }
    }
    return s;
}


const double halfAxes[3] = {0.45, 0.2, 0.15};

/// Points spread over the ellipsoid (a Fibonacci sphere, stretched).
torch::Tensor ellipsoidPoints(int64_t n)
{
    const auto i = torch::arange(n, torch::kDouble) + 0.5;
    const auto z = 1 - 2 * i / double(n);
    const auto r = torch::sqrt(1 - z * z);
    const auto phi = i * M_PI * (3 - std::sqrt(5.0));
    return torch::stack(
               {0.5 + halfAxes[0] * r * torch::cos(phi), 0.5 + halfAxes[1] * r * torch::sin(phi),
                0.5 + halfAxes[2] * z},
               1
    )
        .to(torch::kFloat);
}


/// An approximate signed distance to the ellipsoid (scaled radial level set).
torch::Tensor ellipsoidDistance(const torch::Tensor& p)
{
    const auto q = p - 0.5;
    const auto level = torch::sqrt(
        (q.select(1, 0) / halfAxes[0]).square() + (q.select(1, 1) / halfAxes[1]).square()
        + (q.select(1, 2) / halfAxes[2]).square()
    );
    return (level - 1) * halfAxes[2];
}


struct Measurement
{
    double samplesPerSecond = 0;
    int64_t peakBytes = 0;
    int64_t betweenStepsBytes = 0; ///< live before a step: model, optimiser, data
    int64_t parameterBytes = 0;
    int64_t pairsIn = 0, pairsOut = 0;
};


Measurement measure(const Settings& s, Precision precision)
{
    torch::manual_seed(0);
    const std::vector<int64_t> resolution(3, s.resolution);
    GINO gino(GINOOptions()
                  .latentResolution(resolution)
                  .modes(std::vector<int64_t>(3, s.modes))
                  .hiddenChannels(s.width)
                  .nLayers(s.layers)
                  .inRadius(s.radius)
                  .outRadius(s.radius)
                  .embeddingFrequencies(s.frequencies)
                  .chunkSize(s.chunk)
                  .latentChannels(1)
                  .outChannels(1));
    gino->setPrecision(precision);
    setSpectralTransform(*gino, fromString<SpectralTransform>(s.transform));
    torch::optim::AdamW optimiser(gino->parameters(), torch::optim::AdamWOptions(1e-3));

    const auto latent = gino->latentPoints();
    GeometrySample car;
    car.name = "ellipsoid";
    car.points = ellipsoidPoints(s.points);
    car.queries = car.points;
    car.targets = torch::randn({s.points, 1});
    car.latentFeatures =
        ellipsoidDistance(latent).reshape({1, s.resolution, s.resolution, s.resolution});
    car.toLatent = radiusSearch(car.points, latent, s.radius);
    car.fromLatent = radiusSearch(latent, car.queries, s.radius);
    const std::vector<const GeometrySample*> samples(size_t(s.batch), &car);
    const auto batch = packGeometries(samples, latent.size(0));

    const auto step = [&]
    {
        optimiser.zero_grad();
        const auto prediction = gino->forward(batch);
        const auto loss = (prediction - batch.targets).norm() / batch.targets.norm();
        loss.backward();
        optimiser.step();
    };
    for (int64_t i = 0; i < s.warmup; ++i)
    {
        step();
    }

    PeakMemory memory(torch::kCPU);
    const int64_t betweenSteps = memory.currentBytes();
    const auto start = std::chrono::steady_clock::now();
    for (int64_t i = 0; i < s.steps; ++i)
    {
        step();
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    Measurement m;
    m.samplesPerSecond = double(s.batch * s.steps) / seconds;
    m.peakBytes = memory.peakBytes();
    m.betweenStepsBytes = betweenSteps;
    for (const auto& parameter : gino->parameters())
    {
        m.parameterBytes += parameter.numel() * int64_t(parameter.element_size());
    }
    m.pairsIn = car.toLatent.pairs();
    m.pairsOut = car.fromLatent.pairs();
    return m;
}

} // namespace


int main(int argc, char* argv[])
{
    try
    {
        const Settings s = parse(argc, argv);
        const int64_t threads = setThreads(s.threads);
        PeakMemory::Tracking tracking;

        const std::vector<Precision> modes = benchmark::precisionList(s.precisions);

        // Modes alternate within each repeat, so drift of the machine hits
        // all of them alike; the best repeat of each is reported.
        std::map<Precision, benchmark::PrecisionResult> best;
        std::map<Precision, Measurement> split;
        Measurement last;
        for (int64_t r = 0; r < s.repeats; ++r)
        {
            for (Precision p : modes)
            {
                last = measure(s, p);
                benchmark::keepBest(best[p], last.samplesPerSecond, last.peakBytes);
                split[p] = last;
            }
        }

        std::printf(
            "GINO training steps, %lld surface points, latent %lld^3, %lld modes, width %lld,"
            " %lld layers, radius %g (%lld + %lld neighbour pairs), %lld frequencies, chunk %lld,"
            " batch %lld, %lld steps x %lld repeats (best), cpu, %lld thread(s), transform %s\n",
            (long long)s.points, (long long)s.resolution, (long long)s.modes, (long long)s.width,
            (long long)s.layers, s.radius, (long long)last.pairsIn, (long long)last.pairsOut,
            (long long)s.frequencies, (long long)s.chunk, (long long)s.batch, (long long)s.steps,
            (long long)s.repeats, (long long)threads, s.transform.c_str()
        );
        benchmark::printPrecisionTable(modes, best, 2);

        const Precision reference = split.count(Precision::full) ? Precision::full : modes[0];
        const auto stepBytes = [](const Measurement& m)
        { return m.peakBytes - m.betweenStepsBytes; };
        std::printf(
            "\nWhere the peak goes (last repeat; parameters %s, between steps also their"
            " gradients, AdamW moments and the batch):\n%-8s %14s %14s %12s\n",
            formatBytes(split.at(reference).parameterBytes).c_str(), "mode", "between steps",
            "step adds", "adds/full"
        );
        for (Precision p : modes)
        {
            const auto& m = split.at(p);
            std::printf(
                "%-8s %14s %14s %12.2f\n", toString(p).c_str(),
                formatBytes(m.betweenStepsBytes).c_str(), formatBytes(stepBytes(m)).c_str(),
                double(stepBytes(m)) / double(stepBytes(split.at(reference)))
            );
        }
        return 0;
    }
    catch (const std::exception& e)
    {
        std::cerr << "ginoPrecisionBenchmark: " << e.what() << std::endl;
        return 1;
    }
}
