#pragma once

// Models by name: a model registers its kind once (next to its code), and
// the model file, the trainer and inference make it by that name, so a new
// model is an addition, not an edit of if/else chains.

#include "nop/models/NeuralOperator.hpp"

#include <functional>
#include <string>
#include <vector>

namespace nop
{

struct ModelType
{
    /// The key of the model's options in model files and reports ("fno").
    std::string optionsKey;

    /// A model of these options (all of them, as optionsJson writes them).
    /// Throws std::runtime_error naming an option that is missing, mistyped
    /// or refused by its check.
    std::function<NeuralOperator(const nlohmann::json& options)> make;

    /// The parameters a model of these (checked) options has at least: a
    /// model file holding fewer is damaged or crafted.
    std::function<double(const nlohmann::json& options)> parameterLowerBound;
};

/// Register `type` as `kind`; returns true (for static registrars). A kind
/// registered twice is a programming error (std::logic_error).
bool registerModelType(const std::string& kind, ModelType type);

/// The type registered as `kind`; throws std::runtime_error listing the
/// registered kinds otherwise.
const ModelType& modelType(const std::string& kind);

/// Registered kinds, sorted.
std::vector<std::string> modelKinds();

} // namespace nop
