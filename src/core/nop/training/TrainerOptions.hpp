#pragma once

// Options of the training loop, declared once (nop/options/Options.hpp).
// Torch-free.

#include "nop/options/Options.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace nop
{

enum class Optimiser
{
    adamW,
    adam
};
enum class Scheduler
{
    none,
    step,
    cosine
};
/// Relative, per sample and channel.
enum class LossKind
{
    l2,
    h1
};
/// A constant precision, or the precision schedule over training.
enum class TrainingPrecision
{
    full,
    mixed,
    half,
    schedule
};
/// Dynamic loss scaling: automatic is on for float16 only.
enum class LossScaling
{
    automatic,
    on,
    off
};

template<> struct EnumWords<Optimiser>
{
    static constexpr const char* what = "optimiser";
    static constexpr std::array<std::pair<Optimiser, const char*>, 2> table{
        {{Optimiser::adamW, "adamW"}, {Optimiser::adam, "adam"}}};
};

template<> struct EnumWords<Scheduler>
{
    static constexpr const char* what = "scheduler";
    static constexpr std::array<std::pair<Scheduler, const char*>, 3> table{
        {{Scheduler::none, "none"}, {Scheduler::step, "step"}, {Scheduler::cosine, "cosine"}}};
};

template<> struct EnumWords<LossKind>
{
    static constexpr const char* what = "loss";
    static constexpr std::array<std::pair<LossKind, const char*>, 2> table{
        {{LossKind::l2, "l2"}, {LossKind::h1, "h1"}}};
};

template<> struct EnumWords<TrainingPrecision>
{
    static constexpr const char* what = "precision";
    static constexpr std::array<std::pair<TrainingPrecision, const char*>, 4> table{
        {{TrainingPrecision::full, "full"},
         {TrainingPrecision::mixed, "mixed"},
         {TrainingPrecision::half, "half"},
         {TrainingPrecision::schedule, "schedule"}}};
};

template<> struct EnumWords<LossScaling>
{
    static constexpr const char* what = "lossScaling";
    static constexpr std::array<std::pair<LossScaling, const char*>, 3> table{
        {{LossScaling::automatic, "auto"}, {LossScaling::on, "on"}, {LossScaling::off, "off"}}};
};

// X(Type, keyword, default, check, description)
#define NOP_TRAINER_OPTIONS(X)                                                                     \
    X(int64_t, epochs, 20, check::Positive{}, "Number of epochs")                                  \
    X(int64_t, batchSize, 32, check::Positive{}, "Samples per batch")                              \
    X(Optimiser, optimiser, Optimiser::adamW, check::Any{}, "adamW or adam")                       \
    X(double, learningRate, 8e-3, check::Positive{}, "Initial learning rate")                      \
    X(double, weightDecay, 1e-4, check::NonNegative{}, "Weight decay")                             \
    X(Scheduler, scheduler, Scheduler::cosine, check::Any{},                                       \
      "Learning-rate scheduler: none, step or cosine")                                             \
    X(int64_t, stepSize, 100, check::Positive{}, "step: epochs between decays")                    \
    X(double, gamma, 0.5, check::Positive{}, "step: decay factor")                                 \
    X(int64_t, cosineEpochs, 0, check::ZeroOrPositive{"the epochs"},                               \
      "cosine: period in epochs (0: epochs)")                                                      \
    X(LossKind, loss, LossKind::h1, check::Any{}, "Training loss: l2 or h1 (relative)")            \
    X(TrainingPrecision, precision, TrainingPrecision::schedule, check::Any{},                     \
      "full, mixed, half or schedule")                                                             \
    X(std::vector<double>, schedule, (std::vector<double>{0.25, 0.5, 0.25}), check::Fractions{3},  \
      "Fractions of the epochs in half, mixed, full")                                              \
    X(LossScaling, lossScaling, LossScaling::automatic, check::Any{},                              \
      "Dynamic loss scaling: auto (float16 only), on or off")                                      \
    X(bool, normaliseInputs, true, check::Any{},                                                   \
      "Normalise the inputs (statistics of the training set)")                                     \
    X(bool, normaliseOutputs, true, check::Any{}, "Normalise the outputs")                         \
    X(int64_t, seed, 0, check::NonNegative{}, "Random seed")                                       \
    X(int64_t, threads, 0, check::ZeroOrPositive{"this process's share of the cores"},             \
      "Intra-op threads (0: this process's share of the cores)")                                   \
    X(std::string, device, "cpu", check::DeviceName{}, "cpu, cuda or cuda:N")                      \
    X(int64_t, evalEvery, 1, check::Positive{},                                                    \
      "Evaluate the test sets every N epochs (and at the end)")                                    \
    X(int64_t, checkpointEvery, 10, check::ZeroOrPositive{"on a stop request only"},               \
      "Write a checkpoint every N epochs (0: on a stop request only)")

/// Options for `Trainer`. Field names equal dictionary keywords.
///
/// The neuraloperator reference recipe:
///   TrainerOptions().epochs(20).batchSize(32).learningRate(8e-3)
///       .scheduler(Scheduler::cosine).loss(LossKind::h1)
///
/// checkpointEvery: write a checkpoint every this many epochs and after the
/// last one (0: only on a stop request), beside the model file with
/// extension `.checkpoint`; one is always written when a stop is requested
/// (SIGINT, SIGTERM), and it is removed once the model is written. A rerun
/// of the same set-up resumes from it and ends bit for bit as the
/// uninterrupted run. It does not change the result, so it is not part of
/// the set-up fingerprint (a resumed run may use another value).
struct TrainerOptions
{
    NOP_OPTIONS_FIELDS(NOP_TRAINER_OPTIONS)
    NOP_OPTIONS_VISITOR(visit, NOP_TRAINER_OPTIONS(NOP_OPTION_VISIT_ONE))
    NOP_OPTIONS_VISITOR(visitEntries, NOP_TRAINER_OPTIONS(NOP_OPTION_VISIT_ONE))

    static constexpr const char* scope = "training";
};

} // namespace nop
