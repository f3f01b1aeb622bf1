// Consumer of the installed package (tests/consumer): the core's torch-free
// headers only, linked through nop::coreApi (the option declarations and
// their JSON round trip are torch-free too).

#include "nop/io/Checksum.hpp"
#include "nop/options/OptionsJson.hpp"
#include "nop/precision/Precision.hpp"
#include "nop/training/TrainerOptions.hpp"

#include <iostream>
#include <string>

int main()
{
    const std::string word = "mixed";
    const auto options =
        nop::optionsFromJson<nop::TrainerOptions>(nop::optionsToJson(nop::TrainerOptions().epochs(3)
        ));
    std::cout << "nopConsumerApi: precision "
              << nop::toString(nop::fromString<nop::Precision>(word)) << ", epochs "
              << options.epochs() << ", fnv1a " << std::hex << nop::fnv1a(word.data(), word.size())
              << std::endl;
    return 0;
}
