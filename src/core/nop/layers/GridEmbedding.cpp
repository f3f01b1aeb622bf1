#include "nop/layers/GridEmbedding.hpp"

namespace nop
{

torch::Tensor appendGridCoordinates(const torch::Tensor& x, int64_t spatialDims)
{
    TORCH_CHECK(
        x.dim() == spatialDims + 2, "appendGridCoordinates: expected (batch, d1..d", spatialDims,
        ", C), got ", x.sizes()
    );
    const auto options = x.options();
    std::vector<torch::Tensor> axes;
    for (int64_t d = 0; d < spatialDims; ++d)
    {
        const int64_t n = x.size(d + 1);
        axes.push_back(torch::arange(n, options) / double(n));
    }
    auto grids = torch::meshgrid(axes, "ij");

    std::vector<int64_t> expanded = x.sizes().vec();
    expanded.back() = 1;
    std::vector<torch::Tensor> parts{x};
    for (auto& g : grids)
    {
        parts.push_back(g.unsqueeze(0).unsqueeze(-1).expand(expanded));
    }
    return torch::cat(parts, -1);
}

} // namespace nop
