/*---------------------------------------------------------------------------*\
  =========                 |
  \\      /  F ield         | foamNeuralOperator: neural-operator surrogates
   \\    /   O peration     | for OpenFOAM
    \\  /    A nd           |
     \\/     M anipulation  |
-------------------------------------------------------------------------------
Application
    testParallelSampling

Description
    Driver of testParallelSampling.sh: samples analytic fields of a case to
    a latentGrid (latentGridSampler), with the mask and the signed wall
    distance, and writes them back to the mesh by the write-back path of
    surrogateFoam and the neuralOperator function object
    (latentGridInterpolator::interpolate): into the field f of the start
    time, which holds the boundary conditions (fixed, zeroGradient,
    calculated, a wall function), once as it is and once with a lower
    bound (as a floored output), and into a calculated vector field U.
    Writes the back fields as fBack, fBounded and UBack.

    The master writes every value to the file of -output, one per line
    \verbatim
        <quantity> <global index> <value>
    \endverbatim
    grid values by grid point, cell values by cell and face values of the
    non-coupled patches by face, of the undecomposed mesh (through
    cellProcAddressing and faceProcAddressing when run with -parallel), with
    17 significant digits: the files of a serial and a parallel run are
    compared line by line.

    Checks that every processor holds the same, whole grid fields, and
    that the coupled (processor) patches of UBack hold the values across
    them (evaluating them again changes nothing); exits with 1 if not.

Usage
    \verbatim
    testParallelSampling -case <case> -output serial.txt
    mpirun -np 2 testParallelSampling -case <case> -parallel \
        -output parallel.txt
    \endverbatim

    Options:
    \table
        Option      | Description                       | Default
        -output     | file of the values (on the master) | required
        -resolution | grid resolution (x y z)           | (12 12 4)
    \endtable

See also
    Foam::latentGridSampler
    Foam::latentGridInterpolator

\*---------------------------------------------------------------------------*/

#include "argList.H"
#include "Time.H"
#include "fvMesh.H"
#include "volFields.H"
#include "calculatedFvPatchFields.H"
#include "labelIOList.H"
#include "ListListOps.H"
#include "OFstream.H"
#include "SortableList.H"
#include "mathematicalConstants.H"

#include "latentGrid.H"
#include "latentGridInterpolator.H"
#include "latentGridSampler.H"

using namespace Foam;

// * * * * * * * * * * * * * * * Local Functions * * * * * * * * * * * * * //

namespace
{

//- The analytic fields
scalar fValue(const point& p)
{
    const scalar pi = constant::mathematical::pi;
    return std::sin(2*pi*p.x()/3)*std::cos(pi*p.y()/3) + 0.3*p.z();
}

vector UValue(const point& p)
{
    return vector(p.x()*p.y(), fValue(p), 1 - p.z()*p.z());
}

//- The lower bound of fBounded: within the range of fValue
const scalar fLowerBound = 0.1;


//- A field of value(position) on cells and non-coupled patches
template<class Type, class Function>
tmp<GeometricField<Type, fvPatchField, volMesh>> analyticField
(
    const fvMesh& mesh,
    const word& name,
    Function value
)
{
    auto tfld = tmp<GeometricField<Type, fvPatchField, volMesh>>::New
    (
        IOobject(name, mesh.time().timeName(), mesh),
        mesh,
        dimensioned<Type>(dimless, Zero),
        calculatedFvPatchField<Type>::typeName
    );
    auto& fld = tfld.ref();
    forAll(fld, celli)
    {
        fld[celli] = value(mesh.C()[celli]);
    }
    auto& bf = fld.boundaryFieldRef();
    forAll(bf, patchi)
    {
        if (!bf[patchi].coupled())
        {
            const vectorField& Cf = mesh.boundary()[patchi].Cf();
            forAll(Cf, facei)
            {
                bf[patchi][facei] = value(Cf[facei]);
            }
        }
    }
    fld.correctBoundaryConditions();
    return tfld;
}


//- Whether every processor holds the same grid field as the master
bool sameOnAll(const scalarField& values)
{
    scalarField master(values);
    Pstream::scatter(master);
    return returnReduce(master == values, andOp<bool>());
}


//- Writes values of a quantity, indexed by the global (undecomposed)
//- index of each, on the master; sorted by global index
class valueWriter
{
    autoPtr<OFstream> osPtr_;

public:

    explicit valueWriter(const fileName& file)
    {
        if (Pstream::master())
        {
            osPtr_.reset(new OFstream(file));
            osPtr_->precision(17);
        }
    }

