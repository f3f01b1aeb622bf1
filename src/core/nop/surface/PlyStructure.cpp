#include "nop/surface/PlyStructure.hpp"

#include <cctype>
#include <cstdint>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace nop
{

namespace
{

enum class Format
{
    ascii,
    littleEndian,
    bigEndian
};

struct Property
{
    bool list = false;
    /// The scalar's size; for a list, its items' size.
    int size = 0;
    /// For a list: the size of its length and whether that is signed.
    int countSize = 0;
    bool countSigned = false;
};

struct Element
{
    std::string name;
    uint64_t count = 0;
    std::vector<Property> properties;
};

struct Header
{
    Format format = Format::ascii;
    std::vector<Element> elements;
    size_t dataBegin = 0;
};


/// Bytes of a PLY scalar type, 0 for an unknown name.
int sizeOf(const std::string& type)
{
    for (const auto* name : {"char", "uchar", "int8", "uint8"})
    {
        if (type == name)
        {
            return 1;
        }
    }
    for (const auto* name : {"short", "ushort", "int16", "uint16"})
    {
        if (type == name)
        {
            return 2;
        }
    }
    for (const auto* name : {"int", "uint", "int32", "uint32", "float", "float32"})
    {
        if (type == name)
        {
            return 4;
        }
    }
    return type == "double" || type == "float64" ? 8 : 0;
}


Header parseHeader(const std::string& bytes, const std::string& what)
{
    const auto fail = [&](const std::string& why)
    { return std::runtime_error(what + ": not a PLY file we read: " + why); };
    Header header;
    bool formatSeen = false;
    size_t at = 0;
    for (int lineNumber = 1;; ++lineNumber)
    {
        const size_t end = bytes.find('\n', at);
        if (end == std::string::npos)
        {
            throw fail("the header has no end_header line");
        }
        std::string line = bytes.substr(at, end - at);
        at = end + 1;
        if (!line.empty() && line.back() == '\r')
        {
            line.pop_back();
        }
        std::istringstream words(line);
        std::string keyword;
        words >> keyword;
        const auto bad = [&](const std::string& why)
        { return fail("header line " + std::to_string(lineNumber) + " '" + line + "': " + why); };
        if (lineNumber == 1)
        {
            if (line != "ply")
            {
                throw fail("it does not start with the line 'ply'");
            }
            continue;
        }
        if (keyword == "end_header")
        {
            break;
        }
        if (keyword == "comment" || keyword == "obj_info")
        {
            continue;
        }
        if (keyword == "format")
        {
            std::string format, version;
            words >> format >> version;
            if (version != "1.0")
            {
                throw bad("version 1.0 expected");
            }
            if (format == "ascii")
            {
                header.format = Format::ascii;
            }
            else if (format == "binary_little_endian")
            {
                header.format = Format::littleEndian;
            }
            else if (format == "binary_big_endian")
            {
                header.format = Format::bigEndian;
            }
            else
            {
                throw bad("unknown format");
            }
            formatSeen = true;
        }
        else if (keyword == "element")
        {
            Element element;
            std::string count;
            words >> element.name >> count;
            if (count.empty() || count.find_first_not_of("0123456789") != std::string::npos
                || count.size() > 18)
            {
                throw bad("expected 'element <name> <count>'");
            }
            element.count = std::stoull(count);
            header.elements.push_back(element);
        }
        else if (keyword == "property")
        {
            if (header.elements.empty())
            {
                throw bad("a property before any element");
            }
            Property property;
            std::string type;
            words >> type;
            if (type == "list")
            {
                std::string countType, itemType;
                words >> countType >> itemType;
                property.list = true;
                property.countSize = sizeOf(countType);
                property.countSigned = countType.front() != 'u';
                property.size = sizeOf(itemType);
                const bool integerCount = countType.find("float") == std::string::npos
                                          && countType != "double" && property.countSize != 0;
                if (!integerCount || property.size == 0)
                {
                    throw bad("expected 'property list <integer type> <type> <name>'");
                }
            }
            else
            {
                property.size = sizeOf(type);
                if (property.size == 0)
                {
                    throw bad("unknown property type");
                }
            }
            header.elements.back().properties.push_back(property);
        }
        else
        {
            throw bad("unknown keyword");
        }
    }
    if (!formatSeen)
    {
        throw fail("the header has no format line");
    }
    header.dataBegin = at;
    return header;
}


/// Walks the data of the elements: binary values or ASCII words.
class DataWalker
{
public:
    DataWalker(const std::string& bytes, const Header& header, const std::string& what) :
        bytes_(bytes),
        header_(header),
        what_(what),
        at_(header.dataBegin)
    {}

    void walk()
    {
        for (const auto& element : header_.elements)
        {
            if (element.properties.empty())
            {
                continue;
            }
            for (uint64_t i = 0; i < element.count; ++i)
            {
                for (const auto& property : element.properties)
                {
                    const uint64_t items = property.list ? listLength(property, element, i) : 1;
                    skip(items, property.size, element, i);
                }
            }
        }
    }

private:
    [[noreturn]] void truncated(const Element& element, uint64_t i) const
    {
        throw std::runtime_error(
            what_ + ": truncated PLY file: element '" + element.name + "' " + std::to_string(i)
            + " of " + std::to_string(element.count) + " ends past the end of the file ("
            + std::to_string(bytes_.size()) + " bytes)"
        );
    }

    /// The next ASCII word, or "" at the end.
    std::string word()
    {
        while (at_ < bytes_.size() && std::isspace(static_cast<unsigned char>(bytes_[at_])))
        {
            ++at_;
        }
        const size_t begin = at_;
        while (at_ < bytes_.size() && !std::isspace(static_cast<unsigned char>(bytes_[at_])))
        {
            ++at_;
        }
        return bytes_.substr(begin, at_ - begin);
    }

    uint64_t listLength(const Property& property, const Element& element, uint64_t i)
    {
        if (header_.format == Format::ascii)
        {
            const std::string length = word();
            if (length.empty())
            {
                truncated(element, i);
            }
            if (length.find_first_not_of("0123456789") != std::string::npos || length.size() > 9)
            {
                throw std::runtime_error(
                    what_ + ": element '" + element.name + "' " + std::to_string(i)
                    + ": list length '" + length + "' is not a non-negative integer"
                );
            }
            return std::stoull(length);
        }
        if (uint64_t(property.countSize) > bytes_.size() - at_)
        {
            truncated(element, i);
        }
        uint64_t value = 0;
        for (int b = 0; b < property.countSize; ++b)
        {
            const int shift =
                header_.format == Format::littleEndian ? b : property.countSize - 1 - b;
            value |= uint64_t(uint8_t(bytes_[at_ + size_t(b)])) << (8 * shift);
        }
        at_ += size_t(property.countSize);
        if (property.countSigned && (value >> (8 * property.countSize - 1)) != 0)
        {
            throw std::runtime_error(
                what_ + ": element '" + element.name + "' " + std::to_string(i)
                + ": negative list length"
            );
        }
        return value;
    }

    void skip(uint64_t items, int size, const Element& element, uint64_t i)
    {
        if (header_.format == Format::ascii)
        {
            for (uint64_t k = 0; k < items; ++k)
            {
                if (word().empty())
                {
                    truncated(element, i);
                }
            }
            return;
        }
        if (items * uint64_t(size) > bytes_.size() - at_)
        {
            truncated(element, i);
        }
        at_ += size_t(items * uint64_t(size));
    }

    const std::string& bytes_;
    const Header& header_;
    const std::string& what_;
    size_t at_;
};

} // namespace


void checkPlyStructure(const std::string& bytes, const std::string& what)
{
    const auto header = parseHeader(bytes, what);
    DataWalker(bytes, header, what).walk();
}

} // namespace nop
