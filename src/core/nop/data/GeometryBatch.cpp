#include "nop/data/GeometryBatch.hpp"

#include <stdexcept>

namespace nop
{

namespace
{

[[noreturn]] void refuse(const GeometrySample& sample, const std::string& why)
{
    throw std::invalid_argument("sample '" + sample.name + "': " + why);
}


/// Lists of several row sets one after the other, indices shifted.
Neighbours concatenate(const std::vector<Neighbours>& lists, const std::vector<int64_t>& shifts)
{
    std::vector<torch::Tensor> indices, splits{torch::zeros({1}, torch::kLong)};
    int64_t pairs = 0;
    for (size_t s = 0; s < lists.size(); ++s)
    {
        indices.push_back(lists[s].indices + shifts[s]);
        splits.push_back(lists[s].rowSplits.slice(0, 1) + pairs);
        pairs += lists[s].pairs();
    }
    return {torch::cat(indices), torch::cat(splits)};
}

} // namespace


GeometryBatch packGeometries(
    const std::vector<const GeometrySample*>& samples,
    int64_t latentPoints
)
{
    if (samples.empty())
    {
        throw std::invalid_argument("packGeometries: no samples");
    }
    const GeometrySample& first = *samples.front();
    const bool pointFeatures = first.pointFeatures.defined();
    const bool latentFeatures = first.latentFeatures.defined();
    const bool targets = first.targets.defined();

    GeometryBatch batch;
    batch.samples = int64_t(samples.size());
    std::vector<torch::Tensor> points, features, latents, queries, values, masks;
    bool masked = false;
    std::vector<Neighbours> toLatent, fromLatent;
    std::vector<int64_t> pointShifts, latentShifts, querySplits{0};
    int64_t pointCount = 0;
    for (size_t s = 0; s < samples.size(); ++s)
    {
        const GeometrySample& sample = *samples[s];
        if (sample.points.dim() != 2 || sample.points.size(1) != first.points.size(1)
            || sample.queries.dim() != 2 || sample.queries.size(1) != first.points.size(1))
        {
            refuse(sample, "points and queries must be (m, d) and (n, d) of the first sample's d");
        }
        if (sample.pointFeatures.defined() != pointFeatures
            || sample.latentFeatures.defined() != latentFeatures
            || sample.targets.defined() != targets)
        {
            refuse(sample, "features or targets given for some samples of a batch only");
        }
        if (sample.targetMask.defined()
            && (!sample.targets.defined() || sample.targetMask.sizes() != sample.targets.sizes()))
        {
            refuse(sample, "a target mask must have the shape of the targets");
        }
        if (sample.toLatent.queries() != latentPoints
            || sample.fromLatent.queries() != sample.queries.size(0))
        {
            refuse(
                sample, "neighbour lists of " + std::to_string(sample.toLatent.queries()) + " and "
                            + std::to_string(sample.fromLatent.queries())
                            + " rows, expected the latent grid's " + std::to_string(latentPoints)
                            + " and the queries' " + std::to_string(sample.queries.size(0))
            );
        }
        points.push_back(sample.points);
        queries.push_back(sample.queries);
        if (pointFeatures)
        {
            features.push_back(sample.pointFeatures);
        }
        if (latentFeatures)
        {
            latents.push_back(sample.latentFeatures);
        }
        if (targets)
        {
            values.push_back(sample.targets);
            masked = masked || sample.targetMask.defined();
            masks.push_back(
                sample.targetMask.defined() ? sample.targetMask.to(torch::kBool)
                                            : torch::ones(sample.targets.sizes(), torch::kBool)
            );
        }
        toLatent.push_back(sample.toLatent);
        fromLatent.push_back(sample.fromLatent);
        pointShifts.push_back(pointCount);
        latentShifts.push_back(int64_t(s) * latentPoints);
        pointCount += sample.points.size(0);
        querySplits.push_back(querySplits.back() + sample.queries.size(0));
    }
    batch.points = torch::cat(points);
    batch.queries = torch::cat(queries);
    batch.querySplits = torch::tensor(querySplits, torch::kLong);
    if (pointFeatures)
    {
        batch.pointFeatures = torch::cat(features);
    }
    if (latentFeatures)
    {
        batch.latentFeatures = torch::stack(latents);
    }
    if (targets)
    {
        batch.targets = torch::cat(values);
        if (masked)
        {
            batch.targetMask = torch::cat(masks);
        }
    }
    batch.toLatent = concatenate(toLatent, pointShifts);
    batch.fromLatent = concatenate(fromLatent, latentShifts);
    return batch;
}


GeometryBatch toDevice(const GeometryBatch& batch, const torch::Device& device)
{
    if (device == batch.points.device())
    {
        return batch;
    }
    const auto move = [&](const torch::Tensor& t) { return t.defined() ? t.to(device) : t; };
    GeometryBatch moved = batch;
    for (torch::Tensor* t :
         {&moved.points, &moved.pointFeatures, &moved.latentFeatures, &moved.queries,
          &moved.querySplits, &moved.targets, &moved.targetMask, &moved.toLatent.indices,
          &moved.toLatent.rowSplits, &moved.fromLatent.indices, &moved.fromLatent.rowSplits})
    {
        *t = move(*t);
    }
    return moved;
}


torch::Tensor sampleRows(const torch::Tensor& packed, const torch::Tensor& splits, int64_t s)
{
    return packed.slice(0, splits[s].item<int64_t>(), splits[s + 1].item<int64_t>());
}

} // namespace nop
