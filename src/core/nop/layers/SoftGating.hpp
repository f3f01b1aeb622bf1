#pragma once

// Soft-gating skip connection: a learned per-channel scale.

#include <torch/torch.h>

namespace nop
{

/// Channels-last: x (..., channels) -> x * w, w initialised to ones.
class SoftGatingImpl : public torch::nn::Cloneable<SoftGatingImpl>
{
public:
    explicit SoftGatingImpl(int64_t channels);
    void reset() override;
    torch::Tensor forward(const torch::Tensor& x);

    int64_t channels;
    torch::Tensor weight;
};

TORCH_MODULE(SoftGating);

} // namespace nop
