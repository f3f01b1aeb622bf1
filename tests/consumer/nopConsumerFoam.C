// Consumer of the installed package (tests/consumer): the OpenFOAM adapter
// (component foam) links, with its OpenFOAM libraries, and loads.

#include "collectiveExit.H"

#include <iostream>

int main()
{
    void (*exitOnAll)() = &Foam::exitOnAllProcessors;
    std::cout << "nopConsumerFoam: nop::foam linked ("
              << (exitOnAll != nullptr ? "exitOnAllProcessors" : "none") << ")" << std::endl;
    return 0;
}
