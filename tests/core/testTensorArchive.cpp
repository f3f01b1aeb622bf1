// Tensor archives: round trip, and a clear error (never a crash, never a
// large allocation) for every kind of malformed input.

#include "TestSupport.hpp"

#include "nop/io/TensorArchive.hpp"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <fstream>

#include <sys/stat.h>
#include <unistd.h>

using namespace nop;

namespace
{

/// An archive made by hand: the length, `header` and `data`.
std::string rawArchive(const nlohmann::json& header, const std::string& data)
{
    const std::string text = header.dump();
    const uint64_t length = text.size();
    return std::string(reinterpret_cast<const char*>(&length), sizeof length) + text + data;
}


/// A one-tensor header around `entry`.
nlohmann::json oneTensor(const nlohmann::json& entry)
{
    return {{"metadata", nlohmann::json::object()}, {"tensors", {{"w", entry}}}};
}


/// The message of decoding `bytes`, which must fail.
std::string decodeError(const std::string& bytes)
{
    try
    {
        decodeTensorArchive(bytes, "archive 'x'");
    }
    catch (const std::runtime_error& e)
    {
        return e.what();
    }
    ADD_FAILURE() << "decoding did not fail";
    return "";
}


std::string readError(const std::string& path, uint64_t maxBytes = 1 << 20)
{
    try
    {
        readRegularFile(path, maxBytes, "model file");
    }
    catch (const std::runtime_error& e)
    {
        return e.what();
    }
    ADD_FAILURE() << "reading " << path << " did not fail";
    return "";
}

} // namespace


TEST(TensorArchive, RoundTripIsBitwiseForEveryDtype)
{
    TensorArchive archive;
    archive.metadata = R"({"kind": "FNO", "nested": {"a": [1, 2.5, null]}})";
    archive.tensors["f32"] = torch::randn({3, 4});
    archive.tensors["f64"] = torch::randn({2, 5}, torch::kDouble).t(); // not contiguous
    archive.tensors["f16"] = torch::randn({7}).to(torch::kHalf);
    archive.tensors["bf16"] = torch::randn({2, 2}).to(torch::kBFloat16);
    archive.tensors["i64"] = torch::arange(-5, 5, torch::kLong);
    archive.tensors["bool"] = torch::rand({9}) > 0.5;
    archive.tensors["empty"] = torch::empty({0, 3});
    archive.tensors["scalar"] = torch::tensor(2.5);

    const auto decoded = decodeTensorArchive(encodeTensorArchive(archive), "archive");
    EXPECT_EQ(nlohmann::json::parse(decoded.metadata), nlohmann::json::parse(archive.metadata));
    ASSERT_EQ(decoded.tensors.size(), archive.tensors.size());
    for (const auto& item : archive.tensors)
    {
        const auto& t = decoded.tensors.at(item.first);
        EXPECT_EQ(t.scalar_type(), item.second.scalar_type()) << item.first;
        EXPECT_EQ(t.sizes(), item.second.sizes()) << item.first;
        EXPECT_TRUE(torch::equal(t, item.second)) << item.first;
    }
    // An empty metadata text is an empty object.
    EXPECT_EQ(decodeTensorArchive(encodeTensorArchive({}), "a").metadata, "{}");
}


TEST(TensorArchive, EncodeRefusesWhatTheFormatDoesNotHold)
{
    TensorArchive archive;
    archive.metadata = "[1, 2]";
    EXPECT_THROW(encodeTensorArchive(archive), std::runtime_error);
    archive.metadata = "{";
    EXPECT_THROW(encodeTensorArchive(archive), std::runtime_error);
    archive.metadata = "{}";
    archive.tensors["i32"] = torch::zeros({2}, torch::kInt);
    EXPECT_THROW(encodeTensorArchive(archive), std::runtime_error);
}


