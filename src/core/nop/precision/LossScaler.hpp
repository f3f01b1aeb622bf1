#pragma once

// Dynamic loss scaling for float16 training (the reference has none).

#include <torch/torch.h>

#include <vector>

namespace nop
{

/// Multiplies the loss by a scale before backward so small float16
/// gradients do not flush to zero; unscales the gradients, skips the step
/// and halves the scale when any gradient is non-finite, and doubles the
/// scale after `growthInterval` good steps. Disabled: scale 1, but
/// non-finite gradients still skip the step.
class LossScaler
{
public:
    explicit LossScaler(bool enabled, double initialScale = 65536.0, int64_t growthInterval = 200);

    /// loss * scale.
    torch::Tensor scale(const torch::Tensor& loss) const;

    /// Divide the gradients by the scale; true if all are finite (take
    /// the step), false otherwise (skip it; the scale backs off).
    bool unscaleAndCheck(const std::vector<torch::Tensor>& parameters);

    /// A step skipped before backward (non-finite loss): back off.
    void backOff();

    double currentScale() const { return scale_; }
    bool enabled() const { return enabled_; }

    /// Good steps since the scale last changed (training checkpoints).
    int64_t goodSteps() const { return goodSteps_; }

    /// Continue from a checkpoint's scale and good steps (when enabled).
    void restore(double scale, int64_t goodSteps)
    {
        if (enabled_)
        {
            scale_ = scale;
            goodSteps_ = goodSteps;
        }
    }

private:
    bool enabled_;
    double scale_;
    int64_t growthInterval_;
    int64_t goodSteps_ = 0;
};

} // namespace nop
