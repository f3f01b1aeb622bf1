/*---------------------------------------------------------------------------*\
  =========                 |
  \\      /  F ield         | foamNeuralOperator: neural-operator surrogates
   \\    /   O peration     | for OpenFOAM
    \\  /    A nd           |
     \\/     M anipulation  |
\*---------------------------------------------------------------------------*/

#include <nlohmann/json.hpp>

#include <cmath>

#include "bodyChannels.H"
#include "volFieldClasses.H"
#include "emptyPolyPatch.H"
#include "mergePoints.H"
#include "globalIndex.H"
#include "Pstream.H"

// * * * * * * * * * * * * * * * Local Functions * * * * * * * * * * * * * //

namespace Foam
{
namespace
{

//- A field name read from a model file: a plain identifier
bool plainName(const std::string& name)
{
    if (name.empty() || name.size() > 128)
    {
        return false;
    }
    for (const char c : name)
    {
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.'))
        {
            return false;
        }
    }
    return std::isalpha(static_cast<unsigned char>(name[0]));
}


template<class Type>
void appendInternal
(
    const fvMesh& mesh,
    const word& name,
    const word& timeName,
    const dictionary& dict,
    std::vector<float>& cellValues,
    List<std::vector<float>>& faceValues,
    const labelList& patchIDs
)
{
    typedef GeometricField<Type, fvPatchField, volMesh> fieldType;
    IOobject io(name, timeName, mesh, IOobject::MUST_READ, IOobject::NO_WRITE);
    if (!io.typeHeaderOk<fieldType>(true))
    {
        FatalIOErrorInFunction(dict)
            << "Case " << mesh.time().path() << " has no field " << name
            << " (" << fieldType::typeName << ") at time " << timeName
            << exit(FatalIOError);
    }
    const fieldType field(io, mesh);
    for (const Type& v : field.primitiveField())
    {
        for (direction c = 0; c < pTraits<Type>::nComponents; ++c)
        {
            cellValues.push_back(float(component(v, c)));
        }
    }
    forAll(patchIDs, i)
    {
        for (const Type& v : field.boundaryField()[patchIDs[i]])
        {
            for (direction c = 0; c < pTraits<Type>::nComponents; ++c)
            {
                faceValues[i].push_back(float(component(v, c)));
            }
        }
    }
}


//- Interleave per-field columns (rows x components each) into rows x
//- channels
std::vector<float> interleave
(
    const std::vector<std::vector<float>>& columns,
    const std::vector<int64_t>& components,
    label rows
)
{
    int64_t channels = 0;
    for (const int64_t c : components)
    {
        channels += c;
    }
    std::vector<float> values(size_t(rows*channels));
    int64_t offset = 0;
    for (size_t f = 0; f < columns.size(); ++f)
    {
        const int64_t k = components[f];
        for (label r = 0; r < rows; ++r)
        {
            for (int64_t c = 0; c < k; ++c)
            {
                values[size_t(r*channels + offset + c)] = columns[f][size_t(r*k + c)];
            }
        }
        offset += k;
    }
    return values;
}

} // End anonymous namespace
} // End namespace Foam


// * * * * * * * * * * * * * * * * Constructors  * * * * * * * * * * * * * * //

