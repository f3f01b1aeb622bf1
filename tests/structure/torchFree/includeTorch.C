// Probe of the test structure.torchFreeAdapter (tests/structure): a torch
// include compiled with the flags of the OpenFOAM side (nop::foam and
// nop::torchFree) must fail on the poisoned c10 of cmake/nopTorchPoison.H;
// compiled without nop::torchFree it must compile, so the failure is the
// poison's and not, say, a missing include directory.

#include <torch/script.h>
