/*---------------------------------------------------------------------------*\
  =========                 |
  \\      /  F ield         | foamNeuralOperator: neural-operator surrogates
   \\    /   O peration     | for OpenFOAM
    \\  /    A nd           |
     \\/     M anipulation  |
\*---------------------------------------------------------------------------*/

#include "latentGridInterpolator.H"
#include "calculatedFvPatchField.H"
#include "volFields.H"

// * * * * * * * * * * * * Private Member Functions  * * * * * * * * * * * //

template<class Type>
Foam::tmp<Foam::Field<Type>> Foam::latentGridInterpolator::apply
(
    const Field<Type>& gridValues,
    const labelListList& corners,
    const scalarListList& weights
) const
{
    if (gridValues.size() != nGridPoints_)
    {
        FatalErrorInFunction
            << gridValues.size() << " grid values for " << nGridPoints_
            << " grid points" << exit(FatalError);
    }

    auto tresult = tmp<Field<Type>>::New(corners.size(), Zero);
    auto& result = tresult.ref();
    forAll(result, i)
    {
        const labelList& c = corners[i];
        const scalarList& w = weights[i];
        forAll(c, k)
        {
            result[i] += w[k]*gridValues[c[k]];
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
    return apply(gridValues, cellCorners_, cellWeights_);
}


template<class Type>
Foam::tmp<Foam::Field<Type>> Foam::latentGridInterpolator::interpolatePatch
(
    const Field<Type>& gridValues,
    const label patchi
) const
{
    return apply(gridValues, patchCorners_[patchi], patchWeights_[patchi]);
}


template<class Type>
void Foam::latentGridInterpolator::interpolate
(
    const Field<Type>& gridValues,
    GeometricField<Type, fvPatchField, volMesh>& field
) const
{
    field.primitiveFieldRef() = interpolateCells(gridValues);

    auto& bf = field.boundaryFieldRef();
    forAll(bf, patchi)
    {
        fvPatchField<Type>& pf = bf[patchi];
        if
        (
            !pf.fixesValue()
         && !pf.coupled()
         && pf.type() == calculatedFvPatchField<Type>::typeName
        )
        {
            pf == interpolatePatch(gridValues, patchi);
        }
    }

    field.correctBoundaryConditions();
}


// ************************************************************************* //
