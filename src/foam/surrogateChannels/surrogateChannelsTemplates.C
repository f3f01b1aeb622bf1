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


// * * * * * * * * * * * * * * * Member Functions  * * * * * * * * * * * * * //

template<class Type>
void Foam::surrogateChannels::setField
(
    const std::vector<float>& y,
    const word& output,
    GeometricField<Type, fvPatchField, volMesh>& field
) const
{
    // First channel of this output
    label first = 0;
    bool found = false;
    for (const word& name : outputs_)
    {
        if (name == output)
        {
            found = true;
            break;
        }
        first += nChannels(outputType(name));
    }
    if (!found)
    {
        FatalErrorInFunction
            << output << " is not an output of the surrogate (outputs: "
            << outputs_ << ")" << exit(FatalError);
    }

    const label nPoints = grid_.nPoints();
    const label nComponents = nChannels<Type>();
    if (label(y.size()) < (first + nComponents)*nPoints)
    {
        FatalErrorInFunction
            << "The prediction holds " << y.size() << " values, too few for"
            << " output " << output << exit(FatalError);
    }

    // Unsolved components are 0
    Field<Type> gridValues(nPoints, Zero);
    for (label c = 0; c < nComponents; ++c)
    {
        const direction d =
            pTraits<Type>::nComponents == 1 ? 0 : direction(components_[c]);
        const float* channel = y.data() + (first + c)*nPoints;
        forAll(gridValues, i)
        {
            setComponent(gridValues[i], d) = channel[i];
        }
    }

    // A field positive in every training case stays positive: the floor
    // recorded with the model (a property of the training data, not of
    // the field's current values)
    scalar positiveFloor = -1;
    const dictionary* floorsPtr = spec_.findDict("outputFloors");
    if (pTraits<Type>::nComponents == 1 && floorsPtr)
    {
        floorsPtr->readIfPresent(output, positiveFloor);
    }

    // The write-back policy: latentGridInterpolator
    if (positiveFloor > 0)
    {
        interpolator().interpolate
        (
            gridValues,
            field,
            Type(positiveFloor*pTraits<Type>::one)
        );
    }
    else
    {
        interpolator().interpolate(gridValues, field);
    }
}


template<class Type>
Foam::tmp<Foam::Field<Type>> Foam::surrogateChannels::gridRepresentation
(
    const GeometricField<Type, fvPatchField, volMesh>& field,
    const Field<Type>& outside
) const
{
    auto trepresented = tmp<Field<Type>>::New(outside);
    interpolator().assignCells(sampler_.sample(field)(), trepresented.ref());
    return trepresented;
}


// ************************************************************************* //
