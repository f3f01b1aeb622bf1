#pragma once

// Options of the training loop. Torch-free (only <torch/arg.h>).

#include <torch/arg.h>

#include <cstdint>
#include <string>
#include <vector>

namespace nop
{

/// The valid words of TrainerOptions' word-valued options, written once for
/// the core's checks and the dictionary readers.
namespace trainerWords
{
    inline const std::vector<std::string> optimiser{"adamW", "adam"};
    inline const std::vector<std::string> scheduler{"none", "step", "cosine"};
    inline const std::vector<std::string> loss{"l2", "h1"};
    inline const std::vector<std::string> precision{"full", "mixed", "half", "schedule"};
    inline const std::vector<std::string> lossScaling{"auto", "on", "off"};
}

/// Options for `Trainer`. Field names equal dictionary keywords.
///
/// The neuraloperator reference recipe:
///   TrainerOptions().epochs(20).batchSize(32).learningRate(8e-3)
///       .scheduler("cosine").loss("h1")
struct TrainerOptions
{
    TORCH_ARG(int64_t, epochs) = 20;
    TORCH_ARG(int64_t, batchSize) = 32;
    /// Optimiser: adamW (decoupled weight decay) or adam.
    TORCH_ARG(std::string, optimiser) = "adamW";
    TORCH_ARG(double, learningRate) = 8e-3;
    TORCH_ARG(double, weightDecay) = 1e-4;
    /// Learning-rate scheduler: none, step or cosine.
    TORCH_ARG(std::string, scheduler) = "cosine";
    /// step: multiply the learning rate by gamma every stepSize epochs.
    TORCH_ARG(int64_t, stepSize) = 100;
    TORCH_ARG(double, gamma) = 0.5;
    /// cosine: period in epochs (0: the number of epochs).
    TORCH_ARG(int64_t, cosineEpochs) = 0;
    /// Training loss: l2 or h1 (relative, per sample and channel).
    TORCH_ARG(std::string, loss) = "h1";
    /// full, mixed, half, or schedule.
    TORCH_ARG(std::string, precision) = "schedule";
    /// Fractions of the epochs in half, mixed and full (precision schedule).
    TORCH_ARG(std::vector<double>, schedule) = std::vector<double>{0.25, 0.5, 0.25};
    /// Dynamic loss scaling: auto (on for float16 only), on, off.
    TORCH_ARG(std::string, lossScaling) = "auto";
    TORCH_ARG(bool, normaliseInputs) = true;
    TORCH_ARG(bool, normaliseOutputs) = true;
    TORCH_ARG(uint64_t, seed) = 0;
    /// Intra-op threads (0: all cores).
    TORCH_ARG(int64_t, threads) = 0;
    /// cpu, cuda or cuda:N.
    TORCH_ARG(std::string, device) = "cpu";
    /// Evaluate the test sets every this many epochs (and at the end).
    TORCH_ARG(int64_t, evalEvery) = 1;
    /// Write a checkpoint every this many epochs and after the last one
    /// (0: only on a stop request), beside the model file with extension
    /// `.checkpoint`; one is always written when a stop is requested
    /// (SIGINT, SIGTERM), and it is removed once the model is written. A rerun
    /// of the same set-up resumes from it and ends bit for bit as the
    /// uninterrupted run. It does not change the result, so it is not part
    /// of the set-up fingerprint (a resumed run may use another value).
    TORCH_ARG(int64_t, checkpointEvery) = 10;
};

} // namespace nop
