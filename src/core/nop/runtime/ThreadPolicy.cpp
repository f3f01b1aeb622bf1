#include "nop/runtime/ThreadPolicy.hpp"

#include <cstdlib>

#include <unistd.h>

namespace nop
{

void passiveOpenMPThreads(char* argv[])
{
    if (std::getenv("OMP_WAIT_POLICY") != nullptr || argv == nullptr)
    {
        return;
    }
    if (::setenv("OMP_WAIT_POLICY", "PASSIVE", 0) != 0)
    {
        return;
    }
    // The same program: /proc/self/exe, whatever argv[0] says
    ::execv("/proc/self/exe", argv);
}

} // namespace nop
