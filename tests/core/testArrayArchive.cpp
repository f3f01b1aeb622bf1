// Array archives, the torch-free layer under tensor archives: round trip,
// the layout byte for byte (shared with TensorArchive), views that copy
// nothing, and refusals on encoding and decoding.

#include "TestSupport.hpp"

#include "nop/io/ArrayArchive.hpp"
#include "nop/io/TensorArchive.hpp"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <cstring>

using namespace nop;

namespace
{

template<class T> std::string bytesOf(const std::vector<T>& values)
{
    return std::string(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(T));
}


std::string withLength(const std::string& header)
{
    const uint64_t length = header.size();
    return std::string(reinterpret_cast<const char*>(&length), sizeof length) + header;
}


/// The message of `f`, which must throw std::runtime_error.
template<class F> std::string errorOf(F f)
{
    try
    {
        f();
    }
    catch (const std::runtime_error& e)
    {
        return e.what();
    }
    ADD_FAILURE() << "did not throw";
    return "";
}

} // namespace


TEST(ArrayArchive, RoundTripKeepsEveryDtypeShapeAndByte)
{
    ArrayArchive archive;
    archive.metadata = R"({"key": "set-up", "nested": {"a": [1, 2.5, null]}})";
    archive.arrays["f32"] = {"float32", {2, 3}, bytesOf(std::vector<float>{1, 2, 3, 4, 5, 6})};
    archive.arrays["f64"] = {"float64", {1}, bytesOf(std::vector<double>{-0.5})};
    archive.arrays["f16"] = {"float16", {3}, std::string("\x00\x3c\x00\xbc\xff\x7b", 6)};
    archive.arrays["bf16"] = {"bfloat16", {1, 1}, std::string("\x80\x3f", 2)};
    archive.arrays["i64"] = {"int64", {2}, bytesOf(std::vector<int64_t>{-7, int64_t(1) << 40})};
    archive.arrays["bool"] = {"bool", {3}, std::string("\1\0\1", 3)};
    archive.arrays["empty"] = {"float32", {0, 3}, ""};
    archive.arrays["scalar"] = {"float32", {}, bytesOf(std::vector<float>{2.5f})};

    const auto decoded = decodeArrayArchive(encodeArrayArchive(archive), "archive");
    EXPECT_EQ(nlohmann::json::parse(decoded.metadata), nlohmann::json::parse(archive.metadata));
    ASSERT_EQ(decoded.arrays.size(), archive.arrays.size());
    for (const auto& item : archive.arrays)
    {
        const RawArray& a = decoded.arrays.at(item.first);
        EXPECT_EQ(a.dtype, item.second.dtype) << item.first;
        EXPECT_EQ(a.shape, item.second.shape) << item.first;
        EXPECT_EQ(a.bytes, item.second.bytes) << item.first;
    }
    EXPECT_EQ(decodeArrayArchive(encodeArrayArchive(ArrayArchive{}), "a").metadata, "{}");
}


TEST(ArrayArchive, LayoutIsTheDocumentedOneAndTensorArchivesShareIt)
{
    const std::vector<float> values{1.f, -2.f};
    const std::string expected =
        withLength(R"({"metadata":{"a":1},"tensors":{"v":{"bytes":8,"dtype":"float32","offset":0,)"
                   R"("shape":[2]},"w":{"bytes":8,"dtype":"int64","offset":8,"shape":[1,1]}}})")
        + bytesOf(values) + bytesOf(std::vector<int64_t>{3});

    ArrayArchive archive;
    archive.metadata = R"({"a": 1})";
    archive.arrays["v"] = {"float32", {2}, bytesOf(values)};
    archive.arrays["w"] = {"int64", {1, 1}, bytesOf(std::vector<int64_t>{3})};
    EXPECT_EQ(encodeArrayArchive(archive), expected);

    TensorArchive tensors;
    tensors.metadata = archive.metadata;
    tensors.tensors["v"] = torch::tensor({1.f, -2.f});
    tensors.tensors["w"] = torch::full({1, 1}, 3, torch::kLong);
    EXPECT_EQ(encodeTensorArchive(tensors), expected);

    const auto back = decodeTensorArchive(expected, "archive");
    EXPECT_TRUE(torch::equal(back.tensors.at("v"), tensors.tensors.at("v")));
    EXPECT_TRUE(torch::equal(back.tensors.at("w"), tensors.tensors.at("w")));
}


