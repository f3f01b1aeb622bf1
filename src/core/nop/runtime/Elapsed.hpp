#pragma once

// Wall-clock seconds for progress lines and reports. Torch-free.

#include <chrono>
#include <cstdio>
#include <string>

namespace nop
{

using Clock = std::chrono::steady_clock;

/// Seconds since `start`.
inline double secondsSince(Clock::time_point start)
{
    return std::chrono::duration<double>(Clock::now() - start).count();
}

/// A rate (e.g. samples/s) with three significant digits, never rounded
/// to 0: "0.842", "15.3", "152".
inline std::string formatRate(double perSecond)
{
    char text[32];
    std::snprintf(text, sizeof text, perSecond >= 100 ? "%.0f" : "%.3g", perSecond);
    return text;
}

} // namespace nop
