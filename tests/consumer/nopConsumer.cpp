// Consumer of the installed package (tests/consumer): an FNO from the
// installed headers and library, one forward pass.

#include "nop/models/FNO.hpp"

#include <torch/torch.h>

#include <iostream>

int main()
{
    torch::manual_seed(0);
    nop::FNO fno(nop::FNOOptions(2, 1, {8}).hiddenChannels(8).nLayers(2));
    fno->eval();

    const torch::NoGradGuard noGrad;
    const auto x = torch::randn({3, 2, 32});
    const auto y = fno->forward(x);

    std::cout << "nopConsumer: FNO forward " << x.sizes() << " -> " << y.sizes() << ", finite "
              << (torch::isfinite(y).all().item<bool>() ? "yes" : "no") << std::endl;
    return 0;
}
