/*---------------------------------------------------------------------------*\
  =========                 |
  \\      /  F ield         | foamNeuralOperator: neural-operator surrogates
   \\    /   O peration     | for OpenFOAM
    \\  /    A nd           |
     \\/     M anipulation  |
\*---------------------------------------------------------------------------*/

#include "latentGridSampler.H"
#include "fvMesh.H"
#include "meshSearch.H"

// * * * * * * * * * * * * * * * * Constructors  * * * * * * * * * * * * * * //

Foam::latentGridSampler::latentGridSampler
(
    const fvMesh& mesh,
    const latentGrid& grid
)
:
    mesh_(mesh),
    points_(grid.points()),
    cells_(points_.size(), -1),
    nInside_(0)
{
    const meshSearch search(mesh_, polyMesh::CELL_TETS);

    forAll(points_, pointi)
    {
        // Octree search (no seed: holes in the domain are handled)
        cells_[pointi] = search.findCell(points_[pointi], -1, true);
        if (cells_[pointi] >= 0)
        {
            ++nInside_;
        }
    }
}


// * * * * * * * * * * * * * * * Member Functions  * * * * * * * * * * * * * //

Foam::tmp<Foam::scalarField> Foam::latentGridSampler::mask() const
{
    auto tresult = tmp<scalarField>::New(points_.size(), Zero);
    auto& result = tresult.ref();

    forAll(cells_, pointi)
    {
        if (cells_[pointi] >= 0)
        {
            result[pointi] = 1;
        }
    }

    return tresult;
}


// ************************************************************************* //
