#pragma once

// A validated tensor container: what our own files hold instead of a pickle.
//
// Layout (all integers little-endian):
//   uint64      n, the length of the JSON header
//   n bytes     JSON header
//                 {"metadata": <object>,
//                  "tensors": {name: {"dtype": "float32", "shape": [2, 3],
//                                     "offset": 0, "bytes": 24}, ...}}
//               dtype: float32, float64, float16, bfloat16, int64 or bool
//   data        raw contiguous little-endian tensor data; offsets count from
//               the first byte after the header
//
// Decoding trusts nothing: every size, shape and offset is checked against
// the bytes present before anything is allocated, and each tensor is copied
// into a fresh allocation. No code is ever run.

#include <torch/torch.h>

#include <cstdint>
#include <map>
#include <string>

namespace nop
{

/// Upper limits the decoder applies besides the size of its input.
namespace tensorArchiveLimits
{
/// Dimensions of one tensor.
constexpr size_t maxDims = 16;

/// Nesting depth of the JSON header (metadata included).
constexpr int maxJsonDepth = 64;
} // namespace tensorArchiveLimits

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

/// The whole regular file `path` (symlinks to one are fine), read through
/// open(2)/fstat. Refuses FIFOs (without blocking on them), directories,
/// devices and files larger than `maxBytes`. Throws std::runtime_error
/// naming `what`, the path and the system's reason (strerror).
std::string readRegularFile(const std::string& path, uint64_t maxBytes, const std::string& what);

} // namespace nop
