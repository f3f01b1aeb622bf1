/*---------------------------------------------------------------------------*\
  =========                 |
  \\      /  F ield         | foamNeuralOperator: neural-operator surrogates
   \\    /   O peration     | for OpenFOAM
    \\  /    A nd           |
     \\/     M anipulation  |
\*---------------------------------------------------------------------------*/

#include "surrogateChannels.H"

#include <cmath>
#include <limits>

// * * * * * * * * * * * * Private Member Functions  * * * * * * * * * * * //

template<class Type>
Foam::tmp<Foam::GeometricField<Type, Foam::fvPatchField, Foam::volMesh>>
Foam::surrogateChannels::lookupOrRead
(
    const word& name,
    const word& timeName
) const
{
    typedef GeometricField<Type, fvPatchField, volMesh> fieldType;

    if (timeName == mesh_.time().timeName())
    {
        const fieldType* fieldPtr = mesh_.findObject<fieldType>(name);
        if (fieldPtr)
        {
            return tmp<fieldType>(*fieldPtr);
        }
    }

    // Not registered: reading it must not clash with a solver's field
    return tmp<fieldType>::New
    (
        IOobject
        (
            name,
            timeName,
            mesh_,
            IOobject::MUST_READ,
            IOobject::NO_WRITE,
            false
        ),
        mesh_
    );
}


template<class Type>
void Foam::surrogateChannels::checkFloatRange
(
    const GeometricField<Type, fvPatchField, volMesh>& field,
    const word& timeName
) const
{
    // std::isfinite and std::abs raise no floating-point exception: the
    // check itself must not trip OpenFOAM's trap on Inf or NaN
    const scalar floatMax = std::numeric_limits<float>::max();
    const auto bad = [floatMax](const Type& value)
    {
        for (direction d = 0; d < pTraits<Type>::nComponents; ++d)
        {
            const scalar v = component(value, d);
            if (!std::isfinite(v) || std::abs(v) > floatMax)
            {
                return true;
            }
        }
        return false;
    };

    label badCell = -1;
    forAll(field, celli)
    {
        if (bad(field[celli]))
        {
            badCell = celli;
            break;
        }
    }
    word badPatch;
    forAll(field.boundaryField(), patchi)
    {
        for (const Type& value : field.boundaryField()[patchi])
        {
            if (badPatch.empty() && bad(value))
            {
                badPatch = field.boundaryField()[patchi].patch().name();
            }
        }
    }

    const bool local = badCell >= 0 || !badPatch.empty();
    if (returnReduce(local, orOp<bool>()))
    {
        FatalErrorInFunction
            << "Case " << mesh_.time().path() << ": field " << field.name()
            << " in time " << timeName << " holds a value that is not finite"
            << " or beyond float's range (|v| > " << floatMax << ")";
        if (badCell >= 0)
        {
            FatalError
                << ": " << field[badCell] << " in cell " << badCell;
        }
        else if (!badPatch.empty())
        {
            FatalError << ": on patch " << badPatch;
        }
        else
        {
            FatalError << " on another processor";
        }
        FatalError << exit(FatalError);
    }
}


template<class Type>
void Foam::surrogateChannels::appendGridValues
(
    const word& name,
    const Field<Type>& values,
    std::vector<float>& array
) const
{
    const label nComponents = nChannels<Type>();
    const label start = array.size();
    array.resize(start + nComponents*values.size());

    for (label c = 0; c < nComponents; ++c)
    {
        const direction d =
            pTraits<Type>::nComponents == 1 ? 0 : direction(components_[c]);
        float* channel = array.data() + start + c*values.size();
        forAll(values, i)
        {
            const scalar v = component(values[i], d);
            if (!std::isfinite(v))
            {
                FatalErrorInFunction
                    << "Case " << mesh_.time().path() << ": " << name
                    << " is not finite (NaN or Inf) at grid point "
                    << grid_.points()[i] << exit(FatalError);
            }
            channel[i] = float(v);
        }
    }
}


// ************************************************************************* //
