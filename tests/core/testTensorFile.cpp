// Reading datasets from torch.save archives.

#include "TestSupport.hpp"

#include "data/TensorFile.hpp"
#include "data/TensorFileDataset.hpp"

#include <torch/serialize.h>

#include <gtest/gtest.h>

#include <fstream>

using namespace nop;

namespace
{

void writePickle(const std::string& path, const c10::IValue& value)
{
    const auto bytes = torch::pickle_save(value);
    std::ofstream(path, std::ios::binary).write(bytes.data(), std::streamsize(bytes.size()));
}


std::string errorOf(const std::function<void()>& f)
{
    try
    {
        f();
    }
    catch (const std::exception& e)
    {
        return e.what();
    }
    return "no error";
}

} // namespace


TEST(TensorFile, ReadsEveryDtypeStrideOrderAndChannelLayout)
{
    test::TemporaryDirectory dir;
    const auto path = dir.file("mixed.pt");

    const auto flags = torch::rand({6, 8}) > 0.5;                                 // bool, no channels
    const auto sampleFastest = torch::randn({8, 2, 6}, torch::kDouble).permute({2, 1, 0}); // float64, odd strides
    const auto plain = torch::randn({6, 3, 8});                                   // float32 with channels
    c10::Dict<std::string, torch::Tensor> dict;
    dict.insert("flags", flags);
    dict.insert("u", sampleFastest);
    dict.insert("v", plain);
    writePickle(path, dict);

    const auto entries = readTensorDict(path);
    const auto f = samplesOf(entries, path, "flags", 1);
    EXPECT_EQ(f.sizes(), (std::vector<int64_t>{6, 1, 8}));
    EXPECT_EQ(f.scalar_type(), torch::kFloat);
    EXPECT_TRUE(torch::equal(f.squeeze(1), flags.to(torch::kFloat)));

    const auto u = samplesOf(entries, path, "u", 1);
    EXPECT_TRUE(u.is_contiguous());
    EXPECT_TRUE(torch::allclose(u, sampleFastest.to(torch::kFloat)));

    EXPECT_EQ(samplesOf(entries, path, "v", 1).sizes(), (std::vector<int64_t>{6, 3, 8}));
    // The same entry seen as 2D data without channels.
    EXPECT_EQ(samplesOf(entries, path, "v", 2).sizes(), (std::vector<int64_t>{6, 1, 3, 8}));
}


TEST(TensorFile, BadFilesAndEntriesAreNamed)
{
    test::TemporaryDirectory dir;
    const auto path = dir.file("bad.pt");
    c10::Dict<std::string, torch::Tensor> dict;
    auto nan = torch::randn({4, 8});
    nan[2][3] = NAN;
    dict.insert("nan", nan);
    dict.insert("cube", torch::randn({4, 2, 2, 2, 2}));
    writePickle(path, dict);
    const auto entries = readTensorDict(path);

    auto e = errorOf([&] { samplesOf(entries, path, "missing", 1); });
    EXPECT_NE(e.find("'missing'"), std::string::npos) << e;
    EXPECT_NE(e.find(path), std::string::npos) << e;
    EXPECT_NE(e.find("cube"), std::string::npos) << e;       // lists what is there

    e = errorOf([&] { samplesOf(entries, path, "nan", 1); });
    EXPECT_NE(e.find("NaN"), std::string::npos) << e;
    EXPECT_NE(e.find("sample 2"), std::string::npos) << e;

    e = errorOf([&] { samplesOf(entries, path, "cube", 1); });
    EXPECT_NE(e.find("shape"), std::string::npos) << e;

    const auto notDict = dir.file("tensor.pt");
    writePickle(notDict, torch::randn({3}));
    e = errorOf([&] { readTensorDict(notDict); });
    EXPECT_NE(e.find("expected a dict"), std::string::npos) << e;

    const auto garbage = dir.file("garbage.pt");
    std::ofstream(garbage) << "not a zip archive";
    e = errorOf([&] { readTensorDict(garbage); });
    EXPECT_NE(e.find(garbage), std::string::npos) << e;

    e = errorOf([&] { readTensorDict(dir.file("absent.pt")); });
    EXPECT_NE(e.find("cannot open"), std::string::npos) << e;
}


TEST(TensorFileDataset, ChecksSamplesGridsAndCounts)
{
    test::TemporaryDirectory dir;
    const auto path = dir.file("pairs.pt");
    c10::Dict<std::string, torch::Tensor> dict;
    dict.insert("x", torch::randn({10, 16}));
    dict.insert("y", torch::randn({10, 2, 16}));
    dict.insert("short", torch::randn({9, 16}));
    dict.insert("coarse", torch::randn({10, 8}));
    writePickle(path, dict);

    const auto base = TensorFileDatasetOptions().trainFile(path).testFiles({path}).spatialDims(1);
    const auto sets = readTensorFileDatasets(TensorFileDatasetOptions(base).nTrain(6));
    EXPECT_EQ(sets.train.size(), 6);
    EXPECT_EQ(sets.train.name, "pairs");
    EXPECT_EQ(sets.tests.at(0).y.sizes(), (std::vector<int64_t>{10, 2, 16}));

    auto e = errorOf([&] { readTensorFileDatasets(TensorFileDatasetOptions(base).output("short")); });
    EXPECT_NE(e.find("samples"), std::string::npos) << e;
    e = errorOf([&] { readTensorFileDatasets(TensorFileDatasetOptions(base).output("coarse")); });
    EXPECT_NE(e.find("different grids"), std::string::npos) << e;
    e = errorOf([&] { readTensorFileDatasets(TensorFileDatasetOptions(base).nTrain(11)); });
    EXPECT_NE(e.find("fewer than the 11"), std::string::npos) << e;
}


TEST(TensorFile, ReadsTheSharedBurgersData)
{
    const auto path = test::sharedFile("neuraloperator/burgers_train_16.pt");
    if (path.empty())
    {
        GTEST_SKIP() << "shared data absent: " << test::sharedData();
    }
    const auto entries = readTensorDict(path);
    const auto x = samplesOf(entries, path, "x", 1);
    const auto y = samplesOf(entries, path, "y", 1);
    EXPECT_EQ(x.sizes(), (std::vector<int64_t>{800, 1, 16}));
    EXPECT_EQ(y.sizes(), (std::vector<int64_t>{800, 17, 16}));
    // The first time step of the solution is the initial condition.
    EXPECT_LT(test::relativeDifference(y.select(1, 0), x.select(1, 0)), 1e-6);
}
