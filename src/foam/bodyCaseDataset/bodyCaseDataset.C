/*---------------------------------------------------------------------------*\
  =========                 |
  \\      /  F ield         | foamNeuralOperator: neural-operator surrogates
   \\    /   O peration     | for OpenFOAM
    \\  /    A nd           |
     \\/     M anipulation  |
\*---------------------------------------------------------------------------*/

#include "bodyCaseDataset.H"
#include "bodyChannels.H"
#include "caseDataset.H"
#include "strictKeywords.H"
#include "volFieldClasses.H"
#include "boundBox.H"
#include "fvMesh.H"
#include "Time.H"
#include "IOobject.H"

// * * * * * * * * * * * * * * * Static Member Data  * * * * * * * * * * * //

const Foam::wordList Foam::bodyCaseDataset::keywords
({
    "type", "trainCases", "testCases", "time", "patches", "surfaceFields",
    "volumeFields", "boxMargin", "box", "volumeQueries", "signedDistance"
});


// * * * * * * * * * * * * * * * * Constructors  * * * * * * * * * * * * * * //

Foam::bodyCaseDataset::bodyCaseDataset
(
    const dictionary& dict,
    const fileName& root
)
:
    dict_(dict),
    root_(root),
    setup_()
{
    checkKeywords(dict, keywords, "data");
    setup_.add("patches", dict.get<wordList>("patches"));
    setup_.add
    (
        "surfaceFields",
        dict.getOrDefault<wordList>("surfaceFields", wordList())
    );
    setup_.add
    (
        "volumeFields",
        dict.getOrDefault<wordList>("volumeFields", wordList())
    );
    if
    (
        setup_.get<wordList>("surfaceFields").empty()
     && setup_.get<wordList>("volumeFields").empty()
    )
    {
        FatalIOErrorInFunction(dict)
            << "surfaceFields, volumeFields: give at least one field to learn"
            << " at the patches (surfaceFields) or in the cells (volumeFields)"
            << exit(FatalIOError);
    }
    const scalar margin = dict.getOrDefault<scalar>("boxMargin", 0.5);
    if (!(margin >= 0 && margin <= 10))
    {
        FatalIOErrorInFunction(dict)
            << "boxMargin: " << margin << " is not in [0, 10]"
            << exit(FatalIOError);
    }
    const label queries = dict.getOrDefault<label>("volumeQueries", 20000);
    if (queries == 0 || queries < -1)
    {
        FatalIOErrorInFunction(dict)
            << "volumeQueries: " << queries << "; expected -1 (all) or > 0"
            << exit(FatalIOError);
    }
    boundBox box;
    if (dict.readIfPresent("box", box) && !(box.min() < box.max()))
    {
        FatalIOErrorInFunction(dict)
            << "box: " << box << " is empty; expected ((xmin ymin zmin)"
            << " (xmax ymax zmax)) with min < max" << exit(FatalIOError);
    }
    dict.getOrDefault<bool>("signedDistance", true);
}


// * * * * * * * * * * * * * * * Local Functions * * * * * * * * * * * * * //

namespace
{

//- The smallest value of every scalar field of fields not yet in minima
//- over the rows of the training cases' values (surface or volume)
void scalarMinima
(
    const nop::BodyFields& fields,
    const std::vector<nop::BodyCase>& cases,
    const bool surface,
    Foam::HashTable<Foam::scalar>& minima
)
{
    size_t channels = 0;
    for (const int64_t c : fields.components)
    {
        channels += size_t(c);
    }
    size_t offset = 0;
    for (size_t f = 0; f < fields.names.size(); ++f)
    {
        if (fields.components[f] == 1 && !minima.found(fields.names[f]))
        {
            Foam::scalar least = Foam::GREAT;
            for (const nop::BodyCase& body : cases)
            {
                const std::vector<float>& values =
                    surface ? body.surfaceValues : body.volumeValues;
                for (size_t i = offset; i < values.size(); i += channels)
                {
                    least = Foam::min(least, Foam::scalar(values[i]));
                }
            }
            minima.set(fields.names[f], least);
        }
        offset += size_t(fields.components[f]);
    }
}

} // End anonymous namespace


// * * * * * * * * * * * * * Static Member Functions * * * * * * * * * * * //

Foam::dictionary Foam::bodyCaseDataset::outputFloors
(
    const nop::BodyCaseDatasets& data
)
{
    // A field learnt in the cells by its cell values (a wall nut may be 0
    // in the laminar sublayer), one learnt on the body only by those
    HashTable<scalar> minima;
    scalarMinima(data.volumeFields, data.train, false, minima);
    scalarMinima(data.surfaceFields, data.train, true, minima);

    // As caseDataset's: a scalar positive in every training case (k,
    // omega, a cell nut) is kept positive in predictions
    dictionary floors;
    for (const word& name : minima.sortedToc())
    {
        if (minima[name] > 0 && minima[name] < GREAT)
        {
            floors.add(name, 1e-3*minima[name]);
        }
    }
    return floors;
}


