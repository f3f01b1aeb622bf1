#pragma once

// Helpers shared by the core test suites.

#include "nop/precision/Precision.hpp"

#include <gtest/gtest.h>
#include <torch/torch.h>

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

} // namespace nop::test
