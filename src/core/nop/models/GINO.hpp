#pragma once

// Geometry-informed neural operator (Li et al. 2023; neuraloperator's GINO).

#include "nop/layers/ChannelMLP.hpp"
#include "nop/layers/FNOBlocks.hpp"
#include "nop/layers/IntegralTransform.hpp"
#include "nop/models/GINOOptions.hpp"
#include "nop/models/NeuralOperator.hpp"

#include <torch/torch.h>

namespace nop
{

/// Geometries (points in the unit box) -> outputs at query points:
///
///   GNO in: for each latent-grid point x, the mean over the geometry's
///           points y within inRadius of k(x, y) [* f(y)]
///   -> concat latent features (e.g. the signed distance) [and the grid's
///      coordinates] -> lifting MLP -> Fourier blocks on the latent grid
///   -> GNO out: for each query x, the sum over latent points y within
///      outRadius of k(x, y) * v(y)
///   -> projection MLP (float32 output)
///
/// The latent grid spans the unit box: point i of dimension d at i/(r_d - 1),
/// corners included (the box the coordinates were normalised into). With a
/// precision other than `full`, the kernels, the pointwise layers and the
/// spectral paths run as in FNO: under autocast in the reduced type, the
/// reductions and the output in float32.
///
/// Example:
///   GINO gino(GINOOptions().latentChannels(1).outChannels(1));
///   auto pressure = gino->forward(packGeometries({&car}, gino->latentPoints().size(0)));
///
/// Registered as model kind "GINO" (ModelRegistry.hpp), options key "gino".
class GINOImpl : public NeuralOperatorImpl
{
public:
    explicit GINOImpl(const GINOOptions& options);
    void reset();

    /// Throws: GINO takes geometries.
    torch::Tensor forward(const torch::Tensor& x) override;
    torch::Tensor forward(const GeometryBatch& batch) override;
    bool onGeometry() const override { return true; }

    void setPrecision(Precision precision) override;
    Precision precision() const override { return options.precision(); }

    std::string kind() const override { return "GINO"; }
    nlohmann::json optionsJson() const override;
    int64_t inChannels() const override { return options.latentChannels(); }
    int64_t outChannels() const override { return options.outChannels(); }
    ReducedType reducedType() const override { return options.reducedType(); }
    Stabiliser stabiliser() const override { return options.stabiliser(); }
    /// The latent grid's resolution: the data never changes it.
    std::vector<int64_t> smallestResolution() const override { return options.latentResolution(); }

    /// The latent grid's points, (r1 ... rd, d) flattened to (points, d),
    /// float32, first dimension slowest.
    torch::Tensor latentPoints() const;

    GINOOptions options;
    IntegralTransform gnoIn{nullptr};
    ChannelMLP lifting{nullptr};
    FNOBlocks blocks{nullptr};
    IntegralTransform gnoOut{nullptr};
    ChannelMLP projection{nullptr};
};

TORCH_MODULE(GINO);

/// A lower bound on the parameters a GINO of `o` has (its weight matrices
/// and spectral weights).
double ginoParameterLowerBound(const GINOOptions& o);

} // namespace nop
