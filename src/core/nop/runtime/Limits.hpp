#pragma once

// Upper limits on sizes that come from users' dictionaries or from files,
// written once for the core and the OpenFOAM adapter (torch-free). Sizes
// are 64-bit everywhere; these bounds keep products of them far from
// overflow and refuse allocations no machine of ours could hold.

#include <cstdint>

namespace nop
{
namespace limits
{
/// Points of a latent grid (product of its resolution): 2^28, 1 GiB
/// per float32 channel.
constexpr int64_t maxGridPoints = int64_t(1) << 28;

/// Points per direction of a latent grid.
constexpr int64_t maxGridResolution = int64_t(1) << 20;

/// Channels of a model's input or output, and its hidden width.
constexpr int64_t maxChannels = 4096;
} // namespace limits
} // namespace nop
