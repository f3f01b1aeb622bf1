#include "nop/training/Trainer.hpp"

#include "nop/precision/LossScaler.hpp"
#include "nop/precision/ReducedPrecision.hpp"
#include "nop/runtime/PeakMemory.hpp"
#include "nop/training/LRScheduler.hpp"
#include "nop/training/Losses.hpp"
#include "nop/training/StopRequest.hpp"

#include <ATen/CPUGeneratorImpl.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <mutex>
#include <stdexcept>

namespace nop
{

namespace
{

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start)
{
    return std::chrono::duration<double>(Clock::now() - start).count();
}


std::string formatDuration(double seconds)
{
    const auto s = int64_t(std::llround(seconds));
    char text[32];
    std::snprintf(text, sizeof text, "%lld:%02lld:%02lld",
        (long long)(s/3600), (long long)(s/60 % 60), (long long)(s % 60));
    return text;
}


std::string format(const char* fmt, double value)
{
    char text[64];
    std::snprintf(text, sizeof text, fmt, value);
    return text;
}


void require(bool ok, const std::string& message)
{
    if (!ok)
    {
        throw std::invalid_argument(message);
    }
}


void requireOneOf
(
    const std::string& option,
    const std::string& value,
    const std::vector<std::string>& valid
)
{
    std::string list;
    for (const auto& word : valid)
    {
        if (word == value)
        {
            return;
        }
        list += (list.empty() ? "" : ", ") + word;
    }
    throw std::invalid_argument
    (
        "unknown " + option + " '" + value + "' (valid: " + list + ")"
    );
}

} // namespace


Trainer::Trainer(const TrainerOptions& options, const torch::Device& device)
:
    options_(options),
    device_(device)
{
    require(options_.epochs() >= 1, "epochs must be >= 1");
    require(options_.batchSize() >= 1, "batchSize must be >= 1");
    require(options_.learningRate() > 0, "learningRate must be > 0");
    require(options_.weightDecay() >= 0, "weightDecay must be >= 0");
    require(options_.evalEvery() >= 1, "evalEvery must be >= 1");
    require(options_.checkpointEvery() >= 0, "checkpointEvery must be >= 0");
    requireOneOf("optimiser", options_.optimiser(), trainerWords::optimiser);
    requireOneOf("scheduler", options_.scheduler(), trainerWords::scheduler);
    requireOneOf("loss", options_.loss(), trainerWords::loss);
    requireOneOf("precision", options_.precision(), trainerWords::precision);
    requireOneOf("lossScaling", options_.lossScaling(), trainerWords::lossScaling);
    schedule();
    learningRateSchedule();
}


LRScheduler Trainer::learningRateSchedule() const
{
    return LRScheduler
    (
        options_.scheduler(), options_.learningRate(), options_.stepSize(), options_.gamma(),
        options_.cosineEpochs() > 0 ? options_.cosineEpochs() : options_.epochs()
    );
}


PrecisionSchedule Trainer::schedule() const
{
    if (options_.precision() == "schedule")
    {
        return PrecisionSchedule(options_.epochs(), options_.schedule());
    }
    return PrecisionSchedule(precisionFromString(options_.precision()));
}


Evaluation Trainer::evaluate
(
    Surrogate& surrogate,
    const Dataset& data,
    Precision precision
) const
{
    torch::NoGradGuard noGrad;
    auto& model = surrogate.model;
    const Precision previous = model->precision();
    const bool wasTraining = model->is_training();
    model->eval();
    model->setPrecision(precision);

    double l2 = 0, h1 = 0;
    const int64_t n = data.size();
    for (int64_t start = 0; start < n; start += options_.batchSize())
    {
        const int64_t count = std::min(options_.batchSize(), n - start);
        const auto x = data.x.narrow(0, start, count).to(device_);
        const auto y = data.y.narrow(0, start, count).to(device_);
        const auto prediction = surrogate.predict(x);
        l2 += relativeL2(prediction, y).mean(1).sum().item<double>();
        h1 += relativeH1(prediction, y).mean(1).sum().item<double>();
    }

    model->setPrecision(previous);
    model->train(wasTraining);

    Evaluation result;
    result.dataset = data.name;
    result.precision = precision;
    result.l2 = l2/double(n);
    result.h1 = h1/double(n);
    result.finite = std::isfinite(result.l2) && std::isfinite(result.h1);
    return result;
}


