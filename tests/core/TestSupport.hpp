#pragma once

// Helpers shared by the core test suites.

#include "nop/precision/Precision.hpp"
#include "nop/surface/Surface.hpp"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <array>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <string>

namespace nop
{

/// Precisions and stabilisers by keyword in gtest's messages.
inline void PrintTo(Precision p, std::ostream* os)
{
    *os << toString(p);
}

inline void PrintTo(Stabiliser s, std::ostream* os)
{
    *os << toString(s);
}

} // namespace nop

namespace nop::test
{

/// The shared reference data folder: $NOP_SHARED_DATA, else <project>/../shared/data.
inline std::string sharedData()
{
    const char* env = std::getenv("NOP_SHARED_DATA");
    return env ? env : NOP_SHARED_DATA_DEFAULT;
}

/// Path of a shared data file, or "" when it is absent (the test skips).
inline std::string sharedFile(const std::string& relative)
{
    const auto path = std::filesystem::path(sharedData()) / relative;
    return std::filesystem::exists(path) ? path.string() : "";
}

/// `text` holds `part` (the text is shown when it does not).
#define EXPECT_HAS(text, part) EXPECT_NE((text).find(part), std::string::npos) << (text)

/// The message of what `f` throws, "no error" when it throws nothing.
inline std::string errorOf(const std::function<void()>& f)
{
    try
    {
        f();
    }
    catch (const std::exception& e)
    {
        return e.what();
    }
    return "no error";
}

/// ||a - b|| / ||b|| over all entries.
inline double relativeDifference(const torch::Tensor& a, const torch::Tensor& b)
{
    return ((a.to(torch::kDouble) - b.to(torch::kDouble)).norm() / b.to(torch::kDouble).norm())
        .item<double>();
}

/// The precisions, for INSTANTIATE_TEST_SUITE_P(Precisions, ...).
inline const std::vector<Precision> allPrecisions{
    Precision::full, Precision::mixed, Precision::half};
inline const std::vector<Precision> reducedPrecisions{Precision::mixed, Precision::half};

/// Test names by precision keyword: Precisions/Suite.Test/mixed.
inline std::string precisionName(const ::testing::TestParamInfo<Precision>& info)
{
    return toString(info.param);
}

/// A fresh temporary directory, removed at the end of the test.
struct TemporaryDirectory
{
    TemporaryDirectory()
    {
        auto base = std::filesystem::temp_directory_path() / "nopTest.XXXXXX";
        std::string pattern = base.string();
        path = ::mkdtemp(pattern.data());
    }
    ~TemporaryDirectory() { std::filesystem::remove_all(path); }
    std::string file(const std::string& name) const { return (path / name).string(); }
    std::filesystem::path path;
};

/// The box [origin, origin + size] as 8 corners and 12 triangles, the
/// right-hand rule giving the outward normal (corner i has x, y, z from
/// its bits 0, 1, 2).
inline Surface box(
    std::array<double, 3> origin = {0.3, -0.2, 1.0},
    std::array<double, 3> size = {2.0, 1.5, 0.5}
)
{
    auto points = torch::empty({8, 3}, torch::kDouble);
    for (int64_t i = 0; i < 8; ++i)
    {
        for (int64_t axis = 0; axis < 3; ++axis)
        {
            points[i][axis] = origin[size_t(axis)] + double((i >> axis) & 1) * size[size_t(axis)];
        }
    }
    const int64_t quads[6][4] = {{0, 2, 3, 1}, {4, 5, 7, 6}, {0, 1, 5, 4},
                                 {2, 6, 7, 3}, {0, 4, 6, 2}, {1, 3, 7, 5}};
    auto triangles = torch::empty({12, 3}, torch::kLong);
    for (int64_t f = 0; f < 6; ++f)
    {
        const auto* q = quads[f];
        triangles[2 * f] = torch::tensor({q[0], q[1], q[2]});
        triangles[2 * f + 1] = torch::tensor({q[0], q[2], q[3]});
    }
    return makeSurface(points, triangles, "box");
}

} // namespace nop::test
