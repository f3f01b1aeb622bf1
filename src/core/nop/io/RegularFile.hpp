#pragma once

// Whole files read without trusting what the path names. Torch-free.

#include <cstdint>
#include <string>

namespace nop
{

/// The whole regular file `path` (symlinks to one are fine), read through
/// open(2)/fstat. Refuses FIFOs (without blocking on them), directories,
/// devices and files larger than `maxBytes`. Throws std::runtime_error
/// naming `what`, the path and the system's reason (strerror).
std::string readRegularFile(const std::string& path, uint64_t maxBytes, const std::string& what);

} // namespace nop
