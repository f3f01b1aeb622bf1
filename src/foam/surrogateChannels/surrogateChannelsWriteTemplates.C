/*---------------------------------------------------------------------------*\
  =========                 |
  \\      /  F ield         | foamNeuralOperator: neural-operator surrogates
   \\    /   O peration     | for OpenFOAM
    \\  /    A nd           |
     \\/     M anipulation  |
\*---------------------------------------------------------------------------*/

#include "surrogateChannels.H"

// * * * * * * * * * * * * Private Member Functions  * * * * * * * * * * * //

template<class Type>
Foam::tmp<Foam::Field<Type>> Foam::surrogateChannels::outputGridValues
(
    const std::vector<float>& y,
    const word& output
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
    auto tgridValues = tmp<Field<Type>>::New(nPoints, Zero);
    Field<Type>& gridValues = tgridValues.ref();
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
    return tgridValues;
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
    const tmp<Field<Type>> tgridValues = outputGridValues<Type>(y, output);

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
            tgridValues(),
            field,
            Type(positiveFloor*pTraits<Type>::one)
        );
    }
    else
    {
        interpolator().interpolate(tgridValues(), field);
    }
}


template<class Type>
Foam::tmp<Foam::Field<Type>> Foam::surrogateChannels::latentGridAlone
(
    const GeometricField<Type, fvPatchField, volMesh>& field,
    const Field<Type>& outside
) const
{
    auto talone = tmp<Field<Type>>::New(outside);
    interpolator().assignCells(sampler_.sample(field)(), talone.ref());
    return talone;
}


// ************************************************************************* //
