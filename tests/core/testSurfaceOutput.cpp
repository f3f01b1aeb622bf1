// What is computed from and written for a body surface: .vtp files for
// ParaView (SurfaceWriter) and integrated force coefficients
// (ForceCoefficients), on analytic closed surfaces and on AhmedML.

#include "TestSupport.hpp"

#include "nop/surface/ForceCoefficients.hpp"
#include "nop/surface/Surface.hpp"
#include "nop/surface/SurfaceReaders.hpp"
#include "nop/surface/SurfaceWriter.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <regex>
#include <sstream>

using namespace nop;
using nop::test::errorOf;
using test::box;

namespace
{

std::string bytesOf(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}


/// The names in `directory`.
std::vector<std::string> entriesOf(const std::filesystem::path& directory)
{
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(directory))
    {
        names.push_back(entry.path().filename().string());
    }
    return names;
}


/// An icosahedron of circumradius about 1.9 centred at `centre`, its 20
/// triangles oriented outward (it is convex around its centre).
Surface icosahedron(std::array<double, 3> centre = {0.4, -1.1, 0.7})
{
    const double phi = (1 + std::sqrt(5.0)) / 2;
    std::vector<std::array<double, 3>> corners;
    for (const double a : {-1.0, 1.0})
    {
        for (const double b : {-phi, phi})
        {
            corners.push_back({0, a, b});
            corners.push_back({a, b, 0});
            corners.push_back({b, 0, a});
        }
    }
    auto points = torch::empty({12, 3}, torch::kDouble);
    for (int64_t i = 0; i < 12; ++i)
    {
        for (int64_t axis = 0; axis < 3; ++axis)
        {
            points[i][axis] = corners[size_t(i)][size_t(axis)];
        }
    }
    // The faces: the triples of corners at the edge length 2 from each other.
    const auto edge = [&](int64_t i, int64_t j)
    { return std::abs((points[i] - points[j]).norm().item<double>() - 2) < 1e-9; };
    std::vector<int64_t> ids;
    for (int64_t i = 0; i < 12; ++i)
    {
        for (int64_t j = i + 1; j < 12; ++j)
        {
            for (int64_t k = j + 1; k < 12; ++k)
            {
                if (edge(i, j) && edge(j, k) && edge(i, k))
                {
                    const auto normal = torch::cross(points[j] - points[i], points[k] - points[i]);
                    const bool outward = normal.dot(points[i]).item<double>() > 0;
                    ids.insert(ids.end(), {i, outward ? j : k, outward ? k : j});
                }
            }
        }
    }
    EXPECT_EQ(ids.size(), 60u);
    const auto shift = torch::tensor({centre[0], centre[1], centre[2]}, torch::kDouble);
    return makeSurface(points + shift, torch::tensor(ids).reshape({-1, 3}), "icosahedron");
}

} // namespace


// ---- .vtp files ------------------------------------------------------------

namespace
{

/// The number attribute `name`="..." of the first element that has it.
int64_t attribute(const std::string& text, const std::string& name)
{
    std::smatch match;
    EXPECT_TRUE(std::regex_search(text, match, std::regex(name + "=\"([0-9]+)\""))) << name;
    return match.empty() ? -1 : std::stoll(match[1]);
}


void expectSameArrays(
    const std::map<std::string, torch::Tensor>& read,
    const std::map<std::string, torch::Tensor>& written
)
{
    ASSERT_EQ(read.size(), written.size());
    for (const auto& [name, values] : written)
    {
        SCOPED_TRACE(name);
        ASSERT_EQ(read.count(name), 1u);
        const auto& back = read.at(name);
        EXPECT_EQ(back.scalar_type(), values.scalar_type());
        EXPECT_EQ(back.sizes(), values.sizes());
        EXPECT_TRUE(torch::equal(back, values)) << back;
    }
}

} // namespace


