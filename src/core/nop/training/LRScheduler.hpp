#pragma once

// Learning rate per epoch: constant, step or cosine annealing.

#include <string>

namespace nop
{

class LRScheduler
{
public:
    /// type: none, step (times gamma every stepSize epochs) or cosine (to 0
    /// over `period` epochs). Throws std::invalid_argument otherwise.
    LRScheduler
    (
        const std::string& type,
        double initialRate,
        int64_t stepSize,
        double gamma,
        int64_t period
    );

    /// Learning rate of epoch `epoch` (0-based).
    double at(int64_t epoch) const;

private:
    std::string type_;
    double initialRate_;
    int64_t stepSize_;
    double gamma_;
    int64_t period_;
};

} // namespace nop
