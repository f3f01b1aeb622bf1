#pragma once

// Where a tensor-file dataset comes from. Torch-free (only <torch/arg.h>).

#include <torch/arg.h>

#include <cstdint>
#include <string>
#include <vector>

namespace nop
{

/// Options for datasets read from `.pt` files as neuraloperator ships them:
/// a pickled dict of tensors, each (samples, [channels,] d1..dN).
///
/// Example:
///   TensorFileDatasetOptions().trainFile("burgers_train_16.pt")
///       .testFiles({"burgers_test_16.pt"}).input("x").output("y").spatialDims(1)
struct TensorFileDatasetOptions
{
    TORCH_ARG(std::string, trainFile);
    TORCH_ARG(std::vector<std::string>, testFiles);
    /// Name of the input entry of the dict.
    TORCH_ARG(std::string, input) = "x";
    /// Name of the output entry of the dict.
    TORCH_ARG(std::string, output) = "y";
    /// Number of spatial dimensions; an entry with spatialDims+1 dims has no
    /// channel dimension, one with spatialDims+2 has one after the samples.
    TORCH_ARG(int64_t, spatialDims) = 1;
    /// Samples used from the train file and from each test file (-1: all).
    TORCH_ARG(int64_t, nTrain) = -1;
    TORCH_ARG(int64_t, nTest) = -1;
};

} // namespace nop
