// Bodies of CFD cases into GINO samples (BodySampling, BodyDataset): the
// queries at wall faces then at the cells inside the latent box, the
// target mask that keeps each field where it lives, the signed distance
// against the analytic body, the masked loss and normaliser, the record
// in the model file, and a GINO trained and applied on bodies through the
// training job and SurrogatePredictor.

#include "TestSupport.hpp"

#include "nop/data/BodyDataset.hpp"
#include "nop/data/BodySampling.hpp"
#include "nop/inference/SurrogatePredictor.hpp"
#include "nop/jobs/TrainingJob.hpp"
#include "nop/models/GINO.hpp"
#include "nop/training/GeometryTraining.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>

using namespace nop;
using nop::test::errorOf;

namespace
{

/// The box [lo, hi]^3 as a body in a duct: its 12 triangles (normals out
/// of the body), one face centre per triangle, cells on a 10^3 lattice of
/// [-1, 2]^3 outside the box; surface value "p" = x at the faces, volume
/// "U" = (x, y, z) at the cells.
BodyCase boxBody(double lo, double hi, const std::string& name)
{
    BodyCase body;
    body.name = name;
    for (int k = 0; k < 8; ++k)
    {
        body.points.insert(body.points.end(), {k & 1 ? hi : lo, k & 2 ? hi : lo, k & 4 ? hi : lo});
    }
    // Counter-clockwise seen from outside the box
    body.triangles = {0, 2, 1, 1, 2, 3, 4, 5, 6, 5, 7, 6, 0, 1, 4, 1, 5, 4,
                      2, 6, 3, 3, 6, 7, 0, 4, 2, 2, 4, 6, 1, 3, 5, 3, 7, 5};
    for (size_t t = 0; t < body.triangles.size(); t += 3)
    {
        for (int d = 0; d < 3; ++d)
        {
            double c = 0;
            for (int v = 0; v < 3; ++v)
            {
                c += body.points[size_t(3 * body.triangles[t + v] + d)] / 3;
            }
            body.faceCentres.push_back(c);
        }
        body.surfaceValues.push_back(float(body.faceCentres[body.faceCentres.size() - 3]));
    }
    for (int i = 0; i < 10; ++i)
    {
        for (int j = 0; j < 10; ++j)
        {
            for (int k = 0; k < 10; ++k)
            {
                const double x = -1 + 3 * (i + 0.5) / 10;
                const double y = -1 + 3 * (j + 0.5) / 10;
                const double z = -1 + 3 * (k + 0.5) / 10;
                const bool inside = x > lo && x < hi && y > lo && y < hi && z > lo && z < hi;
                if (!inside)
                {
                    body.cellCentres.insert(body.cellCentres.end(), {x, y, z});
                    body.volumeValues.insert(
                        body.volumeValues.end(), {float(x), float(y), float(z)}
                    );
                }
            }
        }
    }
    return body;
}


BodySampling samplingOf(const BodyCase& body, double margin = 0.5)
{
    BodyCaseDatasets data;
    data.train = {body};
    data.boxMargin = margin;
    BodySampling s;
    s.unitBox = bodyUnitBox(data);
    s.surfaceFields = {{"p"}, {1}};
    s.volumeFields = {{"U"}, {3}};
    return s;
}


const LatentGridSpec grid{{8, 8, 8}, 0.2, 0.2};

} // namespace


TEST(BodySampling, QueriesAreFacesThenCellsInsideTheBoxWithMaskedTargets)
{
    const BodyCase body = boxBody(0, 1, "box");
    const BodySampling sampling = samplingOf(body);
    const auto rows = cellsInsideBox(sampling, body.cellCentres);
    // The latent box [-0.5, 1.5]^3 holds the lattice coordinates -0.25 ...
    // 1.25 (6 per axis); the 4^3 in the body are no cells
    EXPECT_EQ(rows.size(), size_t(6 * 6 * 6 - 4 * 4 * 4));
    EXPECT_LT(rows.size(), size_t(body.cells()));

    const GeometrySample g = sampleBody(body, sampling, grid, rows, true);
    ASSERT_EQ(g.points.size(0), 12);
    ASSERT_EQ(g.queries.size(0), 12 + int64_t(rows.size()));
    ASSERT_EQ(g.targets.sizes(), (std::vector<int64_t>{g.queries.size(0), 4}));
    ASSERT_TRUE(g.targetMask.defined());
    // Faces: p only; cells: U only
    EXPECT_TRUE(g.targetMask.slice(0, 0, 12).select(1, 0).all().item<bool>());
    EXPECT_FALSE(g.targetMask.slice(0, 0, 12).slice(1, 1).any().item<bool>());
    EXPECT_FALSE(g.targetMask.slice(0, 12).select(1, 0).any().item<bool>());
    EXPECT_TRUE(g.targetMask.slice(0, 12).slice(1, 1).all().item<bool>());
    // The targets of the cells are their coordinates, row by row
    const auto cellTargets = g.targets.slice(0, 12).slice(1, 1).to(torch::kDouble);
    const auto decoded = sampling.unitBox.decode(g.queries.slice(0, 12).to(torch::kDouble));
    EXPECT_LT((cellTargets - decoded).abs().max().item<double>(), 1e-5);
    // p = x at the faces
    const auto faceX = sampling.unitBox.decode(g.queries.slice(0, 0, 12).to(torch::kDouble));
    EXPECT_LT(
        (g.targets.slice(0, 0, 12).select(1, 0).to(torch::kDouble) - faceX.select(1, 0))
            .abs()
            .max()
            .item<double>(),
        1e-5
    );
}


