// SpectralConv against direct references: a float64 DFT written out as
// matrices, a complex einsum for the contraction, finite differences for
// the gradient, and a band-limited signal on two grids for invariance;
// each with both transforms (FFTs and the truncated DFT's GEMMs).

#include "TestSupport.hpp"

#include "nop/layers/SpectralConv.hpp"
#include "nop/layers/TruncatedDFT.hpp"

#include <gtest/gtest.h>

#include <cmath>

using namespace nop;

namespace nop
{
// Test names and messages say fft or dft.
void PrintTo(SpectralTransform t, std::ostream* os)
{
    *os << toString(t);
}
} // namespace nop

namespace
{

/// Frequencies kept in a dimension of size n: both signs, or (last
/// dimension) 0..modes/2.
std::vector<int64_t> keptFrequencies(int64_t modes, int64_t n, bool last)
{
    std::vector<int64_t> k;
    if (last)
    {
        for (int64_t i = 0; i <= modes / 2; ++i)
            k.push_back(i);
        return k;
    }
    for (int64_t i = 0; i < (modes + 1) / 2; ++i)
        k.push_back(i);
    for (int64_t i = n - modes / 2; i < n; ++i)
        k.push_back(i - n);
    return k;
}


/// Apply matrix m (rows, n) along dimension `dim` of complex x.
torch::Tensor alongDim(const torch::Tensor& x, const torch::Tensor& m, int64_t dim)
{
    return torch::matmul(x.movedim(dim, -1), m.transpose(0, 1)).movedim(-1, dim);
}


/// The layer's operator in float64, from its definition: forward DFT (norm
/// "forward") restricted to the kept modes, contraction, then the real
/// inverse with weight 2 on the interior of the last dimension's half
/// spectrum (1 on DC and Nyquist).
torch::Tensor referenceSpectralConv(
    const torch::Tensor& x,      // (B, n..., I) float64
    const torch::Tensor& weight, // (I, O, k..., 2)
    const torch::Tensor& bias,   // (O)
    const std::vector<int64_t>& modes
)
{
    const int64_t nDims = int64_t(modes.size());
    const auto c128 = torch::TensorOptions().dtype(torch::kComplexDouble);
    auto spectrum = x.to(torch::kComplexDouble);
    std::vector<torch::Tensor> inverse;
    for (int64_t d = 0; d < nDims; ++d)
    {
        const int64_t n = x.size(d + 1);
        const bool last = d + 1 == nDims;
        const auto k = torch::tensor(keptFrequencies(modes[d], n, last), torch::kDouble);
        const auto j = torch::arange(n, torch::kDouble);
        const auto phase = torch::outer(k, j) * (2 * M_PI / double(n));
        const auto forward = torch::polar(torch::ones_like(phase), -phase) / double(n);
        auto backward = torch::polar(torch::ones_like(phase), phase).transpose(0, 1);
        if (last)
        {
            auto weightK = torch::full({k.size(0)}, 2.0, torch::kDouble);
            weightK[0] = 1;
            if (n % 2 == 0 && k.size(0) > n / 2)
                weightK[n / 2] = 1;
            backward = backward * weightK.to(c128.dtype());
        }
        spectrum = alongDim(spectrum, forward.to(c128.dtype()), d + 1);
        inverse.push_back(backward.to(c128.dtype()));
    }
    const auto w = torch::view_as_complex(weight.to(torch::kDouble).contiguous());
    // out[b,k,o] = sum_i x[b,k,i] w[i,o,k]
    auto y = nDims == 1   ? torch::einsum("bxi,iox->bxo", {spectrum, w})
             : nDims == 2 ? torch::einsum("bxyi,ioxy->bxyo", {spectrum, w})
                          : torch::einsum("bxyzi,ioxyz->bxyzo", {spectrum, w});
    for (int64_t d = 0; d < nDims; ++d)
    {
        y = alongDim(y, inverse[d], d + 1);
    }
    return torch::real(y) + bias.to(torch::kDouble);
}


struct Geometry
{
    std::vector<int64_t> sizes;
    std::vector<int64_t> modes;
};

void PrintTo(const Geometry& g, std::ostream* os)
{
    *os << "sizes " << c10::IntArrayRef(g.sizes) << " modes " << c10::IntArrayRef(g.modes);
}

const std::vector<SpectralTransform> bothTransforms{SpectralTransform::fft, SpectralTransform::dft};

class SpectralConvReference
    : public ::testing::TestWithParam<std::tuple<Geometry, SpectralTransform>>
{};

} // namespace


