#include "nop/training/TrainingRun.hpp"

#include "nop/precision/ReducedPrecision.hpp"
#include "nop/training/GeometryTraining.hpp"
#include "nop/training/Losses.hpp"
#include "nop/training/StopRequest.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <stdexcept>

namespace nop
{

namespace
{

std::string formatDuration(double seconds)
{
    const auto s = int64_t(std::llround(seconds));
    char text[32];
    std::snprintf(
        text, sizeof text, "%lld:%02lld:%02lld", (long long)(s / 3600), (long long)(s / 60 % 60),
        (long long)(s % 60)
    );
    return text;
}


std::string format(const char* fmt, double value)
{
    char text[64];
    std::snprintf(text, sizeof text, fmt, value);
    return text;
}


const char* const normaliserNames[2] = {"normaliser.input", "normaliser.output"};

} // namespace


TrainingRun::TrainingRun(
    const Trainer& trainer,
    const torch::Device& device,
    Surrogate& surrogate,
    const Dataset& train,
    const std::vector<Dataset>& tests,
    const Trainer::Log& log,
    const CheckpointSettings& checkpoint
) :
    options_(trainer.options()),
    trainer_(trainer),
    device_(device),
    surrogate_(surrogate),
    tests_(tests),
    log_(log),
    checkpoint_(checkpoint),
    checkpoints_(!checkpoint.file.empty()),
    n_(train.size()),
    adamW_(options_.optimiser() == Optimiser::adamW),
    learningRate_(trainer.learningRateSchedule()),
    precisions_(trainer.schedule()),
    scaler_(
        options_.lossScaling() == LossScaling::on
        || (options_.lossScaling() == LossScaling::automatic
            && reducedDtype(surrogate.model->reducedType(), device) == torch::kHalf)
    ),
    memory_(device)
{
    surrogate_.model->to(device_);
    fitNormalisers(train);

    parameters_ = surrogate_.model->parameters();
    namedParameters_ = surrogate_.model->named_parameters();
    namedBuffers_ = surrogate_.model->named_buffers();
    optimiser_ = makeOptimiser();
    summary_.epochs = options_.epochs();

    if (checkpoints_)
    {
        resumeFromCheckpointFile();
    }

    if (train.onGeometry())
    {
        // Packed into batches on the CPU, moved per step
        geometries_ = withEncodedTargets(train.geometries, surrogate_.outputNormaliser);
        return;
    }
    // The whole normalised training set lives on the device. With a mask,
    // points outside the fluid do not count in the loss.
    x_ = surrogate_.inputNormaliser.encode(train.x.to(device_));
    y_ = surrogate_.outputNormaliser.encode(train.y.to(device_));
    if (surrogate_.maskChannel >= 0)
    {
        mask_ = surrogate_.mask(train.x).to(device_);
    }
}


void TrainingRun::fitNormalisers(const Dataset& train)
{
    if (train.onGeometry() != surrogate_.model->onGeometry())
    {
        throw std::invalid_argument(
            surrogate_.model->kind() + " takes "
            + (surrogate_.model->onGeometry() ? "geometry" : "grid") + " samples, data set '"
            + train.name + "' has the other kind"
        );
    }
    if (train.onGeometry())
    {
        if (options_.loss() == LossKind::h1)
        {
            throw OptionError("loss", "loss h1 needs a grid; a model on geometries trains with l2");
        }
        if (options_.normaliseOutputs())
        {
            surrogate_.outputNormaliser = fitTargetNormaliser(train.geometries);
        }
        surrogate_.outputNormaliser = surrogate_.outputNormaliser.to(device_);
        return;
    }
    if (options_.normaliseInputs())
    {
        surrogate_.inputNormaliser = GaussianNormaliser::fit(train.x);
    }
    if (options_.normaliseOutputs())
    {
        surrogate_.outputNormaliser = GaussianNormaliser::fit(train.y);
    }
    surrogate_.inputNormaliser = surrogate_.inputNormaliser.to(device_);
    surrogate_.outputNormaliser = surrogate_.outputNormaliser.to(device_);
}


std::unique_ptr<torch::optim::Optimizer> TrainingRun::makeOptimiser() const
{
    if (adamW_)
    {
        return std::make_unique<torch::optim::AdamW>(
            parameters_,
            torch::optim::AdamWOptions(options_.learningRate()).weight_decay(options_.weightDecay())
        );
    }
    return std::make_unique<torch::optim::Adam>(
        parameters_,
        torch::optim::AdamOptions(options_.learningRate()).weight_decay(options_.weightDecay())
    );
}


TrainingCheckpoint TrainingRun::snapshot(int64_t epoch, const EpochProgress* progress) const
{
    TrainingCheckpoint c;
    c.fingerprint = checkpoint_.fingerprint;
    c.epochs = options_.epochs();
    c.epoch = epoch;
    if (progress)
    {
        c.offset = progress->first;
        c.epochLossSum = progress->lossSum;
        c.epochGoodSteps = progress->goodSteps;
        c.epochBadSteps = progress->badSteps;
        c.epochSeconds = progress->earlierSeconds + secondsSince(progress->start);
    }
    c.steps = summary_.steps;
    c.nonFiniteSteps = summary_.nonFiniteSteps;
    c.trainSeconds = trainSeconds_;
    c.seconds = earlierSeconds_ + secondsSince(start_);
    c.finalTrainLoss = summary_.finalTrainLoss;
    c.peakBytes = std::max(earlierPeakBytes_, memory_.peakBytes());
    c.lossScale = scaler_.currentScale();
    c.lossScalerGoodSteps = scaler_.goodSteps();
    for (const auto& item : namedParameters_)
    {
        c.tensors["parameter." + item.key()] = item.value().detach().to(torch::kCPU).clone();
    }
    for (const auto& item : namedBuffers_)
    {
        c.tensors["buffer." + item.key()] = item.value().detach().to(torch::kCPU).clone();
    }
    saveMoments(*optimiser_, adamW_, namedParameters_, c);
    const GaussianNormaliser* const normalisers[2] = {
        &surrogate_.inputNormaliser, &surrogate_.outputNormaliser};
    for (int i = 0; i < 2; ++i)
    {
        if (normalisers[i]->defined())
        {
            c.tensors[std::string(normaliserNames[i]) + ".mean"] = normalisers[i]->mean();
            c.tensors[std::string(normaliserNames[i]) + ".std"] = normalisers[i]->std();
        }
    }
    c.tensors["rng.cpu"] = generatorState();
    if (c.offset > 0)
    {
        c.tensors["order"] = progress->order;
    }
    return c;
}


void TrainingRun::restore(TrainingCheckpoint& c)
{
    const auto fail = [](const std::string& why) { return std::runtime_error(why); };
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
    if (c.epochs != options_.epochs() || c.offset >= n_ || (c.epoch == c.epochs && c.offset))
    {
        throw fail("its position does not fit " + std::to_string(options_.epochs()) + " epochs");
    }

    // Check: everything taken before anything is changed
    std::vector<std::pair<torch::Tensor, torch::Tensor>> copies;
    for (const auto& item : namedParameters_)
    {
        copies.emplace_back(item.value(), take("parameter." + item.key(), item.value()));
    }
    for (const auto& item : namedBuffers_)
    {
        copies.emplace_back(item.value(), take("buffer." + item.key(), item.value()));
    }
    std::vector<Moments> moments;
    for (const auto& [name, step] : c.optimiserSteps)
    {
        const auto* parameter = namedParameters_.find(name);
        if (!parameter || step < 0)
        {
            throw fail("optimiser state of an unknown parameter '" + name + "'");
        }
        Moments m{*parameter, step, {}};
        for (int i = 0; i < 3; ++i)
        {
            const std::string key = "optimiser." + name + "." + momentName(i);
            if (i < 2 || c.tensors.count(key))
            {
                m.tensors[i] = take(key, *parameter);
            }
        }
        moments.push_back(m);
    }
    GaussianNormaliser* const normalisers[2] = {
        &surrogate_.inputNormaliser, &surrogate_.outputNormaliser};
    GaussianNormaliser restored[2];
    for (int i = 0; i < 2; ++i)
    {
        const std::string name = normaliserNames[i];
        if (normalisers[i]->defined())
        {
            restored[i] = GaussianNormaliser(
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
        order = take("order", torch::empty({n_}, torch::kLong));
        if (!torch::equal(std::get<0>(order.sort()), torch::arange(n_, torch::kLong)))
        {
            throw fail("its sample order is not a permutation of the training set");
        }
    }

    // Restore
    {
        torch::NoGradGuard noGrad;
        for (auto& [to, from] : copies)
        {
            to.copy_(from);
        }
    }
    restoreMoments(*optimiser_, adamW_, moments);
    for (int i = 0; i < 2; ++i)
    {
        if (normalisers[i]->defined())
        {
            *normalisers[i] = restored[i].to(device_);
        }
    }
    scaler_.restore(c.lossScale, c.lossScalerGoodSteps);
    setGeneratorState(rng);
    c.tensors["order"] = order.defined() ? order.to(device_) : order;

    summary_.steps = c.steps;
    summary_.nonFiniteSteps = c.nonFiniteSteps;
    summary_.finalTrainLoss = c.finalTrainLoss;
    trainSeconds_ = c.trainSeconds;
    earlierSeconds_ = c.seconds;
    earlierPeakBytes_ = c.peakBytes;
    firstEpoch_ = c.epoch;
}


void TrainingRun::resumeFromCheckpointFile()
{
    std::error_code noFile;
    if (!std::filesystem::exists(checkpoint_.file, noFile))
    {
        return;
    }
    try
    {
        // Every tensor of a checkpoint at most 4 times (parameters and
        // moments), the sample order, and room for the metadata.
        uint64_t bytes = 0;
        for (const auto& item : namedParameters_)
        {
            bytes += item.value().numel() * item.value().element_size();
        }
        for (const auto& item : namedBuffers_)
        {
            bytes += item.value().numel() * item.value().element_size();
        }
        const uint64_t maxBytes = 4 * bytes + 8 * uint64_t(n_) + (uint64_t(64) << 20);

        TrainingCheckpoint c = readCheckpoint(checkpoint_.file, maxBytes);
        if (c.fingerprint != checkpoint_.fingerprint)
        {
            log_(
                "Ignoring checkpoint " + checkpoint_.file
                + ": it was written for another"
                  " set-up (fingerprint "
                + c.fingerprint + ", this run " + checkpoint_.fingerprint
                + ": the options, data or application differ)"
            );
            return;
        }
        restore(c);
        resumed_ = std::move(c);
        log_(
            "Resuming from " + checkpoint_.file + " at epoch "
            + std::to_string(std::min(firstEpoch_ + 1, options_.epochs())) + " of "
            + std::to_string(options_.epochs())
            + (resumed_.offset > 0 ? " (" + std::to_string(resumed_.offset) + " of "
                                         + std::to_string(n_) + " samples done)"
                                   : std::string())
            + (firstEpoch_ == options_.epochs() ? " (training complete)" : "")
        );
    }
    catch (const std::exception& e)
    {
        const std::string what = e.what();
        log_(
            "Ignoring checkpoint " + checkpoint_.file + ": " + what.substr(0, what.find('\n'))
            + "; training starts at epoch 1"
        );
    }
}


void TrainingRun::stop(const TrainingCheckpoint& c) const
{
    clearStopRequest();
    try
    {
        writeCheckpoint(checkpoint_.file, c);
    }
    catch (const std::exception& e)
    {
        throw std::runtime_error(
            std::string("training stopped on request, but the checkpoint could not be"
                        " written: ")
            + e.what()
        );
    }
    log_(
        "Stopped on request after " + std::to_string(c.epoch) + " of "
        + std::to_string(options_.epochs()) + " epochs"
        + (c.offset > 0 ? " and " + std::to_string(c.offset) + " samples" : std::string())
        + "; wrote checkpoint " + checkpoint_.file
    );
    throw TrainingStopped(checkpoint_.file, c.epoch, c.offset, options_.epochs());
}


TrainingRun::EpochProgress TrainingRun::beginEpoch(int64_t epoch)
{
    EpochProgress progress;
    if (epoch == firstEpoch_ && resumed_.offset > 0)
    {
        // The rest of an epoch begun before the checkpoint
        progress.order = resumed_.tensors.at("order");
        progress.first = resumed_.offset;
        progress.lossSum = resumed_.epochLossSum;
        progress.goodSteps = resumed_.epochGoodSteps;
        progress.badSteps = resumed_.epochBadSteps;
        progress.earlierSeconds = resumed_.epochSeconds;
        resumed_.tensors.clear();
    }
    else
    {
        progress.order = torch::randperm(n_, torch::kLong).to(device_);
    }
    return progress;
}


torch::Tensor TrainingRun::batchLoss(const torch::Tensor& index)
{
    if (!geometries_.empty())
    {
        return geometryLoss(*surrogate_.model, geometries_, index, device_);
    }
    auto prediction = surrogate_.model->forward(x_.index_select(0, index));
    auto target = y_.index_select(0, index);
    if (mask_.defined())
    {
        const auto inside = mask_.index_select(0, index);
        prediction = prediction * inside;
        target = target * inside;
    }
    return relativeLoss(options_.loss(), prediction, target);
}


void TrainingRun::step(const torch::Tensor& index, EpochProgress& progress)
{
    optimiser_->zero_grad();
    const auto loss = batchLoss(index);
    const double value = loss.item<double>();
    if (!std::isfinite(value))
    {
        ++progress.badSteps;
        scaler_.backOff();
        return;
    }
    scaler_.scale(loss).backward();
    if (!scaler_.unscaleAndCheck(parameters_))
    {
        ++progress.badSteps;
        return;
    }
    optimiser_->step();
    progress.lossSum += value;
    ++progress.goodSteps;
}


void TrainingRun::trainEpoch(int64_t epoch)
{
    const Precision precision = precisions_.at(epoch);
    surrogate_.model->setPrecision(precision);
    surrogate_.model->train();
    const double rate = learningRate_.at(epoch);
    for (auto& group : optimiser_->param_groups())
    {
        group.options().set_lr(rate);
    }

    EpochProgress progress = beginEpoch(epoch);
    const int64_t batch = options_.batchSize();
    for (; progress.first < n_; progress.first += batch)
    {
        step(
            progress.order.narrow(0, progress.first, std::min(batch, n_ - progress.first)), progress
        );

        if (checkpoints_ && progress.first + batch < n_ && stopRequested())
        {
            progress.first += batch;
            stop(snapshot(epoch, &progress));
        }
    }
    const double epochSeconds = progress.earlierSeconds + secondsSince(progress.start);
    trainSeconds_ += epochSeconds;
    summary_.steps += progress.goodSteps + progress.badSteps;
    summary_.nonFiniteSteps += progress.badSteps;
    summary_.finalTrainLoss = progress.goodSteps ? progress.lossSum / double(progress.goodSteps)
                                                 : std::numeric_limits<double>::quiet_NaN();

    logEpoch(epoch, precision, rate, progress, epochSeconds);
}


void TrainingRun::logEpoch(
    int64_t epoch,
    Precision precision,
    double rate,
    const EpochProgress& p,
    double epochSeconds
)
{
    std::string line = "Epoch " + std::to_string(epoch + 1) + "/"
                       + std::to_string(options_.epochs()) + "  precision " + toString(precision)
                       + "  learningRate " + format("%.3e", rate) + "  train "
                       + toString(options_.loss()) + " " + format("%.4e", summary_.finalTrainLoss);

    const bool last = epoch + 1 == options_.epochs();
    if (last || (epoch + 1) % options_.evalEvery() == 0)
    {
        for (const auto& test : tests_)
        {
            const auto e = trainer_.evaluate(surrogate_, test, precision);
            line += "  " + test.name + " l2 " + format("%.4e", e.l2)
                    + (test.onGeometry() ? std::string() : " h1 " + format("%.4e", e.h1));
        }
    }

    const double elapsed = earlierSeconds_ + secondsSince(start_);
    line += "  " + formatRate(double(n_) / epochSeconds) + " samples/s" + "  ETA "
            + formatDuration(elapsed / double(epoch + 1) * double(options_.epochs() - epoch - 1))
            + (memory_.measuring() ? "  peak " + formatBytes(memory_.peakBytes()) : std::string());
    log_(line);

    if (p.badSteps)
    {
        log_(
            "Warning: " + std::to_string(p.badSteps) + " of "
            + std::to_string(p.goodSteps + p.badSteps) + " steps in epoch "
            + std::to_string(epoch + 1) + " had a non-finite loss or gradient in precision "
            + toString(precision) + " and were skipped"
            + (surrogate_.model->stabiliser() == Stabiliser::none
                   ? " (stabiliser tanh keeps half precision finite)"
                   : "")
        );
    }
}


void TrainingRun::checkpointAfter(int64_t epoch)
{
    const bool last = epoch + 1 == options_.epochs();
    if (!checkpoints_)
    {
        return;
    }
    if (!last && stopRequested())
    {
        stop(snapshot(epoch + 1, nullptr));
    }
    // After the last epoch too: a failure in the final evaluation or in
    // writing the model then costs no epoch.
    const int64_t every = options_.checkpointEvery();
    if (every > 0 && ((epoch + 1) % every == 0 || last))
    {
        try
        {
            writeCheckpoint(checkpoint_.file, snapshot(epoch + 1, nullptr));
        }
        catch (const std::exception& e)
        {
            log_(
                std::string("Warning: ") + e.what() + "; training goes on without this checkpoint"
            );
        }
    }
}


TrainingSummary TrainingRun::run()
{
    for (int64_t epoch = firstEpoch_; epoch < options_.epochs(); ++epoch)
    {
        trainEpoch(epoch);
        checkpointAfter(epoch);
    }
    if (checkpoints_ && stopRequested())
    {
        // Requested in the last epoch: training is complete, nothing to resume.
        clearStopRequest();
    }

    summary_.seconds = earlierSeconds_ + secondsSince(start_);
    summary_.samplesPerSecond =
        trainSeconds_ > 0 ? double(n_) * double(options_.epochs()) / trainSeconds_ : 0;
    summary_.peakBytes =
        memory_.measuring() ? std::max(earlierPeakBytes_, memory_.peakBytes()) : -1;

    for (const auto& test : tests_)
    {
        for (Precision p : {Precision::full, Precision::mixed, Precision::half})
        {
            summary_.finalErrors.push_back(trainer_.evaluate(surrogate_, test, p));
        }
    }
    surrogate_.model->setPrecision(Precision::full);
    surrogate_.model->eval();
    return summary_;
}

} // namespace nop
