#pragma once

// The compute device and thread count of a run.

#include <torch/torch.h>

#include <string>

namespace nop
{

/// Parse `cpu`, `cuda` or `cuda:N`; throws std::invalid_argument when the
/// word is malformed or CUDA is asked for but not available.
torch::Device deviceFromString(const std::string& word);

/// Set LibTorch's intra-op threads: `threads` > 0 as given; 0 for this
/// process's share of the hardware threads when `processes` processes share
/// the machine (all of them for one process, at least 1). One rule for
/// training and inference. OpenBLAS, when it is the BLAS, is set to
/// blasThreadsFor(n) threads, whatever the environment says. Returns the
/// number set.
int64_t setThreads(int64_t threads, int64_t processes = 1);

/// The BLAS threads setThreads sets beside `threads` intra-op threads: 1
/// (LibTorch's threads run the GEMMs' surroundings in parallel).
int64_t blasThreadsFor(int64_t threads);

/// Sets the threads of OpenBLAS when it is the BLAS in the process (found
/// at run time); false when it is not (nothing done).
bool setBlasThreads(int64_t threads);

/// Whether `device` computes in its reduced type natively: CUDA always; a
/// CPU with AVX512-BF16 or AMX-BF16. Elsewhere LibTorch's bfloat16 GEMMs
/// fall back to slow reference kernels (measured on an AVX2-only EPYC:
/// mixed at 0.31x full's speed), so reduced precision saves memory there
/// but no time.
bool nativeReducedArithmetic(const torch::Device& device);

/// A warning for logs when `precision` (a reduced mode) runs on a device
/// without native reduced arithmetic; empty otherwise.
std::string reducedPrecisionWarning(const torch::Device& device, const std::string& precision);

} // namespace nop
