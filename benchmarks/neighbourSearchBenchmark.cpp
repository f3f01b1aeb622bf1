// neighbourSearchBenchmark
//
// Description
//     Times the radius search of GINO's neighbour lists (nop::KdTree,
//     nanoflann) side by side with a brute-force search in one process, for
//     clouds of growing size: N random points in the unit box as data and a
//     regular latent grid of about N points as queries, with the radius that
//     gives about -neighbours neighbours per query inside the box (fewer near
//     its faces). Prints the measured mean neighbour count and pairs, the
//     tree's build and query times (best of -repeats) on 1 and on -threads
//     threads, the brute force's time on 1 thread (up to -bruteMax points),
//     the speed-up of the tree on 1 thread over it, and whether both found
//     the same lists.
//
// Usage
//     neighbourSearchBenchmark [-sizes 1000,10000,100000,1000000] [-dims 3]
//         [-neighbours 30] [-bruteMax 100000] [-repeats 3] [-threads 0]

#include "nop/geometry/NeighbourSearch.hpp"
#include "nop/runtime/Device.hpp"
#include "nop/runtime/Elapsed.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

using namespace nop;

namespace
{

struct Settings
{
    std::string sizes = "1000,10000,100000,1000000";
    int64_t dims = 3, neighbours = 30, bruteMax = 100000, repeats = 3, threads = 0;
};


Settings parse(int argc, char* argv[])
{
    Settings s;
    std::map<std::string, int64_t*> integers = {
        {"-dims", &s.dims},
        {"-neighbours", &s.neighbours},
        {"-bruteMax", &s.bruteMax},
        {"-repeats", &s.repeats},
        {"-threads", &s.threads}};
    for (int i = 1; i < argc; ++i)
    {
        const std::string key = argv[i];
        if (key == "-help" || key == "--help" || i + 1 >= argc)
        {
            std::cout << "Usage: neighbourSearchBenchmark [-sizes 1000,10000,100000,1000000]"
                         " [-dims 3] [-neighbours 30] [-bruteMax 100000] [-repeats 3]"
                         " [-threads 0]\n";
            std::exit(key == "-help" || key == "--help" ? 0 : 1);
        }
        const std::string value = argv[++i];
        if (integers.count(key))
        {
            *integers[key] = std::stoll(value);
        }
        else if (key == "-sizes")
        {
            s.sizes = value;
        }
        else
        {
            throw std::invalid_argument("unknown option " + key + " (try -help)");
        }
    }
    if (s.dims < 1 || s.neighbours < 1 || s.repeats < 1)
    {
        throw std::invalid_argument("-dims, -neighbours and -repeats must be at least 1");
    }
    return s;
}


/// A regular grid of about n points in the unit box, cell centres.
torch::Tensor latentGrid(int64_t n, int64_t dims)
{
    const auto perAxis = std::max<int64_t>(1, std::llround(std::pow(double(n), 1.0 / dims)));
    std::vector<torch::Tensor> axes(
        size_t(dims), (torch::arange(perAxis, torch::kFloat) + 0.5) / double(perAxis)
    );
    auto grids = torch::meshgrid(axes, "ij");
    for (auto& g : grids)
    {
        g = g.reshape({-1, 1});
    }
    return torch::cat(grids, 1);
}


/// The radius of a ball holding `neighbours` of n points spread over the unit box.
double radiusFor(int64_t neighbours, int64_t n, int64_t dims)
{
    const double pi = std::acos(-1.0);
    const double unitBall = std::pow(pi, dims / 2.0) / std::tgamma(dims / 2.0 + 1);
    return std::pow(double(neighbours) / (double(n) * unitBall), 1.0 / dims);
}


/// Every query against every point, the same rule as the tree
/// (NeighbourSearch.hpp): float64 squared distance <= radius^2.
Neighbours bruteForce(const torch::Tensor& dataPoints, const torch::Tensor& queries, double radius)
{
    const auto p = dataPoints.to(torch::kDouble).contiguous();
    const auto q = queries.to(torch::kDouble).contiguous();
    const double* pd = p.data_ptr<double>();
    const double* qd = q.data_ptr<double>();
    const int64_t m = p.size(0), n = q.size(0), dims = p.size(1);
    const double radiusSquared = radius * radius;
    std::vector<int64_t> indices;
    std::vector<int64_t> rowSplits{0};
    for (int64_t i = 0; i < n; ++i)
    {
        for (int64_t j = 0; j < m; ++j)
        {
            double squared = 0;
            for (int64_t k = 0; k < dims; ++k)
            {
                const double diff = qd[i * dims + k] - pd[j * dims + k];
                squared += diff * diff;
            }
            if (squared <= radiusSquared)
            {
                indices.push_back(j);
            }
        }
        rowSplits.push_back(int64_t(indices.size()));
    }
    return {torch::tensor(indices, torch::kLong), torch::tensor(rowSplits, torch::kLong)};
}


struct TreeTimes
{
    double build = 1e300, query1 = 1e300, queryN = 1e300;
    Neighbours neighbours;
};


TreeTimes timeTree(
    const torch::Tensor& data,
    const torch::Tensor& queries,
    double radius,
    const Settings& s
)
{
    TreeTimes t;
    for (int64_t r = 0; r < s.repeats; ++r)
    {
        auto start = Clock::now();
        const KdTree tree(data);
        t.build = std::min(t.build, secondsSince(start));

        start = Clock::now();
        t.neighbours = tree.radiusSearch(queries, radius, 1);
        t.query1 = std::min(t.query1, secondsSince(start));

        start = Clock::now();
        t.neighbours = tree.radiusSearch(queries, radius, int(s.threads));
        t.queryN = std::min(t.queryN, secondsSince(start));
    }
    return t;
}

} // namespace


