#pragma once

// neuraloperator's mini_car.pt (neuralop/data/datasets/data/): a torch.save
// list of one dict per ShapeNet car, read by the project's restricted
// unpickler (io/TorchSave.hpp), which never runs code. Per car:
//   vertices [n, 3], vertex_normals [n, 3], press [1, n]     on the points
//   centroids, triangle_normals [t, 3], triangle_areas [t]  per triangle
//   query_points [g, g, g, 3], distance [g, g, g, 1]         latent grid
// (float32, the points scaled into [0, 1]^3). The triangles' corners are
// not in the file.

#include "nop/surface/Surface.hpp"

#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

namespace nop
{

/// Largest file readNeuralOperatorCars reads.
constexpr uint64_t maxNeuralOperatorCarsBytes = uint64_t(4) << 30;

/// One car of the file.
struct NeuralOperatorCar
{
    /// A point cloud, not a triangulated surface: points (vertices),
    /// vertexNormals as the file gives them, the point array "press" (n),
    /// triangles (0, 3) and empty triangle normals and areas. What needs
    /// triangles (signedDistance) refuses it (requireTriangles); use the
    /// per-triangle tensors and the stored distance below instead.
    Surface surface;
    /// Per triangle (t, 3), (t, 3), (t): what GINO integrates over.
    torch::Tensor centroids;
    torch::Tensor triangleNormals;
    torch::Tensor triangleAreas;
    /// Latent grid points (g, g, g, 3) and the distance to the car there
    /// (g, g, g), as the file stores them (in mini_car.pt all >= 0: an
    /// unsigned distance, unlike signedDistance's).
    torch::Tensor queryPoints;
    torch::Tensor distance;
};

/// The cars of `path`. Throws std::runtime_error naming the file (and the
/// car and entry) when it cannot be read, is not a list of dicts, or an
/// entry is missing or has another shape than above.
std::vector<NeuralOperatorCar> readNeuralOperatorCars(const std::string& path);

} // namespace nop
