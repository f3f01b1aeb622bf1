#include "nop/precision/Precision.hpp"

#include <cmath>
#include <stdexcept>

namespace nop
{

namespace
{

template<class Enum, size_t N>
Enum parseWord
(
    const std::string& what,
    const std::string& word,
    const std::pair<const char*, Enum> (&table)[N]
)
{
    std::string valid;
    for (const auto& [name, value] : table)
    {
        if (word == name)
        {
            return value;
        }
        valid += (valid.empty() ? "" : ", ") + std::string(name);
    }
    throw std::invalid_argument
    (
        "unknown " + what + " '" + word + "' (valid: " + valid + ")"
    );
}

const std::pair<const char*, Precision> precisionWords[] =
    {{"full", Precision::full}, {"mixed", Precision::mixed}, {"half", Precision::half}};

const std::pair<const char*, Stabiliser> stabiliserWords[] =
    {{"none", Stabiliser::none}, {"tanh", Stabiliser::tanh}};

const std::pair<const char*, ReducedType> reducedTypeWords[] =
    {{"auto", ReducedType::automatic},
     {"bfloat16", ReducedType::bfloat16},
     {"float16", ReducedType::float16}};

template<class Enum, size_t N>
std::string wordOf(Enum value, const std::pair<const char*, Enum> (&table)[N])
{
    for (const auto& [name, v] : table)
    {
        if (v == value)
        {
            return name;
        }
    }
    return "?";
}

} // namespace

std::string toString(Precision p) { return wordOf(p, precisionWords); }
std::string toString(Stabiliser s) { return wordOf(s, stabiliserWords); }
std::string toString(ReducedType t) { return wordOf(t, reducedTypeWords); }

Precision precisionFromString(const std::string& word)
{
    return parseWord("precision", word, precisionWords);
}

Stabiliser stabiliserFromString(const std::string& word)
{
    return parseWord("stabiliser", word, stabiliserWords);
}

ReducedType reducedTypeFromString(const std::string& word)
{
    return parseWord("reducedType", word, reducedTypeWords);
}


PrecisionSchedule::PrecisionSchedule(Precision constant)
:
    constant_(constant)
{}


PrecisionSchedule::PrecisionSchedule(int64_t epochs, std::vector<double> fractions)
:
    scheduled_(true)
{
    if (fractions.size() != 3)
    {
        throw std::invalid_argument
        (
            "schedule needs three fractions (half mixed full), got "
          + std::to_string(fractions.size())
        );
    }
    double sum = 0;
    for (double f : fractions)
    {
        if (!(f >= 0))
        {
            throw std::invalid_argument("schedule fractions must be >= 0");
        }
        sum += f;
    }
    if (std::abs(sum - 1) > 1e-6)
    {
        throw std::invalid_argument
        (
            "schedule fractions must sum to 1, got " + std::to_string(sum)
        );
    }
    // Round the phase boundaries, so 25/50/25 of 20 epochs is 5/10/5.
    const int64_t halfEnd = std::llround(fractions[0]*epochs);
    const int64_t mixedEnd = std::llround((fractions[0] + fractions[1])*epochs);
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
