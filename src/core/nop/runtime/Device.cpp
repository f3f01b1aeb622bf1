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

} // namespace nop
