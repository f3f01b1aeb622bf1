#include "nop/precision/Precision.hpp"

#include "nop/options/Options.hpp"

#include <cmath>
#include <stdexcept>

namespace nop
{

PrecisionSchedule::PrecisionSchedule(Precision constant) :
    constant_(constant)
{}


PrecisionSchedule::PrecisionSchedule(int64_t epochs, std::vector<double> fractions) :
    scheduled_(true)
{
    const check::Fractions valid{3};
    if (!valid(fractions))
    {
        throw OptionError(
            "schedule", "schedule must be " + valid.requirement() + " (half mixed full), got "
                            + describe(fractions)
        );
    }
    // Round the phase boundaries, so 25/50/25 of 20 epochs is 5/10/5.
    const int64_t halfEnd = std::llround(fractions[0] * epochs);
    const int64_t mixedEnd = std::llround((fractions[0] + fractions[1]) * epochs);
    starts_ = {0, halfEnd, mixedEnd};
}


Precision PrecisionSchedule::at(int64_t epoch) const
{
    if (!scheduled_)
    {
        return constant_;
    }
    if (epoch >= starts_[2])
    {
        return Precision::full;
    }
    return epoch >= starts_[1] ? Precision::mixed : Precision::half;
}

} // namespace nop
