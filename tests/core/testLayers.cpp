// The pointwise layers and helpers of the FNO against references written
// out by hand: ChannelMLP as per-point Linear-GELU-Linear loops over its
// weights (GELU as x/2 (1 + erf(x/sqrt 2))), SoftGating as a per-channel
// product, the grid embedding's coordinates as i/n, the domain padding's
// sizes and zeros, and the stabiliser of the Fourier blocks on the
// spectral path only.

#include "TestSupport.hpp"

#include "nop/layers/ChannelMLP.hpp"
#include "nop/layers/DomainPadding.hpp"
#include "nop/layers/FNOBlocks.hpp"
#include "nop/layers/GridEmbedding.hpp"
#include "nop/layers/PointwiseLinear.hpp"
#include "nop/layers/SoftGating.hpp"
#include "nop/models/FNO.hpp"
#include "nop/precision/ReducedPrecision.hpp"

#include <gtest/gtest.h>

#include <cmath>

using namespace nop;

namespace
{

double gelu(double x)
{
    return 0.5 * x * (1 + std::erf(x / std::sqrt(2.0)));
}


/// W x + b for one point, in double, from a Linear's weights.
std::vector<double> linear(const torch::nn::LinearImpl& layer, const std::vector<double>& x)
{
    const auto w = layer.weight.to(torch::kDouble).contiguous();
    const auto b = layer.bias.to(torch::kDouble).contiguous();
    const auto wa = w.accessor<double, 2>();
    const auto ba = b.accessor<double, 1>();
    std::vector<double> y(size_t(w.size(0)));
    for (int64_t o = 0; o < w.size(0); ++o)
    {
        double sum = ba[o];
        for (int64_t i = 0; i < w.size(1); ++i)
        {
            sum += wa[o][i] * x[size_t(i)];
        }
        y[size_t(o)] = sum;
    }
    return y;
}


/// `mlp` applied by hand to every point of a channels-last tensor, one
/// point at a time: Linear, GELU, ..., GELU, Linear.
torch::Tensor channelMLPByHand(ChannelMLPImpl& mlp, const torch::Tensor& x)
{
    const int64_t in = x.size(-1);
    const auto points = x.to(torch::kDouble).reshape({-1, in}).contiguous();
    const auto pa = points.accessor<double, 2>();
    const size_t nLayers = mlp.layers->size();
    std::vector<torch::Tensor> rows;
    for (int64_t p = 0; p < points.size(0); ++p)
    {
        std::vector<double> h(static_cast<size_t>(in));
        for (int64_t c = 0; c < in; ++c)
        {
            h[size_t(c)] = pa[p][c];
        }
        for (size_t l = 0; l < nLayers; ++l)
        {
            h = linear(*mlp.layers[l]->as<torch::nn::LinearImpl>(), h);
            if (l + 1 < nLayers)
            {
                for (double& v : h)
                {
                    v = gelu(v);
                }
            }
        }
        rows.push_back(torch::tensor(h, torch::kDouble));
    }
    std::vector<int64_t> shape = x.sizes().vec();
    shape.back() = rows.front().size(0);
    return torch::stack(rows).view(shape);
}


/// Copy every parameter of `from` into `to` (same architecture).
void copyParameters(const torch::nn::Module& from, torch::nn::Module& to)
{
    torch::NoGradGuard noGrad;
    const auto source = from.named_parameters();
    auto target = to.named_parameters();
    ASSERT_EQ(source.size(), target.size());
    for (auto& item : target)
    {
        item.value().copy_(source[item.key()]);
    }
}

} // namespace


// ChannelMLP ------------------------------------------------------------------

TEST(ChannelMLP, IsAPerPointLinearGeluLinear)
{
    torch::manual_seed(11);
    for (const int64_t nLayers : {1, 2, 3})
    {
        ChannelMLP mlp(ChannelMLPOptions(3, 4, 6).nLayers(nLayers));
        ASSERT_EQ(int64_t(mlp->layers->size()), nLayers);
        const auto x = torch::randn({2, 5, 3, 3}); // (batch, d1, d2, in)
        torch::NoGradGuard noGrad;
        const auto y = mlp->forward(x);
        ASSERT_EQ(y.sizes(), (std::vector<int64_t>{2, 5, 3, 4}));
        EXPECT_EQ(y.scalar_type(), torch::kFloat);
        EXPECT_LT(test::relativeDifference(y, channelMLPByHand(*mlp, x)), 1e-6)
            << nLayers << " layers";
    }

    // Widths as the options say: in -> hidden -> hidden -> out
    ChannelMLP mlp(ChannelMLPOptions(3, 4, 6).nLayers(3));
    const auto shape = [&](size_t l)
    { return mlp->layers[l]->as<torch::nn::LinearImpl>()->weight.sizes().vec(); };
    EXPECT_EQ(shape(0), (std::vector<int64_t>{6, 3}));
    EXPECT_EQ(shape(1), (std::vector<int64_t>{6, 6}));
    EXPECT_EQ(shape(2), (std::vector<int64_t>{4, 6}));
    EXPECT_THROW(ChannelMLP(ChannelMLPOptions(3, 4, 6).nLayers(0)), c10::Error);
}