Foam::bodyChannels::bodyChannels
(
    const fvMesh& mesh,
    const dictionary& setup,
    const dictionary& dict
)
:
    mesh_(mesh),
    patches_(setup.get<wordList>("patches")),
    patchIDs_(patches_.size()),
    surfaceFields_(setup.getOrDefault<wordList>("surfaceFields", wordList())),
    volumeFields_(setup.getOrDefault<wordList>("volumeFields", wordList())),
    fieldTypes_(),
    outputs_(surfaceFields_),
    outputFloors_(),
    nFaces_(0),
    predictedCells_()
{
    const polyBoundaryMesh& boundary = mesh.boundaryMesh();
    if (patches_.empty())
    {
        FatalIOErrorInFunction(dict)
            << "patches: an empty list; name the patches of the body"
            << exit(FatalIOError);
    }
    forAll(patches_, i)
    {
        patchIDs_[i] = boundary.findPatchID(patches_[i]);
        if (patchIDs_[i] < 0)
        {
            FatalIOErrorInFunction(dict)
                << "patches: the mesh of " << mesh.time().path()
                << " has no patch " << patches_[i] << " (its patches: "
                << boundary.names() << ")" << exit(FatalIOError);
        }
        const polyPatch& pp = boundary[patchIDs_[i]];
        if (pp.coupled() || isA<emptyPolyPatch>(pp))
        {
            FatalIOErrorInFunction(dict)
                << "patches: " << patches_[i] << " is a " << pp.type()
                << " patch, not a body's boundary" << exit(FatalIOError);
        }
        nFaces_ += pp.size();
    }
    if (surfaceFields_.empty() && volumeFields_.empty())
    {
        FatalIOErrorInFunction(dict)
            << "surfaceFields, volumeFields: both empty; name the fields"
            << " to learn at the patches and in the cells" << exit(FatalIOError);
    }
    for (const word& name : volumeFields_)
    {
        if (!outputs_.found(name))
        {
            outputs_.append(name);
        }
    }
    if (setup.found("fieldTypes"))
    {
        const dictionary& types = setup.subDict("fieldTypes");
        for (const word& name : outputs_)
        {
            const word type(types.get<word>(name));
            if (!volFieldClasses().found(type))
            {
                FatalIOErrorInFunction(dict)
                    << "fieldTypes: " << name << " is a " << type << "; only "
                    << volFieldClassesText().c_str() << " fields are learnt"
                    << exit(FatalIOError);
            }
            fieldTypes_.set(name, type);
        }
    }

    if (const dictionary* floors = setup.findDict("outputFloors"))
    {
        for (const word& name : floors->toc())
        {
            outputFloors_.set(name, floors->get<scalar>(name));
        }
    }
}


// * * * * * * * * * * * * Private Member Functions  * * * * * * * * * * * //

Foam::label Foam::bodyChannels::channelOffset
(
    const wordList& list,
    const word& name
) const
{
    label offset = 0;
    for (const word& field : list)
    {
        if (field == name)
        {
            return offset;
        }
        offset += label(components(wordList({field})).front());
    }
    return -1;
}


// * * * * * * * * * * * * * * * Member Functions  * * * * * * * * * * * * //

const Foam::word& Foam::bodyChannels::outputType(const word& name) const
{
    const auto iter = fieldTypes_.cfind(name);
    if (!iter.found())
    {
        FatalErrorInFunction
            << "No class known for field " << name << exit(FatalError);
    }
    return *iter;
}


std::vector<int64_t> Foam::bodyChannels::components
(
    const wordList& fields
) const
{
    std::vector<int64_t> result;
    for (const word& name : fields)
    {
        result.push_back(outputType(name) == volVectorField::typeName ? 3 : 1);
    }
    return result;
}


nop::BodyCase Foam::bodyChannels::gatherBody(const std::string& name) const
{
    const polyBoundaryMesh& boundary = mesh_.boundaryMesh();

    // This processor's faces: centres, and triangles on its own points
    DynamicList<point> points;
    DynamicList<label> triangles;
    DynamicList<point> centres;
    for (const label patchi : patchIDs_)
    {
        const polyPatch& pp = boundary[patchi];
        const label start = points.size();
        points.append(pp.localPoints());
        centres.append(pp.faceCentres());
        for (const face& f : pp.localFaces())
        {
            // The patch normal points out of the fluid, into the body: the
            // reversed fan points out of the body
            for (label k = 1; k + 1 < f.size(); ++k)
            {
                triangles.append(start + f[0]);
                triangles.append(start + f[k + 1]);
                triangles.append(start + f[k]);
            }
        }
    }

    List<pointField> allPoints(Pstream::nProcs());
    List<labelList> allTriangles(Pstream::nProcs());
    List<pointField> allCentres(Pstream::nProcs());
    List<pointField> allCells(Pstream::nProcs());
    allPoints[Pstream::myProcNo()] = points;
    allTriangles[Pstream::myProcNo()] = triangles;
    allCentres[Pstream::myProcNo()] = centres;
    allCells[Pstream::myProcNo()] = mesh_.C().primitiveField();
    Pstream::gatherList(allPoints);
    Pstream::gatherList(allTriangles);
    Pstream::gatherList(allCentres);
    if (!volumeFields_.empty())
    {
        Pstream::gatherList(allCells);
    }

    nop::BodyCase body;
    body.name = name;
    if (!Pstream::master())
    {
        return body;
    }

    // Points shared by patches or processors become one: the signed
    // distance needs the surface connected where it is
    pointField joined;
    labelList shifts(Pstream::nProcs(), 0);
    for (label proc = 0; proc < Pstream::nProcs(); ++proc)
    {
        shifts[proc] = joined.size();
        joined.append(allPoints[proc]);
    }
    const boundBox bb(joined, false);
    labelList pointMap;
    const label nUnique =
        joined.empty() ? 0 : mergePoints(joined, 1e-7*bb.mag(), false, pointMap);
    pointField merged(nUnique);
    forAll(joined, i)
    {
        merged[pointMap[i]] = joined[i];
    }
    for (const point& p : merged)
    {
        body.points.insert(body.points.end(), {p.x(), p.y(), p.z()});
    }
    for (label proc = 0; proc < Pstream::nProcs(); ++proc)
    {
        for (const label t : allTriangles[proc])
        {
            body.triangles.push_back(pointMap[shifts[proc] + t]);
        }
        for (const point& c : allCentres[proc])
        {
            body.faceCentres.insert(body.faceCentres.end(), {c.x(), c.y(), c.z()});
        }
        if (!volumeFields_.empty())
        {
            for (const point& c : allCells[proc])
            {
                body.cellCentres.insert(body.cellCentres.end(), {c.x(), c.y(), c.z()});
            }
        }
    }
    return body;
}


