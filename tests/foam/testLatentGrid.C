/*---------------------------------------------------------------------------*\
  =========                 |
  \\      /  F ield         | foamNeuralOperator: neural-operator surrogates
   \\    /   O peration     | for OpenFOAM
    \\  /    A nd           |
     \\/     M anipulation  |
-------------------------------------------------------------------------------
Description
    Tests of Foam::latentGrid, Foam::latentGridSampler and
    Foam::latentGridInterpolator on tiny real cases made by blockMesh in
    temporary directories: reproduction of a linear field, convergence on a
    smooth field, the mask around a hole and outside the domain, 2D
    detection, errors on bad entries; grid-to-mesh interpolation and round
    trips (mesh -> grid -> mesh), boundary conditions of the written-back
    field, the signed wall distance.

    Serial against decomposed runs: testParallelSampling.sh.

\*---------------------------------------------------------------------------*/

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "latentGrid.H"
#include "latentGridInterpolator.H"
#include "latentGridSampler.H"

#include "IStringStream.H"
#include "Pair.H"
#include "Time.H"
#include "calculatedFvPatchFields.H"
#include "fixedValueFvPatchFields.H"
#include "fvMesh.H"
#include "mathematicalConstants.H"
#include "volFields.H"
#include "wordRes.H"
#include "zeroGradientFvPatchFields.H"

namespace
{

using namespace Foam;

//- Bound on the relative max error of sin(2 pi x) cos(pi y) sampled from
//- the 20^3 mesh onto an 8^3 grid; observed 0.0116 (0.0627 on 10^3):
//- the error falls by 5.4x for h/2 (second order or better)
constexpr scalar smoothBound = 0.02;

const char* const foamHeader =
    "FoamFile\n{\n    version 2.0;\n    format ascii;\n"
    "    class dictionary;\n    object %s;\n}\n";

std::string header(const std::string& object)
{
    char buf[256];
    std::snprintf(buf, sizeof(buf), foamHeader, object.c_str());
    return buf;
}

void writeFile(const std::filesystem::path& path, const std::string& text)
{
    std::filesystem::create_directories(path.parent_path());
    std::ofstream os(path);
    os << text;
}

//- blockMeshDict of a box [0,1]^3 with n^3 cells; with empty2D the
//- z direction has one cell between two empty patches
std::string boxMesh(int n, bool empty2D = false)
{
    std::ostringstream os;
    os  << header("blockMeshDict")
        << "convertToMeters 1;\n"
        << "vertices ((0 0 0) (1 0 0) (1 1 0) (0 1 0)"
           " (0 0 1) (1 0 1) (1 1 1) (0 1 1));\n"
        << "blocks (hex (0 1 2 3 4 5 6 7) (" << n << ' ' << n << ' '
        << (empty2D ? 1 : n) << ") simpleGrading (1 1 1));\n"
        << "edges ();\n";
    if (empty2D)
    {
        os  << "boundary (frontAndBack { type empty;"
               " faces ((0 3 2 1) (4 5 6 7)); });\n";
    }
    else
    {
        os  << "boundary ();\n";
    }
    os  << "defaultPatch { name walls; type wall; }\n";
    return os.str();
}

//- blockMeshDict of a channel [0,1]^3 with n^3 cells: patches inlet
//- (x = 0) and outlet (x = 1), the others walls (type wall)
std::string channelMesh(int n)
{
    std::ostringstream os;
    os  << header("blockMeshDict")
        << "convertToMeters 1;\n"
        << "vertices ((0 0 0) (1 0 0) (1 1 0) (0 1 0)"
           " (0 0 1) (1 0 1) (1 1 1) (0 1 1));\n"
        << "blocks (hex (0 1 2 3 4 5 6 7) (" << n << ' ' << n << ' ' << n
        << ") simpleGrading (1 1 1));\n"
        << "edges ();\n"
        << "boundary (\n"
        << "  inlet { type patch; faces ((0 4 7 3)); }\n"
        << "  outlet { type patch; faces ((1 2 6 5)); }\n"
        << ");\n"
        << "defaultPatch { name walls; type wall; }\n";
    return os.str();
}

//- blockMeshDict of [0,3]x[0,3]x[0,1] made of 3x3 blocks without the
//- centre one: a square hole [1,2]x[1,2] through the box. All walls, or
//- with channel: a channel along x with patches inlet (x = 0), outlet
//- (x = 3), walls (y = 0, y = 3, type wall), frontAndBack (z = 0, z = 1)
//- and hole (type wall)
std::string holeMesh(int n, bool channel = false)
{
    std::ostringstream os;
    os  << header("blockMeshDict")
        << "convertToMeters 1;\nvertices (\n";
    for (int k = 0; k < 2; ++k)
    {
        for (int j = 0; j < 4; ++j)
        {
            for (int i = 0; i < 4; ++i)
            {
                os  << "  (" << i << ' ' << j << ' ' << k << ")\n";
            }
        }
    }
    os  << ");\nblocks (\n";
    auto v = [](int i, int j, int k) { return k*16 + j*4 + i; };
    for (int j = 0; j < 3; ++j)
    {
        for (int i = 0; i < 3; ++i)
        {
            if (i == 1 && j == 1)
            {
                continue;
            }
            os  << "  hex (" << v(i, j, 0) << ' ' << v(i + 1, j, 0) << ' '
                << v(i + 1, j + 1, 0) << ' ' << v(i, j + 1, 0) << ' '
                << v(i, j, 1) << ' ' << v(i + 1, j, 1) << ' '
                << v(i + 1, j + 1, 1) << ' ' << v(i, j + 1, 1) << ") ("
                << n << ' ' << n << ' ' << n << ") simpleGrading (1 1 1)\n";
        }
    }
    os  << ");\nedges ();\n";
    if (!channel)
    {
        os  << "boundary ();\n"
            << "defaultPatch { name walls; type wall; }\n";
        return os.str();
    }

    // Outward faces of block (i, j), as the faces of a hex
    auto quad = [](int a, int b, int c, int d)
    {
        std::ostringstream q;
        q   << "    (" << a << ' ' << b << ' ' << c << ' ' << d << ")\n";
        return q.str();
    };
    std::string inlet, outlet, walls, frontAndBack;
    for (int j = 0; j < 3; ++j)
    {
        for (int i = 0; i < 3; ++i)
        {
            if (i == 1 && j == 1)
            {
                continue;
            }
            if (i == 0)
            {
                inlet += quad
                (
                    v(0, j, 0), v(0, j, 1),
                    v(0, j+1, 1), v(0, j+1, 0)
                );
            }
            if (i == 2)
            {
                outlet += quad
                (
                    v(3, j, 0), v(3, j+1, 0),
                    v(3, j+1, 1), v(3, j, 1)
                );
            }
            if (j == 0)
            {
                walls += quad
                (
                    v(i, 0, 0), v(i+1, 0, 0),
                    v(i+1, 0, 1), v(i, 0, 1)
                );
            }
            if (j == 2)
            {
                walls += quad
                (
                    v(i, 3, 0), v(i, 3, 1),
                    v(i+1, 3, 1), v(i+1, 3, 0)
                );
            }
            frontAndBack +=
                quad(v(i, j, 0), v(i, j+1, 0), v(i+1, j+1, 0), v(i+1, j, 0))
              + quad(v(i, j, 1), v(i+1, j, 1), v(i+1, j+1, 1), v(i, j+1, 1));
        }
    }
    os  << "boundary (\n"
        << "  inlet { type patch; faces (\n" << inlet << "  ); }\n"
        << "  outlet { type patch; faces (\n" << outlet << "  ); }\n"
        << "  walls { type wall; faces (\n" << walls << "  ); }\n"
        << "  frontAndBack { type patch; faces (\n" << frontAndBack
        << "  ); }\n"
        << ");\n"
        << "defaultPatch { name hole; type wall; }\n";
    return os.str();
}

//- A case in a temporary directory, meshed by blockMesh, with its Time
//- and fvMesh
class tinyCase
{
    std::filesystem::path dir_;
    std::unique_ptr<Time> runTime_;
    std::unique_ptr<fvMesh> mesh_;

public:

    explicit tinyCase(const std::string& blockMeshDict)
    {
        ::setenv("WM_PROJECT_DIR", "/usr/share/openfoam", 0);

        std::string tmpl =
            (std::filesystem::temp_directory_path()/"testFoamLatentGrid.XXXXXX")
            .string();
        if (!::mkdtemp(tmpl.data()))
        {
            throw std::runtime_error("tinyCase: mkdtemp failed");
        }
        dir_ = tmpl;

        writeFile
        (
            dir_/"system"/"controlDict",
            header("controlDict")
          + "application none;\nstartFrom startTime;\nstartTime 0;\n"
            "stopAt endTime;\nendTime 1;\ndeltaT 1;\n"
            "writeControl timeStep;\nwriteInterval 1;\n"
        );
        writeFile
        (
            dir_/"system"/"fvSchemes",
            header("fvSchemes")
          + "ddtSchemes {}\ngradSchemes {}\ndivSchemes {}\n"
            "laplacianSchemes {}\ninterpolationSchemes {}\nsnGradSchemes {}\n"
        );
        writeFile(dir_/"system"/"fvSolution", header("fvSolution"));
        writeFile(dir_/"system"/"blockMeshDict", blockMeshDict);

        const std::string cmd =
            "/usr/bin/blockMesh -case '" + dir_.string() + "' > '"
          + (dir_/"log.blockMesh").string() + "' 2>&1";
        if (std::system(cmd.c_str()) != 0)
        {
            throw std::runtime_error
            (
                "tinyCase: blockMesh failed, see "
              + (dir_/"log.blockMesh").string()
            );
        }

        runTime_.reset
        (
            new Time
            (
                Time::controlDictName,
                fileName(dir_.parent_path().string()),
                fileName(dir_.filename().string())
            )
        );
        mesh_.reset
        (
            new fvMesh
            (
                IOobject
                (
                    fvMesh::defaultRegion,
                    runTime_->timeName(),
                    *runTime_,
                    IOobject::MUST_READ
                )
            )
        );
    }

    ~tinyCase()
    {
        mesh_.reset();
        runTime_.reset();
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }

    const fvMesh& mesh() const
    {
        return *mesh_;
    }
};


//- A volScalarField with internal and boundary values f(position)
template<class Function>
tmp<volScalarField> analyticField(const fvMesh& mesh, Function f)
{
    auto tfld = tmp<volScalarField>::New
    (
        IOobject
        (
            "f",
            mesh.time().timeName(),
            mesh,
            IOobject::NO_READ,
            IOobject::NO_WRITE,
            false
        ),
        mesh,
        dimensionedScalar(dimless, Zero),
        calculatedFvPatchScalarField::typeName
    );
    volScalarField& fld = tfld.ref();

    const volVectorField& C = mesh.C();
    forAll(fld, celli)
    {
        fld[celli] = f(C[celli]);
    }
    auto& bf = fld.boundaryFieldRef();
    forAll(bf, patchi)
    {
        const vectorField& Cf = C.boundaryField()[patchi];
        forAll(bf[patchi], facei)
        {
            bf[patchi][facei] = f(Cf[facei]);
        }
    }
    return tfld;
}


//- Max abs error of the samples against f at the grid points, over the
//- points inside the fluid, relative to the max abs of f there
template<class Function>
scalar relMaxError
(
    const latentGridSampler& sampler,
    const scalarField& samples,
    Function f
)
{
    scalar maxErr = 0;
    scalar maxRef = 0;
    forAll(samples, pointi)
    {
        if (sampler.cells()[pointi] >= 0)
        {
            const scalar ref = f(sampler.points()[pointi]);
            maxErr = max(maxErr, mag(samples[pointi] - ref));
            maxRef = max(maxRef, mag(ref));
        }
    }
    return maxErr/maxRef;
}


//- Max abs error of interpolated values at the cell centres and at the
//- face centres of all patches against f, and the max abs of f there;
//- cells and faces where ignore(position) are left out
template<class Function, class Ignore>
Pair<scalar> errorOnMesh
(
    const latentGridInterpolator& interpolator,
    const scalarField& gridValues,
    Function f,
    Ignore ignore
)
{
    const fvMesh& mesh = interpolator.mesh();
    scalar maxErr = 0;
    scalar maxRef = 0;
    auto compare = [&](const vectorField& x, const scalarField& values)
    {
        forAll(x, i)
        {
            if (!ignore(x[i]))
            {
                maxErr = max(maxErr, mag(values[i] - f(x[i])));
                maxRef = max(maxRef, mag(f(x[i])));
            }
        }
    };
    compare(mesh.C(), interpolator.interpolateCells(gridValues));
    forAll(mesh.boundary(), patchi)
    {
        compare
        (
            mesh.boundary()[patchi].Cf(),
            interpolator.interpolatePatch(gridValues, patchi)
        );
    }
    return Pair<scalar>(maxErr, maxRef);
}


//- The max abs error of errorOnMesh relative to the max abs of f, over
//- every cell and boundary face
template<class Function>
scalar relMaxErrorOnMesh
(
    const latentGridInterpolator& interpolator,
    const scalarField& gridValues,
    Function f
)
{
    const Pair<scalar> e = errorOnMesh
    (
        interpolator, gridValues, f, [](const point&) { return false; }
    );
    return e.first()/e.second();
}


//- f at the grid points
template<class Function>
scalarField atGridPoints(const latentGrid& grid, Function f)
{
    scalarField values(grid.nPoints());
    forAll(values, pointi)
    {
        values[pointi] = f(grid.points()[pointi]);
    }
    return values;
}


//- A point as text, for test messages
std::string str(const point& p)
{
    std::ostringstream os;
    os << '(' << p.x() << ' ' << p.y() << ' ' << p.z() << ')';
    return os.str();
}


dictionary gridDict(const std::string& text)
{
    IStringStream is(text);
    return dictionary(is);
}


class LatentGrid : public ::testing::Test
{
protected:

    void SetUp() override
    {
        FatalError.throwExceptions();
        FatalIOError.throwExceptions();
    }
};

} // End anonymous namespace


// * * * * * * * * * * * * * * * * * Tests * * * * * * * * * * * * * * * * //

TEST_F(LatentGrid, pointsAreCellCentredInCOrder)
{
    tinyCase c(boxMesh(4));
    const latentGrid grid(c.mesh(), gridDict("resolution (2 3 4);"));

    EXPECT_EQ(grid.nDims(), 3);
    EXPECT_EQ(grid.keptResolution(), labelList({2, 3, 4}));
    ASSERT_EQ(grid.nPoints(), 24);

    // index = (ix*ny + iy)*nz + iz, point = min + (i + 0.5)*(max - min)/n
    const label ix = 1, iy = 2, iz = 3;
    const point& p = grid.points()[(ix*3 + iy)*4 + iz];
    EXPECT_NEAR(p.x(), 1.5/2, 1e-14);
    EXPECT_NEAR(p.y(), 2.5/3, 1e-14);
    EXPECT_NEAR(p.z(), 3.5/4, 1e-14);
    EXPECT_NEAR(grid.points()[0].x(), 0.25, 1e-14);
    EXPECT_NEAR(grid.points()[1].z(), 0.375, 1e-14);
}


TEST_F(LatentGrid, linearFieldIsReproduced)
{
    // On a regular hex mesh cell-point interpolation is exact for a linear
    // field wherever volPointInterpolation's point values are: at interior
    // points and at points inside one flat patch. At a point where two or
    // three patches meet (the edges of the box) it averages the values of
    // the adjacent faces of all of them, whose centres do not surround the
    // point symmetrically (e.g. offset (0, h/4, -h/4) on an edge), so the
    // point value is off by up to sum_i |b_i| h/4 for f = a + b.x. The
    // samples in cells touching an edge inherit that (convex weights).
    const label n = 10;
    const scalar h = 1.0/n;
    tinyCase c(boxMesh(n));
    const latentGrid grid(c.mesh(), gridDict("resolution (8 8 8);"));
    const latentGridSampler sampler(c.mesh(), grid);
    ASSERT_EQ(sampler.nInside(), 512);

    const vector b(2, -0.7, 0.3);
    auto f = [&b](const point& p)
    {
        return 1.5 + (b & p);
    };
    const tmp<volScalarField> fld(analyticField(c.mesh(), f));
    const scalarField samples(sampler.sample(fld()));

    // Cells with a vertex on an edge of the box [0,1]^3
    auto onEdge = [](const point& p)
    {
        label nOnFace = 0;
        for (direction d = 0; d < 3; ++d)
        {
            nOnFace += (mag(p[d]) < 1e-12 || mag(p[d] - 1) < 1e-12);
        }
        return nOnFace >= 2;
    };

    scalar errInterior = 0, errEdge = 0, maxF = 0;
    label nEdge = 0;
    forAll(samples, pointi)
    {
        const label celli = sampler.cells()[pointi];
        bool touchesEdge = false;
        for (const label pti : c.mesh().cellPoints()[celli])
        {
            touchesEdge = touchesEdge || onEdge(c.mesh().points()[pti]);
        }
        const scalar ref = f(grid.points()[pointi]);
        const scalar e = mag(samples[pointi] - ref);
        maxF = max(maxF, mag(ref));
        if (touchesEdge)
        {
            errEdge = max(errEdge, e);
            ++nEdge;
        }
        else
        {
            errInterior = max(errInterior, e);
        }
    }
    const scalar edgeBound = cmptSum(cmptMag(b))*h/4;
    std::cout << "linear field, 10^3 mesh, 8^3 grid: rel. max error "
              << errInterior/maxF << " away from the box edges ("
              << 512 - nEdge << " points), abs. max error " << errEdge
              << " (bound " << edgeBound << ") in cells touching an edge ("
              << nEdge << " points)" << std::endl;
    EXPECT_LT(errInterior/maxF, 1e-10);
    EXPECT_LE(errEdge, edgeBound*(1 + 1e-10));
    EXPECT_GT(512 - nEdge, 0);

    // The vector version, component by component
    auto tU = tmp<volVectorField>::New
    (
        IOobject("U", c.mesh().time().timeName(), c.mesh()),
        c.mesh(),
        dimensionedVector(dimless, Zero),
        calculatedFvPatchVectorField::typeName
    );
    volVectorField& U = tU.ref();
    U.primitiveFieldRef() = c.mesh().C().primitiveField();
    forAll(U.boundaryFieldRef(), patchi)
    {
        U.boundaryFieldRef()[patchi] = c.mesh().C().boundaryField()[patchi];
    }
    const vectorField UGrid(sampler.sample(U));
    // f = x, y, z per component: sum |b_i| = 1 each
    EXPECT_LE(max(mag(UGrid - grid.points())), std::sqrt(3.0)*h/4);
}


