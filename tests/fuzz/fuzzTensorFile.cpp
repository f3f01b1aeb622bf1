// libFuzzer target: the torch.save reader (zip records and restricted
// unpickler) on bytes in memory. Any exception other than
// std::runtime_error, and any crash, is a finding.

#include "nop/io/TorchSave.hpp"

#include <stdexcept>

extern "C" int LLVMFuzzerInitialize(int*, char***)
{
    torch::set_num_threads(1);
    return 0;
}


extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    try
    {
        const nop::TorchValue value =
            nop::readTorchSave(std::string(reinterpret_cast<const char*>(data), size), "fuzz.pt");
        // What readTensorDict does with it.
        if (value.kind == nop::TorchValue::Kind::dict)
        {
            for (size_t i = 0; i + 1 < value.items.size(); i += 2)
            {
                if (value.items[i + 1].kind == nop::TorchValue::Kind::tensor)
                {
                    (void)value.items[i + 1].tensor.sum();
                }
            }
        }
    }
    catch (const std::runtime_error&)
    {}
    return 0;
}
