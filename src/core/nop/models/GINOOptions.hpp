#pragma once

// Options of the GINO model, declared once (nop/options/Options.hpp).
// Torch-free: the OpenFOAM side fills it from a `gino` dictionary, one
// keyword per field, same names.

#include "nop/layers/KernelWords.hpp"
#include "nop/models/FNOOptions.hpp"

#include <cstdint>
#include <vector>

namespace nop
{

namespace check
{

/// Points of a latent grid per dimension: 2 or 3 dimensions, each at least
/// 2, at most limits::maxGridPoints in all.
struct LatentResolution
{
    bool operator()(const std::vector<int64_t>& resolution) const
    {
        if (resolution.size() < 2 || resolution.size() > 3)
        {
            return false;
        }
        double points = 1;
        for (const int64_t n : resolution)
        {
            if (n < 2)
            {
                return false;
            }
            points *= double(n);
        }
        return points <= double(limits::maxGridPoints);
    }
    std::string requirement() const
    {
        return "2 or 3 numbers >= 2 (at most " + std::to_string(limits::maxGridPoints) + " points)";
    }
};

/// Kernel MLP widths: a list (possibly empty) of widths in [1, maxChannels].
struct Widths
{
    bool operator()(const std::vector<int64_t>& widths) const
    {
        for (const int64_t w : widths)
        {
            if (w < 1 || w > limits::maxChannels)
            {
                return false;
            }
        }
        return widths.size() <= 16;
    }
    std::string requirement() const
    {
        return "at most 16 widths in [1, " + std::to_string(limits::maxChannels) + "]";
    }
};

} // namespace check

// Options a user sets. X(Type, keyword, default, check, description)
// Defaults: neuraloperator's GINO (ShapeNet car) but for a 16^3 latent grid
// with 8 modes and radii 0.06 (its 32^3, 16 modes and 0.033 by options):
// a radius of at least sqrt(3)/2 grid spacings reaches every point of the
// box from the latent grid.
#define NOP_GINO_OPTIONS(X)                                                                        \
    X(std::vector<int64_t>, latentResolution, (std::vector<int64_t>{16, 16, 16}),                  \
      check::LatentResolution{}, "Points per dimension of the latent grid over the unit box")      \
    X(std::vector<int64_t>, modes, (std::vector<int64_t>{8, 8, 8}), check::Modes{},                \
      "Fourier modes kept per dimension of the latent grid")                                       \
    X(int64_t, hiddenChannels, 64, (check::InRange{1, double(limits::maxChannels)}),               \
      "Width of the Fourier blocks")                                                               \
    X(int64_t, nLayers, 4, (check::InRange{1, 256}), "Number of Fourier blocks")                   \
    X(double, liftingRatio, 2, check::Ratio{}, "Lifting MLP width / hiddenChannels")               \
    X(double, projectionRatio, 4, check::Ratio{}, "Projection MLP width / hiddenChannels")         \
    X(double, channelMLPExpansion, 0.5, check::Ratio{}, "Channel MLP width / hiddenChannels")      \
    X(bool, positionalEmbedding, true, check::Any{}, "Append latent-grid coordinates as channels") \
    X(double, inRadius, 0.06, (check::InRange{1e-6, 2}),                                           \
      "Radius of the geometry -> latent grid GNO, in the unit box")                                \
    X(double, outRadius, 0.06, (check::InRange{1e-6, 2}),                                          \
      "Radius of the latent grid -> query points GNO, in the unit box")                            \
    X(int64_t, geometryChannels, 16, (check::InRange{1, double(limits::maxChannels)}),             \
      "Channels of the geometry GNO's output on the latent grid")                                  \
    X(std::vector<int64_t>, inKernel, (std::vector<int64_t>{80, 80, 80}), check::Widths{},         \
      "Hidden widths of the geometry GNO's kernel MLP")                                            \
    X(std::vector<int64_t>, outKernel, (std::vector<int64_t>{512, 256}), check::Widths{},          \
      "Hidden widths of the query GNO's kernel MLP")                                               \
    X(GNOTransform, inTransform, GNOTransform::linear, check::Any{},                               \
      "Geometry GNO kernel: linear or nonlinear (needs point features)")                           \
    X(GNOTransform, outTransform, GNOTransform::linear, check::Any{},                              \
      "Query GNO kernel: linear or nonlinear")                                                     \
    X(EmbeddingKind, embedding, EmbeddingKind::transformer, check::Any{},                          \
      "Kernel coordinate embedding: transformer or nerf")                                          \
    X(int64_t, embeddingFrequencies, 16, (check::InRange{0, 256}),                                 \
      "Sinusoidal frequencies per coordinate (0: raw coordinates)")                                \
    X(double, maxPositions, 10000, (check::InRange{2, 1e9}),                                       \
      "Longest wavelength of the transformer embedding")                                           \
    X(int64_t, chunkSize, 0, (check::ZeroOrPositive{"all at once"}),                               \
      "Neighbour pairs through a kernel at once")                                                  \
    X(double, domainPadding, 0, (check::InRange{0, 1}),                                            \
      "Zero padding of the latent grid per dimension, as a fraction")                              \
    X(Stabiliser, stabiliser, Stabiliser::tanh, check::Any{},                                      \
      "On the spectral path: none or tanh (needed by half)")                                       \
    X(ReducedType, reducedType, ReducedType::automatic, check::Any{},                              \
      "Reduced type: auto, bfloat16 or float16 (auto: bfloat16 on CPU, float16 on CUDA)")

// Options the data and the training set: features at the geometry's points
// (0: none) and on the latent grid (e.g. the signed distance; 0: none), the
// output channels and the precision of the current epoch.
#define NOP_GINO_DERIVED_OPTIONS(X)                                                                \
    X(int64_t, pointChannels, 0, (check::InRange{0, double(limits::maxChannels)}),                 \
      "Features per geometry point")                                                               \
    X(int64_t, latentChannels, 0, (check::InRange{0, double(limits::maxChannels)}),                \
      "Features per latent-grid point")                                                            \
    X(int64_t, outChannels, 1, (check::InRange{1, double(limits::maxChannels)}),                   \
      "Output channels at the query points")                                                       \
    X(Precision, precision, Precision::full, check::Any{}, "Precision of the blocks")

/// Options for `GINO`. Field names equal dictionary keywords.
///
/// Example:
///   GINO gino(GINOOptions().latentChannels(1).outChannels(1)
///                 .latentResolution({32, 32, 32}).modes({16, 16, 16}));
struct GINOOptions
{
    NOP_OPTIONS_FIELDS(NOP_GINO_OPTIONS)
    NOP_OPTIONS_FIELDS(NOP_GINO_DERIVED_OPTIONS)
    NOP_OPTIONS_VISITOR(
        visit,
        NOP_GINO_DERIVED_OPTIONS(NOP_OPTION_VISIT_ONE) NOP_GINO_OPTIONS(NOP_OPTION_VISIT_ONE)
    )
    NOP_OPTIONS_VISITOR(visitEntries, NOP_GINO_OPTIONS(NOP_OPTION_VISIT_ONE))

    static constexpr const char* scope = "gino";

    /// Dimensions of the coordinates (the length of latentResolution).
    int64_t coordDim() const { return int64_t(latentResolution_.size()); }
};

} // namespace nop
