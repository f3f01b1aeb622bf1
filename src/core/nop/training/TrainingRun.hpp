#pragma once

// One call of Trainer::fit: the state of a training in progress and its
// steps (normalisers, optimiser, resume, epochs, checkpoints, stop), each a
// member function with one job.

#include "nop/precision/LossScaler.hpp"
#include "nop/runtime/Elapsed.hpp"
#include "nop/runtime/PeakMemory.hpp"
#include "nop/training/OptimiserState.hpp"
#include "nop/training/Trainer.hpp"

#include <torch/torch.h>

#include <chrono>
#include <memory>
#include <vector>

namespace nop
{

class TrainingRun
{
public:
    TrainingRun(
        const Trainer& trainer,
        const torch::Device& device,
        Surrogate& surrogate,
        const Dataset& train,
        const std::vector<Dataset>& tests,
        const Trainer::Log& log,
        const CheckpointSettings& checkpoint
    );

    /// Train from epoch 0 or the checkpoint's position to the end.
    TrainingSummary run();

private:
    /// Where an epoch stands: its sample order, the samples done and the
    /// sums of its steps.
    struct EpochProgress
    {
        torch::Tensor order;
        int64_t first = 0;
        double lossSum = 0;
        int64_t goodSteps = 0;
        int64_t badSteps = 0;
        double earlierSeconds = 0;
        Clock::time_point start = Clock::now();
    };

    /// Fit the normalisers that the options ask for on the training set.
    void fitNormalisers(const Dataset& train);
    std::unique_ptr<torch::optim::Optimizer> makeOptimiser() const;

    /// Resume from the checkpoint file when it is of this set-up (log lines
    /// say what was done with it).
    void resumeFromCheckpointFile();

    /// Check everything in `c` against this run, then restore it: a
    /// checkpoint that does not fit throws and changes nothing.
    void restore(TrainingCheckpoint& c);

    /// The checkpoint of this run at `epoch` (and `progress` within it).
    TrainingCheckpoint snapshot(int64_t epoch, const EpochProgress* progress) const;

    /// Write the checkpoint of a requested stop and throw TrainingStopped.
    [[noreturn]] void stop(const TrainingCheckpoint& c) const;

    /// The order (and progress) of epoch `epoch`: fresh, or the rest of the
    /// epoch the checkpoint was written in.
    EpochProgress beginEpoch(int64_t epoch);

    /// The training loss on the samples `index`.
    torch::Tensor batchLoss(const torch::Tensor& index);

    /// One optimiser step on the samples `index`; non-finite steps are
    /// counted and skipped.
    void step(const torch::Tensor& index, EpochProgress& progress);

    void trainEpoch(int64_t epoch);

    /// The progress line of an epoch, with test errors every evalEvery.
    void logEpoch(
        int64_t epoch,
        Precision precision,
        double rate,
        const EpochProgress& p,
        double epochSeconds
    );

    /// The periodic checkpoint after epoch `epoch` (and the stop request).
    void checkpointAfter(int64_t epoch);

    const TrainerOptions& options_;
    const Trainer& trainer_;
    const torch::Device device_;
    Surrogate& surrogate_;
    const std::vector<Dataset>& tests_;
    const Trainer::Log& log_;
    const CheckpointSettings& checkpoint_;
    const bool checkpoints_;

    const int64_t n_;
    std::vector<torch::Tensor> parameters_;
    ParameterDict namedParameters_;
    ParameterDict namedBuffers_;
    const bool adamW_;
    std::unique_ptr<torch::optim::Optimizer> optimiser_;
    const LRScheduler learningRate_;
    const PrecisionSchedule precisions_;
    LossScaler scaler_;
    PeakMemory memory_;

    TrainingSummary summary_;
    double trainSeconds_ = 0;
    /// Seconds and peak of earlier runs of a resumed training.
    double earlierSeconds_ = 0;
    int64_t earlierPeakBytes_ = 0;
    const Clock::time_point start_ = Clock::now();

    /// Where training begins: epoch 0, or the position of a checkpoint.
    int64_t firstEpoch_ = 0;
    TrainingCheckpoint resumed_;

    /// The normalised training set on the device, and its mask.
    torch::Tensor x_;
    torch::Tensor y_;
    torch::Tensor mask_;
    /// Or the training set of geometries, targets normalised.
    std::vector<GeometrySample> geometries_;
};

} // namespace nop
