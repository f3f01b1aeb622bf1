// The GNO layers against references written out by hand: the sinusoidal
// embedding as per-coordinate sines and cosines, the integral transform as
// a loop over rows and neighbours in double, the integral of a constant and
// of a linear function over a disc against pi r^2 f(x) on a fine lattice,
// chunked against unchunked (values and gradients), packed samples against
// one by one, and mixed precision against full.

#include "TestSupport.hpp"

#include "nop/layers/IntegralTransform.hpp"
#include "nop/layers/SinusoidalEmbedding.hpp"
#include "nop/precision/ReducedPrecision.hpp"

#include <gtest/gtest.h>

#include <cmath>

using namespace nop;

namespace
{

/// CSR lists of the points of `data` within `radius` of each query (brute
/// force: the tests of the layer do not depend on the search).
std::pair<torch::Tensor, torch::Tensor> bruteNeighbours(
    const torch::Tensor& data,
    const torch::Tensor& queries,
    double radius
)
{
    const auto d2 = torch::cdist(queries.to(torch::kDouble), data.to(torch::kDouble)).pow(2);
    const auto inside = d2 <= radius * radius;
    std::vector<int64_t> indices;
    std::vector<int64_t> splits{0};
    const auto a = inside.accessor<bool, 2>();
    for (int64_t i = 0; i < inside.size(0); ++i)
    {
        for (int64_t j = 0; j < inside.size(1); ++j)
        {
            if (a[i][j])
            {
                indices.push_back(j);
            }
        }
        splits.push_back(int64_t(indices.size()));
    }
    return {torch::tensor(indices, torch::kLong), torch::tensor(splits, torch::kLong)};
}


/// A kernel whose output is 1 everywhere: every weight 0, last bias 1.
void makeKernelConstant(IntegralTransformImpl& gno)
{
    torch::NoGradGuard noGrad;
    for (auto& p : gno.kernel->parameters())
    {
        p.zero_();
    }
    gno.kernel[gno.kernel->size() - 1]->as<torch::nn::Linear>()->bias.fill_(1);
}


/// The kernel applied to one feature vector in double, layer by layer.
std::vector<double> kernelByHand(IntegralTransformImpl& gno, std::vector<double> v)
{
    const size_t n = gno.kernel->size();
    for (size_t l = 0; l < n; ++l)
    {
        const auto& layer = *gno.kernel[l]->as<torch::nn::Linear>();
        const auto w = layer.weight.to(torch::kDouble).contiguous();
        const auto b = layer.bias.to(torch::kDouble).contiguous();
        std::vector<double> out(size_t(w.size(0)));
        for (int64_t o = 0; o < w.size(0); ++o)
        {
            double sum = b[o].item<double>();
            for (int64_t i = 0; i < w.size(1); ++i)
            {
                sum += w[o][i].item<double>() * v[size_t(i)];
            }
            out[size_t(o)] = l + 1 < n ? 0.5 * sum * (1 + std::erf(sum / std::sqrt(2.0))) : sum;
        }
        v = out;
    }
    return v;
}


std::vector<double> row(const torch::Tensor& t, int64_t i)
{
    const auto r = t[i].to(torch::kDouble).contiguous();
    return std::vector<double>(r.data_ptr<double>(), r.data_ptr<double>() + r.numel());
}


/// A square lattice of spacing h over [0, 1]^2.
torch::Tensor lattice(int64_t n)
{
    const auto t = torch::arange(n + 1, torch::kDouble) / double(n);
    const auto grids = torch::meshgrid({t, t}, "ij");
    return torch::stack({grids[0].flatten(), grids[1].flatten()}, 1).to(torch::kFloat);
}

} // namespace


TEST(SinusoidalEmbedding, SinesAndCosinesOfEachCoordinateAndFrequency)
{
    for (const EmbeddingKind kind : {EmbeddingKind::transformer, EmbeddingKind::nerf})
    {
        const int64_t F = 4;
        SinusoidalEmbedding embed(SinusoidalEmbeddingOptions(3, F).kind(kind).maxPositions(100));
        const auto x = torch::rand({5, 3});
        const auto e = embed->forward(x);
        ASSERT_EQ(e.sizes(), (std::vector<int64_t>{5, 2 * 3 * F}));
        for (int64_t p = 0; p < 5; ++p)
        {
            for (int64_t c = 0; c < 3; ++c)
            {
                for (int64_t k = 0; k < F; ++k)
                {
                    const double w = kind == EmbeddingKind::nerf ? std::pow(2.0, double(k)) * M_PI
                                                                 : std::pow(100.0, -double(k) / F);
                    const double phase = w * x[p][c].item<double>();
                    EXPECT_NEAR(e[p][2 * (c * F + k)].item<double>(), std::sin(phase), 2e-6)
                        << toString(kind) << " point " << p << " coordinate " << c << " k " << k;
                    EXPECT_NEAR(e[p][2 * (c * F + k) + 1].item<double>(), std::cos(phase), 2e-6);
                }
            }
        }
    }
}


