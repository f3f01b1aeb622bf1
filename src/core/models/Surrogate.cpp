#include "models/Surrogate.hpp"

namespace nop
{

torch::Tensor Surrogate::predict(const torch::Tensor& x)
{
    return outputNormaliser.decode(model->forward(inputNormaliser.encode(x)));
}

} // namespace nop
