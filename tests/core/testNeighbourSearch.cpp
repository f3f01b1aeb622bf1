// The radius search (nop/geometry) against a brute-force reference written
// here: every query against every data point, squared distance summed in
// float64 over the coordinates in order, neighbour when <= radius^2. Same
// neighbour sets in the same (ascending) order on random clouds, lattices
// whose neighbours lie exactly at the radius, duplicated points, any thread
// count; and the cache of the lists by geometry and radius.

#include "nop/geometry/NeighbourCache.hpp"
#include "nop/geometry/NeighbourSearch.hpp"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <functional>
#include <limits>
#include <thread>
#include <vector>

using namespace nop;

namespace
{

using Rows = std::vector<std::vector<int64_t>>;


Rows bruteForce(const torch::Tensor& dataPoints, const torch::Tensor& queries, double radius)
{
    const auto p = dataPoints.to(torch::kDouble).contiguous();
    const auto q = queries.to(torch::kDouble).contiguous();
    const auto pa = p.accessor<double, 2>();
    const auto qa = q.accessor<double, 2>();
    Rows rows(size_t(q.size(0)));
    for (int64_t i = 0; i < q.size(0); ++i)
    {
        for (int64_t j = 0; j < p.size(0); ++j)
        {
            double squared = 0;
            for (int64_t k = 0; k < q.size(1); ++k)
            {
                const double diff = qa[i][k] - pa[j][k];
                squared += diff * diff;
            }
            if (squared <= radius * radius)
            {
                rows[size_t(i)].push_back(j);
            }
        }
    }
    return rows;
}


/// The rows of CSR lists, after checking their form.
Rows rowsOf(const Neighbours& neighbours)
{
    const auto& indices = neighbours.indices;
    const auto& splits = neighbours.rowSplits;
    EXPECT_EQ(indices.scalar_type(), torch::kLong);
    EXPECT_EQ(splits.scalar_type(), torch::kLong);
    EXPECT_EQ(indices.dim(), 1);
    EXPECT_EQ(splits.dim(), 1);
    EXPECT_GE(splits.size(0), 1);
    const auto s = splits.accessor<int64_t, 1>();
    const auto x = indices.accessor<int64_t, 1>();
    EXPECT_EQ(s[0], 0);
    EXPECT_EQ(s[splits.size(0) - 1], indices.size(0));
    Rows rows(size_t(splits.size(0) - 1));
    for (int64_t i = 0; i + 1 < splits.size(0); ++i)
    {
        EXPECT_LE(s[i], s[i + 1]) << "row " << i;
        for (int64_t k = s[i]; k < s[i + 1]; ++k)
        {
            rows[size_t(i)].push_back(x[k]);
        }
    }
    return rows;
}


int64_t emptyRows(const Rows& rows)
{
    int64_t n = 0;
    for (const auto& r : rows)
    {
        n += r.empty();
    }
    return n;
}


bool identical(const Neighbours& a, const Neighbours& b)
{
    return torch::equal(a.indices, b.indices) && torch::equal(a.rowSplits, b.rowSplits);
}


/// Points of a regular lattice with spacing h (exact in binary), n per axis.
torch::Tensor lattice(int64_t n, int64_t dims, double h)
{
    std::vector<torch::Tensor> axes(size_t(dims), torch::arange(n, torch::kDouble) * h);
    auto grids = torch::meshgrid(axes, "ij");
    for (auto& g : grids)
    {
        g = g.reshape({-1, 1});
    }
    return torch::cat(grids, 1);
}


/// Runs f, expects std::invalid_argument whose message contains `words`.
void expectInvalid(const std::function<void()>& f, const std::string& words)
{
    try
    {
        f();
        ADD_FAILURE() << "no exception; expected one naming '" << words << "'";
    }
    catch (const std::invalid_argument& e)
    {
        EXPECT_NE(std::string(e.what()).find(words), std::string::npos)
            << "message '" << e.what() << "' does not name '" << words << "'";
    }
}


struct CloudCase
{
    int64_t dims;
    torch::ScalarType dtype;
};

std::string cloudName(const ::testing::TestParamInfo<CloudCase>& info)
{
    return std::to_string(info.param.dims) + "D_"
           + (info.param.dtype == torch::kFloat ? "float32" : "float64");
}

class RandomClouds : public ::testing::TestWithParam<CloudCase>
{};

} // namespace


