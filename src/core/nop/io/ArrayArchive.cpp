#include "nop/io/ArrayArchive.hpp"

#include <nlohmann/json.hpp>

#include <cstring>
#include <limits>
#include <stdexcept>

static_assert(
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
    "array archives are little-endian; this build assumes a little-endian host"
);

namespace nop
{

namespace
{

constexpr size_t lengthSize = sizeof(uint64_t);

struct DtypeSize
{
    const char* name;
    size_t size;
};

const DtypeSize dtypes[] = {{"float32", 4},  {"float64", 8}, {"float16", 2},
                            {"bfloat16", 2}, {"int64", 8},   {"bool", 1}};


/// JSON text parsed with a bounded nesting depth; errors become runtime_error.
nlohmann::json parseBounded(const char* begin, const char* end, const std::string& what)
{
    try
    {
        return nlohmann::json::parse(
            begin, end,
            [&what](int depth, nlohmann::json::parse_event_t, nlohmann::json&)
            {
                if (depth > arrayArchiveLimits::maxJsonDepth)
                {
                    throw std::runtime_error(
                        what + ": JSON nested deeper than "
                        + std::to_string(arrayArchiveLimits::maxJsonDepth) + " levels"
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


/// The bytes an array of `shape` and `itemSize`-byte elements holds, false
/// when a size is negative or the shape overflows: both the element count
/// and the count with empty dimensions taken as 1 (which bounds the strides)
/// stay within what int64 can address.
bool bytesOfShape(const std::vector<int64_t>& shape, uint64_t itemSize, uint64_t& bytes)
{
    const uint64_t limit = uint64_t(std::numeric_limits<int64_t>::max()) / itemSize;
    uint64_t numel = 1;
    uint64_t extent = 1;
    for (const int64_t size : shape)
    {
        if (size < 0 || !multiplyWithin(numel, uint64_t(size), limit, numel)
            || !multiplyWithin(extent, std::max<uint64_t>(uint64_t(size), 1), limit, extent))
        {
            return false;
        }
    }
    bytes = numel * itemSize;
    return true;
}


/// Throws unless the `bytes` at `first` of a bool array are all 0 or 1.
void checkBools(const char* first, uint64_t bytes, const std::string& what)
{
    for (uint64_t i = 0; i < bytes; ++i)
    {
        if (uint8_t(first[i]) > 1)
        {
            throw std::runtime_error(what + ": bool value " + std::to_string(uint8_t(first[i])));
        }
    }
}


/// The header entry of `array` at `offset`, or an error naming it.
nlohmann::json headerEntry(const std::string& name, const RawArrayView& array, uint64_t offset)
{
    const std::string what = "tensor archive: tensor '" + name + "'";
    const size_t itemSize = arrayDtypeSize(array.dtype);
    if (!itemSize)
    {
        throw std::runtime_error(
            what + " has dtype '" + array.dtype + "', which the format does not hold"
        );
    }
    uint64_t bytes = 0;
    if (array.shape.size() > arrayArchiveLimits::maxDims
        || !bytesOfShape(array.shape, itemSize, bytes))
    {
        throw std::runtime_error(
            what + ": shape " + nlohmann::json(array.shape).dump() + " is not at most "
            + std::to_string(arrayArchiveLimits::maxDims) + " sizes >= 0 within int64"
        );
    }
    if (bytes != array.bytes || (bytes && !array.data))
    {
        throw std::runtime_error(
            what + ": holds " + std::to_string(array.bytes) + " bytes, its shape and dtype make "
            + std::to_string(bytes)
        );
    }
    if (array.dtype == "bool")
    {
        checkBools(array.data, array.bytes, what);
    }
    return {{"dtype", array.dtype}, {"shape", array.shape}, {"offset", offset}, {"bytes", bytes}};
}


/// One array of the header, checked against the data section.
RawArrayView viewArray(
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

    RawArrayView array;
    const auto& dtypeJson = field("dtype");
    const size_t itemSize =
        dtypeJson.is_string() ? arrayDtypeSize(dtypeJson.get_ref<const std::string&>()) : 0;
    if (!itemSize)
    {
        throw std::runtime_error(
            what + ": dtype " + dtypeJson.dump()
            + " is not one of float32, float64, float16, bfloat16, int64, bool"
        );
    }
    array.dtype = dtypeJson.get<std::string>();

    const auto& shapeJson = field("shape");
    if (!shapeJson.is_array() || shapeJson.size() > arrayArchiveLimits::maxDims)
    {
        throw std::runtime_error(
            what + ": shape is not an array of at most "
            + std::to_string(arrayArchiveLimits::maxDims) + " sizes"
        );
    }
    const uint64_t sizeLimit = uint64_t(std::numeric_limits<int64_t>::max());
    for (const auto& d : shapeJson)
    {
        const uint64_t size = unsignedOf(d, "a size of the shape", what);
        if (size > sizeLimit)
        {
            throw std::runtime_error(what + ": shape " + shapeJson.dump() + " overflows");
        }
        array.shape.push_back(int64_t(size));
    }
    uint64_t shapeBytes = 0;
    if (!bytesOfShape(array.shape, itemSize, shapeBytes))
    {
        throw std::runtime_error(what + ": shape " + shapeJson.dump() + " overflows");
    }

    const uint64_t offset = unsignedOf(field("offset"), "offset", what);
    array.bytes = unsignedOf(field("bytes"), "bytes", what);
    if (array.bytes != shapeBytes)
    {
        throw std::runtime_error(
            what + ": holds " + std::to_string(array.bytes) + " bytes, its shape "
            + shapeJson.dump() + " and dtype " + array.dtype + " make " + std::to_string(shapeBytes)
        );
    }
    if (offset > dataSize || array.bytes > dataSize - offset)
    {
        throw std::runtime_error(
            what + ": bytes " + std::to_string(offset) + " + " + std::to_string(array.bytes)
            + " lie past the end of the " + std::to_string(dataSize) + " data bytes (truncated?)"
        );
    }
    if (array.bytes > dataSize - claimed)
    {
        throw std::runtime_error(what + ": the tensors claim more bytes than the data holds");
    }
    claimed += array.bytes;

    array.data = data + offset;
    if (array.dtype == "bool")
    {
        checkBools(array.data, array.bytes, what);
    }
    return array;
}

} // namespace


size_t arrayDtypeSize(const std::string& dtype)
{
    for (const auto& d : dtypes)
    {
        if (dtype == d.name)
        {
            return d.size;
        }
    }
    return 0;
}


std::string encodeArrayArchive(
    const std::string& metadataText,
    const std::map<std::string, RawArrayView>& arrays
)
{
    nlohmann::json metadata = nlohmann::json::object();
    if (!metadataText.empty())
    {
        metadata = parseBounded(
            metadataText.data(), metadataText.data() + metadataText.size(),
            "tensor archive metadata"
        );
    }
    if (!metadata.is_object())
    {
        throw std::runtime_error("tensor archive metadata is not a JSON object");
    }

    nlohmann::json tensors = nlohmann::json::object();
    uint64_t offset = 0;
    for (const auto& item : arrays)
    {
        tensors[item.first] = headerEntry(item.first, item.second, offset);
        offset += item.second.bytes;
    }

    const std::string header = nlohmann::json{{"metadata", metadata}, {"tensors", tensors}}.dump();
    const uint64_t length = header.size();
    std::string out(reinterpret_cast<const char*>(&length), lengthSize);
    out.reserve(lengthSize + header.size() + offset);
    out += header;
    for (const auto& item : arrays)
    {
        if (item.second.bytes)
        {
            out.append(item.second.data, item.second.bytes);
        }
    }
    return out;
}


std::string encodeArrayArchive(const ArrayArchive& archive)
{
    std::map<std::string, RawArrayView> views;
    for (const auto& item : archive.arrays)
    {
        views[item.first] = {
            item.second.dtype, item.second.shape, item.second.bytes.data(),
            item.second.bytes.size()};
    }
    return encodeArrayArchive(archive.metadata, views);
}


ArrayArchiveView viewArrayArchive(const std::string& bytes, const std::string& what)
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

    ArrayArchiveView archive;
    archive.metadata = metadata->dump();
    const char* data = headerBegin + length;
    const uint64_t dataSize = bytes.size() - lengthSize - length;
    uint64_t claimed = 0;
    for (const auto& item : tensors->items())
    {
        archive.arrays[item.key()] = viewArray(
            item.value(), data, dataSize, claimed, what + ": tensor '" + item.key() + "'"
        );
    }
    return archive;
}


ArrayArchive decodeArrayArchive(const std::string& bytes, const std::string& what)
{
    const ArrayArchiveView view = viewArrayArchive(bytes, what);
    ArrayArchive archive;
    archive.metadata = view.metadata;
    for (const auto& item : view.arrays)
    {
        archive.arrays[item.first] = {
            item.second.dtype, item.second.shape, std::string(item.second.data, item.second.bytes)};
    }
    return archive;
}

} // namespace nop