TEST_P(SpectralConvReference, MatchesFloat64DFT)
{
    torch::manual_seed(1);
    const auto& [g, transform] = GetParam();
    SpectralConv conv(SpectralConvOptions(3, 4, g.modes).transform(transform));
    torch::NoGradGuard noGrad;
    conv->bias.normal_();

    std::vector<int64_t> shape{2};
    shape.insert(shape.end(), g.sizes.begin(), g.sizes.end());
    shape.push_back(3);
    const auto x = torch::randn(shape);

    const auto y = conv->forward(x);
    const auto expected =
        referenceSpectralConv(x.to(torch::kDouble), conv->weight, conv->bias, g.modes);
    ASSERT_EQ(y.sizes(), expected.sizes());
    EXPECT_LT(test::relativeDifference(y, expected), 2e-6);
}

INSTANTIATE_TEST_SUITE_P(
    Dimensions,
    SpectralConvReference,
    ::testing::Combine(
        ::testing::Values(
            Geometry{{16}, {6}}, // even size, Nyquist not kept
            Geometry{{15}, {8}}, // odd size
            Geometry{{8}, {8}},  // Nyquist kept in the last dim
            Geometry{{12, 10}, {6, 6}},
            Geometry{{9, 8}, {5, 8}}, // odd modes, Nyquist kept
            Geometry{{8, 6, 10}, {4, 4, 6}},
            Geometry{{7, 9, 8}, {5, 7, 8}} // odd sizes and modes, Nyquist kept
        ),
        ::testing::ValuesIn(bothTransforms)
    )
);


// Each precision against the same float64 operator: full to float32
// rounding; mixed and half (bfloat16 contraction and output, half also
// rounds the input) within 2 % and not full's numbers.
class SpectralConvPrecision
    : public ::testing::TestWithParam<std::tuple<Precision, SpectralTransform>>
{};

TEST_P(SpectralConvPrecision, MatchesReference)
{
    torch::manual_seed(1);
    const auto [precision, transform] = GetParam();
    const std::vector<int64_t> modes{6, 6};
    SpectralConv conv(SpectralConvOptions(3, 4, modes).precision(precision).transform(transform));
    torch::NoGradGuard noGrad;
    conv->bias.normal_();
    const auto x = torch::randn({2, 12, 10, 3});

    const auto y = conv->forward(x);
    const auto expected =
        referenceSpectralConv(x.to(torch::kDouble), conv->weight, conv->bias, modes);
    ASSERT_EQ(y.sizes(), expected.sizes());
    const double error = test::relativeDifference(y, expected);
    if (precision == Precision::full)
    {
        EXPECT_EQ(y.scalar_type(), torch::kFloat);
        EXPECT_LT(error, 2e-6);
    }
    else
    {
        // The output stays in the reduced type for the layers after it
        EXPECT_EQ(y.scalar_type(), torch::kBFloat16);
        EXPECT_GT(error, 1e-4) << "the reduced path must be taken";
        EXPECT_LT(error, 2e-2);
    }
}

INSTANTIATE_TEST_SUITE_P(
    Precisions,
    SpectralConvPrecision,
    ::testing::Combine(
        ::testing::ValuesIn(test::allPrecisions),
        ::testing::ValuesIn(bothTransforms)
    ),
    [](const auto& info)
    { return toString(std::get<0>(info.param)) + "_" + toString(std::get<1>(info.param)); }
);