TEST(SinusoidalEmbedding, StaysFloat32UnderAutocast)
{
    SinusoidalEmbedding embed(SinusoidalEmbeddingOptions(2, 8).kind(EmbeddingKind::nerf));
    const auto x = torch::rand({7, 2});
    const auto full = embed->forward(x);
    AutocastScope autocast(true, torch::kCPU, torch::kBFloat16);
    const auto reduced = embed->forward(x);
    EXPECT_EQ(reduced.scalar_type(), torch::kFloat);
    EXPECT_TRUE(torch::equal(full, reduced));
}


// Every pair's kernel value, summed or averaged per row: the gather of y
// by index and of x by row, the order (y, x, f) of the kernel's input and
// the reduction, against a double loop
TEST(IntegralTransform, EqualsALoopOverRowsAndNeighbours)
{
    torch::manual_seed(3);
    const auto y = torch::rand({40, 2});
    const auto x = torch::rand({9, 2});
    const auto f = torch::randn({40, 3});
    const auto [indices, splits] = bruteNeighbours(y, x, 0.3);
    ASSERT_GT(indices.size(0), 20);

    for (const GNOTransform transform : {GNOTransform::linear, GNOTransform::nonlinear})
    {
        for (const GNOReduction reduction : {GNOReduction::sum, GNOReduction::mean})
        {
            IntegralTransform gno(IntegralTransformOptions(2, 3, 3)
                                      .kernelHidden({8, 5})
                                      .transform(transform)
                                      .reduction(reduction)
                                      .embeddingFrequencies(2));
            const auto out = gno->forward(y, x, indices, splits, f);
            const auto ey = gno->embedding->forward(y);
            const auto ex = gno->embedding->forward(x);
            for (int64_t i = 0; i < x.size(0); ++i)
            {
                std::vector<double> expected(3, 0.0);
                const int64_t begin = splits[i].item<int64_t>();
                const int64_t end = splits[i + 1].item<int64_t>();
                for (int64_t p = begin; p < end; ++p)
                {
                    const int64_t j = indices[p].item<int64_t>();
                    std::vector<double> in = row(ey, j);
                    const auto xi = row(ex, i);
                    in.insert(in.end(), xi.begin(), xi.end());
                    const auto fj = row(f, j);
                    if (transform == GNOTransform::nonlinear)
                    {
                        in.insert(in.end(), fj.begin(), fj.end());
                    }
                    const auto k = kernelByHand(*gno, in);
                    for (size_t c = 0; c < 3; ++c)
                    {
                        expected[c] += k[c] * fj[c];
                    }
                }
                for (size_t c = 0; c < 3; ++c)
                {
                    const double value = reduction == GNOReduction::mean && end > begin
                                             ? expected[c] / double(end - begin)
                                             : expected[c];
                    EXPECT_NEAR(
                        out[i][int64_t(c)].item<double>(), value, 1e-5 * (1 + std::abs(value))
                    ) << toString(transform)
                      << " " << toString(reduction) << " row " << i;
                }
            }
        }
    }
}