void Foam::bodyChannels::readValues
(
    const word& timeName,
    const dictionary& dict,
    nop::BodyCase& body
) const
{
    std::vector<std::vector<float>> surfaceColumns, volumeColumns;
    for (const word& name : outputs_)
    {
        std::vector<float> cells;
        List<std::vector<float>> faces(patchIDs_.size());
        forVolFieldClass
        (
            outputType(name),
            [&](auto zero)
            {
                appendInternal<decltype(zero)>
                (
                    mesh_, name, timeName, dict, cells, faces, patchIDs_
                );
            }
        );
        if (surfaceFields_.found(name))
        {
            std::vector<float> all;
            for (const auto& patchValues : faces)
            {
                all.insert(all.end(), patchValues.begin(), patchValues.end());
            }
            surfaceColumns.push_back(std::move(all));
        }
        if (volumeFields_.found(name))
        {
            volumeColumns.push_back(std::move(cells));
        }
    }
    // Columns in the order of the lists, not of the outputs
    std::vector<std::vector<float>> surfaceOrdered, volumeOrdered;
    label s = 0;
    label v = 0;
    for (const word& name : outputs_)
    {
        if (surfaceFields_.found(name))
        {
            surfaceOrdered.resize(surfaceFields_.size());
            surfaceOrdered[surfaceFields_.find(name)] = surfaceColumns[s++];
        }
        if (volumeFields_.found(name))
        {
            volumeOrdered.resize(volumeFields_.size());
            volumeOrdered[volumeFields_.find(name)] = volumeColumns[v++];
        }
    }
    body.surfaceValues =
        interleave(surfaceOrdered, components(surfaceFields_), nFaces_);
    body.volumeValues =
        interleave(volumeOrdered, components(volumeFields_), mesh_.nCells());
}


std::vector<float> Foam::bodyChannels::distribute
(
    const std::vector<int64_t>& volumeRows,
    const std::vector<float>& surface,
    const std::vector<float>& volume
) const
{
    // The master's prediction to every processor
    List<label> rows(label(volumeRows.size()));
    forAll(rows, i)
    {
        rows[i] = label(volumeRows[i]);
    }
    scalarList surfaceValues(label(surface.size()));
    forAll(surfaceValues, i)
    {
        surfaceValues[i] = surface[i];
    }
    scalarList volumeValues(label(volume.size()));
    forAll(volumeValues, i)
    {
        volumeValues[i] = volume[i];
    }
    Pstream::scatter(rows);
    Pstream::scatter(surfaceValues);
    Pstream::scatter(volumeValues);

    const globalIndex faces(nFaces_);
    const globalIndex cells(mesh_.nCells());
    const label sc = label(nop::BodyFields{{}, components(surfaceFields_)}.channels());
    const label vc = label(nop::BodyFields{{}, components(volumeFields_)}.channels());

    std::vector<float> mine;
    const label firstFace = faces.offset(Pstream::myProcNo());
    for (label i = firstFace*sc; i < (firstFace + nFaces_)*sc && sc; ++i)
    {
        mine.push_back(float(surfaceValues[i]));
    }
    DynamicList<label> predicted;
    forAll(rows, k)
    {
        if (cells.isLocal(rows[k]))
        {
            predicted.append(cells.toLocal(rows[k]));
            for (label c = 0; c < vc; ++c)
            {
                mine.push_back(float(volumeValues[k*vc + c]));
            }
        }
    }
    predictedCells_ = predicted;
    return mine;
}


