// Body surfaces: geometry, the readers (VTK formats, ShapeNet cars, .npy,
// neuraloperator's mini_car.pt), the signed distance and the unit box.

#include "TestSupport.hpp"

#include "nop/surface/NeuralOperatorCars.hpp"
#include "nop/surface/Npy.hpp"
#include "nop/surface/ShapeNetCar.hpp"
#include "nop/surface/SignedDistance.hpp"
#include "nop/surface/Surface.hpp"
#include "nop/surface/SurfaceGeometry.hpp"
#include "nop/surface/SurfaceReaders.hpp"
#include "nop/surface/UnitBox.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <functional>
#include <regex>

using namespace nop;
using nop::test::errorOf;

namespace
{

void writeBytes(const std::string& path, const std::string& bytes)
{
    std::ofstream(path, std::ios::binary | std::ios::trunc)
        .write(bytes.data(), std::streamsize(bytes.size()));
}


std::string bytesOf(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}


template<class T> std::string rawBytes(const std::vector<T>& values)
{
    return std::string(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(T));
}


/// A .npy file: magic, version, the header padded as numpy pads it, data.
std::string npyOf(const std::string& dict, const std::string& data, int major = 1)
{
    const size_t lengthSize = major == 1 ? 2 : 4;
    std::string header = dict;
    while ((6 + 2 + lengthSize + header.size() + 1) % 64 != 0)
    {
        header += ' ';
    }
    header += '\n';
    std::string bytes = "\x93NUMPY";
    bytes += char(major);
    bytes += char(0);
    for (size_t i = 0; i < lengthSize; ++i)
    {
        bytes += char((header.size() >> (8 * i)) & 0xff);
    }
    return bytes + header + data;
}


/// The right tetrahedron (0,0,0), (1,0,0), (0,1,0), (0,0,1), triangles
/// counter-clockwise seen from outside.
Surface tetrahedron()
{
    const auto points =
        torch::tensor({0., 0., 0., 1., 0., 0., 0., 1., 0., 0., 0., 1.}, torch::kDouble)
            .reshape({4, 3});
    const auto triangles =
        torch::tensor({0, 2, 1, 0, 1, 3, 0, 3, 2, 1, 2, 3}, torch::kLong).reshape({4, 3});
    return makeSurface(points, triangles, "tetrahedron");
}


/// A UV sphere of radius 1: poles and `rings` - 1 rings of `segments`
/// points, triangles counter-clockwise seen from outside.
std::pair<torch::Tensor, torch::Tensor> uvSphere(int64_t segments, int64_t rings)
{
    std::vector<double> points{0, 0, 1};
    for (int64_t j = 1; j < rings; ++j)
    {
        const double phi = M_PI * double(j) / double(rings);
        for (int64_t i = 0; i < segments; ++i)
        {
            const double theta = 2 * M_PI * double(i) / double(segments);
            points.insert(
                points.end(),
                {std::sin(phi) * std::cos(theta), std::sin(phi) * std::sin(theta), std::cos(phi)}
            );
        }
    }
    points.insert(points.end(), {0, 0, -1});
    const int64_t south = int64_t(points.size() / 3) - 1;
    const auto ring = [&](int64_t j, int64_t i) { return 1 + (j - 1) * segments + i % segments; };
    std::vector<int64_t> triangles;
    for (int64_t i = 0; i < segments; ++i)
    {
        triangles.insert(triangles.end(), {0, ring(1, i), ring(1, i + 1)});
        for (int64_t j = 1; j + 1 < rings; ++j)
        {
            const int64_t a0 = ring(j, i), a1 = ring(j, i + 1);
            const int64_t b0 = ring(j + 1, i), b1 = ring(j + 1, i + 1);
            triangles.insert(triangles.end(), {a0, b0, b1, a0, b1, a1});
        }
        triangles.insert(triangles.end(), {south, ring(rings - 1, i + 1), ring(rings - 1, i)});
    }
    return {
        torch::tensor(points, torch::kDouble).reshape({-1, 3}),
        torch::tensor(triangles, torch::kLong).reshape({-1, 3})};
}


/// Binary STL of `triangles` over `points`.
std::string stlOf(const torch::Tensor& points, const torch::Tensor& triangles)
{
    std::string bytes(80, ' ');
    const auto count = uint32_t(triangles.size(0));
    bytes += rawBytes(std::vector<uint32_t>{count});
    const auto p = points.to(torch::kFloat);
    for (int64_t t = 0; t < triangles.size(0); ++t)
    {
        std::vector<float> values(12, 0.0f); // the normal (zero: readers recompute), corners
        for (int64_t corner = 0; corner < 3; ++corner)
        {
            const auto point = p[triangles[t][corner].item<int64_t>()];
            for (int64_t k = 0; k < 3; ++k)
            {
                values[size_t(3 + 3 * corner + k)] = point[k].item<float>();
            }
        }
        bytes += rawBytes(values) + std::string(2, '\0');
    }
    return bytes;
}


/// A legacy ASCII .vtk POLYDATA file of `points` (x y z ...) and the
/// polygon lines ("3 0 1 2"), then `rest` (data sections) verbatim.
std::string legacyVtkOf(
    const std::string& points,
    const std::vector<std::string>& polygons,
    const std::string& rest = ""
)
{
    std::istringstream in(points);
    int count = 0;
    for (double x; in >> x;)
    {
        ++count;
    }
    size_t size = 0;
    std::string lines;
    for (const auto& polygon : polygons)
    {
        std::istringstream numbers(polygon);
        for (int v; numbers >> v;)
        {
            ++size;
        }
        lines += polygon + "\n";
    }
    std::string text = "# vtk DataFile Version 3.0\ntest\nASCII\nDATASET POLYDATA\nPOINTS "
                       + std::to_string(count / 3) + " double\n" + points + "\n";
    if (!polygons.empty())
    {
        text += "POLYGONS " + std::to_string(polygons.size()) + " " + std::to_string(size) + "\n"
                + lines;
    }
    return text + rest;
}


/// The integer attribute `name`="..." first found after `after` in `text`.
int64_t attribute(const std::string& text, const std::string& name, const std::string& after = "")
{
    const auto from = text.find(after);
    std::smatch match;
    const std::string tail = text.substr(from == std::string::npos ? 0 : from, 4096);
    EXPECT_TRUE(std::regex_search(tail, match, std::regex(name + "=\"([-0-9.eE+]+)\""))) << name;
    return std::stoll(match[1]);
}


/// The number attribute `name`="..." of the data array `array` of a .vtp file.
double arrayAttribute(const std::string& text, const std::string& array, const std::string& name)
{
    const auto at = text.find("Name=\"" + array + "\"");
    std::smatch match;
    const std::string tail = text.substr(at, 512);
    EXPECT_TRUE(std::regex_search(tail, match, std::regex(name + "=\"([-0-9.eE+]+)\""))) << name;
    return std::stod(match[1]);
}

/// body-length, body-height, body-width (mm) of AhmedML run `run`.
std::array<double, 3> geometryParameters(int run)
{
    std::ifstream in(test::sharedFile("ahmedml/geo_parameters_all.csv"));
    std::string line;
    std::getline(in, line); // run,body-length,body-height,body-width,...
    while (std::getline(in, line))
    {
        std::istringstream fields(line);
        std::string field;
        std::getline(fields, field, ',');
        if (std::stoi(field) == run)
        {
            std::array<double, 3> values{};
            for (auto& value : values)
            {
                std::getline(fields, field, ',');
                value = std::stod(field);
            }
            return values;
        }
    }
    ADD_FAILURE() << "no run " << run << " in geo_parameters_all.csv";
    return {};
}

} // namespace


