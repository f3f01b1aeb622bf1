#pragma once

// Any options struct (Options.hpp) to and from JSON, for model files,
// checkpoints and reports: one key per option, the keyword; enums as their
// words.

#include "nop/options/Options.hpp"

#include <nlohmann/json.hpp>

#include <stdexcept>
#include <string>

namespace nop
{

template<class Options> nlohmann::json optionsToJson(const Options& options)
{
    nlohmann::json json = nlohmann::json::object();
    options.visit(
        [&json](const OptionInfo& info, const auto& value, const auto&)
        {
            using T = std::decay_t<decltype(value)>;
            if constexpr (hasWords<T>::value)
            {
                json[info.keyword] = toString(value);
            }
            else
            {
                json[info.keyword] = value;
            }
        }
    );
    return json;
}

/// Every option from `json` (all must be present), then validated. Throws
/// std::runtime_error naming the key when one is missing, mistyped or
/// refused by its check.
template<class Options> Options optionsFromJson(const nlohmann::json& json)
{
    Options options;
    const std::string scope(Options::scope);
    options.visit(
        [&](const OptionInfo& info, auto& value, const auto&)
        {
            using T = std::decay_t<decltype(value)>;
            const auto entry = json.is_object() ? json.find(info.keyword) : json.end();
            if (entry == json.end())
            {
                throw std::runtime_error(scope + " options lack '" + info.keyword + "'");
            }
            try
            {
                if constexpr (hasWords<T>::value)
                {
                    value = fromString<T>(entry->template get<std::string>());
                }
                else
                {
                    value = entry->template get<T>();
                }
            }
            catch (const std::exception& e)
            {
                throw std::runtime_error(
                    "malformed " + scope + " option '" + info.keyword + "': " + e.what()
                );
            }
        }
    );
    try
    {
        validate(options);
    }
    catch (const OptionError& e)
    {
        throw std::runtime_error(scope + " options: " + e.what());
    }
    return options;
}

} // namespace nop