TEST_P(RandomClouds, SameNeighboursAsBruteForce)
{
    const auto [dims, dtype] = GetParam();
    torch::manual_seed(11 + dims);
    const auto data = torch::rand({1500, dims}, dtype);
    // Fresh points and some of the data points themselves (distance 0).
    const auto queries = torch::cat({torch::rand({400, dims}, dtype), data.slice(0, 0, 100)});

    for (double radius : {0.004, 0.05, 0.15, 2.0})
    {
        SCOPED_TRACE("radius " + std::to_string(radius));
        const Rows rows = rowsOf(radiusSearch(data, queries, radius));
        ASSERT_EQ(rows.size(), size_t(queries.size(0)));
        EXPECT_EQ(rows, bruteForce(data, queries, radius));
        if (radius == 0.004)
        {
            EXPECT_GT(emptyRows(rows), 100) << "the smallest radius should leave rows empty";
        }
        if (radius == 2.0)
        {
            // Beyond the diagonal of the unit cube: every data point.
            EXPECT_EQ(rows.back().size(), size_t(data.size(0)));
        }
        else
        {
            EXPECT_LT(emptyRows(rows), int64_t(rows.size()));
        }
    }
}

INSTANTIATE_TEST_SUITE_P(
    Clouds,
    RandomClouds,
    ::testing::Values(
        CloudCase{2, torch::kFloat},
        CloudCase{2, torch::kDouble},
        CloudCase{3, torch::kFloat},
        CloudCase{3, torch::kDouble}
    ),
    cloudName
);


TEST(NeighbourSearch, OtherDimensions)
{
    // 1: a tree of fixed dimension as 2 and 3; 5: of any dimension.
    for (int64_t dims : {1, 5})
    {
        torch::manual_seed(dims);
        const auto data = torch::rand({600, dims}, torch::kDouble);
        const auto queries = torch::rand({150, dims}, torch::kDouble);
        const double radius = dims == 1 ? 0.01 : 0.4;
        const Rows rows = rowsOf(radiusSearch(data, queries, radius));
        EXPECT_EQ(rows, bruteForce(data, queries, radius)) << dims << "D";
        EXPECT_GT(int64_t(rows.size()) - emptyRows(rows), 0) << dims << "D";
    }
}


TEST(NeighbourSearch, PointsExactlyAtTheRadiusAreNeighbours)
{
    for (auto dtype : {torch::kFloat, torch::kDouble})
    {
        // Distances exact in binary: 5 = |(3, 4)|, 1.25 = |(0.75, 1)|.
        const auto data = torch::tensor({{0.0, 0.0}, {3.0, 4.0}, {0.75, 1.0}, {-3.0, -4.0}}, dtype);
        const auto queries = torch::tensor({{0.0, 0.0}, {3.75, 5.0}}, dtype);

        EXPECT_EQ(rowsOf(radiusSearch(data, queries, 5.0)), (Rows{{0, 1, 2, 3}, {1, 2}}));
        EXPECT_EQ(rowsOf(radiusSearch(data, queries, 1.25)), (Rows{{0, 2}, {1}}));
        // Just below: the points at the radius drop out.
        EXPECT_EQ(
            rowsOf(radiusSearch(data, queries, std::nextafter(5.0, 0.0))), (Rows{{0, 2}, {1}})
        );
        EXPECT_EQ(rowsOf(radiusSearch(data, queries, std::nextafter(1.25, 0.0))), (Rows{{0}, {}}));
        for (double radius : {5.0, 1.25, std::nextafter(5.0, 0.0)})
        {
            EXPECT_EQ(
                rowsOf(radiusSearch(data, queries, radius)), bruteForce(data, queries, radius)
            );
        }
    }
}


TEST(NeighbourSearch, LatticeNeighboursAtTheSpacing)
{
    // Spacing 1/4: an inner point's axis neighbours lie exactly at r = 1/4,
    // the diagonal ones beyond it.
    for (int64_t dims : {2, 3})
    {
        const auto points = lattice(9, dims, 0.25);
        const Rows rows = rowsOf(radiusSearch(points, points, 0.25));
        EXPECT_EQ(rows, bruteForce(points, points, 0.25)) << dims << "D";
        const int64_t centre = points.size(0) / 2; // (4, 4[, 4])
        EXPECT_EQ(rows[size_t(centre)].size(), size_t(2 * dims + 1)) << dims << "D";
    }
}


TEST(NeighbourSearch, DuplicatedPointsAllFoundInAscendingOrder)
{
    torch::manual_seed(3);
    auto data = torch::rand({300, 3}, torch::kDouble);
    // Point 5 four times and a cluster of copies of point 9.
    for (int64_t i : {17, 120, 299})
    {
        data[i] = data[5];
    }
    data.slice(0, 200, 260) = data[9];
    const auto queries = torch::cat({data.slice(0, 0, 20), data.slice(0, 0, 20)});

    const Rows rows = rowsOf(radiusSearch(data, queries, 1e-9));
    EXPECT_EQ(rows[5], (std::vector<int64_t>{5, 17, 120, 299}));
    EXPECT_EQ(rows[9].size(), size_t(61));
    EXPECT_EQ(rows, bruteForce(data, queries, 1e-9));
    for (double radius : {0.1, 0.3})
    {
        const Rows wide = rowsOf(radiusSearch(data, queries, radius));
        EXPECT_EQ(wide, bruteForce(data, queries, radius));
        EXPECT_EQ(wide[3], wide[23]); // the same query twice
    }
}


