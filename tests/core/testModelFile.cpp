// Model files: bitwise round trip and a clear error for each kind of bad file.

#include "TestSupport.hpp"

#include "nop/models/ModelFile.hpp"
#include "nop/models/ModelRegistry.hpp"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include <sys/stat.h>

using namespace nop;

namespace
{

Surrogate trainedLookingSurrogate()
{
    torch::manual_seed(9);
    Surrogate s(FNOOptions(2, 3, {8, 6})
                    .hiddenChannels(8)
                    .nLayers(2)
                    .stabiliser(Stabiliser::tanh)
                    .domainPadding(0.25));
    s.inputNormaliser = GaussianNormaliser::fit(torch::randn({5, 2, 4, 4}));
    s.outputNormaliser = GaussianNormaliser::fit(torch::randn({5, 3, 4, 4}) * 3 + 1);
    s.inputNames = {"x"};
    s.outputNames = {"y"};
    s.resolution = {16, 12};
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
    std::ofstream(path, std::ios::binary | std::ios::trunc)
        .write(bytes.data(), std::streamsize(bytes.size()));
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

    /// Write a variant of the good file with its contents changed by `edit`.
    std::string withContents(const std::function<void(ModelFileContents&)>& edit)
    {
        auto contents = readModelFileContents(path);
        edit(contents);
        const auto variant = dir.file("variant.nop");
        writeBytes(variant, encodeModelFile(contents));
        return variant;
    }

    /// Write a variant of the good file with its metadata changed by `edit`.
    std::string withMetadata(const std::function<void(nlohmann::json&)>& edit)
    {
        return withContents(
            [&](ModelFileContents& contents)
            {
                auto metadata = nlohmann::json::parse(contents.metadata);
                edit(metadata);
                contents.metadata = metadata.dump();
            }
        );
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
    EXPECT_EQ(loaded.resolution, original.resolution);
    EXPECT_EQ(loaded.model->kind(), "FNO");
    EXPECT_EQ(loaded.model->stabiliser(), Stabiliser::tanh);
    EXPECT_EQ(std::dynamic_pointer_cast<FNOImpl>(loaded.model)->options.domainPadding(), 0.25);
    EXPECT_EQ(nlohmann::json::parse(loaded.summaryJson)["epochs"], 3);

    torch::NoGradGuard noGrad;
    original.model->eval();
    const auto x = torch::randn({2, 2, 16, 12});
    EXPECT_TRUE(torch::equal(original.predict(x), loaded.predict(x)));

    // Atomic save leaves no temporary beside the file.
    EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path), {}), 1);
}


TEST_F(ModelFileTest, SavingALoadedFileWritesTheSameBytes)
{
    // The metadata keeps each side's names and per-sample shape (channels,
    // d1..dN) as format version 2 writes them; the surrogate holds the
    // resolution d1..dN.
    const auto metadata = nlohmann::json::parse(readModelFileContents(path).metadata);
    EXPECT_EQ(
        metadata.at("inputs"), nlohmann::json::parse(R"({"names": ["x"], "shape": [2, 16, 12]})")
    );
    EXPECT_EQ(
        metadata.at("outputs"), nlohmann::json::parse(R"({"names": ["y"], "shape": [3, 16, 12]})")
    );

    auto loaded = loadModelFile(path);
    EXPECT_EQ(loaded.resolution, (std::vector<int64_t>{16, 12}));
    const auto copy = dir.file("copy.nop");
    saveModelFile(copy, loaded);
    EXPECT_TRUE(readBytes(copy) == good);
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
    for (size_t keep : {size_t(5), size_t(40), good.size() / 2, good.size() - 1})
    {
        writeBytes(path, good.substr(0, keep));
        const auto e = loadError(path);
        EXPECT_TRUE(
            e.find("truncated") != std::string::npos
            || e.find("not a neural-operator") != std::string::npos
        ) << keep
          << ": " << e;
    }
}


TEST_F(ModelFileTest, Corrupt)
{
    auto bytes = good;
    bytes[bytes.size() / 2] ^= 0x5a;
    writeBytes(path, bytes);
    const auto e = loadError(path);
    EXPECT_NE(e.find("checksum"), std::string::npos) << e;
}


