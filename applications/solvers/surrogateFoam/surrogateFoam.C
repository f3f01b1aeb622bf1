/*---------------------------------------------------------------------------*\
  =========                 |
  \\      /  F ield         | foamNeuralOperator: neural-operator surrogates
   \\    /   O peration     | for OpenFOAM
    \\  /    A nd           |
     \\/     M anipulation  |
-------------------------------------------------------------------------------
Application
    surrogateFoam

Group
    grpNeuralOperatorSolvers

Description
    Predicts the fields of a case with a neural-operator surrogate trained
    by trainNeuralOperator, in place of running a solver.

    Reads the mesh, the input fields and the parameters the model was
    trained with, runs the model on the latent grid, and writes the
    predicted fields as ordinary volFields into a new time directory
    (writeTime). Inputs are read at the case's first time (its initial
    fields, as in training; controlDict's startFrom is not used). Each
    field takes its boundary conditions from the case's own field at that
    first time, and the prediction goes into it by the write-back policy
    of Foam::latentGridInterpolator: fixed-value patches keep their
    values, processor and cyclic patches are evaluated, the others take
    the interpolated face values (their conditions are not evaluated:
    wall functions need the solver's turbulence model). Cells outside the
    box of the latent grid (bounds smaller than the mesh) keep the values of
    that first time; their number is printed. Existing data is
    never overwritten (unless -overwrite); nothing is written when the
    prediction fails.

    The time directory is written all at once or not at all: the fields
    go to a temporary directory beside it (.\<writeTime\>.surrogateFoam.tmp.\<pid\>,
    in processorN/ in parallel), every write checked, and the directory
    is then renamed to the time name (exchanged with an existing one,
    whose other files are kept). A write that fails (a full disk, no
    permission) or SIGINT/SIGTERM/SIGHUP during the write leaves nothing
    and the error names the directory and the reason; in parallel all
    processors fail together and each reports it.

    The time directory is marked as a prediction:
    \<writeTime\>/uniform/surrogateFoam (a dictionary: model file, input
    time, fields, date), which reconstructPar carries along and paraFoam
    ignores; -compare refuses a reference time so marked.

    -compare evaluates the prediction against the case's solver result at
    its latest time (not one written by surrogateFoam: a FatalError
    naming it): the relative L2 error per field,
    sqrt(sum V |pred - ref|^2 / sum V |ref|^2) over the cells, printed and
    written to postProcessing/surrogateFoam/\<writeTime\>/relativeL2.dat,
    with the same error of the solver result sampled onto the latent grid
    and interpolated back ("latent grid alone"; outside the grid's box the
    case's values, as predicted): what the grid's resolution and box cost,
    the floor a model on this grid can at best reach. A prediction error
    close to it asks for a finer or larger latentGrid, not for more
    training.

    Runs serial or in parallel (decomposed case, -parallel); the prediction
    equals the serial one to round-off.

Usage
    \b surrogateFoam [OPTION]

    Options:
      - \par -compare
        Compare with the case's solver result at its latest time

      - \par -overwrite
        Replace fields already present in the write time (only once the
        new time directory is complete)

      - \par -dict \<file\>
        Use an alternative dictionary (default: system/surrogateDict)

      - \par -parallel
        Run in parallel (decomposed case)

    system/surrogateDict:
    \verbatim
    modelFile   "../pitzDaily/constant/neuralOperator/pitzDaily.nop";
    device      cpu;
    threads     0;
    precision   full;
    writeTime   1;
    \endverbatim

    \table
        Property  | Description                                | Type | Required | Default
        modelFile | model file (relative to the case)          | fileName | yes | -
        device    | cpu, cuda or cuda:N                        | word | no  | cpu
        threads   | LibTorch threads per processor (0: cores / processors) | label | no | 0
        precision | inference precision: full, mixed or half   | word | no  | full
        writeTime | time directory the prediction is written to | scalar | no | first time + deltaT
    \endtable

    Any other entry is a FatalIOError naming the nearest valid one
    (writetime: did you mean 'writeTime'?).

    Output (log): one line per stage with its wall time, then
    \verbatim
    Wall time: load 0.21 s, sampling 0.05 s, inference 0.31 s, write 0.04 s
    relative L2 U = 0.0213  (latent grid alone 0.0195)
    relative L2 p = 0.0542  (latent grid alone 0.0101)
    Total wall time 0.62 s
    \endverbatim

See also
    trainNeuralOperator
    Foam::surrogateModel
    Foam::functionObjects::neuralOperator

\*---------------------------------------------------------------------------*/