TEST(SurfaceWriter, VtpRoundTripKeepsPointsTrianglesAndArrays)
{
    const test::TemporaryDirectory dir;
    for (const auto dtype : {torch::kDouble, torch::kFloat})
    {
        SCOPED_TRACE(dtype == torch::kDouble ? "float64 points" : "float32 points");
        auto s = icosahedron();
        s = makeSurface(s.points.to(dtype), s.triangles, "icosahedron");
        const int64_t n = s.numPoints();
        const int64_t t = s.numTriangles();
        s.pointArrays["pMean"] = torch::randn({n}, torch::kDouble);
        s.pointArrays["wallShearStressMean"] = torch::randn({n, 3}, torch::kFloat);
        s.pointArrays["prediction"] = torch::randn({n, 2}, torch::kDouble);
        s.cellArrays["pMean"] = torch::randn({t}, torch::kFloat);
        s.cellArrays["patch"] = torch::arange(t, torch::kLong);
        s.cellArrays["gradient"] = torch::randn({t, 3}, torch::kDouble);

        const auto path = dir.file("surface.vtp");
        writeSurfaceVtp(path, s);
        EXPECT_EQ(entriesOf(dir.path), std::vector<std::string>{"surface.vtp"});
        const auto back = readSurface(path);
        EXPECT_EQ(back.numPoints(), n);
        EXPECT_EQ(back.numTriangles(), t);
        EXPECT_EQ(back.points.scalar_type(), dtype);
        EXPECT_TRUE(torch::equal(back.points, s.points));
        EXPECT_TRUE(torch::equal(back.triangles, s.triangles));
        expectSameArrays(back.pointArrays, s.pointArrays);
        expectSameArrays(back.cellArrays, s.cellArrays);
        const auto text = bytesOf(path);
        EXPECT_HAS(text, "compressor=\"vtkZLibDataCompressor\"");
        EXPECT_HAS(text, "format=\"binary\"");
    }
}


TEST(SurfaceWriter, ReplacesAnExistingFile)
{
    const test::TemporaryDirectory dir;
    const auto path = dir.file("surface.vtp");
    writeSurfaceVtp(path, icosahedron());
    writeSurfaceVtp(path, box());
    EXPECT_EQ(readSurface(path).numTriangles(), 12);
    EXPECT_EQ(entriesOf(dir.path), std::vector<std::string>{"surface.vtp"});
}


TEST(SurfaceWriter, PointCloudIsWrittenAsVertices)
{
    const test::TemporaryDirectory dir;
    auto cloud = makeSurface(
        torch::rand({7, 3}, torch::kDouble), torch::zeros({0, 3}, torch::kLong), "cloud"
    );
    cloud.pointArrays["p"] = torch::randn({7}, torch::kDouble);
    const auto path = dir.file("cloud.vtp");
    writeSurfaceVtp(path, cloud);
    const auto text = bytesOf(path);
    EXPECT_EQ(attribute(text, "NumberOfPoints"), 7);
    EXPECT_EQ(attribute(text, "NumberOfVerts"), 7);
    EXPECT_EQ(attribute(text, "NumberOfPolys"), 0);
    EXPECT_HAS(text, "Name=\"p\"");
    // readSurface drops vertices: nothing left to read as a surface.
    EXPECT_HAS(errorOf([&] { readSurface(path); }), "no polygons; 7 points");
}


TEST(SurfaceWriter, FailuresNameThePathAndLeaveNothing)
{
    const test::TemporaryDirectory dir;
    const auto path = dir.file("missing/surface.vtp");
    const auto e = errorOf([&] { writeSurfaceVtp(path, box()); });
    EXPECT_HAS(e, "cannot write surface file '" + path + "'");
    EXPECT_TRUE(entriesOf(dir.path).empty());

    // Written, then the rename over a directory fails: the temporary goes.
    const auto directory = dir.file("taken.vtp");
    std::filesystem::create_directory(directory);
    EXPECT_HAS(errorOf([&] { writeSurfaceVtp(directory, box()); }), "renaming '" + directory);
    EXPECT_EQ(entriesOf(dir.path), std::vector<std::string>{"taken.vtp"});
    std::filesystem::remove(directory);

    auto s = box();
    s.cellArrays["complex"] = torch::zeros({12}, torch::kComplexFloat);
    const auto target = dir.file("surface.vtp");
    EXPECT_HAS(
        errorOf([&] { writeSurfaceVtp(target, s); }),
        "surface 'box': cell array 'complex' has dtype ComplexFloat"
    );
    s.cellArrays.erase("complex");
    s.pointArrays["short"] = torch::zeros({3});
    EXPECT_HAS(errorOf([&] { writeSurfaceVtp(target, s); }), "point array 'short' has shape [3]");
    EXPECT_TRUE(entriesOf(dir.path).empty());
}


// ---- force coefficients: analytic -----------------------------------------

