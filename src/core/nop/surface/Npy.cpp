#include "nop/surface/Npy.hpp"

#include "nop/io/TensorArchive.hpp"

#include <algorithm>
#include <cstring>
#include <limits>
#include <optional>
#include <stdexcept>
#include <vector>

namespace nop
{

namespace
{

static_assert(
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
    "the .npy reader copies little-endian data as is"
);

std::runtime_error error(const std::string& what, const std::string& why)
{
    return std::runtime_error(what + ": " + why);
}


/// The header dict, parsed by hand: a cursor over its text.
class HeaderParser
{
public:
    HeaderParser(const std::string& text, const std::string& what) :
        text_(text),
        what_(what)
    {}

    void skipSpace()
    {
        while (at_ < text_.size() && (text_[at_] == ' ' || text_[at_] == '\t'))
        {
            ++at_;
        }
    }

    bool accept(char c)
    {
        skipSpace();
        if (at_ < text_.size() && text_[at_] == c)
        {
            ++at_;
            return true;
        }
        return false;
    }

    void expect(char c)
    {
        if (!accept(c))
        {
            fail(std::string("expected '") + c + "'");
        }
    }

    /// A quoted string without escapes.
    std::string string()
    {
        skipSpace();
        if (at_ >= text_.size() || (text_[at_] != '\'' && text_[at_] != '"'))
        {
            fail("expected a quoted string");
        }
        const char quote = text_[at_++];
        const size_t begin = at_;
        while (at_ < text_.size() && text_[at_] != quote)
        {
            if (text_[at_] == '\\')
            {
                fail("escapes in strings are not read");
            }
            ++at_;
        }
        if (at_ >= text_.size())
        {
            fail("unterminated string");
        }
        return text_.substr(begin, at_++ - begin);
    }

    /// The word True or False.
    bool boolean()
    {
        skipSpace();
        for (const auto& [word, value] : {std::pair{"True", true}, std::pair{"False", false}})
        {
            const size_t length = std::strlen(word);
            if (text_.compare(at_, length, word) == 0)
            {
                at_ += length;
                return value;
            }
        }
        fail("expected True or False");
    }

    /// A tuple of non-negative integers: (), (3682,), (2, 3) or (2, 3,).
    std::vector<int64_t> shape()
    {
        expect('(');
        std::vector<int64_t> sizes;
        while (!accept(')'))
        {
            sizes.push_back(integer());
            if (accept(')'))
            {
                if (sizes.size() == 1)
                {
                    fail("a shape of one dimension needs a trailing comma, as in (3,)");
                }
                break;
            }
            expect(',');
        }
        return sizes;
    }

    /// After the closing brace: spaces, then one newline that ends the header.
    void expectEnd()
    {
        skipSpace();
        if (at_ + 1 != text_.size() || text_[at_] != '\n')
        {
            fail("the header dict is not followed by spaces and one newline only");
        }
    }

    [[noreturn]] void fail(const std::string& why) const
    {
        throw error(
            what_, "malformed .npy header at character " + std::to_string(at_) + ": " + why
        );
    }

private:
    int64_t integer()
    {
        skipSpace();
        const size_t begin = at_;
        int64_t value = 0;
        while (at_ < text_.size() && text_[at_] >= '0' && text_[at_] <= '9')
        {
            if (value > (std::numeric_limits<int64_t>::max() - 9) / 10)
            {
                fail("a dimension too large");
            }
            value = value * 10 + (text_[at_++] - '0');
        }
        if (at_ == begin)
        {
            fail("expected a non-negative integer");
        }
        return value;
    }