TEST(BodySampling, SignedDistanceOfTheBoxIsNegativeInsideAndExactOutside)
{
    const BodyCase body = boxBody(0, 1, "box");
    const BodySampling sampling = samplingOf(body);
    const auto rows = cellsInsideBox(sampling, body.cellCentres);
    const GeometrySample g = sampleBody(body, sampling, grid, rows, false);
    ASSERT_TRUE(g.latentFeatures.defined());
    const auto physical =
        sampling.unitBox.decode(latentGridPoints(grid.resolution).to(torch::kDouble));
    // Analytic distance to the box [0, 1]^3
    const auto outside = (physical - 1).clamp_min(0) + (-physical).clamp_min(0);
    const auto inside = torch::minimum(physical, 1 - physical).amin(1);
    const auto isInside = ((physical > 0) & (physical < 1)).all(1);
    const auto expected =
        torch::where(isInside, -inside, outside.norm(2, 1)) * sampling.unitBox.scale;
    const auto got = g.latentFeatures.flatten().to(torch::kDouble);
    EXPECT_LT((got - expected).abs().max().item<double>(), 1e-5);
    EXPECT_GT(isInside.sum().item<int64_t>(), 0);
}


TEST(BodySampling, MaskedTargetsDoNotCountInTheLossOrTheNormaliser)
{
    const BodyCase body = boxBody(0, 1, "box");
    const BodySampling sampling = samplingOf(body);
    const auto rows = cellsInsideBox(sampling, body.cellCentres);
    GeometrySample g = sampleBody(body, sampling, grid, rows, true);

    const auto normaliser = fitTargetNormaliser({g});
    // p's statistics come from the 12 faces alone (x of the face centres)
    const auto p = g.targets.slice(0, 0, 12).select(1, 0).to(torch::kDouble);
    EXPECT_NEAR(normaliser.mean()[0].item<double>(), p.mean().item<double>(), 1e-5);

    GINO gino(GINOOptions()
                  .latentResolution({8, 8, 8})
                  .modes({2, 2, 2})
                  .hiddenChannels(4)
                  .nLayers(1)
                  .inRadius(0.2)
                  .outRadius(0.2)
                  .geometryChannels(2)
                  .inKernel({8})
                  .outKernel({8})
                  .embeddingFrequencies(2)
                  .latentChannels(1)
                  .outChannels(4));
    const auto index = torch::tensor({int64_t(0)}, torch::kLong);
    const double before = geometryLoss(*gino, {g}, index, torch::kCPU).item<double>();
    // What the mask hides changes nothing
    GeometrySample changed = g;
    changed.targets = g.targets + 1000 * (~g.targetMask).to(torch::kFloat);
    EXPECT_DOUBLE_EQ(geometryLoss(*gino, {changed}, index, torch::kCPU).item<double>(), before);
    // What it shows does
    GeometrySample shown = g;
    shown.targets = g.targets + 1000 * g.targetMask.to(torch::kFloat);
    EXPECT_NE(geometryLoss(*gino, {shown}, index, torch::kCPU).item<double>(), before);
}


