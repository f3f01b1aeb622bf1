#include "nop/layers/SpectralConv.hpp"

#include "nop/layers/TruncatedDFT.hpp"
#include "nop/precision/ReducedPrecision.hpp"

#include <cmath>

namespace nop
{

namespace
{

bool powerOfTwo(int64_t n)
{
    return n > 0 && (n & (n - 1)) == 0;
}


/// Indices of the retained frequencies of a dimension of size n that keeps
/// both signs: 0..ceil(m/2)-1 and n-floor(m/2)..n-1.
torch::Tensor signedModeIndex(int64_t modes, int64_t n, const torch::Device& device)
{
    const int64_t positive = (modes + 1) / 2;
    const int64_t negative = modes / 2;
    return torch::cat({torch::arange(positive, torch::kLong),
                       torch::arange(n - negative, n, torch::kLong)})
        .to(device);
}


/// rfftn with norm "forward" whose backward saves nothing. LibTorch's own
/// saves its input, which in reduced precision is a float32 copy made only
/// for the transform: the largest tensor of the block.
struct ForwardRealFFT : public torch::autograd::Function<ForwardRealFFT>
{
    static torch::Tensor forward(
        torch::autograd::AutogradContext* ctx,
        const torch::Tensor& x,
        const std::vector<int64_t>& dims
    )
    {
        ctx->saved_data["dims"] = dims;
        ctx->saved_data["lastSize"] = x.size(dims.back());
        return torch::fft::rfftn(x, c10::nullopt, dims, "forward");
    }

