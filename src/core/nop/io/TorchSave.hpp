#pragma once

// Reading torch.save archives without running code: a checked zip reader
// (stored records only, as torch.save writes them; zip64 understood) and a
// restricted unpickler for exactly what torch.save emits for containers of
// tensors. The only globals it knows are collections.OrderedDict,
// torch._utils._rebuild_tensor_v2, torch._utils._rebuild_parameter,
// torch.jit._pickle.restore_type_tag and the torch.<Type>Storage classes;
// anything else is an error. Every size, stride, offset and index is checked
// against the bytes present before a tensor is made, and tensors are copied
// out of the archive.

#include <torch/torch.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace nop
{

/// Upper limits of the reader besides the size of its input.
namespace torchSaveLimits
{
/// Dimensions of one tensor.
constexpr size_t maxDims = 16;

/// Nesting depth of containers in the pickle.
constexpr int maxDepth = 64;

/// The tensors made may hold at most this many times the archive's bytes
/// (more needs zero strides: an expanded view saved as such).
constexpr uint64_t maxExpansion = 4;
} // namespace torchSaveLimits

/// A value of the pickle: what torch.save of nested dicts, lists and tuples
/// of tensors, strings, numbers, booleans and None holds.
struct TorchValue
{
    enum class Kind
    {
        none,
        boolean,
        integer,
        real,
        string,
        tuple,
        list,
        dict,
        tensor,
        global,
        storage
    };

    Kind kind = Kind::none;
    bool boolean = false;
    int64_t integer = 0;
    double real = 0;
    /// string; for a global: "module.name"; for a storage: its record key.
    std::string string;
    /// tuple and list items; dict items as key, value, key, value...
    std::vector<TorchValue> items;
    /// tensor; for a storage: its data (1D, dtype of the storage type).
    torch::Tensor tensor;
    /// Nesting depth (1 for a scalar).
    int depth = 1;
    /// Size of the value, for the reader's budget (items and string bytes).
    uint64_t nodes = 1;
};

/// The value pickled in the torch.save archive `bytes`. A container the
/// pickle refers to twice (memo) is read as a copy taken when it was stored,
/// not as one shared object (torch.save of tensors never needs that). Throws
/// std::runtime_error("<what>: <reason>") for anything malformed or outside
/// the subset above; never reads out of bounds.
TorchValue readTorchSave(const std::string& bytes, const std::string& what);

} // namespace nop
