#pragma once

// A dataset in tensors, as the Trainer takes it: grid samples, or
// geometry samples for a model on geometries (GINO).

#include "nop/data/GeometryBatch.hpp"

#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

namespace nop
{

/// Inputs and outputs of a dataset: (samples, channels, d1..dN) float32;
/// or, for a model on geometries, `geometries` (with targets) and x, y
/// undefined.
struct Dataset
{
    std::string name;
    torch::Tensor x;
    torch::Tensor y;
    std::vector<GeometrySample> geometries;

    bool onGeometry() const { return !geometries.empty(); }
    int64_t size() const
    {
        return onGeometry() ? int64_t(geometries.size()) : x.defined() ? x.size(0) : 0;
    }
};

} // namespace nop
