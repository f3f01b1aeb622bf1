#pragma once

// Options of the FNO model. Torch-free (only <torch/arg.h>): the OpenFOAM
// side fills it from a dictionary, one keyword per field, same names.

#include "nop/precision/Precision.hpp"

#include <torch/arg.h>

#include <cstdint>
#include <vector>

namespace nop
{

/// Options for `FNO`. Field names equal dictionary keywords.
///
/// Example:
///   FNO fno(FNOOptions(1, 17, {16}).hiddenChannels(32).nLayers(4));
struct FNOOptions
{
    FNOOptions() = default;
    FNOOptions(int64_t inChannels, int64_t outChannels, std::vector<int64_t> modes)
    :
        inChannels_(inChannels), outChannels_(outChannels), modes_(std::move(modes))
    {}

    /// Input channels of the data (before the positional embedding).
    TORCH_ARG(int64_t, inChannels) = 1;
    TORCH_ARG(int64_t, outChannels) = 1;
    /// Retained Fourier modes per spatial dimension; its length is the
    /// number of spatial dimensions (the last keeps modes/2+1).
    TORCH_ARG(std::vector<int64_t>, modes) = {16};
    /// Width of the Fourier blocks.
    TORCH_ARG(int64_t, hiddenChannels) = 32;
    /// Number of Fourier blocks.
    TORCH_ARG(int64_t, nLayers) = 4;
    /// Hidden width of the lifting MLP, as a multiple of hiddenChannels.
    TORCH_ARG(double, liftingRatio) = 2;
    /// Hidden width of the projection MLP, as a multiple of hiddenChannels.
    TORCH_ARG(double, projectionRatio) = 2;
    /// Hidden width of each block's channel MLP, as a multiple of hiddenChannels.
    TORCH_ARG(double, channelMLPExpansion) = 0.5;
    /// Append grid coordinates in [0,1) as input channels.
    TORCH_ARG(bool, positionalEmbedding) = true;
    /// One-sided zero padding of each spatial dimension, as a fraction of it
    /// (for non-periodic data).
    TORCH_ARG(double, domainPadding) = 0;
    TORCH_ARG(Precision, precision) = Precision::full;
    /// tanh by default: the default training precision (the schedule)
    /// starts in half, which overflows float16 without it.
    TORCH_ARG(Stabiliser, stabiliser) = Stabiliser::tanh;
    TORCH_ARG(ReducedType, reducedType) = ReducedType::automatic;

public:
    /// Number of spatial dimensions (the length of modes).
    int64_t spatialDims() const { return int64_t(modes_.size()); }
};

} // namespace nop
