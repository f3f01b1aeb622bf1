#pragma once

// Peak memory of live tensors: torch.cuda.max_memory_allocated on CUDA, a
// tracking CPU allocator on CPU (bytes of live tensor storage; scratch
// buffers that libraries allocate themselves are not counted).

#include <torch/torch.h>

#include <cstdint>

namespace nop
{

class PeakMemory
{
public:
    /// Start tracking on `device` (on CPU: install the tracking allocator
    /// once per process; tensors allocated before are not counted).
    explicit PeakMemory(const torch::Device& device);

    /// Forget the peak; the new peak starts at the current usage.
    void reset();

    /// Largest live tensor bytes since construction or the last reset().
    int64_t peakBytes() const;

    /// Live tensor bytes now.
    int64_t currentBytes() const;

private:
    torch::Device device_;
};

/// Bytes as a short human-readable string (e.g. "12.3 MiB").
std::string formatBytes(int64_t bytes);

} // namespace nop
