#pragma once

// Reduced-precision building blocks shared by the layers: which dtype
// "half" means on a device, GEMMs in that dtype, and autocast scopes.

#include "nop/precision/Precision.hpp"

#include <torch/torch.h>

#include <c10/core/impl/LocalDispatchKeySet.h>

namespace nop
{

/// The dtype `half` means on `device`: bfloat16 on CPU, float16 on CUDA,
/// unless `type` names one.
torch::ScalarType reducedDtype(ReducedType type, const torch::Device& device);

/// True where the device has no native kernels for `dtype` and we emulate
/// it by rounding (float16 on CPU).
bool emulated(torch::ScalarType dtype, const torch::Device& device);

/// The type reduced-precision results return to and sums accumulate in:
/// float64 for float64 inputs (gradient checks), float32 otherwise.
inline torch::ScalarType accumulationType(const torch::Tensor& x)
{
    return x.scalar_type() == torch::kDouble ? torch::kDouble : torch::kFloat;
}

/// The type the active autocast runs GEMMs of `type` inputs in on `device`:
/// its reduced dtype for float32, else `type` (autocast off or excluded).
torch::ScalarType autocastType(torch::ScalarType type, const torch::Device& device);

/// Round `x` to `dtype`. Native: returns a tensor of that dtype; emulated:
/// rounds through it and returns float32, so overflow and rounding show.
torch::Tensor toReduced(const torch::Tensor& x, torch::ScalarType dtype);

/// Whether a GEMM in `dtype` is better run in float32 on operands rounded
/// to `dtype`, rounding its result: emulated types, and bfloat16 on a CPU
/// without native bfloat16 arithmetic, where LibTorch's bfloat16 GEMMs are
/// reference code (measured on an AVX2 EPYC: the FNO's truncated DFT 5x
/// slower than in float32). The same numbers, up to summation order.
bool roundedGemm(torch::ScalarType dtype, const torch::Device& device);

/// `x` rounded to `dtype`, in the type the GEMMs on it run in: `dtype`
/// itself, or float32 where roundedGemm.
torch::Tensor gemmOperand(const torch::Tensor& x, torch::ScalarType dtype);

/// Batched matrix product a (K,M,N) x b (K,N,P) in `dtype`. Where
/// roundedGemm: the rounded operands multiplied in float32, the product
/// rounded.
torch::Tensor reducedBmm(const torch::Tensor& a, const torch::Tensor& b, torch::ScalarType dtype);

/// Scope in which LibTorch's autocast runs GEMM-like ops (linear, matmul,
/// bmm) in `dtype` on `device`. Inactive when `enabled` is false or the
/// device has no autocast for that dtype (float16 on CPU).
class AutocastScope
{
public:
    AutocastScope(bool enabled, const torch::Device& device, torch::ScalarType dtype);
    ~AutocastScope();
    AutocastScope(const AutocastScope&) = delete;
    AutocastScope& operator=(const AutocastScope&) = delete;

private:
    bool active_ = false;
    bool cuda_ = false;
    bool wasEnabled_ = false;
    torch::ScalarType previousDtype_ = torch::kFloat;
};

/// Scope in which autocast is off: ops run in their inputs' types, for the
/// few places where float32 matters inside a reduced-precision forward.
class FullPrecisionScope
{
public:
    FullPrecisionScope() :
        guard_(c10::autocast_dispatch_keyset)
    {}

private:
    c10::impl::ExcludeDispatchKeyGuard guard_;
};

} // namespace nop
