#include "nop/models/Surrogate.hpp"

namespace nop
{

torch::Tensor Surrogate::predict(const torch::Tensor& x)
{
    auto y = outputNormaliser.decode(model->forward(inputNormaliser.encode(x)));
    if (maskChannel >= 0)
    {
        y = y * mask(x);
    }
    return y;
}


torch::Tensor Surrogate::predict(const GeometryBatch& batch)
{
    return outputNormaliser.decode(model->forward(batch));
}


torch::Tensor Surrogate::mask(const torch::Tensor& x) const
{
    if (maskChannel < 0)
    {
        return {};
    }
    return x.narrow(1, maskChannel, 1).to(torch::kFloat);
}

} // namespace nop