    static torch::autograd::variable_list backward(
        torch::autograd::AutogradContext* ctx,
        torch::autograd::variable_list gradients
    )
    {
        const auto dims = ctx->saved_data["dims"].toIntVector();
        const int64_t n = ctx->saved_data["lastSize"].toInt();
        auto g = gradients[0];
        // The adjoint of the one-sided transform: the omitted negative
        // frequencies of the last dimension get zero gradient, then the
        // adjoint of a forward-normalised DFT is the unnormalised inverse.
        const int64_t missing = n - g.size(dims.back());
        if (missing > 0)
        {
            auto shape = g.sizes().vec();
            shape[dims.back()] = missing;
            g = torch::cat({g, torch::zeros(shape, g.options())}, dims.back());
        }
        return {torch::real(torch::fft::ifftn(g, c10::nullopt, dims, "backward")), torch::Tensor()};
    }
};

} // namespace


SpectralConvImpl::SpectralConvImpl(const SpectralConvOptions& options_) :
    options(options_)
{
    reset();
}


std::vector<int64_t> SpectralConvImpl::keptModes() const
{
    std::vector<int64_t> kept = options.modes();
    kept.back() = kept.back() / 2 + 1;
    return kept;
}


void SpectralConvImpl::reset()
{
    TORCH_CHECK(
        !options.modes().empty() && options.modes().size() <= 3,
        "SpectralConv: modes must name 1 to 3 dimensions, got ", options.modes().size()
    );
    for (int64_t m : options.modes())
    {
        TORCH_CHECK(m >= 1, "SpectralConv: modes must be >= 1, got ", options.modes());
    }
    TORCH_CHECK(
        options.inChannels() > 0 && options.outChannels() > 0,
        "SpectralConv: channels must be positive"
    );

    std::vector<int64_t> shape{options.inChannels(), options.outChannels()};
    for (int64_t k : keptModes())
    {
        shape.push_back(k);
    }
    shape.push_back(2);

    // neuraloperator's initialisation: normal with std sqrt(2/(in+out)).
    const double std = std::sqrt(2.0 / double(options.inChannels() + options.outChannels()));
    weight = register_parameter("weight", torch::randn(shape) * std);
    if (options.bias())
    {
        bias = register_parameter("bias", torch::zeros({options.outChannels()}));
    }
}


torch::Tensor contractModes(
    const torch::Tensor& xModes,
    const torch::Tensor& weight,
    c10::optional<torch::ScalarType> reduced
)
{
    const int64_t batch = xModes.size(0);
    const int64_t in = weight.size(0);
    const int64_t out = weight.size(1);
    const int64_t nDims = weight.dim() - 3;
    TORCH_CHECK(
        xModes.dim() == nDims + 3 && xModes.size(-2) == in && xModes.size(-1) == 2,
        "contractModes: modes ", xModes.sizes(), " do not fit weight ", weight.sizes()
    );
    const int64_t K = weight.numel() / (in * out * 2);

    // (B, K, I, 2) -> (K, B, 2, I) -> (K, B, 2I): real parts, then imaginary.
    const auto x =
        xModes.reshape({batch, K, in, 2}).permute({1, 0, 3, 2}).reshape({K, batch, 2 * in});

    // (I, O, K, 2) -> (K, I, O) per part; block matrix [[wr wi], [-wi wr]].
    const auto w = weight.reshape({in, out, K, 2}).permute({2, 0, 1, 3});
    const auto wr = w.select(-1, 0);
    const auto wi = w.select(-1, 1);
    const auto block = torch::cat({torch::cat({wr, wi}, 2), torch::cat({-wi, wr}, 2)}, 1);

    auto y = reduced ? reducedBmm(x, block, *reduced) : torch::bmm(x, block);

    // (K, B, 2O) -> (K, B, 2, O) -> (B, K, O, 2) -> (B, k1..kN, O, 2)
    std::vector<int64_t> shape(xModes.sizes().begin(), xModes.sizes().end());
    shape[nDims + 1] = out;
    return y.to(xModes.scalar_type())
        .reshape({K, batch, 2, out})
        .permute({1, 0, 3, 2})
        .reshape(shape);
}


bool SpectralConvImpl::usesDFT(const torch::Device& device) const
{
    switch (options.transform())
    {
    case SpectralTransform::fft:
        return false;
    case SpectralTransform::dft:
        return true;
    case SpectralTransform::automatic:
        break;
    }
    return device.is_cpu();
}


torch::Tensor SpectralConvImpl::forwardByDFT(
    const torch::Tensor& input,
    const std::vector<int64_t>& sizes,
    torch::ScalarType reduced,
    torch::ScalarType baseType
)
{
    const Precision precision = options.precision();
    const auto& modes = options.modes();
    // Each GEMM runs in the type it is given, whatever autocast would pick.
    FullPrecisionScope exact;

    // Forward: in the reduced type for `half`, float32 otherwise.
    const auto x = precision == Precision::half ? gemmOperand(input, reduced) : input.to(baseType);
    const auto xModes = truncatedForwardDFT(x, modes).to(baseType);

    if (precision == Precision::full)
    {
        auto out = truncatedInverseDFT(contractModes(xModes, weight.to(baseType)), sizes, modes);
        return bias.defined() ? out + bias.to(out.scalar_type()) : out;
    }

    // Contraction and inverse in the reduced type: the output is reduced,
    // for the sum with the skip path, the activation and the channel MLP.
    const auto yModes = gemmOperand(contractModes(xModes, weight.to(baseType), reduced), reduced);
    auto out = toReduced(truncatedInverseDFT(yModes, sizes, modes), reduced);
    return bias.defined() ? out + bias.to(out.scalar_type()) : out;
}


torch::Tensor SpectralConvImpl::forward(const torch::Tensor& input)
{
    const auto& modes = options.modes();
    const int64_t nDims = int64_t(modes.size());
    TORCH_CHECK(
        input.dim() == nDims + 2 && input.size(-1) == options.inChannels(),
        "SpectralConv: expected (batch, d1..d", nDims, ", ", options.inChannels(),
        ") channels-last, got ", input.sizes()
    );

    const auto device = input.device();
    const Precision precision = options.precision();
    const auto reduced = reducedDtype(options.reducedType(), device);

    std::vector<int64_t> sizes;
    bool allPowerOfTwo = true;
    for (int64_t d = 0; d < nDims; ++d)
    {
        const int64_t n = input.size(d + 1);
        TORCH_CHECK(
            n >= modes[d], "SpectralConv: grid size ", n, " in dimension ", d + 1, " is below the ",
            modes[d], " retained modes"
        );
        sizes.push_back(n);
        allPowerOfTwo = allPowerOfTwo && powerOfTwo(n);
    }

    // Full precision keeps float64 inputs in float64 (for gradient checks).
    const auto baseType = input.scalar_type() == torch::kDouble ? torch::kDouble : torch::kFloat;
    if (usesDFT(device))
    {
        return forwardByDFT(input, sizes, reduced, baseType);
    }

    // cuFFT runs float16 transforms for power-of-two sizes only.
    const bool halfFFT =
        device.is_cuda() && reduced == torch::kHalf && precision != Precision::full;
    if (halfFFT && !allPowerOfTwo)
    {
        TORCH_WARN_ONCE(
            "SpectralConv: cuFFT has float16 transforms for power-of-two sizes"
            " only; grid ",
            sizes, " uses float32 transforms"
        );
    }
    const auto fftType = halfFFT && allPowerOfTwo ? torch::kHalf : baseType;

    // Forward transform: in the reduced type for `half` (where the device
    // can), after rounding the input to it in any case. Pruned: the real
    // FFT of the last dimension first, keep its retained modes, then the
    // complex FFT of each other dimension on those only.
    auto x = input;
    if (precision == Precision::half)
    {
        x = toReduced(x, reduced);
    }
    const auto forwardType = precision == Precision::half ? fftType : baseType;
    const auto kept = keptModes();
    auto spectrum = ForwardRealFFT::apply(x.to(forwardType), std::vector<int64_t>{nDims})
                        .narrow(nDims, 0, kept.back());
    for (int64_t d = 0; d + 1 < nDims; ++d)
    {
        spectrum = torch::fft::fft(spectrum, c10::nullopt, d + 1, "forward")
                       .index_select(d + 1, signedModeIndex(modes[d], sizes[d], device));
    }

    // Retained modes (B, k1..kN, I, 2) -> (B, k1..kN, O, 2).
    auto yModes =
        contractModes(
            torch::view_as_real(spectrum).to(baseType), weight.to(baseType),
            precision == Precision::full ? c10::nullopt : c10::optional<torch::ScalarType>(reduced)
        )
            .to(fftType);

    // Inverse, pruned alike: zero-pad and transform each leading dimension.
    for (int64_t d = 0; d + 1 < nDims; ++d)
    {
        auto shape = yModes.sizes().vec();
        shape[d + 1] = sizes[d];
        yModes = torch::zeros(shape, yModes.options())
                     .index_copy(d + 1, signedModeIndex(modes[d], sizes[d], device), yModes);
        yModes = torch::view_as_real(
            torch::fft::ifft(torch::view_as_complex(yModes), c10::nullopt, d + 1, "forward")
        );
    }

    // Hermitian care: the DC and Nyquist modes of the last dimension are
    // real for a real signal; zero their imaginary parts explicitly.
    const int64_t halfSpectrum = sizes.back() / 2 + 1;
    auto keep = torch::ones({kept.back(), 1, 2}, yModes.options().dtype(torch::kBool));
    keep.index_put_({0, 0, 1}, false);
    if (sizes.back() % 2 == 0 && kept.back() == halfSpectrum)
    {
        keep.index_put_({halfSpectrum - 1, 0, 1}, false);
    }
    // `where` saves only the (small) condition for backward; a product with
    // a 0/1 mask would save the whole spectrum.
    yModes = torch::where(keep, yModes, torch::zeros({}, yModes.options()));
    yModes = torch::constant_pad_nd(yModes, {0, 0, 0, 0, 0, halfSpectrum - kept.back()});
    const auto y = torch::view_as_complex(yModes.contiguous());

    auto out = torch::fft::irfft(y, sizes.back(), nDims, "forward");
    if (precision != Precision::full)
    {
        // The output stays in the reduced type, as a reduced inverse FFT
        // gives it: the sum with the skip path, the activation and the
        // channel MLP then save reduced tensors for backward.
        out = toReduced(out, reduced);
    }
    if (bias.defined())
    {
        out = out + bias.to(out.scalar_type());
    }
    return out;
}


void setSpectralTransform(torch::nn::Module& module, SpectralTransform transform)
{
    for (const auto& child : module.modules())
    {
        if (auto* conv = child->as<SpectralConvImpl>())
        {
            conv->options.transform(transform);
        }
    }
}

} // namespace nop