namespace
{

using ParameterDict = torch::OrderedDict<std::string, torch::Tensor>;

/// The key torch's Adam and AdamW file a parameter's state under.
std::string stateKey(const torch::Tensor& parameter)
{
    return c10::guts::to_string(parameter.unsafeGetTensorImpl());
}


const char* const momentNames[] = {"exp_avg", "exp_avg_sq", "max_exp_avg_sq"};


/// Adam or AdamW moments and step counts into the checkpoint.
template<class State>
void saveMoments
(
    torch::optim::Optimizer& optimiser,
    const ParameterDict& parameters,
    TrainingCheckpoint& c
)
{
    for (const auto& item : parameters)
    {
        const auto it = optimiser.state().find(stateKey(item.value()));
        if (it == optimiser.state().end())
        {
            continue;   // no step taken with this parameter yet
        }
        const auto& state = static_cast<const State&>(*it->second);
        c.optimiserSteps[item.key()] = state.step();
        const torch::Tensor moments[] = {state.exp_avg(), state.exp_avg_sq(), state.max_exp_avg_sq()};
        for (int i = 0; i < 3; ++i)
        {
            if (moments[i].defined())
            {
                c.tensors["optimiser." + item.key() + "." + momentNames[i]] = moments[i];
            }
        }
    }
}


/// Adam or AdamW state from checked moments: (parameter, step, moments).
struct Moments
{
    torch::Tensor parameter;
    int64_t step;
    torch::Tensor tensors[3];
};

template<class State>
void restoreMoments(torch::optim::Optimizer& optimiser, const std::vector<Moments>& all)
{
    optimiser.state().clear();
    for (const auto& m : all)
    {
        auto state = std::make_unique<State>();
        state->step(m.step);
        state->exp_avg(m.tensors[0]);
        state->exp_avg_sq(m.tensors[1]);
        if (m.tensors[2].defined())
        {
            state->max_exp_avg_sq(m.tensors[2]);
        }
        optimiser.state()[stateKey(m.parameter)] = std::move(state);
    }
}


torch::Tensor generatorState()
{
    auto generator = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(generator.mutex());
    return generator.get_state();
}


void setGeneratorState(const torch::Tensor& state)
{
    auto generator = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(generator.mutex());
    generator.set_state(state);
}

} // namespace