// ---- geometry -----------------------------------------------------------

TEST(Surface, TetrahedronNormalsAreasAndBounds)
{
    const auto s = tetrahedron();
    const double r3 = std::sqrt(3.0);
    const auto expectedNormals =
        torch::tensor(
            {0., 0., -1., 0., -1., 0., -1., 0., 0., 1 / r3, 1 / r3, 1 / r3}, torch::kDouble
        )
            .reshape({4, 3});
    EXPECT_TRUE(torch::allclose(s.triangleNormals, expectedNormals, 0, 1e-15)) << s.triangleNormals;
    EXPECT_TRUE(torch::allclose(
        s.triangleAreas, torch::tensor({0.5, 0.5, 0.5, r3 / 2}, torch::kDouble), 0, 1e-15
    )) << s.triangleAreas;
    // Area-weighted: at the origin three faces of area 1/2 -> -(1,1,1)/sqrt3;
    // at (1,0,0) the slanted face (area sqrt3/2, normal (1,1,1)/sqrt3)
    // cancels the y and z of the faces y=0 and z=0 -> (1,0,0).
    const auto expectedVertex =
        torch::tensor(
            {-1 / r3, -1 / r3, -1 / r3, 1., 0., 0., 0., 1., 0., 0., 0., 1.}, torch::kDouble
        )
            .reshape({4, 3});
    EXPECT_TRUE(torch::allclose(s.vertexNormals, expectedVertex, 0, 1e-15)) << s.vertexNormals;
    const auto box = bounds(s);
    EXPECT_EQ(box.lower, (std::array<double, 3>{0, 0, 0}));
    EXPECT_EQ(box.upper, (std::array<double, 3>{1, 1, 1}));
    EXPECT_EQ(s.triangleNormals.scalar_type(), torch::kDouble);

    // float32 points keep their dtype; a zero-area triangle has a zero normal.
    const auto flat = triangleGeometry(
        torch::tensor({0.f, 0.f, 0.f, 1.f, 0.f, 0.f, 2.f, 0.f, 0.f}).reshape({3, 3}),
        torch::tensor({0, 1, 2}, torch::kLong).reshape({1, 3})
    );
    EXPECT_EQ(flat.normals.scalar_type(), torch::kFloat);
    EXPECT_TRUE(torch::equal(flat.normals, torch::zeros({1, 3})));
    EXPECT_EQ(flat.areas.item<float>(), 0.0f);
}


TEST(Surface, CheckSurfaceNamesTheSourceAndTheProblem)
{
    auto s = tetrahedron();
    EXPECT_HAS(errorOf([&] { pointArray(s, "pMean"); }), "no point array 'pMean'");

    s.pointArrays["p"] = torch::zeros({4});
    s.pointArrays["U"] = torch::zeros({4, 3});
    s.cellArrays["id"] = torch::zeros({4}, torch::kLong);
    checkSurface(s);
    auto e = errorOf([&] { pointArray(s, "pMean"); });
    EXPECT_HAS(e, "surface 'tetrahedron'");
    EXPECT_HAS(e, "point arrays present: U, p");
    EXPECT_HAS(errorOf([&] { cellArray(s, "p"); }), "cell arrays present: id");
    EXPECT_TRUE(torch::equal(cellArray(s, "id"), s.cellArrays["id"]));

    auto bad = s;
    bad.pointArrays["p"] = torch::zeros({5});
    e = errorOf([&] { checkSurface(bad); });
    EXPECT_HAS(e, "surface 'tetrahedron': point array 'p' has shape [5], expected (4)");

    bad = s;
    bad.cellArrays["id"] = torch::zeros({3, 2});
    EXPECT_HAS(errorOf([&] { checkSurface(bad); }), "cell array 'id' has shape [3, 2]");

    bad = s;
    bad.points = s.points.clone();
    bad.points[2][1] = NAN;
    EXPECT_HAS(
        errorOf([&] { checkSurface(bad); }), "non-finite coordinates (NaN or Inf) at point 2"
    );

    e = errorOf([&] { makeSurface(s.points, torch::tensor({0, 1, 4}).reshape({1, 3}), "cloud"); });
    EXPECT_HAS(e, "surface 'cloud': triangle 0 refers to a point outside [0, 4)");

    e = errorOf(
        [&] {
            makeSurface(torch::zeros({0, 3}), torch::zeros({0, 3}, torch::kLong), "x");
        }
    );
    EXPECT_HAS(e, "surface 'x': empty surface (no points)");

    bad = s;
    bad.vertexNormals = s.vertexNormals.to(torch::kFloat);
    EXPECT_HAS(errorOf([&] { checkSurface(bad); }), "vertexNormals has dtype Float");
}


// ---- .npy ---------------------------------------------------------------