TEST(ChannelMLP, FullPrecisionOutputIsFloat32UnderAutocast)
{
    torch::manual_seed(12);
    ChannelMLP plain(ChannelMLPOptions(3, 2, 8));
    ChannelMLP full(ChannelMLPOptions(3, 2, 8).fullPrecisionOutput(true));
    copyParameters(*plain, *full);
    const auto x = torch::randn({4, 16, 3});
    torch::NoGradGuard noGrad;
    const auto expected = channelMLPByHand(*plain, x);

    AutocastScope autocast(true, torch::kCPU, torch::kBFloat16);
    const auto reduced = plain->forward(x);
    const auto last = full->forward(x);
    EXPECT_EQ(reduced.scalar_type(), torch::kBFloat16);
    EXPECT_EQ(last.scalar_type(), torch::kFloat);
    // bfloat16 has 8 bits: both near the reference, the float32 output
    // layer nearer (no rounding of the output itself)
    const double reducedError = test::relativeDifference(reduced, expected);
    const double lastError = test::relativeDifference(last, expected);
    EXPECT_LT(reducedError, 2e-2);
    EXPECT_LT(lastError, reducedError);
}


// PointwiseLinear -------------------------------------------------------------

TEST(PointwiseLinear, EqualsLinearInValuesAndGradientsOnGridsAndPoints)
{
    torch::manual_seed(13);
    // Enough points for the convolution path: 2D and 3D grids, rows of
    // points; and a few points (torch::linear)
    const std::vector<std::vector<int64_t>> shapes{
        {2, 64, 64, 8}, {2, 16, 16, 16, 8}, {5000, 8}, {3, 7, 8}};
    for (const auto& shape : shapes)
    {
        for (const bool withBias : {true, false})
        {
            const auto x = torch::randn(shape, torch::requires_grad());
            const auto w = torch::randn({5, 8}, torch::requires_grad());
            const auto b = withBias ? torch::randn({5}, torch::requires_grad()) : torch::Tensor();
            const auto g = torch::randn_like(torch::linear(x, w, b));

            std::vector<torch::Tensor> inputs{x, w};
            if (withBias)
            {
                inputs.push_back(b);
            }
            const auto y = pointwiseLinear(x, w, b);
            const auto reference = torch::linear(x, w, b);
            const auto grads = torch::autograd::grad({y}, inputs, {g});
            const auto expected = torch::autograd::grad({reference}, inputs, {g});
            const std::string what = c10::str(shape, withBias ? " with bias" : "");
            ASSERT_EQ(y.sizes(), reference.sizes()) << what;
            EXPECT_LT(test::relativeDifference(y, reference), 1e-5) << what;
            for (size_t i = 0; i < inputs.size(); ++i)
            {
                EXPECT_LT(test::relativeDifference(grads[i], expected[i]), 1e-5)
                    << what << ", gradient " << i;
            }
        }
    }

    // Under autocast as torch::linear: bfloat16 out, near the float32 map
    torch::NoGradGuard noGrad;
    const auto x = torch::randn({2, 64, 64, 8});
    const auto w = torch::randn({5, 8});
    const auto expected = torch::linear(x, w);
    AutocastScope autocast(true, torch::kCPU, torch::kBFloat16);
    const auto y = pointwiseLinear(x, w);
    EXPECT_EQ(y.scalar_type(), torch::kBFloat16);
    EXPECT_LT(test::relativeDifference(y, expected), 2e-2);
}


// SoftGating ------------------------------------------------------------------

