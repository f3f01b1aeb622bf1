#include "nop/data/Normaliser.hpp"

namespace nop
{

GaussianNormaliser::GaussianNormaliser(torch::Tensor mean, torch::Tensor std) :
    mean_(std::move(mean)),
    std_(std::move(std))
{
    TORCH_CHECK(
        mean_.dim() == 1 && mean_.sizes() == std_.sizes(), "GaussianNormaliser: mean ",
        mean_.sizes(), " and std ", std_.sizes(), " must be equal-length vectors"
    );
}


GaussianNormaliser GaussianNormaliser::fit(const torch::Tensor& data)
{
    TORCH_CHECK(data.dim() >= 2, "GaussianNormaliser: data must be (samples, channels, ...)");
    // Statistics in float64: sums over many points lose digits in float32.
    const auto perChannel = data.to(torch::kDouble).transpose(0, 1).flatten(1);
    return GaussianNormaliser(
        perChannel.mean(1).to(torch::kFloat),
        perChannel.std(1, /*unbiased*/ false).to(torch::kFloat)
    );
}


torch::Tensor GaussianNormaliser::broadcast(const torch::Tensor& stat, const torch::Tensor& x) const
{
    TORCH_CHECK(
        x.dim() >= 2 && x.size(1) == stat.size(0), "GaussianNormaliser: data has ", x.size(1),
        " channels, the normaliser ", stat.size(0)
    );
    std::vector<int64_t> shape(x.dim(), 1);
    shape[1] = stat.size(0);
    return stat.to(x.device()).view(shape);
}


torch::Tensor GaussianNormaliser::encode(const torch::Tensor& x) const
{
    if (!defined())
    {
        return x;
    }
    return (x - broadcast(mean_, x)) / (broadcast(std_, x) + eps);
}


torch::Tensor GaussianNormaliser::decode(const torch::Tensor& x) const
{
    if (!defined())
    {
        return x;
    }
    return x * (broadcast(std_, x) + eps) + broadcast(mean_, x);
}


GaussianNormaliser GaussianNormaliser::to(const torch::Device& device) const
{
    if (!defined())
    {
        return {};
    }
    return GaussianNormaliser(mean_.to(device), std_.to(device));
}

} // namespace nop