TEST_F(ModelFileTest, FutureVersion)
{
    auto bytes = good;
    bytes[8] = char(modelFileVersion + 1); // version: little-endian uint32 after the magic
    writeBytes(path, bytes);
    const auto e = loadError(path);
    EXPECT_NE(e.find("format version " + std::to_string(modelFileVersion + 1)), std::string::npos)
        << e;
}


TEST_F(ModelFileTest, WrongKind)
{
    const auto e = loadError(withMetadata([](nlohmann::json& m) { m["kind"] = "UNet"; }));
    EXPECT_NE(e.find("unknown model kind 'UNet' (this build has: "), std::string::npos) << e;

    // A kind this build has, but the file holds another model's options
    const auto gino = loadError(withMetadata([](nlohmann::json& m) { m["kind"] = "GINO"; }));
    EXPECT_NE(gino.find("gino options lack"), std::string::npos) << gino;
}


TEST_F(ModelFileTest, TensorsThatDoNotFitTheOptions)
{
    auto e = loadError(withMetadata([](nlohmann::json& m) { m["fno"]["hiddenChannels"] = 7; }));
    EXPECT_NE(e.find("has shape"), std::string::npos) << e;

    e = loadError(withContents([](ModelFileContents& c)
                               { c.tensors.erase("projection.layers.1.bias"); }));
    EXPECT_NE(e.find("lacks parameter 'projection.layers.1.bias'"), std::string::npos) << e;

    // More parameters than the file holds: refused before they are made.
    e = loadError(withMetadata([](nlohmann::json& m) { m["fno"]["nLayers"] = 3; }));
    EXPECT_NE(e.find("its options make at least"), std::string::npos) << e;

    e = loadError(withContents([](ModelFileContents& c) { c.tensors["extra"] = torch::zeros({2}); })
    );
    EXPECT_NE(e.find("holds 1 tensors its options do not use"), std::string::npos) << e;

    e = loadError(withMetadata([](nlohmann::json& m) { m["fno"].erase("modes"); }));
    EXPECT_NE(e.find("'modes'"), std::string::npos) << e;
}


TEST_F(ModelFileTest, LoadingFromBytesEqualsLoadingTheFile)
{
    auto fromBytes = loadModelFileFromBytes(good, path);
    auto fromFile = loadModelFile(path);
    for (const auto& item : fromFile.model->named_parameters())
    {
        EXPECT_TRUE(torch::equal(item.value(), fromBytes.model->named_parameters()[item.key()]));
    }
    const auto e = [&]
    {
        try
        {
            loadModelFileFromBytes(good.substr(0, 100), "named.nop");
        }
        catch (const std::runtime_error& e)
        {
            return std::string(e.what());
        }
        return std::string();
    }();
    EXPECT_HAS(e, "model file 'named.nop'");
}


TEST_F(ModelFileTest, Version1IsRefusedWithAReason)
{
    auto bytes = good;
    bytes[8] = 1;
    writeBytes(path, bytes);
    const auto e = loadError(path);
    EXPECT_HAS(e, path);
    EXPECT_HAS(e, "format version 1 stores its set-up as OpenFOAM dictionary text");
    EXPECT_HAS(e, "retrain with trainNeuralOperator");
}


TEST_F(ModelFileTest, NotARegularFile)
{
    EXPECT_HAS(loadError(dir.path.string()), "is a directory");
    const auto fifo = dir.file("fifo.nop");
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    EXPECT_HAS(loadError(fifo), "is a FIFO");
}


