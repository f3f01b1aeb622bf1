// Writes the seed corpora of the fuzz targets from real files made here:
//   fuzzSeeds <modelFile corpus dir> <tensorFile corpus dir> [shared data dir]
// Model files are those saveModelFile writes (as fuzzModelFile reads them:
// a mode byte, then the file or its payload); tensor files are torch.save
// archives written by LibTorch and, when the shared data is present, its
// neuraloperator files (written by Python's torch.save).

#include "nop/models/ModelFile.hpp"

#include <torch/serialize.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>

using namespace nop;
namespace fs = std::filesystem;

namespace
{

void write(const fs::path& path, const std::string& bytes)
{
    std::ofstream(path, std::ios::binary).write(bytes.data(), std::streamsize(bytes.size()));
}


std::string read(const fs::path& path)
{
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}


void modelSeed(const fs::path& dir, const std::string& name, Surrogate s)
{
    s.inputNormaliser = GaussianNormaliser::fit(torch::randn({4, s.model->inChannels(), 4}));
    s.outputNormaliser = GaussianNormaliser::fit(torch::randn({4, s.model->outChannels(), 4}));
    const auto file = dir / (name + ".nop");
    saveModelFile(file.string(), s);
    const std::string bytes = read(file);
    fs::remove(file);
    write(dir / (name + ".file"), "\x01" + bytes);
    write(dir / (name + ".payload"), std::string(1, '\0') + bytes.substr(32));
}


void tensorSeed(const fs::path& dir, const std::string& name, const c10::IValue& value)
{
    const auto bytes = torch::pickle_save(value);
    write(dir / (name + ".pt"), std::string(bytes.begin(), bytes.end()));
}

} // namespace


int main(int argc, char** argv)
{
    if (argc < 3)
    {
        std::cerr << "usage: fuzzSeeds <modelFile corpus> <tensorFile corpus> [shared data]\n";
        return 1;
    }
    const fs::path models = argv[1], tensors = argv[2];
    fs::create_directories(models);
    fs::create_directories(tensors);
    torch::manual_seed(1);

    {
        Surrogate s(FNOOptions(1, 1, {4}).hiddenChannels(2).nLayers(1));
        s.inputNames = {"a"};
        s.outputNames = {"u"};
        s.resolution = {8};
        modelSeed(models, "fno1d", s);
    }
    {
        Surrogate s(FNOOptions(2, 1, {2, 2}).hiddenChannels(2).nLayers(1));
        s.inputNames = {"mask", "a"};
        s.outputNames = {"u"};
        s.resolution = {4, 4};
        s.maskChannel = 0;
        s.application = R"({"latentGrid": {"resolution": [4, 4, 1]}})";
        s.summaryJson = R"({"epochs": 1})";
        modelSeed(models, "fno2d", s);
    }

    c10::Dict<std::string, torch::Tensor> dict;
    dict.insert("x", torch::randn({3, 4}));
    dict.insert("y", torch::randn({2, 3}, torch::kDouble).t());
    dict.insert("flags", torch::rand({5}) > 0.5);
    dict.insert("index", torch::arange(4));
    dict.insert("scalar", torch::tensor(1.5));
    tensorSeed(tensors, "dict", dict);
    c10::List<torch::Tensor> list({torch::randn({2}), torch::randn({1, 2})});
    tensorSeed(tensors, "list", list);

    if (argc > 3)
    {
        for (const char* name : {"burgers_test_16.pt", "mini_car.pt"})
        {
            const auto path = fs::path(argv[3]) / "neuraloperator" / name;
            if (fs::exists(path))
            {
                fs::copy_file(path, tensors / name, fs::copy_options::overwrite_existing);
                fs::permissions(tensors / name, fs::perms::owner_read | fs::perms::owner_write);
            }
        }
    }
    return 0;
}
