#include "nop/io/TensorArchive.hpp"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstring>
#include <limits>
#include <sstream>
#include <stdexcept>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

static_assert(
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
    "tensor archives are little-endian; this build assumes a little-endian host"
);

namespace nop
{

namespace
{

constexpr size_t lengthSize = sizeof(uint64_t);

struct DtypeName
{
    const char* name;
    torch::ScalarType type;
};

const DtypeName dtypes[] = {{"float32", torch::kFloat}, {"float64", torch::kDouble},
                            {"float16", torch::kHalf},  {"bfloat16", torch::kBFloat16},
                            {"int64", torch::kLong},    {"bool", torch::kBool}};


const char* nameOf(torch::ScalarType type)
{
    for (const auto& d : dtypes)
    {
        if (d.type == type)
        {
            return d.name;
        }
    }
    return nullptr;
}


/// JSON text parsed with a bounded nesting depth; errors become runtime_error.
nlohmann::json parseBounded(const char* begin, const char* end, const std::string& what)
{
    try
    {
        return nlohmann::json::parse(
            begin, end,
            [&what](int depth, nlohmann::json::parse_event_t, nlohmann::json&)
            {
                if (depth > tensorArchiveLimits::maxJsonDepth)
                {
                    throw std::runtime_error(
                        what + ": JSON nested deeper than "
                        + std::to_string(tensorArchiveLimits::maxJsonDepth) + " levels"
                    );
                }
                return true;
            }
        );
    }
    catch (const nlohmann::json::exception& e)
    {
        throw std::runtime_error(what + ": malformed JSON header: " + e.what());
    }
}


/// A non-negative JSON integer, or an error naming `field`.
uint64_t unsignedOf(const nlohmann::json& value, const std::string& field, const std::string& what)
{
    if (value.is_number_unsigned())
    {
        return value.get<uint64_t>();
    }
    if (value.is_number_integer() && value.get<int64_t>() >= 0)
    {
        return uint64_t(value.get<int64_t>());
    }
    throw std::runtime_error(
        what + ": " + field + " is " + value.dump() + ", not a non-negative integer"
    );
}


/// `a*b`, or false when it exceeds `limit`.
bool multiplyWithin(uint64_t a, uint64_t b, uint64_t limit, uint64_t& product)
{
    if (a != 0 && b > limit / a)
    {
        return false;
    }
    product = a * b;
    return product <= limit;
}


/// One tensor of the header, checked against the data section, then copied.
torch::Tensor decodeTensor(
    const nlohmann::json& entry,
    const char* data,
    uint64_t dataSize,
    uint64_t& claimed,
    const std::string& what
)
{
    if (!entry.is_object())
    {
        throw std::runtime_error(what + ": is " + entry.dump() + ", not an object");
    }
    const auto field = [&](const char* key) -> const nlohmann::json&
    {
        const auto it = entry.find(key);
        if (it == entry.end())
        {
            throw std::runtime_error(what + ": lacks '" + key + "'");
        }
        return *it;
    };

    const auto& dtypeJson = field("dtype");
    const DtypeName* dtype = nullptr;
    for (const auto& d : dtypes)
    {
        if (dtypeJson.is_string() && dtypeJson.get_ref<const std::string&>() == d.name)
        {
            dtype = &d;
        }
    }
    if (!dtype)
    {
        throw std::runtime_error(
            what + ": dtype " + dtypeJson.dump()
            + " is not one of float32, float64, float16, bfloat16, int64, bool"
        );
    }
    const uint64_t itemSize = c10::elementSize(dtype->type);

    const auto& shapeJson = field("shape");
    if (!shapeJson.is_array() || shapeJson.size() > tensorArchiveLimits::maxDims)
    {
        throw std::runtime_error(
            what + ": shape is not an array of at most "
            + std::to_string(tensorArchiveLimits::maxDims) + " sizes"
        );
    }
    // Both the element count and the count with empty dimensions taken as 1
    // (which bounds the strides) stay within what int64 can address.
    const uint64_t limit = uint64_t(std::numeric_limits<int64_t>::max()) / itemSize;
    std::vector<int64_t> shape;
    uint64_t numel = 1;
    uint64_t extent = 1;
    for (const auto& d : shapeJson)
    {
        const uint64_t size = unsignedOf(d, "a size of the shape", what);
        if (!multiplyWithin(numel, size, limit, numel)
            || !multiplyWithin(extent, std::max<uint64_t>(size, 1), limit, extent))
        {
            throw std::runtime_error(what + ": shape " + shapeJson.dump() + " overflows");
        }
        shape.push_back(int64_t(size));
    }

    const uint64_t offset = unsignedOf(field("offset"), "offset", what);
    const uint64_t bytes = unsignedOf(field("bytes"), "bytes", what);
    if (bytes != numel * itemSize)
    {
        throw std::runtime_error(
            what + ": holds " + std::to_string(bytes) + " bytes, its shape " + shapeJson.dump()
            + " and dtype " + dtype->name + " make " + std::to_string(numel * itemSize)
        );
    }
    if (offset > dataSize || bytes > dataSize - offset)
    {
        throw std::runtime_error(
            what + ": bytes " + std::to_string(offset) + " + " + std::to_string(bytes)
            + " lie past the end of the " + std::to_string(dataSize) + " data bytes (truncated?)"
        );
    }
    if (bytes > dataSize - claimed)
    {
        throw std::runtime_error(what + ": the tensors claim more bytes than the data holds");
    }
    claimed += bytes;

    const char* first = data + offset;
    if (dtype->type == torch::kBool)
    {
        for (uint64_t i = 0; i < bytes; ++i)
        {
            if (uint8_t(first[i]) > 1)
            {
                throw std::runtime_error(
                    what + ": bool value " + std::to_string(uint8_t(first[i]))
                );
            }
        }
    }
    auto tensor = torch::empty(shape, torch::TensorOptions().dtype(dtype->type));
    if (bytes)
    {
        std::memcpy(tensor.data_ptr(), first, bytes);
    }
    return tensor;
}


std::string systemError(const std::string& what, const std::string& path, const std::string& doing)
{
    return what + " '" + path + "': " + doing + ": " + std::strerror(errno);
}

} // namespace


std::string encodeTensorArchive(const TensorArchive& archive)
{
    nlohmann::json metadata = nlohmann::json::object();
    if (!archive.metadata.empty())
    {
        metadata = parseBounded(
            archive.metadata.data(), archive.metadata.data() + archive.metadata.size(),
            "tensor archive metadata"
        );
    }
    if (!metadata.is_object())
    {
        throw std::runtime_error("tensor archive metadata is not a JSON object");
    }

    std::vector<torch::Tensor> contiguous;
    nlohmann::json tensors = nlohmann::json::object();
    uint64_t offset = 0;
    for (const auto& item : archive.tensors)
    {
        const char* dtype = nameOf(item.second.scalar_type());
        if (!dtype)
        {
            std::ostringstream os;
            os << "tensor archive: tensor '" << item.first << "' has dtype "
               << item.second.scalar_type() << ", which the format does not hold";
            throw std::runtime_error(os.str());
        }
        auto t = item.second.detach().to(torch::kCPU).contiguous();
        const uint64_t bytes = t.numel() * t.element_size();
        tensors[item.first] = {
            {"dtype", dtype}, {"shape", t.sizes().vec()}, {"offset", offset}, {"bytes", bytes}};
        offset += bytes;
        contiguous.push_back(t);
    }

    const std::string header = nlohmann::json{{"metadata", metadata}, {"tensors", tensors}}.dump();
    const uint64_t length = header.size();
    std::string out(reinterpret_cast<const char*>(&length), lengthSize);
    out.reserve(lengthSize + header.size() + offset);
    out += header;
    for (const auto& t : contiguous)
    {
        out.append(static_cast<const char*>(t.data_ptr()), t.numel() * t.element_size());
    }
    return out;
}


TensorArchive decodeTensorArchive(const std::string& bytes, const std::string& what)
{
    if (bytes.size() < lengthSize)
    {
        throw std::runtime_error(
            what + ": truncated: " + std::to_string(bytes.size())
            + " bytes, too short for a tensor archive"
        );
    }
    uint64_t length = 0;
    std::memcpy(&length, bytes.data(), lengthSize);
    if (length > bytes.size() - lengthSize)
    {
        throw std::runtime_error(
            what + ": header of " + std::to_string(length) + " bytes but only "
            + std::to_string(bytes.size() - lengthSize) + " follow (truncated?)"
        );
    }
    const char* headerBegin = bytes.data() + lengthSize;
    const nlohmann::json header = parseBounded(headerBegin, headerBegin + length, what);
    if (!header.is_object())
    {
        throw std::runtime_error(what + ": the header is not a JSON object");
    }
    const auto metadata = header.find("metadata");
    if (metadata == header.end() || !metadata->is_object())
    {
        throw std::runtime_error(what + ": the header lacks a 'metadata' object");
    }
    const auto tensors = header.find("tensors");
    if (tensors == header.end() || !tensors->is_object())
    {
        throw std::runtime_error(what + ": the header lacks a 'tensors' object");
    }

    TensorArchive archive;
    archive.metadata = metadata->dump();
    const char* data = headerBegin + length;
    const uint64_t dataSize = bytes.size() - lengthSize - length;
    uint64_t claimed = 0;
    for (const auto& item : tensors->items())
    {
        archive.tensors[item.key()] = decodeTensor(
            item.value(), data, dataSize, claimed, what + ": tensor '" + item.key() + "'"
        );
    }
    return archive;
}


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