TEST(ArrayArchive, ViewsPointIntoTheBytesAndEncodeFromTheCallersMemory)
{
    const std::vector<float> values{1.f, 2.f, 3.f, 4.f};
    const std::map<std::string, RawArrayView> arrays{
        {"x", {"float32", {2, 2}, reinterpret_cast<const char*>(values.data()), 16}}};
    const std::string bytes = encodeArrayArchive(R"({"k": "v"})", arrays);

    const ArrayArchiveView view = viewArrayArchive(bytes, "archive");
    EXPECT_EQ(view.metadata, R"({"k":"v"})");
    const RawArrayView& x = view.arrays.at("x");
    EXPECT_EQ(x.shape, (std::vector<int64_t>{2, 2}));
    ASSERT_EQ(x.bytes, 16u);
    EXPECT_EQ(x.data, bytes.data() + bytes.size() - 16);
    EXPECT_EQ(std::memcmp(x.data, values.data(), 16), 0);
    // Re-encoding a view gives the same bytes.
    EXPECT_EQ(encodeArrayArchive(view.metadata, view.arrays), bytes);
}


TEST(ArrayArchive, EncodeRefusesWhatCouldNotBeDecoded)
{
    const auto encodeOne = [](RawArray array, const std::string& metadata = "{}")
    {
        ArrayArchive archive;
        archive.metadata = metadata;
        archive.arrays["a"] = std::move(array);
        return encodeArrayArchive(archive);
    };
    const std::string four(4, '\0');
    EXPECT_NO_THROW(encodeOne({"float32", {1}, four}));

    EXPECT_HAS(errorOf([&] { encodeOne({"int32", {1}, four}); }), "dtype 'int32'");
    EXPECT_HAS(errorOf([&] { encodeOne({"float32", {2}, four}); }), "make 8");
    EXPECT_HAS(errorOf([&] { encodeOne({"float32", {-1}, four}); }), "sizes >= 0");
    EXPECT_HAS(
        errorOf(
            [&] {
                encodeOne({"float32", std::vector<int64_t>(17, 1), four});
            }
        ),
        "at most 16"
    );
    EXPECT_HAS(errorOf([&] { encodeOne({"float32", {int64_t(1) << 62}, four}); }), "within int64");
    EXPECT_HAS(errorOf([&] { encodeOne({"bool", {2}, std::string("\1\2", 2)}); }), "bool value 2");
    EXPECT_HAS(errorOf([&] { encodeOne({"float32", {1}, four}, "[1]"); }), "not a JSON object");
    EXPECT_HAS(errorOf([&] { encodeOne({"float32", {1}, four}, "{"); }), "malformed JSON");
    // A view of no memory that claims bytes.
    EXPECT_HAS(
        errorOf(
            [] {
                encodeArrayArchive("{}", {{"a", {"float32", {1}, nullptr, 4}}});
            }
        ),
        "make 4"
    );
}


TEST(ArrayArchive, DecodeRefusesWithTheSameChecksAsTensorArchives)
{
    ArrayArchive archive;
    archive.arrays["w"] = {"float32", {4, 4}, std::string(64, '\1')};
    archive.arrays["v"] = {"bool", {3}, std::string("\0\1\0", 3)};
    const std::string good = encodeArrayArchive(archive);
    for (size_t keep = 0; keep < good.size(); ++keep)
    {
        const auto e = errorOf([&] { decodeArrayArchive(good.substr(0, keep), "archive 'x'"); });
        EXPECT_EQ(e.rfind("archive 'x': ", 0), 0u) << keep << ": " << e;
    }

    // A bool byte that is neither 0 nor 1, in the data of a valid header.
    std::string badBool = good;
    badBool[badBool.size() - 64 - 2] = '\5';
    EXPECT_HAS(errorOf([&] { decodeArrayArchive(badBool, "a"); }), "bool value 5");

    // Two arrays on the same bytes, more than the data holds: no copy is
    // made beyond the input's size.
    nlohmann::json header{
        {"metadata", nlohmann::json::object()},
        {"tensors",
         {{"a", {{"dtype", "float32"}, {"shape", {16}}, {"offset", 0}, {"bytes", 64}}},
          {"b", {{"dtype", "float32"}, {"shape", {16}}, {"offset", 0}, {"bytes", 64}}}}}};
    const std::string shared = withLength(header.dump()) + std::string(64, '\0');
    EXPECT_HAS(errorOf([&] { decodeArrayArchive(shared, "a"); }), "claim more bytes");
    EXPECT_NO_THROW(viewArrayArchive(withLength(header.dump()) + std::string(128, '\0'), "a"));
}
