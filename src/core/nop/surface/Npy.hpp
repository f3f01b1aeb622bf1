#pragma once

// NumPy's .npy format, read without evaluating anything: the 6-byte magic
// "\x93NUMPY", version 1.0 (uint16 header length) or 2.0 (uint32), a header
// that is a Python dict literal, parsed strictly:
//   {'descr': '<f8', 'fortran_order': False, 'shape': (3682,), }
// (exactly these three keys, any order; descr '<f8', '<f4' or '<i8';
// fortran_order False; shape a tuple of non-negative integers), padded with
// spaces and ended by a newline, then the raw little-endian data, whose size
// must equal the shape's. Anything else is an error.

#include <torch/torch.h>

#include <cstdint>
#include <string>

namespace nop
{

/// Largest .npy file readNpy reads.
constexpr uint64_t maxNpyBytes = uint64_t(1) << 30;

/// The array in the .npy bytes `bytes` as a contiguous CPU tensor of
/// float64, float32 or int64. Throws std::runtime_error("<what>: <reason>")
/// for anything malformed; never reads out of bounds.
torch::Tensor decodeNpy(const std::string& bytes, const std::string& what);

/// The array in the .npy file `path` (read by readRegularFile, at most
/// `maxBytes`). Throws std::runtime_error naming the file.
torch::Tensor readNpy(const std::string& path, uint64_t maxBytes = maxNpyBytes);

} // namespace nop
