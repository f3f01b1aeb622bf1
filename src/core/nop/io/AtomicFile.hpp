#pragma once

// Files written so that readers never see half of them.

#include <string>

namespace nop
{

/// Write `bytes` to a temporary file beside `path`, then rename it over
/// `path`. On any failure the temporary is removed, `path` is untouched,
/// and std::runtime_error names the file.
void writeFileAtomically(const std::string& path, const std::string& bytes);

} // namespace nop
