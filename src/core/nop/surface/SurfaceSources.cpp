#include "nop/surface/SurfaceSources.hpp"

#include "nop/surface/NeuralOperatorCars.hpp"
#include "nop/surface/ShapeNetCar.hpp"
#include "nop/surface/ShapeNetFiles.hpp"
#include "nop/surface/SurfaceReaders.hpp"

#include <filesystem>

namespace nop
{

std::vector<Surface> readSurfaces(const std::string& path)
{
    if (std::filesystem::path(path).extension() == ".pt")
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
    if (isShapeNetMesh(name))
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
