#pragma once

// The model file: one self-describing file per trained surrogate.
//
// Layout: a 32-byte header (magic "NOPMODEL", format version, reserved,
// payload size, FNV-1a checksum of the payload), then the payload: a
// torch.save-compatible pickle of a dict with
//   metadata  JSON text: kind, FNO options, input/output names and shapes,
//             format version, training summary
//   tensors   dict of the network's parameters and the normalisers.

#include "models/Surrogate.hpp"

#include <cstdint>
#include <string>

namespace nop
{

/// Format version written by this build; files of later versions are refused.
constexpr uint32_t modelFileVersion = 1;

/// What a model file holds, before it is made a `Surrogate`.
struct ModelFileContents
{
    /// JSON text.
    std::string metadata;
    c10::Dict<std::string, torch::Tensor> tensors;
};

/// The bytes of a model file (header and payload) holding `contents`.
std::string encodeModelFile(const ModelFileContents& contents);

/// Read and check a model file's header, checksum and payload. Throws
/// std::runtime_error naming the file when it is missing, not a model file,
/// of a future version, truncated or corrupt.
ModelFileContents readModelFileContents(const std::string& path);

/// Write `surrogate` to `path` atomically (temporary file + rename).
void saveModelFile(const std::string& path, Surrogate& surrogate);

/// Read a model file onto `device`. Throws std::runtime_error naming the file
/// when it is missing, not a model file, of a future version, truncated,
/// corrupt, of another kind, or when its tensors do not fit its options.
Surrogate loadModelFile
(
    const std::string& path,
    const torch::Device& device = torch::kCPU
);

} // namespace nop
