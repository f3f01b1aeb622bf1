#include "nop/precision/LossScaler.hpp"

namespace nop
{

LossScaler::LossScaler(bool enabled, double initialScale, int64_t growthInterval) :
    enabled_(enabled),
    scale_(enabled ? initialScale : 1.0),
    growthInterval_(growthInterval)
{}


torch::Tensor LossScaler::scale(const torch::Tensor& loss) const
{
    return enabled_ ? loss * scale_ : loss;
}


bool LossScaler::unscaleAndCheck(const std::vector<torch::Tensor>& parameters)
{
    torch::NoGradGuard noGrad;
    bool finite = true;
    for (const auto& p : parameters)
    {
        auto grad = p.grad();
        if (!grad.defined())
        {
            continue;
        }
        if (enabled_)
        {
            grad.div_(scale_);
        }
        finite = finite && grad.isfinite().all().item<bool>();
    }
    if (!enabled_)
    {
        return finite;
    }
    if (!finite)
    {
        backOff();
        return false;
    }
    if (++goodSteps_ >= growthInterval_)
    {
        scale_ *= 2;
        goodSteps_ = 0;
    }
    return true;
}


void LossScaler::backOff()
{
    if (enabled_)
    {
        scale_ = std::max(scale_ * 0.5, 1.0);
        goodSteps_ = 0;
    }
}

} // namespace nop
