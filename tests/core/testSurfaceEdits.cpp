// Surfaces cut and refined for a prediction on a bare geometry (clip,
// refine, orient), and latent grids written as VTK ImageData and read back
// by VTK's own reader.

#include "TestSupport.hpp"

#include "nop/surface/ForceCoefficients.hpp"
#include "nop/surface/SurfaceEdits.hpp"
#include "nop/surface/SurfaceWriter.hpp"

#include <vtkDataArray.h>
#include <vtkImageData.h>
#include <vtkNew.h>
#include <vtkPointData.h>
#include <vtkXMLImageDataReader.h>

#include <gtest/gtest.h>

#include <filesystem>

using namespace nop;

namespace
{

/// The unit cube [0, 1]^3 as 12 triangles, normals out.
Surface unitCube()
{
    return test::box({0, 0, 0}, {1, 1, 1});
}


/// Sum over the triangles of area times unit normal.
torch::Tensor vectorArea(const Surface& s)
{
    return (s.triangleNormals * s.triangleAreas.unsqueeze(1)).sum(0);
}


double longestEdge(const Surface& s)
{
    const auto p = s.points.index_select(0, s.triangles.flatten()).view({-1, 3, 3});
    const auto edges = torch::stack(
        {(p.select(1, 1) - p.select(1, 0)).norm(2, 1), (p.select(1, 2) - p.select(1, 1)).norm(2, 1),
         (p.select(1, 0) - p.select(1, 2)).norm(2, 1)}
    );
    return edges.max().item<double>();
}

} // namespace


TEST(SurfaceEdits, ClipKeepsTheSideTheNormalPointsToWithItsOrientation)
{
    const Surface half = clipSurface(unitCube(), {0.5, 0.5, 0.5}, {0, 2, 0});
    // The top face and half of each of the four side faces
    EXPECT_NEAR(half.triangleAreas.sum().item<double>(), 3.0, 1e-12);
    EXPECT_GE(half.points.select(1, 1).min().item<double>(), 0.5 - 1e-12);
    // Outward normals kept: the open box's vector area is minus that of
    // the missing face at y = 0.5 (normal -y)
    EXPECT_TRUE(torch::allclose(
        vectorArea(half), torch::tensor({0.0, 1.0, 0.0}, torch::kDouble), 1e-12, 1e-12
    ));
    // Cut edges share their new point: no point twice
    const auto unique = std::get<0>(torch::unique_dim(half.points, 0));
    EXPECT_EQ(unique.size(0), half.numPoints());

    // Wholly on the kept side: unchanged; wholly on the other: an error
    EXPECT_EQ(clipSurface(unitCube(), {0, -1, 0}, {0, 1, 0}).numTriangles(), 12);
    EXPECT_HAS(
        test::errorOf(
            [] {
                clipSurface(unitCube(), {0, 2, 0}, {0, 1, 0});
            }
        ),
        "no part of it lies on the kept side"
    );
    EXPECT_HAS(test::errorOf([] { clipSurface(unitCube(), {0, 0, 0}, {0, 0, 0}); }), "normal");
}


TEST(SurfaceEdits, RefineSplitsUntilEdgesAreShortKeepingAreaAndNormals)
{
    const Surface cube = unitCube();
    const Surface fine = refineSurface(cube, 0.3);
    // Legs 1 and diagonal sqrt(2): 5 x 5 per triangle
    EXPECT_EQ(fine.numTriangles(), 12 * 25);
    EXPECT_LE(longestEdge(fine), 0.3);
    EXPECT_NEAR(fine.triangleAreas.sum().item<double>(), 6.0, 1e-12);
    EXPECT_NEAR(fine.triangleAreas.min().item<double>(), 1.0 / 50, 1e-12);
    // Every small triangle faces as its parent: the vector areas of the
    // faces normal to +x add up to 1
    const auto plusX = fine.triangleNormals.select(1, 0) > 0.5;
    EXPECT_NEAR(fine.triangleAreas.index({plusX}).sum().item<double>(), 1.0, 1e-12);
    EXPECT_TRUE(torch::allclose(vectorArea(fine), torch::zeros({3}, torch::kDouble), 0, 1e-12));
    // Already fine: kept
    EXPECT_EQ(refineSurface(cube, 2.0).numTriangles(), 12);
    EXPECT_HAS(test::errorOf([&] { refineSurface(cube, 1e-4, 1000); }), "more than 1000 triangles");
    EXPECT_THROW(refineSurface(cube, 0), std::invalid_argument);
}


