#include "nop/surface/ShapeNetCar.hpp"

#include "nop/surface/Npy.hpp"
#include "nop/surface/SurfaceReaders.hpp"

#include <filesystem>
#include <sstream>
#include <stdexcept>

namespace nop
{

namespace
{

// press[0:16] and press[112:] are the points; the 96 between are not.
constexpr int64_t leadingPoints = 16;
constexpr int64_t skipped = 96;

} // namespace


Surface readShapeNetCar(const std::string& plyPath, const std::string& pressPath)
{
    auto surface = readSurface(plyPath);
    const auto press = readNpy(pressPath);
    const int64_t n = surface.numPoints();
    if (press.dim() != 1 || press.size(0) != n + skipped)
    {
        std::ostringstream os;
        os << ".npy file '" << pressPath << "': pressure of shape " << press.sizes()
           << ", expected (" << n + skipped << ") for the " << n << " points of '" << plyPath
           << "' (" << leadingPoints << " + " << skipped << " + " << n - leadingPoints
           << " values, the " << skipped << " after the first " << leadingPoints
           << " not on points)";
        throw std::runtime_error(os.str());
    }
    surface.pointArrays["press"] =
        torch::cat({press.slice(0, 0, leadingPoints), press.slice(0, leadingPoints + skipped)})
            .to(torch::kDouble);
    checkSurface(surface);
    return surface;
}


Surface readShapeNetCarFromFolder(const std::string& folder, const std::string& id)
{
    const auto base = std::filesystem::path(folder);
    return readShapeNetCar(
        (base / (id + "_tri_mesh.ply")).string(), (base / (id + "_press.npy")).string()
    );
}

} // namespace nop
