#pragma once

// The bodies of a training job sampled for GINO: the latent box around the
// training bodies (or the given one), one geometry sample per case
// (BodySampling.hpp).

#include "nop/data/BodyCase.hpp"
#include "nop/data/BodySampling.hpp"
#include "nop/data/Dataset.hpp"

#include <functional>
#include <string>
#include <vector>

namespace nop
{

struct BodyDatasets
{
    /// Training set "train" and, with test cases, the test set "test".
    Dataset train;
    std::vector<Dataset> tests;
    BodySampling sampling;
};

/// The latent box of `data`: the given box, or the box around the vertices
/// of all training bodies widened by boxMargin. Throws
/// std::invalid_argument("boxMargin"/"box": ...) for a box that is empty.
UnitBox bodyUnitBox(const BodyCaseDatasets& data);

/// Sample every case of `data` for `grid` with `threads` threads, a log
/// line per case. Throws std::runtime_error naming the case and entry at
/// fault (sampleBody).
BodyDatasets sampleBodyDatasets(
    const BodyCaseDatasets& data,
    const LatentGridSpec& grid,
    int threads,
    const std::function<void(const std::string&)>& log
);

} // namespace nop