TEST(Npy, DecodesEveryDtypeBothVersionsAndShapes)
{
    const std::vector<double> f8{1.5, -2.25, 3e300, 0.0, -0.0, 7.0};
    auto t = decodeNpy(
        npyOf("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", rawBytes(f8)), "a"
    );
    EXPECT_EQ(t.scalar_type(), torch::kDouble);
    EXPECT_EQ(t.sizes(), (std::vector<int64_t>{2, 3}));
    EXPECT_TRUE(torch::equal(t, torch::tensor(f8, torch::kDouble).reshape({2, 3})));

    const std::vector<float> f4{0.5f, 1.25f, -8.0f};
    t = decodeNpy(
        npyOf("{\"shape\": (3,), \"fortran_order\": False, \"descr\": \"<f4\"}", rawBytes(f4), 2),
        "b"
    );
    EXPECT_EQ(t.scalar_type(), torch::kFloat);
    EXPECT_TRUE(torch::equal(t, torch::tensor(f4)));

    const std::vector<int64_t> i8{int64_t(1) << 62, -3};
    t = decodeNpy(
        npyOf("{'descr': '<i8', 'fortran_order': False, 'shape': (2,)}", rawBytes(i8)), "c"
    );
    EXPECT_EQ(t.scalar_type(), torch::kLong);
    EXPECT_TRUE(torch::equal(t, torch::tensor(i8)));

    // A scalar and an empty array.
    t = decodeNpy(
        npyOf("{'descr': '<f8', 'fortran_order': False, 'shape': ()}", rawBytes(f8).substr(0, 8)),
        "d"
    );
    EXPECT_EQ(t.dim(), 0);
    EXPECT_EQ(t.item<double>(), 1.5);
    t = decodeNpy(npyOf("{'descr': '<f8', 'fortran_order': False, 'shape': (4, 0)}", ""), "e");
    EXPECT_EQ(t.sizes(), (std::vector<int64_t>{4, 0}));
}


TEST(Npy, RefusesWhatItDoesNotRead)
{
    const std::vector<double> values{1, 2, 3};
    const auto data = rawBytes(values);
    const std::string dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }";
    const auto good = npyOf(dict, data);
    EXPECT_EQ(decodeNpy(good, "good").size(0), 3);

    const auto refusal = [&](const std::string& bytes)
    { return errorOf([&] { decodeNpy(bytes, "file.npy"); }); };
    EXPECT_HAS(refusal("\x93NUMPX" + good.substr(6)), "file.npy: not a .npy file");
    EXPECT_HAS(refusal(good.substr(0, 3)), "not a .npy file");
    auto e = refusal(npyOf("{'descr': '<f8', 'fortran_order': True, 'shape': (3,), }", data));
    EXPECT_HAS(e, "fortran_order True");
    e = refusal(npyOf("{'descr': '>f8', 'fortran_order': False, 'shape': (3,), }", data));
    EXPECT_HAS(e, "descr '>f8' is not read");
    e = refusal(npyOf("{'descr': '<i4', 'fortran_order': False, 'shape': (3,), }", data));
    EXPECT_HAS(e, "descr '<i4' is not read");
    e = refusal(npyOf("{'descr': '|O', 'fortran_order': False, 'shape': (3,), }", data));
    EXPECT_HAS(e, "descr '|O' is not read");
    e = refusal(npyOf("{'descr': '<f8', 'shape': (3,), }", data));
    EXPECT_HAS(e, "lacks one of descr, fortran_order, shape");
    e = refusal(
        npyOf("{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': (3,)}", data)
    );
    EXPECT_HAS(e, "key 'descr' unknown or repeated");
    e = refusal(npyOf("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), 'x': 1}", data));
    EXPECT_HAS(e, "key 'x' unknown");
    e = refusal(npyOf("{'descr': '<f8', 'fortran_order': False, 'shape': (3)}", data));
    EXPECT_HAS(e, "trailing comma");
    e = refusal(npyOf("{'descr': '<f8', 'fortran_order': 0, 'shape': (3,)}", data));
    EXPECT_HAS(e, "expected True or False");
    e = refusal(npyOf("{'descr': '<f8', 'fortran_order': False, 'shape': (-3,)}", data));
    EXPECT_HAS(e, "expected a non-negative integer");
    e = refusal(npyOf("{'descr': __import__('os'), 'fortran_order': False, 'shape': (3,)}", data));
    EXPECT_HAS(e, "expected a quoted string");
    e = refusal(npyOf(dict, data + "extra bytes"));
    EXPECT_HAS(e, "the shape needs 24 bytes of data, the file holds 35");
    e = refusal(
        npyOf("{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999, 99999999999)}", data)
    );
    EXPECT_HAS(e, "needs more than the 24 bytes of data the file holds (truncated)");
    auto version = good;
    version[6] = 3;
    EXPECT_HAS(refusal(version), ".npy version 3.0 is not read");
    auto noNewline = good;
    noNewline[good.size() - data.size() - 1] = ' ';
    EXPECT_HAS(refusal(noNewline), "followed by spaces and one newline only");

    // Truncated anywhere: an error, never a read past the end.
    for (size_t keep = 0; keep < good.size(); ++keep)
    {
        const auto cut = refusal(good.substr(0, keep));
        EXPECT_HAS(cut, "file.npy: ");
        EXPECT_NE(cut, "no error") << keep;
    }
}


TEST(Npy, ReadNpyNamesTheFile)
{
    test::TemporaryDirectory dir;
    const auto path = dir.file("press.npy");
    writeBytes(path, npyOf("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }", "short"));
    auto e = errorOf([&] { readNpy(path); });
    EXPECT_HAS(
        e, ".npy file '" + path
               + "': the shape needs more than the 5 bytes of data the file holds (truncated)"
    );
    e = errorOf([&] { readNpy(dir.file("absent.npy")); });
    EXPECT_HAS(e, dir.file("absent.npy"));
    EXPECT_HAS(e, "cannot open");
    writeBytes(
        path,
        npyOf("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }", std::string(24, '\0'))
    );
    EXPECT_HAS(errorOf([&] { readNpy(path, 100); }), "more than the 100 this build reads");
}


// ---- VTK readers ----------------------------------------------------------