// With k = 1 and quadrature weights h^2, the sum is the integral of f over
// the disc of radius r: pi r^2 for f = 1, pi r^2 f(x) for a linear f (the
// disc is symmetric about x). The mean of a linear f over a lattice disc
// centred on a lattice point is f(x) exactly.
TEST(IntegralTransform, IntegratesConstantAndLinearFunctionsOverADisc)
{
    // h = 1/400; r between lattice distances, so that rounding cannot
    // take a point at exactly r in on one side of x and out on the other
    const int64_t n = 400;
    const double h = 1.0 / double(n), r = 20.5 * h;
    const auto y = lattice(n);
    const auto x = torch::tensor({{0.5, 0.5}, {0.3, 0.6}, {0.7, 0.25}}, torch::kFloat);
    const auto [indices, splits] = bruteNeighbours(y, x, r);
    const auto weights = torch::full({y.size(0)}, h * h);

    const auto linear = [](const torch::Tensor& p)
    { return 1.0 + 2.0 * p.select(1, 0) - 3.0 * p.select(1, 1); };
    const auto f = torch::stack({torch::ones({y.size(0)}), linear(y)}, 1);

    IntegralTransform integral(IntegralTransformOptions(2, 2, 2).kernelHidden({4}));
    makeKernelConstant(*integral);
    const auto out = integral->forward(y, x, indices, splits, f, weights);
    const double area = M_PI * r * r;
    const auto fx = linear(x);
    for (int64_t i = 0; i < x.size(0); ++i)
    {
        // Lattice points in a disc of radius r/h = 20.5: relative error ~ (r/h)^(-4/3)
        EXPECT_NEAR(out[i][0].item<double>(), area, 0.01 * area) << "constant, point " << i;
        EXPECT_NEAR(out[i][1].item<double>(), area * fx[i].item<double>(), 0.01 * area)
            << "linear, point " << i;
    }

    IntegralTransform mean(
        IntegralTransformOptions(2, 2, 2).kernelHidden({4}).reduction(GNOReduction::mean)
    );
    makeKernelConstant(*mean);
    const auto means = mean->forward(y, x, indices, splits, f);
    for (int64_t i = 0; i < x.size(0); ++i)
    {
        EXPECT_NEAR(means[i][0].item<double>(), 1.0, 1e-6);
        EXPECT_NEAR(means[i][1].item<double>(), fx[i].item<double>(), 1e-4) << "point " << i;
    }
}


TEST(IntegralTransform, ChunkedEqualsUnchunkedValuesAndGradients)
{
    torch::manual_seed(5);
    const auto y = torch::rand({60, 3});
    const auto x = torch::rand({25, 3});
    const auto [indices, splits] = bruteNeighbours(y, x, 0.35);
    const int64_t pairs = indices.size(0);
    ASSERT_GT(pairs, 50);

    IntegralTransform whole(IntegralTransformOptions(3, 4, 4)
                                .kernelHidden({16, 16})
                                .transform(GNOTransform::nonlinear)
                                .embeddingFrequencies(3));
    const auto f = torch::randn({60, 4}).requires_grad_(true);
    const auto reference = whole->forward(y, x, indices, splits, f);
    reference.square().sum().backward();
    const auto fGrad = f.grad().clone();
    std::vector<torch::Tensor> grads;
    for (const auto& p : whole->parameters())
    {
        grads.push_back(p.grad().clone());
    }

    for (const int64_t chunk : {int64_t(1), int64_t(7), pairs - 1, pairs, pairs + 5})
    {
        auto chunked = std::dynamic_pointer_cast<IntegralTransformImpl>(whole->clone());
        chunked->options.chunkSize(chunk);
        chunked->zero_grad();
        f.mutable_grad().zero_();
        const auto out = chunked->forward(y, x, indices, splits, f);
        EXPECT_LT(test::relativeDifference(out, reference), 1e-6) << "chunk " << chunk;
        out.square().sum().backward();
        EXPECT_LT(test::relativeDifference(f.grad(), fGrad), 1e-6) << "chunk " << chunk;
        const auto params = chunked->parameters();
        for (size_t i = 0; i < params.size(); ++i)
        {
            EXPECT_LT(test::relativeDifference(params[i].grad(), grads[i]), 1e-5)
                << "chunk " << chunk << " parameter " << i;
        }
    }
}


// Two samples packed one after the other (indices of the second shifted by
// the first's points) give each sample's own result
TEST(IntegralTransform, PackedSamplesEqualOneByOne)
{
    torch::manual_seed(8);
    const auto y1 = torch::rand({30, 3}), y2 = torch::rand({45, 3});
    const auto x1 = torch::rand({10, 3}), x2 = torch::rand({17, 3});
    const auto f1 = torch::randn({30, 2}), f2 = torch::randn({45, 2});
    const auto [i1, s1] = bruteNeighbours(y1, x1, 0.4);
    const auto [i2, s2] = bruteNeighbours(y2, x2, 0.4);

    IntegralTransform gno(
        IntegralTransformOptions(3, 2, 2).kernelHidden({8}).reduction(GNOReduction::mean)
    );
    const auto one = gno->forward(y1, x1, i1, s1, f1);
    const auto two = gno->forward(y2, x2, i2, s2, f2);

    const auto packed = gno->forward(
        torch::cat({y1, y2}), torch::cat({x1, x2}), torch::cat({i1, i2 + y1.size(0)}),
        torch::cat({s1, s2.slice(0, 1) + s1[-1]}), torch::cat({f1, f2})
    );
    EXPECT_TRUE(torch::allclose(packed.slice(0, 0, 10), one, 1e-6, 1e-6));
    EXPECT_TRUE(torch::allclose(packed.slice(0, 10), two, 1e-6, 1e-6));
}


