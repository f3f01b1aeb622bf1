#include "nop/surface/SurfaceSources.hpp"

#include "nop/surface/NeuralOperatorCars.hpp"
#include "nop/surface/ShapeNetCar.hpp"
#include "nop/surface/ShapeNetFiles.hpp"
#include "nop/surface/SurfaceReaders.hpp"

#include <filesystem>

namespace nop
{

namespace
{

bool endsWith(const std::string& s, const std::string& ending)
{
    return s.size() >= ending.size()
           && s.compare(s.size() - ending.size(), ending.size(), ending) == 0;
}

} // namespace


std::vector<Surface> readSurfaces(const std::string& path)
{
    if (endsWith(std::filesystem::path(path).extension().string(), ".pt"))
    {
        std::vector<Surface> surfaces;
        for (auto& car : readNeuralOperatorCars(path))
        {
            surfaces.push_back(std::move(car.surface));
        }
        return surfaces;
    }
    const std::string press = shapeNetPressureOf(path);
    if (!press.empty())
    {
        return {readShapeNetCar(path, press)};
    }
    return {readSurface(path)};
}


std::string surfaceName(const std::string& path, size_t index, size_t count)
{
    std::string name = std::filesystem::path(path).filename().string();
    if (endsWith(name, shapeNetMeshEnding))
    {
        name.resize(name.size() - shapeNetMeshEnding.size());
    }
    else
    {
        name = std::filesystem::path(name).stem().string();
    }
    return count > 1 ? name + "." + std::to_string(index) : name;
}

} // namespace nop
