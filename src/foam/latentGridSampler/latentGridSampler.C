/*---------------------------------------------------------------------------*\
  =========                 |
  \\      /  F ield         | foamNeuralOperator: neural-operator surrogates
   \\    /   O peration     | for OpenFOAM
    \\  /    A nd           |
     \\/     M anipulation  |
\*---------------------------------------------------------------------------*/

#include "latentGridSampler.H"
#include "fvMesh.H"
#include "indexedOctree.H"
#include "meshSearch.H"
#include "treeDataFace.H"
#include "wallPolyPatch.H"

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
    mask_(points_.size(), Zero),
    nInside_(0)
{
    const meshSearch search(mesh_, polyMesh::CELL_TETS);

    // Owner of each point: the lowest processor that finds it
    labelList owner(points_.size(), labelMax);
    label seed = -1;
    forAll(points_, pointi)
    {
        // Consecutive grid points are neighbours: walk from the last cell
        // found, which is cheap; where the walk stops short (a body or a
        // boundary in the way, or outside the fluid) the octree decides
        label celli = seed >= 0 ? search.findCell(points_[pointi], seed) : -1;
        if (celli < 0)
        {
            celli = search.findCell(points_[pointi], -1, true);
        }
        cells_[pointi] = celli;
        if (celli >= 0)
        {
            owner[pointi] = Pstream::myProcNo();
            seed = celli;
        }
    }
    Pstream::listCombineGather(owner, minEqOp<label>());
    Pstream::listCombineScatter(owner);

    forAll(owner, pointi)
    {
        if (owner[pointi] != Pstream::myProcNo())
        {
            cells_[pointi] = -1;
        }
        if (owner[pointi] != labelMax)
        {
            mask_[pointi] = 1;
            ++nInside_;
        }
    }
}


// * * * * * * * * * * * * Private Member Functions  * * * * * * * * * * * //

Foam::tmp<Foam::scalarField> Foam::latentGridSampler::signedDistance
(
    const labelHashSet& patchIDs,
    const string& what
) const
{
    const polyBoundaryMesh& patches = mesh_.boundaryMesh();

    DynamicList<label> faces;
    for (const label patchi : patchIDs.sortedToc())
    {
        const polyPatch& pp = patches[patchi];
        forAll(pp, i)
        {
            faces.append(pp.start() + i);
        }
    }
    if (returnReduce(faces.size(), sumOp<label>()) == 0)
    {
        FatalErrorInFunction
            << "The mesh of " << mesh_.time().globalPath() << " has no "
            << what << ": the wallDistance channel needs one"
            << exit(FatalError);
    }

    // Nearest face of this processor, then the nearest of all
    auto tresult = tmp<scalarField>::New(points_.size(), GREAT);
    auto& result = tresult.ref();
    if (faces.size())
    {
        // A cube from the mesh's lower corner: in a thin (2D) mesh the faces
        // then lie on one side of the octree's splitting planes instead of
        // straddling them all, which would keep the leaves large
        treeBoundBox bb(mesh_.points());
        bb.max() = bb.min() + vector::uniform(cmptMax(bb.span()));
        bb.inflate(1e-4);
        const indexedOctree<treeDataFace> tree
        (
            treeDataFace(false, mesh_, faces),
            bb,
            8,      // maxLevel
            10,     // leafSize
            3.0     // duplicity
        );
        forAll(points_, pointi)
        {
            const pointIndexHit hit =
                tree.findNearest(points_[pointi], sqr(GREAT));
            if (hit.hit())
            {
                result[pointi] = mag(hit.hitPoint() - points_[pointi]);
            }
        }
    }
    Pstream::listCombineGather(result, minEqOp<scalar>());
    Pstream::listCombineScatter(result);

    forAll(result, pointi)
    {
        if (mask_[pointi] == 0)
        {
            result[pointi] = -result[pointi];
        }
    }

    return tresult;
}


// * * * * * * * * * * * * * * * Member Functions  * * * * * * * * * * * * * //

Foam::tmp<Foam::scalarField> Foam::latentGridSampler::mask() const
{
    return tmp<scalarField>::New(mask_);
}


Foam::tmp<Foam::scalarField>
Foam::latentGridSampler::signedWallDistance() const
{
    labelHashSet walls;
    forAll(mesh_.boundaryMesh(), patchi)
    {
        if (isA<wallPolyPatch>(mesh_.boundaryMesh()[patchi]))
        {
            walls.insert(patchi);
        }
    }
    return signedDistance(walls, "wall patch");
}


Foam::tmp<Foam::scalarField>
Foam::latentGridSampler::signedWallDistance(const wordRes& patchNames) const
{
    string what("face on the patches (");
    forAll(patchNames, i)
    {
        what += (i ? " " : "") + patchNames[i];
    }
    what += ')';

    return signedDistance
    (
        mesh_.boundaryMesh().patchSet(patchNames, false),
        what
    );
}


// ************************************************************************* //