TEST(IntegralTransform, RowsWithoutNeighboursAreZero)
{
    const auto y = torch::tensor({{0.0, 0.0}, {0.1, 0.0}}, torch::kFloat);
    const auto x = torch::tensor({{0.0, 0.0}, {5.0, 5.0}}, torch::kFloat);
    const auto [indices, splits] = bruteNeighbours(y, x, 0.2);
    ASSERT_EQ(splits[2].item<int64_t>(), splits[1].item<int64_t>());
    for (const GNOReduction reduction : {GNOReduction::sum, GNOReduction::mean})
    {
        IntegralTransform gno(IntegralTransformOptions(2, 0, 3).reduction(reduction));
        const auto out = gno->forward(y, x, indices, splits);
        EXPECT_TRUE(torch::equal(out[1], torch::zeros({3}))) << toString(reduction);
        EXPECT_TRUE(out[0].abs().sum().item<double>() > 0);
    }
}


TEST(IntegralTransform, RefusesInconsistentInputs)
{
    IntegralTransform gno(IntegralTransformOptions(3, 2, 2));
    const auto y = torch::rand({4, 3});
    const auto x = torch::rand({2, 3});
    const auto f = torch::rand({4, 2});
    const auto indices = torch::tensor({0, 1, 3}, torch::kLong);
    const auto splits = torch::tensor({0, 2, 3}, torch::kLong);
    EXPECT_NO_THROW(gno->forward(y, x, indices, splits, f));

    const auto throwsWith = [&](auto call, const std::string& text)
    {
        try
        {
            call();
            ADD_FAILURE() << "no error, expected one mentioning '" << text << "'";
        }
        catch (const c10::Error& e)
        {
            EXPECT_NE(std::string(e.what()).find(text), std::string::npos) << e.what();
        }
    };
    throwsWith(
        [&] {
            gno->forward(y, x, torch::tensor({0, 1, 4}, torch::kLong), splits, f);
        },
        "outside"
    );
    throwsWith(
        [&] {
            gno->forward(y, x, indices, torch::tensor({0, 2, 2}, torch::kLong), f);
        },
        "rowSplits"
    );
    throwsWith(
        [&] {
            gno->forward(y, x, indices, torch::tensor({0, 3, 2, 3}, torch::kLong), f);
        },
        "rowSplits"
    );
    throwsWith([&] { gno->forward(y, x, indices.to(torch::kInt), splits, f); }, "int64");
    throwsWith([&] { gno->forward(y, x, indices, splits); }, "input features");
    throwsWith([&] { gno->forward(y, torch::rand({2, 2}), indices, splits, f); }, "points");
    EXPECT_THROW(IntegralTransform(IntegralTransformOptions(3, 2, 5)), c10::Error);
    EXPECT_THROW(
        IntegralTransform(IntegralTransformOptions(3, 0, 2).transform(GNOTransform::nonlinear)),
        c10::Error
    );
}


// The kernel under bfloat16 autocast, reduced in float32: the result is
// float32 and within the bfloat16 rounding of the kernel's output
TEST(IntegralTransform, ReducedPrecisionKernelStaysNearFull)
{
    torch::manual_seed(11);
    const auto y = torch::rand({200, 3});
    const auto x = torch::rand({50, 3});
    const auto f = torch::randn({200, 8});
    const auto [indices, splits] = bruteNeighbours(y, x, 0.3);
    IntegralTransform gno(
        IntegralTransformOptions(3, 8, 8).kernelHidden({32, 32}).embeddingFrequencies(4)
    );
    const auto full = gno->forward(y, x, indices, splits, f);
    torch::Tensor reduced;
    {
        AutocastScope autocast(true, torch::kCPU, torch::kBFloat16);
        reduced = gno->forward(y, x, indices, splits, f);
    }
    EXPECT_EQ(reduced.scalar_type(), torch::kFloat);
    const double difference = test::relativeDifference(reduced, full);
    // bfloat16 keeps 8 significant bits (relative rounding 2^-9 = 0.2 %) per
    // layer; three layers and sums of rounded terms stay within a few %.
    EXPECT_LT(difference, 0.03);
    EXPECT_GT(difference, 0.0) << "autocast had no effect: the kernel ran in float32";
}
