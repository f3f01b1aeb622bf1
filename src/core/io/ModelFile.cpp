#include "io/ModelFile.hpp"

#include "io/AtomicFile.hpp"
#include "io/OptionsJson.hpp"

#include <torch/serialize.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>

namespace nop
{

namespace
{

constexpr char magic[8] = {'N', 'O', 'P', 'M', 'O', 'D', 'E', 'L'};
constexpr size_t headerSize = 32;

struct Header
{
    char magic[8];
    uint32_t version;
    uint32_t reserved;
    uint64_t payloadSize;
    uint64_t checksum;
};
static_assert(sizeof(Header) == headerSize, "model file header must be 32 bytes");


uint64_t fnv1a(const char* data, size_t size)
{
    uint64_t hash = 1469598103934665603ull;
    for (size_t i = 0; i < size; ++i)
    {
        hash ^= uint8_t(data[i]);
        hash *= 1099511628211ull;
    }
    return hash;
}


std::runtime_error modelFileError(const std::string& path, const std::string& why)
{
    return std::runtime_error("model file '" + path + "': " + why);
}


const std::string normaliserKey[2][2] =
{
    {"normaliser.input.mean", "normaliser.input.std"},
    {"normaliser.output.mean", "normaliser.output.std"}
};

} // namespace


std::string encodeModelFile(const ModelFileContents& contents)
{
    c10::impl::GenericDict payload(c10::StringType::get(), c10::AnyType::get());
    payload.insert("metadata", contents.metadata);
    payload.insert("tensors", contents.tensors);
    const std::vector<char> bytes = torch::pickle_save(payload);

    Header header{};
    std::memcpy(header.magic, magic, sizeof magic);
    header.version = modelFileVersion;
    header.payloadSize = bytes.size();
    header.checksum = fnv1a(bytes.data(), bytes.size());

    std::string file(reinterpret_cast<const char*>(&header), headerSize);
    file.append(bytes.data(), bytes.size());
    return file;
}


void saveModelFile(const std::string& path, Surrogate& surrogate)
{
    c10::Dict<std::string, torch::Tensor> tensors;
    for (const auto& item : surrogate.model->named_parameters())
    {
        tensors.insert(item.key(), item.value().detach().to(torch::kCPU).contiguous());
    }
    const GaussianNormaliser* normalisers[2] =
        {&surrogate.inputNormaliser, &surrogate.outputNormaliser};
    for (int i = 0; i < 2; ++i)
    {
        if (normalisers[i]->defined())
        {
            tensors.insert(normaliserKey[i][0], normalisers[i]->mean().to(torch::kCPU));
            tensors.insert(normaliserKey[i][1], normalisers[i]->std().to(torch::kCPU));
        }
    }

    auto fnoJson = toJson(surrogate.model->options);
    fnoJson["precision"] = "full";
    const nlohmann::json metadata =
    {
        {"kind", "FNO"},
        {"formatVersion", modelFileVersion},
        {"fno", fnoJson},
        {"inputs", {{"names", surrogate.inputNames}, {"shape", surrogate.inputShape}}},
        {"outputs", {{"names", surrogate.outputNames}, {"shape", surrogate.outputShape}}},
        {"maskChannel", surrogate.maskChannel},
        {"application", surrogate.application},
        {"summary", nlohmann::json::parse(surrogate.summaryJson)}
    };

    writeFileAtomically(path, encodeModelFile({metadata.dump(2), tensors}));
}


ModelFileContents readModelFileContents(const std::string& path)
{
    const auto fail = [&path](const std::string& why) { return modelFileError(path, why); };

    std::ifstream in(path, std::ios::binary);
    if (!in)
    {
        throw std::runtime_error("cannot open model file '" + path + "'");
    }
    const std::vector<char> bytes
    (
        (std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>()
    );

    Header header{};
    if (bytes.size() < headerSize || std::memcmp(bytes.data(), magic, sizeof magic) != 0)
    {
        throw fail("not a neural-operator model file (no NOPMODEL header)");
    }
    std::memcpy(&header, bytes.data(), headerSize);
    if (header.version > modelFileVersion)
    {
        throw fail
        (
            "format version " + std::to_string(header.version) + " is newer than the "
          + std::to_string(modelFileVersion) + " this build reads; update the plugin"
        );
    }
    const uint64_t found = bytes.size() - headerSize;
    if (found < header.payloadSize)
    {
        throw fail
        (
            "truncated: " + std::to_string(found) + " of " + std::to_string(header.payloadSize)
          + " payload bytes present"
        );
    }
    if (found > header.payloadSize)
    {
        throw fail("corrupt: " + std::to_string(found - header.payloadSize) + " trailing bytes");
    }
    const std::vector<char> payload(bytes.begin() + headerSize, bytes.end());
    if (fnv1a(payload.data(), payload.size()) != header.checksum)
    {
        throw fail("corrupt: checksum mismatch");
    }

    ModelFileContents contents;
    try
    {
        const auto dict = torch::pickle_load(payload).toGenericDict();
        contents.metadata = dict.at("metadata").toStringRef();
        for (const auto& item : dict.at("tensors").toGenericDict())
        {
            contents.tensors.insert(item.key().toStringRef(), item.value().toTensor());
        }
    }
    catch (const std::exception& e)
    {
        const std::string what = e.what();
        throw fail("cannot decode the payload: " + what.substr(0, what.find('\n')));
    }

    return contents;
}


Surrogate loadModelFile(const std::string& path, const torch::Device& device)
{
    const auto fail = [&path](const std::string& why) { return modelFileError(path, why); };

    const ModelFileContents contents = readModelFileContents(path);
    const auto& tensors = contents.tensors;
    nlohmann::json metadata;
    try
    {
        metadata = nlohmann::json::parse(contents.metadata);
    }
    catch (const nlohmann::json::exception& e)
    {
        throw fail(std::string("malformed metadata: ") + e.what());
    }

    const std::string kind = metadata.value("kind", "");
    if (kind != "FNO")
    {
        throw fail("holds a model of kind '" + kind + "', this build reads FNO");
    }

    Surrogate surrogate = [&]
    {
        try
        {
            return Surrogate(fnoOptionsFromJson(metadata.value("fno", nlohmann::json::object())));
        }
        catch (const std::exception& e)
        {
            throw fail(e.what());
        }
    }();
    try
    {
        surrogate.inputNames = metadata.at("inputs").at("names").get<std::vector<std::string>>();
        surrogate.inputShape = metadata.at("inputs").at("shape").get<std::vector<int64_t>>();
        surrogate.outputNames = metadata.at("outputs").at("names").get<std::vector<std::string>>();
        surrogate.outputShape = metadata.at("outputs").at("shape").get<std::vector<int64_t>>();
        surrogate.summaryJson = metadata.at("summary").dump();
        // Absent in files written before case data existed.
        surrogate.maskChannel = metadata.value("maskChannel", int64_t(-1));
        surrogate.application = metadata.value("application", std::string());
    }
    catch (const nlohmann::json::exception& e)
    {
        throw fail(std::string("malformed metadata: ") + e.what());
    }

    if (surrogate.maskChannel >= surrogate.model->options.inChannels())
    {
        throw fail
        (
            "maskChannel " + std::to_string(surrogate.maskChannel) + " is not one of the "
          + std::to_string(surrogate.model->options.inChannels()) + " input channels"
        );
    }

    const auto tensor = [&](const std::string& name) -> c10::optional<torch::Tensor>
    {
        const auto it = tensors.find(name);
        if (it == tensors.end())
        {
            return c10::nullopt;
        }
        return it->value();
    };

    torch::NoGradGuard noGrad;
    size_t used = 0;
    for (auto& item : surrogate.model->named_parameters())
    {
        const auto stored = tensor(item.key());
        if (!stored)
        {
            throw fail("lacks parameter '" + item.key() + "'");
        }
        if (stored->sizes() != item.value().sizes())
        {
            std::ostringstream os;
            os << "parameter '" << item.key() << "' has shape " << stored->sizes()
               << ", its options make " << item.value().sizes();
            throw fail(os.str());
        }
        item.value().copy_(*stored);
        ++used;
    }

    GaussianNormaliser* normalisers[2] = {&surrogate.inputNormaliser, &surrogate.outputNormaliser};
    const int64_t channels[2] =
        {surrogate.model->options.inChannels(), surrogate.model->options.outChannels()};
    for (int i = 0; i < 2; ++i)
    {
        const auto mean = tensor(normaliserKey[i][0]);
        const auto std = tensor(normaliserKey[i][1]);
        if (mean && std)
        {
            if (mean->numel() != channels[i] || std->numel() != channels[i])
            {
                throw fail("normaliser '" + normaliserKey[i][0] + "' does not fit the channels");
            }
            *normalisers[i] = GaussianNormaliser(*mean, *std);
            used += 2;
        }
    }
    if (used != tensors.size())
    {
        throw fail
        (
            "holds " + std::to_string(tensors.size() - used)
          + " tensors its options do not use (built by another version?)"
        );
    }

    surrogate.model->to(device);
    surrogate.model->eval();
    surrogate.inputNormaliser = surrogate.inputNormaliser.to(device);
    surrogate.outputNormaliser = surrogate.outputNormaliser.to(device);
    return surrogate;
}

} // namespace nop
