#include "nop/io/RegularFile.hpp"

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace nop
{

namespace
{

std::string systemError(const std::string& what, const std::string& path, const std::string& doing)
{
    return what + " '" + path + "': " + doing + ": " + std::strerror(errno);
}

} // namespace


std::string readRegularFile(const std::string& path, uint64_t maxBytes, const std::string& what)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
    {
        throw std::runtime_error(systemError(what, path, "cannot open"));
    }
    struct Closer
    {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{fd};

    struct stat st
    {};
    if (::fstat(fd, &st) != 0)
    {
        throw std::runtime_error(systemError(what, path, "cannot stat"));
    }
    if (!S_ISREG(st.st_mode))
    {
        const char* kind = S_ISDIR(st.st_mode)                          ? "a directory"
                           : S_ISFIFO(st.st_mode)                       ? "a FIFO"
                           : S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "a device"
                           : S_ISSOCK(st.st_mode)                       ? "a socket"
                                                                        : "not a regular file";
        throw std::runtime_error(what + " '" + path + "': is " + kind + ", not a regular file");
    }
    if (uint64_t(st.st_size) > maxBytes)
    {
        throw std::runtime_error(
            what + " '" + path + "': " + std::to_string(st.st_size) + " bytes, more than the "
            + std::to_string(maxBytes) + " this build reads"
        );
    }

    std::string bytes(size_t(st.st_size), '\0');
    size_t done = 0;
    while (done < bytes.size())
    {
        const ssize_t n = ::read(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR)
        {
            continue;
        }
        if (n < 0)
        {
            throw std::runtime_error(systemError(what, path, "cannot read"));
        }
        if (n == 0)
        {
            throw std::runtime_error(
                what + " '" + path + "': shrank while being read (" + std::to_string(done) + " of "
                + std::to_string(bytes.size()) + " bytes)"
            );
        }
        done += size_t(n);
    }
    char extra;
    ssize_t n;
    while ((n = ::read(fd, &extra, 1)) < 0 && errno == EINTR)
    {}
    if (n > 0)
    {
        throw std::runtime_error(what + " '" + path + "': grew while being read");
    }
    return bytes;
}

} // namespace nop