TEST(BodySampling, RecordRoundTripsAndRefusesOthers)
{
    const BodySampling s = samplingOf(boxBody(0, 1, "box"));
    const auto json = s.toJson();
    EXPECT_TRUE(BodySampling::describes(json));
    const BodySampling back = BodySampling::fromJson(json, "model");
    EXPECT_EQ(back.channelNames(), s.channelNames());
    EXPECT_EQ(
        s.channelNames(),
        (std::vector<std::string>{"surface/p", "volume/U.x", "volume/U.y", "volume/U.z"})
    );
    auto other = json;
    other["volumeFields"]["components"] = {12};
    EXPECT_HAS(errorOf([&] { BodySampling::fromJson(other, "model"); }), "model: ");
    other = json;
    other.erase("signedDistance");
    EXPECT_HAS(errorOf([&] { BodySampling::fromJson(other, "model"); }), "model: ");
}


TEST(BodySampling, BadBodiesNameTheCaseAndEntry)
{
    const BodyCase good = boxBody(0, 1, "cases/train_0");
    const BodySampling sampling = samplingOf(good);
    const auto rows = cellsInsideBox(sampling, good.cellCentres);

    BodyCase noFaces = good;
    noFaces.faceCentres.clear();
    EXPECT_HAS(
        errorOf([&] { sampleBody(noFaces, sampling, grid, rows, true); }), "'cases/train_0'"
    );
    EXPECT_HAS(errorOf([&] { sampleBody(noFaces, sampling, grid, rows, true); }), "'patches'");

    BodyCase nan = good;
    nan.volumeValues[5] = std::nanf("");
    EXPECT_HAS(errorOf([&] { sampleBody(nan, sampling, grid, rows, true); }), "'volumeFields'");

    BodyCase short_ = good;
    short_.surfaceValues.pop_back();
    EXPECT_HAS(errorOf([&] { sampleBody(short_, sampling, grid, rows, true); }), "'surfaceFields'");

    const LatentGridSpec far{{8, 8, 8}, 0.2, 0.01};
    EXPECT_HAS(errorOf([&] { sampleBody(good, sampling, far, rows, true); }), "'outRadius'");
}


TEST(BodySampling, GinoTrainedOnBodiesPredictsABodyItWasNotTrainedOn)
{
    TrainingJob job;
    job.model = "GINO";
    job.bodies.train = {boxBody(0, 1, "a"), boxBody(0.1, 0.9, "b"), boxBody(-0.1, 1.0, "c")};
    job.bodies.test = {boxBody(0.05, 0.95, "held-out")};
    job.bodies.surfaceFields = {{"p"}, {1}};
    job.bodies.volumeFields = {{"U"}, {3}};
    job.bodies.volumeQueries = 30;
    job.gino.latentResolution({8, 8, 8})
        .modes({2, 2, 2})
        .hiddenChannels(4)
        .nLayers(1)
        .inRadius(0.2)
        .outRadius(0.2)
        .geometryChannels(2)
        .inKernel({8})
        .outKernel({8})
        .embeddingFrequencies(2);
    job.training.epochs(3).batchSize(2).threads(1).loss(LossKind::l2);
    const auto dir = std::filesystem::temp_directory_path() / "nopBodySampling";
    std::filesystem::remove_all(dir);
    job.modelFile = (dir / "bodies.nop").string();
    std::vector<std::string> lines;
    const auto report =
        nlohmann::json::parse(runTrainingJob(job, [&](const std::string& l) { lines.push_back(l); })
        );
    EXPECT_EQ(report.at("data").at("type"), "cases");
    EXPECT_TRUE(report.at("testErrors").at("test").at("full").at("fields").contains("volume/U.x"));
    // Every volume query of a training case was drawn from inside the box
    bool described = false;
    for (const auto& l : lines)
    {
        described = described || l.find("train a: 12 wall faces, 30 of") != std::string::npos;
    }
    EXPECT_TRUE(described);

    const SurrogatePredictor predictor(job.modelFile, "cpu", 1);
    ASSERT_TRUE(predictor.onBodies());
    EXPECT_EQ(predictor.kind(), "GINO");
    BodyCase body = boxBody(0.2, 0.8, "new");
    body.surfaceValues.clear();
    body.volumeValues.clear();
    const auto rows = predictor.cellsInsideBox(body.cellCentres);
    const auto y = predictor.predictBody(body, rows, "mixed");
    EXPECT_EQ(y.surface.size(), size_t(12));
    EXPECT_EQ(y.volume.size(), rows.size() * 3);
    for (const float v : y.volume)
    {
        ASSERT_TRUE(std::isfinite(v));
    }
    EXPECT_EQ(y.outsideBox, 0);
    EXPECT_HAS(errorOf([&] { predictor.predict({1.f}, {1}); }), "predicts on geometries");
    std::filesystem::remove_all(dir);
}