namespace
{

/// `surface` with every triangle's orientation reversed.
Surface flipped(const Surface& surface)
{
    auto result = makeSurface(
        surface.points, surface.triangles.index_select(1, torch::tensor({0, 2, 1})),
        surface.source + " flipped"
    );
    result.pointArrays = surface.pointArrays;
    result.cellArrays = surface.cellArrays;
    return result;
}


/// Enclosed volume of a closed, outward-oriented surface.
double volumeOf(const Surface& s)
{
    const auto& t = s.triangles;
    const auto a = s.points.index_select(0, t.select(1, 0));
    const auto b = s.points.index_select(0, t.select(1, 1));
    const auto c = s.points.index_select(0, t.select(1, 2));
    return (a * torch::cross(b, c, 1)).sum().item<double>() / 6;
}


/// The linear field g.x + 1 at `at` (rows, 3).
torch::Tensor linear(const torch::Tensor& at, const std::array<double, 3>& g)
{
    return at.matmul(torch::tensor({g[0], g[1], g[2]}, torch::kDouble)) + 1;
}


/// Triangle centroids (t, 3).
torch::Tensor centroids(const Surface& s)
{
    const auto& t = s.triangles;
    return (s.points.index_select(0, t.select(1, 0)) + s.points.index_select(0, t.select(1, 1))
            + s.points.index_select(0, t.select(1, 2)))
           / 3;
}


const ForceReference unitReference{1.0, 1.0};

} // namespace


TEST(SurfaceForces, UniformPressureOnAClosedSurfaceGivesNoForce)
{
    for (const auto& s : {box(), icosahedron()})
    {
        SCOPED_TRACE(s.source);
        const auto p = torch::full({s.numPoints()}, 3.7, torch::kDouble);
        const auto f = forceCoefficients(s, p, {}, unitReference);
        for (size_t i = 0; i < 3; ++i)
        {
            EXPECT_NEAR(f.pressureForce[i], 0, 1e-13);
            EXPECT_EQ(f.shearForce[i], 0);
        }
        EXPECT_NEAR(f.cd, 0, 1e-13);
        EXPECT_NEAR(f.cl, 0, 1e-13);
    }
}


// Divergence theorem: the integral of -p n over a closed surface is minus
// the integral of grad p over the volume, -V g for p = g.x + 1; exact on a
// polyhedron for a linear p (the mean of the corners is the mean over a
// triangle).
TEST(SurfaceForces, LinearPressureGivesMinusVolumeTimesGradient)
{
    const std::array<double, 3> g{2.0, -0.5, 3.0};
    for (const auto& s : {box(), icosahedron()})
    {
        const double volume = volumeOf(s);
        ASSERT_GT(volume, 0);
        for (const bool onPoints : {true, false})
        {
            SCOPED_TRACE(s.source + (onPoints ? " on points" : " on triangles"));
            const auto p = linear(onPoints ? s.points : centroids(s), g);
            const auto f = forceCoefficients(s, p, {}, unitReference);
            for (size_t i = 0; i < 3; ++i)
            {
                EXPECT_NEAR(f.pressureForce[i], -volume * g[i], 1e-12 * volume);
            }
            // q = 0.5 rho U^2 A = 0.5
            EXPECT_NEAR(f.cd, -2 * volume * g[0], 1e-12 * volume);
            EXPECT_NEAR(f.cl, -2 * volume * g[2], 1e-12 * volume);
            EXPECT_DOUBLE_EQ(f.cd, f.cdPressure);
            EXPECT_EQ(f.cdShear, 0);
        }
    }
}


TEST(SurfaceForces, ReversedTrianglesGiveTheSameForce)
{
    const std::array<double, 3> g{1.0, 0.0, 0.0};
    for (const auto& s : {box(), icosahedron()})
    {
        SCOPED_TRACE(s.source);
        const auto inward = flipped(s);
        ASSERT_LT(volumeOf(inward), 0);
        const auto p = linear(s.points, g);
        const auto outwardForce = forceCoefficients(s, p, {}, unitReference);
        const auto inwardForce = forceCoefficients(inward, p, {}, unitReference);
        EXPECT_NEAR(inwardForce.pressureForce[0], -volumeOf(s), 1e-12);
        for (size_t i = 0; i < 3; ++i)
        {
            EXPECT_NEAR(inwardForce.pressureForce[i], outwardForce.pressureForce[i], 1e-12);
        }
    }
}