int main(int argc, char* argv[])
{
    try
    {
        const Settings s = parse(argc, argv);
        const int64_t threads = setThreads(s.threads);
        std::printf(
            "Radius search, %lldD: N random points in the unit box (float32) as data, a regular"
            " grid of about N points as queries;\ntree times best of %lld, %lld thread(s);"
            " brute force on 1 thread up to %lld points\n\n",
            (long long)s.dims, (long long)s.repeats, (long long)threads, (long long)s.bruteMax
        );
        std::printf(
            "%9s %9s %8s %7s %10s %9s %9s %9s %10s %9s %9s\n", "points", "queries", "radius",
            "mean", "pairs", "build s", "query1 s", "queryN s", "brute s", "speed-up", "same"
        );

        std::stringstream list(s.sizes);
        for (std::string word; std::getline(list, word, ',');)
        {
            const int64_t n = std::stoll(word);
            torch::manual_seed(n);
            const auto data = torch::rand({n, s.dims});
            const auto queries = latentGrid(n, s.dims);
            const double radius = radiusFor(s.neighbours, n, s.dims);

            const TreeTimes t = timeTree(data, queries, radius, s);
            const auto& found = t.neighbours;
            const double mean = double(found.pairs()) / double(found.queries());

            std::string brute = "-", speedUp = "-", same = "-";
            if (n <= s.bruteMax)
            {
                const auto start = Clock::now();
                const Neighbours reference = bruteForce(data, queries, radius);
                const double seconds = secondsSince(start);
                char text[32];
                std::snprintf(text, sizeof text, "%.4f", seconds);
                brute = text;
                std::snprintf(text, sizeof text, "%.1fx", seconds / (t.build + t.query1));
                speedUp = text;
                same = torch::equal(reference.indices, found.indices)
                               && torch::equal(reference.rowSplits, found.rowSplits)
                           ? "yes"
                           : "NO";
            }
            std::printf(
                "%9lld %9lld %8.5f %7.1f %10lld %9.4f %9.4f %9.4f %10s %9s %9s\n", (long long)n,
                (long long)found.queries(), radius, mean, (long long)found.pairs(), t.build,
                t.query1, t.queryN, brute.c_str(), speedUp.c_str(), same.c_str()
            );
            std::fflush(stdout);
        }
        std::printf("\nspeed-up: brute force time / (tree build + query on 1 thread)\n");
        return 0;
    }
    catch (const std::exception& e)
    {
        std::cerr << "neighbourSearchBenchmark: " << e.what() << std::endl;
        return 1;
    }
}
