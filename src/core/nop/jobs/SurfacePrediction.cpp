#include "nop/jobs/SurfacePrediction.hpp"

#include "nop/data/BodySampling.hpp"
#include "nop/data/SurfaceSampling.hpp"
#include "nop/models/GINO.hpp"
#include "nop/models/ModelFile.hpp"
#include "nop/runtime/Device.hpp"
#include "nop/runtime/Elapsed.hpp"
#include "nop/runtime/WithoutBacktrace.hpp"
#include "nop/surface/ForceCoefficients.hpp"
#include "nop/surface/SurfaceEdits.hpp"
#include "nop/surface/SurfaceSources.hpp"
#include "nop/surface/SurfaceWriter.hpp"

#include <torch/torch.h>

#include <algorithm>
#include <cstdio>
#include <stdexcept>

namespace nop
{

namespace
{

using Log = std::function<void(const std::string&)>;


/// The GINO of a model file, the geometry record it was trained with (on
/// surfaces or on cases around a body) and its latent grid.
struct GinoModel
{
    Surrogate surrogate;
    nlohmann::json geometry;
    LatentGridSpec grid;
};


GinoModel loadGinoModel(const std::string& path, const torch::Device& device)
{
    Surrogate surrogate = loadModelFile(path, device);
    const auto* gino = dynamic_cast<const GINOImpl*>(surrogate.model.get());
    if (!gino || surrogate.geometry.empty())
    {
        throw std::runtime_error(
            "model file '" + path + "': a " + surrogate.model->kind()
            + " model without a surface sampling; a prediction on a surface needs a GINO trained"
              " on surfaces (trainNeuralOperator, data type surfaces) or on cases around a body"
              " (data type cases with patches)"
        );
    }
    const auto& o = gino->options;
    auto geometry = nlohmann::json::parse(surrogate.geometry);
    return {
        std::move(surrogate),
        std::move(geometry),
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
double outsideTrainingBox(const Surface& surface, const UnitBox& unitBox)
{
    const auto u = unitBox.encode(surface.points.to(torch::kDouble));
    const auto outside = ((u < 0) | (u > 1)).any(1);
    return outside.to(torch::kDouble).mean().item<double>();
}


/// The first channels of a prediction (queries, channels) as arrays of
/// `fields` with their `components`.
std::map<std::string, torch::Tensor> fieldArrays(
    const torch::Tensor& prediction,
    const std::vector<std::string>& fields,
    const std::vector<int64_t>& components
)
{
    std::map<std::string, torch::Tensor> arrays;
    int64_t channel = 0;
    for (size_t f = 0; f < fields.size(); ++f)
    {
        const int64_t k = components[f];
        const auto columns = prediction.narrow(1, channel, k).contiguous();
        arrays[fields[f]] = k == 1 ? columns.squeeze(1) : columns;
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


/// The settings every prediction shares.
struct PredictionContext
{
    torch::Device device;
    int64_t threads;
    Precision precision;
    bool forces;
};


void warnOutside(double fraction, const char* training, const Log& log)
{
    if (fraction > 0)
    {
        char percent[32];
        std::snprintf(percent, sizeof percent, "%.1f", 100 * fraction);
        log(std::string("Warning: ") + percent
            + " % of the surface's points lie outside the box of " + training
            + ": the model extrapolates there. Same units and placement as the training"
              " geometry?");
    }
}


/// The model's prediction (queries, channels) on one sample, on the CPU.
torch::Tensor predictSample(
    GinoModel& model,
    const GeometrySample& sample,
    const PredictionContext& context,
    const SurfacePredictionJob& job
)
{
    torch::Tensor prediction;
    {
        torch::NoGradGuard noGrad;
        auto& network = model.surrogate.model;
        network->eval();
        network->setPrecision(context.precision);
        const auto batch = packGeometries({&sample}, latentGridSize(model.grid.resolution));
        prediction = model.surrogate.predict(toDevice(batch, context.device)).to(torch::kCPU);
    }
    if (!torch::isfinite(prediction).all().item<bool>())
    {
        throw std::runtime_error(
            "the prediction on '" + job.surfaceFile + "' is not finite (precision " + job.precision
            + "); try precision full"
        );
    }
    return prediction;
}


/// Forces from the predicted arrays, the surface written.
void integrateAndWrite(
    const SurfacePredictionJob& job,
    const PredictionContext& context,
    const Surface& surface,
    const std::map<std::string, torch::Tensor>& predicted,
    const std::string& pressure,
    SurfacePredictionResult& result,
    const Log& log
)
{
    if (context.forces)
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
}


/// A model trained on surfaces: the surface sampled as its training ones.
SurfacePredictionResult predictOnSurface(
    const SurfacePredictionJob& job,
    const PredictionContext& context,
    GinoModel& model,
    const Log& log
)
{
    const SurfaceSampling sampling =
        SurfaceSampling::fromJson(model.geometry, "model file '" + job.modelFile + "': geometry");
    if (job.clip)
    {
        throw std::invalid_argument(
            "clip: model file '" + job.modelFile
            + "' was trained on whole surfaces (data type surfaces); clipping is for a model of"
              " cases around a body cut by a symmetry plane"
        );
    }
    const std::string pressure =
        job.forces.pressure.empty() ? sampling.fields.front() : job.forces.pressure;
    Surface surface = readOneSurface(job.surfaceFile);
    if (job.faceSize > 0)
    {
        surface = refineSurface(surface, job.faceSize);
    }
    const bool compare = holdsFields(surface, sampling);
    SurfacePredictionResult result;
    log("Read " + job.surfaceFile + ": " + std::to_string(surface.numPoints()) + " points, "
        + std::to_string(surface.numTriangles()) + " triangles"
        + (compare ? "; it holds the model's fields: comparing" : ""));

    result.outsideBox = outsideTrainingBox(surface, sampling.unitBox);
    warnOutside(result.outsideBox, "the training surfaces (with its margin)", log);

    const GeometrySample sample = sampleSurface(
        surface, surfaceName(job.surfaceFile, 0, 1), sampling, model.grid, compare,
        int(context.threads)
    );
    const torch::Tensor prediction = predictSample(model, sample, context, job);

    result.points = surface.numPoints();
    result.queries = sample.queries.size(0);
    result.fields = sampling.fields;
    const auto predicted = fieldArrays(prediction, sampling.fields, sampling.components);
    auto& arrays =
        sampling.location == SurfaceLocation::points ? surface.pointArrays : surface.cellArrays;
    if (compare)
    {
        result.compared = true;
        const auto reference = fieldArrays(sample.targets, sampling.fields, sampling.components);
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
        if (context.forces)
        {
            result.reference = coefficients(surface, reference, job.forces, pressure);
            log(coefficientLine("Reference", result.reference));
        }
    }
    for (const auto& [name, values] : predicted)
    {
        arrays[name] = values;
    }
    integrateAndWrite(job, context, surface, predicted, pressure, result, log);
    return result;
}


/// A model trained on cases around a body: the body's surface (its part on
/// the kept side of a symmetry plane) as the wall faces of a case, split
/// into faces as fine as half the latent grid's spacing unless told; its
/// surface fields predicted at their centres.
SurfacePredictionResult predictOnBody(
    const SurfacePredictionJob& job,
    const PredictionContext& context,
    GinoModel& model,
    const Log& log
)
{
    const BodySampling sampling =
        BodySampling::fromJson(model.geometry, "model file '" + job.modelFile + "': geometry");
    if (sampling.surfaceFields.empty())
    {
        throw std::runtime_error(
            "model file '" + job.modelFile
            + "': a GINO of cases around a body that predicts no surface field (its volumeFields"
              " need the case's cells: run surrogateFoam in the case)"
        );
    }
    const std::string pressure =
        job.forces.pressure.empty() ? sampling.surfaceFields.names.front() : job.forces.pressure;

    Surface surface = readOneSurface(job.surfaceFile);
    requireTriangles(surface, "a prediction with a model of cases around a body");
    log("Read " + job.surfaceFile + ": " + std::to_string(surface.numPoints()) + " points, "
        + std::to_string(surface.numTriangles()) + " triangles");
    // The side of the fluid, as the wall faces of the training cases had it
    surface = orientOutward(surface);
    if (job.clip)
    {
        surface = clipSurface(surface, job.clipOrigin, job.clipNormal);
        char plane[160];
        std::snprintf(
            plane, sizeof plane,
            "Clipped at the plane through (%g %g %g), normal (%g %g %g): ", job.clipOrigin[0],
            job.clipOrigin[1], job.clipOrigin[2], job.clipNormal[0], job.clipNormal[1],
            job.clipNormal[2]
        );
        log(plane + std::to_string(surface.numTriangles()) + " triangles kept");
    }
    int64_t finest = 2;
    for (const int64_t n : model.grid.resolution)
    {
        finest = std::max(finest, n);
    }
    const double faceSize =
        job.faceSize > 0 ? job.faceSize : 0.5 / (sampling.unitBox.scale * double(finest - 1));
    Surface faces = refineSurface(surface, faceSize);
    char size[64];
    std::snprintf(size, sizeof size, "%.3g", faceSize);
    log("Faces: " + std::to_string(faces.numTriangles()) + " triangles, edges at most " + size
        + (job.faceSize > 0 ? "" : " (half the latent grid's spacing)"));

    BodyCase body;
    body.name = job.surfaceFile;
    const auto points = surface.points.to(torch::kDouble).contiguous();
    body.points.assign(points.data_ptr<double>(), points.data_ptr<double>() + points.numel());
    const auto triangles = surface.triangles.contiguous();
    body.triangles.assign(
        triangles.data_ptr<int64_t>(), triangles.data_ptr<int64_t>() + triangles.numel()
    );
    const auto corners = faces.points.to(torch::kDouble).index_select(0, faces.triangles.flatten());
    const auto centres = corners.view({-1, 3, 3}).mean(1).contiguous();
    body.faceCentres.assign(
        centres.data_ptr<double>(), centres.data_ptr<double>() + centres.numel()
    );

    SurfacePredictionResult result;
    result.outsideBox = outsideTrainingBox(faces, sampling.unitBox);
    warnOutside(result.outsideBox, "the model's latent grid", log);
    const GeometrySample sample =
        sampleBody(body, sampling, model.grid, {}, false, int(context.threads));
    const torch::Tensor prediction = predictSample(model, sample, context, job);
    if (!sampling.volumeFields.empty())
    {
        std::string names;
        for (const auto& name : sampling.volumeFields.names)
        {
            names += " " + name;
        }
        log("Volume fields (" + names.substr(1)
            + ") not predicted: they need the case's cells (surrogateFoam)");
    }

    result.points = faces.numPoints();
    result.queries = sample.queries.size(0);
    result.fields = sampling.surfaceFields.names;
    const auto predicted =
        fieldArrays(prediction, sampling.surfaceFields.names, sampling.surfaceFields.components);
    for (const auto& [name, values] : predicted)
    {
        faces.cellArrays[name] = values;
    }
    integrateAndWrite(job, context, faces, predicted, pressure, result, log);
    return result;
}


SurfacePredictionResult predict(const SurfacePredictionJob& job, const Log& log)
{
    const auto start = Clock::now();
    const PredictionContext context{
        deviceFromString(job.device), setThreads(job.threads), fromString<Precision>(job.precision),
        job.forces.velocity > 0 || job.forces.area > 0};
    if (const auto warning = reducedPrecisionWarning(context.device, job.precision);
        !warning.empty())
    {
        log(warning);
    }
    GinoModel model = loadGinoModel(job.modelFile, context.device);
    SurfacePredictionResult result = BodySampling::describes(model.geometry)
                                         ? predictOnBody(job, context, model, log)
                                         : predictOnSurface(job, context, model, log);
    result.seconds = secondsSince(start);
    return result;
}

} // namespace


SurfacePredictionResult runSurfacePrediction(const SurfacePredictionJob& job, const Log& log)
{
    return withoutBacktrace([&] { return predict(job, log); });
}

} // namespace nop
