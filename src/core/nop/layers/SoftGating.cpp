#include "nop/layers/SoftGating.hpp"

namespace nop
{

SoftGatingImpl::SoftGatingImpl(int64_t channels_) :
    channels(channels_)
{
    reset();
}


void SoftGatingImpl::reset()
{
    weight = register_parameter("weight", torch::ones({channels}));
}


torch::Tensor SoftGatingImpl::forward(const torch::Tensor& x)
{
    return x * weight.to(x.scalar_type());
}

} // namespace nop
