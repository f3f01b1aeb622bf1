#include "nop/training/Checkpoint.hpp"

#include "nop/io/Checksum.hpp"

#include "nop/io/AtomicFile.hpp"
#include "nop/io/RegularFile.hpp"
#include "nop/io/TensorArchive.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>

namespace nop
{

std::string checkpointPathFor(const std::string& modelFile)
{
    return std::filesystem::path(modelFile).replace_extension(".checkpoint").string();
}


TrainingStopped::TrainingStopped(
    const std::string& checkpointFile,
    int64_t epoch,
    int64_t offset,
    int64_t epochs
) :
    std::runtime_error(
        "training stopped on request after " + std::to_string(epoch) + " of "
        + std::to_string(epochs) + " epochs"
        + (offset > 0 ? " and " + std::to_string(offset) + " samples" : std::string())
        + "; wrote checkpoint " + checkpointFile + ": rerun the same training job to resume from it"
    ),
    checkpointFile_(checkpointFile)
{}


// * * * * * * * * * * * * * * * * Fingerprint * * * * * * * * * * * * * * * //

void Fingerprint::bytes(const void* data, size_t size)
{
    hash_ = fnv1a(data, size, hash_);
}


Fingerprint& Fingerprint::add(const std::string& text)
{
    // The length first: ("ab", "c") and ("a", "bc") differ.
    const uint64_t size = text.size();
    bytes(&size, sizeof size);
    bytes(text.data(), text.size());
    return *this;
}


Fingerprint& Fingerprint::add(const torch::Tensor& tensor)
{
    if (!tensor.defined())
    {
        return add(std::string("undefined tensor"));
    }
    const auto t = tensor.to(torch::kCPU).contiguous();
    add(std::string(c10::toString(t.scalar_type())));
    const auto shape = t.sizes().vec();
    add(std::string(reinterpret_cast<const char*>(shape.data()), shape.size() * sizeof(int64_t)));
    bytes(t.data_ptr(), t.numel() * t.element_size());
    return *this;
}


std::string Fingerprint::hex() const
{
    char text[17];
    std::snprintf(text, sizeof text, "%016llx", (unsigned long long)hash_);
    return text;
}


// * * * * * * * * * * * * * * * Encoding, decoding * * * * * * * * * * * * * //

namespace
{

constexpr const char* formatName = "nopCheckpoint";


nlohmann::json number(double value)
{
    // JSON has no NaN: written as null, read back as NaN.
    return std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(nullptr);
}


/// Of the metadata (but this checksum) and the names and tensors as
/// stored: the archive itself has no checksum.
std::string checksum(nlohmann::json metadata, const std::map<std::string, torch::Tensor>& tensors)
{
    metadata.erase("checksum");
    Fingerprint f;
    f.add(metadata.dump());
    for (const auto& [name, tensor] : tensors)
    {
        f.add(name).add(tensor);
    }
    return f.hex();
}

} // namespace


std::string encodeCheckpoint(const TrainingCheckpoint& c)
{
    TensorArchive archive;
    nlohmann::json encoding = nlohmann::json::object();
    for (const auto& [name, tensor] : c.tensors)
    {
        auto t = tensor.detach().to(torch::kCPU);
        if (t.is_complex())
        {
            encoding[name] = c10::toString(t.scalar_type());
            t = torch::view_as_real(t.resolve_conj().contiguous());
        }
        else if (t.scalar_type() == torch::kByte)
        {
            encoding[name] = "uint8";
            t = t.to(torch::kLong);
        }
        archive.tensors[name] = t.contiguous();
    }

    nlohmann::json metadata = {
        {"format", formatName},
        {"version", checkpointVersion},
        {"fingerprint", c.fingerprint},
        {"epochs", c.epochs},
        {"epoch", c.epoch},
        {"offset", c.offset},
        {"epochLossSum", number(c.epochLossSum)},
        {"epochGoodSteps", c.epochGoodSteps},
        {"epochBadSteps", c.epochBadSteps},
        {"epochSeconds", c.epochSeconds},
        {"steps", c.steps},
        {"nonFiniteSteps", c.nonFiniteSteps},
        {"trainSeconds", c.trainSeconds},
        {"seconds", c.seconds},
        {"finalTrainLoss", number(c.finalTrainLoss)},
        {"peakBytes", c.peakBytes},
        {"lossScale", c.lossScale},
        {"lossScalerGoodSteps", c.lossScalerGoodSteps},
        {"optimiserSteps", c.optimiserSteps},
        {"encoding", encoding}};
    metadata["checksum"] = checksum(metadata, archive.tensors);
    archive.metadata = metadata.dump();
    return encodeTensorArchive(archive);
}


TrainingCheckpoint decodeCheckpoint(const std::string& bytes, const std::string& file)
{
    const std::string what = "checkpoint '" + file + "'";
    const auto fail = [&](const std::string& why) { return std::runtime_error(what + ": " + why); };

    TensorArchive archive = decodeTensorArchive(bytes, what);

    nlohmann::json m;
    try
    {
        m = nlohmann::json::parse(archive.metadata);
    }
    catch (const nlohmann::json::exception& e)
    {
        throw fail(std::string("malformed metadata: ") + e.what());
    }
    if (!m.is_object() || m.value("format", "") != formatName)
    {
        throw fail("not a training checkpoint (no format '" + std::string(formatName) + "')");
    }

    TrainingCheckpoint c;
    try
    {
        const int64_t version = m.at("version").get<int64_t>();
        if (version > checkpointVersion)
        {
            throw fail(
                "version " + std::to_string(version) + " is newer than the "
                + std::to_string(checkpointVersion) + " this build reads"
            );
        }
        const auto real = [&](const char* key)
        {
            const auto& v = m.at(key);
            return v.is_null() ? std::numeric_limits<double>::quiet_NaN() : v.get<double>();
        };
        c.fingerprint = m.at("fingerprint").get<std::string>();
        c.epochs = m.at("epochs").get<int64_t>();
        c.epoch = m.at("epoch").get<int64_t>();
        c.offset = m.at("offset").get<int64_t>();
        c.epochLossSum = real("epochLossSum");
        c.epochGoodSteps = m.at("epochGoodSteps").get<int64_t>();
        c.epochBadSteps = m.at("epochBadSteps").get<int64_t>();
        c.epochSeconds = m.at("epochSeconds").get<double>();
        c.steps = m.at("steps").get<int64_t>();
        c.nonFiniteSteps = m.at("nonFiniteSteps").get<int64_t>();
        c.trainSeconds = m.at("trainSeconds").get<double>();
        c.seconds = m.at("seconds").get<double>();
        c.finalTrainLoss = real("finalTrainLoss");
        c.peakBytes = m.at("peakBytes").get<int64_t>();
        c.lossScale = m.at("lossScale").get<double>();
        c.lossScalerGoodSteps = m.at("lossScalerGoodSteps").get<int64_t>();
        c.optimiserSteps = m.at("optimiserSteps").get<std::map<std::string, int64_t>>();
        if (m.at("checksum").get<std::string>() != checksum(m, archive.tensors))
        {
            throw fail("corrupt: checksum mismatch");
        }

        for (const auto& [name, type] : m.at("encoding").items())
        {
            const auto it = archive.tensors.find(name);
            if (it == archive.tensors.end())
            {
                throw fail("encoding names tensor '" + name + "', which is absent");
            }
            auto& t = it->second;
            const std::string dtype = type.get<std::string>();
            if (dtype == "uint8")
            {
                if (t.scalar_type() != torch::kLong
                    || (t.numel() && (t.min().item<int64_t>() < 0 || t.max().item<int64_t>() > 255)
                    ))
                {
                    throw fail("tensor '" + name + "' does not hold bytes");
                }
                t = t.to(torch::kByte);
            }
            else if ((dtype == "ComplexFloat" && t.scalar_type() == torch::kFloat) || (dtype == "ComplexDouble" && t.scalar_type() == torch::kDouble))
            {
                if (t.dim() < 1 || t.size(-1) != 2)
                {
                    throw fail(
                        "complex tensor '" + name + "' lacks its trailing (re, im) dimension"
                    );
                }
                t = torch::view_as_complex(t.contiguous()).clone();
            }
            else
            {
                throw fail("tensor '" + name + "' has an unknown encoding " + type.dump());
            }
        }
    }
    catch (const nlohmann::json::exception& e)
    {
        throw fail(std::string("malformed metadata: ") + e.what());
    }
    if (c.epochs < 1 || c.epoch < 0 || c.epoch > c.epochs || c.offset < 0 || c.steps < 0
        || c.nonFiniteSteps < 0 || c.nonFiniteSteps > c.steps || !(c.lossScale >= 1))
    {
        throw fail("inconsistent position or figures");
    }
    c.tensors = std::move(archive.tensors);
    return c;
}


void writeCheckpoint(const std::string& file, const TrainingCheckpoint& checkpoint)
{
    writeFileAtomically(file, encodeCheckpoint(checkpoint));
}


TrainingCheckpoint readCheckpoint(const std::string& file, uint64_t maxBytes)
{
    return decodeCheckpoint(readRegularFile(file, maxBytes, "checkpoint"), file);
}

} // namespace nop