TEST_F(LatentGrid, smoothFieldConverges)
{
    auto f = [](const point& p)
    {
        const scalar pi = constant::mathematical::pi;
        return std::sin(2*pi*p.x())*std::cos(pi*p.y());
    };

    scalar err[2];
    const int n[2] = {10, 20};
    for (int i = 0; i < 2; ++i)
    {
        tinyCase c(boxMesh(n[i]));
        const latentGrid grid(c.mesh(), gridDict("resolution (8 8 8);"));
        const latentGridSampler sampler(c.mesh(), grid);
        const tmp<volScalarField> fld(analyticField(c.mesh(), f));
        err[i] = relMaxError(sampler, sampler.sample(fld())(), f);
        std::cout << "sin(2 pi x) cos(pi y), " << n[i]
                  << "^3 mesh, 8^3 grid: rel. max error " << err[i]
                  << std::endl;
    }
    // Second order: h/2 divides the error by 4 (observed 5.4); a first-order
    // interpolation (2x) or any other decrease fails
    EXPECT_GT(err[0], 4*err[1]);
    EXPECT_LT(err[1], smoothBound);
}


TEST_F(LatentGrid, maskAroundHoleAndOutsideDomain)
{
    // h = 0.2: no grid point on a mesh face
    const scalar h = 0.2;
    tinyCase c(holeMesh(5));

    // Box beyond the mesh [0,3]x[0,3]x[0,1]; grid spacing 0.5, points at
    // odd multiples of 0.25: none on a boundary
    const latentGrid grid
    (
        c.mesh(),
        gridDict
        (
            "resolution (8 8 4);\n"
            "bounds (-0.5 -0.5 -0.5) (3.5 3.5 1.5);"
        )
    );
    ASSERT_EQ(grid.nPoints(), 256);

    const latentGridSampler sampler(c.mesh(), grid);
    const scalarField mask(sampler.mask());

    auto f = [](const point& p) { return 1 + p.x() + p.y(); };
    const tmp<volScalarField> fld(analyticField(c.mesh(), f));
    const scalarField samples(sampler.sample(fld()));

    label nInside = 0;
    forAll(grid.points(), pointi)
    {
        const point& p = grid.points()[pointi];
        const bool inBox =
            p.x() > 0 && p.x() < 3 && p.y() > 0 && p.y() < 3
         && p.z() > 0 && p.z() < 1;
        const bool inHole =
            p.x() > 1 && p.x() < 2 && p.y() > 1 && p.y() < 2;
        const bool inside = inBox && !inHole;
        nInside += inside;

        EXPECT_EQ(mask[pointi], inside ? 1.0 : 0.0) << "at " << str(p);
        if (inside)
        {
            // Exact but near patch edges (see linearFieldIsReproduced)
            EXPECT_NEAR(samples[pointi], f(p), 2*h/4) << "at " << str(p);
            EXPECT_GT(samples[pointi], 0) << "at " << str(p);
        }
        else
        {
            EXPECT_EQ(samples[pointi], 0.0) << "at " << str(p);
        }
    }
    // 6x6 columns in the box less 2x2 in the hole, 2 layers in z
    EXPECT_EQ(nInside, (36 - 4)*2);
    EXPECT_EQ(sampler.nInside(), nInside);
}


TEST_F(LatentGrid, detects2D)
{
    tinyCase c(boxMesh(6, true));
    const latentGrid grid(c.mesh(), gridDict("resolution (5 7 1);"));

    EXPECT_EQ(grid.nDims(), 2);
    EXPECT_EQ(grid.keptResolution(), labelList({5, 7}));
    EXPECT_EQ(grid.directions(), labelList({0, 1}));
    ASSERT_EQ(grid.nPoints(), 35);
    for (const point& p : grid.points())
    {
        EXPECT_NEAR(p.z(), 0.5, 1e-14);     // the mid-plane
    }

    // The resolution of the empty direction is ignored
    const latentGrid grid2(c.mesh(), gridDict("resolution (5 7 16);"));
    EXPECT_EQ(grid2.nPoints(), 35);

    // Every point is inside the one-cell-thick mesh
    const latentGridSampler sampler(c.mesh(), grid);
    EXPECT_EQ(sampler.nInside(), 35);

    // A linear field in x and y: reproduced, here also in the corner
    // cells (unlike at the box edges of the 3D linearFieldIsReproduced)
    auto f = [](const point& p) { return 0.5 + p.x() - 2*p.y(); };
    const tmp<volScalarField> fld(analyticField(c.mesh(), f));
    const scalar err = relMaxError(sampler, sampler.sample(fld())(), f);
    std::cout << "linear field, 2D 6^2 mesh, 5x7 grid: rel. max error "
              << err << std::endl;
    // Observed 3.9e-11: exact up to the tolerances of the tet search
    EXPECT_LT(err, 1e-9);
}