TEST(SurfaceReaders, LegacyVtkPolygonsAndStripsBecomeTrianglesWithTheirArrays)
{
    test::TemporaryDirectory dir;
    const auto path = dir.file("quad.VTK");
    // A unit quad (z = 0) and a strip of 4 points (z = 1): 2 + 2 triangles.
    writeBytes(
        path, "# vtk DataFile Version 3.0\nquad and strip\nASCII\nDATASET POLYDATA\n"
              "POINTS 8 float\n0 0 0 1 0 0 1 1 0 0 1 0 0 0 1 1 0 1 0 1 1 1 1 1\n"
              "POLYGONS 1 5\n4 0 1 2 3\nTRIANGLE_STRIPS 1 5\n4 4 5 6 7\n"
              "POINT_DATA 8\nSCALARS p double 1\nLOOKUP_TABLE default\n0 1 2 3 4 5 6 7\n"
              "VECTORS U float\n0 0 0 1 0 0 2 0 0 3 0 0 4 0 0 5 0 0 6 0 0 7 0 0\n"
              "CELL_DATA 2\nSCALARS id int 1\nLOOKUP_TABLE default\n10 20\n"
    );
    const auto s = readSurface(path);
    EXPECT_EQ(s.source, path);
    EXPECT_EQ(s.points.scalar_type(), torch::kFloat);
    EXPECT_EQ(s.numPoints(), 8);
    ASSERT_EQ(s.numTriangles(), 4);
    EXPECT_TRUE(torch::allclose(s.triangleAreas, torch::full({4}, 0.5f)));
    // Every triangle lies in its input polygon's plane.
    const auto z = s.points.select(1, 2).index({s.triangles});
    EXPECT_TRUE(torch::equal(z, torch::tensor({0.f, 0.f, 1.f, 1.f}).unsqueeze(1).expand({4, 3})));
    EXPECT_TRUE(torch::equal(pointArray(s, "p"), torch::arange(8, torch::kDouble)));
    EXPECT_EQ(pointArray(s, "U").sizes(), (std::vector<int64_t>{8, 3}));
    EXPECT_TRUE(torch::equal(pointArray(s, "U").select(1, 0), torch::arange(8, torch::kFloat)));
    // The polygon's and the strip's cell value on each of their triangles.
    EXPECT_TRUE(torch::equal(cellArray(s, "id"), torch::tensor({10, 10, 20, 20}, torch::kInt)));
}


TEST(SurfaceReaders, BadFilesEndInErrorsNamingTheFile)
{
    test::TemporaryDirectory dir;
    const auto refusal = [&](const std::string& name, const std::string& bytes)
    {
        const auto path = dir.file(name);
        writeBytes(path, bytes);
        const auto e = errorOf([&] { readSurface(path); });
        EXPECT_HAS(e, "'" + path + "'");
        return e;
    };

    auto e = errorOf([&] { readSurface(dir.file("absent.vtp")); });
    EXPECT_HAS(e, "surface file '" + dir.file("absent.vtp") + "': cannot open");
    e = refusal("body.obj", "v 0 0 0\n");
    EXPECT_HAS(e, "unknown extension '.obj' (supported: .vtp, .vtk, .stl, .ply)");
    std::filesystem::create_directory(dir.path / "folder.vtp");
    e = errorOf([&] { readSurface(dir.file("folder.vtp")); });
    EXPECT_HAS(e, "is a directory, not a regular file");

    // Garbage in every format: VTK's error becomes ours.
    // (PLY and STL are checked before VTK reads them.)
    for (const auto& [extension, problem] : std::map<std::string, std::string>{
             {".vtp", "vtkXMLPolyDataReader failed: "},
             {".vtk", "vtkPolyDataReader failed: "},
             {".ply", "not a PLY file we read: "},
             {".stl", "neither a binary STL"}})
    {
        e = refusal("garbage" + extension, "this is not a surface file\n");
        EXPECT_HAS(e, "surface file '" + dir.file("garbage" + extension) + "': " + problem);
    }
    e = refusal("garbage2.vtp", "<?xml version=\"1.0\"?>\n<VTKFile type=\"PolyData\"><PolyData>");
    EXPECT_HAS(e, "vtkXMLPolyDataReader failed");
    // A truncated copy of a valid file.
    const auto good = legacyVtkOf("0 0 0 1 0 0 0 1 0", {"3 0 1 2"});
    writeBytes(dir.file("good.vtk"), good);
    EXPECT_EQ(readSurface(dir.file("good.vtk")).numTriangles(), 1);
    e = refusal("cut.vtk", good.substr(0, good.size() - 8));
    EXPECT_HAS(e, "vtkPolyDataReader failed");

    // STL: a binary one short of its triangle count, a text one cut before
    // its endsolid line (VTK 9.1 would read what is there).
    const auto tetra = tetrahedron();
    const auto binary = stlOf(tetra.points, tetra.triangles);
    writeBytes(dir.file("tetra.stl"), binary);
    EXPECT_EQ(readSurface(dir.file("tetra.stl")).numTriangles(), 4);
    e = refusal("cut.stl", binary.substr(0, binary.size() - 1));
    EXPECT_HAS(e, "neither a binary STL (84 + 50 x 4 triangles = 284 bytes, the file has 283)");
    const std::string text = "solid t\nfacet normal 0 0 1\nouter loop\nvertex 0 0 0\nvertex 1 0 0\n"
                             "vertex 0 1 0\nendloop\nendfacet\nendsolid t\n";
    writeBytes(dir.file("text.stl"), text);
    EXPECT_EQ(readSurface(dir.file("text.stl")).numTriangles(), 1);
    e = refusal("cutText.stl", text.substr(0, text.find("endsolid")));
    EXPECT_HAS(e, "nor an ASCII STL from 'solid' to an 'endsolid' line (truncated?)");

    // Empty: no points, or points and no polygons (lines are dropped).
    e = refusal("empty.stl", "solid empty\nendsolid empty\n");
    EXPECT_HAS(e, "empty surface");
    e = refusal("lines.vtk", legacyVtkOf("0 0 0 1 0 0 0 1 0", {}, "LINES 1 3\n2 0 1\n"));
    EXPECT_HAS(e, "empty surface (no polygons; 3 points)");

    // Non-finite coordinates (binary PLY: no text parsing of "nan").
    const std::string plyHeader = "ply\nformat binary_little_endian 1.0\nelement vertex 3\n"
                                  "property double x\nproperty double y\nproperty double z\n"
                                  "element face 1\nproperty list uchar int vertex_indices\n"
                                  "end_header\n";
    const std::vector<double> corners{0, 0, 0, 1, 0, 0, 0, NAN, 0};
    const std::string face = std::string(1, char(3)) + rawBytes(std::vector<int32_t>{0, 1, 2});
    e = refusal("nan.ply", plyHeader + rawBytes(corners) + face);
    EXPECT_HAS(e, "non-finite coordinates (NaN or Inf) at point 2");
    auto finite = corners;
    finite[7] = 1;
    writeBytes(dir.file("fine.ply"), plyHeader + rawBytes(finite) + face);
    EXPECT_EQ(readSurface(dir.file("fine.ply")).numTriangles(), 1);
}


