// Reading datasets from torch.save archives.

#include "TestSupport.hpp"

#include "nop/data/TensorFile.hpp"
#include "nop/data/TensorFileDataset.hpp"
#include "nop/io/TorchSave.hpp"

#include <torch/serialize.h>

#include <gtest/gtest.h>

#include <fstream>

using namespace nop;
using nop::test::errorOf;

namespace
{

void writePickle(const std::string& path, const c10::IValue& value)
{
    const auto bytes = torch::pickle_save(value);
    std::ofstream(path, std::ios::binary).write(bytes.data(), std::streamsize(bytes.size()));
}


void writeBytes(const std::string& path, const std::string& bytes)
{
    std::ofstream(path, std::ios::binary | std::ios::trunc)
        .write(bytes.data(), std::streamsize(bytes.size()));
}


/// Little-endian bytes of `v`.
std::string le(uint64_t v, int n)
{
    std::string s;
    for (int i = 0; i < n; ++i)
    {
        s += char((v >> (8 * i)) & 0xff);
    }
    return s;
}


/// A zip archive of stored records, as torch.save writes them (CRCs left 0:
/// the reader does not check them).
std::string zipOf(const std::vector<std::pair<std::string, std::string>>& records)
{
    std::string file, directory;
    for (const auto& r : records)
    {
        const uint64_t offset = file.size();
        const std::string sizes = le(0, 4) + le(r.second.size(), 4) + le(r.second.size(), 4);
        file += le(0x04034b50, 4) + le(20, 2) + le(0, 2) + le(0, 2) + le(0, 4) + sizes
                + le(r.first.size(), 2) + le(0, 2) + r.first + r.second;
        directory += le(0x02014b50, 4) + le(20, 2) + le(20, 2) + le(0, 2) + le(0, 2) + le(0, 4)
                     + sizes + le(r.first.size(), 2) + le(0, 2) + le(0, 2) + le(0, 2) + le(0, 2)
                     + le(0, 4) + le(offset, 4) + r.first;
    }
    const uint64_t cd = file.size();
    return file + directory + le(0x06054b50, 4) + le(0, 2) + le(0, 2) + le(records.size(), 2)
           + le(records.size(), 2) + le(directory.size(), 4) + le(cd, 4) + le(0, 2);
}


std::string binint(int32_t v)
{
    return "J" + le(uint32_t(v), 4);
}
std::string unicode(const std::string& s)
{
    return "X" + le(s.size(), 4) + s;
}


/// The pickle torch.save writes for {"x": tensor}: a float32 storage of
/// `numel` items, the tensor's offset, sizes and strides, then `more` before
/// the final SETITEMS.
std::string tensorPickle(
    int32_t numel,
    int32_t offset,
    const std::vector<int64_t>& sizes,
    const std::vector<int64_t>& strides,
    const std::string& more = ""
)
{
    const auto tuple = [](const std::vector<int64_t>& v)
    {
        std::string s = "(";
        for (const int64_t i : v)
        {
            s += "\x8a\x08" + le(uint64_t(i), 8); // LONG1, 8 bytes
        }
        return s + "t";
    };
    return std::string("\x80\x02}(") + unicode("x") + "ctorch._utils\n_rebuild_tensor_v2\n(("
           + unicode("storage") + "ctorch\nFloatStorage\n" + unicode("0") + unicode("cpu")
           + binint(numel) + "tQ" + binint(offset) + tuple(sizes) + tuple(strides)
           + "\x89"
             "ccollections\nOrderedDict\n)Rtr"
           + le(7, 4) + "R" + more + "u.";
}


/// A torch.save archive of `pickle` and one storage record of `data`.
std::string archiveOf(const std::string& pickle, const std::string& data)
{
    return zipOf(
        {{"archive/data.pkl", pickle},
         {"archive/byteorder", "little"},
         {"archive/data/0", data},
         {"archive/version", "3\n"}}
    );
}


} // namespace


