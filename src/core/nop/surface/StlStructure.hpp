#pragma once

// A structural check of STL files before vtkSTLReader reads them: VTK 9.1's
// reader reads a truncated binary STL as far as it goes, without an error.

#include <string>

namespace nop
{

/// Throws std::runtime_error("<what>: <problem>") unless `bytes` is a
/// binary STL of exactly 84 + 50 x (its triangle count) bytes or text that
/// starts with "solid" and ends with an "endsolid" line.
void checkStlStructure(const std::string& bytes, const std::string& what);

} // namespace nop
