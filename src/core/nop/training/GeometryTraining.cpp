#include "nop/training/GeometryTraining.hpp"

#include "nop/data/SurfaceSampling.hpp"
#include "nop/training/Losses.hpp"

#include <stdexcept>

namespace nop
{

namespace
{

/// The relative L2 per sample and channel over the queries where the
/// channel has targets: absent targets hold 0, so zeroing the prediction
/// there takes them out of both norms.
torch::Tensor maskedRelativeL2(const torch::Tensor& prediction, const GeometryBatch& batch)
{
    if (!batch.targetMask.defined())
    {
        return relativeL2(prediction, batch.targets, batch.querySplits);
    }
    const auto kept = batch.targetMask.to(prediction.scalar_type());
    return relativeL2(prediction * kept, batch.targets * kept, batch.querySplits);
}

} // namespace


GaussianNormaliser fitTargetNormaliser(const std::vector<GeometrySample>& samples)
{
    std::vector<torch::Tensor> targets, masks;
    bool masked = false;
    for (const auto& s : samples)
    {
        targets.push_back(s.targets);
        masked = masked || s.targetMask.defined();
        masks.push_back(
            s.targetMask.defined() ? s.targetMask : torch::ones(s.targets.sizes(), torch::kBool)
        );
    }
    if (!masked)
    {
        return GaussianNormaliser::fit(torch::cat(targets));
    }
    // Each channel from the queries where it exists only (a surface field
    // is not diluted by the zeros held at cell centres)
    const auto all = torch::cat(targets);
    const auto mask = torch::cat(masks);
    std::vector<torch::Tensor> means, stds;
    for (int64_t c = 0; c < all.size(1); ++c)
    {
        auto column = all.select(1, c).masked_select(mask.select(1, c));
        if (column.numel() == 0)
        {
            throw std::invalid_argument(
                "target channel " + std::to_string(c) + " has no value in any sample"
            );
        }
        const auto statistics = GaussianNormaliser::fit(column.view({-1, 1}));
        means.push_back(statistics.mean());
        stds.push_back(statistics.std());
    }
    return GaussianNormaliser(torch::cat(means), torch::cat(stds));
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
    return maskedRelativeL2(model.forward(batch), batch).mean();
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
        errors.push_back(maskedRelativeL2(surrogate.predict(batch), batch).to(torch::kCPU));
    }
    return torch::cat(errors);
}

} // namespace nop
