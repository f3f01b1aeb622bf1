#pragma once

// A trained surrogate: the network, its normalisers, and what it maps.

#include "nop/data/Normaliser.hpp"
#include "nop/models/FNO.hpp"

#include <torch/torch.h>

#include <string>
#include <vector>

namespace nop
{

/// What a model file holds: the model (any registered kind), the normalisers of its inputs and
/// outputs, the names of the channels it maps, the resolution of the data it
/// was trained on, and a JSON text with the training summary.
struct Surrogate
{
    explicit Surrogate(NeuralOperator network) :
        model(std::move(network))
    {}

    /// With a new FNO of `options`.
    explicit Surrogate(const FNOOptions& options) :
        model(std::make_shared<FNOImpl>(options))
    {}

    /// Normalise, run the model, denormalise: x and the result are
    /// (batch, channels, d1..dN) float32 in physical units.
    torch::Tensor predict(const torch::Tensor& x);

    /// A model on geometries: run the model on the batch, denormalise; the
    /// result is (sum n, channels) float32 at the batch's queries.
    torch::Tensor predict(const GeometryBatch& batch);

    NeuralOperator model;
    GaussianNormaliser inputNormaliser;
    GaussianNormaliser outputNormaliser;
    std::vector<std::string> inputNames;
    std::vector<std::string> outputNames;
    /// Grid points per spatial dimension (d1..dN) of the training data, the
    /// same for inputs and outputs (the model file stores each side's
    /// per-sample shape: its channels, then this).
    std::vector<int64_t> resolution;
    std::string summaryJson = "{}";
    /// Input channel holding the fluid mask (1 inside, 0 outside), -1 for
    /// none: predict() returns 0 where the mask is 0.
    int64_t maskChannel = -1;
    /// Set-up of the application that made the data (for OpenFOAM: the
    /// latent grid, fields and parameters, as dictionary text), kept
    /// verbatim so that the model can be applied to a new case.
    std::string application;
    /// For a model on geometries: how a geometry becomes its input (for
    /// surfaces, SurfaceSampling::toJson: the unit box, where the outputs
    /// live, the latent features), as JSON text; empty for grid models.
    std::string geometry;

    /// The mask channel of x as (batch, 1, d1..dN), undefined without one.
    torch::Tensor mask(const torch::Tensor& x) const;
};

} // namespace nop
