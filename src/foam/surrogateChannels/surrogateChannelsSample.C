/*---------------------------------------------------------------------------*\
  =========                 |
  \\      /  F ield         | foamNeuralOperator: neural-operator surrogates
   \\    /   O peration     | for OpenFOAM
    \\  /    A nd           |
     \\/     M anipulation  |
\*---------------------------------------------------------------------------*/

#include "surrogateChannels.H"

#include <type_traits>

// * * * * * * * * * * * * Private Member Functions  * * * * * * * * * * * //

void Foam::surrogateChannels::appendField
(
    const word& name,
    const word& timeName,
    std::vector<float>& array,
    dictionary* minima
) const
{
    forVolFieldClass
    (
        fieldClass(name, timeName),
        [&](auto zero)
        {
            typedef decltype(zero) Type;
            const auto tfield = lookupOrRead<Type>(name, timeName);
            checkFloatRange(tfield(), timeName);
            if constexpr (std::is_same<Type, scalar>::value)
            {
                if (minima)
                {
                    minima->add(name, gMin(tfield().primitiveField()));
                }
            }
            appendGridValues(name, sampler_.sample(tfield())(), array);
        }
    );
}


// * * * * * * * * * * * * * * * Member Functions  * * * * * * * * * * * * * //

void Foam::surrogateChannels::appendInputs
(
    const word& timeName,
    std::vector<float>& x
) const
{
    const label nPoints = grid_.nPoints();
    for (const word& input : inputs_)
    {
        if (input == maskName)
        {
            appendGridValues(input, sampler_.mask()(), x);
        }
        else if (input == wallDistanceName)
        {
            appendGridValues(input, sampler_.signedWallDistance()(), x);
        }
        else
        {
            appendField(input, timeName, x);
        }
    }
    for (const caseParameter& parameter : parameters_)
    {
        // The case directory (not processorN: parameter files are global)
        const scalar value = parameter.value(mesh_.time().globalPath());
        x.insert(x.end(), nPoints, float(value));
    }
}


Foam::dictionary Foam::surrogateChannels::appendOutputs
(
    const word& timeName,
    std::vector<float>& y
) const
{
    dictionary minima;
    for (const word& output : outputs_)
    {
        if (fieldClass(output, timeName) != outputType(output))
        {
            FatalErrorInFunction
                << "Case " << mesh_.time().path() << ": field " << output
                << " in time " << timeName << " is not a "
                << outputType(output) << " as in the other cases"
                << exit(FatalError);
        }
        appendField(output, timeName, y, &minima);
    }
    return minima;
}


// ************************************************************************* //
