#include "nop/inference/SurrogatePredictor.hpp"

#include "nop/data/BodySampling.hpp"
#include "nop/models/GINO.hpp"
#include "nop/models/ModelFile.hpp"
#include "nop/precision/Precision.hpp"
#include "nop/runtime/Device.hpp"
#include "nop/runtime/WithoutBacktrace.hpp"
#include "nop/surface/SurfaceWriter.hpp"

#include <torch/torch.h>

#include <stdexcept>

namespace nop
{

struct SurrogatePredictor::Impl
{
    Impl(const std::string& file, const torch::Device& dev) :
        modelFile(file),
        device(dev),
        surrogate(loadModelFile(file, dev))
    {
        if (!surrogate.geometry.empty())
        {
            const auto json = nlohmann::json::parse(surrogate.geometry, nullptr, false);
            if (json.is_discarded())
            {
                throw std::runtime_error(
                    "model file '" + file + "': its geometry record is not JSON text"
                );
            }
            if (BodySampling::describes(json))
            {
                bodies = BodySampling::fromJson(json, "model file '" + file + "': geometry");
                onBodies = true;
            }
        }
    }

    std::string modelFile;
    torch::Device device;
    Surrogate surrogate;
    int64_t threads = 0;
    bool onBodies = false;
    BodySampling bodies;
};


SurrogatePredictor::SurrogatePredictor(
    const std::string& modelFile,
    const std::string& device,
    int64_t threads,
    int64_t processes
)
{
    withoutBacktrace(
        [&]
        {
            impl_ = std::make_unique<Impl>(modelFile, deviceFromString(device));
            impl_->threads = setThreads(threads, processes);
            return 0;
        }
    );
}


SurrogatePredictor::~SurrogatePredictor() = default;


const std::string& SurrogatePredictor::modelFile() const
{
    return impl_->modelFile;
}


const std::vector<std::string>& SurrogatePredictor::inputNames() const
{
    return impl_->surrogate.inputNames;
}


const std::vector<std::string>& SurrogatePredictor::outputNames() const
{
    return impl_->surrogate.outputNames;
}


int64_t SurrogatePredictor::inChannels() const
{
    return impl_->surrogate.model->inChannels();
}


int64_t SurrogatePredictor::outChannels() const
{
    return impl_->surrogate.model->outChannels();
}


const std::vector<int64_t>& SurrogatePredictor::trainedResolution() const
{
    return impl_->surrogate.resolution;
}


const std::string& SurrogatePredictor::application() const
{
    return impl_->surrogate.application;
}


const std::string& SurrogatePredictor::summary() const
{
    return impl_->surrogate.summaryJson;
}


int64_t SurrogatePredictor::threads() const
{
    return impl_->threads;
}


std::string SurrogatePredictor::kind() const
{
    return impl_->surrogate.model->kind();
}


bool SurrogatePredictor::onBodies() const
{
    return impl_->onBodies;
}


const BodyFields& SurrogatePredictor::surfaceFields() const
{
    return impl_->bodies.surfaceFields;
}


const BodyFields& SurrogatePredictor::volumeFields() const
{
    return impl_->bodies.volumeFields;
}


std::vector<int64_t> SurrogatePredictor::cellsInsideBox(const std::vector<double>& cellCentres
) const
{
    return nop::cellsInsideBox(impl_->bodies, cellCentres);
}


SurrogatePredictor::BodyPrediction SurrogatePredictor::predictBody(
    const BodyCase& body,
    const std::vector<int64_t>& volumeRows,
    const std::string& precision
) const
{
    if (!impl_->onBodies)
    {
        throw std::invalid_argument(
            impl_->modelFile + ": a " + kind()
            + " model not trained on the bodies of cases (data of type cases with patches)"
        );
    }
    return withoutBacktrace(
        [&]
        {
            auto& surrogate = impl_->surrogate;
            const auto* gino = dynamic_cast<const GINOImpl*>(surrogate.model.get());
            const auto& o = gino->options;
            const LatentGridSpec grid{o.latentResolution(), o.inRadius(), o.outRadius()};
            const BodySampling& sampling = impl_->bodies;
            const GeometrySample sample =
                sampleBody(body, sampling, grid, volumeRows, false, int(torch::get_num_threads()));

            torch::NoGradGuard noGrad;
            surrogate.model->setPrecision(fromString<Precision>(precision));
            const auto y = surrogate
                               .predict(toDevice(
                                   packGeometries({&sample}, latentGridSize(o.latentResolution())),
                                   impl_->device
                               ))
                               .to(torch::kCPU, torch::kFloat)
                               .contiguous();
            surrogate.model->setPrecision(Precision::full);
            if (!torch::isfinite(y).all().item<bool>())
            {
                throw std::runtime_error(
                    impl_->modelFile + ": the prediction for case '" + body.name
                    + "' is not finite (a body out of the range the model was trained on?)"
                );
            }

            const int64_t sc = sampling.surfaceFields.channels();
            const int64_t faces = sc > 0 ? body.faces() : 0;
            BodyPrediction result;
            const auto keep = [](const torch::Tensor& t)
            {
                const auto c = t.contiguous();
                return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
            };
            if (sc > 0)
            {
                result.surface = keep(y.slice(0, 0, faces).slice(1, 0, sc));
            }
            if (!sampling.volumeFields.empty())
            {
                result.volume = keep(y.slice(0, faces).slice(1, sc));
            }
            const auto u =
                sampling.unitBox.encode(torch::tensor(body.points, torch::kDouble).view({-1, 3}));
            result.outsideBox = ((u < 0) | (u > 1)).any(1).to(torch::kDouble).mean().item<double>();
            if (sample.latentFeatures.defined())
            {
                result.signedDistance = keep(sample.latentFeatures.flatten());
            }
            return result;
        }
    );
}


void SurrogatePredictor::writeLatentGrid(
    const std::string& path,
    const std::vector<float>& signedDistance
) const
{
    if (!impl_->onBodies)
    {
        throw std::invalid_argument(impl_->modelFile + ": not a model on the bodies of cases");
    }
    const auto* gino = dynamic_cast<const GINOImpl*>(impl_->surrogate.model.get());
    const auto& resolution = gino->options.latentResolution();
    if (int64_t(signedDistance.size()) != latentGridSize(resolution))
    {
        throw std::invalid_argument(
            "latent grid file '" + path + "': " + std::to_string(signedDistance.size())
            + " signed distances for a grid of " + std::to_string(latentGridSize(resolution))
            + " points"
        );
    }
    const UnitBox& unitBox = impl_->bodies.unitBox;
    const auto distance =
        torch::tensor(signedDistance, torch::kFloat).view(resolution) / unitBox.scale;
    withoutBacktrace(
        [&]
        {
            writeLatentGridVti(
                path, unitBox, resolution,
                {{"signedDistance", distance}, {"insideBody", (distance < 0).to(torch::kByte)}}
            );
        }
    );
}


std::vector<float> SurrogatePredictor::predict(
    const std::vector<float>& x,
    const std::vector<int64_t>& resolution,
    const std::string& precision
) const
{
    auto& surrogate = impl_->surrogate;
    if (surrogate.model->onGeometry())
    {
        throw std::invalid_argument(
            impl_->modelFile + ": a " + kind()
            + " model predicts on geometries, not on a grid (surfaces: predictSurface; bodies of"
              " cases: surrogateFoam)"
        );
    }
    const auto modes = surrogate.model->smallestResolution();
    if (resolution.size() != modes.size())
    {
        throw std::invalid_argument(
            impl_->modelFile + ": the model is " + std::to_string(modes.size()) + "D, the grid has "
            + std::to_string(resolution.size()) + " dimensions"
        );
    }
    int64_t points = 1;
    for (size_t d = 0; d < resolution.size(); ++d)
    {
        if (resolution[d] < modes[d])
        {
            throw std::invalid_argument(
                impl_->modelFile + ": " + std::to_string(resolution[d])
                + " grid points in dimension " + std::to_string(d + 1) + " are fewer than its "
                + std::to_string(modes[d]) + " modes"
            );
        }
        points *= resolution[d];
    }
    if (int64_t(x.size()) != inChannels() * points)
    {
        throw std::invalid_argument(
            impl_->modelFile + ": the input holds " + std::to_string(x.size())
            + " values, the model needs " + std::to_string(inChannels()) + " channels x "
            + std::to_string(points) + " grid points"
        );
    }

    return withoutBacktrace(
        [&]
        {
            torch::NoGradGuard noGrad;
            std::vector<int64_t> shape{1, inChannels()};
            shape.insert(shape.end(), resolution.begin(), resolution.end());
            const auto input =
                torch::from_blob(const_cast<float*>(x.data()), shape).to(impl_->device);

            surrogate.model->setPrecision(fromString<Precision>(precision));
            const auto y = surrogate.predict(input).to(torch::kCPU, torch::kFloat).contiguous();
            surrogate.model->setPrecision(Precision::full);

            if (!torch::isfinite(y).all().item<bool>())
            {
                throw std::runtime_error(
                    impl_->modelFile
                    + ": the prediction is not finite (inputs out of the"
                      " range the model was trained on?)"
                );
            }
            return std::vector<float>(y.data_ptr<float>(), y.data_ptr<float>() + y.numel());
        }
    );
}

} // namespace nop
