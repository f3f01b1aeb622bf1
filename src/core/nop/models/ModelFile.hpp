#pragma once

// The model file: one self-describing file per trained surrogate.
//
// Layout: a 32-byte header (magic "NOPMODEL", format version, reserved,
// payload size, FNV-1a checksum of the payload), then the payload: a
// TensorArchive (io/TensorArchive.hpp) with
//   metadata  kind, FNO options, input/output names and per-sample shapes
//             (channels, then the resolution shared by both sides), mask
//             channel, the application's set-up (JSON object "setup"),
//             format version, training summary
//   tensors   the network's parameters and the normalisers, float32.
//
// A model file is data that strangers send us: reading one never runs code,
// and every size in it is checked against limits and against the bytes
// present before anything is allocated. Format version 1 (a pickle payload
// with the set-up as OpenFOAM dictionary text) is refused.

#include "nop/io/TensorArchive.hpp"
#include "nop/models/Surrogate.hpp"

#include <cstdint>
#include <string>

namespace nop
{

/// Format version written by this build; files of other versions are refused.
constexpr uint32_t modelFileVersion = 2;

/// Upper limits on what a model file may ask for, besides runtime/Limits.hpp.
namespace modelFileLimits
{
/// Size of a model file.
constexpr uint64_t maxFileBytes = uint64_t(8) << 30;

// The options' own limits are their declared checks (FNOOptions.hpp).
} // namespace modelFileLimits

/// What a model file holds, before it is made a `Surrogate`: the metadata
/// (JSON text of an object) and the tensors.
using ModelFileContents = TensorArchive;

/// The bytes of a model file (header and payload) holding `contents`.
std::string encodeModelFile(const ModelFileContents& contents);

/// Check a model file's header and checksum and decode its payload; `path`
/// only names the file in errors. Throws std::runtime_error naming the file
/// when it is not a model file, of another version, truncated or corrupt.
ModelFileContents decodeModelFile(const std::string& bytes, const std::string& path);

/// Read (at most modelFileLimits::maxFileBytes) and decode a model file.
/// Throws std::runtime_error naming the file when it is missing, not a
/// regular file, or anything decodeModelFile refuses.
ModelFileContents readModelFileContents(const std::string& path);

/// Write `surrogate` to `path` atomically (temporary file + rename). Throws
/// std::runtime_error when its application set-up is neither empty nor JSON
/// text of an object.
void saveModelFile(const std::string& path, Surrogate& surrogate);

/// The surrogate in the model-file bytes `bytes`, on `device`; `path` only
/// names the file in errors. Throws std::runtime_error naming the file when
/// decodeModelFile refuses it, or it is of another kind, its options exceed
/// the limits or imply more parameters than it holds, its shapes, names or
/// mask channel do not fit its options, its inputs and outputs differ in
/// resolution, or a tensor is missing, misshapen,
/// not float32, not finite or unused.
Surrogate loadModelFileFromBytes(
    const std::string& bytes,
    const std::string& path,
    const torch::Device& device = torch::kCPU
);

/// Read a model file onto `device`: readRegularFile (at most
/// modelFileLimits::maxFileBytes) and loadModelFileFromBytes.
Surrogate loadModelFile(const std::string& path, const torch::Device& device = torch::kCPU);

} // namespace nop