#include "surrogateModel.H"
#include "strictKeywords.H"
#include "timeDirectoryWriter.H"

#include "argList.H"
#include "Time.H"
#include "fvMesh.H"
#include "IOdictionary.H"
#include "HashTable.H"
#include "OFstream.H"
#include "Tuple2.H"
#include "volFields.H"
#include "fvc.H"
#include "OStringStream.H"
#include "clock.H"

#include <chrono>
#include <type_traits>

using namespace Foam;

// * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * //

namespace
{

typedef std::chrono::steady_clock Clock;

double secondsSince(const Clock::time_point& start)
{
    return std::chrono::duration<double>(Clock::now() - start).count();
}


//- The list of fields of value type Type of the two
template<class Type>
PtrList<GeometricField<Type, fvPatchField, volMesh>>& fieldsOf
(
    PtrList<volScalarField>& scalarFields,
    PtrList<volVectorField>& vectorFields
)
{
    if constexpr (std::is_same<Type, scalar>::value)
    {
        return scalarFields;
    }
    else
    {
        return vectorFields;
    }
}


//- The marker of a time directory written by surrogateFoam, relative to it
const fileName markerFile("uniform/surrogateFoam");


//- A field as its file holds it, at the current time
template<class Type>
std::string fieldFile(GeometricField<Type, fvPatchField, volMesh>& field)
{
    const Time& runTime = field.time();
    field.instance() = runTime.timeName();
    OStringStream os(runTime.writeFormat());
    field.writeHeader(os);
    field.writeData(os);
    IOobject::writeEndDivider(os);
    return os.str();
}


//- The marker: a dictionary saying what wrote the time directory
std::string markerFileContents
(
    const surrogateModel& model,
    const word& writeTime,
    const word& inputTime
)
{
    OStringStream os;
    IOobject::writeBanner(os)
        << "FoamFile" << nl << "{" << nl
        << "    version     2.0;" << nl
        << "    format      ascii;" << nl
        << "    class       dictionary;" << nl
        << "    location    \"" << (writeTime/markerFile.path()).c_str() << "\";" << nl
        << "    object      " << markerFile.name() << ";" << nl
        << "}" << nl;
    IOobject::writeDivider(os) << nl
        << "// The fields of this time are a surrogate's prediction (surrogateFoam)," << nl
        << "// not a solver's result" << nl << nl;
    os.writeEntry("application", word("surrogateFoam"));
    os.writeEntry("modelFile", model.modelFile());
    os.writeEntry("inputTime", inputTime);
    os.writeEntry("fields", model.outputs());
    os.writeEntry("date", clock::date());
    os.writeEntry("clockTime", clock::clockTime());
    os << nl;
    IOobject::writeEndDivider(os);
    return os.str();
}


//- The case's own field at startTime (its boundary conditions), set from
//- the prediction; not registered, so fields of one name never clash
template<class Type>
autoPtr<GeometricField<Type, fvPatchField, volMesh>> predictedField
(
    const surrogateModel& model,
    const std::vector<float>& prediction,
    const word& name,
    const fvMesh& mesh,
    const word& startTime
)
{
    typedef GeometricField<Type, fvPatchField, volMesh> fieldType;
    IOobject io
    (
        name,
        startTime,
        mesh,
        IOobject::MUST_READ,
        IOobject::NO_WRITE,
        false
    );
    if (!io.typeHeaderOk<fieldType>(true))
    {
        FatalErrorInFunction
            << "Case " << mesh.time().path() << " has no " << fieldType::typeName
            << " " << name << " in time " << startTime << ": its boundary"
            << " conditions are needed to write the prediction"
            << exit(FatalError);
    }
    autoPtr<fieldType> fieldPtr(new fieldType(io, mesh));
    model.setField(prediction, name, fieldPtr.ref());
    return fieldPtr;
}


//- Relative L2 of the prediction against the case's field at
//- referenceTime, and of that field's latent-grid representation (the
//- error a model exact at the grid points would still make)
template<class Type>
Tuple2<scalar, scalar> compareWith
(
    const surrogateModel& model,
    const GeometricField<Type, fvPatchField, volMesh>& prediction,
    const word& referenceTime
)
{
    typedef GeometricField<Type, fvPatchField, volMesh> fieldType;
    const fvMesh& mesh = prediction.mesh();
    IOobject io
    (
        prediction.name(),
        referenceTime,
        mesh,
        IOobject::MUST_READ,
        IOobject::NO_WRITE,
        false
    );
    if (!io.typeHeaderOk<fieldType>(true))
    {
        FatalErrorInFunction
            << "-compare: case " << mesh.time().path() << " has no "
            << fieldType::typeName << " " << prediction.name()
            << " in time " << referenceTime << exit(FatalError);
    }
    const fieldType reference(io, mesh);
    return Tuple2<scalar, scalar>
    (
        relativeL2(prediction.primitiveField(), reference),
        relativeL2
        (
            // (outside the grid's box: the prediction's, the case's values)
            model.channels().gridRepresentation
            (
                reference,
                prediction.primitiveField()
            )(),
            reference
        )
    );
}

} // namespace