TEST_F(ModelFileTest, SetupIsAJsonObject)
{
    // Empty: stored as null, given back empty.
    EXPECT_TRUE(nlohmann::json::parse(readModelFileContents(path).metadata)["setup"].is_null());
    EXPECT_EQ(loadModelFile(path).application, "");

    auto s = trainedLookingSurrogate();
    s.application = R"({"latentGrid": {"resolution": [12, 8, 1]}, "fields": ["p", "U"]})";
    saveModelFile(path, s);
    const auto metadata = nlohmann::json::parse(readModelFileContents(path).metadata);
    EXPECT_EQ(metadata["setup"]["latentGrid"]["resolution"][0], 12);
    EXPECT_EQ(
        nlohmann::json::parse(loadModelFile(path).application), nlohmann::json::parse(s.application)
    );

    auto e = loadError(withMetadata([](nlohmann::json& m)
                                    { m["setup"] = "latentGrid { resolution (12 8 1); }"; }));
    EXPECT_HAS(e, "setup is string, not a JSON object");
    e = loadError(withMetadata([](nlohmann::json& m) { m["setup"] = {1, 2}; }));
    EXPECT_HAS(e, "not a JSON object");

    // Dictionary text is no set-up this build writes.
    s.application = "latentGrid { resolution (12 8 1); }";
    EXPECT_THROW(saveModelFile(dir.file("dict.nop"), s), std::runtime_error);
    s.application = "[1, 2]";
    EXPECT_THROW(saveModelFile(dir.file("dict.nop"), s), std::runtime_error);
}


TEST_F(ModelFileTest, OptionsBeyondTheLimits)
{
    const auto fno = [&](const char* key, nlohmann::json value)
    { return loadError(withMetadata([&](nlohmann::json& m) { m["fno"][key] = value; })); };
    // The options' declared checks (FNOOptions.hpp), named by keyword
    EXPECT_HAS(fno("hiddenChannels", 100000), "hiddenChannels must be in [1, 4096], got 100000");
    EXPECT_HAS(fno("hiddenChannels", 0), "hiddenChannels must be in [1, 4096], got 0");
    EXPECT_HAS(fno("inChannels", -3), "inChannels must be in [1, 4096], got -3");
    EXPECT_HAS(fno("outChannels", int64_t(1) << 40), "outChannels must be in [1, 4096]");
    EXPECT_HAS(
        fno("modes", {int64_t(1) << 30, 6}),
        "modes must be 1 to 3 numbers in [1, 1048576], got (1073741824 6)"
    );
    EXPECT_HAS(fno("modes", {0, 6}), "got (0 6)");
    EXPECT_HAS(fno("modes", {2, 2, 2, 2}), "got (2 2 2 2)");
    EXPECT_HAS(fno("nLayers", 1000000), "nLayers must be in [1, 256], got 1000000");
    EXPECT_HAS(fno("liftingRatio", -1.0), "liftingRatio must be in (0, 64], got -1");
    EXPECT_HAS(fno("projectionRatio", 1e9), "projectionRatio must be in (0, 64]");
    EXPECT_HAS(fno("channelMLPExpansion", 0.0), "channelMLPExpansion must be in (0, 64], got 0");
    EXPECT_HAS(fno("domainPadding", 100.0), "domainPadding must be in [0, 1], got 100");
    EXPECT_HAS(fno("stabiliser", "sin"), "unknown stabiliser 'sin' (valid: none, tanh)");
}


TEST_F(ModelFileTest, ACraftedSmallFileCannotAskForGigabytes)
{
    // Options within the limits whose parameters would take about 10 GB
    // (old code: allocated them, then found the tensors misshapen).
    auto e = loadError(withMetadata(
        [](nlohmann::json& m)
        {
            m["fno"]["hiddenChannels"] = 4096;
            m["fno"]["modes"] = {8, 8};
        }
    ));
    EXPECT_HAS(e, "its options make at least");
    EXPECT_HAS(e, "corrupt or crafted");
    // And one that would need petabytes.
    e = loadError(withMetadata(
        [](nlohmann::json& m)
        {
            m["fno"]["hiddenChannels"] = 4096;
            m["fno"]["modes"] = {1 << 20, 1 << 20, 1 << 20};
            m["fno"]["nLayers"] = 256;
            m["inputs"]["shape"] = {2, 16, 12, 1};
            m["outputs"]["shape"] = {3, 16, 12, 1};
        }
    ));
    EXPECT_HAS(e, "its options make at least");
}


