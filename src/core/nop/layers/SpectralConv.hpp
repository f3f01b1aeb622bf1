#pragma once

// Fourier-space convolution (the spectral path of a Fourier block).

#include "nop/precision/Precision.hpp"

#include <torch/torch.h>

#include <vector>

namespace nop
{

/// How the spectral path reaches its retained modes and back.
///  - fft:       real FFTs (pruned) and inverse FFTs of the zero-padded
///               spectrum: pocketfft on CPU, cuFFT on CUDA.
///  - dft:       the truncated DFT as one GEMM per dimension
///               (`truncatedForwardDFT`): on CPU a training step 1.2x
///               faster than with pocketfft (measured, 64^2 and 128^2,
///               16 modes), and its reduced-precision GEMMs are the
///               reduced type's, where the FFTs stay float32.
///  - automatic: dft on CPU, fft on CUDA (cuFFT, unmeasured against it).
enum class SpectralTransform
{
    automatic,
    fft,
    dft
};

template<> struct EnumWords<SpectralTransform>
{
    static constexpr const char* what = "transform";
    static constexpr std::array<std::pair<SpectralTransform, const char*>, 3> table{
        {{SpectralTransform::automatic, "auto"},
         {SpectralTransform::fft, "fft"},
         {SpectralTransform::dft, "dft"}}};
};

/// Options for `SpectralConv`. Field names equal dictionary keywords.
///
/// Example:
///   SpectralConv conv(SpectralConvOptions(32, 32, {16, 16}).precision(Precision::mixed));
struct SpectralConvOptions
{
    SpectralConvOptions(int64_t inChannels, int64_t outChannels, std::vector<int64_t> modes) :
        inChannels_(inChannels),
        outChannels_(outChannels),
        modes_(std::move(modes))
    {}

    TORCH_ARG(int64_t, inChannels);
    TORCH_ARG(int64_t, outChannels);
    /// Retained modes per dimension: both signs (modes/2 each) in every
    /// dimension but the last, which keeps modes/2+1 non-negative ones.
    TORCH_ARG(std::vector<int64_t>, modes);
    TORCH_ARG(Precision, precision) = Precision::full;
    TORCH_ARG(ReducedType, reducedType) = ReducedType::automatic;
    TORCH_ARG(SpectralTransform, transform) = SpectralTransform::automatic;
    /// Add a real bias per output channel.
    TORCH_ARG(bool, bias) = true;
};

/// Fourier-space convolution on channels-last tensors:
/// x (batch, d1..dN, inChannels) -> (batch, d1..dN, outChannels).
///
/// rfftn (norm "forward") -> keep the retained modes -> contract with a
/// complex weight as one real batched GEMM -> zero-pad -> inverse FFT
/// (imaginary part of the DC and Nyquist modes of the last dimension zeroed
/// before the last inverse transform) -> add bias. The transforms are FFTs
/// or truncated DFTs (`SpectralTransform`): the same operator. The same weights apply
/// at any grid with at least `modes` points per dimension.
class SpectralConvImpl : public torch::nn::Cloneable<SpectralConvImpl>
{
public:
    explicit SpectralConvImpl(const SpectralConvOptions& options);

    void reset() override;

    torch::Tensor forward(const torch::Tensor& x);

    /// Modes kept per dimension after the real FFT: modes, ..., modes/2+1.
    std::vector<int64_t> keptModes() const;

    SpectralConvOptions options;

    /// Whether `forward` on `device` takes the truncated DFT.
    bool usesDFT(const torch::Device& device) const;

    /// Complex weight (inChannels, outChannels, k1..kN) stored as float32
    /// real/imaginary pairs (trailing dim 2): complex64 numerics, and the
    /// optimisers treat it as the real parameter it is.
    torch::Tensor weight;
    torch::Tensor bias;

private:
    torch::Tensor forwardByDFT(
        const torch::Tensor& input,
        const std::vector<int64_t>& sizes,
        torch::ScalarType reduced,
        torch::ScalarType baseType
    );
};

TORCH_MODULE(SpectralConv);


/// Set the transform of every SpectralConv in `module` (for benchmarks
/// and tests that compare them on one model).
void setSpectralTransform(torch::nn::Module& module, SpectralTransform transform);


/// The spectral contraction out[b,k,o] = sum_i x[b,k,i] w[i,o,k] as ONE
/// real batched GEMM: [xr xi] (K, B, 2I) x [[wr wi], [-wi wr]] (K, 2I, 2O).
///
/// xModes: (batch, k1..kN, in, 2) real view of the retained modes;
/// weight: (in, out, k1..kN, 2). Returns (batch, k1..kN, out, 2) in float32,
/// computed in `reduced` when given (rounded there, even if emulated).
torch::Tensor contractModes(
    const torch::Tensor& xModes,
    const torch::Tensor& weight,
    c10::optional<torch::ScalarType> reduced = c10::nullopt
);

} // namespace nop