TEST(SurfaceEdits, OrientOutwardTurnsAnInwardSurface)
{
    const Surface cube = unitCube();
    const Surface inward = makeSurface(
        cube.points, cube.triangles.index_select(1, torch::tensor({0, 2, 1})).contiguous(), "inward"
    );
    ASSERT_LT(outwardSign(inward), 0);
    const Surface turned = orientOutward(inward);
    EXPECT_GT(outwardSign(turned), 0);
    EXPECT_TRUE(torch::equal(orientOutward(cube).triangles, cube.triangles));
}


TEST(SurfaceWriter, LatentGridVtiRoundTripKeepsPlacementAndAxisOrder)
{
    const test::TemporaryDirectory dir;
    const std::string file = dir.file("grid.vti");
    UnitBox unitBox;
    unitBox.lower = {-0.3, 0.1, 2.0};
    unitBox.scale = 0.5; // the unit box spans 2 in the body's units
    const std::vector<int64_t> resolution{3, 4, 5};
    // value = 100 i + 10 j + k at grid point (i, j, k), first axis slowest
    const auto i = torch::arange(3, torch::kFloat).view({3, 1, 1});
    const auto j = torch::arange(4, torch::kFloat).view({1, 4, 1});
    const auto k = torch::arange(5, torch::kFloat).view({1, 1, 5});
    const auto values = 100 * i + 10 * j + k;
    const auto vectors = torch::stack({values, -values, 2 * values}, 3);
    writeLatentGridVti(file, unitBox, resolution, {{"value", values}, {"vector", vectors}});

    vtkNew<vtkXMLImageDataReader> reader;
    reader->SetFileName(file.c_str());
    reader->Update();
    vtkImageData* image = reader->GetOutput();
    int dims[3];
    image->GetDimensions(dims);
    EXPECT_EQ(dims[0], 3);
    EXPECT_EQ(dims[1], 4);
    EXPECT_EQ(dims[2], 5);
    double origin[3], spacing[3];
    image->GetOrigin(origin);
    image->GetSpacing(spacing);
    EXPECT_DOUBLE_EQ(origin[0], -0.3);
    EXPECT_DOUBLE_EQ(origin[2], 2.0);
    EXPECT_DOUBLE_EQ(spacing[0], 2.0 / 2);
    EXPECT_DOUBLE_EQ(spacing[1], 2.0 / 3);
    EXPECT_DOUBLE_EQ(spacing[2], 2.0 / 4);
    vtkDataArray* value = image->GetPointData()->GetArray("value");
    vtkDataArray* vector = image->GetPointData()->GetArray("vector");
    ASSERT_NE(value, nullptr);
    ASSERT_NE(vector, nullptr);
    ASSERT_EQ(vector->GetNumberOfComponents(), 3);
    for (int a = 0; a < 3; ++a)
    {
        for (int b = 0; b < 4; ++b)
        {
            for (int c = 0; c < 5; ++c)
            {
                int ijk[3] = {a, b, c};
                const vtkIdType id = image->ComputePointId(ijk);
                EXPECT_EQ(value->GetTuple1(id), 100 * a + 10 * b + c);
                EXPECT_EQ(vector->GetComponent(id, 1), -(100 * a + 10 * b + c));
            }
        }
    }

    // A mis-shaped array: an error, and nothing left beside the file
    EXPECT_HAS(
        test::errorOf(
            [&] {
                writeLatentGridVti(file, unitBox, resolution, {{"bad", values[0]}});
            }
        ),
        "array 'bad' has not the grid's shape"
    );
    int entries = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path))
    {
        ++entries;
    }
    EXPECT_EQ(entries, 1);
}