TEST(NeighbourSearch, ResultDoesNotDependOnTheThreadCount)
{
    torch::manual_seed(5);
    const auto data = torch::rand({12000, 3});
    const auto queries = torch::rand({3001, 3});
    const auto one = radiusSearch(data, queries, 0.06, 1);
    ASSERT_GT(one.pairs(), 3001);
    for (int threads : {4, 7, 0})
    {
        EXPECT_TRUE(identical(one, radiusSearch(data, queries, 0.06, threads)))
            << threads << " threads";
    }
    EXPECT_EQ(rowsOf(one), bruteForce(data, queries, 0.06));
}


TEST(NeighbourSearch, OneTreeForManySearches)
{
    torch::manual_seed(6);
    auto data = torch::rand({800, 2}, torch::kDouble);
    const auto original = data.clone();
    const KdTree tree(data);
    EXPECT_EQ(tree.points(), 800);
    EXPECT_EQ(tree.dimensions(), 2);
    // The tree keeps its own copy: changing the caller's tensor changes nothing.
    data.mul_(3);
    for (double radius : {0.02, 0.1})
    {
        const auto queries = torch::rand({100, 2}, torch::kDouble);
        EXPECT_EQ(
            rowsOf(tree.radiusSearch(queries, radius)), bruteForce(original, queries, radius)
        );
    }
}


TEST(NeighbourSearch, EmptyInputs)
{
    const auto points = torch::rand({10, 3});
    const auto none = torch::empty({0, 3});

    const auto noData = radiusSearch(none, points, 0.5);
    EXPECT_EQ(noData.queries(), 10);
    EXPECT_EQ(noData.pairs(), 0);
    EXPECT_TRUE(torch::equal(noData.rowSplits, torch::zeros({11}, torch::kLong)));
    EXPECT_EQ(noData.indices.scalar_type(), torch::kLong);

    const auto noQueries = radiusSearch(points, none, 0.5);
    EXPECT_TRUE(torch::equal(noQueries.rowSplits, torch::zeros({1}, torch::kLong)));
    EXPECT_EQ(noQueries.pairs(), 0);

    EXPECT_EQ(radiusSearch(none, none, 0.5).queries(), 0);
}


TEST(NeighbourSearch, BadInputsAreNamed)
{
    const auto good = torch::rand({10, 3});
    const auto search = [&](const torch::Tensor& data, const torch::Tensor& queries)
    { return [=] { radiusSearch(data, queries, 0.1); }; };

    expectInvalid(search(torch::Tensor(), good), "dataPoints is an undefined tensor");
    expectInvalid(search(good, torch::Tensor()), "queries is an undefined tensor");
    expectInvalid(search(torch::rand({10}), good), "dataPoints must be (points, coordinates)");
    expectInvalid(search(good, torch::rand({2, 5, 3})), "queries must be (points, coordinates)");
    expectInvalid(search(torch::rand({10, 0}), good), "dataPoints must be (points, coordinates)");
    expectInvalid(search(good.to(torch::kLong), good), "dataPoints must be float32 or float64");
    expectInvalid(search(good, good.to(torch::kHalf)), "queries must be float32 or float64");
    expectInvalid(
        search(good, torch::rand({4, 2})), "queries have 2 coordinates, the data points 3"
    );

    auto withNan = good.clone();
    withNan[7][2] = std::numeric_limits<float>::quiet_NaN();
    expectInvalid(search(withNan, good), "dataPoints has a non-finite coordinate nan at point 7");
    auto withInf = good.clone();
    withInf[2][0] = std::numeric_limits<float>::infinity();
    expectInvalid(search(good, withInf), "queries has a non-finite coordinate inf at point 2");

    for (double radius : {0.0, -1.0, std::nan(""), std::numeric_limits<double>::infinity()})
    {
        expectInvalid([&] { radiusSearch(good, good, radius); }, "radius must be positive");
    }
    expectInvalid([&] { radiusSearch(good, good, 0.1, -1); }, "threads must be >= 0");
}


