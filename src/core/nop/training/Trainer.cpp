#include "nop/training/Trainer.hpp"

#include "nop/training/GeometryTraining.hpp"
#include "nop/training/Losses.hpp"
#include "nop/training/TrainingRun.hpp"

#include <cmath>
#include <limits>

namespace nop
{

Trainer::Trainer(const TrainerOptions& options, const torch::Device& device) :
    options_(options),
    device_(device)
{
    validate(options_);
    schedule();
    learningRateSchedule();
}


LRScheduler Trainer::learningRateSchedule() const
{
    return LRScheduler(
        options_.scheduler(), options_.learningRate(), options_.stepSize(), options_.gamma(),
        options_.cosineEpochs() > 0 ? options_.cosineEpochs() : options_.epochs()
    );
}


PrecisionSchedule Trainer::schedule() const
{
    switch (options_.precision())
    {
    case TrainingPrecision::full:
        return PrecisionSchedule(Precision::full);
    case TrainingPrecision::mixed:
        return PrecisionSchedule(Precision::mixed);
    case TrainingPrecision::half:
        return PrecisionSchedule(Precision::half);
    case TrainingPrecision::schedule:
        break;
    }
    return PrecisionSchedule(options_.epochs(), options_.schedule());
}


Evaluation Trainer::evaluate(Surrogate& surrogate, const Dataset& data, Precision precision) const
{
    torch::NoGradGuard noGrad;
    auto& model = surrogate.model;
    const Precision previous = model->precision();
    const bool wasTraining = model->is_training();
    model->eval();
    model->setPrecision(precision);

    // (samples, channels)
    torch::Tensor l2, h1;
    if (data.onGeometry())
    {
        l2 = geometryErrors(surrogate, data.geometries, device_);
    }
    else
    {
        std::vector<torch::Tensor> l2s, h1s;
        const int64_t n = data.size();
        for (int64_t start = 0; start < n; start += options_.batchSize())
        {
            const int64_t count = std::min(options_.batchSize(), n - start);
            const auto x = data.x.narrow(0, start, count).to(device_);
            const auto y = data.y.narrow(0, start, count).to(device_);
            const auto prediction = surrogate.predict(x);
            l2s.push_back(relativeL2(prediction, y).to(torch::kCPU));
            h1s.push_back(relativeH1(prediction, y).to(torch::kCPU));
        }
        l2 = torch::cat(l2s);
        h1 = torch::cat(h1s);
    }

    model->setPrecision(previous);
    model->train(wasTraining);

    const auto values = [](const torch::Tensor& t)
    {
        const auto d = t.to(torch::kDouble).contiguous();
        return std::vector<double>(d.data_ptr<double>(), d.data_ptr<double>() + d.numel());
    };
    Evaluation result;
    result.dataset = data.name;
    result.precision = precision;
    result.l2 = l2.to(torch::kDouble).mean().item<double>();
    result.h1 = h1.defined() ? h1.to(torch::kDouble).mean().item<double>()
                             : std::numeric_limits<double>::quiet_NaN();
    result.finite = std::isfinite(result.l2) && (!h1.defined() || std::isfinite(result.h1));
    result.channelL2 = values(l2.to(torch::kDouble).mean(0));
    result.sampleL2 = values(l2.to(torch::kDouble).mean(1));
    return result;
}


TrainingSummary Trainer::fit(
    Surrogate& surrogate,
    const Dataset& train,
    const std::vector<Dataset>& tests,
    const Log& log,
    const CheckpointSettings& checkpoint
) const
{
    return TrainingRun(*this, device_, surrogate, train, tests, log, checkpoint).run();
}

} // namespace nop
