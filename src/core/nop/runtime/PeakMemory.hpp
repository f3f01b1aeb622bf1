#pragma once

// Peak memory of live tensors: torch.cuda.max_memory_allocated on CUDA, a
// tracking CPU allocator on CPU (bytes of live tensor storage; scratch
// buffers that libraries allocate themselves are not counted).
//
// CPU tracking is opt-in: the tracking allocator takes a lock on every
// allocation and release, which no training should pay unless asked. It
// counts while a PeakMemory::Tracking object lives (the benchmark and the
// tests make one), or in the whole process with NOP_TRACK_MEMORY=1 in the
// environment; otherwise a CPU PeakMemory measures nothing (-1).

#include <torch/torch.h>

#include <cstdint>

namespace nop
{

class PeakMemory
{
public:
    /// CPU tracking for the lifetime of this object (nestable): the first
    /// one installs the tracking allocator. Tensors allocated while no
    /// Tracking lives are not counted, neither when made nor when freed.
    class Tracking
    {
    public:
        Tracking();
        ~Tracking();
        Tracking(const Tracking&) = delete;
        Tracking& operator=(const Tracking&) = delete;
    };

    /// Whether CPU allocations are being counted now.
    static bool tracking();

    /// Measure on `device`: the peak starts at the current usage.
    explicit PeakMemory(const torch::Device& device);

    /// Whether this measures: on CUDA always (in a CUDA build), on CPU
    /// while tracking().
    bool measuring() const;

    /// Forget the peak; the new peak starts at the current usage.
    void reset();

    /// Largest live tensor bytes since construction or the last reset();
    /// -1 when not measuring().
    int64_t peakBytes() const;

    /// Live tensor bytes now (on CPU: of the tensors allocated while
    /// tracking); -1 when not measuring().
    int64_t currentBytes() const;

private:
    torch::Device device_;
};

/// Bytes as a short human-readable string (e.g. "12.3 MiB").
std::string formatBytes(int64_t bytes);

} // namespace nop
