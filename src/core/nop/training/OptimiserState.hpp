#pragma once

// What a checkpoint keeps of training besides the parameters: the Adam or
// AdamW moments and step counts, and the CPU random-number state.

#include "nop/training/Checkpoint.hpp"

#include <torch/torch.h>

#include <string>
#include <vector>

namespace nop
{

using ParameterDict = torch::OrderedDict<std::string, torch::Tensor>;

/// The moments of one parameter as a checkpoint holds them: exp_avg,
/// exp_avg_sq and (amsgrad only) max_exp_avg_sq.
struct Moments
{
    torch::Tensor parameter;
    int64_t step;
    torch::Tensor tensors[3];
};

/// Name of moment i in a checkpoint: "optimiser.<parameter>.<name>".
const char* momentName(int i);

/// The optimiser's moments and step counts into `c`; `adamW` says which
/// of torch's two optimisers `optimiser` is.
void saveMoments(
    torch::optim::Optimizer& optimiser,
    bool adamW,
    const ParameterDict& parameters,
    TrainingCheckpoint& c
);

/// Replace the optimiser's state by `all`.
void restoreMoments(
    torch::optim::Optimizer& optimiser,
    bool adamW,
    const std::vector<Moments>& all
);

/// The state of the default CPU generator, and setting it.
torch::Tensor generatorState();
void setGeneratorState(const torch::Tensor& state);

} // namespace nop
