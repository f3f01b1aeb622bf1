#pragma once

// Where a tensor-file dataset comes from, declared once
// (nop/options/Options.hpp). Torch-free.

#include "nop/options/Options.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace nop
{

// X(Type, keyword, default, check, description)
#define NOP_TENSOR_FILE_DATASET_OPTIONS(X)                                                         \
    X(std::string, trainFile, "", check::Required{}, "Training .pt file")                          \
    X(std::vector<std::string>, testFiles, {}, check::Any{},                                       \
      "Test .pt files, evaluated separately")                                                      \
    X(std::string, input, "x", check::Required{}, "Name of the input tensor in the files")         \
    X(std::string, output, "y", check::Required{}, "Name of the output tensor in the files")       \
    X(int64_t, spatialDims, 1, (check::InRange{1, 3}), "Number of spatial dimensions (1-3)")       \
    X(int64_t, nTrain, -1, check::AllOrPositive{}, "Samples used from trainFile (-1: all)")        \
    X(int64_t, nTest, -1, check::AllOrPositive{}, "Samples used from each test file (-1: all)")

/// Options for datasets read from `.pt` files as neuraloperator ships them:
/// a pickled dict of tensors, each (samples, [channels,] d1..dN). An entry
/// with spatialDims+1 dims has no channel dimension, one with spatialDims+2
/// has one after the samples.
///
/// Example:
///   TensorFileDatasetOptions().trainFile("burgers_train_16.pt")
///       .testFiles({"burgers_test_16.pt"}).input("x").output("y").spatialDims(1)
struct TensorFileDatasetOptions
{
    NOP_OPTIONS_FIELDS(NOP_TENSOR_FILE_DATASET_OPTIONS)
    NOP_OPTIONS_VISITOR(visit, NOP_TENSOR_FILE_DATASET_OPTIONS(NOP_OPTION_VISIT_ONE))
    NOP_OPTIONS_VISITOR(visitEntries, NOP_TENSOR_FILE_DATASET_OPTIONS(NOP_OPTION_VISIT_ONE))

    static constexpr const char* scope = "data";
};

} // namespace nop
