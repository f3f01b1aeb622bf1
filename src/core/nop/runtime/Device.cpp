#include "nop/runtime/Device.hpp"

#include "nop/options/Checks.hpp"

#include <algorithm>
#include <cstdlib>
#include <stdexcept>
#include <thread>

#include <dlfcn.h>

namespace nop
{

torch::Device deviceFromString(const std::string& word)
{
    if (word == "cpu")
    {
        return torch::kCPU;
    }
    if (!check::DeviceName{}(word))
    {
        throw std::invalid_argument("unknown device '" + word + "' (valid: cpu, cuda, cuda:N)");
    }
    if (!torch::cuda::is_available())
    {
        throw std::invalid_argument(
            "device '" + word
            + "' asked for, but this LibTorch build or"
              " machine has no CUDA device (use cpu)"
        );
    }
    return torch::Device(word);
}


int64_t setThreads(int64_t threads, int64_t processes)
{
    if (threads < 0)
    {
        throw std::invalid_argument("threads must be >= 0");
    }
    const int64_t cores = std::max(1u, std::thread::hardware_concurrency());
    const int64_t n =
        threads > 0 ? threads : std::max<int64_t>(1, cores / std::max<int64_t>(1, processes));
    torch::set_num_threads(int(n));
    setBlasThreads(blasThreadsFor(n));
    return n;
}


int64_t blasThreadsFor(int64_t /*threads*/)
{
    // One: LibTorch parallelises the work around its GEMMs itself, and an
    // OpenBLAS pool of its own oversubscribes the cores and spins between
    // calls (FNO 64^2, 2 threads: 51.7 samples/s with 1 BLAS thread, 49.0
    // with 2; both better than the 26.2 of the pool left to the
    // environment).
    return 1;
}


bool setBlasThreads(int64_t threads)
{
    // OpenBLAS (Debian's libblas alternative under LibTorch) keeps a pool
    // of its own pthreads, sized from the environment at load, which busy-
    // wait (sched_yield) after every call; LibTorch's thread count does not
    // reach it. Found at run time: another BLAS, or none, is left alone.
    using SetThreads = void (*)(int);
    static const auto set =
        reinterpret_cast<SetThreads>(::dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
    if (!set)
    {
        return false;
    }
    set(int(std::max<int64_t>(1, threads)));
    return true;
}

bool nativeReducedArithmetic(const torch::Device& device)
{
    if (device.is_cuda())
    {
        return true;
    }
#if defined(__x86_64__) && defined(__GNUC__)
    static const bool native = []
    {
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx512bf16") || __builtin_cpu_supports("amx-bf16");
    }();
    return native;
#else
    return false;
#endif
}


std::string reducedPrecisionWarning(const torch::Device& device, const std::string& precision)
{
    if (precision == "full" || nativeReducedArithmetic(device))
    {
        return {};
    }
    return "Warning: this CPU has no native bfloat16 arithmetic (AVX512-BF16 or AMX): precision "
           + precision
           + " saves memory here but runs slower than full (LibTorch's bfloat16 kernels fall"
             " back to reference code)";
}

} // namespace nop
