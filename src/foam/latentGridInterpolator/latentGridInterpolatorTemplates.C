/*---------------------------------------------------------------------------*\
  =========                 |
  \\      /  F ield         | foamNeuralOperator: neural-operator surrogates
   \\    /   O peration     | for OpenFOAM
    \\  /    A nd           |
     \\/     M anipulation  |
\*---------------------------------------------------------------------------*/

#include "latentGridInterpolator.H"
#include "fvMesh.H"
#include "volFields.H"

// * * * * * * * * * * * * Private Member Functions  * * * * * * * * * * * //

template<class Type>
Foam::tmp<Foam::Field<Type>> Foam::latentGridInterpolator::weightedSum
(
    const labelListList& points,
    const scalarListList& weights,
    const Field<Type>& gridValues
) const
{
    checkGridField(gridValues.size());

    auto tresult = tmp<Field<Type>>::New(points.size(), Zero);
    auto& result = tresult.ref();

    forAll(result, i)
    {
        const labelList& pts = points[i];
        const scalarList& w = weights[i];
        forAll(pts, k)
        {
            result[i] += w[k]*gridValues[pts[k]];
        }
    }

    return tresult;
}


// * * * * * * * * * * * * * * * Member Functions  * * * * * * * * * * * * * //

template<class Type>
Foam::tmp<Foam::Field<Type>> Foam::latentGridInterpolator::interpolateCells
(
    const Field<Type>& gridValues
) const
{
    return weightedSum(cellPoints_, cellWeights_, gridValues);
}


template<class Type>
Foam::tmp<Foam::Field<Type>> Foam::latentGridInterpolator::interpolatePatch
(
    const Field<Type>& gridValues,
    const label patchi
) const
{
    if (patchi < 0 || patchi >= patchPoints_.size())
    {
        FatalErrorInFunction
            << "No patch " << patchi << " on " << mesh_.time().path()
            << " (" << patchPoints_.size() << " patches)"
            << exit(FatalError);
    }

    return weightedSum(patchPoints_[patchi], patchWeights_[patchi], gridValues);
}


template<class Type>
void Foam::latentGridInterpolator::assignCells
(
    const Field<Type>& gridValues,
    Field<Type>& cellValues
) const
{
    const tmp<Field<Type>> tvalues = interpolateCells(gridValues);
    forAll(cellValues, celli)
    {
        if (cellInBox_[celli])
        {
            cellValues[celli] = tvalues()[celli];
        }
    }
}


template<class Type>
void Foam::latentGridInterpolator::assignPatch
(
    const Field<Type>& gridValues,
    const label patchi,
    Field<Type>& faceValues
) const
{
    const tmp<Field<Type>> tvalues = interpolatePatch(gridValues, patchi);
    const boolList& inBox = faceInBox_[patchi];
    forAll(faceValues, facei)
    {
        if (inBox[facei])
        {
            faceValues[facei] = tvalues()[facei];
        }
    }
}


template<class Type>
void Foam::latentGridInterpolator::interpolate
(
    const Field<Type>& gridValues,
    GeometricField<Type, fvPatchField, volMesh>& field
) const
{
    if (&field.mesh() != &mesh_)
    {
        FatalErrorInFunction
            << "Field " << field.name() << " lives on another mesh than the"
            << " interpolator's (" << mesh_.time().path() << ')'
            << exit(FatalError);
    }

    assignCells(gridValues, field.primitiveFieldRef());

    auto& bf = field.boundaryFieldRef();
    forAll(bf, patchi)
    {
        fvPatchField<Type>& pf = bf[patchi];

        // Calculated patches are assigned (they claim fixesValue() too);
        // fixed values stay; coupled, empty and others are evaluated
        if (pf.type() == fvPatchField<Type>::calculatedType())
        {
            Field<Type> values(pf);
            assignPatch(gridValues, patchi, values);
            pf == values;
        }
    }

    field.correctBoundaryConditions();
}


// ************************************************************************* //
