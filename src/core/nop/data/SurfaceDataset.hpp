#pragma once

// A surface dataset read and sampled for GINO: the surfaces of
// SurfaceDatasetOptions, a unit box around all training surfaces, and one
// geometry sample per surface (SurfaceSampling.hpp).

#include "nop/data/Dataset.hpp"
#include "nop/data/SurfaceDatasetOptions.hpp"
#include "nop/data/SurfaceSampling.hpp"

#include <functional>
#include <string>
#include <vector>

namespace nop
{

struct SurfaceDatasets
{
    /// Training set "train" and, with testFiles, the test set "test".
    Dataset train;
    std::vector<Dataset> tests;
    /// How they were sampled (what the model file records).
    SurfaceSampling sampling;
};

/// Read every surface of `options`, fit the unit box around the training
/// surfaces (boxMargin), and sample them for `grid` with `threads` threads
/// (0: all), a log line per surface. Throws std::runtime_error naming the
/// file and entry at fault (SurfaceSources.hpp, sampleSurface), and
/// OptionError("trainFiles") for a trainFiles list that is empty after
/// nTrain.
SurfaceDatasets readSurfaceDatasets(
    const SurfaceDatasetOptions& options,
    const LatentGridSpec& grid,
    int threads,
    const std::function<void(const std::string&)>& log
);

} // namespace nop