    //- Values with the same global indices on every processor (grid)
    void writeGlobal(const word& quantity, const scalarField& values)
    {
        if (Pstream::master())
        {
            forAll(values, i)
            {
                osPtr_() << quantity << ' ' << i << ' ' << values[i] << nl;
            }
        }
    }

    //- Values of this processor at global indices: gathered on the master
    void writeGathered
    (
        const word& quantity,
        const labelUList& globalIndices,
        const UList<scalar>& values
    )
    {
        List<labelList> indices(Pstream::nProcs());
        List<scalarField> procValues(Pstream::nProcs());
        indices[Pstream::myProcNo()] = globalIndices;
        procValues[Pstream::myProcNo()] = values;
        Pstream::gatherList(indices);
        Pstream::gatherList(procValues);

        if (Pstream::master())
        {
            SortableList<label> all
            (
                ListListOps::combine<labelList>
                (
                    indices, accessOp<labelList>()
                )
            );
            const scalarField allValues
            (
                ListListOps::combine<scalarField>
                (
                    procValues, accessOp<scalarField>()
                )
            );
            forAll(all, i)
            {
                osPtr_() << quantity << ' ' << all[i] << ' '
                    << allValues[all.indices()[i]] << nl;
            }
        }
    }
};


//- The largest change (all processors) of the coupled patches' values of
//- field when its boundary conditions are evaluated again
scalar maxCoupledChange(const volVectorField& field)
{
    volVectorField evaluated
    (
        IOobject
        (
            field.name() + "Evaluated",
            field.time().timeName(),
            field.mesh(),
            IOobject::NO_READ
        ),
        field
    );
    evaluated.correctBoundaryConditions();
    scalar change = 0;
    forAll(field.boundaryField(), patchi)
    {
        if (field.boundaryField()[patchi].coupled())
        {
            change = max
            (
                change,
                max
                (
                    mag
                    (
                        evaluated.boundaryField()[patchi]
                      - field.boundaryField()[patchi]
                    )
                )
            );
        }
    }
    return returnReduce(change, maxOp<scalar>());
}


//- Global index (undecomposed mesh) of each cell and face
labelList procAddressing(const fvMesh& mesh, const word& name, label n)
{
    if (!Pstream::parRun())
    {
        return identity(n);
    }
    labelIOList addressing
    (
        IOobject
        (
            name,
            mesh.facesInstance(),
            polyMesh::meshSubDir,
            mesh,
            IOobject::MUST_READ,
            IOobject::NO_WRITE,
            false
        )
    );
    if (name == "faceProcAddressing")
    {
        // Faces: (global index + 1) with the sign of the orientation
        for (label& facei : addressing)
        {
            facei = mag(facei) - 1;
        }
    }
    return std::move(addressing);
}

} // End anonymous namespace


// * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * //

