#pragma once

// The compute device and thread count of a run.

#include <torch/torch.h>

#include <string>

namespace nop
{

/// Parse `cpu`, `cuda` or `cuda:N`; throws std::invalid_argument when the
/// word is malformed or CUDA is asked for but not available.
torch::Device deviceFromString(const std::string& word);

/// Set LibTorch's intra-op threads: `threads` > 0 as given; 0 for this
/// process's share of the hardware threads when `processes` processes share
/// the machine (all of them for one process, at least 1). One rule for
/// training and inference. Returns the number set.
int64_t setThreads(int64_t threads, int64_t processes = 1);

} // namespace nop