TEST(SurfaceReaders, PlyStructureIsCheckedBeforeVtkReadsIt)
{
    test::TemporaryDirectory dir;
    const std::string header = "ply\nformat ascii 1.0\ncomment a tetrahedron\nelement vertex 4\n"
                               "property float x\nproperty float y\nproperty float z\n"
                               "element face 4\nproperty list uchar int vertex_indices\n"
                               "end_header\n";
    const std::string ascii =
        header + "0 0 0\n1 0 0\n0 1 0\n0 0 1\n3 0 2 1\n3 0 1 3\n3 0 3 2\n3 1 2 3\n";
    const auto path = dir.file("tetra.ply");
    writeBytes(path, ascii);
    auto s = readSurface(path);
    EXPECT_EQ(s.numPoints(), 4);
    EXPECT_EQ(s.numTriangles(), 4);
    EXPECT_NEAR(signedDistance(s, torch::full({1, 3}, 0.1)).item<float>(), -0.1f, 1e-6f);

    // Big-endian binary with int list lengths: the lengths are read as such.
    std::string big = "ply\nformat binary_big_endian 1.0\nelement vertex 4\nproperty double x\n"
                      "property double y\nproperty double z\nelement face 4\n"
                      "property list int int vertex_indices\nend_header\n";
    const auto bigEndian = [](auto value)
    {
        std::string b(sizeof value, '\0');
        std::memcpy(b.data(), &value, sizeof value);
        return std::string(b.rbegin(), b.rend());
    };
    for (const double x : {0., 0., 0., 1., 0., 0., 0., 1., 0., 0., 0., 1.})
    {
        big += bigEndian(x);
    }
    for (const int32_t v : {3, 0, 2, 1, 3, 0, 1, 3, 3, 0, 3, 2, 3, 1, 2, 3})
    {
        big += bigEndian(v);
    }
    writeBytes(path, big);
    s = readSurface(path);
    EXPECT_EQ(s.numTriangles(), 4);
    EXPECT_TRUE(torch::equal(s.triangles[3], torch::tensor({1, 2, 3}, torch::kLong)));

    // Every truncation of either is refused (VTK 9.1 would crash on them).
    for (const auto& good : {ascii, big})
    {
        for (size_t keep = 0; keep + 1 < good.size(); ++keep)
        {
            if (keep + 2 == good.size() && &good == &ascii)
            {
                continue; // "3 1 2 3" less its newline is whole
            }
            writeBytes(path, good.substr(0, keep));
            EXPECT_HAS(errorOf([&] { readSurface(path); }), "surface file '" + path + "': ")
                << keep;
        }
    }
    writeBytes(path, ascii.substr(0, ascii.size() - 3));
    EXPECT_HAS(
        errorOf([&] { readSurface(path); }),
        "truncated PLY file: element 'face' 3 of 4 ends past the end of the file"
    );

    // A face that refers to a point that is not there.
    auto outside = ascii;
    outside.replace(outside.rfind("3 1 2 3"), 7, "3 1 2 9");
    writeBytes(path, outside);
    EXPECT_HAS(errorOf([&] { readSurface(path); }), "a cell refers to point 9, outside [0, 4)");

    auto badHeader = ascii;
    badHeader.replace(badHeader.find("comment"), 7, "remark ");
    writeBytes(path, badHeader);
    EXPECT_HAS(
        errorOf([&] { readSurface(path); }),
        "header line 3 'remark  a tetrahedron': unknown keyword"
    );
    writeBytes(path, "ply\nformat ascii 1.0\nproperty float x\nend_header\n");
    EXPECT_HAS(errorOf([&] { readSurface(path); }), "a property before any element");
    writeBytes(path, "ply\nformat ascii 1.0\nelement vertex 1\nproperty float x\n");
    EXPECT_HAS(errorOf([&] { readSurface(path); }), "the header has no end_header line");
}


TEST(SurfaceReaders, LegacyVtkCellsOutsideThePointsAreRefused)
{
    test::TemporaryDirectory dir;
    const auto path = dir.file("outside.vtk");
    writeBytes(path, legacyVtkOf("0 0 0 1 0 0 0 1 0", {"3 0 1 7"}));
    EXPECT_HAS(
        errorOf([&] { readSurface(path); }),
        "surface file '" + path + "': a cell refers to point 7, outside [0, 3)"
    );
}


// ---- shared data ----------------------------------------------------------