TEST(TensorArchive, TruncatedAnywhere)
{
    TensorArchive archive;
    archive.tensors["w"] = torch::randn({4, 4});
    archive.tensors["v"] = torch::randn({3});
    const auto good = encodeTensorArchive(archive);
    for (size_t keep = 0; keep < good.size(); ++keep)
    {
        const auto e = decodeError(good.substr(0, keep));
        EXPECT_EQ(e.rfind("archive 'x': ", 0), 0u) << keep << ": " << e;
    }
}


TEST(TensorArchive, HugeOrLyingHeaderLength)
{
    const auto good = encodeTensorArchive({});
    for (uint64_t length : {uint64_t(-1), uint64_t(-8), uint64_t(1) << 62, uint64_t(good.size())})
    {
        auto bytes = good;
        std::memcpy(bytes.data(), &length, sizeof length);
        EXPECT_HAS(decodeError(bytes), "truncated");
    }
    EXPECT_HAS(decodeError(std::string("\3\0\0\0\0\0\0\0{{{", 11)), "malformed JSON");
    EXPECT_HAS(decodeError(rawArchive(nlohmann::json::array(), "")), "not a JSON object");
    EXPECT_HAS(decodeError(rawArchive({{"tensors", nlohmann::json::object()}}, "")), "'metadata'");
    EXPECT_HAS(
        decodeError(rawArchive({{"metadata", 3}, {"tensors", nlohmann::json::object()}}, "")),
        "'metadata'"
    );
    EXPECT_HAS(decodeError(rawArchive({{"metadata", nlohmann::json::object()}}, "")), "'tensors'");

    // Deep nesting is refused before anything recursive can overflow the stack.
    const std::string deep = std::string(100000, '[') + std::string(100000, ']');
    const uint64_t deepLength = deep.size();
    EXPECT_HAS(
        decodeError(std::string(reinterpret_cast<const char*>(&deepLength), 8) + deep),
        "nested deeper"
    );
}


TEST(TensorArchive, LyingSizesAndOffsets)
{
    const std::string data(64, '\0');
    const auto entry = [](nlohmann::json shape, uint64_t offset, uint64_t bytes,
                          const std::string& dtype = "float32")
    {
        return nlohmann::json{
            {"dtype", dtype}, {"shape", shape}, {"offset", offset}, {"bytes", bytes}};
    };
    // The good one, to show the others fail for their one fault.
    EXPECT_EQ(
        decodeTensorArchive(rawArchive(oneTensor(entry({4, 4}, 0, 64)), data), "a")
            .tensors.at("w")
            .sizes(),
        (std::vector<int64_t>{4, 4})
    );

    EXPECT_HAS(decodeError(rawArchive(oneTensor(entry({4, 4}, 0, 60)), data)), "make 64");
    EXPECT_HAS(decodeError(rawArchive(oneTensor(entry({4, 4}, 4, 64)), data)), "past the end");
    EXPECT_HAS(
        decodeError(rawArchive(oneTensor(entry({4, 4}, 0, 64)), data.substr(0, 63))), "past the end"
    );
    EXPECT_HAS(
        decodeError(rawArchive(oneTensor(entry({1}, uint64_t(-2), 4)), data)), "past the end"
    );
    EXPECT_HAS(decodeError(rawArchive(oneTensor(entry({1}, 70, 4)), data)), "past the end");

    // 2^62 floats: the element count overflows the bytes an int64 can address.
    EXPECT_HAS(
        decodeError(rawArchive(oneTensor(entry({int64_t(1) << 62}, 0, 0)), data)), "overflows"
    );
    EXPECT_HAS(
        decodeError(rawArchive(oneTensor(entry({1 << 30, 1 << 30, 1 << 30}, 0, 0)), data)),
        "overflows"
    );
    // An empty dimension does not hide huge strides.
    EXPECT_HAS(
        decodeError(
            rawArchive(oneTensor(entry({0, int64_t(1) << 40, int64_t(1) << 40}, 0, 0)), data)
        ),
        "overflows"
    );
    // Claims within int64 but beyond the data: refused before allocating.
    EXPECT_HAS(
        decodeError(rawArchive(oneTensor(entry({int64_t(1) << 32}, 0, uint64_t(1) << 34)), data)),
        "past the end"
    );

    auto bad = entry({2}, 0, 8);
    bad["shape"] = {-2};
    EXPECT_HAS(decodeError(rawArchive(oneTensor(bad), data)), "non-negative integer");
    bad["shape"] = {2.0};
    EXPECT_HAS(decodeError(rawArchive(oneTensor(bad), data)), "non-negative integer");
    bad["shape"] = nlohmann::json::array();
    for (int i = 0; i < 17; ++i)
        bad["shape"].push_back(1);
    EXPECT_HAS(decodeError(rawArchive(oneTensor(bad), data)), "at most 16");
    bad["shape"] = "2";
    EXPECT_HAS(decodeError(rawArchive(oneTensor(bad), data)), "shape");
    bad = entry({2}, 0, 8);
    bad["offset"] = -1;
    EXPECT_HAS(decodeError(rawArchive(oneTensor(bad), data)), "offset");
    bad.erase("offset");
    EXPECT_HAS(decodeError(rawArchive(oneTensor(bad), data)), "lacks 'offset'");
    EXPECT_HAS(decodeError(rawArchive(oneTensor(3), data)), "not an object");

    // Bad dtypes.
    EXPECT_HAS(
        decodeError(rawArchive(oneTensor(entry({2}, 0, 8, "int32")), data)), "dtype \"int32\""
    );
    bad = entry({2}, 0, 8);
    bad["dtype"] = 7;
    EXPECT_HAS(decodeError(rawArchive(oneTensor(bad), data)), "dtype 7");
    EXPECT_HAS(
        decodeError(rawArchive(oneTensor(entry({2}, 0, 2, "bool")), std::string("\1\2"))),
        "bool value 2"
    );
}


