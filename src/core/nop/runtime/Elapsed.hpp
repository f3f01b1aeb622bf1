#pragma once

// Wall-clock seconds for progress lines and reports. Torch-free.

#include <chrono>

namespace nop
{

using Clock = std::chrono::steady_clock;

/// Seconds since `start`.
inline double secondsSince(Clock::time_point start)
{
    return std::chrono::duration<double>(Clock::now() - start).count();
}

} // namespace nop