TEST(TensorFile, ReadsEveryDtypeStrideOrderAndChannelLayout)
{
    test::TemporaryDirectory dir;
    const auto path = dir.file("mixed.pt");

    const auto flags = torch::rand({6, 8}) > 0.5; // bool, no channels
    const auto sampleFastest =
        torch::randn({8, 2, 6}, torch::kDouble).permute({2, 1, 0}); // float64, odd strides
    const auto plain = torch::randn({6, 3, 8});                     // float32 with channels
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
    EXPECT_NE(e.find("cube"), std::string::npos) << e; // lists what is there

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

    auto e =
        errorOf([&] { readTensorFileDatasets(TensorFileDatasetOptions(base).output("short")); });
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
    // Bitwise what torch::pickle_load reads.
    std::ifstream in(path, std::ios::binary);
    const std::vector<char> bytes{
        std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    const auto reference = torch::pickle_load(bytes).toGenericDict();
    EXPECT_EQ(entries.size(), reference.size());
    for (const auto& item : reference)
    {
        EXPECT_TRUE(torch::equal(entries.at(item.key().toStringRef()), item.value().toTensor()));
    }
    // The first time step of the solution is the initial condition.
    EXPECT_LT(test::relativeDifference(y.select(1, 0), x.select(1, 0)), 1e-6);
}


TEST(TensorFile, CraftedArchivesAreRefusedNotCrashes)
{
    test::TemporaryDirectory dir;
    const auto path = dir.file("crafted.pt");
    const auto read = [&](const std::string& bytes)
    {
        writeBytes(path, bytes);
        return readTensorDict(path);
    };
    const auto error = [&](const std::string& bytes) { return errorOf([&] { read(bytes); }); };

    // The hand-made archive itself reads (and as_strided order is honoured).
    std::string data;
    for (int i = 0; i < 6; ++i)
    {
        const float v = float(i);
        data.append(reinterpret_cast<const char*>(&v), 4);
    }
    const auto x = read(archiveOf(tensorPickle(6, 0, {2, 3}, {1, 2}), data)).at("x");
    EXPECT_TRUE(torch::equal(x, torch::arange(6, torch::kFloat).view({3, 2}).t()));

    // A record shorter than the storage claims (old code: read past it).
    auto e = error(archiveOf(tensorPickle(1000, 0, {1000}, {1}), data));
    EXPECT_HAS(e, path);
    EXPECT_HAS(e, "claims 1000 items of 4 bytes, its record holds 24 bytes");
    // A tensor reaching past its storage.
    EXPECT_HAS(
        error(archiveOf(tensorPickle(6, 4, {3}, {1}), data)), "reaches element 6 of a storage of 6"
    );
    EXPECT_HAS(error(archiveOf(tensorPickle(6, 0, {2, 3}, {3, 2}), data)), "reaches element");
    // A huge claimed size (old code: a 16 GiB allocation from a 1 kB file).
    EXPECT_HAS(
        error(archiveOf(tensorPickle(INT32_MAX, 0, {INT32_MAX}, {1}), data)),
        "claims 2147483647 items"
    );
    EXPECT_HAS(
        error(archiveOf(tensorPickle(6, 0, {int64_t(1) << 62, 4}, {1, 1}), data)), "overflow"
    );
    EXPECT_HAS(
        error(archiveOf(tensorPickle(6, 0, {int64_t(1) << 20, int64_t(1) << 20}, {0, 0}), data)),
        "times the file's bytes"
    );
    EXPECT_HAS(error(archiveOf(tensorPickle(6, 0, {2}, {-1}), data)), "negative");
    EXPECT_HAS(error(archiveOf(tensorPickle(-6, 0, {2}, {1}), data)), "claims -6 items");
    EXPECT_HAS(error(archiveOf(tensorPickle(6, -1, {2}, {1}), data)), "negative offset");
    // A bad memo index (old code: abort).
    EXPECT_HAS(
        error(archiveOf(tensorPickle(6, 0, {6}, {1}, "h\xc8"), data)),
        "memo index 200 was never stored"
    );
    EXPECT_HAS(
        error(archiveOf(tensorPickle(6, 0, {6}, {1}, "j\xff\xff\xff\xff"), data)),
        "memo index 4294967295"
    );
    // No code runs: any other global is refused.
    EXPECT_HAS(
        error(archiveOf(
            "\x80\x02"
            "cos\nsystem\n("
                + unicode("echo hi") + "tR.",
            data
        )),
        "refuses the global 'os.system'"
    );
    EXPECT_HAS(
        error(archiveOf(
            "\x80\x02"
            "c__builtin__\neval\n.",
            data
        )),
        "refuses the global"
    );
    // Opcodes torch.save does not write for tensors.
    EXPECT_HAS(error(archiveOf("\x80\x02I1\n.", data)), "opcode 0x49");
    EXPECT_HAS(error(archiveOf("\x80\x02(((((", data)), "truncated pickle");
    EXPECT_HAS(error(archiveOf("\x80\x02u.", data)), "no MARK");
    EXPECT_HAS(
        error(archiveOf(
            std::string("\x80\x02") + std::string(100, ']') + std::string(99, 'a') + ".", data
        )),
        "nested deeper"
    );
    // A missing record, a compressed record, a record past the end.
    EXPECT_HAS(
        error(zipOf({{"archive/data.pkl", tensorPickle(6, 0, {6}, {1})}})),
        "has no record archive/data/0"
    );
    auto zip = archiveOf(tensorPickle(6, 0, {6}, {1}), data);
    auto compressed = zip;
    compressed[zip.find("PK\x01\x02") + 10] = 8;
    EXPECT_HAS(error(compressed), "is compressed");
    EXPECT_HAS(
        error(zipOf({{"archive/data.pkl", "\x80\x02}."}, {"archive/byteorder", "big"}})),
        "byte order 'big'"
    );
    EXPECT_HAS(error(zipOf({{"other/file", "x"}})), "no data.pkl");
    // Truncated anywhere: an error, never a crash.
    for (size_t keep = 0; keep < zip.size(); keep += 7)
    {
        EXPECT_HAS(error(zip.substr(0, keep)), path) << keep;
    }
}


TEST(TensorFile, TruncatedLibTorchArchives)
{
    test::TemporaryDirectory dir;
    const auto path = dir.file("full.pt");
    c10::Dict<std::string, torch::Tensor> dict;
    dict.insert("x", torch::randn({64, 8}));
    dict.insert("y", torch::randn({64, 2, 8}, torch::kDouble));
    writePickle(path, dict);
    std::ifstream in(path, std::ios::binary);
    const std::string good{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    EXPECT_TRUE(torch::equal(readTensorDict(path).at("y"), dict.at("y")));
    const auto cut = dir.file("cut.pt");
    for (size_t keep = 0; keep < good.size(); keep += 97)
    {
        writeBytes(cut, good.substr(0, keep));
        EXPECT_HAS(errorOf([&] { readTensorDict(cut); }), cut) << keep;
    }
}


TEST(TensorFile, ReadsTheSharedCarsWithoutPickleLoad)
{
    const auto path = test::sharedFile("neuraloperator/mini_car.pt");
    if (path.empty())
    {
        GTEST_SKIP() << "shared data absent: " << test::sharedData();
    }
    std::ifstream in(path, std::ios::binary);
    const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    const auto cars = readTorchSave(bytes, path);
    ASSERT_EQ(cars.kind, TorchValue::Kind::list);
    ASSERT_EQ(cars.items.size(), 3u);
    const auto entry = [&](const TorchValue& dict, const std::string& key) -> torch::Tensor
    {
        for (size_t i = 0; i + 1 < dict.items.size(); i += 2)
        {
            if (dict.items[i].string == key)
                return dict.items[i + 1].tensor;
        }
        return {};
    };
    // What torch::pickle_load reads from the same file.
    const auto reference =
        torch::pickle_load(std::vector<char>(bytes.begin(), bytes.end())).toList();
    for (size_t car = 0; car < 3; ++car)
    {
        const auto ref = reference.get(car).toGenericDict();
        EXPECT_EQ(cars.items[car].items.size(), 2 * ref.size());
        for (const auto& item : ref)
        {
            const auto mine = entry(cars.items[car], item.key().toStringRef());
            ASSERT_TRUE(mine.defined()) << item.key().toStringRef();
            EXPECT_TRUE(torch::equal(mine, item.value().toTensor())) << item.key().toStringRef();
        }
    }
    EXPECT_EQ(entry(cars.items[0], "vertices").sizes(), (std::vector<int64_t>{3586, 3}));
}
