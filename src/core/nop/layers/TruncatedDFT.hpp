#pragma once

// The retained Fourier modes of a channels-last grid and back, as one GEMM
// per dimension (the spectral path's transforms on CPU).

#include <torch/torch.h>

#include <vector>

namespace nop
{

/// The discrete Fourier transform (norm "forward") of real channels-last
/// x (batch, n1..nN, channels), restricted to `modes` frequencies per
/// dimension: both signs (0..ceil(m/2)-1 and -floor(m/2)..-1) in every
/// dimension but the last, which keeps 0..m/2. Returns the real and
/// imaginary parts (batch, k1..kN, channels, 2), computed in x's dtype.
///
/// What an FFT computes and then discards is never formed: the first
/// dimension's transform is a real GEMM of the whole grid with a
/// (2 k1, n1) matrix of cosines and sines, and each later one acts on the
/// retained modes only. Autograd saves only the (small) matrices.
torch::Tensor truncatedForwardDFT(const torch::Tensor& x, const std::vector<int64_t>& modes);

/// The real inverse of `truncatedForwardDFT`'s layout (norm "forward", so
/// unnormalised): modes (batch, k1..kN, channels, 2) onto the grid `sizes`
/// (n1..nN), as irfftn of the zero-padded spectrum gives it (weight 2 on
/// the interior of the last dimension's half spectrum, the imaginary parts
/// of its DC and Nyquist modes ignored). Returns (batch, n1..nN, channels)
/// in the modes' dtype; the last GEMM writes the grid channels-last.
torch::Tensor truncatedInverseDFT(
    const torch::Tensor& modes,
    const std::vector<int64_t>& sizes,
    const std::vector<int64_t>& modeCounts
);

} // namespace nop