TEST(SurfaceReaders, ShapeNetCarPointsTrianglesAndSelectedPressure)
{
    const auto ply = test::sharedFile("cars/001_tri_mesh.ply");
    const auto npy = test::sharedFile("cars/001_press.npy");
    if (ply.empty() || npy.empty())
    {
        GTEST_SKIP() << "shared data absent: " << test::sharedData() << "/cars";
    }
    const auto car = readShapeNetCar(ply, npy);

    // The PLY as its bytes say: header counts, then doubles and faces.
    const auto bytes = bytesOf(ply);
    const auto headerEnd = bytes.find("end_header\n") + std::strlen("end_header\n");
    const auto header = bytes.substr(0, headerEnd);
    EXPECT_HAS(header, "element vertex 3586\n");
    EXPECT_HAS(header, "element face 7168\n");
    ASSERT_EQ(car.numPoints(), 3586);
    ASSERT_EQ(car.numTriangles(), 7168);
    auto points = torch::empty({3586, 3}, torch::kDouble);
    std::memcpy(points.data_ptr(), bytes.data() + headerEnd, 3586 * 3 * sizeof(double));
    // vtkPLYReader (VTK 9.1) makes float32 points of the doubles.
    EXPECT_TRUE(torch::equal(car.points, points.to(torch::kFloat)));
    auto triangles = torch::empty({7168, 3}, torch::kLong);
    const char* face = bytes.data() + headerEnd + 3586 * 3 * sizeof(double);
    for (int64_t t = 0; t < 7168; ++t, face += 1 + 3 * sizeof(uint32_t))
    {
        ASSERT_EQ(face[0], 3);
        for (int64_t k = 0; k < 3; ++k)
        {
            uint32_t index;
            std::memcpy(&index, face + 1 + k * sizeof(uint32_t), sizeof index);
            triangles[t][k] = int64_t(index);
        }
    }
    EXPECT_TRUE(torch::equal(car.triangles, triangles));

    // press: the 3682 raw values less the 96 after the first 16.
    const auto raw = bytesOf(npy);
    const size_t headerLength = uint8_t(raw[8]) | size_t(uint8_t(raw[9])) << 8;
    std::vector<double> all(3682);
    ASSERT_EQ(raw.size(), 10 + headerLength + all.size() * sizeof(double));
    std::memcpy(all.data(), raw.data() + 10 + headerLength, all.size() * sizeof(double));
    std::vector<double> selected(all.begin(), all.begin() + 16);
    selected.insert(selected.end(), all.begin() + 112, all.end());
    const auto& press = pointArray(car, "press");
    ASSERT_EQ(press.numel(), 3586);
    EXPECT_TRUE(torch::equal(press, torch::tensor(selected, torch::kDouble)));

    // A closed, outward-oriented body: negative inside, its distance outside.
    checkEdgeManifold(car);
    const auto box = bounds(car);
    const auto centre = torch::tensor(
        {(box.lower[0] + box.upper[0]) / 2, (box.lower[1] + box.upper[1]) / 2,
         (box.lower[2] + box.upper[2]) / 2},
        torch::kDouble
    );
    const auto far = centre + torch::tensor({0., 0., 100.}, torch::kDouble);
    const auto d = signedDistance(car, torch::stack({centre, far}));
    EXPECT_LT(d[0].item<double>(), 0);
    // The surface lies between the centre and the top of the bounds.
    EXPECT_GE(d[1].item<double>(), 100 - (box.upper[2] - centre[2].item<double>()) - 1e-9);
    EXPECT_LT(d[1].item<double>(), 100);

    const auto second = readShapeNetCarFromFolder(test::sharedData() + "/cars", "002");
    EXPECT_EQ(second.numPoints(), 3586);
    EXPECT_EQ(pointArray(second, "press").numel(), 3586);
    EXPECT_HAS(errorOf([&] { pointArray(second, "pMean"); }), "point arrays present: press");
}


TEST(SurfaceReaders, ShapeNetCarRefusesAPressureOfTheWrongLength)
{
    const auto ply = test::sharedFile("cars/001_tri_mesh.ply");
    if (ply.empty())
    {
        GTEST_SKIP() << "shared data absent: " << test::sharedData() << "/cars";
    }
    test::TemporaryDirectory dir;
    const auto npy = dir.file("press.npy");
    // One value per point: the selection of 3586 of 3682 was made already.
    writeBytes(
        npy, npyOf(
                 "{'descr': '<f8', 'fortran_order': False, 'shape': (3586,), }",
                 std::string(3586 * sizeof(double), '\0')
             )
    );
    const auto e = errorOf([&] { readShapeNetCar(ply, npy); });
    EXPECT_HAS(e, ".npy file '" + npy + "': pressure of shape [3586], expected (3682)");
    EXPECT_HAS(e, ply);
    EXPECT_HAS(errorOf([&] { readShapeNetCar(ply, dir.file("absent.npy")); }), "absent.npy");
}


TEST(SurfaceReaders, AhmedMLBoundaryArraysAndCounts)
{
    for (int run = 1; run <= 4; ++run)
    {
        const auto path =
            test::sharedFile("ahmedml/boundary_" + std::to_string(run) + "_mapped.vtp");
        if (path.empty())
        {
            GTEST_SKIP() << "shared data absent: " << test::sharedData() << "/ahmedml";
        }
        SCOPED_TRACE(path);
        const auto text = bytesOf(path);
        const auto s = readSurface(path);
        const int64_t n = attribute(text, "NumberOfPoints");
        EXPECT_GE(n, 4462);
        EXPECT_LE(n, 6736);
        EXPECT_EQ(s.numPoints(), n);
        EXPECT_EQ(s.numTriangles(), attribute(text, "NumberOfPolys"));
        EXPECT_EQ(s.points.scalar_type(), torch::kFloat);
        for (const auto* name : {"pMean", "static(p)_coeffMean", "yPlusMean"})
        {
            EXPECT_EQ(pointArray(s, name).sizes(), (std::vector<int64_t>{n})) << name;
        }
        const auto& wallShearStress = pointArray(s, "wallShearStressMean");
        EXPECT_EQ(wallShearStress.sizes(), (std::vector<int64_t>{n, 3}));
        const auto& p = pointArray(s, "pMean");
        EXPECT_FLOAT_EQ(p.min().item<float>(), float(arrayAttribute(text, "pMean", "RangeMin")));
        EXPECT_FLOAT_EQ(p.max().item<float>(), float(arrayAttribute(text, "pMean", "RangeMax")));
        checkEdgeManifold(s);
    }
}