TEST(SoftGating, ScalesEachChannelByItsWeight)
{
    torch::manual_seed(13);
    SoftGating gating(3);
    const auto x = torch::randn({2, 4, 5, 3});
    // Initialised to ones: the identity
    EXPECT_TRUE(torch::equal(gating->weight, torch::ones({3})));
    EXPECT_TRUE(torch::equal(gating->forward(x), x));

    {
        torch::NoGradGuard noGrad;
        gating->weight.copy_(torch::tensor({2.0f, -0.5f, 0.0f}));
    }
    const auto y = gating->forward(x);
    ASSERT_EQ(y.sizes(), x.sizes());
    const auto xa = x.accessor<float, 4>();
    const auto ya = y.accessor<float, 4>();
    const float w[3] = {2.0f, -0.5f, 0.0f};
    for (int64_t b = 0; b < 2; ++b)
        for (int64_t i = 0; i < 4; ++i)
            for (int64_t j = 0; j < 5; ++j)
                for (int64_t c = 0; c < 3; ++c)
                {
                    EXPECT_EQ(ya[b][i][j][c], xa[b][i][j][c] * w[c]) << b << i << j << c;
                }

    // A learned parameter: the gradient of sum(y) is the sum of x per channel
    gating->forward(x).sum().backward();
    EXPECT_LT(test::relativeDifference(gating->weight.grad(), x.sum({0, 1, 2})), 1e-6);
}


// Grid embedding --------------------------------------------------------------

TEST(GridEmbedding, AppendsCoordinatesInZeroToOnePerDimension)
{
    // 2D: (batch 2, 4 x 3 points, 2 channels) -> 4 channels
    const auto x = torch::randn({2, 4, 3, 2});
    const auto y = appendGridCoordinates(x, 2);
    ASSERT_EQ(y.sizes(), (std::vector<int64_t>{2, 4, 3, 4}));
    EXPECT_TRUE(torch::equal(y.narrow(-1, 0, 2), x));
    const auto ya = y.accessor<float, 4>();
    for (int64_t b = 0; b < 2; ++b)
        for (int64_t i = 0; i < 4; ++i)
            for (int64_t j = 0; j < 3; ++j)
            {
                EXPECT_FLOAT_EQ(ya[b][i][j][2], float(i) / 4.0f) << i << " " << j;
                EXPECT_FLOAT_EQ(ya[b][i][j][3], float(j) / 3.0f) << i << " " << j;
            }
    EXPECT_EQ(y.narrow(-1, 2, 2).min().item<float>(), 0.0f);
    EXPECT_LT(y.narrow(-1, 2, 2).max().item<float>(), 1.0f);

    // 1D and 3D: coordinate d of point i is i/n_d
    const auto y1 = appendGridCoordinates(torch::zeros({1, 5, 1}), 1);
    ASSERT_EQ(y1.sizes(), (std::vector<int64_t>{1, 5, 2}));
    EXPECT_TRUE(
        torch::allclose(y1.select(-1, 1).flatten(), torch::tensor({0.0f, 0.2f, 0.4f, 0.6f, 0.8f}))
    );

    const auto y3 = appendGridCoordinates(torch::zeros({1, 2, 3, 4, 1}), 3);
    ASSERT_EQ(y3.sizes(), (std::vector<int64_t>{1, 2, 3, 4, 4}));
    const auto a3 = y3.accessor<float, 5>();
    for (int64_t i = 0; i < 2; ++i)
        for (int64_t j = 0; j < 3; ++j)
            for (int64_t k = 0; k < 4; ++k)
            {
                EXPECT_FLOAT_EQ(a3[0][i][j][k][1], float(i) / 2.0f);
                EXPECT_FLOAT_EQ(a3[0][i][j][k][2], float(j) / 3.0f);
                EXPECT_FLOAT_EQ(a3[0][i][j][k][3], float(k) / 4.0f);
            }

    EXPECT_THROW(appendGridCoordinates(torch::zeros({1, 5, 1}), 2), c10::Error);
}


// Domain padding --------------------------------------------------------------

