#pragma once

// The one checksum of our files (model file, sample cache, checkpoints,
// set-up fingerprints): 64-bit FNV-1a. It detects damage, it is no
// signature. Torch-free.

#include <cstddef>
#include <cstdint>

namespace nop
{

/// FNV-1a's starting value: fnv1a(data, size) of no data.
constexpr uint64_t fnv1aOffset = 1469598103934665603ull;

/// FNV-1a 64 of `size` bytes at `data`, continuing from `hash` (so that a
/// checksum can be taken over pieces).
inline uint64_t fnv1a(const void* data, size_t size, uint64_t hash = fnv1aOffset)
{
    const auto* bytes = static_cast<const unsigned char*>(data);
    for (size_t i = 0; i < size; ++i)
    {
        hash ^= bytes[i];
        hash *= 1099511628211ull;
    }
    return hash;
}

} // namespace nop
