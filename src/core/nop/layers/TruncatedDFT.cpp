#include "nop/layers/TruncatedDFT.hpp"

#include "nop/precision/ReducedPrecision.hpp"

#include <cmath>

namespace nop
{

namespace
{

/// The retained frequencies of a dimension of size n (see the header).
std::vector<int64_t> frequencies(int64_t modes, int64_t n, bool last)
{
    std::vector<int64_t> f;
    if (last)
    {
        for (int64_t i = 0; i <= modes / 2; ++i)
        {
            f.push_back(i);
        }
        return f;
    }
    for (int64_t i = 0; i < (modes + 1) / 2; ++i)
    {
        f.push_back(i);
    }
    for (int64_t i = n - modes / 2; i < n; ++i)
    {
        f.push_back(i);
    }
    return f;
}


/// cos and sin of 2 pi f m / n, (k, n) in float64: the phase reduced
/// modulo n in integers first, so large grids lose no accuracy.
std::pair<torch::Tensor, torch::Tensor> phases(const std::vector<int64_t>& f, int64_t n)
{
    const int64_t k = int64_t(f.size());
    auto c = torch::empty({k, n}, torch::kDouble);
    auto s = torch::empty({k, n}, torch::kDouble);
    auto ca = c.accessor<double, 2>();
    auto sa = s.accessor<double, 2>();
    for (int64_t j = 0; j < k; ++j)
    {
        for (int64_t m = 0; m < n; ++m)
        {
            const double angle = 2 * M_PI * double((f[j] * m) % n) / double(n);
            ca[j][m] = std::cos(angle);
            sa[j][m] = std::sin(angle);
        }
    }
    return {c, s};
}


/// Forward stage of one dimension: rows (k, re/im) interleaved, columns
/// the input's (re/im, n) or, for real input, (n).
torch::Tensor forwardMatrix(int64_t modes, int64_t n, bool last, bool realInput)
{
    const auto [c, s] = phases(frequencies(modes, n, last), n);
    // exp(-i angle) / n
    const auto fr = c / double(n);
    const auto fi = -s / double(n);
    const int64_t k = c.size(0);
    if (realInput)
    {
        return torch::stack({fr, fi}, 1).reshape({2 * k, n});
    }
    // (a + ib)(fr + i fi) = (a fr - b fi) + i (a fi + b fr)
    return torch::stack({torch::cat({fr, -fi}, 1), torch::cat({fi, fr}, 1)}, 1)
        .reshape({2 * k, 2 * n});
}


/// Inverse stage of one dimension: columns (k, re/im) interleaved, rows
/// the output's (re/im, n) or, for real output, the real parts (n).
torch::Tensor inverseMatrix(int64_t modes, int64_t n, bool last, bool realOutput)
{
    const auto f = frequencies(modes, n, last);
    auto [c, s] = phases(f, n);
    if (last)
    {
        // The half spectrum stands for both halves: weight 2 but on DC and
        // Nyquist, whose imaginary parts a real signal does not have.
        auto weight = torch::full({int64_t(f.size()), 1}, 2.0, torch::kDouble);
        for (size_t j = 0; j < f.size(); ++j)
        {
            if (f[j] == 0 || 2 * f[j] == n)
            {
                weight[int64_t(j)] = 1.0;
                s[int64_t(j)].zero_();
            }
        }
        c = c * weight;
        s = s * weight;
    }
    // exp(+i angle), (n, k): out = sum over modes of (a + ib)(gr + i gi)
    const auto gr = c.t();
    const auto gi = s.t();
    const int64_t k = c.size(0);
    const auto realRows = torch::stack({gr, -gi}, 2).reshape({n, 2 * k});
    if (realOutput)
    {
        return realRows;
    }
    return torch::cat({realRows, torch::stack({gi, gr}, 2).reshape({n, 2 * k})}, 0);
}


/// Slices at least this wide go to oneDNN's convolution.
constexpr int64_t wideSlice = 256;


/// matrix (rows, k) applied to every (k, rest) slice of t (lead, k, rest).
/// Wide slices (the whole grid) as a 1x1 convolution: oneDNN threads it,
/// where LibTorch's batched GEMM runs its batches one after the other on
/// one thread (on 1 and 2 threads the two measured the same speed; the
/// convolution is for more cores). Narrow ones (retained modes) as a
/// batched GEMM of views. torch::matmul would copy the grid
/// twice, transposed in and out (measured: the DFT then no faster than
/// the FFTs).
torch::Tensor applyAlongRows(const torch::Tensor& matrix, const torch::Tensor& t)
{
    if (t.size(2) >= wideSlice)
    {
        return torch::conv2d(t.unsqueeze(-1), matrix.unsqueeze(-1).unsqueeze(-1)).squeeze(-1);
    }
    return torch::bmm(matrix.expand({t.size(0), matrix.size(0), matrix.size(1)}), t);
}


/// `applyAlongRows` whose backward (the transposed matrix along the rows of
/// the gradient) saves the matrix only: never the grid it was applied to.
struct RowTransform : public torch::autograd::Function<RowTransform>
{
    static torch::Tensor forward(
        torch::autograd::AutogradContext* ctx,
        const torch::Tensor& t,
        const torch::Tensor& matrix
    )
    {
        ctx->save_for_backward({matrix});
        return applyAlongRows(matrix, t);
    }