// * * * * * * * * * * * * Private Member Functions  * * * * * * * * * * * //

nop::BodyCase Foam::bodyCaseDataset::readCase(const fileName& caseDir)
{
    instant first;
    word inputTime;
    word outputTime;
    caseDataset::selectTimes(dict_, caseDir, first, inputTime, outputTime);

    Time caseTime(caseDir.path(), caseDir.name(), "system", "constant", false, false);
    for (const instant& t : TimePaths::findTimes(caseDir))
    {
        if (t.name() == outputTime)
        {
            caseTime.setTime(t, 0);
        }
    }
    fvMesh mesh
    (
        IOobject
        (
            polyMesh::defaultRegion,
            caseTime.timeName(),
            caseTime,
            IOobject::MUST_READ
        )
    );

    // The fields' classes, from the first case's headers
    if (!setup_.found("fieldTypes"))
    {
        dictionary types;
        wordList fields(setup_.get<wordList>("surfaceFields"));
        for (const word& name : setup_.get<wordList>("volumeFields"))
        {
            if (!fields.found(name))
            {
                fields.append(name);
            }
        }
        for (const word& name : fields)
        {
            IOobject io(name, outputTime, mesh, IOobject::MUST_READ);
            if (!io.typeHeaderOk<volScalarField>(false))
            {
                FatalIOErrorInFunction(dict_)
                    << "Case " << caseDir << " has no field " << name
                    << " at time " << outputTime << " (surfaceFields,"
                    << " volumeFields)" << exit(FatalIOError);
            }
            if (!volFieldClasses().found(io.headerClassName()))
            {
                FatalIOErrorInFunction(dict_)
                    << "Field " << name << " of case " << caseDir << " is a "
                    << io.headerClassName() << "; only "
                    << volFieldClassesText().c_str() << " fields are learnt"
                    << exit(FatalIOError);
            }
            types.add(name, io.headerClassName());
        }
        setup_.add("fieldTypes", types);
    }

    const bodyChannels channels(mesh, setup_, dict_);
    nop::BodyCase body = channels.gatherBody(caseDir);
    channels.readValues(outputTime, dict_, body);
    Info<< "    " << caseDir.name() << ": " << body.faces() << " faces on "
        << setup_.get<wordList>("patches") << ", " << body.cells()
        << " cells, time " << outputTime << endl;
    return body;
}


// * * * * * * * * * * * * * * * Member Functions  * * * * * * * * * * * * //

nop::BodyCaseDatasets Foam::bodyCaseDataset::read()
{
    const fileNameList trainCases
    (
        caseDataset::findCases(dict_, root_, "trainCases", true)
    );
    const fileNameList testCases
    (
        caseDataset::findCases(dict_, root_, "testCases", false)
    );
    Info<< "Reading " << trainCases.size() << " training and "
        << testCases.size() << " test case(s) around "
        << setup_.get<wordList>("patches") << endl;

    nop::BodyCaseDatasets data;
    for (const fileName& dir : trainCases)
    {
        data.train.push_back(readCase(dir));
    }
    for (const fileName& dir : testCases)
    {
        data.test.push_back(readCase(dir));
    }

    const auto fieldsOf = [&](const word& key)
    {
        nop::BodyFields fields;
        const dictionary& types = setup_.subDict("fieldTypes");
        for (const word& name : setup_.get<wordList>(key))
        {
            fields.names.push_back(name);
            fields.components.push_back
            (
                types.get<word>(name) == volVectorField::typeName ? 3 : 1
            );
        }
        return fields;
    };
    data.surfaceFields = fieldsOf("surfaceFields");
    data.volumeFields = fieldsOf("volumeFields");
    setup_.set("outputFloors", outputFloors(data));
    data.boxMargin = dict_.getOrDefault<scalar>("boxMargin", 0.5);
    boundBox box;
    if (dict_.readIfPresent("box", box))
    {
        data.boxLower = {box.min().x(), box.min().y(), box.min().z()};
        data.boxUpper = {box.max().x(), box.max().y(), box.max().z()};
    }
    data.volumeQueries = dict_.getOrDefault<label>("volumeQueries", 20000);
    data.signedDistance = dict_.getOrDefault<bool>("signedDistance", true);
    return data;
}


// ************************************************************************* //
