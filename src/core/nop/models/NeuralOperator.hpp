#pragma once

// What the Trainer, the model file and inference need of a model: the small
// interface every neural operator (FNO, GINO) implements.

#include "nop/data/GeometryBatch.hpp"
#include "nop/precision/Precision.hpp"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace nop
{

class NeuralOperatorImpl : public torch::nn::Module
{
public:
    ~NeuralOperatorImpl() override = default;

    /// Models on grids (FNO): x (batch, inChannels, ...) -> (batch,
    /// outChannels, ...), float32. Models on geometries throw.
    virtual torch::Tensor forward(const torch::Tensor& x) = 0;

    /// Models on geometries (GINO): the outputs at the batch's queries,
    /// (sum n, outChannels) float32. Models on grids throw.
    virtual torch::Tensor forward(const GeometryBatch& batch);

    /// True for models on geometries, which take a GeometryBatch.
    virtual bool onGeometry() const { return false; }

    /// The precision of the next forward passes.
    virtual void setPrecision(Precision precision) = 0;
    virtual Precision precision() const = 0;

    /// The registered name of the model (ModelRegistry.hpp): "FNO".
    virtual std::string kind() const = 0;

    /// Every option, as the model file stores them (optionsFromJson of
    /// the model's options struct reads them back).
    virtual nlohmann::json optionsJson() const = 0;

    virtual int64_t inChannels() const = 0;
    virtual int64_t outChannels() const = 0;
    virtual ReducedType reducedType() const = 0;
    virtual Stabiliser stabiliser() const = 0;

    /// The fewest grid points per spatial dimension an input may have.
    virtual std::vector<int64_t> smallestResolution() const = 0;
};

using NeuralOperator = std::shared_ptr<NeuralOperatorImpl>;

} // namespace nop