TEST(DomainPadding, PadsEachDimensionAtItsEndWithZerosAndUnpadsToTheInput)
{
    const auto x = torch::randn({2, 5, 7, 3}) + 10; // no zero inside
    // round(0.25*5) = 1, round(0.25*7) = 2 points at the end of each
    // spatial dimension; batch and channels untouched
    const auto padded = padDomain(x, 0.25);
    ASSERT_EQ(padded.sizes(), (std::vector<int64_t>{2, 6, 9, 3}));
    using torch::indexing::Slice;
    EXPECT_TRUE(torch::equal(padded.index({Slice(), Slice(0, 5), Slice(0, 7)}), x));
    EXPECT_TRUE(torch::equal(padded.index({Slice(), Slice(5, 6)}), torch::zeros({2, 1, 9, 3})));
    EXPECT_TRUE(
        torch::equal(padded.index({Slice(), Slice(), Slice(7, 9)}), torch::zeros({2, 6, 2, 3}))
    );
    EXPECT_EQ((padded != 0).sum().item<int64_t>(), x.numel());

    const auto back = unpadDomain(padded, {5, 7});
    EXPECT_TRUE(torch::equal(back, x));

    // 1D and 3D; fraction 0 is no padding
    const auto x1 = torch::randn({1, 10, 2}) + 10;
    const auto p1 = padDomain(x1, 0.5);
    EXPECT_EQ(p1.sizes(), (std::vector<int64_t>{1, 15, 2}));
    EXPECT_TRUE(torch::equal(unpadDomain(p1, {10}), x1));
    const auto x3 = torch::randn({1, 4, 8, 2, 1}) + 10;
    const auto p3 = padDomain(x3, 0.5);
    EXPECT_EQ(p3.sizes(), (std::vector<int64_t>{1, 6, 12, 3, 1}));
    EXPECT_EQ((p3 != 0).sum().item<int64_t>(), x3.numel());
    EXPECT_TRUE(torch::equal(unpadDomain(p3, {4, 8, 2}), x3));
    EXPECT_TRUE(torch::equal(padDomain(x, 0), x));
}


TEST(DomainPadding, FNOPredictsOnTheInputGrid)
{
    // The padded FNO returns the input's grid, and the pad changes the
    // result (it is not periodic any more)
    torch::manual_seed(14);
    FNO padded(FNOOptions(1, 2, {4, 4}).hiddenChannels(4).nLayers(1).domainPadding(0.5));
    FNO plain(FNOOptions(1, 2, {4, 4}).hiddenChannels(4).nLayers(1));
    copyParameters(*padded, *plain);
    torch::NoGradGuard noGrad;
    const auto x = torch::randn({2, 1, 8, 6});
    const auto y = padded->forward(x);
    EXPECT_EQ(y.sizes(), (std::vector<int64_t>{2, 2, 8, 6}));
    EXPECT_GT(test::relativeDifference(y, plain->forward(x)), 1e-3);
}


// Stabiliser ------------------------------------------------------------------

// Block: y = gelu(K(s(x)) + W x), out = MLP(y) + G(x). With s = tanh on
// the spectral path only, the output is not that of an unstabilised block
// fed tanh(x) (tanh on both paths), and it is the formula's, term by term.
TEST(FNOBlocks, StabiliserActsOnTheSpectralPathOnly)
{
    torch::manual_seed(15);
    FNOBlocks stabilised(FNOBlocksOptions(4, {4, 4}, 1).stabiliser(Stabiliser::tanh));
    FNOBlocks plain(FNOBlocksOptions(4, {4, 4}, 1).stabiliser(Stabiliser::none));
    copyParameters(*stabilised, *plain);
    torch::NoGradGuard noGrad;
    const auto x = 3 * torch::randn({2, 8, 8, 4}); // tanh far from the identity here

    const auto y = stabilised->forward(x);
    const auto tanhEverywhere = plain->forward(torch::tanh(x));
    const auto noTanh = plain->forward(x);
    EXPECT_GT(test::relativeDifference(y, tanhEverywhere), 0.05);
    EXPECT_GT(test::relativeDifference(y, noTanh), 0.05);

    // The formula, with tanh on the spectral input alone
    auto& block = *stabilised;
    const auto spectral = block.convs[0]->as<SpectralConvImpl>()->forward(torch::tanh(x));
    const auto skip = block.fnoSkips[0]->as<torch::nn::LinearImpl>()->forward(x);
    const auto inner = torch::gelu(spectral + skip);
    const auto expected = block.channelMLPs[0]->as<ChannelMLPImpl>()->forward(inner)
                          + block.channelMLPSkips[0]->as<SoftGatingImpl>()->forward(x);
    EXPECT_LT(test::relativeDifference(y, expected), 1e-6);

    // The FNO hands its stabiliser to its blocks
    FNO fno(FNOOptions(1, 1, {4}).stabiliser(Stabiliser::tanh));
    EXPECT_EQ(fno->blocks->options.stabiliser(), Stabiliser::tanh);
}
