#include "nop/surface/SurfaceEdits.hpp"

#include "nop/surface/ForceCoefficients.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <stdexcept>
#include <utility>
#include <vector>

namespace nop
{

namespace
{

using Point = std::array<double, 3>;


std::vector<Point> pointsOf(const Surface& surface)
{
    const auto p = surface.points.to(torch::kDouble).contiguous();
    const auto a = p.accessor<double, 2>();
    std::vector<Point> points(size_t(p.size(0)));
    for (int64_t i = 0; i < p.size(0); ++i)
    {
        points[size_t(i)] = {a[i][0], a[i][1], a[i][2]};
    }
    return points;
}


Surface surfaceOf(
    const std::vector<Point>& points,
    const std::vector<int64_t>& triangles,
    const std::string& source
)
{
    auto p = torch::empty({int64_t(points.size()), 3}, torch::kDouble);
    std::memcpy(p.data_ptr<double>(), points.data(), points.size() * sizeof(Point));
    auto t = torch::tensor(triangles, torch::kLong).view({-1, 3});
    return makeSurface(p, t, source);
}


Point lerp(const Point& a, const Point& b, double t)
{
    return {a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]), a[2] + t * (b[2] - a[2])};
}

} // namespace


Surface clipSurface(const Surface& surface, const Point& origin, const Point& normal)
{
    const double length =
        std::sqrt(normal[0] * normal[0] + normal[1] * normal[1] + normal[2] * normal[2]);
    if (!(length > 0) || !std::isfinite(length))
    {
        throw std::runtime_error(
            "surface '" + surface.source + "': the clipping plane's normal is zero or not finite"
        );
    }
    requireTriangles(surface, "clipping");
    std::vector<Point> points = pointsOf(surface);
    std::vector<double> side(points.size());
    for (size_t i = 0; i < points.size(); ++i)
    {
        double d = 0;
        for (size_t k = 0; k < 3; ++k)
        {
            d += (points[i][k] - origin[k]) * normal[k] / length;
        }
        side[i] = d;
    }

    // The point where edge (a, b) meets the plane, one per edge
    std::map<std::pair<int64_t, int64_t>, int64_t> cuts;
    const auto cut = [&](int64_t a, int64_t b)
    {
        const auto key = std::minmax(a, b);
        const auto found = cuts.find(key);
        if (found != cuts.end())
        {
            return found->second;
        }
        const auto [i, j] = key;
        points.push_back(lerp(points[size_t(i)], points[size_t(j)], side[i] / (side[i] - side[j])));
        const auto index = int64_t(points.size()) - 1;
        cuts.emplace(key, index);
        return index;
    };

    const auto t = surface.triangles.contiguous();
    const auto corners = t.accessor<int64_t, 2>();
    std::vector<int64_t> triangles;
    for (int64_t f = 0; f < t.size(0); ++f)
    {
        const int64_t v[3] = {corners[f][0], corners[f][1], corners[f][2]};
        int inside = 0;
        for (const int64_t i : v)
        {
            inside += side[size_t(i)] >= 0;
        }
        if (inside == 3)
        {
            triangles.insert(triangles.end(), v, v + 3);
            continue;
        }
        if (inside == 0)
        {
            continue;
        }
        // Rotate (orientation kept) so that v[r] is the corner alone on its side
        int r = 0;
        for (int k = 0; k < 3; ++k)
        {
            if ((side[size_t(v[k])] >= 0) == (inside == 1))
            {
                r = k;
            }
        }
        const int64_t a = v[r], b = v[(r + 1) % 3], c = v[(r + 2) % 3];
        const int64_t ab = cut(a, b), ca = cut(c, a);
        if (inside == 1)
        {
            triangles.insert(triangles.end(), {a, ab, ca});
        }
        else
        {
            triangles.insert(triangles.end(), {ab, b, c, ab, c, ca});
        }
    }
    if (triangles.empty())
    {
        throw std::runtime_error(
            "surface '" + surface.source
            + "': no part of it lies on the kept side of the clipping"
              " plane"
        );
    }

    // Only the points the kept triangles use
    std::vector<int64_t> renumber(points.size(), -1);
    std::vector<Point> used;
    for (int64_t& i : triangles)
    {
        if (renumber[size_t(i)] < 0)
        {
            renumber[size_t(i)] = int64_t(used.size());
            used.push_back(points[size_t(i)]);
        }
        i = renumber[size_t(i)];
    }
    return surfaceOf(used, triangles, surface.source);
}


