#pragma once

// Options of the FNO model, declared once (nop/options/Options.hpp).
// Torch-free: the OpenFOAM side fills it from a dictionary, one keyword per
// field, same names.

#include "nop/options/Options.hpp"
#include "nop/precision/Precision.hpp"
#include "nop/runtime/Limits.hpp"

#include <cstdint>
#include <vector>

namespace nop
{

namespace check
{

/// Retained modes: one to three dimensions, each in [1, maxGridResolution].
struct Modes
{
    bool operator()(const std::vector<int64_t>& modes) const
    {
        if (modes.empty() || modes.size() > 3)
        {
            return false;
        }
        for (const int64_t m : modes)
        {
            if (m < 1 || m > limits::maxGridResolution)
            {
                return false;
            }
        }
        return true;
    }
    std::string requirement() const
    {
        return "1 to 3 numbers in [1, " + std::to_string(limits::maxGridResolution) + "]";
    }
};

/// A width ratio in (0, 64].
struct Ratio
{
    bool operator()(double x) const { return x > 0 && x <= 64; }
    std::string requirement() const { return "in (0, 64]"; }
};

} // namespace check

// Options a user sets. X(Type, keyword, default, check, description)
#define NOP_FNO_OPTIONS(X)                                                                         \
    X(std::vector<int64_t>, modes, (std::vector<int64_t>{16}), check::Modes{},                     \
      "Fourier modes kept per spatial dimension")                                                  \
    X(int64_t, hiddenChannels, 32, (check::InRange{1, double(limits::maxChannels)}),               \
      "Width of the Fourier blocks")                                                               \
    X(int64_t, nLayers, 4, (check::InRange{1, 256}), "Number of Fourier blocks")                   \
    X(double, liftingRatio, 2, check::Ratio{}, "Lifting MLP width / hiddenChannels")               \
    X(double, projectionRatio, 2, check::Ratio{}, "Projection MLP width / hiddenChannels")         \
    X(double, channelMLPExpansion, 0.5, check::Ratio{}, "Channel MLP width / hiddenChannels")      \
    X(bool, positionalEmbedding, true, check::Any{}, "Append grid coordinates as channels")        \
    X(double, domainPadding, 0, (check::InRange{0, 1}),                                            \
      "Zero padding per dimension, as a fraction (non-periodic data)")                             \
    X(Stabiliser, stabiliser, Stabiliser::tanh, check::Any{},                                      \
      "On the spectral path: none or tanh (needed by half)")                                       \
    X(ReducedType, reducedType, ReducedType::automatic, check::Any{},                              \
      "Reduced type: auto, bfloat16 or float16 (auto: bfloat16 on CPU, float16 on CUDA)")

// Options the data and the training set: the channels of the data (before
// the positional embedding) and the precision of the current epoch.
#define NOP_FNO_DERIVED_OPTIONS(X)                                                                 \
    X(int64_t, inChannels, 1, (check::InRange{1, double(limits::maxChannels)}),                    \
      "Input channels of the data")                                                                \
    X(int64_t, outChannels, 1, (check::InRange{1, double(limits::maxChannels)}),                   \
      "Output channels of the data")                                                               \
    X(Precision, precision, Precision::full, check::Any{}, "Precision of the blocks")

/// Options for `FNO`. Field names equal dictionary keywords. The last of
/// `modes` keeps modes/2+1 (the real FFT); its length is the number of
/// spatial dimensions. tanh is the default stabiliser: the default training
/// precision (the schedule) starts in half, which overflows float16
/// without it.
///
/// Example:
///   FNO fno(FNOOptions(1, 17, {16}).hiddenChannels(32).nLayers(4));
struct FNOOptions
{
    FNOOptions() = default;
    FNOOptions(int64_t inChannels, int64_t outChannels, std::vector<int64_t> modes) :
        modes_(std::move(modes)),
        inChannels_(inChannels),
        outChannels_(outChannels)
    {}

    NOP_OPTIONS_FIELDS(NOP_FNO_OPTIONS)
    NOP_OPTIONS_FIELDS(NOP_FNO_DERIVED_OPTIONS)
    NOP_OPTIONS_VISITOR(
        visit,
        NOP_FNO_DERIVED_OPTIONS(NOP_OPTION_VISIT_ONE) NOP_FNO_OPTIONS(NOP_OPTION_VISIT_ONE)
    )
    NOP_OPTIONS_VISITOR(visitEntries, NOP_FNO_OPTIONS(NOP_OPTION_VISIT_ONE))

    static constexpr const char* scope = "fno";

    /// Number of spatial dimensions (the length of modes).
    int64_t spatialDims() const { return int64_t(modes_.size()); }
};

} // namespace nop
