#include "nop/data/TensorFile.hpp"

#include "nop/io/RegularFile.hpp"
#include "nop/io/TorchSave.hpp"

#include <sstream>
#include <stdexcept>

namespace nop
{

std::map<std::string, torch::Tensor> readTensorDict(const std::string& path)
{
    const std::string what = "tensor file '" + path + "'";
    const TorchValue value =
        readTorchSave(readRegularFile(path, maxTensorFileBytes, "tensor file"), what);
    if (value.kind != TorchValue::Kind::dict)
    {
        throw std::runtime_error(what + " holds no dict, expected a dict of tensors");
    }

    std::map<std::string, torch::Tensor> entries;
    for (size_t i = 0; i + 1 < value.items.size(); i += 2)
    {
        const auto& key = value.items[i];
        const auto& item = value.items[i + 1];
        if (key.kind == TorchValue::Kind::string && item.kind == TorchValue::Kind::tensor)
        {
            entries[key.string] = item.tensor;
        }
    }
    return entries;
}


torch::Tensor samplesOf(
    const std::map<std::string, torch::Tensor>& entries,
    const std::string& path,
    const std::string& name,
    int64_t spatialDims
)
{
    const auto where = "entry '" + name + "' of tensor file '" + path + "'";
    const auto found = entries.find(name);
    if (found == entries.end())
    {
        std::string names;
        for (const auto& entry : entries)
        {
            names += (names.empty() ? "" : ", ") + entry.first;
        }
        throw std::runtime_error("no " + where + " (tensor entries: " + names + ")");
    }
    auto t = found->second;
    const auto type = t.scalar_type();
    if (type != torch::kFloat && type != torch::kDouble && type != torch::kBool
        && type != torch::kHalf && type != torch::kBFloat16)
    {
        std::ostringstream os;
        os << where << " has type " << type << ", expected float32, float64 or bool";
        throw std::runtime_error(os.str());
    }
    if (t.dim() == spatialDims + 1)
    {
        t = t.unsqueeze(1);
    }
    if (t.dim() != spatialDims + 2)
    {
        std::ostringstream os;
        os << where << " has shape " << found->second.sizes() << ", expected (samples, d1..d"
           << spatialDims << ") or (samples, channels, d1..d" << spatialDims << ") for spatialDims "
           << spatialDims;
        throw std::runtime_error(os.str());
    }
    t = t.to(torch::kFloat).contiguous();
    if (!t.isfinite().all().item<bool>())
    {
        const auto bad = (~t.isfinite()).nonzero()[0][0].item<int64_t>();
        throw std::runtime_error(
            where + " holds NaN or Inf (first in sample " + std::to_string(bad) + ")"
        );
    }
    return t;
}

} // namespace nop