TEST(SurfaceReaders, AhmedMLStlTriangleCountAndBody)
{
    for (int run = 1; run <= 4; ++run)
    {
        const auto path =
            test::sharedFile("ahmedml/ahmed_" + std::to_string(run) + "_downsampled.stl");
        if (path.empty())
        {
            GTEST_SKIP() << "shared data absent: " << test::sharedData() << "/ahmedml";
        }
        SCOPED_TRACE(path);
        const auto bytes = bytesOf(path);
        uint32_t count;
        std::memcpy(&count, bytes.data() + 80, sizeof count);
        ASSERT_EQ(bytes.size(), 84 + 50 * size_t(count)); // binary STL
        const auto s = readSurface(path);
        EXPECT_EQ(s.numTriangles(), int64_t(count));
        // Merged corners: a closed triangle mesh has about half as many points.
        EXPECT_LT(s.numPoints(), s.numTriangles());
        // The body's length, width and height (mm) as geo_parameters_all.csv
        // gives them; x from -length to 0, z from the ground clearance up.
        const auto box = bounds(s);
        const auto dimensions = geometryParameters(run);
        EXPECT_NEAR(box.upper[0], 0, 1e-3);
        EXPECT_NEAR(box.upper[0] - box.lower[0], dimensions[0] / 1000, 2e-3);
        EXPECT_NEAR(box.upper[1] - box.lower[1], dimensions[2] / 1000, 2e-3);
        EXPECT_NEAR(box.lower[2], 0.05, 1e-3);
        EXPECT_NEAR(box.upper[2] - box.lower[2], dimensions[1] / 1000, 2e-3);
    }
}


TEST(SurfaceReaders, TruncatedSharedFilesAreRefused)
{
    test::TemporaryDirectory dir;
    for (const auto* name :
         {"cars/001_tri_mesh.ply", "ahmedml/boundary_1_mapped.vtp",
          "ahmedml/ahmed_1_downsampled.stl"})
    {
        const auto path = test::sharedFile(name);
        if (path.empty())
        {
            GTEST_SKIP() << "shared data absent: " << test::sharedData();
        }
        const auto bytes = bytesOf(path);
        const auto cut = dir.file(std::filesystem::path(name).filename().string());
        for (const double fraction : {0.0, 0.01, 0.3, 0.7, 0.999})
        {
            SCOPED_TRACE(std::string(name) + " cut at " + std::to_string(fraction));
            writeBytes(cut, bytes.substr(0, size_t(fraction * double(bytes.size()))));
            EXPECT_HAS(errorOf([&] { readSurface(cut); }), "'" + cut + "': ");
        }
    }
}


TEST(SurfaceReaders, NeuralOperatorMiniCarsArePointCloudsWithPressure)
{
    const auto path = test::sharedFile("neuraloperator/mini_car.pt");
    if (path.empty())
    {
        GTEST_SKIP() << "shared data absent: " << test::sharedData() << "/neuraloperator";
    }
    const auto cars = readNeuralOperatorCars(path);
    ASSERT_EQ(cars.size(), 3u);
    for (const auto& car : cars)
    {
        const auto& s = car.surface;
        EXPECT_EQ(s.numPoints(), 3586);
        EXPECT_EQ(s.numTriangles(), 0);
        EXPECT_EQ(pointArray(s, "press").sizes(), (std::vector<int64_t>{3586}));
        EXPECT_TRUE(torch::allclose(s.vertexNormals.norm(2, 1), torch::ones({3586}), 0, 1e-4));
        EXPECT_EQ(car.centroids.sizes(), (std::vector<int64_t>{7168, 3}));
        EXPECT_EQ(car.triangleAreas.sizes(), (std::vector<int64_t>{7168}));
        EXPECT_EQ(car.queryPoints.sizes(), (std::vector<int64_t>{16, 16, 16, 3}));
        EXPECT_EQ(car.distance.sizes(), (std::vector<int64_t>{16, 16, 16}));
        EXPECT_GE(car.distance.min().item<float>(), 0.0f); // stored unsigned
        EXPECT_GE(s.points.min().item<float>(), 0.0f);
        EXPECT_LE(s.points.max().item<float>(), 1.0f);
        const auto e = errorOf([&] { signedDistance(s, car.queryPoints); });
        EXPECT_HAS(e, path);
        EXPECT_HAS(e, "a signed distance needs triangles");
    }
}


// ---- signed distance ------------------------------------------------------

TEST(SignedDistance, SphereAgainstTheAnalyticDistance)
{
    test::TemporaryDirectory dir;
    const auto [points, triangles] = uvSphere(128, 64);
    const auto path = dir.file("sphere.stl");
    writeBytes(path, stlOf(points, triangles));
    const auto sphere = readSurface(path);
    ASSERT_EQ(sphere.numPoints(), points.size(0)); // corners merged
    ASSERT_EQ(sphere.numTriangles(), triangles.size(0));

    // The tessellation lies within delta of the unit sphere: every triangle's
    // plane is at least 1 - delta from the centre (its corners on the sphere),
    // so |d_mesh - d_sphere| <= delta everywhere. delta ~ 6e-4 here.
    const auto p = sphere.points.to(torch::kDouble);
    const auto a = p.index({sphere.triangles.select(1, 0)});
    const auto n = torch::cross(
        p.index({sphere.triangles.select(1, 1)}) - a, p.index({sphere.triangles.select(1, 2)}) - a,
        1
    );
    const auto planeDistance = (n * a).sum(1) / n.norm(2, 1);
    EXPECT_GT(planeDistance.min().item<double>(), 0);                   // outward
    const double delta = 1 - planeDistance.min().item<double>() + 1e-6; // + float32 corners
    EXPECT_LT(delta, 1e-3);

    torch::manual_seed(3);
    const auto queries = torch::rand({2000, 3}, torch::kDouble) * 3 - 1.5;
    const auto expected = queries.norm(2, 1) - 1;
    const auto d = signedDistance(sphere, queries);
    EXPECT_EQ(d.scalar_type(), torch::kDouble);
    EXPECT_LE((d - expected).abs().max().item<double>(), delta);
    // Negative inside, positive outside (wherever the side is clear of the
    // band between sphere and mesh).
    const auto clear = expected.abs() > delta;
    EXPECT_GT(clear.sum().item<int64_t>(), 1900);
    EXPECT_GT((expected < 0).sum().item<int64_t>(), 200);
    EXPECT_TRUE(torch::equal((d < 0).index({clear}), (expected < 0).index({clear})));

    // Threads share the queries, the result is the same; shape and dtype kept.
    EXPECT_TRUE(torch::equal(signedDistance(sphere, queries, 4), d));
    const auto grid =
        signedDistance(sphere, queries.slice(0, 0, 64).reshape({4, 4, 4, 3}).to(torch::kFloat), 3);
    EXPECT_EQ(grid.sizes(), (std::vector<int64_t>{4, 4, 4}));
    EXPECT_EQ(grid.scalar_type(), torch::kFloat);
    EXPECT_TRUE(torch::allclose(grid.reshape({64}), d.slice(0, 0, 64).to(torch::kFloat), 0, 1e-6));
}


