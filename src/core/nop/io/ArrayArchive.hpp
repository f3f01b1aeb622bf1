#pragma once

// A validated container of JSON metadata and named raw arrays: what our own
// files hold instead of a pickle. Torch-free; io/TensorArchive.hpp maps its
// arrays to tensors.
//
// Layout (all integers little-endian):
//   uint64      n, the length of the JSON header
//   n bytes     JSON header
//                 {"metadata": <object>,
//                  "tensors": {name: {"dtype": "float32", "shape": [2, 3],
//                                     "offset": 0, "bytes": 24}, ...}}
//               dtype: float32, float64, float16, bfloat16, int64 or bool
//   data        raw contiguous little-endian array data (C order); offsets
//               count from the first byte after the header
//
// Decoding trusts nothing: every size, shape and offset is checked against
// the bytes present before anything is allocated, and no more than the
// input's size is ever allocated for array data. No code is ever run.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace nop
{

/// Upper limits the decoder applies besides the size of its input.
namespace arrayArchiveLimits
{
/// Dimensions of one array.
constexpr size_t maxDims = 16;

/// Nesting depth of the JSON header (metadata included).
constexpr int maxJsonDepth = 64;
} // namespace arrayArchiveLimits

/// Bytes of one element of `dtype` (a word of the layout above), 0 for a
/// word the format does not hold.
size_t arrayDtypeSize(const std::string& dtype);

/// One array that owns its bytes (numel times the element size, C order).
struct RawArray
{
    std::string dtype;
    std::vector<int64_t> shape;
    std::string bytes;
};

/// Metadata (JSON text of an object) and named arrays.
struct ArrayArchive
{
    /// JSON text of an object; empty means {}.
    std::string metadata;
    std::map<std::string, RawArray> arrays;
};

/// One array whose bytes lie elsewhere: in the bytes it was decoded from,
/// or in the caller's memory when encoding. For layers that convert the
/// data anyway (tensors, float vectors) and need no copy in between.
struct RawArrayView
{
    std::string dtype;
    std::vector<int64_t> shape;
    const char* data = nullptr;
    uint64_t bytes = 0;
};

/// Metadata (JSON text of an object) and named array views.
struct ArrayArchiveView
{
    std::string metadata;
    std::map<std::string, RawArrayView> arrays;
};

/// The bytes of an archive of `metadata` and `arrays`. Throws
/// std::runtime_error when the metadata is not a JSON object, or an array
/// has a dtype the format does not hold, more than maxDims dimensions, a
/// negative size or bytes that do not make its shape.
std::string encodeArrayArchive(
    const std::string& metadata,
    const std::map<std::string, RawArrayView>& arrays
);

/// The bytes of `archive`, as above.
std::string encodeArrayArchive(const ArrayArchive& archive);

/// The archive in `bytes`, its arrays pointing into `bytes` (valid while it
/// lives, unchanged). Throws std::runtime_error("<what>: <reason>") for
/// anything malformed; never reads out of bounds, allocates nothing for
/// array data. The metadata is the JSON text of an object.
ArrayArchiveView viewArrayArchive(const std::string& bytes, const std::string& what);

/// The archive in `bytes`, its arrays copied: at most bytes.size() bytes in
/// all, since the arrays together may claim no more than the data holds.
/// Throws as viewArrayArchive.
ArrayArchive decodeArrayArchive(const std::string& bytes, const std::string& what);

} // namespace nop