TEST(TensorArchive, OverlappingTensorsCannotMultiplyTheAllocation)
{
    // A thousand tensors all on the same 64 bytes would allocate 64 kB from a
    // 64-byte data section: refused.
    nlohmann::json header{
        {"metadata", nlohmann::json::object()}, {"tensors", nlohmann::json::object()}};
    for (int i = 0; i < 1000; ++i)
    {
        header["tensors"]["t" + std::to_string(i)] = {
            {"dtype", "float32"}, {"shape", {16}}, {"offset", 0}, {"bytes", 64}};
    }
    EXPECT_HAS(decodeError(rawArchive(header, std::string(64, '\0'))), "claim more bytes");
}


TEST(TensorArchive, ReadRegularFileRefusesWhatIsNotOne)
{
    test::TemporaryDirectory dir;
    const auto file = dir.file("model.nop");
    std::ofstream(file) << "0123456789";
    EXPECT_EQ(readRegularFile(file, 10, "model file"), "0123456789");

    const auto link = dir.file("link.nop");
    ASSERT_EQ(::symlink(file.c_str(), link.c_str()), 0);
    EXPECT_EQ(readRegularFile(link, 10, "model file"), "0123456789");

    auto e = readError(file, 9);
    EXPECT_HAS(e, "more than the 9");
    EXPECT_HAS(e, file);

    e = readError(dir.file("absent"));
    EXPECT_HAS(e, "cannot open");
    EXPECT_HAS(e, "No such file or directory");

    EXPECT_HAS(readError(dir.path.string()), "is a directory");

    // A FIFO with no writer: refused at once, not a hang.
    const auto fifo = dir.file("fifo");
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    EXPECT_HAS(readError(fifo), "is a FIFO");

    EXPECT_HAS(readError("/dev/null"), "is a device");

    const auto loop = dir.file("loop");
    ASSERT_EQ(::symlink(loop.c_str(), loop.c_str()), 0);
    EXPECT_HAS(readError(loop), "Too many levels of symbolic links");

    if (::geteuid() != 0)
    {
        const auto locked = dir.file("locked.nop");
        std::ofstream(locked) << "x";
        ::chmod(locked.c_str(), 0);
        EXPECT_HAS(readError(locked), "Permission denied");
    }
}
