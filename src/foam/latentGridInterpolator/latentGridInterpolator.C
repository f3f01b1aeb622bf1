/*---------------------------------------------------------------------------*\
  =========                 |
  \\      /  F ield         | foamNeuralOperator: neural-operator surrogates
   \\    /   O peration     | for OpenFOAM
    \\  /    A nd           |
     \\/     M anipulation  |
\*---------------------------------------------------------------------------*/

#include "latentGridInterpolator.H"
#include "fvMesh.H"

// * * * * * * * * * * * * Private Member Functions  * * * * * * * * * * * //

void Foam::latentGridInterpolator::makeStencils
(
    const latentGrid& grid,
    const scalarField& mask,
    const pointField& points,
    labelListList& corners,
    scalarListList& weights
) const
{
    const labelList& dirs = grid.directions();
    const labelList shape(grid.shape());
    const label nDims = dirs.size();
    const point& lo = grid.bounds().min();
    const point& hi = grid.bounds().max();
    const pointField& gridPoints = grid.points();

    corners.setSize(points.size());
    weights.setSize(points.size());

    const label nCorners = 1 << nDims;
    labelList base(nDims);
    scalarList frac(nDims);

    forAll(points, pointi)
    {
        const point& p = points[pointi];

        // Lower corner and fraction per kept direction; grid points are
        // cell-centred: x_i = lo + (i + 1/2) delta
        for (label k = 0; k < nDims; ++k)
        {
            const direction d = dirs[k];
            const label n = shape[k];
            const scalar delta = (hi[d] - lo[d])/n;
            const scalar s = min(max((p[d] - lo[d])/delta - 0.5, 0.0), n - 1.0);
            base[k] = min(label(s), n - 2);
            frac[k] = s - base[k];
        }

        labelList& c = corners[pointi];
        scalarList& w = weights[pointi];
        c.setSize(nCorners);
        w.setSize(nCorners);
        scalar sum = 0;
        for (label corner = 0; corner < nCorners; ++corner)
        {
            label index = 0;
            scalar weight = 1;
            for (label k = 0; k < nDims; ++k)
            {
                const label bit = (corner >> (nDims - 1 - k)) & 1;
                index = index*shape[k] + base[k] + bit;
                weight *= bit ? frac[k] : 1 - frac[k];
            }
            c[corner] = index;
            w[corner] = weight*mask[index];
            sum += w[corner];
        }

        if (sum > SMALL)
        {
            for (scalar& wk : w)
            {
                wk /= sum;
            }
        }
        else
        {
            // No corner in the fluid: the nearest inside grid point
            label nearest = -1;
            scalar best = GREAT;
            forAll(gridPoints, gi)
            {
                const scalar d2 = magSqr(gridPoints[gi] - p);
                if (mask[gi] > 0 && d2 < best)
                {
                    best = d2;
                    nearest = gi;
                }
            }
            if (nearest < 0)
            {
                FatalErrorInFunction
                    << "No grid point lies inside the fluid of "
                    << mesh_.time().path() << ": the latent grid misses the"
                    << " mesh" << exit(FatalError);
            }
            c = labelList(1, nearest);
            w = scalarList(1, 1.0);
        }
    }
}


// * * * * * * * * * * * * * * * * Constructors  * * * * * * * * * * * * * * //

Foam::latentGridInterpolator::latentGridInterpolator
(
    const fvMesh& mesh,
    const latentGrid& grid,
    const scalarField& mask
)
:
    mesh_(mesh),
    nGridPoints_(grid.nPoints()),
    cellCorners_(),
    cellWeights_(),
    patchCorners_(mesh.boundary().size()),
    patchWeights_(mesh.boundary().size())
{
    if (mask.size() != nGridPoints_)
    {
        FatalErrorInFunction
            << "The mask has " << mask.size() << " values for "
            << nGridPoints_ << " grid points" << exit(FatalError);
    }

    makeStencils(grid, mask, mesh_.C(), cellCorners_, cellWeights_);
    forAll(mesh_.boundary(), patchi)
    {
        makeStencils
        (
            grid,
            mask,
            mesh_.boundary()[patchi].Cf(),
            patchCorners_[patchi],
            patchWeights_[patchi]
        );
    }
}


// ************************************************************************* //
