#pragma once

// Learning rate per epoch: constant, step or cosine annealing.

#include "nop/training/TrainerOptions.hpp"

#include <cstdint>

namespace nop
{

class LRScheduler
{
public:
    /// none, step (times gamma every stepSize epochs) or cosine (to 0 over
    /// `period` epochs). Throws OptionError for a stepSize or period < 1.
    LRScheduler(Scheduler type, double initialRate, int64_t stepSize, double gamma, int64_t period);

    /// Learning rate of epoch `epoch` (0-based).
    double at(int64_t epoch) const;

private:
    Scheduler type_;
    double initialRate_;
    int64_t stepSize_;
    double gamma_;
    int64_t period_;
};

} // namespace nop
