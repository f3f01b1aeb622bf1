#include "nop/layers/DomainPadding.hpp"

#include <cmath>

namespace nop
{

torch::Tensor padDomain(const torch::Tensor& x, double fraction)
{
    if (fraction <= 0)
    {
        return x;
    }
    // constant_pad_nd takes (before, after) pairs from the last dim backwards.
    std::vector<int64_t> pad{0, 0};
    for (int64_t d = x.dim() - 2; d >= 1; --d)
    {
        pad.push_back(0);
        pad.push_back(std::llround(fraction * double(x.size(d))));
    }
    return torch::constant_pad_nd(x, pad);
}


torch::Tensor unpadDomain(const torch::Tensor& x, const std::vector<int64_t>& sizes)
{
    auto y = x;
    for (size_t d = 0; d < sizes.size(); ++d)
    {
        y = y.narrow(int64_t(d) + 1, 0, sizes[d]);
    }
    return y;
}

} // namespace nop
