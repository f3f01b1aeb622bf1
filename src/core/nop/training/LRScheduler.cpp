#include "nop/training/LRScheduler.hpp"

#include <cmath>
#include <cstdint>
#include <stdexcept>

namespace nop
{

LRScheduler::LRScheduler
(
    const std::string& type,
    double initialRate,
    int64_t stepSize,
    double gamma,
    int64_t period
)
:
    type_(type),
    initialRate_(initialRate),
    stepSize_(stepSize),
    gamma_(gamma),
    period_(period)
{
    if (type_ != "none" && type_ != "step" && type_ != "cosine")
    {
        throw std::invalid_argument
        (
            "unknown scheduler '" + type_ + "' (valid: none, step, cosine)"
        );
    }
    if (type_ == "step" && stepSize_ < 1)
    {
        throw std::invalid_argument("stepSize must be >= 1");
    }
    if (type_ == "cosine" && period_ < 1)
    {
        throw std::invalid_argument("cosine period must be >= 1 epoch");
    }
}


double LRScheduler::at(int64_t epoch) const
{
    if (type_ == "step")
    {
        return initialRate_*std::pow(gamma_, double(epoch/stepSize_));
    }
    if (type_ == "cosine")
    {
        // torch.optim.lr_scheduler.CosineAnnealingLR with eta_min 0.
        return 0.5*initialRate_*(1 + std::cos(M_PI*double(epoch)/double(period_)));
    }
    return initialRate_;
}

} // namespace nop
