#include "nop/runtime/PeakMemory.hpp"

#include <c10/core/CPUAllocator.h>

#ifdef NOP_TORCH_HAS_CUDA
#include <c10/cuda/CUDACachingAllocator.h>
#endif

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <unordered_map>

namespace nop
{

namespace
{

/// Wraps LibTorch's CPU allocator and counts the bytes it hands out while
/// active. The context of each counted DataPtr is its data pointer
/// (raw_allocate needs that); the wrapped allocation is kept in a table
/// until released. While inactive, allocations are the base allocator's
/// own (its deleter; no lock, no table).
class TrackingCPUAllocator final : public c10::Allocator
{
public:
    explicit TrackingCPUAllocator(c10::Allocator* base) :
        base_(base)
    {}

    c10::DataPtr allocate(size_t bytes) const override
    {
        if (active_.load(std::memory_order_relaxed) == 0)
        {
            return base_->allocate(bytes);
        }
        c10::DataPtr inner = base_->allocate(bytes);
        void* data = inner.get();
        if (data == nullptr)
        {
            return inner;
        }
        {
            std::lock_guard<std::mutex> lock(mutex_);
            live_.emplace(data, Allocation{std::move(inner), int64_t(bytes)});
        }
        add(int64_t(bytes));
        return {data, data, &release, c10::Device(c10::DeviceType::CPU)};
    }

    c10::DeleterFnPtr raw_deleter() const override { return &release; }

    int64_t current() const { return current_.load(); }
    int64_t peak() const { return peak_.load(); }
    void resetPeak() { peak_.store(current_.load()); }

    void activate() { active_.fetch_add(1); }
    void deactivate() { active_.fetch_sub(1); }
    bool active() const { return active_.load() > 0; }

    static TrackingCPUAllocator* instance;

private:
    struct Allocation
    {
        c10::DataPtr inner;
        int64_t bytes;
    };

    static void release(void* data)
    {
        Allocation allocation;
        {
            std::lock_guard<std::mutex> lock(instance->mutex_);
            auto found = instance->live_.find(data);
            if (found == instance->live_.end())
            {
                // Allocated by the base allocator before the tracker was
                // installed, freed through the current raw_deleter.
                instance->base_->raw_deleter()(data);
                return;
            }
            allocation = std::move(found->second);
            instance->live_.erase(found);
        }
        instance->add(-allocation.bytes);
        // allocation.inner frees the memory as it goes out of scope.
    }

    void add(int64_t bytes) const
    {
        const int64_t now = current_.fetch_add(bytes) + bytes;
        int64_t peak = peak_.load();
        while (now > peak && !peak_.compare_exchange_weak(peak, now))
        {}
    }

    c10::Allocator* base_;
    mutable std::mutex mutex_;
    mutable std::unordered_map<void*, Allocation> live_;
    mutable std::atomic<int64_t> current_{0};
    mutable std::atomic<int64_t> peak_{0};
    std::atomic<int> active_{0};
};

TrackingCPUAllocator* TrackingCPUAllocator::instance = nullptr;

/// The installed tracker, null until the first Tracking.
std::atomic<TrackingCPUAllocator*> installed{nullptr};


/// Install the tracker (once per process) and return it.
TrackingCPUAllocator& cpuTracker()
{
    // Leaked on purpose: tensors may be freed after static destruction.
    static TrackingCPUAllocator* tracker = []
    {
        TrackingCPUAllocator::instance = new TrackingCPUAllocator(c10::GetCPUAllocator());
        c10::SetCPUAllocator(TrackingCPUAllocator::instance, /*priority*/ 100);
        installed.store(TrackingCPUAllocator::instance);
        return TrackingCPUAllocator::instance;
    }();
    return *tracker;
}


/// NOP_TRACK_MEMORY=1: tracking for the whole process, from the first
/// PeakMemory on.
void trackingFromEnvironment()
{
    static const bool asked = []
    {
        const char* value = std::getenv("NOP_TRACK_MEMORY");
        return value && std::strcmp(value, "1") == 0;
    }();
    if (asked)
    {
        // Leaked on purpose, as the tracker.
        static const PeakMemory::Tracking* const always = new PeakMemory::Tracking;
        (void)always;
    }
}


/// "cuda" means the first GPU.
[[maybe_unused]] int cudaIndex(const torch::Device& device)
{
    return device.index() < 0 ? 0 : device.index();
}

} // namespace


PeakMemory::Tracking::Tracking()
{
    cpuTracker().activate();
}


PeakMemory::Tracking::~Tracking()
{
    cpuTracker().deactivate();
}


bool PeakMemory::tracking()
{
    const auto* tracker = installed.load();
    return tracker && tracker->active();
}


PeakMemory::PeakMemory(const torch::Device& device) :
    device_(device)
{
    trackingFromEnvironment();
    reset();
}


bool PeakMemory::measuring() const
{
    if (device_.is_cuda())
    {
#ifdef NOP_TORCH_HAS_CUDA
        return true;
#else
        return false;
#endif
    }
    return tracking();
}


void PeakMemory::reset()
{
    if (device_.is_cuda())
    {
#ifdef NOP_TORCH_HAS_CUDA
        c10::cuda::CUDACachingAllocator::resetPeakStats(cudaIndex(device_));
#endif
        return;
    }
    if (tracking())
    {
        cpuTracker().resetPeak();
    }
}


int64_t PeakMemory::peakBytes() const
{
    if (device_.is_cuda())
    {
#ifdef NOP_TORCH_HAS_CUDA
        const auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(cudaIndex(device_));
        return stats.allocated_bytes[0].peak;
#else
        return -1;
#endif
    }
    return tracking() ? cpuTracker().peak() : -1;
}


int64_t PeakMemory::currentBytes() const
{
    if (device_.is_cuda())
    {
#ifdef NOP_TORCH_HAS_CUDA
        const auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(cudaIndex(device_));
        return stats.allocated_bytes[0].current;
#else
        return -1;
#endif
    }
    return tracking() ? cpuTracker().current() : -1;
}


std::string formatBytes(int64_t bytes)
{
    if (bytes < 0)
    {
        return "n/a";
    }
    const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double value = double(bytes);
    int unit = 0;
    while (value >= 1024 && unit < 4)
    {
        value /= 1024;
        ++unit;
    }
    char text[32];
    std::snprintf(text, sizeof text, unit ? "%.1f %s" : "%.0f %s", value, units[unit]);
    return text;
}

} // namespace nop