TEST(SurfaceForces, UniformShearGivesTheAreaAlongIt)
{
    const auto s = box();
    const double area = s.triangleAreas.sum().item<double>(); // 2 (3 + 1 + 0.75)
    ASSERT_NEAR(area, 9.5, 1e-12);
    const auto tau = torch::tensor({1.0, 0.0, 0.0}, torch::kDouble).expand({s.numPoints(), 3});
    const auto p = torch::zeros({s.numTriangles()}, torch::kDouble);
    const ForceReference reference{2.0, 3.0, 1.5, {5, 0, 0}, {0, 0, 0.5}};
    const auto f = forceCoefficients(s, p, tau, reference);
    EXPECT_NEAR(f.shearForce[0], area, 1e-12);
    EXPECT_NEAR(f.shearForce[1], 0, 1e-12);
    EXPECT_NEAR(f.shearForce[2], 0, 1e-12);
    const double q = 0.5 * 1.5 * 2.0 * 2.0 * 3.0; // directions normalised
    EXPECT_NEAR(f.cdShear, area / q, 1e-12);
    EXPECT_NEAR(f.cd, area / q, 1e-12);
    EXPECT_NEAR(f.cl, 0, 1e-12);
    // The same on the triangles, and by name.
    auto named = s;
    named.cellArrays["tau"] = tau.slice(0, 0, 1).expand({s.numTriangles(), 3}).contiguous();
    named.pointArrays["p"] = torch::zeros({s.numPoints()}, torch::kDouble);
    EXPECT_NEAR(forceCoefficients(named, "p", "tau", reference).cd, area / q, 1e-12);
    EXPECT_NEAR(forceCoefficients(named, "p", "tau", reference, -1).cd, -area / q, 1e-12);
    EXPECT_EQ(forceCoefficients(named, "p", "", reference).cd, 0);
}


TEST(SurfaceForces, ProjectedAreaIsTheFrontalArea)
{
    const auto s = box();
    EXPECT_NEAR(projectedArea(s, {1, 0, 0}), 1.5 * 0.5, 1e-12);
    EXPECT_NEAR(projectedArea(s, {0, 0, -3}), 2.0 * 1.5, 1e-12);
    EXPECT_HAS(errorOf([&] { projectedArea(s, {0, 0, 0}); }), "direction");
}


TEST(SurfaceForces, ErrorsNameTheSurfaceAndTheEntry)
{
    const auto s = box();
    const auto p = torch::zeros({s.numPoints()}, torch::kDouble);
    const auto run = [&](const torch::Tensor& pressure, const torch::Tensor& shear,
                         const ForceReference& reference)
    { return errorOf([&] { forceCoefficients(s, pressure, shear, reference); }); };

    auto e = run(torch::zeros({5}), {}, unitReference);
    EXPECT_HAS(e, "surface 'box': pressure has shape [5], expected (8) on the points or (12)");
    e = run(p, torch::zeros({8}), unitReference);
    EXPECT_HAS(e, "shear has shape [8], expected (8, 3) on the points or (12, 3)");
    EXPECT_HAS(run({}, {}, unitReference), "pressure has shape undefined");
    auto bad = p.clone();
    bad[6] = std::nan("");
    EXPECT_HAS(
        run(bad, {}, unitReference), "pressure has a non-finite value (NaN or Inf) in row 6"
    );
    auto badShear = torch::zeros({12, 3}, torch::kFloat);
    badShear[4][2] = INFINITY;
    EXPECT_HAS(
        run(p, badShear, unitReference), "shear has a non-finite value (NaN or Inf) in row 4"
    );

    EXPECT_HAS(run(p, {}, {0.0, 1.0}), "surface 'box': referenceVelocity is 0");
    EXPECT_HAS(run(p, {}, {1.0, -2.0}), "surface 'box': referenceArea is -2");
    EXPECT_HAS(run(p, {}, {1.0, NAN}), "referenceArea is nan");
    EXPECT_HAS(run(p, {}, {1.0, 1.0, 0.0}), "referenceDensity is 0");
    EXPECT_HAS(run(p, {}, {1.0, 1.0, 1.0, {0, 0, 0}}), "dragDirection is (0, 0, 0)");
    EXPECT_HAS(run(p, {}, {1.0, 1.0, 1.0, {1, 0, 0}, {-2, 0, 0}}), "are parallel");
    EXPECT_THROW(forceCoefficients(s, p, {}, {0.0, 1.0}), std::invalid_argument);

    const auto named = [&](const std::string& pressure, const std::string& shear)
    { return errorOf([&] { forceCoefficients(s, pressure, shear, unitReference); }); };
    EXPECT_HAS(
        named("pMean", ""),
        "surface 'box': no point or cell array 'pMean' for the pressure (point arrays: none; "
    );
}