// The truncated DFT is the FFT's spectrum, restricted: every retained mode
// in the layout (batch, k1..kN, channels, 2), and its inverse is irfftn's.
TEST(TruncatedDFT, RetainedModesOfTheRealFFT)
{
    torch::manual_seed(5);
    for (const auto& g :
         {Geometry{{15}, {8}}, Geometry{{12, 9}, {7, 6}}, Geometry{{6, 8, 10}, {4, 5, 10}}})
    {
        SCOPED_TRACE(::testing::PrintToString(g));
        const int64_t nDims = int64_t(g.sizes.size());
        std::vector<int64_t> shape{2};
        shape.insert(shape.end(), g.sizes.begin(), g.sizes.end());
        shape.push_back(3);
        const auto x = torch::randn(shape, torch::kDouble);

        std::vector<int64_t> dims;
        for (int64_t d = 1; d <= nDims; ++d)
            dims.push_back(d);
        auto spectrum = torch::fft::rfftn(x, c10::nullopt, dims, "forward");
        auto padded = torch::zeros_like(spectrum);
        for (int64_t d = 0; d < nDims; ++d)
        {
            const bool last = d + 1 == nDims;
            auto index = torch::tensor(
                [&]
                {
                    std::vector<int64_t> k;
                    for (int64_t f : keptFrequencies(g.modes[d], g.sizes[d], last))
                        k.push_back(f < 0 ? f + g.sizes[d] : f);
                    return k;
                }(),
                torch::kLong
            );
            spectrum = spectrum.index_select(d + 1, index);
        }
        const auto modes = truncatedForwardDFT(x, g.modes);
        ASSERT_EQ(modes.sizes(), torch::view_as_real(spectrum).sizes());
        EXPECT_LT(test::relativeDifference(modes, torch::view_as_real(spectrum)), 1e-12);

        // Inverse of random modes against irfftn of the same modes padded.
        const auto y = torch::randn(modes.sizes(), torch::kDouble);
        const auto back = truncatedInverseDFT(y, g.sizes, g.modes);
        auto full = torch::view_as_complex(y.contiguous());
        for (int64_t d = 0; d < nDims; ++d)
        {
            const bool last = d + 1 == nDims;
            auto sizes = full.sizes().vec();
            sizes[d + 1] = last ? g.sizes[d] / 2 + 1 : g.sizes[d];
            std::vector<int64_t> k;
            for (int64_t f : keptFrequencies(g.modes[d], g.sizes[d], last))
                k.push_back(f < 0 ? f + g.sizes[d] : f);
            full = torch::zeros(sizes, full.options())
                       .index_copy(d + 1, torch::tensor(k, torch::kLong), full);
        }
        const auto expected = torch::fft::irfftn(full, g.sizes, dims, "forward");
        ASSERT_EQ(back.sizes(), expected.sizes());
        EXPECT_LT(test::relativeDifference(back, expected), 1e-12);
    }
}


TEST(SpectralConv, RealGemmContractionMatchesComplexEinsum)
{
    torch::manual_seed(2);
    const auto xModes = torch::randn({3, 5, 4, 6, 2}); // (B, k1, k2, I, 2)
    const auto weight = torch::randn({6, 7, 5, 4, 2}); // (I, O, k1, k2, 2)
    const auto y = contractModes(xModes, weight);

    const auto xc = torch::view_as_complex(xModes.to(torch::kDouble).contiguous());
    const auto wc = torch::view_as_complex(weight.to(torch::kDouble).contiguous());
    const auto expected = torch::view_as_real(torch::einsum("bxyi,ioxy->bxyo", {xc, wc}));
    EXPECT_LT(test::relativeDifference(y, expected), 1e-6);

    // In bfloat16 (8-bit mantissa) the same contraction differs by ~2^-8.
    const auto reduced = contractModes(xModes, weight, torch::kBFloat16);
    EXPECT_EQ(reduced.scalar_type(), torch::kFloat);
    const double error = test::relativeDifference(reduced, expected);
    EXPECT_GT(error, 1e-5);
    EXPECT_LT(error, 2e-2);
}


