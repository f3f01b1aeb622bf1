#include "nop/training/OptimiserState.hpp"

#include <ATen/CPUGeneratorImpl.h>

#include <mutex>

namespace nop
{

namespace
{

/// The key torch's Adam and AdamW file a parameter's state under.
std::string stateKey(const torch::Tensor& parameter)
{
    return c10::guts::to_string(parameter.unsafeGetTensorImpl());
}


const char* const momentNames[] = {"exp_avg", "exp_avg_sq", "max_exp_avg_sq"};


template<class State>
void saveMomentsOf(
    torch::optim::Optimizer& optimiser,
    const ParameterDict& parameters,
    TrainingCheckpoint& c
)
{
    for (const auto& item : parameters)
    {
        const auto it = optimiser.state().find(stateKey(item.value()));
        if (it == optimiser.state().end())
        {
            continue; // no step taken with this parameter yet
        }
        const auto& state = static_cast<const State&>(*it->second);
        c.optimiserSteps[item.key()] = state.step();
        const torch::Tensor moments[] = {
            state.exp_avg(), state.exp_avg_sq(), state.max_exp_avg_sq()};
        for (int i = 0; i < 3; ++i)
        {
            if (moments[i].defined())
            {
                c.tensors["optimiser." + item.key() + "." + momentNames[i]] = moments[i];
            }
        }
    }
}


template<class State>
void restoreMomentsOf(torch::optim::Optimizer& optimiser, const std::vector<Moments>& all)
{
    optimiser.state().clear();
    for (const auto& m : all)
    {
        auto state = std::make_unique<State>();
        state->step(m.step);
        state->exp_avg(m.tensors[0]);
        state->exp_avg_sq(m.tensors[1]);
        if (m.tensors[2].defined())
        {
            state->max_exp_avg_sq(m.tensors[2]);
        }
        optimiser.state()[stateKey(m.parameter)] = std::move(state);
    }
}

} // namespace


const char* momentName(int i)
{
    return momentNames[i];
}


void saveMoments(
    torch::optim::Optimizer& optimiser,
    bool adamW,
    const ParameterDict& parameters,
    TrainingCheckpoint& c
)
{
    if (adamW)
    {
        saveMomentsOf<torch::optim::AdamWParamState>(optimiser, parameters, c);
    }
    else
    {
        saveMomentsOf<torch::optim::AdamParamState>(optimiser, parameters, c);
    }
}


void restoreMoments(torch::optim::Optimizer& optimiser, bool adamW, const std::vector<Moments>& all)
{
    if (adamW)
    {
        restoreMomentsOf<torch::optim::AdamWParamState>(optimiser, all);
    }
    else
    {
        restoreMomentsOf<torch::optim::AdamParamState>(optimiser, all);
    }
}


torch::Tensor generatorState()
{
    auto generator = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(generator.mutex());
    return generator.get_state();
}


void setGeneratorState(const torch::Tensor& state)
{
    auto generator = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(generator.mutex());
    generator.set_state(state);
}

} // namespace nop
