// Model files: bitwise round trip and a clear error for each kind of bad file.

#include "TestSupport.hpp"

#include "io/ModelFile.hpp"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

using namespace nop;

namespace
{

Surrogate trainedLookingSurrogate()
{
    torch::manual_seed(9);
    Surrogate s(FNOOptions(2, 3, {8, 6}).hiddenChannels(8).nLayers(2).stabiliser(Stabiliser::tanh)
        .domainPadding(0.25));
    s.inputNormaliser = GaussianNormaliser::fit(torch::randn({5, 2, 4, 4}));
    s.outputNormaliser = GaussianNormaliser::fit(torch::randn({5, 3, 4, 4})*3 + 1);
    s.inputNames = {"x"};
    s.outputNames = {"y"};
    s.inputShape = {2, 16, 12};
    s.outputShape = {3, 16, 12};
    s.summaryJson = R"({"epochs": 3})";
    return s;
}


std::string readBytes(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}


void writeBytes(const std::string& path, const std::string& bytes)
{
    std::ofstream(path, std::ios::binary | std::ios::trunc).write(bytes.data(), std::streamsize(bytes.size()));
}


/// The message of loading `path`, which must fail.
std::string loadError(const std::string& path)
{
    try
    {
        loadModelFile(path);
    }
    catch (const std::runtime_error& e)
    {
        return e.what();
    }
    ADD_FAILURE() << "loading " << path << " did not fail";
    return "";
}


class ModelFileTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        path = dir.file("model.nop");
        auto s = trainedLookingSurrogate();
        saveModelFile(path, s);
        good = readBytes(path);
    }

    /// Write a variant of the good file with its metadata changed by `edit`.
    std::string withMetadata(const std::function<void(nlohmann::json&)>& edit)
    {
        auto contents = readModelFileContents(path);
        auto metadata = nlohmann::json::parse(contents.metadata);
        edit(metadata);
        contents.metadata = metadata.dump();
        const auto variant = dir.file("variant.nop");
        writeBytes(variant, encodeModelFile(contents));
        return variant;
    }

    test::TemporaryDirectory dir;
    std::string path;
    std::string good;
};

} // namespace


TEST_F(ModelFileTest, RoundTripIsBitwise)
{
    auto original = trainedLookingSurrogate();
    auto loaded = loadModelFile(path);

    const auto a = original.model->named_parameters();
    const auto b = loaded.model->named_parameters();
    ASSERT_EQ(a.size(), b.size());
    for (const auto& item : a)
    {
        EXPECT_TRUE(torch::equal(item.value(), b[item.key()])) << item.key();
    }
    EXPECT_TRUE(torch::equal(original.outputNormaliser.std(), loaded.outputNormaliser.std()));
    EXPECT_EQ(loaded.inputNames, original.inputNames);
    EXPECT_EQ(loaded.outputShape, original.outputShape);
    EXPECT_EQ(loaded.model->options.stabiliser(), Stabiliser::tanh);
    EXPECT_EQ(loaded.model->options.domainPadding(), 0.25);
    EXPECT_EQ(nlohmann::json::parse(loaded.summaryJson)["epochs"], 3);

    torch::NoGradGuard noGrad;
    original.model->eval();
    const auto x = torch::randn({2, 2, 16, 12});
    EXPECT_TRUE(torch::equal(original.predict(x), loaded.predict(x)));

    // Atomic save leaves no temporary beside the file.
    EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path), {}), 1);
}


TEST_F(ModelFileTest, MissingFile)
{
    const auto e = loadError(dir.file("absent.nop"));
    EXPECT_NE(e.find("cannot open"), std::string::npos) << e;
}


TEST_F(ModelFileTest, NotAModelFile)
{
    const auto other = dir.file("other.pt");
    writeBytes(other, "PK\x03\x04 some zip archive, not ours, long enough to have a header");
    const auto e = loadError(other);
    EXPECT_NE(e.find(other), std::string::npos) << e;
    EXPECT_NE(e.find("not a neural-operator model file"), std::string::npos) << e;
}


TEST_F(ModelFileTest, Truncated)
{
    for (size_t keep : {size_t(5), size_t(40), good.size()/2, good.size() - 1})
    {
        writeBytes(path, good.substr(0, keep));
        const auto e = loadError(path);
        EXPECT_TRUE(e.find("truncated") != std::string::npos
                 || e.find("not a neural-operator") != std::string::npos) << keep << ": " << e;
    }
}


TEST_F(ModelFileTest, Corrupt)
{
    auto bytes = good;
    bytes[bytes.size()/2] ^= 0x5a;
    writeBytes(path, bytes);
    const auto e = loadError(path);
    EXPECT_NE(e.find("checksum"), std::string::npos) << e;
}


TEST_F(ModelFileTest, FutureVersion)
{
    auto bytes = good;
    bytes[8] = char(modelFileVersion + 1);   // version: little-endian uint32 after the magic
    writeBytes(path, bytes);
    const auto e = loadError(path);
    EXPECT_NE(e.find("format version " + std::to_string(modelFileVersion + 1)), std::string::npos) << e;
}


TEST_F(ModelFileTest, WrongKind)
{
    const auto e = loadError(withMetadata([](nlohmann::json& m) { m["kind"] = "GINO"; }));
    EXPECT_NE(e.find("kind 'GINO'"), std::string::npos) << e;
}


TEST_F(ModelFileTest, TensorsThatDoNotFitTheOptions)
{
    auto e = loadError(withMetadata([](nlohmann::json& m) { m["fno"]["hiddenChannels"] = 16; }));
    EXPECT_NE(e.find("has shape"), std::string::npos) << e;

    e = loadError(withMetadata([](nlohmann::json& m) { m["fno"]["nLayers"] = 3; }));
    EXPECT_NE(e.find("lacks parameter"), std::string::npos) << e;

    e = loadError(withMetadata([](nlohmann::json& m) { m["fno"].erase("modes"); }));
    EXPECT_NE(e.find("'modes'"), std::string::npos) << e;
}
