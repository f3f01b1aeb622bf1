#include "nop/training/GeometryTraining.hpp"

#include "nop/data/SurfaceSampling.hpp"
#include "nop/training/Losses.hpp"

#include <stdexcept>

namespace nop
{

GaussianNormaliser fitTargetNormaliser(const std::vector<GeometrySample>& samples)
{
    std::vector<torch::Tensor> targets;
    for (const auto& s : samples)
    {
        targets.push_back(s.targets);
    }
    return GaussianNormaliser::fit(torch::cat(targets));
}


std::vector<GeometrySample> withEncodedTargets(
    const std::vector<GeometrySample>& samples,
    const GaussianNormaliser& normaliser
)
{
    std::vector<GeometrySample> encoded = samples;
    for (auto& s : encoded)
    {
        s.targets = normaliser.encode(s.targets.to(torch::kCPU));
    }
    return encoded;
}


GeometryBatch batchOf(
    const NeuralOperatorImpl& model,
    const std::vector<GeometrySample>& samples,
    const torch::Tensor& index,
    const torch::Device& device
)
{
    if (!model.onGeometry())
    {
        throw std::invalid_argument(model.kind() + " is not a model on geometries");
    }
    std::vector<const GeometrySample*> chosen;
    const auto order = index.to(torch::kCPU);
    for (int64_t i = 0; i < order.size(0); ++i)
    {
        chosen.push_back(&samples.at(size_t(order[i].item<int64_t>())));
    }
    return toDevice(packGeometries(chosen, latentGridSize(model.smallestResolution())), device);
}


torch::Tensor geometryLoss(
    NeuralOperatorImpl& model,
    const std::vector<GeometrySample>& samples,
    const torch::Tensor& index,
    const torch::Device& device
)
{
    const GeometryBatch batch = batchOf(model, samples, index, device);
    return relativeL2(model.forward(batch), batch.targets, batch.querySplits).mean();
}


torch::Tensor geometryErrors(
    Surrogate& surrogate,
    const std::vector<GeometrySample>& samples,
    const torch::Device& device
)
{
    std::vector<torch::Tensor> errors;
    for (size_t s = 0; s < samples.size(); ++s)
    {
        const auto index = torch::tensor({int64_t(s)}, torch::kLong);
        const GeometryBatch batch = batchOf(*surrogate.model, samples, index, device);
        errors.push_back(
            relativeL2(surrogate.predict(batch), batch.targets, batch.querySplits).to(torch::kCPU)
        );
    }
    return torch::cat(errors);
}

} // namespace nop