    static torch::autograd::variable_list backward(
        torch::autograd::AutogradContext* ctx,
        torch::autograd::variable_list gradients
    )
    {
        const auto matrix = ctx->get_saved_variables()[0];
        // In the forward's types, whatever autocast the caller of backward has on.
        FullPrecisionScope exact;
        return {
            applyAlongRows(matrix.t().contiguous(), gradients[0].contiguous()), torch::Tensor()};
    }
};


int64_t product(const std::vector<int64_t>& v, size_t begin, size_t end)
{
    int64_t p = 1;
    for (size_t i = begin; i < end; ++i)
    {
        p *= v[i];
    }
    return p;
}


std::vector<int64_t> keptCounts(const std::vector<int64_t>& modes)
{
    std::vector<int64_t> kept(modes);
    kept.back() = kept.back() / 2 + 1;
    return kept;
}

} // namespace


torch::Tensor truncatedForwardDFT(const torch::Tensor& x, const std::vector<int64_t>& modes)
{
    const size_t nDims = modes.size();
    TORCH_CHECK(
        nDims >= 1 && x.dim() == int64_t(nDims) + 2, "truncatedForwardDFT: expected (batch, d1..d",
        nDims, ", channels), got ", x.sizes()
    );
    std::vector<int64_t> sizes;
    for (size_t d = 0; d < nDims; ++d)
    {
        sizes.push_back(x.size(int64_t(d) + 1));
        TORCH_CHECK(
            sizes.back() >= modes[d], "truncatedForwardDFT: grid ", x.sizes(), " below modes ",
            modes
        );
    }
    const auto kept = keptCounts(modes);
    const int64_t batch = x.size(0);
    const int64_t channels = x.size(-1);
    const auto options = x.options();

    // Stage d reads (lead, [re/im,] n_d, rest) and writes (lead, k_d, re/im,
    // rest): the pair dimension ends up beside the next dimension to
    // transform, so every stage is a batched GEMM of contiguous views.
    auto t = x.contiguous();
    int64_t lead = batch;
    for (size_t d = 0; d < nDims; ++d)
    {
        const int64_t n = sizes[d];
        const int64_t rest = product(sizes, d + 1, nDims) * channels;
        const bool realInput = d == 0;
        const auto matrix = forwardMatrix(modes[d], n, d + 1 == nDims, realInput).to(options);
        const auto view = t.reshape({lead, realInput ? n : 2 * n, rest});
        t = RowTransform::apply(view, matrix);
        lead *= kept[d];
    }
    // (batch, k1..kN, 2, channels) -> (batch, k1..kN, channels, 2)
    std::vector<int64_t> shape{batch};
    shape.insert(shape.end(), kept.begin(), kept.end());
    shape.push_back(2);
    shape.push_back(channels);
    return t.reshape(shape).transpose(-1, -2).contiguous();
}


torch::Tensor truncatedInverseDFT(
    const torch::Tensor& modes,
    const std::vector<int64_t>& sizes,
    const std::vector<int64_t>& modeCounts
)
{
    const size_t nDims = modeCounts.size();
    const auto kept = keptCounts(modeCounts);
    TORCH_CHECK(
        sizes.size() == nDims && modes.dim() == int64_t(nDims) + 3 && modes.size(-1) == 2,
        "truncatedInverseDFT: expected (batch, k1..k", nDims, ", channels, 2), got ", modes.sizes()
    );
    for (size_t d = 0; d < nDims; ++d)
    {
        TORCH_CHECK(
            modes.size(int64_t(d) + 1) == kept[d] && sizes[d] >= modeCounts[d],
            "truncatedInverseDFT: modes ", modes.sizes(), " do not fit grid ", sizes
        );
    }
    const int64_t batch = modes.size(0);
    const int64_t channels = modes.size(-2);
    const auto options = modes.options();

    // The last dimension first; stage d reads (lead, k_d, re/im, rest) and
    // writes (lead, re/im, n_d, rest), the first one real parts only.
    auto t = modes.transpose(-1, -2).contiguous();
    int64_t rest = channels;
    for (size_t i = nDims; i-- > 0;)
    {
        const int64_t lead = batch * product(kept, 0, i);
        const bool realOutput = i == 0;
        const auto matrix =
            inverseMatrix(modeCounts[i], sizes[i], i + 1 == nDims, realOutput).to(options);
        t = RowTransform::apply(t.reshape({lead, 2 * kept[i], rest}), matrix);
        rest *= sizes[i];
    }
    std::vector<int64_t> shape{batch};
    shape.insert(shape.end(), sizes.begin(), sizes.end());
    shape.push_back(channels);
    return t.reshape(shape);
}

} // namespace nop
