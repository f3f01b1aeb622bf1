#include "nop/models/NeuralOperator.hpp"

#include <stdexcept>

namespace nop
{

torch::Tensor NeuralOperatorImpl::forward(const GeometryBatch&)
{
    throw std::logic_error(kind() + " is a model on grids: it takes no geometry");
}

} // namespace nop
