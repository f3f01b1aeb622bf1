#pragma once

// Shell-style patterns (*, ?, [...]) matched against the file system, for
// entries that name several files or case directories. Torch-free.

#include <string>
#include <vector>

namespace nop
{

/// The paths `pattern` matches, sorted; none: empty. Only the pattern's
/// wildcards are expanded (no ~, no variables, no command substitution).
std::vector<std::string> matchingPaths(const std::string& pattern);

} // namespace nop