TEST(SurfaceForces, RefusesWhatHasNoOutwardSide)
{
    // A flat square: no enclosed volume.
    const auto sheet = makeSurface(
        torch::tensor({0., 0., 0.5, 1., 0., 0.5, 1., 1., 0.5, 0., 1., 0.5}, torch::kDouble)
            .reshape({4, 3}),
        torch::tensor({0, 1, 2, 0, 2, 3}, torch::kLong).reshape({2, 3}), "sheet"
    );
    const auto e = errorOf(
        [&] { forceCoefficients(sheet, torch::zeros({2}, torch::kDouble), {}, unitReference); }
    );
    EXPECT_HAS(e, "surface 'sheet': encloses a volume of 0");
    EXPECT_HAS(e, "outward side of its triangles cannot be told");

    const auto cloud =
        makeSurface(torch::rand({5, 3}), torch::zeros({0, 3}, torch::kLong), "cloud");
    EXPECT_HAS(
        errorOf([&] { forceCoefficients(cloud, torch::zeros({5}), {}, unitReference); }),
        "surface 'cloud': a force integration needs triangles"
    );

    // A tetrahedron: 4 points, 4 triangles; by name it is told.
    auto tetrahedron = makeSurface(
        torch::tensor({0., 0., 0., 1., 0., 0., 0., 1., 0., 0., 0., 1.}, torch::kDouble)
            .reshape({4, 3}),
        torch::tensor({0, 2, 1, 0, 1, 3, 0, 3, 2, 1, 2, 3}, torch::kLong).reshape({4, 3}), "tet"
    );
    EXPECT_HAS(
        errorOf([&] { forceCoefficients(tetrahedron, torch::zeros({4}), {}, unitReference); }),
        "pressure has 4 rows, as many as the points and the triangles"
    );
    tetrahedron.pointArrays["p"] = tetrahedron.points.select(1, 0).clone();
    EXPECT_NEAR(
        forceCoefficients(tetrahedron, "p", "", unitReference).pressureForce[0], -1.0 / 6, 1e-15
    );
}


// ---- force coefficients: AhmedML ------------------------------------------
//
// force_mom.csv (the dataset's Cd and Cl) against the integral of the true
// surface arrays pMean and wallShearStressMean of boundary_N_mapped.vtp,
// runs 1-4. Found (and measured) here:
// - velocity 1 m/s and density 1: pMean is kinematic, and
//   static(p)_coeffMean = pMean / (0.5 U^2) with U = 1 (to 6e-8).
// - the shear sign: OpenFOAM's wallShearStressMean is minus the stress on
//   the body (shearSign -1). With it the reference areas 2 F_x / cd that
//   reproduce each run's Cd agree within 7.5 % (max / min), against 12.5 %
//   for the pressure alone and 21 % with the stored sign.
// - the reference area is one constant, not each body's frontal area: with
//   the frontal area (projected; width * height of geo_parameters_all.csv
//   within 0.3 %) Cd is off by -9 % to +29 %. The constant fitted to these
//   runs (least squares in Cd) is 0.1246 m^2; the nominal Ahmed body's
//   0.389 m * 0.288 m = 0.1120 m^2 gives +7 % to +15 %.
// - with 0.1246 m^2 Cd is within 4 % (measured -3.4, +2.9, +3.8, -2.0 %).
//   Cl only has the sign right (off by -0.007, -0.034, -0.029, +0.088): lift
//   is a small difference of large top and bottom integrals, which the
//   coarse mapped surface (4462-6736 points) does not resolve.