    const std::string& text_;
    const std::string& what_;
    size_t at_ = 0;
};


struct Header
{
    torch::ScalarType dtype;
    int64_t itemSize;
    std::vector<int64_t> shape;
};


Header parseHeader(const std::string& text, const std::string& what)
{
    HeaderParser parser(text, what);
    std::optional<std::string> descr;
    std::optional<bool> fortranOrder;
    std::optional<std::vector<int64_t>> shape;
    parser.expect('{');
    while (!parser.accept('}'))
    {
        const std::string key = parser.string();
        parser.expect(':');
        if (key == "descr" && !descr)
        {
            descr = parser.string();
        }
        else if (key == "fortran_order" && !fortranOrder)
        {
            fortranOrder = parser.boolean();
        }
        else if (key == "shape" && !shape)
        {
            shape = parser.shape();
        }
        else
        {
            parser.fail(
                "key '" + key + "' unknown or repeated (expected descr, fortran_order, shape)"
            );
        }
        if (!parser.accept(','))
        {
            parser.expect('}');
            break;
        }
    }
    parser.expectEnd();
    if (!descr || !fortranOrder || !shape)
    {
        throw error(what, "the .npy header lacks one of descr, fortran_order, shape");
    }
    if (*fortranOrder)
    {
        throw error(what, "fortran_order True (column-major data) is not read; save it C-ordered");
    }
    struct Type
    {
        const char* descr;
        torch::ScalarType dtype;
        int64_t itemSize;
    };
    static const Type types[] = {
        {"<f8", torch::kDouble, 8}, {"<f4", torch::kFloat, 4}, {"<i8", torch::kLong, 8}};
    for (const auto& type : types)
    {
        if (*descr == type.descr)
        {
            return {type.dtype, type.itemSize, *shape};
        }
    }
    throw error(what, "descr '" + *descr + "' is not read (expected '<f8', '<f4' or '<i8')");
}

} // namespace


torch::Tensor decodeNpy(const std::string& bytes, const std::string& what)
{
    static const std::string magic = "\x93NUMPY";
    if (bytes.size() < magic.size() + 2 || bytes.compare(0, magic.size(), magic) != 0)
    {
        throw error(what, "not a .npy file (no \\x93NUMPY magic)");
    }
    const auto byte = [&](size_t at) { return uint64_t(uint8_t(bytes[at])); };
    const uint64_t major = byte(6);
    const uint64_t minor = byte(7);
    if ((major != 1 && major != 2) || minor != 0)
    {
        throw error(
            what, ".npy version " + std::to_string(major) + "." + std::to_string(minor)
                      + " is not read (expected 1.0 or 2.0)"
        );
    }
    const size_t lengthSize = major == 1 ? 2 : 4;
    const size_t headerBegin = magic.size() + 2 + lengthSize;
    if (bytes.size() < headerBegin)
    {
        throw error(what, "truncated .npy file (no header length)");
    }
    uint64_t headerLength = 0;
    for (size_t i = 0; i < lengthSize; ++i)
    {
        headerLength |= byte(magic.size() + 2 + i) << (8 * i);
    }
    if (headerLength > bytes.size() - headerBegin)
    {
        throw error(
            what, "truncated .npy file (a header of " + std::to_string(headerLength) + " bytes, "
                      + std::to_string(bytes.size() - headerBegin) + " present)"
        );
    }
    const auto header = parseHeader(bytes.substr(headerBegin, headerLength), what);

    const uint64_t dataBegin = headerBegin + headerLength;
    const uint64_t dataSize = bytes.size() - dataBegin;
    const bool empty = std::count(header.shape.begin(), header.shape.end(), 0) > 0;
    uint64_t expected = empty ? 0 : uint64_t(header.itemSize);
    for (const int64_t size : header.shape)
    {
        // expected * size > dataSize, without overflowing
        if (!empty && expected > dataSize / uint64_t(size))
        {
            throw error(
                what, "the shape needs more than the " + std::to_string(dataSize)
                          + " bytes of data the file holds (truncated)"
            );
        }
        expected *= uint64_t(size);
    }
    if (expected != dataSize)
    {
        throw error(
            what, "the shape needs " + std::to_string(expected) + " bytes of data, the file holds "
                      + std::to_string(dataSize)
        );
    }
    auto tensor = torch::empty(header.shape, torch::TensorOptions().dtype(header.dtype));
    std::memcpy(tensor.data_ptr(), bytes.data() + dataBegin, size_t(dataSize));
    return tensor;
}


torch::Tensor readNpy(const std::string& path, uint64_t maxBytes)
{
    return decodeNpy(readRegularFile(path, maxBytes, ".npy file"), ".npy file '" + path + "'");
}

} // namespace nop
