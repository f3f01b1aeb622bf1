#pragma once

// LibTorch's own checks (c10::Error) as plain runtime errors without the
// C++ backtrace, for messages users read behind torch-free interfaces.

#include <c10/util/Exception.h>

#include <stdexcept>

namespace nop
{

/// The result of function(); a c10::Error it throws becomes a
/// std::runtime_error with the message alone.
template<class Function> auto withoutBacktrace(Function&& function)
{
    try
    {
        return function();
    }
    catch (const c10::Error& e)
    {
        throw std::runtime_error(e.what_without_backtrace());
    }
}

} // namespace nop
