#include "nop/surface/NeuralOperatorCars.hpp"

#include "nop/io/TensorArchive.hpp"
#include "nop/io/TorchSave.hpp"

#include <sstream>
#include <stdexcept>

namespace nop
{

namespace
{

using Kind = TorchValue::Kind;

/// The entries of one car's dict, each checked for a shape.
class CarEntries
{
public:
    CarEntries(const TorchValue& dict, const std::string& what) :
        dict_(dict),
        what_(what)
    {
        if (dict.kind != Kind::dict)
        {
            throw std::runtime_error(what + " is not a dict");
        }
    }

    /// The floating-point tensor `key` of shape `shape` (-1: any size).
    torch::Tensor get(const std::string& key, const std::vector<int64_t>& shape) const
    {
        const TorchValue* value = nullptr;
        std::string present;
        for (size_t i = 0; i + 1 < dict_.items.size(); i += 2)
        {
            present += (present.empty() ? "" : ", ") + dict_.items[i].string;
            if (dict_.items[i].kind == Kind::string && dict_.items[i].string == key)
            {
                value = &dict_.items[i + 1];
            }
        }
        if (value == nullptr)
        {
            throw std::runtime_error(
                what_ + " has no entry '" + key + "' (entries: " + present + ")"
            );
        }
        const bool shaped = value->kind == Kind::tensor && value->tensor.is_floating_point()
                            && value->tensor.dim() == int64_t(shape.size());
        bool sized = shaped;
        for (size_t d = 0; sized && d < shape.size(); ++d)
        {
            sized = shape[d] < 0 || value->tensor.size(int64_t(d)) == shape[d];
        }
        if (!sized)
        {
            std::ostringstream os;
            os << what_ << ": entry '" << key << "' is ";
            if (value->kind == Kind::tensor)
            {
                os << "a " << value->tensor.scalar_type() << " tensor of shape "
                   << value->tensor.sizes();
            }
            else
            {
                os << "not a tensor";
            }
            os << ", expected a floating-point tensor of shape (";
            for (size_t d = 0; d < shape.size(); ++d)
            {
                os << (d > 0 ? ", " : "") << (shape[d] < 0 ? "any" : std::to_string(shape[d]));
            }
            os << ")";
            throw std::runtime_error(os.str());
        }
        return value->tensor.contiguous();
    }

private:
    const TorchValue& dict_;
    const std::string& what_;
};


NeuralOperatorCar carOf(const TorchValue& dict, const std::string& path, size_t index)
{
    const std::string what = "car " + std::to_string(index) + " of '" + path + "'";
    const CarEntries entries(dict, what);
    const auto vertices = entries.get("vertices", {-1, 3});
    const int64_t n = vertices.size(0);
    NeuralOperatorCar car;
    car.surface.points = vertices;
    car.surface.triangles = torch::zeros({0, 3}, torch::kLong);
    car.surface.triangleNormals = torch::zeros({0, 3}, vertices.dtype());
    car.surface.triangleAreas = torch::zeros({0}, vertices.dtype());
    car.surface.vertexNormals = entries.get("vertex_normals", {n, 3}).to(vertices.dtype());
    car.surface.pointArrays["press"] = entries.get("press", {1, n}).reshape({n});
    car.surface.source = path + " (car " + std::to_string(index) + ")";
    checkSurface(car.surface);

    car.centroids = entries.get("centroids", {-1, 3});
    const int64_t t = car.centroids.size(0);
    car.triangleNormals = entries.get("triangle_normals", {t, 3});
    car.triangleAreas = entries.get("triangle_areas", {t});
    car.queryPoints = entries.get("query_points", {-1, -1, -1, 3});
    const auto grid = car.queryPoints.sizes();
    car.distance = entries.get("distance", {grid[0], grid[1], grid[2], 1}).squeeze(3);
    return car;
}

} // namespace


std::vector<NeuralOperatorCar> readNeuralOperatorCars(const std::string& path)
{
    const auto value = readTorchSave(
        readRegularFile(path, maxNeuralOperatorCarsBytes, "car file"), "car file '" + path + "'"
    );
    if (value.kind != Kind::list || value.items.empty())
    {
        throw std::runtime_error(
            "car file '" + path + "': holds no list of cars (expected a list of dicts)"
        );
    }
    std::vector<NeuralOperatorCar> cars;
    for (size_t i = 0; i < value.items.size(); ++i)
    {
        cars.push_back(carOf(value.items[i], path, i));
    }
    return cars;
}

} // namespace nop