int main(int argc, char *argv[])
{
    // From the start of main: libraries are loaded before it
    const auto totalStart = Clock::now();

    argList::addNote
    (
        "Predict the fields of a case with a trained neural-operator"
        " surrogate (system/surrogateDict) and write them to a new time"
    );
    argList::addBoolOption
    (
        "compare",
        "Compare with the case's solver result at its latest time"
    );
    argList::addBoolOption
    (
        "overwrite",
        "Replace fields already present in the write time"
    );
    argList::addOption
    (
        "dict",
        "file",
        "Use an alternative dictionary (default: system/surrogateDict)"
    );

    #include "setRootCase.H"
    #include "createTime.H"

    const word dictName("surrogateDict");
    #include "setSystemRunTimeDictionaryIO.H"
    Info<< "Reading " << dictIO.objectPath() << nl << endl;
    const IOdictionary dict(dictIO);
    {
        wordList valid(surrogateModel::keywords);
        valid.append("writeTime");
        checkKeywords(dict, valid, dictName);
    }

    // Times: inputs at the case's first time (whatever startFrom says),
    // the prediction at writeTime, the reference at the latest time
    const instantList times(runTime.times());
    DynamicList<instant> caseTimes;
    for (const instant& t : times)
    {
        if (t.name() != runTime.constant())
        {
            caseTimes.append(t);
        }
    }
    if (caseTimes.empty())
    {
        FatalErrorInFunction
            << "Case " << runTime.path() << " has no time directory: its"
            << " initial fields (e.g. 0/) are the model's inputs"
            << exit(FatalError);
    }
    runTime.setTime(caseTimes.first(), 0);
    const word startTime(runTime.timeName());

    const scalar writeValue =
        dict.getOrDefault<scalar>
        (
            "writeTime",
            runTime.value() + runTime.deltaTValue()
        );
    const word writeTime(Time::timeName(writeValue));
    if (writeValue <= runTime.value())
    {
        FatalIOErrorInFunction(dict)
            << "writeTime: " << writeValue << " is not after the start time "
            << startTime << " (the prediction would replace the inputs)"
            << exit(FatalIOError);
    }

    word referenceTime;
    if (args.found("compare"))
    {
        referenceTime = caseTimes.last().name();
        if (referenceTime == startTime || referenceTime == writeTime)
        {
            FatalErrorInFunction
                << "-compare: case " << runTime.path() << " has no solver result"
                << " (its latest time " << referenceTime << " is the start or"
                << " the write time); run the solver first"
                << exit(FatalError);
        }
        const fileName marker(runTime.path()/referenceTime/markerFile);
        if (returnReduce(isFile(marker), orOp<bool>()))
        {
            FatalErrorInFunction
                << "-compare: the latest time " << runTime.path()/referenceTime
                << " of the case was written by surrogateFoam (" << marker
                << "), not by a solver: it is a prediction, not a solver"
                << " result to compare with; run the solver, or remove that"
                << " time directory"
                << exit(FatalError);
        }
    }

    Info<< "Create mesh for time = " << runTime.timeName() << nl << endl;
    fvMesh mesh
    (
        IOobject
        (
            fvMesh::defaultRegion,
            runTime.timeName(),
            runTime,
            IOobject::MUST_READ
        )
    );

    // Load: the model and its channels on this mesh
    auto stageStart = Clock::now();
    surrogateModel model(mesh, dict);
    const double loadSeconds = secondsSince(stageStart);
    Info<< "Model " << model.modelFile() << nl
        << "    outputs " << model.outputs() << nl << endl;

    // Never overwrite existing data unless asked
    if (!args.found("overwrite"))
    {
        for (const word& name : model.outputs())
        {
            const fileName existing(runTime.path()/writeTime/name);
            if (returnReduce(isFile(existing) || isFile(existing + ".gz"), orOp<bool>()))
            {
                FatalErrorInFunction
                    << existing << " exists: choose another writeTime in "
                    << dictIO.objectPath() << " or use -overwrite"
                    << exit(FatalError);
            }
        }
    }

    // Sampling and inference
    stageStart = Clock::now();
    double samplingSeconds = 0;
    const std::vector<float> prediction =
        model.predict(startTime, &samplingSeconds);
    const double inferenceSeconds = secondsSince(stageStart) - samplingSeconds;

    // Set every field before writing any: nothing half-written on failure
    stageStart = Clock::now();
    PtrList<volScalarField> scalarFields;
    PtrList<volVectorField> vectorFields;
    for (const word& name : model.outputs())
    {
        forVolFieldClass
        (
            model.channels().outputType(name),
            [&](auto zero)
            {
                typedef decltype(zero) Type;
                fieldsOf<Type>(scalarFields, vectorFields).append
                (
                    predictedField<Type>(model, prediction, name, mesh, startTime)
                );
            }
        );
    }

    // All fields and the marker at once, or nothing (every processor)
    runTime.setTime(writeValue, runTime.timeIndex() + 1);
    timeDirectoryWriter writer(runTime.path(), writeTime);
    for (volScalarField& f : scalarFields)
    {
        writer.add(f.name(), fieldFile(f));
    }
    for (volVectorField& f : vectorFields)
    {
        writer.add(f.name(), fieldFile(f));
    }
    writer.add(markerFile, markerFileContents(model, writeTime, startTime));
    writer.commit();
    const double writeSeconds = secondsSince(stageStart);

    const label nOutside = model.channels().nCellsOutsideGrid();
    if (nOutside)
    {
        Info<< nOutside << " of " << returnReduce(mesh.nCells(), sumOp<label>())
            << " cells lie outside the box of the latent grid "
            << model.channels().grid().bounds() << ": they keep the values"
            << " of time " << startTime << nl;
    }
    Info<< "Wrote " << model.outputs() << " to time " << writeTime << nl
        << "Wall time: load " << loadSeconds << " s, sampling "
        << samplingSeconds << " s, inference " << inferenceSeconds
        << " s, write " << writeSeconds << " s" << nl << endl;

    if (args.found("compare"))
    {
        // In the order of the model's outputs
        HashTable<Tuple2<scalar, scalar>> errors;
        for (const volScalarField& f : scalarFields)
        {
            errors.insert(f.name(), compareWith(model, f, referenceTime));
        }
        for (const volVectorField& f : vectorFields)
        {
            errors.insert(f.name(), compareWith(model, f, referenceTime));
        }

        Info<< "Prediction at " << writeTime << " against the solver result"
            << " at " << referenceTime << " (latent grid alone: the solver"
            << " result sampled onto the grid and interpolated back, the"
            << " case's values outside its box):" << nl;
        for (const word& name : model.outputs())
        {
            Info<< "relative L2 " << name << " = " << errors[name].first()
                << "  (latent grid alone " << errors[name].second() << ")"
                << nl;
        }
        Info<< endl;

        if (Pstream::master())
        {
            const fileName dir
            (
                runTime.globalPath()/"postProcessing"/"surrogateFoam"/writeTime
            );
            mkDir(dir);
            OFstream os(dir/"relativeL2.dat");
            os  << "# Relative L2 error of the surrogate's prediction" << nl
                << "# model     " << model.modelFile() << nl
                << "# reference time " << referenceTime << nl
                << "# latentGridAlone: the solver result sampled onto the"
                << " latent grid and interpolated back (outside its box: the"
                << " case's values)" << nl
                << "# field  relativeL2  latentGridAlone" << nl;
            for (const word& name : model.outputs())
            {
                os  << name << tab << errors[name].first() << tab
                    << errors[name].second() << nl;
            }
        }
    }

    Info<< "Total wall time " << secondsSince(totalStart) << " s (from the"
        << " start of main)" << nl << endl;

    runTime.printExecutionTime(Info);

    Info<< "End\n" << endl;

    return 0;
}


// ************************************************************************* //
