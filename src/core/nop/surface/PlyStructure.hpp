#pragma once

// A structural check of PLY files before vtkPLYReader reads them: VTK 9.1's
// reader runs past the end of a truncated file (ASCII or binary) and
// crashes. The check walks the header and every element, property and list
// (reading only list lengths) and refuses a file whose elements do not all
// fit in it.

#include <string>

namespace nop
{

/// Throws std::runtime_error("<what>: <problem>") when `bytes` is not a
/// PLY file (ascii, binary_little_endian or binary_big_endian 1.0) whose
/// header is well formed and whose elements all lie within it.
void checkPlyStructure(const std::string& bytes, const std::string& what);

} // namespace nop
