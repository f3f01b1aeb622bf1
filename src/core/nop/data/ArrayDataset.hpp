#pragma once

// Datasets handed over in memory as plain float arrays, e.g. by the OpenFOAM
// adapter after sampling case directories onto a latent grid. Torch-free, so
// that translation units with OpenFOAM headers can fill them.

#include <cstdint>
#include <string>
#include <vector>

namespace nop
{

/// Samples on one grid: inputs (samples, inChannels, d1..dN) and outputs
/// (samples, outChannels, d1..dN), float32 in C order.
struct ArraySamples
{
    std::string name;
    int64_t samples = 0;
    int64_t inChannels = 0;
    int64_t outChannels = 0;
    /// Grid points per spatial dimension (d1..dN).
    std::vector<int64_t> resolution;
    std::vector<float> inputs;
    std::vector<float> outputs;
};

/// A training set, test sets, and what their channels are.
struct ArrayDatasets
{
    ArraySamples train;
    std::vector<ArraySamples> tests;
    std::vector<std::string> inputNames;
    std::vector<std::string> outputNames;
    /// Input channel holding the fluid mask (1 inside, 0 outside), -1 for
    /// none. With a mask, predictions are 0 outside and the training loss
    /// only sees the points inside.
    int64_t maskChannel = -1;

    bool empty() const { return train.samples == 0; }
};

} // namespace nop