namespace
{

constexpr double ahmedVelocity = 1.0;
constexpr double ahmedReferenceArea = 0.1246;

struct AhmedRun
{
    Surface surface;
    double cd;
    double cl;
    /// width * height (m^2) from geo_parameters_all.csv.
    double frontalArea;
};


/// The csv rows "run, a, b, ..." by run: the first `count` numbers after it.
std::map<int, std::vector<double>> csvRows(const std::string& path, size_t count)
{
    std::map<int, std::vector<double>> rows;
    std::ifstream in(path);
    std::string line;
    std::getline(in, line); // header
    while (std::getline(in, line))
    {
        std::istringstream fields(line);
        std::string field;
        std::getline(fields, field, ',');
        auto& values = rows[std::stoi(field)];
        while (values.size() < count && std::getline(fields, field, ','))
        {
            values.push_back(std::stod(field));
        }
    }
    return rows;
}


/// AhmedML runs 1-4, or none when the shared data is absent.
std::vector<AhmedRun> ahmedRuns()
{
    const auto forces = test::sharedFile("ahmedml/force_mom.csv");
    const auto geometry = test::sharedFile("ahmedml/geo_parameters_all.csv");
    if (forces.empty() || geometry.empty())
    {
        return {};
    }
    const auto coefficients = csvRows(forces, 2);
    const auto parameters = csvRows(geometry, 3); // length, height, width (mm)
    std::vector<AhmedRun> runs;
    for (int run = 1; run <= 4; ++run)
    {
        const auto path =
            test::sharedFile("ahmedml/boundary_" + std::to_string(run) + "_mapped.vtp");
        if (path.empty())
        {
            return {};
        }
        const auto& c = coefficients.at(run);
        const auto& g = parameters.at(run);
        runs.push_back({readSurface(path), c.at(0), c.at(1), g.at(1) * g.at(2) * 1e-6});
    }
    return runs;
}


ForceCoefficients ahmedForces(const Surface& s, double shearSign, double area)
{
    const std::string shear = shearSign == 0 ? "" : "wallShearStressMean";
    return forceCoefficients(s, "pMean", shear, {ahmedVelocity, area}, shearSign);
}


/// max / min of the reference areas 2 F_x / (U^2 cd) that give each run's
/// Cd with the shear stress times `shearSign`.
double impliedAreaSpread(const std::vector<AhmedRun>& runs, double shearSign)
{
    std::vector<double> areas;
    for (const auto& run : runs)
    {
        // With U = A = 1, cd = 2 F_x: the area is 2 F_x / run.cd = cd / run.cd.
        areas.push_back(ahmedForces(run.surface, shearSign, 1.0).cd / run.cd);
    }
    return *std::max_element(areas.begin(), areas.end())
           / *std::min_element(areas.begin(), areas.end());
}

} // namespace


TEST(SurfaceForces, AhmedMLDragFromTheTrueSurfaceArrays)
{
    const auto runs = ahmedRuns();
    if (runs.empty())
    {
        GTEST_SKIP() << "shared data absent: " << test::sharedData() << "/ahmedml";
    }
    for (size_t i = 0; i < runs.size(); ++i)
    {
        SCOPED_TRACE("run " + std::to_string(i + 1));
        const auto& run = runs[i];
        const auto f = ahmedForces(run.surface, -1, ahmedReferenceArea);
        EXPECT_NEAR(f.cd, run.cd, 0.05 * run.cd);
        EXPECT_GT(f.cl * run.cl, 0) << f.cl << " against " << run.cl;
        EXPECT_NEAR(f.cl, run.cl, 0.1);
        EXPECT_GT(f.cdShear, 0); // friction drags
    }
}


TEST(SurfaceForces, AhmedMLConventions)
{
    const auto runs = ahmedRuns();
    if (runs.empty())
    {
        GTEST_SKIP() << "shared data absent: " << test::sharedData() << "/ahmedml";
    }
    for (const auto& run : runs)
    {
        const auto& s = run.surface;
        SCOPED_TRACE(s.source);
        // U = 1: Cp = p / (0.5 U^2).
        const auto p = pointArray(s, "pMean").to(torch::kDouble);
        const auto cp = pointArray(s, "static(p)_coeffMean").to(torch::kDouble);
        EXPECT_LT((cp - 2 * p / (ahmedVelocity * ahmedVelocity)).abs().max().item<double>(), 1e-6);
        EXPECT_NEAR(projectedArea(s, {1, 0, 0}), run.frontalArea, 0.01 * run.frontalArea);
    }
    // OpenFOAM's sign of the wall shear stress fits best.
    const double flipped = impliedAreaSpread(runs, -1);
    EXPECT_LT(flipped, 1.09);
    EXPECT_LT(flipped, impliedAreaSpread(runs, 0));
    EXPECT_LT(impliedAreaSpread(runs, 0), impliedAreaSpread(runs, 1));
    // Each body's frontal area as the reference does not reproduce Cd.
    std::vector<double> ratios;
    for (const auto& run : runs)
    {
        ratios.push_back(ahmedForces(run.surface, -1, run.frontalArea).cd / run.cd);
    }
    EXPECT_GT(*std::max_element(ratios.begin(), ratios.end()), 1.2);
    EXPECT_LT(*std::min_element(ratios.begin(), ratios.end()), 0.95);
}
