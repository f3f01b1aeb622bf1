#include "nop/models/ModelRegistry.hpp"

#include <map>
#include <stdexcept>

namespace nop
{

namespace
{

// Made on first use: registrars in other translation units run before main
std::map<std::string, ModelType>& registry()
{
    static std::map<std::string, ModelType> types;
    return types;
}

} // namespace


bool registerModelType(const std::string& kind, ModelType type)
{
    if (!registry().emplace(kind, std::move(type)).second)
    {
        throw std::logic_error("model kind '" + kind + "' registered twice");
    }
    return true;
}


const ModelType& modelType(const std::string& kind)
{
    const auto found = registry().find(kind);
    if (found == registry().end())
    {
        std::string valid;
        for (const auto& name : modelKinds())
        {
            valid += (valid.empty() ? "" : ", ") + name;
        }
        throw std::runtime_error(
            "unknown model kind '" + kind + "' (this build has: " + valid + ")"
        );
    }
    return found->second;
}


std::vector<std::string> modelKinds()
{
    std::vector<std::string> kinds;
    for (const auto& entry : registry())
    {
        kinds.push_back(entry.first);
    }
    return kinds;
}

} // namespace nop
