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
#include "sampleCache.H"
#include "strictKeywords.H"
#include "volFieldClasses.H"
#include "boundBox.H"
#include "fvMesh.H"
#include "Time.H"
#include "IOobject.H"
#include "OStringStream.H"

#include <chrono>

// * * * * * * * * * * * * * * * Static Member Data  * * * * * * * * * * * //

const Foam::wordList Foam::bodyCaseDataset::keywords
({
    "type", "trainCases", "testCases", "time", "patches", "surfaceFields",
    "volumeFields", "boxMargin", "box", "volumeQueries", "signedDistance",
    "cache"
});


// * * * * * * * * * * * * * * * * Constructors  * * * * * * * * * * * * * * //

Foam::bodyCaseDataset::bodyCaseDataset
(
    const dictionary& dict,
    const fileName& root,
    const fileName& cacheDir
)
:
    dict_(dict),
    root_(root),
    cacheDir_(dict.getOrDefault<bool>("cache", true) ? cacheDir : fileName()),
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

//- The body cache of a case (sampleCache.H): metadata {"fieldTypes":
//- {name: class}} and the arrays points, faceCentres, cellCentres
//- (float64, rows of 3), triangles (int64, rows of 3), surfaceValues and
//- volumeValues (float32, rows of the fields' channels)
constexpr int bodyCacheVersion = 1;


nop::RawArrayView rowsView
(
    const char* dtype,
    const std::vector<double>& values
)
{
    return Foam::sampleCache::arrayView(dtype, values, {int64_t(values.size()/3), 3});
}


//- The cached body of a case; false with the reason in why when the cache
//- is absent, of another key (why empty) or damaged
bool readBodyCache
(
    const Foam::fileName& file,
    const std::string& key,
    nop::BodyCase& body,
    Foam::dictionary& fieldTypes,
    std::string& why
)
{
    nlohmann::json metadata;
    nop::ArrayArchive archive;
    if (!Foam::sampleCache::read(file, bodyCacheVersion, key, metadata, archive, why))
    {
        return false;
    }
    const auto has = [&](const char* name, const char* dtype, int64_t columns)
    {
        const auto it = archive.arrays.find(name);
        return
            it != archive.arrays.end() && it->second.dtype == dtype
         && (
                columns < 0
             || (it->second.shape.size() == 2 && it->second.shape[1] == columns)
            );
    };
    const auto types = metadata.find("fieldTypes");
    if
    (
        !has("points", "float64", 3) || !has("triangles", "int64", 3)
     || !has("faceCentres", "float64", 3) || !has("cellCentres", "float64", 3)
     || !has("surfaceValues", "float32", -1) || !has("volumeValues", "float32", -1)
     || types == metadata.end() || !types->is_object()
    )
    {
        why = "sample cache '" + file + "': lacks its fieldTypes or arrays (damaged)";
        return false;
    }
    const auto rows = [&](const char* name)
    {
        const auto& shape = archive.arrays.at(name).shape;
        return shape.empty() ? int64_t(-1) : shape[0];
    };
    if
    (
        rows("surfaceValues") != rows("faceCentres")
     || rows("volumeValues") != rows("cellCentres")
    )
    {
        why = "sample cache '" + file + "': values of other sizes than the faces or cells (damaged)";
        return false;
    }
    for (const auto& [name, type] : types->items())
    {
        if (!type.is_string() || !Foam::volFieldClasses().found(Foam::word(type.get<std::string>())))
        {
            why = "sample cache '" + file + "': field type of " + name + " (damaged)";
            return false;
        }
        fieldTypes.set(Foam::word(name), Foam::word(type.get<std::string>()));
    }
    using Foam::sampleCache::values;
    body.points = values<double>(archive.arrays.at("points"));
    body.triangles = values<int64_t>(archive.arrays.at("triangles"));
    body.faceCentres = values<double>(archive.arrays.at("faceCentres"));
    body.cellCentres = values<double>(archive.arrays.at("cellCentres"));
    body.surfaceValues = values<float>(archive.arrays.at("surfaceValues"));
    body.volumeValues = values<float>(archive.arrays.at("volumeValues"));
    return true;
}