TEST_F(ModelFileTest, ShapesNamesAndMaskMustFitTheOptions)
{
    const auto metadata = [&](const std::function<void(nlohmann::json&)>& edit)
    { return loadError(withMetadata(edit)); };
    EXPECT_HAS(
        metadata(
            [](nlohmann::json& m) {
                m["inputs"]["shape"] = {5, 16, 12};
            }
        ),
        "inputs shape [5,16,12] is not (2 channels, d1..d2)"
    );
    EXPECT_HAS(
        metadata(
            [](nlohmann::json& m) {
                m["outputs"]["shape"] = {3, 16};
            }
        ),
        "outputs shape"
    );
    EXPECT_HAS(
        metadata(
            [](nlohmann::json& m) {
                m["outputs"]["shape"] = {3, 16, 10};
            }
        ),
        "outputs shape [3,16,10] has another resolution than inputs shape [2,16,12]"
    );
    EXPECT_HAS(
        metadata(
            [](nlohmann::json& m) {
                m["inputs"]["shape"] = {2, -16, 12};
            }
        ),
        "has a size outside [1, 1048576]"
    );
    EXPECT_HAS(metadata([](nlohmann::json& m) { m["inputs"]["shape"] = {2, 0, 12}; }), "outside");
    EXPECT_HAS(
        metadata(
            [](nlohmann::json& m) {
                m["inputs"]["shape"] = {2, 1 << 20, 1 << 20};
            }
        ),
        "more than 268435456 points"
    );
    EXPECT_HAS(
        metadata(
            [](nlohmann::json& m) {
                m["inputs"]["shape"] = {2, 16.5, 12};
            }
        ),
        "not an integer"
    );
    EXPECT_HAS(
        metadata(
            [](nlohmann::json& m) {
                m["inputs"]["shape"] = {2, uint64_t(-16), 12};
            }
        ),
        "not an integer"
    );
    EXPECT_HAS(
        metadata(
            [](nlohmann::json& m) {
                m["outputs"]["names"] = {"a", "b"};
            }
        ),
        "outputs has 2 names for 3 channels"
    );
    EXPECT_HAS(
        metadata([](nlohmann::json& m) { m["inputs"]["names"] = nlohmann::json::array(); }),
        "inputs has 0 names"
    );
    EXPECT_HAS(metadata([](nlohmann::json& m) { m["maskChannel"] = -2; }), "maskChannel -2");
    EXPECT_HAS(metadata([](nlohmann::json& m) { m["maskChannel"] = 2; }), "maskChannel 2");
    EXPECT_HAS(metadata([](nlohmann::json& m) { m["maskChannel"] = "0"; }), "not an integer");
    EXPECT_HAS(metadata([](nlohmann::json& m) { m["kind"] = 3; }), "names no model kind");
    EXPECT_HAS(metadata([](nlohmann::json& m) { m.erase("summary"); }), "malformed metadata");

    // One name per channel is fine, as is one name for all.
    auto s = loadModelFile(withMetadata(
        [](nlohmann::json& m) {
            m["outputs"]["names"] = {"p", "Ux", "Uy"};
        }
    ));
    EXPECT_EQ(s.outputNames.size(), 3u);
}


TEST_F(ModelFileTest, TensorsMustBeFiniteFloat32)
{
    auto e = loadError(withContents(
        [](ModelFileContents& c)
        {
            auto& w = c.tensors.at("lifting.layers.0.weight");
            w = w.clone();
            w.view(-1)[1] = NAN;
        }
    ));
    EXPECT_HAS(e, "tensor 'lifting.layers.0.weight' holds NaN or Inf");
    EXPECT_HAS(e, "variant.nop");

    e = loadError(withContents([](ModelFileContents& c)
                               { c.tensors.at("normaliser.output.std").view(-1)[0] = INFINITY; }));
    EXPECT_HAS(e, "tensor 'normaliser.output.std' holds NaN or Inf");

    e = loadError(withContents(
        [](ModelFileContents& c)
        {
            auto& w = c.tensors.at("projection.layers.0.bias");
            w = w.to(torch::kDouble);
        }
    ));
    EXPECT_HAS(e, "tensor 'projection.layers.0.bias' is Double, expected float32");
}