TEST(SignedDistance, RefusesSurfacesWithoutAWellDefinedSide)
{
    test::TemporaryDirectory dir;
    const std::string tetra = "0 0 0 1 0 0 0 1 0 0 0 1";
    const std::vector<std::string> faces{"3 0 2 1", "3 0 1 3", "3 0 3 2", "3 1 2 3"};
    const auto query = torch::zeros({1, 3}, torch::kDouble) + 0.1;

    const auto good = dir.file("tetra.vtk");
    writeBytes(good, legacyVtkOf(tetra, faces));
    EXPECT_NEAR(signedDistance(readSurface(good), query).item<double>(), -0.1, 1e-12);

    // A third triangle on the edge 0-1.
    const auto fin = dir.file("fin.vtk");
    auto finFaces = faces;
    finFaces.push_back("3 0 1 4");
    writeBytes(fin, legacyVtkOf(tetra + " 0.5 -1 -1", finFaces));
    auto e = errorOf([&] { signedDistance(readSurface(fin), query); });
    EXPECT_HAS(
        e,
        "surface '" + fin + "': non-manifold surface: 1 edges are shared by more than two triangles"
    );
    EXPECT_HAS(e, "between points 0 and 1, by 3");

    // A zero-area triangle apart from the body.
    const auto sliver = dir.file("sliver.vtk");
    auto sliverFaces = faces;
    sliverFaces.push_back("3 4 5 6");
    writeBytes(sliver, legacyVtkOf(tetra + " 2 0 0 3 0 0 4 0 0", sliverFaces));
    e = errorOf([&] { signedDistance(readSurface(sliver), query); });
    EXPECT_HAS(
        e, "surface '" + sliver + "': 1 degenerate (zero-area) triangles, the first triangle 4"
    );

    const auto s = readSurface(good);
    e = errorOf([&] { signedDistance(s, torch::zeros({2, 2})); });
    EXPECT_HAS(e, "signed distance to surface '" + good + "': queries of shape [2, 2]");
    e = errorOf([&] { signedDistance(s, torch::full({1, 3}, NAN)); });
    EXPECT_HAS(e, "queries hold NaN or Inf");
}


// ---- unit box -------------------------------------------------------------

TEST(UnitBox, MapsTheBoundsIntoTheUnitCubeKeepingTheAspectRatio)
{
    const Bounds body{{-1.0, 0.0, 0.05}, {0.0, 0.4, 0.35}};
    const auto box = UnitBox::around(body, 0.1);
    EXPECT_DOUBLE_EQ(box.scale, 1 / 1.2);
    const auto corners =
        torch::tensor({-1.0, 0.0, 0.05, 0.0, 0.4, 0.35}, torch::kDouble).reshape({2, 3});
    const auto u = box.encode(corners);
    // x, the longest, spans [m, 1 - m] with m = 0.1/1.2; y and z centred.
    const double m = 0.1 / 1.2;
    const auto expected =
        torch::tensor(
            {m, 0.5 - 0.2 / 1.2, 0.5 - 0.15 / 1.2, 1 - m, 0.5 + 0.2 / 1.2, 0.5 + 0.15 / 1.2},
            torch::kDouble
        )
            .reshape({2, 3});
    EXPECT_TRUE(torch::allclose(u, expected, 0, 1e-15)) << u;
    EXPECT_TRUE(torch::allclose(box.decode(u), corners, 0, 1e-15));
    // Distances scale by one factor: no axis is stretched.
    EXPECT_NEAR(
        (u[1] - u[0]).norm().item<double>(),
        (corners[1] - corners[0]).norm().item<double>() * box.scale, 1e-15
    );
    EXPECT_EQ(box.encode(corners.to(torch::kFloat)).scalar_type(), torch::kFloat);

    const auto tight = UnitBox::around(body);
    EXPECT_DOUBLE_EQ(tight.encode(corners)[1][0].item<double>(), 1.0);

    EXPECT_HAS(errorOf([&] { UnitBox::around(body, -0.1); }), "margin");
    EXPECT_HAS(errorOf([&] { UnitBox::around({{0, 0, 0}, {0, 0, 0}}); }), "single point");
    EXPECT_HAS(errorOf([&] { UnitBox::around({{0, 0, 0}, {1, NAN, 0}}); }), "axis 1");
    EXPECT_HAS(errorOf([&] { box.encode(torch::zeros({2, 2})); }), "UnitBox::encode");
}


TEST(UnitBox, JsonRoundTripAndRefusals)
{
    const auto box = UnitBox::around({{-1.0, 0.0, 0.05}, {0.0, 0.4, 0.35}}, 0.05);
    const auto json = box.toJson();
    EXPECT_EQ(json.size(), 2u);
    const auto back = UnitBox::fromJson(nlohmann::json::parse(json.dump()), "model");
    EXPECT_EQ(back.lower, box.lower);
    EXPECT_EQ(back.scale, box.scale);

    const auto refusal = [](const std::string& text)
    {
        return errorOf(
            [&] { UnitBox::fromJson(nlohmann::json::parse(text), "model file 'm': unitBox"); }
        );
    };
    EXPECT_HAS(
        refusal(R"({"lower": [0, 0, 0]})"), "model file 'm': unitBox: expected an object of exactly"
    );
    EXPECT_HAS(refusal(R"({"lower": [0, 0, 0], "scale": 1, "margin": 0})"), "exactly");
    EXPECT_HAS(refusal(R"({"lower": [0, 0], "scale": 1})"), "expected 3 numbers");
    EXPECT_HAS(refusal(R"({"lower": [0, "a", 0], "scale": 1})"), "3 finite numbers");
    EXPECT_HAS(
        refusal(R"({"lower": [0, 0, 0], "scale": 0})"),
        "\"scale\" is 0, expected a finite number > 0"
    );
    EXPECT_HAS(refusal(R"({"lower": [0, 0, 0], "scale": "1"})"), "\"scale\" is \"1\"");
    EXPECT_HAS(refusal(R"([1, 2])"), "expected an object");
}
