#include "nop/models/ModelFile.hpp"

#include "nop/data/BodySampling.hpp"
#include "nop/data/SurfaceSampling.hpp"
#include "nop/io/AtomicFile.hpp"
#include "nop/io/Checksum.hpp"
#include "nop/models/ModelRegistry.hpp"
#include "nop/runtime/Limits.hpp"

#include <cmath>
#include <cstring>
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


std::string fileName(const std::string& path)
{
    return "model file '" + path + "'";
}


std::runtime_error modelFileError(const std::string& path, const std::string& why)
{
    return std::runtime_error(fileName(path) + ": " + why);
}


const std::string normaliserKey[2][2] = {
    {"normaliser.input.mean", "normaliser.input.std"},
    {"normaliser.output.mean", "normaliser.output.std"}};


/// `value` within [low, high] (false for NaN).
template<class T> bool within(T value, T low, T high)
{
    return value >= low && value <= high;
}


/// A JSON array of integers, strictly (no floats, no wrap-around).
std::vector<int64_t> integersOf(
    const nlohmann::json& json,
    const std::string& what,
    const std::string& path
)
{
    if (!json.is_array())
    {
        throw modelFileError(path, what + " is not an array");
    }
    std::vector<int64_t> values;
    for (const auto& v : json)
    {
        if (!v.is_number_integer()
            || (v.is_number_unsigned() && v.get<uint64_t>() > uint64_t(INT64_MAX)))
        {
            throw modelFileError(path, what + " holds " + v.dump() + ", not an integer");
        }
        values.push_back(v.get<int64_t>());
    }
    return values;
}


/// The per-sample shape a model file stores for one side: its channels, then
/// the resolution (d1..dN).
std::vector<int64_t> sampleShape(int64_t channels, const std::vector<int64_t>& resolution)
{
    std::vector<int64_t> shape{channels};
    shape.insert(shape.end(), resolution.begin(), resolution.end());
    return shape;
}


/// The resolution (d1..dN) of the per-sample shape (channels, d1..dN) under
/// `key`, checked against the options' channels and spatial dimensions and
/// the grid limits.
std::vector<int64_t> resolutionOf(
    const nlohmann::json& side,
    const std::string& key,
    int64_t channels,
    int64_t spatialDims,
    const std::string& path
)
{
    const auto what = key + " shape";
    const auto shape = integersOf(side.at("shape"), what, path);
    std::ostringstream os;
    os << what << " " << side.at("shape").dump() << " ";
    if (int64_t(shape.size()) != spatialDims + 1 || shape[0] != channels)
    {
        os << "is not (" << channels << " channels, d1..d" << spatialDims
           << ") as its options make";
        throw modelFileError(path, os.str());
    }
    int64_t points = 1;
    for (size_t d = 1; d < shape.size(); ++d)
    {
        if (!within<int64_t>(shape[d], 1, limits::maxGridResolution))
        {
            os << "has a size outside [1, " << limits::maxGridResolution << "]";
            throw modelFileError(path, os.str());
        }
        points *= shape[d]; // at most 3 factors of 2^20: no overflow
        if (points > limits::maxGridPoints)
        {
            os << "has more than " << limits::maxGridPoints << " points";
            throw modelFileError(path, os.str());
        }
    }
    return {shape.begin() + 1, shape.end()};
}


/// Names of `key`: one per channel, or one for all (a tensor-file entry);
/// none for no channel (a GINO without latent features).
std::vector<std::string> namesOf(
    const nlohmann::json& side,
    const std::string& key,
    int64_t channels,
    const std::string& path
)
{
    const auto names = side.at("names").get<std::vector<std::string>>();
    const bool fits =
        channels == 0 ? names.empty() : names.size() == 1 || int64_t(names.size()) == channels;
    if (!fits)
    {
        throw modelFileError(
            path, key + " has " + std::to_string(names.size()) + " names for "
                      + std::to_string(channels) + " channels (expected 1 or one per channel)"
        );
    }
    return names;
}


/// Refuse a stored tensor that is not float32 or holds NaN or Inf.
void checkTensor(const torch::Tensor& t, const std::string& name, const std::string& path)
{
    if (t.scalar_type() != torch::kFloat)
    {
        std::ostringstream os;
        os << "tensor '" << name << "' is " << t.scalar_type() << ", expected float32";
        throw modelFileError(path, os.str());
    }
    if (!t.isfinite().all().item<bool>())
    {
        throw modelFileError(path, "tensor '" + name + "' holds NaN or Inf");
    }
}

} // namespace


std::string encodeModelFile(const ModelFileContents& contents)
{
    const std::string payload = encodeTensorArchive(contents);

    Header header{};
    std::memcpy(header.magic, magic, sizeof magic);
    header.version = modelFileVersion;
    header.payloadSize = payload.size();
    header.checksum = fnv1a(payload.data(), payload.size());

    std::string file(reinterpret_cast<const char*>(&header), headerSize);
    file += payload;
    return file;
}


