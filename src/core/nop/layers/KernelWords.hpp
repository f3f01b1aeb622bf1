#pragma once

// The words of the GNO layers' choices, one table each. Torch-free: model
// options (GINOOptions) hold them and the OpenFOAM side reads them.

#include "nop/options/Words.hpp"

#include <array>

namespace nop
{

/// The frequencies of the embedding (neuraloperator's SinusoidalEmbedding).
///  - transformer: w_k = maxPositions^(-k / frequencies), k = 0..F-1, from 1
///    down towards 1/maxPositions (Vaswani et al.);
///  - nerf:        w_k = 2^k pi (Mildenhall et al.).
enum class EmbeddingKind
{
    transformer,
    nerf
};

template<> struct EnumWords<EmbeddingKind>
{
    static constexpr const char* what = "embedding";
    static constexpr std::array<std::pair<EmbeddingKind, const char*>, 2> table{
        {{EmbeddingKind::transformer, "transformer"}, {EmbeddingKind::nerf, "nerf"}}};
};

/// What the kernel sees and multiplies (f: the input features at y).
///  - linear:    k(x, y) * f(y), or k(x, y) alone without features;
///  - nonlinear: k(x, y, f(y)) * f(y).
enum class GNOTransform
{
    linear,
    nonlinear
};

/// How the neighbours' contributions are combined: their sum (times the
/// quadrature weights, if given: the integral) or their mean.
enum class GNOReduction
{
    sum,
    mean
};

template<> struct EnumWords<GNOTransform>
{
    static constexpr const char* what = "transform";
    static constexpr std::array<std::pair<GNOTransform, const char*>, 2> table{
        {{GNOTransform::linear, "linear"}, {GNOTransform::nonlinear, "nonlinear"}}};
};

template<> struct EnumWords<GNOReduction>
{
    static constexpr const char* what = "reduction";
    static constexpr std::array<std::pair<GNOReduction, const char*>, 2> table{
        {{GNOReduction::sum, "sum"}, {GNOReduction::mean, "mean"}}};
};

} // namespace nop
