#pragma once

// One declaration per option. An options struct lists its options once, in
// an X-macro of entries
//
//     X(Type, keyword, default, check, description)
//
// from which come the fields and their chained setters (NOP_OPTIONS_FIELDS)
// and visitors over them (NOP_OPTIONS_VISITOR): `visit` over every option,
// for the JSON round trip (OptionsJson.hpp) and the core's validation
// (validate below); `visitEntries` over those a user sets in a dictionary,
// for the OpenFOAM readers and Usage tables (FNOOptions' channels and
// precision come from the data and the training instead). The keyword is the
// field's name, the dictionary keyword, the JSON key and the log label.
// Torch-free: OpenFOAM translation units include these headers.

#include "nop/options/Checks.hpp"

#include <stdexcept>
#include <string>

namespace nop
{

/// What a visitor learns of an option besides its value.
struct OptionInfo
{
    const char* keyword;
    const char* description;
};

/// An option the core refused: `keyword()` names it (the dictionary entry
/// at fault), what() says why ("epochs must be positive, got 0").
class OptionError : public std::invalid_argument
{
public:
    OptionError(std::string keyword, const std::string& message) :
        std::invalid_argument(message),
        keyword_(std::move(keyword))
    {}

    const std::string& keyword() const { return keyword_; }

private:
    std::string keyword_;
};

/// Check every option of `options` (a struct with NOP_OPTIONS_VISITOR) with
/// its declared check; throws OptionError naming the first one refused.
template<class Options> void validate(const Options& options)
{
    options.visit(
        [](const OptionInfo& info, const auto& value, const auto& check)
        {
            if (!check(value))
            {
                throw OptionError(
                    info.keyword, std::string(info.keyword) + " must be " + check.requirement()
                                      + ", got " + describe(value)
                );
            }
        }
    );
}

} // namespace nop


// A field with chained setter and getters (as TORCH_ARG, without torch).
#define NOP_OPTION_FIELD(Type, name, deflt, check, description)                                    \
public:                                                                                            \
    auto name(const Type& value)->decltype(*this)                                                  \
    {                                                                                              \
        name##_ = value;                                                                           \
        return *this;                                                                              \
    }                                                                                              \
    const Type& name() const noexcept                                                              \
    {                                                                                              \
        return name##_;                                                                            \
    }                                                                                              \
    Type& name() noexcept                                                                          \
    {                                                                                              \
        return name##_;                                                                            \
    }                                                                                              \
                                                                                                   \
private:                                                                                           \
    Type name##_ = deflt;

#define NOP_OPTION_VISIT_ONE(Type, name, deflt, check, description)                                \
    visitor(::nop::OptionInfo{#name, description}, name##_, check);

// The fields of an options list.
#define NOP_OPTIONS_FIELDS(LIST) LIST(NOP_OPTION_FIELD) public:

// function(visitor) calls visitor(info, value, check) for every option of
// the lists in `visits` (each LIST(NOP_OPTION_VISIT_ONE)), const and not.
#define NOP_OPTIONS_VISITOR(function, visits)                                                      \
public:                                                                                            \
    template<class Visitor> void function(Visitor&& visitor)                                       \
    {                                                                                              \
        visits                                                                                     \
    }                                                                                              \
    template<class Visitor> void function(Visitor&& visitor) const                                 \
    {                                                                                              \
        visits                                                                                     \
    }