TEST(SpectralConv, DiscretisationInvariant)
{
    // A signal with frequencies below modes/2 is sampled exactly on both
    // grids, so the layer gives the same function on both.
    for (const auto transform : bothTransforms)
    {
        SCOPED_TRACE(toString(transform));
        torch::manual_seed(3);
        SpectralConv conv(SpectralConvOptions(2, 2, {8, 8}).transform(transform));
        const auto sample = [](int64_t n)
        {
            const auto t = torch::arange(n, torch::kDouble) / double(n) * 2 * M_PI;
            const auto gx = t.view({n, 1}), gy = t.view({1, n});
            const auto a =
                torch::sin(gx) + 0.5 * torch::cos(2 * gy) + 0.25 * torch::sin(gx + 3 * gy);
            const auto b = torch::cos(3 * gx - gy) - 0.3 * torch::sin(2 * gx);
            return torch::stack({a, b}, -1).unsqueeze(0).to(torch::kFloat);
        };
        torch::NoGradGuard noGrad;
        const auto coarse = conv->forward(sample(32));
        const auto fine = conv->forward(sample(64));
        const auto fineOnCoarse = fine.index(
            {torch::indexing::Slice(), torch::indexing::Slice(0, 64, 2),
             torch::indexing::Slice(0, 64, 2)}
        );
        EXPECT_LT(test::relativeDifference(fineOnCoarse, coarse), 1e-5);
    }
}


TEST(SpectralConv, GradientMatchesFiniteDifferencesInFloat64)
{
    for (const auto transform : bothTransforms)
    {
        SCOPED_TRACE(toString(transform));
        torch::manual_seed(4);
        SpectralConv conv(SpectralConvOptions(2, 3, {4, 4}).transform(transform));
        conv->to(torch::kDouble);
        {
            torch::NoGradGuard noGrad;
            conv->bias.normal_();
        }
        auto x = torch::randn({2, 6, 5, 2}, torch::kDouble).requires_grad_(true);
        const auto r = torch::randn({2, 6, 5, 3}, torch::kDouble);
        const auto objective = [&]() { return (conv->forward(x) * r).sum(); };

        objective().backward();
        const auto gradX = x.grad().clone();
        const auto gradW = conv->weight.grad().clone();

        torch::NoGradGuard noGrad;
        const double h = 1e-6;
        const auto check = [&](torch::Tensor& p, const torch::Tensor& grad)
        {
            auto flat = p.view(-1);
            for (int64_t i = 0; i < flat.numel(); i += std::max<int64_t>(1, flat.numel() / 17))
            {
                const double keep = flat[i].item<double>();
                flat[i] = keep + h;
                const double up = objective().item<double>();
                flat[i] = keep - h;
                const double down = objective().item<double>();
                flat[i] = keep;
                const double numeric = (up - down) / (2 * h);
                EXPECT_NEAR(
                    grad.view(-1)[i].item<double>(), numeric, 1e-6 * (1 + std::abs(numeric))
                ) << "entry "
                  << i;
            }
        };
        check(x, gradX);
        check(conv->weight, gradW);
    }
}


TEST(SpectralConv, RejectsGridsSmallerThanModes)
{
    for (const auto transform : bothTransforms)
    {
        SpectralConv conv(SpectralConvOptions(1, 1, {16}).transform(transform));
        EXPECT_THROW(conv->forward(torch::randn({1, 8, 1})), c10::Error);
        EXPECT_THROW(conv->forward(torch::randn({1, 1, 32})), c10::Error); // channels-first
    }
}


TEST(SpectralConv, AutomaticTransformIsTheDFTOnCPU)
{
    SpectralConv conv(SpectralConvOptions(1, 1, {4}));
    EXPECT_TRUE(conv->usesDFT(torch::kCPU));
    EXPECT_FALSE(conv->usesDFT(torch::Device(torch::kCUDA, 0)));
    torch::nn::Sequential model(conv);
    setSpectralTransform(*model, SpectralTransform::fft);
    EXPECT_FALSE(conv->usesDFT(torch::kCPU));
}