TEST_F(LatentGrid, badEntriesAreFatalIOErrors)
{
    tinyCase c(boxMesh(4));
    const fvMesh& mesh = c.mesh();

    EXPECT_THROW(latentGrid(mesh, gridDict("resolution (4 1 4);")), IOerror);
    EXPECT_THROW(latentGrid(mesh, gridDict("")), IOerror);
    EXPECT_THROW(latentGrid(mesh, gridDict("resolution (4 4);")), IOerror);
    EXPECT_THROW(latentGrid(mesh, gridDict("resolution fine;")), IOerror);
    EXPECT_THROW
    (
        latentGrid
        (
            mesh,
            gridDict("resolution (4 4 4);\nbounds (0 0 0) (1 0 1);")
        ),
        IOerror
    );

    // The message names the entry
    try
    {
        latentGrid(mesh, gridDict("resolution (4 1 4);"));
        FAIL() << "no error";
    }
    catch (const IOerror& e)
    {
        EXPECT_NE(std::string(e.message()).find("resolution"),
                  std::string::npos) << e.message();
    }
}

TEST_F(LatentGrid, hugeResolutionIsAFatalIOErrorNotAnOverflow)
{
    tinyCase c(boxMesh(4));
    const fvMesh& mesh = c.mesh();

    // 65536^2 points overflow a 32-bit label (segfault before)
    const auto message = [&mesh](const std::string& entries)
    {
        try
        {
            latentGrid(mesh, gridDict(entries));
        }
        catch (const IOerror& e)
        {
            return std::string(e.message());
        }
        return std::string("no error");
    };
    EXPECT_NE(message("resolution (65536 65536 2);").find("8589934592 grid points, more than"),
              std::string::npos) << message("resolution (65536 65536 2);");
    EXPECT_NE(message("resolution (4 4 2000000);").find("more than"),
              std::string::npos);
    EXPECT_NE(message("resolution (4 4 4); bounds (0 0 0) (1e400 1 1);"),
              "no error");
}


TEST_F(LatentGrid, unknownEntryNamesTheNearestKeyword)
{
    tinyCase c(boxMesh(4));
    const fvMesh& mesh = c.mesh();
    try
    {
        latentGrid(mesh, gridDict("resolution (4 4 4); bound (0 0 0) (1 1 1);"));
        FAIL() << "no error";
    }
    catch (const IOerror& e)
    {
        const std::string what(e.message());
        EXPECT_NE(what.find("Unknown entry 'latentGrid/bound'"), std::string::npos) << what;
        EXPECT_NE(what.find("did you mean 'bounds'?"), std::string::npos) << what;
    }
}

// * * * * * * * * * * * * * Grid -> mesh interpolation * * * * * * * * * * //

TEST_F(LatentGrid, interpolatorIsExactForLinearFields)
{
    // Exact grid values of a linear field, every grid point inside:
    // multilinear interpolation (extrapolation in the half grid spacing
    // next to the box) is exact at every cell and boundary face centre.
    // Observed 4.8e-16 (round-off).
    tinyCase c(boxMesh(7));
    const latentGrid grid(c.mesh(), gridDict("resolution (5 4 6);"));
    const latentGridInterpolator interpolator
    (
        c.mesh(), grid, scalarField(grid.nPoints(), 1.0)
    );
    EXPECT_EQ(interpolator.nNearest(), 0);

    auto f = [](const point& p)
    {
        return 1.5 + 2*p.x() - 0.7*p.y() + 0.3*p.z();
    };
    const scalar err =
        relMaxErrorOnMesh(interpolator, atGridPoints(grid, f), f);
    std::cout << "linear field, exact 5x4x6 grid values to a 7^3 mesh:"
              << " rel. max error " << err << std::endl;
    EXPECT_LT(err, 1e-13);
}


TEST_F(LatentGrid, roundTripReproducesLinearField)
{
    // mesh -> grid -> mesh on a 2D mesh, where the sampling is exact up to
    // the tet search tolerances (see detects2D) and the interpolation back
    // is exact: cells and boundary faces. Observed 3.1e-16.
    tinyCase c(boxMesh(10, true));
    const latentGrid grid(c.mesh(), gridDict("resolution (8 6 1);"));
    const latentGridSampler sampler(c.mesh(), grid);
    const latentGridInterpolator interpolator(c.mesh(), grid, sampler.mask());

    auto f = [](const point& p) { return 0.5 + p.x() - 2*p.y(); };
    const tmp<volScalarField> fld(analyticField(c.mesh(), f));
    const scalar err =
        relMaxErrorOnMesh(interpolator, sampler.sample(fld())(), f);
    std::cout << "linear field round trip, 2D 10^2 mesh, 8x6 grid:"
              << " rel. max error " << err << std::endl;
    EXPECT_LT(err, 1e-9);
}