void writeBodyCache
(
    const Foam::fileName& file,
    const std::string& key,
    const nop::BodyCase& body,
    const Foam::dictionary& fieldTypes
)
{
    nlohmann::json types = nlohmann::json::object();
    for (const Foam::word& name : fieldTypes.toc())
    {
        types[name] = fieldTypes.get<Foam::word>(name);
    }
    const auto valueRows = [](const std::vector<float>& values, int64_t rows)
    {
        return
            Foam::sampleCache::arrayView
            (
                "float32", values,
                {rows, rows > 0 ? int64_t(values.size())/rows : 0}
            );
    };
    Foam::sampleCache::write
    (
        file,
        bodyCacheVersion,
        key,
        nlohmann::json{{"fieldTypes", types}},
        {
            {"points", rowsView("float64", body.points)},
            {
                "triangles",
                Foam::sampleCache::arrayView
                (
                    "int64", body.triangles, {int64_t(body.triangles.size()/3), 3}
                )
            },
            {"faceCentres", rowsView("float64", body.faceCentres)},
            {"cellCentres", rowsView("float64", body.cellCentres)},
            {"surfaceValues", valueRows(body.surfaceValues, body.faces())},
            {"volumeValues", valueRows(body.volumeValues, body.cells())}
        }
    );
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

std::string Foam::bodyCaseDataset::cacheKey
(
    const fileName& caseDir,
    const word& outputTime
) const
{
    dictionary given;
    for (const word& key : {"patches", "surfaceFields", "volumeFields"})
    {
        given.add(key, setup_.get<wordList>(key));
    }
    OStringStream os;
    given.write(os, false);
    return
        os.str() + "\nfields at " + outputTime + "\n"
      + sampleCache::fileStamps
        ({
            caseDir/"constant"/"polyMesh",
            caseDir/outputTime
        });
}


nop::BodyCase Foam::bodyCaseDataset::readCase(const fileName& caseDir)
{
    instant first;
    word inputTime;
    word outputTime;
    caseDataset::selectTimes(dict_, caseDir, first, inputTime, outputTime);

    const auto start = std::chrono::steady_clock::now();
    const std::string key(cacheKey(caseDir, outputTime));
    string name(caseDir.relative(root_));
    name.replaceAll("/", "_");
    const fileName cacheFile =
        cacheDir_.empty() ? fileName() : cacheDir_/(name + ".body");

    nop::BodyCase body;
    dictionary cachedTypes;
    std::string damaged;
    bool fromCache =
        !cacheFile.empty()
     && readBodyCache(cacheFile, key, body, cachedTypes, damaged);
    if (fromCache && !setup_.found("fieldTypes"))
    {
        setup_.add("fieldTypes", cachedTypes);
    }
    if (!damaged.empty())
    {
        WarningInFunction
            << damaged.c_str() << nl
            << "    reading case " << caseDir << " again" << endl;
    }
    if (fromCache)
    {
        body.name = caseDir;
    }
    else
    {
        body = readMesh(caseDir, outputTime);
        if (!cacheFile.empty())
        {
            writeBodyCache(cacheFile, key, body, setup_.subDict("fieldTypes"));
        }
    }
    Info<< "    " << caseDir.name() << ": " << body.faces() << " faces on "
        << setup_.get<wordList>("patches") << ", " << body.cells()
        << " cells, time " << outputTime
        << (fromCache ? " (cached)" : " (read)") << " in "
        << std::chrono::duration<double>
           (
               std::chrono::steady_clock::now() - start
           ).count()
        << " s" << endl;
    return body;
}


nop::BodyCase Foam::bodyCaseDataset::readMesh
(
    const fileName& caseDir,
    const word& outputTime
)
{
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
