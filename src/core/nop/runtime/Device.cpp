#include "nop/runtime/Device.hpp"

#include "nop/options/Checks.hpp"

#include <stdexcept>
#include <thread>

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
    return n;
}

bool nativeReducedArithmetic(const torch::Device& device)
{
    if (device.is_cuda())
    {
        return true;
    }
#if defined(__x86_64__) && defined(__GNUC__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512bf16") || __builtin_cpu_supports("amx-bf16");
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