Surface refineSurface(const Surface& surface, double maxEdge, int64_t maxTriangles)
{
    if (!(maxEdge > 0) || !std::isfinite(maxEdge))
    {
        throw std::invalid_argument("the largest edge of a refinement must be > 0");
    }
    requireTriangles(surface, "refinement");
    const std::vector<Point> original = pointsOf(surface);
    const auto t = surface.triangles.contiguous();
    const auto corners = t.accessor<int64_t, 2>();
    const auto distance = [](const Point& a, const Point& b)
    {
        return std::sqrt(
            (a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1])
            + (a[2] - b[2]) * (a[2] - b[2])
        );
    };

    std::vector<int64_t> splits(size_t(t.size(0)));
    int64_t total = 0;
    for (int64_t f = 0; f < t.size(0); ++f)
    {
        const Point& a = original[size_t(corners[f][0])];
        const Point& b = original[size_t(corners[f][1])];
        const Point& c = original[size_t(corners[f][2])];
        const double longest = std::max({distance(a, b), distance(b, c), distance(c, a)});
        const auto k = std::max<int64_t>(1, int64_t(std::ceil(longest / maxEdge - 1e-9)));
        splits[size_t(f)] = k;
        total += k * k;
        if (total > maxTriangles)
        {
            throw std::runtime_error(
                "surface '" + surface.source + "': refined to edges of at most "
                + std::to_string(maxEdge) + " it would have more than "
                + std::to_string(maxTriangles) + " triangles (units of the model's cases?)"
            );
        }
    }

    std::vector<Point> points;
    std::vector<int64_t> triangles;
    points.reserve(size_t(total) * 3);
    triangles.reserve(size_t(total) * 3);
    for (int64_t f = 0; f < t.size(0); ++f)
    {
        const Point& a = original[size_t(corners[f][0])];
        const Point& b = original[size_t(corners[f][1])];
        const Point& c = original[size_t(corners[f][2])];
        const int64_t k = splits[size_t(f)];
        // Lattice point (i, j) = a + i/k (b - a) + j/k (c - a), i + j <= k
        const auto first = int64_t(points.size());
        const auto index = [&](int64_t i, int64_t j)
        {
            // Row i holds k + 1 - i points
            return first + i * (k + 1) - i * (i - 1) / 2 + j;
        };
        for (int64_t i = 0; i <= k; ++i)
        {
            for (int64_t j = 0; j <= k - i; ++j)
            {
                const double s = double(i) / double(k), r = double(j) / double(k);
                points.push_back(
                    {a[0] + s * (b[0] - a[0]) + r * (c[0] - a[0]),
                     a[1] + s * (b[1] - a[1]) + r * (c[1] - a[1]),
                     a[2] + s * (b[2] - a[2]) + r * (c[2] - a[2])}
                );
            }
        }
        for (int64_t i = 0; i < k; ++i)
        {
            for (int64_t j = 0; j < k - i; ++j)
            {
                triangles.insert(triangles.end(), {index(i, j), index(i + 1, j), index(i, j + 1)});
                if (j < k - i - 1)
                {
                    triangles.insert(
                        triangles.end(), {index(i + 1, j), index(i + 1, j + 1), index(i, j + 1)}
                    );
                }
            }
        }
    }
    return surfaceOf(points, triangles, surface.source);
}


Surface orientOutward(const Surface& surface)
{
    if (outwardSign(surface) > 0)
    {
        return surface;
    }
    Surface turned = makeSurface(
        surface.points, surface.triangles.index_select(1, torch::tensor({0, 2, 1})).contiguous(),
        surface.source
    );
    turned.pointArrays = surface.pointArrays;
    turned.cellArrays = surface.cellArrays;
    return turned;
}

} // namespace nop
