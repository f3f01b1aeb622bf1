#pragma once

// A dataset in tensors, as the Trainer takes it.

#include <torch/torch.h>

#include <cstdint>
#include <string>

namespace nop
{

/// Inputs and outputs of a dataset: (samples, channels, d1..dN) float32.
struct Dataset
{
    std::string name;
    torch::Tensor x;
    torch::Tensor y;

    int64_t size() const { return x.defined() ? x.size(0) : 0; }
};

} // namespace nop
