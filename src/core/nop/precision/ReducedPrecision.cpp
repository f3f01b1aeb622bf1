#include "nop/precision/ReducedPrecision.hpp"

#include "nop/runtime/Device.hpp"

#include <ATen/autocast_mode.h>

namespace nop
{

torch::ScalarType reducedDtype(ReducedType type, const torch::Device& device)
{
    switch (type)
    {
    case ReducedType::bfloat16:
        return torch::kBFloat16;
    case ReducedType::float16:
        return torch::kHalf;
    case ReducedType::automatic:
        break;
    }
    return device.is_cuda() ? torch::kHalf : torch::kBFloat16;
}


bool emulated(torch::ScalarType dtype, const torch::Device& device)
{
    // LibTorch's CPU kernels have no float16 GEMM ("addmm_impl_cpu_ not
    // implemented for 'Half'") and few float16 elementwise kernels.
    return dtype == torch::kHalf && !device.is_cuda();
}


torch::ScalarType autocastType(torch::ScalarType type, const torch::Device& device)
{
    if (type != torch::kFloat)
    {
        return type;
    }
    // is_enabled()/is_cpu_enabled() read the thread's excluded dispatch
    // keys: false inside a FullPrecisionScope too.
    if (device.is_cuda() && at::autocast::is_enabled())
    {
        return at::autocast::get_autocast_gpu_dtype();
    }
    if (device.is_cpu() && at::autocast::is_cpu_enabled())
    {
        return at::autocast::get_autocast_cpu_dtype();
    }
    return type;
}


torch::Tensor toReduced(const torch::Tensor& x, torch::ScalarType dtype)
{
    if (emulated(dtype, x.device()))
    {
        return x.to(dtype).to(torch::kFloat);
    }
    return x.to(dtype);
}


bool roundedGemm(torch::ScalarType dtype, const torch::Device& device)
{
    return emulated(dtype, device) || (device.is_cpu() && !nativeReducedArithmetic(device));
}


torch::Tensor gemmOperand(const torch::Tensor& x, torch::ScalarType dtype)
{
    if (roundedGemm(dtype, x.device()))
    {
        return toReduced(x, dtype).to(torch::kFloat);
    }
    return x.to(dtype);
}


torch::Tensor reducedBmm(const torch::Tensor& a, const torch::Tensor& b, torch::ScalarType dtype)
{
    const auto product = torch::bmm(gemmOperand(a, dtype), gemmOperand(b, dtype));
    return roundedGemm(dtype, a.device()) ? toReduced(product, dtype) : product;
}


AutocastScope::AutocastScope(bool enabled, const torch::Device& device, torch::ScalarType dtype) :
    cuda_(device.is_cuda())
{
    if (!enabled || emulated(dtype, device))
    {
        return;
    }
    active_ = true;
    if (cuda_)
    {
        wasEnabled_ = at::autocast::is_enabled();
        previousDtype_ = at::autocast::get_autocast_gpu_dtype();
        at::autocast::set_enabled(true);
        at::autocast::set_autocast_gpu_dtype(dtype);
    }
    else
    {
        wasEnabled_ = at::autocast::is_cpu_enabled();
        previousDtype_ = at::autocast::get_autocast_cpu_dtype();
        at::autocast::set_cpu_enabled(true);
        at::autocast::set_autocast_cpu_dtype(dtype);
    }
    at::autocast::increment_nesting();
}


AutocastScope::~AutocastScope()
{
    if (!active_)
    {
        return;
    }
    // Cached casts of the weights live for the outermost scope only.
    if (at::autocast::decrement_nesting() == 0)
    {
        at::autocast::clear_cache();
    }
    if (cuda_)
    {
        at::autocast::set_enabled(wasEnabled_);
        at::autocast::set_autocast_gpu_dtype(previousDtype_);
    }
    else
    {
        at::autocast::set_cpu_enabled(wasEnabled_);
        at::autocast::set_autocast_cpu_dtype(previousDtype_);
    }
}

} // namespace nop
