#pragma once

// Tensor files as neuraloperator ships them: `torch.save` of a dict of
// tensors (a zip archive holding a pickle). Files come from strangers: they
// are read by a restricted reader that never runs code or trusts a size.

#include <torch/torch.h>

#include <map>
#include <string>

namespace nop
{

/// Largest tensor file read.
constexpr uint64_t maxTensorFileBytes = uint64_t(16) << 30;

/// Every tensor entry of the dict pickled in `path`, read without running
/// code (io/TorchSave.hpp): only torch.save archives of containers of
/// tensors, strings, numbers, booleans and None. Throws std::runtime_error
/// naming the file when it cannot be read, is malformed or holds no dict.
std::map<std::string, torch::Tensor> readTensorDict(const std::string& path);

/// Entry `name` of `entries` (read from `path`) as contiguous float32
/// (samples, channels, d1..dN): bool and float64 are converted, any stride
/// order is accepted, an entry with spatialDims+1 dimensions gets a channel
/// dimension of 1. Throws std::runtime_error naming the file and entry when
/// it is missing, has the wrong rank or type, or holds NaN or Inf.
torch::Tensor samplesOf(
    const std::map<std::string, torch::Tensor>& entries,
    const std::string& path,
    const std::string& name,
    int64_t spatialDims
);

} // namespace nop
