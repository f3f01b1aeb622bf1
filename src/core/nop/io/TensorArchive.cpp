#include "nop/io/TensorArchive.hpp"

#include <cstring>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace nop
{

namespace
{

struct DtypeName
{
    const char* name;
    torch::ScalarType type;
};

const DtypeName dtypes[] = {{"float32", torch::kFloat}, {"float64", torch::kDouble},
                            {"float16", torch::kHalf},  {"bfloat16", torch::kBFloat16},
                            {"int64", torch::kLong},    {"bool", torch::kBool}};


const DtypeName* dtypeOf(torch::ScalarType type)
{
    for (const auto& d : dtypes)
    {
        if (d.type == type)
        {
            return &d;
        }
    }
    return nullptr;
}


const DtypeName* dtypeOf(const std::string& name)
{
    for (const auto& d : dtypes)
    {
        if (name == d.name)
        {
            return &d;
        }
    }
    return nullptr;
}

} // namespace


std::string encodeTensorArchive(const TensorArchive& archive)
{
    std::vector<torch::Tensor> contiguous;
    std::map<std::string, RawArrayView> arrays;
    for (const auto& item : archive.tensors)
    {
        const DtypeName* dtype = dtypeOf(item.second.scalar_type());
        if (!dtype)
        {
            std::ostringstream os;
            os << "tensor archive: tensor '" << item.first << "' has dtype "
               << item.second.scalar_type() << ", which the format does not hold";
            throw std::runtime_error(os.str());
        }
        auto t = item.second.detach().to(torch::kCPU).contiguous();
        arrays[item.first] = {
            dtype->name, t.sizes().vec(), static_cast<const char*>(t.data_ptr()),
            uint64_t(t.numel() * t.element_size())};
        contiguous.push_back(t);
    }
    return encodeArrayArchive(archive.metadata, arrays);
}


TensorArchive decodeTensorArchive(const std::string& bytes, const std::string& what)
{
    const ArrayArchiveView view = viewArrayArchive(bytes, what);
    TensorArchive archive;
    archive.metadata = view.metadata;
    for (const auto& item : view.arrays)
    {
        const RawArrayView& array = item.second;
        // Every dtype word of the format has a tensor type; this guards a
        // word added to ArrayArchive without one here.
        const DtypeName* dtype = dtypeOf(array.dtype);
        if (!dtype)
        {
            throw std::runtime_error(
                what + ": tensor '" + item.first + "': dtype " + array.dtype + " has no tensor type"
            );
        }
        auto tensor = torch::empty(array.shape, torch::TensorOptions().dtype(dtype->type));
        if (array.bytes)
        {
            std::memcpy(tensor.data_ptr(), array.data, array.bytes);
        }
        archive.tensors[item.first] = tensor;
    }
    return archive;
}

} // namespace nop