TEST(NeighbourCache, RepeatedSearchIsAnsweredFromTheCache)
{
    torch::manual_seed(8);
    const auto data = torch::rand({500, 3});
    const auto queries = torch::rand({200, 3});
    NeighbourCache cache;
    const auto first = cache.radiusSearch(data, queries, 0.1);
    EXPECT_EQ(rowsOf(first), bruteForce(data, queries, 0.1));
    EXPECT_EQ(cache.misses(), 1);

    // The same tensors, equal copies, and the same values as float64.
    for (const auto& [d, q] : std::vector<std::pair<torch::Tensor, torch::Tensor>>{
             {data, queries},
             {data.clone(), queries.clone()},
             {data.to(torch::kDouble), queries.to(torch::kDouble)}})
    {
        const auto again = cache.radiusSearch(d, q, 0.1, 3);
        EXPECT_TRUE(identical(first, again));
        EXPECT_EQ(again.indices.data_ptr(), first.indices.data_ptr()) << "not the stored lists";
    }
    EXPECT_EQ(cache.hits(), 3);
    EXPECT_EQ(cache.misses(), 1);
    EXPECT_EQ(cache.size(), 1u);
}


TEST(NeighbourCache, NewRadiusOrCoordinateIsSearchedAgain)
{
    torch::manual_seed(9);
    auto data = torch::rand({500, 2}, torch::kDouble);
    auto queries = torch::rand({200, 2}, torch::kDouble);
    NeighbourCache cache;
    cache.radiusSearch(data, queries, 0.1);

    const auto wider = cache.radiusSearch(data, queries, std::nextafter(0.1, 1.0));
    EXPECT_EQ(cache.misses(), 2);
    EXPECT_EQ(rowsOf(wider), bruteForce(data, queries, 0.1));

    // In place: the cache must have kept its own copy of the coordinates.
    data[42][1] += 0.05;
    const auto moved = cache.radiusSearch(data, queries, 0.1);
    EXPECT_EQ(cache.misses(), 3);
    EXPECT_EQ(rowsOf(moved), bruteForce(data, queries, 0.1));

    queries[7][0] = std::nextafter(queries[7][0].item<double>(), 2.0);
    const auto movedQuery = cache.radiusSearch(data, queries, 0.1);
    EXPECT_EQ(cache.misses(), 4);
    EXPECT_EQ(rowsOf(movedQuery), bruteForce(data, queries, 0.1));

    // Fewer queries: the shape differs.
    cache.radiusSearch(data, queries.slice(0, 0, 199), 0.1);
    EXPECT_EQ(cache.misses(), 5);
    EXPECT_EQ(cache.hits(), 0);
}


TEST(NeighbourCache, LeastRecentlyUsedIsDropped)
{
    torch::manual_seed(10);
    const auto data = torch::rand({300, 3});
    const auto queries = torch::rand({50, 3});
    NeighbourCache cache(2);
    EXPECT_EQ(cache.capacity(), 2u);
    const auto a = [&] { return cache.radiusSearch(data, queries, 0.1); };
    const auto b = [&] { return cache.radiusSearch(data, queries, 0.2); };
    const auto c = [&] { return cache.radiusSearch(data, queries, 0.3); };

    a();
    b();
    a(); // hit; b is now the least recently used
    c(); // drops b
    EXPECT_EQ(cache.size(), 2u);
    EXPECT_EQ(cache.hits(), 1);
    a();
    EXPECT_EQ(cache.hits(), 2);
    EXPECT_EQ(rowsOf(b()), bruteForce(data, queries, 0.2));
    EXPECT_EQ(cache.misses(), 4);
    EXPECT_EQ(cache.size(), 2u);

    cache.clear();
    EXPECT_EQ(cache.size(), 0u);
    a();
    EXPECT_EQ(cache.misses(), 5);

    expectInvalid([] { NeighbourCache none(0); }, "capacity must be at least 1");
}


TEST(NeighbourCache, SharedBetweenThreads)
{
    torch::manual_seed(12);
    const auto data = torch::rand({2000, 3});
    const auto queries = torch::rand({300, 3});
    const std::vector<double> radii{0.05, 0.08, 0.12};
    std::vector<Neighbours> expected;
    for (double r : radii)
    {
        expected.push_back(radiusSearch(data, queries, r));
    }

    NeighbourCache cache(2); // fewer entries than searches: entries come and go
    std::vector<int> wrong(4, 0);
    std::vector<std::thread> threads;
    for (size_t t = 0; t < 4; ++t)
    {
        threads.emplace_back(
            [&, t]
            {
                for (size_t k = 0; k < 15; ++k)
                {
                    const size_t which = (k + t) % radii.size();
                    wrong[t] += !identical(
                        cache.radiusSearch(data, queries, radii[which], 1), expected[which]
                    );
                }
            }
        );
    }
    for (auto& t : threads)
    {
        t.join();
    }
    EXPECT_EQ(wrong, std::vector<int>(4, 0));
    EXPECT_EQ(cache.hits() + cache.misses(), 60);
    EXPECT_LE(cache.size(), 2u);
}