int main(int argc, char *argv[])
{
    argList::addNote
    (
        "Samples analytic fields to a latent grid and writes them back to"
        " the mesh; writes every value (global indices) for comparing serial"
        " and parallel runs"
    );
    argList::noFunctionObjects();
    argList::addOption("output", "file", "file of the values (master)");
    argList::addOption
    (
        "resolution",
        "(nx ny nz)",
        "resolution of the latent grid; default (12 12 4)"
    );

    #include "setRootCase.H"
    #include "createTime.H"

    // As finiteVolume's createMesh.H (OpenFOAM/include has another one)
    Info<< "Create mesh for time = " << runTime.timeName() << nl << endl;
    fvMesh mesh
    (
        IOobject
        (
            fvMesh::defaultRegion,
            runTime.timeName(),
            runTime,
            IOobject::MUST_READ
        )
    );

    if (!args.found("output"))
    {
        FatalErrorInFunction
            << "No -output file given" << exit(FatalError);
    }

    dictionary gridDict;
    gridDict.add
    (
        "resolution",
        args.getOrDefault<labelVector>("resolution", labelVector(12, 12, 4))
    );

    const latentGrid grid(mesh, gridDict);
    const latentGridSampler sampler(mesh, grid);
    const latentGridInterpolator interpolator(mesh, grid, sampler.mask());

    // Mesh -> grid
    const scalarField mask(sampler.mask());
    const scalarField distance(sampler.signedWallDistance());
    const scalarField fGrid
    (
        sampler.sample(analyticField<scalar>(mesh, "fAnalytic", fValue)())
    );
    const vectorField UGrid
    (
        sampler.sample(analyticField<vector>(mesh, "UAnalytic", UValue)())
    );

    // Grid -> mesh: f with the case's boundary conditions, U calculated
    const volScalarField f
    (
        IOobject
        (
            "f",
            runTime.timeName(),
            mesh,
            IOobject::MUST_READ,
            IOobject::NO_WRITE
        ),
        mesh
    );
    volScalarField fBack
    (
        IOobject("fBack", runTime.timeName(), mesh, IOobject::NO_READ),
        f
    );
    interpolator.interpolate(fGrid, fBack);

    volScalarField fBounded
    (
        IOobject("fBounded", runTime.timeName(), mesh, IOobject::NO_READ),
        f
    );
    interpolator.interpolate(fGrid, fBounded, fLowerBound);

    volVectorField UBack
    (
        IOobject("UBack", runTime.timeName(), mesh, IOobject::NO_READ),
        mesh,
        dimensionedVector(dimless, Zero),
        calculatedFvPatchVectorField::typeName
    );
    interpolator.interpolate(UGrid, UBack);

    fBack.write();
    fBounded.write();
    UBack.write();

    // The coupled patches were evaluated: doing it again changes nothing
    const scalar coupledChange = maxCoupledChange(UBack);

    // Every processor holds the whole grid
    bool same = sameOnAll(mask) && sameOnAll(distance) && sameOnAll(fGrid);
    for (direction d = 0; d < vector::nComponents; ++d)
    {
        same = same && sameOnAll(UGrid.component(d));
    }

    valueWriter writer(args.get<fileName>("output"));
    writer.writeGlobal("mask", mask);
    writer.writeGlobal("wallDistance", distance);
    writer.writeGlobal("fGrid", fGrid);
    for (direction d = 0; d < vector::nComponents; ++d)
    {
        writer.writeGlobal
        (
            "UGrid" + word(vector::componentNames[d]),
            UGrid.component(d)
        );
    }

    const labelList cellAddr
    (
        procAddressing(mesh, "cellProcAddressing", mesh.nCells())
    );
    const labelList faceAddr
    (
        procAddressing(mesh, "faceProcAddressing", mesh.nFaces())
    );

    writer.writeGathered("fCells", cellAddr, fBack.primitiveField());
    writer.writeGathered
    (
        "fBoundedCells",
        cellAddr,
        fBounded.primitiveField()
    );
    for (direction d = 0; d < vector::nComponents; ++d)
    {
        writer.writeGathered
        (
            "UCells" + word(vector::componentNames[d]),
            cellAddr,
            UBack.primitiveField().component(d)
        );
    }

    // Faces of the non-coupled patches
    DynamicList<label> faces;
    DynamicList<scalar> fFaces;
    DynamicList<scalar> fBoundedFaces;
    List<DynamicList<scalar>> UFaces(vector::nComponents);
    forAll(mesh.boundary(), patchi)
    {
        const fvPatch& p = mesh.boundary()[patchi];
        if (p.coupled())
        {
            continue;
        }
        forAll(p, i)
        {
            faces.append(faceAddr[p.start() + i]);
            fFaces.append(fBack.boundaryField()[patchi][i]);
            fBoundedFaces.append(fBounded.boundaryField()[patchi][i]);
            for (direction d = 0; d < vector::nComponents; ++d)
            {
                UFaces[d].append(UBack.boundaryField()[patchi][i][d]);
            }
        }
    }
    writer.writeGathered("fFaces", faces, fFaces);
    writer.writeGathered("fBoundedFaces", faces, fBoundedFaces);
    for (direction d = 0; d < vector::nComponents; ++d)
    {
        writer.writeGathered
        (
            "UFaces" + word(vector::componentNames[d]),
            faces,
            UFaces[d]
        );
    }

    Info<< "Grid points " << grid.nPoints() << ", inside "
        << sampler.nInside() << ", cells "
        << returnReduce(mesh.nCells(), sumOp<label>())
        << ", nearest-point stencils "
        << returnReduce(interpolator.nNearest(), sumOp<label>()) << nl
        << "Every processor holds the whole grid: "
        << (same ? "yes" : "NO") << nl
        << "Coupled patches evaluated: "
        << (coupledChange == 0 ? "yes" : "NO") << " (max change "
        << coupledChange << ")" << nl << endl;

    if (!same || coupledChange != 0)
    {
        return 1;
    }

    Info<< "End\n" << endl;

    return 0;
}


// ************************************************************************* //
