// GINO on geometries of differing sizes: output shapes, a batch equal to its
// samples one by one, gradients against central differences in float64,
// reduced precision near full, refused option combinations, the model
// registry's factory and parameter bound, and the model-file round trip.

#include "TestSupport.hpp"

#include "nop/geometry/NeighbourSearch.hpp"
#include "nop/models/GINO.hpp"
#include "nop/models/ModelFile.hpp"
#include "nop/models/ModelRegistry.hpp"
#include "nop/options/OptionsJson.hpp"

#include <gtest/gtest.h>

#include <fstream>

using namespace nop;

namespace
{

GINOOptions smallOptions()
{
    return GINOOptions()
        .latentResolution({8, 8, 8})
        .modes({4, 4, 4})
        .hiddenChannels(8)
        .nLayers(2)
        .geometryChannels(4)
        .inKernel({16})
        .outKernel({16, 8})
        .embeddingFrequencies(3)
        .inRadius(0.25)
        .outRadius(0.2)
        .latentChannels(1)
        .outChannels(2);
}


/// A random cloud of m points with n queries, its signed-distance-like latent
/// feature and neighbour lists for `gino`.
GeometrySample makeSample(const std::string& name, int64_t m, int64_t n, const GINOImpl& gino)
{
    GeometrySample s;
    s.name = name;
    s.points = torch::rand({m, 3});
    s.queries = torch::rand({n, 3});
    const auto& r = gino.options.latentResolution();
    s.latentFeatures = torch::randn({1, r[0], r[1], r[2]});
    const auto latent = gino.latentPoints();
    s.toLatent = radiusSearch(s.points, latent, gino.options.inRadius());
    s.fromLatent = radiusSearch(latent, s.queries, gino.options.outRadius());
    return s;
}


int64_t parameterCount(torch::nn::Module& module)
{
    int64_t count = 0;
    for (const auto& p : module.parameters())
    {
        count += p.numel();
    }
    return count;
}

} // namespace


TEST(GINO, OutputsAtTheQueriesOfSamplesOfDifferentSizes)
{
    torch::manual_seed(1);
    GINO gino(smallOptions());
    const int64_t latent = gino->latentPoints().size(0);
    ASSERT_EQ(latent, 512);
    const auto a = makeSample("a", 300, 70, *gino);
    const auto b = makeSample("b", 180, 41, *gino);
    const auto batch = packGeometries({&a, &b}, latent);
    const auto out = gino->forward(batch);
    EXPECT_EQ(out.sizes(), (std::vector<int64_t>{111, 2}));
    EXPECT_EQ(out.scalar_type(), torch::kFloat);
    EXPECT_TRUE(torch::isfinite(out).all().item<bool>());
    EXPECT_EQ(batch.querySplits[1].item<int64_t>(), 70);
    EXPECT_THROW(gino->forward(torch::rand({1, 1, 8, 8, 8})), std::logic_error);
}


// Samples that differ in geometry and in numbers of points, batched, give
// what each gives alone: nothing crosses between samples
TEST(GINO, BatchOfDifferingGeometriesEqualsOneByOne)
{
    torch::manual_seed(2);
    GINO gino(smallOptions());
    const int64_t latent = gino->latentPoints().size(0);
    const auto a = makeSample("a", 250, 60, *gino);
    const auto b = makeSample("b", 400, 33, *gino);
    const auto c = makeSample("c", 120, 90, *gino);

    const auto batch = packGeometries({&a, &b, &c}, latent);
    const auto together = gino->forward(batch);
    const GeometrySample* samples[3] = {&a, &b, &c};
    for (int64_t s = 0; s < 3; ++s)
    {
        const auto alone = gino->forward(packGeometries({samples[s]}, latent));
        const auto rows = sampleRows(together, batch.querySplits, s);
        EXPECT_LT(test::relativeDifference(rows, alone), 1e-5) << "sample " << samples[s]->name;
    }
}


// Central differences of a weighted sum of the outputs against autograd, in
// float64, for entries of every stage's weights and of the latent features
TEST(GINO, GradientsMatchCentralDifferencesInFloat64)
{
    torch::manual_seed(3);
    GINO gino(smallOptions());
    gino->to(torch::kDouble);
    auto sample = makeSample("a", 150, 25, *gino);
    sample.points = sample.points.to(torch::kDouble);
    sample.queries = sample.queries.to(torch::kDouble);
    sample.latentFeatures = sample.latentFeatures.to(torch::kDouble).requires_grad_(true);
    const int64_t latent = gino->latentPoints().size(0);
    const auto weights = torch::randn({25, 2}, torch::kDouble);

    const auto loss = [&]()
    { return (gino->forward(packGeometries({&sample}, latent)) * weights).sum(); };
    const auto value = loss();
    ASSERT_EQ(value.scalar_type(), torch::kDouble);
    value.backward();

    std::vector<std::pair<std::string, torch::Tensor>> checked;
    for (const auto& item : gino->named_parameters())
    {
        if (item.key().find("weight") != std::string::npos)
        {
            checked.emplace_back(item.key(), item.value());
        }
    }
    checked.emplace_back("latentFeatures", sample.latentFeatures);
    ASSERT_GT(checked.size(), 8u);

    torch::NoGradGuard noGrad;
    const double eps = 1e-6;
    for (const auto& [name, tensor] : checked)
    {
        const auto flat = tensor.view({-1});
        const auto grad = tensor.grad().view({-1});
        for (const int64_t i : {int64_t(0), flat.numel() / 2, flat.numel() - 1})
        {
            const double saved = flat[i].item<double>();
            flat[i] = saved + eps;
            const double up = loss().item<double>();
            flat[i] = saved - eps;
            const double down = loss().item<double>();
            flat[i] = saved;
            const double numeric = (up - down) / (2 * eps);
            const double analytic = grad[i].item<double>();
            EXPECT_NEAR(analytic, numeric, 1e-6 + 1e-5 * std::abs(numeric))
                << name << "[" << i << "]";
        }
    }
}


