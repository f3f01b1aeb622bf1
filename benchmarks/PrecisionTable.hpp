#pragma once

// What the precision benchmarks share: the list of modes from the command
// line and the table of throughput and peak memory with ratios to full.

#include "nop/precision/Precision.hpp"
#include "nop/runtime/PeakMemory.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace nop::benchmark
{

/// The best of the repeats of one mode.
struct PrecisionResult
{
    double samplesPerSecond = 0;
    int64_t peakBytes = 0;
};

/// "full,mixed,half" -> the modes.
inline std::vector<Precision> precisionList(const std::string& words)
{
    std::vector<Precision> modes;
    std::stringstream list(words);
    for (std::string word; std::getline(list, word, ',');)
    {
        modes.push_back(fromString<Precision>(word));
    }
    return modes;
}

/// Keep the best throughput and the largest peak over repeats.
inline void keepBest(PrecisionResult& best, double samplesPerSecond, int64_t peakBytes)
{
    best.samplesPerSecond = std::max(best.samplesPerSecond, samplesPerSecond);
    best.peakBytes = std::max(best.peakBytes, peakBytes);
}

/// The table: samples/s (with `decimals` digits) and peak per mode, with
/// their ratios to full (to the first mode without full).
inline void printPrecisionTable(
    const std::vector<Precision>& modes,
    const std::map<Precision, PrecisionResult>& best,
    int decimals
)
{
    const auto& full = best.count(Precision::full) ? best.at(Precision::full) : best.at(modes[0]);
    std::printf(
        "\n%-8s %12s %14s %12s %12s\n", "mode", "samples/s", "peak memory", "speed/full",
        "memory/full"
    );
    for (Precision p : modes)
    {
        const auto& m = best.at(p);
        std::printf(
            "%-8s %12.*f %14s %11.2fx %12.2f\n", toString(p).c_str(), decimals, m.samplesPerSecond,
            formatBytes(m.peakBytes).c_str(), m.samplesPerSecond / full.samplesPerSecond,
            double(m.peakBytes) / double(full.peakBytes)
        );
    }
}

} // namespace nop::benchmark
