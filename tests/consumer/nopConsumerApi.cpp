// Consumer of the installed package (tests/consumer): the core's torch-free
// headers only, linked through nop::coreApi.

#include "nop/io/Checksum.hpp"
#include "nop/precision/Precision.hpp"

#include <iostream>
#include <string>

int main()
{
    const std::string word = "mixed";
    std::cout << "nopConsumerApi: precision " << nop::toString(nop::precisionFromString(word))
              << ", fnv1a " << std::hex << nop::fnv1a(word.data(), word.size())
              << std::endl;
    return 0;
}
