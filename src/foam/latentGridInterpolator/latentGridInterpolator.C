/*---------------------------------------------------------------------------*\
  =========                 |
  \\      /  F ield         | foamNeuralOperator: neural-operator surrogates
   \\    /   O peration     | for OpenFOAM
    \\  /    A nd           |
     \\/     M anipulation  |
\*---------------------------------------------------------------------------*/

#include "latentGridInterpolator.H"
#include "fvMesh.H"
#include "indexedOctree.H"
#include "treeDataPoint.H"

// * * * * * * * * * * * * * * * Local Functions * * * * * * * * * * * * * * //

namespace Foam
{
namespace
{

//- Finds the stencils of points on a latentGrid with a mask
class latentGridStencil
{
    // Private Data

        //- The kept directions
        const labelList& directions_;

        //- Points per kept direction
        const labelList resolution_;

        //- Lower corner of the grid box
        const point lo_;

        //- Grid spacing per kept direction
        scalarList h_;

        //- Inside the fluid, per grid point
        boolList inside_;

        //- Box of the grid, for the octree
        treeBoundBox bb_;

        //- The grid points inside the fluid, and their indices
        pointField insidePoints_;
        labelList insideIndices_;

        //- Octree over insidePoints_, for the nearest inside point; built
        //- at first use
        autoPtr<indexedOctree<treeDataPoint>> treePtr_;

        //- Corners of a grid cell (nDims ints: 0 or 1 per direction),
        //- C order as the grid
        labelListList cornerBits_;


    // Private Member Functions

        //- The nearest inside grid point
        label nearest(const point& p)
        {
            if (!treePtr_.valid())
            {
                treePtr_.reset
                (
                    new indexedOctree<treeDataPoint>
                    (
                        treeDataPoint(insidePoints_),
                        bb_,
                        10,     // maxLevel
                        10,     // leafSize
                        3.0     // duplicity
                    )
                );
            }
            const pointIndexHit hit = treePtr_->findNearest(p, GREAT);
            if (!hit.hit())
            {
                FatalErrorInFunction
                    << "No inside grid point found near " << p
                    << abort(FatalError);
            }
            return insideIndices_[hit.index()];
        }


public:

    // Constructors

        latentGridStencil
        (
            const fvMesh& mesh,
            const latentGrid& grid,
            const scalarField& mask
        )
        :
            directions_(grid.directions()),
            resolution_(grid.keptResolution()),
            lo_(grid.bounds().min()),
            h_(directions_.size()),
            inside_(mask.size(), false),
            bb_(grid.bounds()),
            insidePoints_(),
            insideIndices_(),
            treePtr_(),
            cornerBits_(label(1) << directions_.size())
        {
            if (mask.size() != grid.nPoints())
            {
                FatalErrorInFunction
                    << "The mask holds " << mask.size() << " values for the "
                    << grid.nPoints() << " points of the latent grid on "
                    << mesh.time().path() << exit(FatalError);
            }

            // Not flat in an empty direction, not degenerate
            bb_.inflate(1e-4);

            forAll(directions_, k)
            {
                const direction d = directions_[k];
                h_[k] = (grid.bounds().max()[d] - lo_[d])/resolution_[k];
            }

            DynamicList<label> insideIndices(mask.size());
            forAll(mask, gridi)
            {
                inside_[gridi] = mask[gridi] > 0.5;
                if (inside_[gridi])
                {
                    insideIndices.append(gridi);
                }
            }
            insideIndices_.transfer(insideIndices);
            if (insideIndices_.empty())
            {
                FatalErrorInFunction
                    << "No point of the latent grid lies inside the fluid"
                    << " of " << mesh.time().path() << " (the mask is 0"
                    << " everywhere): nothing to interpolate from"
                    << exit(FatalError);
            }
            insidePoints_ = pointField(grid.points(), insideIndices_);

            const label nDims = directions_.size();
            forAll(cornerBits_, corner)
            {
                cornerBits_[corner].setSize(nDims);
                for (label k = 0; k < nDims; ++k)
                {
                    cornerBits_[corner][k] = (corner >> (nDims - 1 - k)) & 1;
                }
            }
        }


    // Member Functions

