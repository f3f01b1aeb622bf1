#pragma once

// Precision modes of the Fourier blocks and the precision schedule over
// training (Tu et al., ICLR 2024). Torch-free: safe to include beside
// OpenFOAM headers.

#include "nop/options/Words.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace nop
{

/// How a Fourier block computes.
///  - full:  everything in float32.
///  - mixed: forward FFT in float32; retained modes, contraction and inverse
///           FFT in the reduced type (where the device's FFT supports it);
///           pointwise layers under autocast.
///  - half:  input cast to the reduced type before the forward FFT too.
enum class Precision
{
    full,
    mixed,
    half
};

/// Applied to the input of the spectral path only, so that `half` cannot
/// overflow; the skip path sees the raw input.
enum class Stabiliser
{
    none,
    tanh
};

/// The reduced floating-point type. `automatic` is bfloat16 on CPU (no
/// float16 GEMMs there) and float16 on CUDA. float16 on CPU is emulated by
/// rounding through float16 (for numerics checks, not for speed).
enum class ReducedType
{
    automatic,
    bfloat16,
    float16
};

template<> struct EnumWords<Precision>
{
    static constexpr const char* what = "precision";
    static constexpr std::array<std::pair<Precision, const char*>, 3> table{
        {{Precision::full, "full"}, {Precision::mixed, "mixed"}, {Precision::half, "half"}}};
};

template<> struct EnumWords<Stabiliser>
{
    static constexpr const char* what = "stabiliser";
    static constexpr std::array<std::pair<Stabiliser, const char*>, 2> table{
        {{Stabiliser::none, "none"}, {Stabiliser::tanh, "tanh"}}};
};

template<> struct EnumWords<ReducedType>
{
    static constexpr const char* what = "reducedType";
    static constexpr std::array<std::pair<ReducedType, const char*>, 3> table{
        {{ReducedType::automatic, "auto"},
         {ReducedType::bfloat16, "bfloat16"},
         {ReducedType::float16, "float16"}}};
};

/// Precision per epoch: the first `fractions[0]` of the epochs in `half`,
/// the next `fractions[1]` in `mixed`, the rest in `full`.
class PrecisionSchedule
{
public:
    /// A constant precision for every epoch.
    explicit PrecisionSchedule(Precision constant = Precision::full);

    /// Fractions (half, mixed, full) of the epochs: check::Fractions{3}.
    PrecisionSchedule(int64_t epochs, std::vector<double> fractions);

    /// Precision of epoch `epoch` (0-based).
    Precision at(int64_t epoch) const;

    /// First epoch of each phase (half, mixed, full); equal numbers mean an
    /// empty phase.
    std::vector<int64_t> phaseStarts() const { return starts_; }

    bool scheduled() const { return scheduled_; }

private:
    bool scheduled_ = false;
    Precision constant_ = Precision::full;
    std::vector<int64_t> starts_;
};

} // namespace nop
