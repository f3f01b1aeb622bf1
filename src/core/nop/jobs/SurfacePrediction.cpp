#include "nop/jobs/SurfacePrediction.hpp"

#include "nop/data/BodySampling.hpp"
#include "nop/data/SurfaceSampling.hpp"
#include "nop/models/GINO.hpp"
#include "nop/models/ModelFile.hpp"
#include "nop/runtime/Device.hpp"
#include "nop/runtime/Elapsed.hpp"
#include "nop/runtime/WithoutBacktrace.hpp"
#include "nop/surface/ForceCoefficients.hpp"
#include "nop/surface/SurfaceSources.hpp"
#include "nop/surface/SurfaceWriter.hpp"

#include <torch/torch.h>

#include <cstdio>
#include <stdexcept>

namespace nop
{

namespace
{

using Log = std::function<void(const std::string&)>;


/// The GINO of a model file trained on surfaces, and how it samples them.
struct SurfaceModel
{
    Surrogate surrogate;
    SurfaceSampling sampling;
    LatentGridSpec grid;
};


SurfaceModel loadSurfaceModel(const std::string& path, const torch::Device& device)
{
    Surrogate surrogate = loadModelFile(path, device);
    const auto* gino = dynamic_cast<const GINOImpl*>(surrogate.model.get());
    if (!gino || surrogate.geometry.empty())
    {
        throw std::runtime_error(
            "model file '" + path + "': a " + surrogate.model->kind()
            + " model without a surface sampling; a prediction on a surface needs a GINO trained"
              " on surfaces (trainNeuralOperator, data type surfaces)"
        );
    }
    const auto& o = gino->options;
    const auto geometry = nlohmann::json::parse(surrogate.geometry);
    if (BodySampling::describes(geometry))
    {
        throw std::runtime_error(
            "model file '" + path
            + "': a GINO trained on cases around a body (data type cases with patches); it"
              " predicts on a case's mesh: run surrogateFoam in the case"
        );
    }
    SurfaceSampling sampling =
        SurfaceSampling::fromJson(geometry, "model file '" + path + "': geometry");
    return {
        std::move(surrogate),
        std::move(sampling),
        {o.latentResolution(), o.inRadius(), o.outRadius()}};
}


Surface readOneSurface(const std::string& path)
{
    auto surfaces = readSurfaces(path);
    if (surfaces.size() != 1)
    {
        throw std::runtime_error(
            "surface file '" + path + "' holds " + std::to_string(surfaces.size())
            + " surfaces; a prediction takes one"
        );
    }
    return std::move(surfaces.front());
}


/// True when `surface` has every field of the sampling with its components.
bool holdsFields(const Surface& surface, const SurfaceSampling& sampling)
{
    try
    {
        return fieldComponents(surface, sampling.fields, sampling.location) == sampling.components;
    }
    catch (const std::runtime_error&)
    {
        return false;
    }
}


/// The fraction of the surface's points outside the unit box, where the
/// training surfaces (with their margin) lie.
double outsideTrainingBox(const Surface& surface, const SurfaceSampling& sampling)
{
    const auto u = sampling.unitBox.encode(surface.points.to(torch::kDouble));
    const auto outside = ((u < 0) | (u > 1)).any(1);
    return outside.to(torch::kDouble).mean().item<double>();
}


/// The predicted channels (queries, channels) as the sampling's arrays.
std::map<std::string, torch::Tensor> fieldArrays(
    const torch::Tensor& prediction,
    const SurfaceSampling& sampling
)
{
    std::map<std::string, torch::Tensor> arrays;
    int64_t channel = 0;
    for (size_t f = 0; f < sampling.fields.size(); ++f)
    {
        const int64_t k = sampling.components[f];
        const auto columns = prediction.narrow(1, channel, k).contiguous();
        arrays[sampling.fields[f]] = k == 1 ? columns.squeeze(1) : columns;
        channel += k;
    }
    return arrays;
}


ForceResult coefficients(
    const Surface& surface,
    const std::map<std::string, torch::Tensor>& arrays,
    const ForceSettings& settings,
    const std::string& pressure
)
{
    const auto find = [&](const std::string& name, const char* entry)
    {
        const auto it = arrays.find(name);
        if (it == arrays.end())
        {
            throw std::invalid_argument(
                std::string(entry) + ": the model predicts no field '" + name + "'"
            );
        }
        return it->second;
    };
    ForceReference reference;
    reference.velocity = settings.velocity;
    reference.area = settings.area;
    reference.density = settings.density;
    reference.dragDirection = settings.dragDirection;
    reference.liftDirection = settings.liftDirection;
    // OpenFOAM's wallShearStress is the stress on the fluid: minus that on
    // the body
    const auto c = forceCoefficients(
        surface, find(pressure, "pressure"),
        settings.shear.empty() ? torch::Tensor() : -find(settings.shear, "shear"), reference
    );
    return {c.cd, c.cl, c.cdPressure, c.cdShear, c.clPressure, c.clShear};
}


std::string coefficientLine(const char* what, const ForceResult& f)
{
    char line[256];
    std::snprintf(
        line, sizeof line,
        "%s: Cd %.5f (pressure %.5f, shear %.5f), Cl %.5f (pressure %.5f, shear %.5f)", what, f.cd,
        f.cdPressure, f.cdShear, f.cl, f.clPressure, f.clShear
    );
    return line;
}


SurfacePredictionResult predict(const SurfacePredictionJob& job, const Log& log)
{
    const auto start = Clock::now();
    const torch::Device device = deviceFromString(job.device);
    const int64_t threads = setThreads(job.threads);
    const Precision precision = fromString<Precision>(job.precision);
    const bool forces = job.forces.velocity > 0 || job.forces.area > 0;

    if (const auto warning = reducedPrecisionWarning(device, job.precision); !warning.empty())
    {
        log(warning);
    }
    SurfaceModel model = loadSurfaceModel(job.modelFile, device);
    const SurfaceSampling& sampling = model.sampling;
    const std::string pressure =
        job.forces.pressure.empty() ? sampling.fields.front() : job.forces.pressure;
    Surface surface = readOneSurface(job.surfaceFile);
    const bool compare = holdsFields(surface, sampling);
    SurfacePredictionResult result;
    log("Read " + job.surfaceFile + ": " + std::to_string(surface.numPoints()) + " points, "
        + std::to_string(surface.numTriangles()) + " triangles"
        + (compare ? "; it holds the model's fields: comparing" : ""));

    result.outsideBox = outsideTrainingBox(surface, sampling);
    if (result.outsideBox > 0)
    {
        char percent[32];
        std::snprintf(percent, sizeof percent, "%.1f", 100 * result.outsideBox);
        log(std::string("Warning: ") + percent
            + " % of the surface's points lie outside the box of the training surfaces (with"
              " its margin): the model extrapolates there. Same units and placement as the"
              " training surfaces?");
    }

    const GeometrySample sample = sampleSurface(
        surface, surfaceName(job.surfaceFile, 0, 1), sampling, model.grid, compare, int(threads)
    );
    torch::Tensor prediction;
    {
        torch::NoGradGuard noGrad;
        auto& network = model.surrogate.model;
        network->eval();
        network->setPrecision(precision);
        const auto batch = packGeometries({&sample}, latentGridSize(model.grid.resolution));
        prediction = model.surrogate.predict(toDevice(batch, device)).to(torch::kCPU);
    }
    if (!torch::isfinite(prediction).all().item<bool>())
    {
        throw std::runtime_error(
            "the prediction on '" + job.surfaceFile + "' is not finite (precision " + job.precision
            + "); try precision full"
        );
    }

    result.points = surface.numPoints();
    result.queries = sample.queries.size(0);
    result.fields = sampling.fields;
    const auto predicted = fieldArrays(prediction, sampling);
    auto& arrays =
        sampling.location == SurfaceLocation::points ? surface.pointArrays : surface.cellArrays;
    if (compare)
    {
        result.compared = true;
        const auto reference = fieldArrays(sample.targets, sampling);
        for (size_t f = 0; f < sampling.fields.size(); ++f)
        {
            const auto& name = sampling.fields[f];
            // Over the field's components together
            result.relativeL2.push_back(
                (predicted.at(name) - reference.at(name)).norm().item<double>()
                / reference.at(name).norm().item<double>()
            );
            arrays[name + "Reference"] = arrays.at(name);
            log("  " + name + ": relative L2 " + std::to_string(result.relativeL2.back()));
        }
        if (forces)
        {
            result.reference = coefficients(surface, reference, job.forces, pressure);
            log(coefficientLine("Reference", result.reference));
        }
    }
    for (const auto& [name, values] : predicted)
    {
        arrays[name] = values;
    }
    if (forces)
    {
        result.forcesComputed = true;
        result.predicted = coefficients(surface, predicted, job.forces, pressure);
        log(coefficientLine("Predicted", result.predicted));
    }
    if (!job.outputFile.empty())
    {
        writeSurfaceVtp(job.outputFile, surface);
        log("Wrote " + job.outputFile);
    }
    result.seconds = secondsSince(start);
    return result;
}

} // namespace


SurfacePredictionResult runSurfacePrediction(const SurfacePredictionJob& job, const Log& log)
{
    return withoutBacktrace([&] { return predict(job, log); });
}

} // namespace nop