        //- The stencil of point p; true if it is the nearest inside point
        bool operator()(const point& p, labelList& points, scalarList& weights)
        {
            const label nDims = directions_.size();

            // Lower corner and grid coordinate t in [-1/2, 3/2] (the box)
            // per kept direction
            labelList i0(nDims);
            scalarList t(nDims);
            for (label k = 0; k < nDims; ++k)
            {
                const label n = resolution_[k];
                scalar s = (p[directions_[k]] - lo_[directions_[k]])/h_[k];
                s = min(max(s - 0.5, -0.5), n - 0.5);
                i0[k] = min(max(label(std::floor(s)), label(0)), n - 2);
                t[k] = s - i0[k];
            }

            // The corners, and whether all are inside
            const label nCorners = cornerBits_.size();
            labelList corners(nCorners);
            bool allInside = true;
            forAll(cornerBits_, corner)
            {
                label index = 0;
                for (label k = 0; k < nDims; ++k)
                {
                    index = index*resolution_[k] + i0[k] + cornerBits_[corner][k];
                }
                corners[corner] = index;
                allInside = allInside && inside_[index];
            }

            // Some corners outside: no extrapolation
            if (!allInside)
            {
                for (scalar& tk : t)
                {
                    tk = min(max(tk, scalar(0)), scalar(1));
                }
            }

            DynamicList<label> stencilPoints(nCorners);
            DynamicList<scalar> stencilWeights(nCorners);
            scalar sum = 0;
            forAll(corners, corner)
            {
                if (!inside_[corners[corner]])
                {
                    continue;
                }
                scalar w = 1;
                for (label k = 0; k < nDims; ++k)
                {
                    w *= cornerBits_[corner][k] ? t[k] : 1 - t[k];
                }
                if (w != 0)
                {
                    stencilPoints.append(corners[corner]);
                    stencilWeights.append(w);
                    sum += w;
                }
            }

            // Weights of inside corners are >= 0 unless all are inside
            // (then they sum to 1): sum > 0 whenever one is nonzero
            if (sum > VSMALL)
            {
                if (!allInside)
                {
                    for (scalar& w : stencilWeights)
                    {
                        w /= sum;
                    }
                }
                points.transfer(stencilPoints);
                weights.transfer(stencilWeights);
                return false;
            }

            points = labelList(1, nearest(p));
            weights = scalarList(1, scalar(1));
            return true;
        }
};

} // End anonymous namespace
} // End namespace Foam


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
    cellPoints_(mesh.nCells()),
    cellWeights_(mesh.nCells()),
    patchPoints_(mesh.boundary().size()),
    patchWeights_(mesh.boundary().size()),
    nNearest_(0),
    cellInBox_(mesh.nCells()),
    faceInBox_(mesh.boundary().size())
{
    latentGridStencil stencil(mesh_, grid, mask);

    // In the box: in every direction of the grid, to round-off
    const boundBox& box = grid.bounds();
    const vector tolerance(1e-6*box.span());
    const labelList& directions = grid.directions();
    const auto inBox = [&](const point& p)
    {
        for (const label d : directions)
        {
            if
            (
                p[d] < box.min()[d] - tolerance[d]
             || p[d] > box.max()[d] + tolerance[d]
            )
            {
                return false;
            }
        }
        return true;
    };

    const vectorField& C = mesh_.C();
    forAll(C, celli)
    {
        nNearest_ += stencil(C[celli], cellPoints_[celli], cellWeights_[celli]);
        cellInBox_[celli] = inBox(C[celli]);
    }

    forAll(mesh_.boundary(), patchi)
    {
        // Face centres of the fvPatch: none on empty patches
        const vectorField& Cf = mesh_.boundary()[patchi].Cf();
        labelListList& points = patchPoints_[patchi];
        scalarListList& weights = patchWeights_[patchi];
        points.setSize(Cf.size());
        weights.setSize(Cf.size());
        faceInBox_[patchi].setSize(Cf.size());
        forAll(Cf, facei)
        {
            nNearest_ += stencil(Cf[facei], points[facei], weights[facei]);
            faceInBox_[patchi][facei] = inBox(Cf[facei]);
        }
    }
}


// * * * * * * * * * * * * Private Member Functions  * * * * * * * * * * * //

void Foam::latentGridInterpolator::checkGridField(const label size) const
{
    if (size != nGridPoints_)
    {
        FatalErrorInFunction
            << "The grid field holds " << size << " values for the "
            << nGridPoints_ << " points of the latent grid on "
            << mesh_.time().path() << exit(FatalError);
    }
}


// * * * * * * * * * * * * * * * Member Functions  * * * * * * * * * * * * * //

Foam::label Foam::latentGridInterpolator::nCellsOutsideBox() const
{
    label n = 0;
    for (const bool in : cellInBox_)
    {
        n += !in;
    }
    return returnReduce(n, sumOp<label>());
}


// ************************************************************************* //
