#include "nop/surface/StlStructure.hpp"

#include <cstdint>
#include <stdexcept>

namespace nop
{

namespace
{

constexpr size_t headerBytes = 84; // 80 free bytes, uint32 triangle count
constexpr size_t triangleBytes = 50;

/// Whether `bytes` is text that starts with "solid" and whose last line
/// starts with "endsolid".
bool isAsciiStl(const std::string& bytes)
{
    const auto first = bytes.find_first_not_of(" \t\r\n");
    if (first == std::string::npos || bytes.compare(first, 5, "solid") != 0)
    {
        return false;
    }
    const auto end = bytes.find_last_not_of(" \t\r\n");
    const auto lineBegin = bytes.find_last_of('\n', end);
    const auto lastLine =
        bytes.find_first_not_of(" \t", lineBegin == std::string::npos ? 0 : lineBegin + 1);
    return bytes.compare(lastLine, 8, "endsolid") == 0;
}

} // namespace


void checkStlStructure(const std::string& bytes, const std::string& what)
{
    uint64_t count = 0;
    if (bytes.size() >= headerBytes)
    {
        for (size_t i = 0; i < 4; ++i)
        {
            count |= uint64_t(uint8_t(bytes[80 + i])) << (8 * i);
        }
        if (bytes.size() == headerBytes + triangleBytes * count)
        {
            return;
        }
    }
    if (isAsciiStl(bytes))
    {
        return;
    }
    throw std::runtime_error(
        what + ": neither a binary STL (84 + 50 x "
        + (bytes.size() >= headerBytes ? std::to_string(count) : "<count>") + " triangles = "
        + (bytes.size() >= headerBytes ? std::to_string(headerBytes + triangleBytes * count)
                                       : "more than " + std::to_string(bytes.size()))
        + " bytes, the file has " + std::to_string(bytes.size())
        + ") nor an ASCII STL from 'solid' to an 'endsolid' line (truncated?)"
    );
}

} // namespace nop
