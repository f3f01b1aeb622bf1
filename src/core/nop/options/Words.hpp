#pragma once

// One word table per enum: the words users write in dictionaries, JSON and
// logs, and the only place they are spelt. An enum takes part by
// specialising EnumWords (see Precision.hpp); toString, fromString and
// wordList then work for it. Torch-free.

#include <array>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace nop
{

/// Specialise with `static constexpr const char* what` (the option's name in
/// messages) and `static constexpr std::array<std::pair<Enum, const char*>, N>
/// table`.
template<class Enum> struct EnumWords;

template<class T, class = void> struct hasWords : std::false_type
{};

template<class T> struct hasWords<T, std::void_t<decltype(EnumWords<T>::table)>> : std::true_type
{};

template<class Enum, std::enable_if_t<hasWords<Enum>::value, int> = 0>
std::string toString(Enum value)
{
    for (const auto& [v, word] : EnumWords<Enum>::table)
    {
        if (v == value)
        {
            return word;
        }
    }
    return "?";
}

/// The valid words, in table order.
template<class Enum> std::vector<std::string> wordList()
{
    std::vector<std::string> words;
    for (const auto& entry : EnumWords<Enum>::table)
    {
        words.emplace_back(entry.second);
    }
    return words;
}

/// Parse a word; throws std::invalid_argument listing the valid words.
template<class Enum> Enum fromString(const std::string& word)
{
    std::string valid;
    for (const auto& [value, w] : EnumWords<Enum>::table)
    {
        if (word == w)
        {
            return value;
        }
        valid += (valid.empty() ? "" : ", ") + std::string(w);
    }
    throw std::invalid_argument(
        std::string("unknown ") + EnumWords<Enum>::what + " '" + word + "' (valid: " + valid + ")"
    );
}

} // namespace nop
