#include "nop/io/PathGlob.hpp"

#include <glob.h>

namespace nop
{

std::vector<std::string> matchingPaths(const std::string& pattern)
{
    glob_t matches{};
    std::vector<std::string> paths;
    if (::glob(pattern.c_str(), 0, nullptr, &matches) == 0)
    {
        paths.assign(matches.gl_pathv, matches.gl_pathv + matches.gl_pathc);
    }
    globfree(&matches);
    return paths;
}

} // namespace nop
