#pragma once

// Tensor archives: array archives (io/ArrayArchive.hpp, which gives the
// layout and its checks) whose arrays are CPU tensors. What model files and
// checkpoints hold.

#include "nop/io/ArrayArchive.hpp"
#include "nop/io/RegularFile.hpp"

#include <torch/torch.h>

#include <map>
#include <string>

namespace nop
{

/// The decoder's limits, those of ArrayArchive.
namespace tensorArchiveLimits = arrayArchiveLimits;

/// Metadata (JSON text of an object) and named CPU tensors.
struct TensorArchive
{
    /// JSON text of an object; empty means {}.
    std::string metadata;
    std::map<std::string, torch::Tensor> tensors;
};

/// The bytes of `archive`. Tensors are moved to the CPU and made contiguous.
/// Throws std::runtime_error when the metadata is not a JSON object or a
/// tensor has a dtype the format does not hold.
std::string encodeTensorArchive(const TensorArchive& archive);

/// The archive in `bytes`. Throws std::runtime_error("<what>: <reason>") for
/// anything malformed; never reads out of bounds, never allocates more than
/// bytes.size() for tensor data.
TensorArchive decodeTensorArchive(const std::string& bytes, const std::string& what);

} // namespace nop
