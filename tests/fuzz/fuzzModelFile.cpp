// libFuzzer target: the model-file loader on bytes in memory, up to a
// Surrogate. The first input byte picks what the rest is: odd, a whole file;
// even, a payload (tensor archive) given a valid header and checksum, so that
// mutations reach the archive and metadata checks.
// Any exception other than std::runtime_error, and any crash, is a finding.

#include "nop/models/ModelFile.hpp"

#include <cstring>
#include <stdexcept>

namespace
{

std::string withHeader(const std::string& payload)
{
    uint64_t hash = 1469598103934665603ull;
    for (const char c : payload)
    {
        hash ^= uint8_t(c);
        hash *= 1099511628211ull;
    }
    std::string file("NOPMODEL", 8);
    const uint32_t version[2] = {nop::modelFileVersion, 0};
    const uint64_t sizes[2] = {payload.size(), hash};
    file.append(reinterpret_cast<const char*>(version), sizeof version);
    file.append(reinterpret_cast<const char*>(sizes), sizeof sizes);
    return file + payload;
}

} // namespace


extern "C" int LLVMFuzzerInitialize(int*, char***)
{
    torch::set_num_threads(1);
    return 0;
}


extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size == 0)
    {
        return 0;
    }
    const std::string rest(reinterpret_cast<const char*>(data) + 1, size - 1);
    const std::string bytes = data[0] & 1 ? rest : withHeader(rest);
    try
    {
        nop::Surrogate s = nop::loadModelFileFromBytes(bytes, "fuzz.nop");
        (void)s;
    }
    catch (const std::runtime_error&)
    {}
    return 0;
}