TEST_F(LatentGrid, roundTripSmoothFieldConverges)
{
    // sin(2 pi x) cos(pi y) on a 2D 40^2 mesh, to grids of 10^2 and 20^2
    // and back: the interpolation error of the grid dominates, second
    // order (h^2 |f''|/8 ~ 0.05 for h = 0.1). Observed rel. max errors
    // 0.0604 and 0.0152 (4.0x for h/2); bound 0.02 on 20^2.
    auto f = [](const point& p)
    {
        const scalar pi = constant::mathematical::pi;
        return std::sin(2*pi*p.x())*std::cos(pi*p.y());
    };

    tinyCase c(boxMesh(40, true));
    const tmp<volScalarField> fld(analyticField(c.mesh(), f));
    scalar err[2];
    const int n[2] = {10, 20};
    for (int i = 0; i < 2; ++i)
    {
        const latentGrid grid
        (
            c.mesh(),
            gridDict("resolution (" + std::to_string(n[i]) + ' '
                   + std::to_string(n[i]) + " 1);")
        );
        const latentGridSampler sampler(c.mesh(), grid);
        const latentGridInterpolator interpolator
        (
            c.mesh(), grid, sampler.mask()
        );
        err[i] = relMaxErrorOnMesh(interpolator, sampler.sample(fld())(), f);
        std::cout << "sin(2 pi x) cos(pi y) round trip, 2D 40^2 mesh, "
                  << n[i] << "^2 grid: rel. max error " << err[i]
                  << std::endl;
    }
    EXPECT_GT(err[0], 3*err[1]);
    EXPECT_LT(err[1], 0.02);
}


TEST_F(LatentGrid, interpolatorUsesInsideGridPointsOnly)
{
    // Hole [1,2]^2 through [0,3]^2 x [0,1]; grid spacing 0.25, points at
    // odd multiples of 0.125 (none on a face). Exact values of a linear
    // field at the inside grid points, 1e30 at the outside ones: any
    // outside point in a stencil would show. Away from the hole (further
    // than a grid spacing) every corner is inside: exact. Next to it the
    // renormalised weights of the inside corners are convex, so the error
    // is at most |grad f| times a grid cell's diagonal (0.530 for the
    // f below): observed 0.1375.
    tinyCase c(holeMesh(5));
    const latentGrid grid(c.mesh(), gridDict("resolution (12 12 4);"));
    const latentGridSampler sampler(c.mesh(), grid);
    const scalarField mask(sampler.mask());
    ASSERT_EQ(sampler.nInside(), (144 - 16)*4);

    const latentGridInterpolator interpolator(c.mesh(), grid, mask);
    EXPECT_EQ(interpolator.nNearest(), 0);

    auto f = [](const point& p) { return 10 + 0.5*p.x() - 0.5*p.y() + p.z(); };
    scalarField gridValues(atGridPoints(grid, f));
    forAll(mask, pointi)
    {
        if (mask[pointi] == 0)
        {
            gridValues[pointi] = 1e30;
        }
    }

    const scalar h = 0.25;
    auto nearHole = [h](const point& p)
    {
        return
            p.x() > 1 - h && p.x() < 2 + h && p.y() > 1 - h && p.y() < 2 + h;
    };
    const Pair<scalar> away =
        errorOnMesh(interpolator, gridValues, f, nearHole);
    const Pair<scalar> all = errorOnMesh
    (
        interpolator, gridValues, f, [](const point&) { return false; }
    );

    // |grad f| times the diagonal of a grid cell
    const scalar bound = std::sqrt(1.5)*std::sqrt(3.0)*h;
    std::cout << "linear field around a hole, 12x12x4 grid: rel. max error "
              << away.first()/away.second() << " away from the hole, abs."
              << " max error " << all.first() << " next to it (bound "
              << bound << ")" << std::endl;
    EXPECT_LT(away.first()/away.second(), 1e-13);
    EXPECT_GT(all.first(), 1e-6);     // the hole does matter
    EXPECT_LT(all.first(), bound);
}


TEST_F(LatentGrid, nearestInsidePointWithoutInsideCorners)
{
    tinyCase c(boxMesh(4));
    const latentGrid grid(c.mesh(), gridDict("resolution (4 4 4);"));

    // One inside grid point: it is every cell's and face's value, as a
    // corner (renormalised) or as the nearest inside point
    scalarField mask(grid.nPoints(), Zero);
    mask[21] = 1;
    scalarField gridValues(grid.nPoints(), 1e30);
    gridValues[21] = 3.25;
    const latentGridInterpolator interpolator(c.mesh(), grid, mask);
    EXPECT_GT(interpolator.nNearest(), 0);
    EXPECT_EQ(max(mag(interpolator.interpolateCells(gridValues) - 3.25)), 0);
    EXPECT_EQ
    (
        max(mag(interpolator.interpolatePatch(gridValues, 0) - 3.25)), 0
    );

    // No inside point; a grid field of the wrong size
    EXPECT_THROW
    (
        latentGridInterpolator(c.mesh(), grid, scalarField(64, Zero)),
        error
    );
    EXPECT_THROW(interpolator.interpolateCells(scalarField(63, 1.0)), error);
}


namespace
{

//- The channel of channelMesh(6) with a 5^3 grid over it, its patches and
//- a linear field at the grid points (exact under interpolation)
struct channelOnGrid
{
    tinyCase c;
    const fvMesh& mesh;
    const latentGrid grid;
    const latentGridSampler sampler;
    const latentGridInterpolator interpolator;
    const label inlet;
    const label outlet;
    const label walls;

    channelOnGrid()
    :
        c(channelMesh(6)),
        mesh(c.mesh()),
        grid(mesh, gridDict("resolution (5 5 5);")),
        sampler(mesh, grid),
        interpolator(mesh, grid, sampler.mask()),
        inlet(mesh.boundaryMesh().findPatchID("inlet")),
        outlet(mesh.boundaryMesh().findPatchID("outlet")),
        walls(mesh.boundaryMesh().findPatchID("walls"))
    {}

