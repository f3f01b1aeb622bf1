/*---------------------------------------------------------------------------*\
  =========                 |
  \\      /  F ield         | foamNeuralOperator: neural-operator surrogates
   \\    /   O peration     | for OpenFOAM
    \\  /    A nd           |
     \\/     M anipulation  |
\*---------------------------------------------------------------------------*/

#include "surrogateChannels.H"

// * * * * * * * * * * * * * * * Static Member Data  * * * * * * * * * * * * //

const Foam::word Foam::surrogateChannels::maskName("mask");

const Foam::wordList Foam::surrogateChannels::keywords
({
    "inputs", "parameters", "outputs", "latentGrid"
});

const Foam::word Foam::surrogateChannels::wallDistanceName("wallDistance");


// * * * * * * * * * * * * * * * * Constructors  * * * * * * * * * * * * * * //

Foam::surrogateChannels::surrogateChannels
(
    const fvMesh& mesh,
    const dictionary& spec
)
:
    mesh_(mesh),
    spec_(spec),
    grid_(mesh, spec.subDict("latentGrid")),
    sampler_(mesh, grid_),
    inputs_(spec.getOrDefault<wordList>("inputs", wordList())),
    parameters_(readCaseParameters(spec)),
    outputs_(spec.get<wordList>("outputs")),
    components_(),
    interpolatorPtr_()
{
    if (outputs_.empty())
    {
        FatalIOErrorInFunction(spec)
            << "outputs: no output field" << exit(FatalIOError);
    }
    if (inputs_.empty() && parameters_.empty())
    {
        FatalIOErrorInFunction(spec)
            << "inputs, parameters: a surrogate needs at least one input"
            << " channel (e.g. inputs (mask wallDistance);)"
            << exit(FatalIOError);
    }
    if (sampler_.nInside() == 0)
    {
        FatalIOErrorInFunction(spec.subDict("latentGrid"))
            << "latentGrid: none of the " << grid_.nPoints() << " grid points"
            << " over " << grid_.bounds() << " lies in the fluid of case "
            << mesh_.time().path() << " (mesh bounds " << mesh_.bounds()
            << "); give bounds that cover the flow" << exit(FatalIOError);
    }

    const Vector<label>& solved = mesh_.solutionD();
    for (direction d = 0; d < vector::nComponents; ++d)
    {
        if (solved[d] == 1)
        {
            components_.append(d);
        }
    }
}


// * * * * * * * * * * * * Private Member Functions  * * * * * * * * * * * //

Foam::word Foam::surrogateChannels::fieldClass
(
    const word& name,
    const word& timeName
) const
{
    if (timeName == mesh_.time().timeName())
    {
        if (mesh_.foundObject<volScalarField>(name))
        {
            return volScalarField::typeName;
        }
        if (mesh_.foundObject<volVectorField>(name))
        {
            return volVectorField::typeName;
        }
    }

    // The header's class, without the warning of a typed check
    IOobject io(name, timeName, mesh_, IOobject::MUST_READ);
    if
    (
        io.typeHeaderOk<volScalarField>(false)
     && volFieldClasses().found(io.headerClassName())
    )
    {
        return io.headerClassName();
    }

    FatalErrorInFunction
        << "Case " << mesh_.time().path() << ": no "
        << volFieldClassesText().c_str() << " '" << name << "' in time "
        << timeName << exit(FatalError);
    return word::null;
}


Foam::label Foam::surrogateChannels::nChannels(const word& fieldClass) const
{
    return forVolFieldClass
    (
        fieldClass,
        [&](auto zero) { return nChannels<decltype(zero)>(); }
    );
}


Foam::wordList Foam::surrogateChannels::channelNames
(
    const word& name,
    const word& fieldClass
) const
{
    if (nChannels(fieldClass) == 1)
    {
        return wordList(1, name);
    }
    wordList names(components_.size());
    forAll(components_, i)
    {
        names[i] = name + "." + vector::componentNames[components_[i]];
    }
    return names;
}


// * * * * * * * * * * * * * * * Member Functions  * * * * * * * * * * * * * //

Foam::word Foam::surrogateChannels::outputType(const word& name) const
{
    const dictionary* typesPtr = spec_.findDict("outputTypes");
    word type;
    if (!typesPtr || !typesPtr->readIfPresent(name, type))
    {
        FatalIOErrorInFunction(spec_)
            << "outputTypes: no class recorded for output " << name
            << exit(FatalIOError);
    }
    return type;
}


void Foam::surrogateChannels::readOutputTypes(const word& timeName)
{
    dictionary types;
    for (const word& name : outputs_)
    {
        types.add(name, fieldClass(name, timeName));
    }
    spec_.set("outputTypes", types);
}


Foam::wordList Foam::surrogateChannels::inputChannelNames
(
    const word& timeName
) const
{
    DynamicList<word> names;
    for (const word& input : inputs_)
    {
        if (input == maskName || input == wallDistanceName)
        {
            names.append(input);
        }
        else
        {
            names.append(channelNames(input, fieldClass(input, timeName)));
        }
    }
    for (const caseParameter& parameter : parameters_)
    {
        names.append(parameter.name());
    }
    return wordList(std::move(names));
}


Foam::wordList Foam::surrogateChannels::outputChannelNames() const
{
    DynamicList<word> names;
    for (const word& output : outputs_)
    {
        names.append(channelNames(output, outputType(output)));
    }
    return wordList(std::move(names));
}


std::vector<int64_t> Foam::surrogateChannels::resolution() const
{
    const labelList resolution(grid_.keptResolution());
    return std::vector<int64_t>(resolution.begin(), resolution.end());
}


// ************************************************************************* //
