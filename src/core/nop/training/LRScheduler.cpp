#include "nop/training/LRScheduler.hpp"

#include <cmath>
#include <cstdint>
#include <stdexcept>

namespace nop
{

LRScheduler::LRScheduler(
    Scheduler type,
    double initialRate,
    int64_t stepSize,
    double gamma,
    int64_t period
) :
    type_(type),
    initialRate_(initialRate),
    stepSize_(stepSize),
    gamma_(gamma),
    period_(period)
{
    if (type_ == Scheduler::step && stepSize_ < 1)
    {
        throw OptionError("stepSize", "stepSize must be positive");
    }
    if (type_ == Scheduler::cosine && period_ < 1)
    {
        throw OptionError("cosineEpochs", "the cosine period must be at least 1 epoch");
    }
}


double LRScheduler::at(int64_t epoch) const
{
    if (type_ == Scheduler::step)
    {
        return initialRate_ * std::pow(gamma_, double(epoch / stepSize_));
    }
    if (type_ == Scheduler::cosine)
    {
        // torch.optim.lr_scheduler.CosineAnnealingLR with eta_min 0.
        return 0.5 * initialRate_ * (1 + std::cos(M_PI * double(epoch) / double(period_)));
    }
    return initialRate_;
}

} // namespace nop