    static scalar f(const point& x)
    {
        return 1 + x.x() + 2*x.y() - x.z();
    }

    scalarField gridValues() const
    {
        return atGridPoints(grid, f);
    }

    //- A scalar field of value 7 (or value) with inlet fixedValue, outlet
    //- zeroGradient and walls of type wallType
    tmp<volScalarField> field
    (
        const word& name,
        const word& wallType = calculatedFvPatchScalarField::typeName,
        const scalar value = 7.0
    ) const
    {
        wordList types(mesh.boundary().size());
        types[inlet] = fixedValueFvPatchScalarField::typeName;
        types[outlet] = zeroGradientFvPatchScalarField::typeName;
        types[walls] = wallType;
        return tmp<volScalarField>::New
        (
            IOobject(name, mesh.time().timeName(), mesh),
            mesh,
            dimensionedScalar(name, dimless, value),
            types
        );
    }
};

} // End anonymous namespace


TEST_F(LatentGrid, interpolateWriteBackPolicy)
{
    // The write-back policy (latentGridInterpolator.H): inlet fixedValue
    // kept; outlet zeroGradient and walls calculated: the interpolated face
    // values (exact for the linear field), the outlet's condition not
    // evaluated (its values are not the cells')
    const channelOnGrid g;
    const fvMesh& mesh = g.mesh;
    const latentGridInterpolator& interpolator = g.interpolator;
    ASSERT_GE(min(g.inlet, min(g.outlet, g.walls)), 0);

    tmp<volScalarField> tp(g.field("p"));
    volScalarField& p = tp.ref();
    const scalarField gridValues(g.gridValues());
    interpolator.interpolate(gridValues, p);

    const scalarField cells(interpolator.interpolateCells(gridValues));
    EXPECT_EQ(max(mag(p.primitiveField() - cells)), 0);
    EXPECT_EQ(max(mag(p.boundaryField()[g.inlet] - 7.0)), 0);
    for (const label patchi : {g.outlet, g.walls})
    {
        const scalarField& values = p.boundaryField()[patchi];
        EXPECT_EQ
        (
            max(mag(values - interpolator.interpolatePatch(gridValues, patchi))),
            0
        );
        const vectorField& Cf = mesh.boundary()[patchi].Cf();
        forAll(Cf, facei)
        {
            EXPECT_NEAR(values[facei], g.f(Cf[facei]), 1e-12);
        }
    }
    EXPECT_GT
    (
        max
        (
            mag
            (
                p.boundaryField()[g.outlet]
              - p.boundaryField()[g.outlet].patchInternalField()
            )
        ),
        1e-3
    );

    // A vector field, all calculated
    volVectorField U
    (
        IOobject("U", mesh.time().timeName(), mesh),
        mesh,
        dimensionedVector(dimless, Zero),
        calculatedFvPatchVectorField::typeName
    );
    vectorField UGrid(g.grid.nPoints());
    forAll(UGrid, pointi)
    {
        const point& x = g.grid.points()[pointi];
        UGrid[pointi] = vector(g.f(x), -g.f(x), 2*x.x());
    }
    interpolator.interpolate(UGrid, U);
    EXPECT_NEAR(U[0].y(), -g.f(mesh.C()[0]), 1e-12);
    EXPECT_NEAR(U.boundaryField()[g.inlet][0].z(), 0, 1e-12);
}


TEST_F(LatentGrid, interpolateLeavesWallFunctionsUnevaluated)
{
    // A wall function (fixedValue-derived, evaluated from the turbulence
    // model, which this case has not: evaluating it would be a
    // FatalError): kept and not evaluated, as surrogateFoam needs it
    const channelOnGrid g;
    tmp<volScalarField> tnut(g.field("nut", "nutkWallFunction"));
    volScalarField& nut = tnut.ref();
    ASSERT_EQ(nut.boundaryField()[g.walls].type(), word("nutkWallFunction"));

    const scalarField gridValues(g.gridValues());
    EXPECT_NO_THROW(g.interpolator.interpolate(gridValues, nut));
    EXPECT_EQ(max(mag(nut.boundaryField()[g.walls] - 7.0)), 0);
    EXPECT_EQ
    (
        max
        (
            mag(nut.primitiveField() - g.interpolator.interpolateCells(gridValues))
        ),
        0
    );
}


TEST_F(LatentGrid, interpolateWithLowerBound)
{
    // A lower bound: the cells and the patches set are raised to it, the
    // fixed ones not
    const channelOnGrid g;
    const latentGridInterpolator& interpolator = g.interpolator;
    tmp<volScalarField> tbounded(g.field("bounded", calculatedFvPatchScalarField::typeName, -1.0));
    volScalarField& bounded = tbounded.ref();
    const scalarField gridValues(g.gridValues());
    const scalarField cells(interpolator.interpolateCells(gridValues));

    const scalar lowerBound = 2.5;
    interpolator.interpolate(gridValues, bounded, lowerBound);
    EXPECT_EQ(max(mag(bounded.primitiveField() - max(cells, lowerBound))), 0);
    EXPECT_LT(min(cells), lowerBound);
    EXPECT_GT(max(cells), lowerBound);
    EXPECT_EQ(max(mag(bounded.boundaryField()[g.inlet] + 1.0)), 0);
    for (const label patchi : {g.outlet, g.walls})
    {
        EXPECT_EQ
        (
            max
            (
                mag
                (
                    bounded.boundaryField()[patchi]
                  - max
                    (
                        interpolator.interpolatePatch(gridValues, patchi),
                        lowerBound
                    )
                )
            ),
            0
        );
    }
}


