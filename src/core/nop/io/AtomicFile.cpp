#include "nop/io/AtomicFile.hpp"

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <system_error>

#include <unistd.h>

namespace nop
{

void writeFileAtomically(const std::string& path, const std::string& bytes)
{
    // Unique per process and per call: concurrent writers of one path
    // (two trainings of the same case, two threads) never share a file
    static std::atomic<uint64_t> calls{0};
    const std::string temporary =
        path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(calls++);
    {
        std::ofstream file(temporary, std::ios::binary | std::ios::trunc);
        if (!file)
        {
            throw std::runtime_error("cannot write '" + temporary + "' (for '" + path + "')");
        }
        file.write(bytes.data(), std::streamsize(bytes.size()));
        file.flush();
        if (!file)
        {
            file.close();
            std::remove(temporary.c_str());
            throw std::runtime_error("writing '" + path + "' failed (disk full?)");
        }
    }
    std::error_code error;
    std::filesystem::rename(temporary, path, error);
    if (error)
    {
        std::remove(temporary.c_str());
        throw std::runtime_error(
            "cannot rename '" + temporary + "' to '" + path + "': " + error.message()
        );
    }
}

} // namespace nop