TEST_F(ModelFileTest, AMalformedPayloadWithAValidChecksumNamesTheFile)
{
    // A payload whose header claims more tensor bytes than follow.
    std::string header =
        R"({"metadata": {}, "tensors": {"w": {"dtype": "float32", "shape": [1000000], "offset": 0, "bytes": 4000000}}})";
    const uint64_t length = header.size();
    std::string payload = std::string(reinterpret_cast<const char*>(&length), 8) + header + "1234";
    ModelFileContents dummy;
    auto file = encodeModelFile(dummy);
    // Same header layout, our payload and its checksum.
    uint64_t hash = 1469598103934665603ull;
    for (const char c : payload)
    {
        hash ^= uint8_t(c);
        hash *= 1099511628211ull;
    }
    const uint64_t size = payload.size();
    file = file.substr(0, 16);
    file.append(reinterpret_cast<const char*>(&size), 8);
    file.append(reinterpret_cast<const char*>(&hash), 8);
    writeBytes(path, file + payload);
    const auto e = loadError(path);
    EXPECT_HAS(e, "model file '" + path + "': tensor 'w'");
    EXPECT_HAS(e, "past the end");
}


namespace
{

/// A second kind of model, registered here only: a pointwise linear map
/// with its width as the one option. It stands for the next model (GINO):
/// saving, loading and predicting need no edit of the model file's code.
class ChannelMapImpl : public NeuralOperatorImpl
{
public:
    explicit ChannelMapImpl(int64_t in, int64_t out) :
        map(register_module("map", torch::nn::Linear(in, out)))
    {}

    torch::Tensor forward(const torch::Tensor& x) override
    {
        return map->forward(x.movedim(1, -1)).movedim(-1, 1);
    }
    void setPrecision(Precision p) override { precision_ = p; }
    Precision precision() const override { return precision_; }
    std::string kind() const override { return "ChannelMap"; }
    nlohmann::json optionsJson() const override
    {
        return {{"inChannels", inChannels()}, {"outChannels", outChannels()}};
    }
    int64_t inChannels() const override { return map->options.in_features(); }
    int64_t outChannels() const override { return map->options.out_features(); }
    ReducedType reducedType() const override { return ReducedType::automatic; }
    Stabiliser stabiliser() const override { return Stabiliser::none; }
    std::vector<int64_t> smallestResolution() const override { return {1, 1}; }

    torch::nn::Linear map;
    Precision precision_ = Precision::full;
};

[[maybe_unused]] const bool channelMapRegistered = registerModelType(
    "ChannelMap",
    {"channelMap",
     [](const nlohmann::json& o) -> NeuralOperator
     {
         return std::make_shared<ChannelMapImpl>(
             o.at("inChannels").get<int64_t>(), o.at("outChannels").get<int64_t>()
         );
     },
     [](const nlohmann::json& o)
     { return double(o.at("inChannels").get<int64_t>() * o.at("outChannels").get<int64_t>()); }}
);

} // namespace


TEST_F(ModelFileTest, AModelKindRegisteredElsewhereRoundTrips)
{
    EXPECT_EQ(modelKinds(), (std::vector<std::string>{"ChannelMap", "FNO", "GINO"}));

    torch::manual_seed(4);
    Surrogate s(std::make_shared<ChannelMapImpl>(2, 3));
    s.inputNames = {"a", "b"};
    s.outputNames = {"u", "v", "w"};
    s.resolution = {5, 4};
    const std::string file = dir.file("channelMap.nop");
    saveModelFile(file, s);

    const auto metadata = nlohmann::json::parse(readModelFileContents(file).metadata);
    EXPECT_EQ(metadata.at("kind"), "ChannelMap");
    EXPECT_EQ(metadata.at("channelMap").at("outChannels"), 3);

    Surrogate loaded = loadModelFile(file);
    EXPECT_EQ(loaded.model->kind(), "ChannelMap");
    const auto x = torch::randn({2, 2, 5, 4});
    EXPECT_TRUE(torch::equal(loaded.predict(x), s.predict(x)));

    // Its parameter bound is its own: a file holding fewer values is refused
    auto contents = readModelFileContents(file);
    auto edited = nlohmann::json::parse(contents.metadata);
    edited["channelMap"]["outChannels"] = 300;
    contents.metadata = edited.dump();
    const std::string crafted = dir.file("crafted.nop");
    writeBytes(crafted, encodeModelFile(contents));
    EXPECT_NE(
        loadError(crafted).find("its options make at least 600 parameters"), std::string::npos
    ) << loadError(crafted);
}
