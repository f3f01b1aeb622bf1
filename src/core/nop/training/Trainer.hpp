#pragma once

// The training loop: AdamW, learning-rate schedule, precision schedule,
// loss scaling, per-epoch evaluation and progress output.

#include "nop/data/Dataset.hpp"
#include "nop/models/Surrogate.hpp"
#include "nop/precision/Precision.hpp"
#include "nop/training/Checkpoint.hpp"
#include "nop/training/LRScheduler.hpp"
#include "nop/training/TrainerOptions.hpp"

#include <torch/torch.h>

#include <functional>
#include <string>
#include <vector>

namespace nop
{

/// Mean relative errors of a model on a dataset in one precision.
struct Evaluation
{
    std::string dataset;
    Precision precision = Precision::full;
    double l2 = 0;
    /// NaN on geometries (no grid to differentiate on).
    double h1 = 0;
    bool finite = true;
    /// The relative L2 per output channel (mean over samples) and per
    /// sample (mean over channels).
    std::vector<double> channelL2;
    std::vector<double> sampleL2;
};

struct TrainingSummary
{
    int64_t epochs = 0;
    double seconds = 0;
    double samplesPerSecond = 0;
    /// Peak live tensor bytes; -1 when not measured (on CPU unless asked:
    /// a PeakMemory::Tracking alive around fit, or NOP_TRACK_MEMORY=1).
    int64_t peakBytes = -1;
    double finalTrainLoss = 0;
    /// Steps whose loss or gradients were not finite (skipped).
    int64_t nonFiniteSteps = 0;
    int64_t steps = 0;
    /// Final errors on every test set in full, mixed and half precision.
    std::vector<Evaluation> finalErrors;
};

class Trainer
{
public:
    using Log = std::function<void(const std::string&)>;

    /// Throws OptionError naming the option for a bad option.
    Trainer(const TrainerOptions& options, const torch::Device& device);

    /// Fit the normalisers (if asked) and train `surrogate` on `train`,
    /// evaluating on `tests`. Leaves the model in full precision.
    ///
    /// With a checkpoint file (`checkpoint.file` not empty):
    /// - an existing checkpoint of the same fingerprint is resumed (log line
    ///   "Resuming from <file> at epoch N of M"); one of another set-up, or
    ///   one that cannot be read, is ignored with a log line saying why;
    /// - a checkpoint is written (atomically) every `checkpointEvery` epochs
    ///   and after the last one (none when checkpointEvery is 0);
    /// - a stop request (`stopRequested()`, see StopRequest.hpp) is honoured
    ///   after the step in progress: the checkpoint is written, the request
    ///   cleared and TrainingStopped thrown (a request after the last step
    ///   of training is cleared and training ends as usual).
    /// A resumed run ends bit for bit as the uninterrupted run (same device
    /// and threads). The checkpoint is left in place: the caller removes it
    /// once the model is safe. Without a checkpoint file, stop requests
    /// are not looked at.
    TrainingSummary fit(
        Surrogate& surrogate,
        const Dataset& train,
        const std::vector<Dataset>& tests,
        const Log& log,
        const CheckpointSettings& checkpoint = {}
    ) const;

    /// Mean relative L2 and H1 of the surrogate's prediction on `data`
    /// in `precision` (the model's precision is restored afterwards); on
    /// geometries the relative L2 alone, one sample at a time.
    Evaluation evaluate(Surrogate& surrogate, const Dataset& data, Precision precision) const;

    /// The precision schedule these options describe over their epochs.
    PrecisionSchedule schedule() const;

    /// The learning rate per epoch these options describe.
    LRScheduler learningRateSchedule() const;

    const TrainerOptions& options() const { return options_; }

private:
    TrainerOptions options_;
    torch::Device device_;
};

} // namespace nop