TrainingSummary Trainer::fit
(
    Surrogate& surrogate,
    const Dataset& train,
    const std::vector<Dataset>& tests,
    const Log& log,
    const CheckpointSettings& checkpoint
) const
{
    auto& model = surrogate.model;
    model->to(device_);

    if (options_.normaliseInputs())
    {
        surrogate.inputNormaliser = GaussianNormaliser::fit(train.x);
    }
    if (options_.normaliseOutputs())
    {
        surrogate.outputNormaliser = GaussianNormaliser::fit(train.y);
    }
    surrogate.inputNormaliser = surrogate.inputNormaliser.to(device_);
    surrogate.outputNormaliser = surrogate.outputNormaliser.to(device_);

    const int64_t n = train.size();
    const auto parameters = model->parameters();
    const auto namedParameters = model->named_parameters();
    const auto namedBuffers = model->named_buffers();
    const bool adamW = options_.optimiser() == "adamW";
    std::unique_ptr<torch::optim::Optimizer> optimiser;
    if (adamW)
    {
        optimiser = std::make_unique<torch::optim::AdamW>
        (
            parameters,
            torch::optim::AdamWOptions(options_.learningRate()).weight_decay(options_.weightDecay())
        );
    }
    else
    {
        optimiser = std::make_unique<torch::optim::Adam>
        (
            parameters,
            torch::optim::AdamOptions(options_.learningRate()).weight_decay(options_.weightDecay())
        );
    }

    const LRScheduler learningRate = learningRateSchedule();
    const PrecisionSchedule precisions = schedule();
    const auto reduced = reducedDtype(model->options.reducedType(), device_);
    LossScaler scaler
    (
        options_.lossScaling() == "on"
     || (options_.lossScaling() == "auto" && reduced == torch::kHalf)
    );

    PeakMemory memory(device_);
    TrainingSummary summary;
    summary.epochs = options_.epochs();
    double trainSeconds = 0;
    // Seconds of earlier runs of a resumed training.
    double earlierSeconds = 0;
    int64_t earlierPeakBytes = 0;
    const auto start = Clock::now();

    // Where training begins: epoch 0, or the position of a checkpoint.
    int64_t firstEpoch = 0;
    TrainingCheckpoint resumed;

    GaussianNormaliser* const normalisers[2] =
        {&surrogate.inputNormaliser, &surrogate.outputNormaliser};
    const char* const normaliserNames[2] = {"normaliser.input", "normaliser.output"};

    const auto makeCheckpoint = [&]
    (
        int64_t epoch,
        int64_t offset,
        const torch::Tensor& order,
        double epochLossSum,
        int64_t epochGoodSteps,
        int64_t epochBadSteps,
        double epochSeconds
    )
    {
        TrainingCheckpoint c;
        c.fingerprint = checkpoint.fingerprint;
        c.epochs = options_.epochs();
        c.epoch = epoch;
        c.offset = offset;
        c.epochLossSum = epochLossSum;
        c.epochGoodSteps = epochGoodSteps;
        c.epochBadSteps = epochBadSteps;
        c.epochSeconds = epochSeconds;
        c.steps = summary.steps;
        c.nonFiniteSteps = summary.nonFiniteSteps;
        c.trainSeconds = trainSeconds;
        c.seconds = earlierSeconds + secondsSince(start);
        c.finalTrainLoss = summary.finalTrainLoss;
        c.peakBytes = std::max(earlierPeakBytes, memory.peakBytes());
        c.lossScale = scaler.currentScale();
        c.lossScalerGoodSteps = scaler.goodSteps();
        for (const auto& item : namedParameters)
        {
            c.tensors["parameter." + item.key()] = item.value().detach().to(torch::kCPU).clone();
        }
        for (const auto& item : namedBuffers)
        {
            c.tensors["buffer." + item.key()] = item.value().detach().to(torch::kCPU).clone();
        }
        if (adamW)
        {
            saveMoments<torch::optim::AdamWParamState>(*optimiser, namedParameters, c);
        }
        else
        {
            saveMoments<torch::optim::AdamParamState>(*optimiser, namedParameters, c);
        }
        for (int i = 0; i < 2; ++i)
        {
            if (normalisers[i]->defined())
            {
                c.tensors[std::string(normaliserNames[i]) + ".mean"] = normalisers[i]->mean();
                c.tensors[std::string(normaliserNames[i]) + ".std"] = normalisers[i]->std();
            }
        }
        c.tensors["rng.cpu"] = generatorState();
        if (offset > 0)
        {
            c.tensors["order"] = order;
        }
        return c;
    };

    // Check everything in the checkpoint against this run first, then
    // restore: a checkpoint that does not fit changes nothing.
    const auto resume = [&](TrainingCheckpoint& c)
    {
        const auto fail = [&](const std::string& why) { return std::runtime_error(why); };
        const auto take = [&](const std::string& name, const torch::Tensor& like)
        {
            const auto it = c.tensors.find(name);
            if (it == c.tensors.end())
            {
                throw fail("it lacks tensor '" + name + "'");
            }
            if (it->second.sizes() != like.sizes() || it->second.scalar_type() != like.scalar_type())
            {
                throw fail("tensor '" + name + "' does not fit this model");
            }
            return it->second.to(like.device());
        };
        if (c.epochs != options_.epochs() || c.offset >= n || (c.epoch == c.epochs && c.offset))
        {
            throw fail("its position does not fit " + std::to_string(options_.epochs()) + " epochs");
        }

        std::vector<std::pair<torch::Tensor, torch::Tensor>> copies;
        for (const auto& item : namedParameters)
        {
            copies.emplace_back(item.value(), take("parameter." + item.key(), item.value()));
        }
        for (const auto& item : namedBuffers)
        {
            copies.emplace_back(item.value(), take("buffer." + item.key(), item.value()));
        }
        std::vector<Moments> moments;
        for (const auto& [name, step] : c.optimiserSteps)
        {
            const auto* parameter = namedParameters.find(name);
            if (!parameter || step < 0)
            {
                throw fail("optimiser state of an unknown parameter '" + name + "'");
            }
            Moments m{*parameter, step, {}};
            for (int i = 0; i < 3; ++i)
            {
                const std::string key = "optimiser." + name + "." + momentNames[i];
                if (i < 2 || c.tensors.count(key))
                {
                    m.tensors[i] = take(key, *parameter);
                }
            }
            moments.push_back(m);
        }
        GaussianNormaliser restored[2];
        for (int i = 0; i < 2; ++i)
        {
            const std::string name = normaliserNames[i];
            if (normalisers[i]->defined())
            {
                restored[i] = GaussianNormaliser
                (
                    take(name + ".mean", normalisers[i]->mean()),
                    take(name + ".std", normalisers[i]->std())
                );
            }
            else if (c.tensors.count(name + ".mean"))
            {
                throw fail("it holds a normaliser this run does not use");
            }
        }
        const auto rng = take("rng.cpu", generatorState());
        torch::Tensor order;
        if (c.offset > 0)
        {
            order = take("order", torch::empty({n}, torch::kLong));
            if (!torch::equal(std::get<0>(order.sort()), torch::arange(n, torch::kLong)))
            {
                throw fail("its sample order is not a permutation of the training set");
            }
        }

        // Restore.
        {
            torch::NoGradGuard noGrad;
            for (auto& [to, from] : copies)
            {
                to.copy_(from);
            }
        }
        if (adamW)
        {
            restoreMoments<torch::optim::AdamWParamState>(*optimiser, moments);
        }
        else
        {
            restoreMoments<torch::optim::AdamParamState>(*optimiser, moments);
        }
        for (int i = 0; i < 2; ++i)
        {
            if (normalisers[i]->defined())
            {
                *normalisers[i] = restored[i].to(device_);
            }
        }
        scaler.restore(c.lossScale, c.lossScalerGoodSteps);
        setGeneratorState(rng);
        c.tensors["order"] = order.defined() ? order.to(device_) : order;

        summary.steps = c.steps;
        summary.nonFiniteSteps = c.nonFiniteSteps;
        summary.finalTrainLoss = c.finalTrainLoss;
        trainSeconds = c.trainSeconds;
        earlierSeconds = c.seconds;
        earlierPeakBytes = c.peakBytes;
        firstEpoch = c.epoch;
    };

    const bool checkpoints = !checkpoint.file.empty();
    std::error_code noFile;
    if (checkpoints && std::filesystem::exists(checkpoint.file, noFile))
    {
        try
        {
            // Every tensor of a checkpoint at most 4 times (parameters and
            // moments), the sample order, and room for the metadata.
            uint64_t bytes = 0;
            for (const auto& item : namedParameters)
            {
                bytes += item.value().numel()*item.value().element_size();
            }
            for (const auto& item : namedBuffers)
            {
                bytes += item.value().numel()*item.value().element_size();
            }
            const uint64_t maxBytes = 4*bytes + 8*uint64_t(n) + (uint64_t(64) << 20);

            TrainingCheckpoint c = readCheckpoint(checkpoint.file, maxBytes);
            if (c.fingerprint != checkpoint.fingerprint)
            {
                log
                (
                    "Ignoring checkpoint " + checkpoint.file + ": it was written for another"
                    " set-up (fingerprint " + c.fingerprint + ", this run "
                  + checkpoint.fingerprint + ": the options, data or application differ)"
                );
            }
            else
            {
                resume(c);
                resumed = std::move(c);
                log
                (
                    "Resuming from " + checkpoint.file + " at epoch "
                  + std::to_string(std::min(firstEpoch + 1, options_.epochs())) + " of "
                  + std::to_string(options_.epochs())
                  + (resumed.offset > 0
                      ? " (" + std::to_string(resumed.offset) + " of " + std::to_string(n)
                        + " samples done)"
                      : std::string())
                  + (firstEpoch == options_.epochs() ? " (training complete)" : "")
                );
            }
        }
        catch (const std::exception& e)
        {
            const std::string what = e.what();
            log
            (
                "Ignoring checkpoint " + checkpoint.file + ": "
              + what.substr(0, what.find('\n')) + "; training starts at epoch 1"
            );
        }
    }

    // Writes the checkpoint of a requested stop and throws TrainingStopped.
    const auto stop = [&](const TrainingCheckpoint& c)
    {
        clearStopRequest();
        try
        {
            writeCheckpoint(checkpoint.file, c);
        }
        catch (const std::exception& e)
        {
            throw std::runtime_error
            (
                std::string("training stopped on request, but the checkpoint could not be"
                " written: ") + e.what()
            );
        }
        log
        (
            "Stopped on request after " + std::to_string(c.epoch) + " of "
          + std::to_string(options_.epochs()) + " epochs"
          + (c.offset > 0 ? " and " + std::to_string(c.offset) + " samples" : std::string())
          + "; wrote checkpoint " + checkpoint.file
        );
        throw TrainingStopped(checkpoint.file, c.epoch, c.offset, options_.epochs());
    };

    // The whole normalised training set lives on the device.
    const auto x = surrogate.inputNormaliser.encode(train.x.to(device_));
    const auto y = surrogate.outputNormaliser.encode(train.y.to(device_));
    // With a mask, points outside the fluid do not count in the loss.
    const auto mask =
        surrogate.maskChannel >= 0 ? surrogate.mask(train.x).to(device_) : torch::Tensor();

    for (int64_t epoch = firstEpoch; epoch < options_.epochs(); ++epoch)
    {
        const Precision precision = precisions.at(epoch);
        model->setPrecision(precision);
        model->train();
        const double rate = learningRate.at(epoch);
        for (auto& group : optimiser->param_groups())
        {
            group.options().set_lr(rate);
        }

        const auto epochStart = Clock::now();
        torch::Tensor order;
        double lossSum = 0, earlierEpochSeconds = 0;
        int64_t goodSteps = 0, badSteps = 0, first = 0;
        if (epoch == firstEpoch && resumed.offset > 0)
        {
            // The rest of an epoch begun before the checkpoint.
            order = resumed.tensors.at("order");
            first = resumed.offset;
            lossSum = resumed.epochLossSum;
            goodSteps = resumed.epochGoodSteps;
            badSteps = resumed.epochBadSteps;
            earlierEpochSeconds = resumed.epochSeconds;
            resumed.tensors.clear();
        }
        else
        {
            order = torch::randperm(n, torch::kLong).to(device_);
        }

        for (; first < n; first += options_.batchSize())
        {
            const auto index = order.narrow(0, first, std::min(options_.batchSize(), n - first));
            [&]
            {
                const auto xb = x.index_select(0, index);
                const auto yb = y.index_select(0, index);

                optimiser->zero_grad();
                auto prediction = model->forward(xb);
                auto target = yb;
                if (mask.defined())
                {
                    const auto inside = mask.index_select(0, index);
                    prediction = prediction*inside;
                    target = target*inside;
                }
                const auto loss = relativeLoss(options_.loss(), prediction, target);
                const double value = loss.item<double>();
                if (!std::isfinite(value))
                {
                    ++badSteps;
                    scaler.backOff();
                    return;
                }
                scaler.scale(loss).backward();
                if (!scaler.unscaleAndCheck(parameters))
                {
                    ++badSteps;
                    return;
                }
                optimiser->step();
                lossSum += value;
                ++goodSteps;
            }();

            const int64_t done = first + options_.batchSize();
            if (checkpoints && done < n && stopRequested())
            {
                stop
                (
                    makeCheckpoint
                    (
                        epoch, done, order, lossSum, goodSteps, badSteps,
                        earlierEpochSeconds + secondsSince(epochStart)
                    )
                );
            }
        }
        const double epochSeconds = earlierEpochSeconds + secondsSince(epochStart);
        trainSeconds += epochSeconds;
        summary.steps += goodSteps + badSteps;
        summary.nonFiniteSteps += badSteps;
        summary.finalTrainLoss =
            goodSteps ? lossSum/double(goodSteps) : std::numeric_limits<double>::quiet_NaN();

        std::string line =
            "Epoch " + std::to_string(epoch + 1) + "/" + std::to_string(options_.epochs())
          + "  precision " + toString(precision)
          + "  lr " + format("%.3e", rate)
          + "  train " + options_.loss() + " " + format("%.4e", summary.finalTrainLoss);

        const bool last = epoch + 1 == options_.epochs();
        if (last || (epoch + 1) % options_.evalEvery() == 0)
        {
            for (const auto& test : tests)
            {
                const auto e = evaluate(surrogate, test, precision);
                line += "  " + test.name + " l2 " + format("%.4e", e.l2)
                      + " h1 " + format("%.4e", e.h1);
            }
        }

        const double elapsed = earlierSeconds + secondsSince(start);
        line += "  " + format("%.0f", double(n)/epochSeconds) + " samples/s"
              + "  ETA " + formatDuration(elapsed/double(epoch + 1)*double(options_.epochs() - epoch - 1))
              + (memory.measuring() ? "  peak " + formatBytes(memory.peakBytes()) : std::string());
        log(line);

        if (badSteps)
        {
            log
            (
                "Warning: " + std::to_string(badSteps) + " of "
              + std::to_string(goodSteps + badSteps) + " steps in epoch "
              + std::to_string(epoch + 1) + " had a non-finite loss or gradient in precision "
              + toString(precision) + " and were skipped"
              + (model->options.stabiliser() == Stabiliser::none
                    ? " (stabiliser tanh keeps half precision finite)" : "")
            );
        }

        if (checkpoints && !last && stopRequested())
        {
            stop(makeCheckpoint(epoch + 1, 0, {}, 0, 0, 0, 0));
        }
        // After the last epoch too: a failure in the final evaluation or in
        // writing the model then costs no epoch.
        if
        (
            checkpoints && options_.checkpointEvery() > 0
         && ((epoch + 1) % options_.checkpointEvery() == 0 || last)
        )
        {
            try
            {
                writeCheckpoint(checkpoint.file, makeCheckpoint(epoch + 1, 0, {}, 0, 0, 0, 0));
            }
            catch (const std::exception& e)
            {
                log(std::string("Warning: ") + e.what() + "; training goes on without this checkpoint");
            }
        }
    }
    if (checkpoints && stopRequested())
    {
        // Requested in the last epoch: training is complete, nothing to resume.
        clearStopRequest();
    }

    summary.seconds = earlierSeconds + secondsSince(start);
    summary.samplesPerSecond =
        trainSeconds > 0 ? double(n)*double(options_.epochs())/trainSeconds : 0;
    summary.peakBytes = memory.measuring() ? std::max(earlierPeakBytes, memory.peakBytes()) : -1;

    for (const auto& test : tests)
    {
        for (Precision p : {Precision::full, Precision::mixed, Precision::half})
        {
            summary.finalErrors.push_back(evaluate(surrogate, test, p));
        }
    }
    model->setPrecision(Precision::full);
    model->eval();
    return summary;
}

} // namespace nop
