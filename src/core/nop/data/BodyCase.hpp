#pragma once

// A body in a CFD case as the OpenFOAM side hands it to GINO: the body's
// wall faces (their triangulated surface, centres and values), the case's
// cell centres and values. Torch-free, so that the adapter can fill it.

#include <cstdint>
#include <string>
#include <vector>

namespace nop
{

/// Fields and their components, in channel order (e.g. p 1, U 3).
struct BodyFields
{
    std::vector<std::string> names;
    std::vector<int64_t> components;

    int64_t channels() const
    {
        int64_t total = 0;
        for (const int64_t c : components)
        {
            total += c;
        }
        return total;
    }
    bool empty() const { return names.empty(); }
};

/// One case. Coordinates in the case's units, 3 per point, row-major.
struct BodyCase
{
    /// The case directory (log lines and errors name it).
    std::string name;
    /// The body's surface: vertices and triangles (3 indices each), the
    /// right-hand rule giving the normal out of the body (into the fluid).
    std::vector<double> points;
    std::vector<int64_t> triangles;
    /// Centres of the body's wall faces: the geometry GINO integrates over
    /// and where its surface fields are predicted.
    std::vector<double> faceCentres;
    /// Cell centres: where its volume fields are predicted (those inside
    /// the latent box; empty for a model of surface fields only).
    std::vector<double> cellCentres;
    /// Values when training (empty when predicting): faces x surface
    /// channels and cells x volume channels, row-major.
    std::vector<float> surfaceValues;
    std::vector<float> volumeValues;

    int64_t faces() const { return int64_t(faceCentres.size() / 3); }
    int64_t cells() const { return int64_t(cellCentres.size() / 3); }
};

/// The cases of a training job: what the bodies carry and how their latent
/// box is found.
struct BodyCaseDatasets
{
    std::vector<BodyCase> train;
    std::vector<BodyCase> test;
    BodyFields surfaceFields;
    BodyFields volumeFields;
    /// The latent box: around all training bodies, widened by boxMargin
    /// times their largest extent; or, with boxLower < boxUpper, that box.
    double boxMargin = 0.5;
    std::vector<double> boxLower;
    std::vector<double> boxUpper;
    /// Volume queries per training case: a random subset of the cells
    /// inside the latent box, drawn once (seeded by the case's name) to
    /// bound the memory of a step (-1: all). Test cases use all.
    int64_t volumeQueries = -1;
    bool signedDistance = true;

    bool empty() const { return train.empty(); }
};

} // namespace nop
