#include "nop/surface/ShapeNetFiles.hpp"

#include "nop/io/PathGlob.hpp"

#include <filesystem>

namespace nop
{

const std::string shapeNetMeshEnding = "_tri_mesh.ply";


bool isShapeNetMesh(const std::string& path)
{
    const size_t n = shapeNetMeshEnding.size();
    return path.size() >= n && path.compare(path.size() - n, n, shapeNetMeshEnding) == 0;
}


std::string shapeNetPressureOf(const std::string& meshPath)
{
    if (!isShapeNetMesh(meshPath))
    {
        return {};
    }
    const std::string press =
        meshPath.substr(0, meshPath.size() - shapeNetMeshEnding.size()) + "_press.npy";
    std::error_code none;
    return std::filesystem::is_regular_file(press, none) ? press : std::string();
}


std::vector<std::string> shapeNetCarsIn(const std::string& directory)
{
    std::vector<std::string> cars;
    for (const std::string& mesh : matchingPaths(directory + "/*" + shapeNetMeshEnding))
    {
        if (!shapeNetPressureOf(mesh).empty())
        {
            cars.push_back(mesh);
        }
    }
    return cars;
}

} // namespace nop
