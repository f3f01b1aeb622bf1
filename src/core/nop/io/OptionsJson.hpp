#pragma once

// Options to and from JSON, for model files and reports. Keys equal the
// option names (and so the dictionary keywords).

#include "nop/models/FNOOptions.hpp"
#include "nop/training/TrainerOptions.hpp"
#include "nop/data/TensorFileDatasetOptions.hpp"

#include <nlohmann/json.hpp>

namespace nop
{

nlohmann::json toJson(const FNOOptions& options);
nlohmann::json toJson(const TrainerOptions& options);
nlohmann::json toJson(const TensorFileDatasetOptions& options);

/// Throws std::runtime_error naming the key when one is missing or mistyped.
FNOOptions fnoOptionsFromJson(const nlohmann::json& json);

} // namespace nop
