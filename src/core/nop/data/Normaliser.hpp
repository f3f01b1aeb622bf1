#pragma once

// Per-channel Gaussian normaliser (neuraloperator's UnitGaussianNormalizer).

#include <torch/torch.h>

namespace nop
{

/// encode(x) = (x - mean)/(std + eps), per channel, statistics over the
/// samples and grid points of (samples, channels, d1..dN) data. An
/// undefined (not fitted) normaliser is the identity.
class GaussianNormaliser
{
public:
    GaussianNormaliser() = default;

    /// From stored statistics, each of shape (channels).
    GaussianNormaliser(torch::Tensor mean, torch::Tensor std);

    static GaussianNormaliser fit(const torch::Tensor& data);

    torch::Tensor encode(const torch::Tensor& x) const;
    torch::Tensor decode(const torch::Tensor& x) const;

    bool defined() const { return mean_.defined(); }
    const torch::Tensor& mean() const { return mean_; }
    const torch::Tensor& std() const { return std_; }

    GaussianNormaliser to(const torch::Device& device) const;

    static constexpr double eps = 1e-7;

private:
    torch::Tensor broadcast(const torch::Tensor& stat, const torch::Tensor& x) const;

    torch::Tensor mean_;
    torch::Tensor std_;
};

} // namespace nop