// bfloat16 kernels, pointwise layers and spectral contractions, float32
// reductions: within a few per cent of full precision
TEST(GINO, ReducedPrecisionsStayNearFull)
{
    torch::manual_seed(4);
    GINO gino(smallOptions());
    const int64_t latent = gino->latentPoints().size(0);
    const auto a = makeSample("a", 300, 80, *gino);
    const auto batch = packGeometries({&a}, latent);
    const auto full = gino->forward(batch);
    for (const Precision p : {Precision::mixed, Precision::half})
    {
        gino->setPrecision(p);
        const auto reduced = gino->forward(batch);
        gino->setPrecision(Precision::full);
        EXPECT_EQ(reduced.scalar_type(), torch::kFloat);
        const double difference = test::relativeDifference(reduced, full);
        // bfloat16 rounds each of about ten stacked GEMMs at 2^-9 relative;
        // observed about 1 %
        EXPECT_LT(difference, 0.05) << toString(p);
        EXPECT_GT(difference, 1e-4) << toString(p) << ": nothing ran in bfloat16";
    }
}


TEST(GINO, RefusesOptionsThatDoNotAgree)
{
    const auto refusedFor = [](const GINOOptions& o) -> std::string
    {
        try
        {
            GINO gino(o);
        }
        catch (const OptionError& e)
        {
            return e.keyword();
        }
        return "";
    };
    EXPECT_EQ(refusedFor(smallOptions().modes({4, 4})), "modes");
    EXPECT_EQ(refusedFor(smallOptions().modes({4, 9, 4})), "modes");
    EXPECT_EQ(refusedFor(smallOptions().inTransform(GNOTransform::nonlinear)), "inTransform");
    EXPECT_EQ(refusedFor(smallOptions().inRadius(0)), "inRadius");
    EXPECT_EQ(refusedFor(smallOptions().latentResolution({8})), "latentResolution");
    EXPECT_EQ(refusedFor(smallOptions().inKernel({16, 0})), "inKernel");
    EXPECT_EQ(refusedFor(smallOptions().pointChannels(3).inTransform(GNOTransform::nonlinear)), "");
}


TEST(GINO, RegisteredWithItsOptionsAndParameterBound)
{
    GINO gino(smallOptions());
    const auto& type = modelType("GINO");
    EXPECT_EQ(type.optionsKey, "gino");
    const auto json = gino->optionsJson();
    const auto made = type.make(json);
    EXPECT_EQ(made->kind(), "GINO");
    EXPECT_TRUE(made->onGeometry());
    EXPECT_EQ(made->optionsJson(), json);
    const int64_t count = parameterCount(*gino);
    const double bound = type.parameterLowerBound(json);
    EXPECT_LE(bound, double(count));
    EXPECT_GT(bound, 0.8 * double(count)) << "the bound leaves out more than biases and gates";
}


// A GINO in a model file: saved and loaded through the model registry, it
// predicts what it predicted; a crafted file whose options promise more
// parameters than it holds is refused
TEST(GINO, ModelFileRoundTrip)
{
    torch::manual_seed(6);
    Surrogate s(std::make_shared<GINOImpl>(smallOptions()));
    s.inputNames = {"signedDistance"};
    s.outputNames = {"p", "q"};
    s.resolution = smallOptions().latentResolution();
    test::TemporaryDirectory dir;
    const std::string file = dir.file("gino.nop");
    saveModelFile(file, s);

    const auto metadata = nlohmann::json::parse(readModelFileContents(file).metadata);
    EXPECT_EQ(metadata.at("kind"), "GINO");
    EXPECT_EQ(metadata.at("gino").at("inRadius"), 0.25);

    Surrogate loaded = loadModelFile(file);
    ASSERT_EQ(loaded.model->kind(), "GINO");
    auto& gino = dynamic_cast<GINOImpl&>(*loaded.model);
    const auto a = makeSample("a", 200, 30, gino);
    const auto batch = packGeometries({&a}, gino.latentPoints().size(0));
    EXPECT_TRUE(torch::equal(loaded.model->forward(batch), s.model->forward(batch)));

    auto contents = readModelFileContents(file);
    auto edited = nlohmann::json::parse(contents.metadata);
    edited["gino"]["hiddenChannels"] = 512;
    contents.metadata = edited.dump();
    const std::string crafted = dir.file("crafted.nop");
    std::ofstream(crafted, std::ios::binary) << encodeModelFile(contents);
    try
    {
        loadModelFile(crafted);
        ADD_FAILURE() << "a crafted GINO file loaded";
    }
    catch (const std::exception& e)
    {
        EXPECT_NE(std::string(e.what()).find("parameters"), std::string::npos) << e.what();
    }
}