void saveModelFile(const std::string& path, Surrogate& surrogate)
{
    ModelFileContents contents;
    for (const auto& item : surrogate.model->named_parameters())
    {
        contents.tensors[item.key()] = item.value().detach().to(torch::kCPU).contiguous();
    }
    const GaussianNormaliser* normalisers[2] = {
        &surrogate.inputNormaliser, &surrogate.outputNormaliser};
    for (int i = 0; i < 2; ++i)
    {
        if (normalisers[i]->defined())
        {
            contents.tensors[normaliserKey[i][0]] = normalisers[i]->mean().to(torch::kCPU);
            contents.tensors[normaliserKey[i][1]] = normalisers[i]->std().to(torch::kCPU);
        }
    }

    nlohmann::json setup = nullptr;
    if (!surrogate.application.empty())
    {
        setup = nlohmann::json::parse(surrogate.application, nullptr, false);
        if (!setup.is_object())
        {
            throw std::runtime_error(
                "cannot save " + fileName(path)
                + ": the application set-up is not JSON"
                  " text of an object"
            );
        }
    }

    const std::string kind = surrogate.model->kind();
    auto options = surrogate.model->optionsJson();
    options["precision"] = "full";
    nlohmann::json metadata = {
        {"kind", kind},
        {"formatVersion", modelFileVersion},
        {modelType(kind).optionsKey, options},
        {"inputs",
         {{"names", surrogate.inputNames},
          {"shape", sampleShape(surrogate.model->inChannels(), surrogate.resolution)}}},
        {"outputs",
         {{"names", surrogate.outputNames},
          {"shape", sampleShape(surrogate.model->outChannels(), surrogate.resolution)}}},
        {"maskChannel", surrogate.maskChannel},
        {"setup", setup},
        {"summary", nlohmann::json::parse(surrogate.summaryJson)}};
    if (!surrogate.geometry.empty())
    {
        // Only models on geometries have the key: grid model files keep
        // their bytes.
        metadata["geometry"] = nlohmann::json::parse(surrogate.geometry);
    }
    contents.metadata = metadata.dump(2);

    writeFileAtomically(path, encodeModelFile(contents));
}


namespace
{

/// A model on geometries' sampling fits the model: a crafted file must not
/// make the predictor read the channels wrongly.
void checkGeometry(
    const nlohmann::json& geometry,
    const Surrogate& surrogate,
    const std::string& path
)
{
    const auto fail = [&path](const std::string& why) { return modelFileError(path, why); };
    if (!surrogate.model->onGeometry())
    {
        throw fail("a " + surrogate.model->kind() + " model has no geometry entry");
    }
    int64_t channels = 0;
    bool signedDistance = false;
    try
    {
        // Surfaces (SurfaceSampling) or bodies of cases (BodySampling)
        if (BodySampling::describes(geometry))
        {
            const auto sampling = BodySampling::fromJson(geometry, "geometry");
            channels = sampling.channels();
            signedDistance = sampling.signedDistance;
        }
        else
        {
            const auto sampling = SurfaceSampling::fromJson(geometry, "geometry");
            channels = sampling.channels();
            signedDistance = sampling.signedDistance;
        }
    }
    catch (const std::runtime_error& e)
    {
        throw fail(e.what());
    }
    if (channels != surrogate.model->outChannels()
        || (signedDistance ? 1 : 0) != surrogate.model->inChannels())
    {
        throw fail(
            "geometry has " + std::to_string(channels) + " output channels and "
            + (signedDistance ? "the" : "no") + " signed distance; the model maps "
            + std::to_string(surrogate.model->inChannels()) + " latent feature(s) to "
            + std::to_string(surrogate.model->outChannels()) + " channels"
        );
    }
}

} // namespace


ModelFileContents decodeModelFile(const std::string& bytes, const std::string& path)
{
    const auto fail = [&path](const std::string& why) { return modelFileError(path, why); };

    Header header{};
    if (bytes.size() < headerSize || std::memcmp(bytes.data(), magic, sizeof magic) != 0)
    {
        throw fail("not a neural-operator model file (no NOPMODEL header)");
    }
    std::memcpy(&header, bytes.data(), headerSize);
    if (header.version > modelFileVersion)
    {
        throw fail(
            "format version " + std::to_string(header.version) + " is newer than the "
            + std::to_string(modelFileVersion) + " this build reads; update the plugin"
        );
    }
    if (header.version == 1)
    {
        throw fail("format version 1 stores its set-up as OpenFOAM dictionary text, which this"
                   " build no longer reads because it could run directives; retrain with"
                   " trainNeuralOperator");
    }
    if (header.version != modelFileVersion)
    {
        throw fail("unknown format version " + std::to_string(header.version));
    }
    const uint64_t found = bytes.size() - headerSize;
    if (found < header.payloadSize)
    {
        throw fail(
            "truncated: " + std::to_string(found) + " of " + std::to_string(header.payloadSize)
            + " payload bytes present"
        );
    }
    if (found > header.payloadSize)
    {
        throw fail("corrupt: " + std::to_string(found - header.payloadSize) + " trailing bytes");
    }
    if (fnv1a(bytes.data() + headerSize, found) != header.checksum)
    {
        throw fail("corrupt: checksum mismatch");
    }

    return decodeTensorArchive(bytes.substr(headerSize), fileName(path));
}


