#include "training/Trainer.hpp"

#include "precision/LossScaler.hpp"
#include "precision/ReducedPrecision.hpp"
#include "runtime/PeakMemory.hpp"
#include "training/LRScheduler.hpp"
#include "training/Losses.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
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


TrainingSummary Trainer::fit
(
    Surrogate& surrogate,
    const Dataset& train,
    const std::vector<Dataset>& tests,
    const Log& log
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

    // The whole normalised training set lives on the device.
    const auto x = surrogate.inputNormaliser.encode(train.x.to(device_));
    const auto y = surrogate.outputNormaliser.encode(train.y.to(device_));
    const int64_t n = train.size();
    // With a mask, points outside the fluid do not count in the loss.
    const auto mask =
        surrogate.maskChannel >= 0 ? surrogate.mask(train.x).to(device_) : torch::Tensor();

    const auto parameters = model->parameters();
    std::unique_ptr<torch::optim::Optimizer> optimiser;
    if (options_.optimiser() == "adamW")
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
    const auto start = Clock::now();

    for (int64_t epoch = 0; epoch < options_.epochs(); ++epoch)
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
        const auto order = torch::randperm(n, torch::kLong).to(device_);
        double lossSum = 0;
        int64_t goodSteps = 0, badSteps = 0;
        for (int64_t first = 0; first < n; first += options_.batchSize())
        {
            const auto index = order.narrow(0, first, std::min(options_.batchSize(), n - first));
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
                continue;
            }
            scaler.scale(loss).backward();
            if (!scaler.unscaleAndCheck(parameters))
            {
                ++badSteps;
                continue;
            }
            optimiser->step();
            lossSum += value;
            ++goodSteps;
        }
        const double epochSeconds = secondsSince(epochStart);
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

        const double elapsed = secondsSince(start);
        line += "  " + format("%.0f", double(n)/epochSeconds) + " samples/s"
              + "  ETA " + formatDuration(elapsed/double(epoch + 1)*double(options_.epochs() - epoch - 1))
              + "  peak " + formatBytes(memory.peakBytes());
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
    }

    summary.seconds = secondsSince(start);
    summary.samplesPerSecond = double(n)*double(options_.epochs())/trainSeconds;
    summary.peakBytes = memory.peakBytes();

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
