/*---------------------------------------------------------------------------*\
  =========                 |
  \\      /  F ield         | foamNeuralOperator: neural-operator surrogates
   \\    /   O peration     | for OpenFOAM
    \\  /    A nd           |
     \\/     M anipulation  |
\*---------------------------------------------------------------------------*/

#include "latentGridInterpolator.H"
#include "fvMesh.H"
#include "globalMeshData.H"
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
bool Foam::latentGridInterpolator::setsPatch(const fvPatchField<Type>& pf)
{
    // Calculated patches claim fixesValue() too: they are set
    return
        !pf.coupled()
     && (pf.type() == fvPatchField<Type>::calculatedType() || !pf.fixesValue());
}


template<class Type>
void Foam::latentGridInterpolator::write
(
    const Field<Type>& gridValues,
    GeometricField<Type, fvPatchField, volMesh>& field,
    const Type* lowerBoundPtr
) const
{
    if (&field.mesh() != &mesh_)
    {
        FatalErrorInFunction
            << "Field " << field.name() << " lives on another mesh than the"
            << " interpolator's (" << mesh_.time().path() << ')'
            << exit(FatalError);
    }

    // Cells in the box
    Field<Type>& cells = field.primitiveFieldRef();
    assignCells(gridValues, cells);
    if (lowerBoundPtr)
    {
        for (Type& v : cells)
        {
            v = max(v, *lowerBoundPtr);
        }
    }

    // Faces in the box of the patches set, unevaluated (their conditions
    // may need the solver's models, e.g. wall functions)
    auto& bf = field.boundaryFieldRef();
    forAll(bf, patchi)
    {
        fvPatchField<Type>& pf = bf[patchi];
        if (setsPatch(pf) && pf.size())
        {
            Field<Type> values(pf);
            assignPatch(gridValues, patchi, values);
            if (lowerBoundPtr)
            {
                for (Type& v : values)
                {
                    v = max(v, *lowerBoundPtr);
                }
            }
            pf == values;
        }
    }

    evaluateCoupled(field);
}


template<class Type>
void Foam::latentGridInterpolator::evaluateCoupled
(
    GeometricField<Type, fvPatchField, volMesh>& field
)
{
    // As GeometricBoundaryField::evaluate(), on the coupled patches only
    auto& bf = field.boundaryFieldRef();
    if (Pstream::defaultCommsType == Pstream::commsTypes::scheduled)
    {
        for
        (
            const lduScheduleEntry& entry
          : field.mesh().globalData().patchSchedule()
        )
        {
            fvPatchField<Type>& pf = bf[entry.patch];
            if (!pf.coupled())
            {
                continue;
            }
            if (entry.init)
            {
                pf.initEvaluate(Pstream::commsTypes::scheduled);
            }
            else
            {
                pf.evaluate(Pstream::commsTypes::scheduled);
            }
        }
        return;
    }

    const label nRequests = Pstream::nRequests();
    for (fvPatchField<Type>& pf : bf)
    {
        if (pf.coupled())
        {
            pf.initEvaluate(Pstream::defaultCommsType);
        }
    }
    if
    (
        Pstream::parRun()
     && Pstream::defaultCommsType == Pstream::commsTypes::nonBlocking
    )
    {
        Pstream::waitRequests(nRequests);
    }
    for (fvPatchField<Type>& pf : bf)
    {
        if (pf.coupled())
        {
            pf.evaluate(Pstream::defaultCommsType);
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
    write<Type>(gridValues, field, nullptr);
}


template<class Type>
void Foam::latentGridInterpolator::interpolate
(
    const Field<Type>& gridValues,
    GeometricField<Type, fvPatchField, volMesh>& field,
    const Type& lowerBound
) const
{
    write(gridValues, field, &lowerBound);
}


// ************************************************************************* //
