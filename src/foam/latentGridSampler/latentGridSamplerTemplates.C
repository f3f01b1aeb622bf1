/*---------------------------------------------------------------------------*\
  =========                 |
  \\      /  F ield         | foamNeuralOperator: neural-operator surrogates
   \\    /   O peration     | for OpenFOAM
    \\  /    A nd           |
     \\/     M anipulation  |
\*---------------------------------------------------------------------------*/

#include "latentGridSampler.H"
#include "interpolationCellPoint.H"
#include "volFields.H"

// * * * * * * * * * * * * * * * Member Functions  * * * * * * * * * * * * * //

template<class Type>
Foam::tmp<Foam::Field<Type>> Foam::latentGridSampler::sample
(
    const GeometricField<Type, fvPatchField, volMesh>& field
) const
{
    auto tresult = tmp<Field<Type>>::New(points_.size(), Zero);
    auto& result = tresult.ref();

    interpolationCellPoint<Type> interp(field);

    forAll(points_, pointi)
    {
        const label celli = cells_[pointi];
        if (celli >= 0)
        {
            result[pointi] = interp.interpolate(points_[pointi], celli);
        }
    }

    // Each point has one owner: the sum over processors is its value
    Pstream::listCombineGather(result, plusEqOp<Type>());
    Pstream::listCombineScatter(result);

    return tresult;
}


// ************************************************************************* //
