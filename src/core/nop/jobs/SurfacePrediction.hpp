#pragma once

// Prediction on a bare geometry: a GINO model file (trained on surfaces, or
// on cases around a body) and a surface file in, the surface with the
// predicted arrays out (VTK XML PolyData for ParaView), and the force
// coefficients integrated from them. No CFD mesh.
// Torch-free interface, so that OpenFOAM applications can call it.

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace nop
{

/// Reference values of the force coefficients, e.g. for a car: the free-
/// stream speed, the frontal area, density 1 for OpenFOAM's kinematic
/// pressure (p/rho), drag along the flow and lift up.
struct ForceSettings
{
    double velocity = 0;
    double area = 0;
    double density = 1;
    std::array<double, 3> dragDirection{1, 0, 0};
    std::array<double, 3> liftDirection{0, 0, 1};
    /// The predicted field of pressure and, optionally, of wall shear
    /// stress (3 components) as OpenFOAM's wallShearStress gives it (the
    /// stress on the fluid, so minus that on the body); empty pressure: the
    /// model's first field.
    std::string pressure;
    std::string shear;
};

struct SurfacePredictionJob
{
    std::string modelFile;
    /// .vtp .vtk .stl .ply, or a ShapeNet car mesh (SurfaceSources.hpp).
    std::string surfaceFile;
    /// Written atomically, .vtp; empty: none.
    std::string outputFile;
    std::string device = "cpu";
    int64_t threads = 0;
    /// full, mixed or half.
    std::string precision = "full";
    /// Integrate forces when velocity and area are given (> 0).
    ForceSettings forces;
    /// Keep the part of the surface on the normal's side of the plane
    /// through clipOrigin (a half model's symmetry plane; models of cases
    /// around a body only).
    bool clip = false;
    std::array<double, 3> clipOrigin{0, 0, 0};
    std::array<double, 3> clipNormal{0, 1, 0};
    /// Largest edge of the faces predicted on: triangles are split until
    /// theirs are shorter (0: kept for a model on surfaces, half the latent
    /// grid's spacing for a model of cases around a body, whose wall faces
    /// it was trained on are that fine or finer).
    double faceSize = 0;
};

struct ForceResult
{
    double cd = 0;
    double cl = 0;
    double cdPressure = 0;
    double cdShear = 0;
    double clPressure = 0;
    double clShear = 0;
};

struct SurfacePredictionResult
{
    int64_t points = 0;
    int64_t queries = 0;
    /// Fraction of the surface's points outside the training surfaces'
    /// box (a warning is logged when not 0).
    double outsideBox = 0;
    std::vector<std::string> fields;
    double seconds = 0;
    bool forcesComputed = false;
    ForceResult predicted;
    /// When the surface holds the model's fields (e.g. a held-out AhmedML
    /// surface): the relative L2 of each predicted field against them and
    /// the forces integrated from them the same way.
    bool compared = false;
    std::vector<double> relativeL2;
    ForceResult reference;
};

/// Load, sample, predict, write, integrate; progress lines to `log`.
/// Throws std::exception naming the file and entry at fault: a model file
/// that is missing, corrupt or not of a model on surfaces, a surface that
/// cannot be read or lies outside the model's reach (outRadius), forces
/// asked for a field the model does not predict.
SurfacePredictionResult runSurfacePrediction(
    const SurfacePredictionJob& job,
    const std::function<void(const std::string&)>& log
);

} // namespace nop