Foam::label Foam::bodyChannels::nCellsOutsideBox() const
{
    if (volumeFields_.empty())
    {
        return 0;
    }
    return returnReduce(mesh_.nCells() - predictedCells_.size(), sumOp<label>());
}


// * * * * * * * * * * * * * * * Global Functions  * * * * * * * * * * * * //

std::string Foam::bodySetupToJson(const dictionary& setup)
{
    nlohmann::json json;
    json["kind"] = "bodies";
    const auto names = [&](const word& key)
    {
        std::vector<std::string> list;
        for (const word& w : setup.getOrDefault<wordList>(key, wordList()))
        {
            list.push_back(w);
        }
        return list;
    };
    json["patches"] = names("patches");
    json["surfaceFields"] = names("surfaceFields");
    json["volumeFields"] = names("volumeFields");
    nlohmann::json types = nlohmann::json::object();
    const dictionary& fieldTypes = setup.subDict("fieldTypes");
    for (const word& key : fieldTypes.toc())
    {
        types[key] = std::string(fieldTypes.get<word>(key));
    }
    json["fieldTypes"] = types;
    nlohmann::json floors = nlohmann::json::object();
    if (const dictionary* dict = setup.findDict("outputFloors"))
    {
        for (const word& key : dict->toc())
        {
            floors[key] = dict->get<scalar>(key);
        }
    }
    json["outputFloors"] = floors;
    return json.dump();
}


bool Foam::isBodySetup(const std::string& text)
{
    const auto json = nlohmann::json::parse(text, nullptr, false);
    return json.is_object() && json.contains("kind") && json["kind"] == "bodies";
}


Foam::dictionary Foam::bodySetupFromJson
(
    const std::string& text,
    const fileName& modelFile,
    const dictionary& dict
)
{
    const auto fail = [&](const std::string& why)
    {
        FatalIOErrorInFunction(dict)
            << "modelFile: " << modelFile << ": its set-up of bodies: "
            << why.c_str() << exit(FatalIOError);
    };
    const auto json = nlohmann::json::parse(text, nullptr, false);
    // (outputFloors: model files from before it lack it)
    if
    (
        !json.is_object()
     || json.size() != 5 + size_t(json.contains("outputFloors"))
     || !json.contains("kind")
    )
    {
        fail
        (
            "expected an object of kind, patches, surfaceFields, volumeFields,"
            " fieldTypes and outputFloors"
        );
    }
    dictionary setup;
    const auto names = [&](const char* key)
    {
        wordList list;
        if (!json.contains(key) || !json[key].is_array())
        {
            fail(std::string(key) + ": expected a list of names");
        }
        for (const auto& item : json[key])
        {
            if (!item.is_string() || !plainName(item.get<std::string>()))
            {
                fail(std::string(key) + ": expected plain names");
            }
            list.append(word(item.get<std::string>()));
        }
        setup.add(word(key), list);
        return list;
    };
    names("patches");
    wordList fields(names("surfaceFields"));
    for (const word& name : names("volumeFields"))
    {
        if (!fields.found(name))
        {
            fields.append(name);
        }
    }
    if (!json.contains("fieldTypes") || !json["fieldTypes"].is_object())
    {
        fail("fieldTypes: expected an object");
    }
    dictionary types;
    for (const word& name : fields)
    {
        const auto& type = json["fieldTypes"].value(std::string(name), nlohmann::json());
        if (!type.is_string() || !volFieldClasses().found(word(type.get<std::string>())))
        {
            fail("fieldTypes: no class (" + std::string(volFieldClassesText()) + ") for " + name);
        }
        types.add(name, word(type.get<std::string>()));
    }
    setup.add("fieldTypes", types);

    dictionary floors;
    if (json.contains("outputFloors"))
    {
        const auto& given = json["outputFloors"];
        if (!given.is_object())
        {
            fail("outputFloors: expected an object");
        }
        for (const auto& item : given.items())
        {
            const word name(item.key());
            if
            (
                !fields.found(name)
             || types.get<word>(name) != volScalarField::typeName
             || !item.value().is_number()
             || !(item.value().get<double>() > 0)
             || !std::isfinite(item.value().get<double>())
            )
            {
                fail
                (
                    "outputFloors: " + item.key()
                  + ": expected a positive number for a scalar field"
                );
            }
            floors.add(name, item.value().get<double>());
        }
    }
    setup.add("outputFloors", floors);
    return setup;
}


// ************************************************************************* //
