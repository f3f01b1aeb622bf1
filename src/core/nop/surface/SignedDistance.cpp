#include "nop/surface/SignedDistance.hpp"

#include "nop/surface/SurfaceGeometry.hpp"
#include "nop/surface/VtkSurface.hpp"

#include <vtkImplicitPolyDataDistance.h>
#include <vtkPolyData.h>
#include <vtkSmartPointer.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

namespace nop
{

namespace
{

void checkQueries(const Surface& surface, const torch::Tensor& queries)
{
    const std::string what = "signed distance to surface '" + surface.source + "'";
    if (!queries.defined())
    {
        throw std::runtime_error(what + ": no queries (an undefined tensor)");
    }
    if (queries.dim() < 1 || queries.size(-1) != 3 || !queries.is_floating_point())
    {
        std::ostringstream os;
        os << what << ": queries of shape " << queries.sizes() << " and dtype "
           << queries.scalar_type() << ", expected floating-point (..., 3)";
        throw std::runtime_error(os.str());
    }
    if (!queries.isfinite().all().item<bool>())
    {
        throw std::runtime_error(what + ": queries hold NaN or Inf");
    }
}


/// One thread's share: its own copy of the surface in VTK, its own locator.
struct Evaluator
{
    vtkSmartPointer<vtkPolyData> polyData = vtkSmartPointer<vtkPolyData>::New();
    vtkSmartPointer<vtkImplicitPolyDataDistance> distance =
        vtkSmartPointer<vtkImplicitPolyDataDistance>::New();
    std::unique_ptr<VtkErrors> errors;
    int64_t begin;
    int64_t end;
};

} // namespace


torch::Tensor signedDistance(const Surface& surface, const torch::Tensor& queries, int threads)
{
    requireTriangles(surface, "a signed distance");
    checkEdgeManifold(surface);
    checkNoDegenerateTriangles(surface);
    checkQueries(surface, queries);

    const auto points = queries.reshape({-1, 3}).to(torch::kDouble).contiguous();
    const int64_t m = points.size(0);
    auto result = torch::empty({m}, torch::kDouble);
    const int64_t shares = std::clamp<int64_t>(threads, 1, std::max<int64_t>(m, 1));

    // VTK objects are made and given their input here, one thread; only
    // the evaluation runs in parallel.
    std::vector<Evaluator> evaluators(static_cast<size_t>(shares));
    for (int64_t i = 0; i < shares; ++i)
    {
        auto& evaluator = evaluators[size_t(i)];
        fillPolyData(surface, evaluator.polyData);
        evaluator.errors =
            std::make_unique<VtkErrors>(evaluator.distance, VtkErrors::OnError::collect);
        // NaN marks a query VTK found no nearest point for (it reports why).
        evaluator.distance->SetNoValue(std::numeric_limits<double>::quiet_NaN());
        evaluator.distance->SetInput(evaluator.polyData);
        evaluator.begin = m * i / shares;
        evaluator.end = m * (i + 1) / shares;
    }
    const double* x = points.data_ptr<double>();
    double* d = result.data_ptr<double>();
    const auto evaluate = [&](Evaluator& evaluator)
    {
        for (int64_t q = evaluator.begin; q < evaluator.end; ++q)
        {
            double p[3] = {x[3 * q], x[3 * q + 1], x[3 * q + 2]};
            d[q] = evaluator.distance->EvaluateFunction(p);
        }
    };
    std::vector<std::thread> workers;
    for (size_t i = 1; i < evaluators.size(); ++i)
    {
        workers.emplace_back(evaluate, std::ref(evaluators[i]));
    }
    evaluate(evaluators[0]);
    for (auto& worker : workers)
    {
        worker.join();
    }

    const auto failed = result.isnan().nonzero();
    if (failed.size(0) > 0)
    {
        const int64_t first = failed[0][0].item<int64_t>();
        std::string message = "no message";
        for (const auto& evaluator : evaluators)
        {
            if (evaluator.errors->failed())
            {
                message = evaluator.errors->text();
                break;
            }
        }
        throw std::runtime_error(
            "signed distance to surface '" + surface.source
            + "': vtkImplicitPolyDataDistance failed at " + std::to_string(failed.size(0))
            + " queries, the first query " + std::to_string(first) + ": " + message
        );
    }
    auto shape = queries.sizes().vec();
    shape.pop_back();
    return result.reshape(shape).to(queries.scalar_type());
}

} // namespace nop