ModelFileContents readModelFileContents(const std::string& path)
{
    return decodeModelFile(
        readRegularFile(path, modelFileLimits::maxFileBytes, "model file"), path
    );
}


Surrogate loadModelFileFromBytes(
    const std::string& bytes,
    const std::string& path,
    const torch::Device& device
)
{
    const auto fail = [&path](const std::string& why) { return modelFileError(path, why); };

    const ModelFileContents contents = decodeModelFile(bytes, path);
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

    // The kind names a registered model; its options are checked by the
    // model's declaration before any layer is made.
    const auto kind = metadata.find("kind");
    if (kind == metadata.end() || !kind->is_string())
    {
        throw fail("names no model kind");
    }
    const ModelType* type = nullptr;
    try
    {
        type = &modelType(kind->get<std::string>());
    }
    catch (const std::exception& e)
    {
        throw fail(e.what());
    }
    const nlohmann::json options = [&]
    {
        const auto found = metadata.find(type->optionsKey);
        return found == metadata.end() ? nlohmann::json::object() : *found;
    }();
    double needed = 0;
    try
    {
        needed = type->parameterLowerBound(options);
    }
    catch (const std::exception& e)
    {
        throw fail(e.what());
    }

    // Every parameter is stored, so a file cannot ask for more than it holds.
    uint64_t held = 0;
    for (const auto& item : tensors)
    {
        held += item.second.numel();
    }
    if (needed > double(held))
    {
        std::ostringstream os;
        os << "its options make at least " << needed << " parameters, it holds " << held
           << " values (corrupt or crafted)";
        throw fail(os.str());
    }

    Surrogate surrogate(type->make(options));
    const int64_t channels[2] = {surrogate.model->inChannels(), surrogate.model->outChannels()};
    const int64_t spatialDims = int64_t(surrogate.model->smallestResolution().size());
    try
    {
        const auto& inputs = metadata.at("inputs");
        const auto& outputs = metadata.at("outputs");
        surrogate.inputNames = namesOf(inputs, "inputs", channels[0], path);
        surrogate.outputNames = namesOf(outputs, "outputs", channels[1], path);
        surrogate.resolution = resolutionOf(inputs, "inputs", channels[0], spatialDims, path);
        if (resolutionOf(outputs, "outputs", channels[1], spatialDims, path)
            != surrogate.resolution)
        {
            throw fail(
                "outputs shape " + outputs.at("shape").dump()
                + " has another resolution than inputs shape " + inputs.at("shape").dump()
            );
        }
        surrogate.summaryJson = metadata.at("summary").dump();
        const auto mask = metadata.find("maskChannel");
        if (mask != metadata.end())
        {
            if (!mask->is_number_integer())
            {
                throw fail("maskChannel " + mask->dump() + " is not an integer");
            }
            surrogate.maskChannel = mask->get<int64_t>();
        }
        const auto setup = metadata.find("setup");
        if (setup != metadata.end() && !setup->is_null())
        {
            if (!setup->is_object())
            {
                throw fail("setup is " + std::string(setup->type_name()) + ", not a JSON object");
            }
            surrogate.application = setup->dump();
        }
        const auto geometry = metadata.find("geometry");
        if (geometry != metadata.end())
        {
            checkGeometry(*geometry, surrogate, path);
            surrogate.geometry = geometry->dump();
        }
    }
    catch (const nlohmann::json::exception& e)
    {
        throw fail(std::string("malformed metadata: ") + e.what());
    }

    if (!within<int64_t>(surrogate.maskChannel, -1, channels[0] - 1))
    {
        throw fail(
            "maskChannel " + std::to_string(surrogate.maskChannel) + " is not -1 or one of the "
            + std::to_string(channels[0]) + " input channels"
        );
    }

    const auto tensor = [&](const std::string& name) -> c10::optional<torch::Tensor>
    {
        const auto it = tensors.find(name);
        if (it == tensors.end())
        {
            return c10::nullopt;
        }
        checkTensor(it->second, name, path);
        return it->second;
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
        throw fail(
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


Surrogate loadModelFile(const std::string& path, const torch::Device& device)
{
    return loadModelFileFromBytes(
        readRegularFile(path, modelFileLimits::maxFileBytes, "model file"), path, device
    );
}

} // namespace nop
