/*---------------------------------------------------------------------------*\
  =========                 |
  \\      /  F ield         | foamNeuralOperator: neural-operator surrogates
   \\    /   O peration     | for OpenFOAM
    \\  /    A nd           |
     \\/     M anipulation  |
\*---------------------------------------------------------------------------*/

#include "latentGrid.H"
#include "strictKeywords.H"
#include "nop/runtime/Limits.hpp"

#include <cmath>
#include <cstdint>
#include <string>

#include "dictionary.H"
#include "polyMesh.H"

// * * * * * * * * * * * * * * Static Member Data  * * * * * * * * * * * * //

const Foam::wordList Foam::latentGrid::keywords({"resolution", "bounds"});


// * * * * * * * * * * * * * Private Member Functions  * * * * * * * * * * * //

void Foam::latentGrid::makePoints()
{
    const point& lo = bounds_.min();
    const point& hi = bounds_.max();

    // Coordinates per direction (one point at the mid-plane if empty)
    List<scalarField> coords(3);
    for (direction d = 0; d < vector::nComponents; ++d)
    {
        const label n = resolution_[d];
        coords[d].setSize(n);
        const scalar delta = (hi[d] - lo[d])/n;
        forAll(coords[d], i)
        {
            coords[d][i] = lo[d] + (i + 0.5)*delta;
        }
    }

    // C order over x, y, z; an empty direction has one point so the
    // order over the kept ones is the same.
    const label nx = resolution_.x();
    const label ny = resolution_.y();
    const label nz = resolution_.z();

    points_.setSize(nx*ny*nz);
    label pointi = 0;
    for (label ix = 0; ix < nx; ++ix)
    {
        for (label iy = 0; iy < ny; ++iy)
        {
            for (label iz = 0; iz < nz; ++iz)
            {
                points_[pointi++] =
                    point(coords[0][ix], coords[1][iy], coords[2][iz]);
            }
        }
    }
}


// * * * * * * * * * * * * * * * * Constructors  * * * * * * * * * * * * * * //

Foam::latentGrid::latentGrid(const polyMesh& mesh, const dictionary& dict)
:
    bounds_(mesh.bounds()),
    resolution_(Zero),
    directions_(),
    points_()
{
    checkKeywords(dict, keywords, "latentGrid");

    const labelList resolution(dict.get<labelList>("resolution"));

    if (resolution.size() != vector::nComponents)
    {
        FatalIOErrorInFunction(dict)
            << "Entry 'resolution' needs " << label(vector::nComponents)
            << " values (nx ny nz), got " << resolution
            << exit(FatalIOError);
    }

    dict.readIfPresent("bounds", bounds_);

    const Vector<label>& solutionD = mesh.solutionD();

    for (direction d = 0; d < vector::nComponents; ++d)
    {
        if (solutionD[d] == -1)
        {
            // Empty direction (2D case): one point at the mid-plane
            resolution_[d] = 1;
            continue;
        }

        if (resolution[d] < 2)
        {
            FatalIOErrorInFunction(dict)
                << "Entry 'resolution' " << resolution
                << ": needs at least 2 points in direction "
                << vector::componentNames[d] << ", got " << resolution[d]
                << exit(FatalIOError);
        }
        if
        (
            !std::isfinite(bounds_.min()[d]) || !std::isfinite(bounds_.max()[d])
         || !(bounds_.max()[d] > bounds_.min()[d])
        )
        {
            FatalIOErrorInFunction(dict)
                << "Entry 'bounds' " << bounds_
                << ": the box is empty or not finite in direction "
                << vector::componentNames[d]
                << exit(FatalIOError);
        }

        if (resolution[d] > nop::limits::maxGridResolution)
        {
            FatalIOErrorInFunction(dict)
                << "Entry 'resolution' " << resolution
                << ": more than "
                << std::to_string(nop::limits::maxGridResolution).c_str()
                << " points in direction " << vector::componentNames[d]
                << exit(FatalIOError);
        }
        resolution_[d] = resolution[d];
        directions_.append(label(d));
    }

    // In 64 bits: the product of three labels overflows a 32-bit label
    const int64_t nPoints =
        int64_t(resolution_.x())*int64_t(resolution_.y())
       *int64_t(resolution_.z());
    if (nPoints > nop::limits::maxGridPoints)
    {
        FatalIOErrorInFunction(dict)
            << "Entry 'resolution' " << resolution << ": "
            << std::to_string(nPoints).c_str() << " grid points, more than the "
            << std::to_string(nop::limits::maxGridPoints).c_str()
            << " a latent grid may have" << exit(FatalIOError);
    }

    makePoints();
}


// * * * * * * * * * * * * * * * Member Functions  * * * * * * * * * * * * * //

Foam::labelList Foam::latentGrid::keptResolution() const
{
    labelList result(directions_.size());
    forAll(directions_, i)
    {
        result[i] = resolution_[directions_[i]];
    }
    return result;
}


// ************************************************************************* //