TEST_F(LatentGrid, cellsOutsideTheBoxKeepTheirValues)
{
    // A grid over the middle of the box mesh [0,1]^3 (a box around a body
    // in a far field): cells and calculated faces inside it are set, the
    // others keep their values
    tinyCase c(boxMesh(8));
    const fvMesh& mesh = c.mesh();
    const latentGrid grid
    (
        mesh,
        gridDict("resolution (4 4 4);\nbounds (0.25 0 0) (0.75 1 1);")
    );
    const latentGridSampler sampler(mesh, grid);
    const latentGridInterpolator interpolator(mesh, grid, sampler.mask());

    volScalarField p
    (
        IOobject("p", mesh.time().timeName(), mesh),
        mesh,
        dimensionedScalar("p", dimless, 7.0),
        calculatedFvPatchScalarField::typeName
    );
    auto f = [](const point& x) { return 1 + x.x() + 2*x.y() - x.z(); };
    interpolator.interpolate(scalarField(atGridPoints(grid, f)), p);

    // Cell centres at x = (i + 1/2)/8: i = 2..5 are in [0.25, 0.75]
    label outside = 0;
    forAll(mesh.C(), celli)
    {
        const point& x = mesh.C()[celli];
        if (x.x() > 0.25 && x.x() < 0.75)
        {
            EXPECT_TRUE(interpolator.cellsInBox()[celli]);
            EXPECT_NEAR(p[celli], f(x), 1e-12);
        }
        else
        {
            EXPECT_FALSE(interpolator.cellsInBox()[celli]);
            EXPECT_EQ(p[celli], 7.0);
            ++outside;
        }
    }
    EXPECT_EQ(outside, 4*8*8);
    EXPECT_EQ(interpolator.nCellsOutsideBox(), outside);

    // Boundary faces: the same rule
    forAll(p.boundaryField(), patchi)
    {
        const vectorField& Cf = mesh.boundary()[patchi].Cf();
        forAll(Cf, facei)
        {
            const bool in = Cf[facei].x() >= 0.25 && Cf[facei].x() <= 0.75;
            EXPECT_NEAR(p.boundaryField()[patchi][facei], in ? f(Cf[facei]) : 7.0, 1e-12);
        }
    }

    // A lower bound raises the cells outside the box too
    interpolator.interpolate(scalarField(atGridPoints(grid, f)), p, 8.0);
    EXPECT_EQ(min(p.primitiveField()), 8.0);
}

TEST_F(LatentGrid, signedWallDistance)
{
    // Channel along x with walls at y = 0 and y = 3 and a hole [1,2]^2
    // (walls); grid spacing 0.25 x 0.25 x 0.25, every point in the box.
    // Inside: the distance to the walls and to the square; in the hole:
    // minus the distance to its sides. Observed max error 0 (nearest
    // points on planar quads).
    tinyCase c(holeMesh(4, true));
    const latentGrid grid(c.mesh(), gridDict("resolution (12 12 4);"));
    const latentGridSampler sampler(c.mesh(), grid);
    const scalarField mask(sampler.mask());
    const scalarField distance(sampler.signedWallDistance());

    label nInside = 0, nHole = 0;
    scalar maxErr = 0;
    forAll(distance, pointi)
    {
        const point& p = grid.points()[pointi];
        const bool inHole = p.x() > 1 && p.x() < 2 && p.y() > 1 && p.y() < 2;
        scalar ref;
        if (inHole)
        {
            ref = -min(min(p.x() - 1, 2 - p.x()), min(p.y() - 1, 2 - p.y()));
            ++nHole;
            EXPECT_EQ(mask[pointi], 0.0) << "at " << str(p);
            EXPECT_LT(distance[pointi], 0) << "at " << str(p);
        }
        else
        {
            const scalar dx = max(max(1 - p.x(), 0.0), p.x() - 2);
            const scalar dy = max(max(1 - p.y(), 0.0), p.y() - 2);
            ref = min(min(p.y(), 3 - p.y()), std::sqrt(dx*dx + dy*dy));
            ++nInside;
            EXPECT_EQ(mask[pointi], 1.0) << "at " << str(p);
            EXPECT_GT(distance[pointi], 0) << "at " << str(p);
        }
        maxErr = max(maxErr, mag(distance[pointi] - ref));
    }
    std::cout << "signed wall distance, hole channel, 12x12x4 grid: max"
              << " error " << maxErr << " (" << nInside << " inside, "
              << nHole << " in the hole)" << std::endl;
    EXPECT_EQ(nHole, 16*4);
    EXPECT_EQ(nInside, (144 - 16)*4);
    EXPECT_LT(maxErr, 1e-12);

    // To the patches named: the inlet plane x = 0
    const wordRes inlet(1, wordRe("inlet"));
    const scalarField toInlet(sampler.signedWallDistance(inlet));
    forAll(toInlet, pointi)
    {
        const point& p = grid.points()[pointi];
        EXPECT_NEAR(toInlet[pointi], (mask[pointi] ? 1 : -1)*p.x(), 1e-12)
            << "at " << str(p);
    }
}


TEST_F(LatentGrid, signedWallDistanceWithoutWallIsFatal)
{
    std::string dict(boxMesh(3));
    dict.replace(dict.find("type wall"), 9, "type patch");
    tinyCase c(dict);
    const latentGrid grid(c.mesh(), gridDict("resolution (3 3 3);"));
    const latentGridSampler sampler(c.mesh(), grid);

    try
    {
        sampler.signedWallDistance();
        FAIL() << "no error";
    }
    catch (const error& e)
    {
        // Names the case and the channel
        const std::string msg(e.message());
        EXPECT_NE(msg.find("testFoamLatentGrid."), std::string::npos) << msg;
        EXPECT_NE(msg.find("wallDistance"), std::string::npos) << msg;
    }
    const wordRes inlet(1, wordRe("inlet"));
    EXPECT_THROW(sampler.signedWallDistance(inlet), error);
}


// ************************************************************************* //
