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
    the interpolated face values (their conditions are not evaluated).
    The wall values of a predicted wall-function nut are then evaluated
    from the predicted fields by the case's own turbulence model
    (wallFunctionValues.H; incompressible cases), so that forceCoeffs on
    the prediction has the viscous force. Cells outside the
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

    With a body (GINO) model the prediction on the body's patches is also
    written as VTK PolyData, postProcessing/surrogateFoam/\<writeTime\>/
    surface.vtp (the surface fields as predicted: the time directory loses
    them on patch types that write no value, such as p on a zeroGradient
    wall), and the latent grid the model saw as VTK ImageData, latentGrid.vti
    beside it (the body's signed distance, insideBody).

    -compare evaluates the prediction against the case's solver result at
    its latest time (not one written by surrogateFoam: a FatalError
    naming it): the relative L2 error per field,
    sqrt(sum V |pred - ref|^2 / sum V |ref|^2) over the cells, printed and
    written to postProcessing/surrogateFoam/\<writeTime\>/relativeL2.dat,
    with the same error of the solver result sampled onto the latent grid
    and interpolated back ("latent grid alone"; outside the grid's box the
    case's values, as predicted): what the grid's resolution and box cost,
    the least error a model on this grid can reach. A prediction error
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
        threads   | LibTorch threads per processor (0: this process's share of the cores) | label | no | 0
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

SourceFiles
    surrogateFoam.C
    surrogateTimes.H        the times: inputs, prediction, reference
    predictionMarker.H      the marker of a predicted time directory
    predictedFields.H       the prediction set into the case's fields
    wallFunctionValues.H    a predicted nut's wall functions evaluated
    writePrediction.H       the time directory, all at once (-overwrite)
    timeDirectoryWriter.H   writing a time directory all at once
    durableFiles.H          its checked file-system calls
    interruptCleanup.H      its removal of a partial write on a signal
    surfacePrediction.H     the prediction on the body as VTK (.vtp)
    comparePrediction.H     -compare: errors, printed and written

\*---------------------------------------------------------------------------*/

#include "nop/runtime/ThreadPolicy.hpp"

#include "comparePrediction.H"
#include "predictedFields.H"
#include "surfacePrediction.H"
#include "strictKeywords.H"
#include "surrogateModel.H"
#include "surrogateTimes.H"
#include "wallFunctionValues.H"
#include "writePrediction.H"

#include "argList.H"
#include "clockTime.H"
#include "fvMesh.H"
#include "IOdictionary.H"
#include "Time.H"

using namespace Foam;

// * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * //

namespace
{

//- The note and options of the command line
void addOptions()
{
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
}


//- The keywords of surrogateDict: the model's and writeTime
wordList surrogateDictKeywords()
{
    wordList valid(surrogateModel::keywords);
    valid.append("writeTime");
    return valid;
}

} // End anonymous namespace


int main(int argc, char *argv[])
{
    // Idle LibTorch threads sleep (before any thread exists)
    nop::passiveOpenMPThreads(argv);

    // From the start of main: libraries are loaded before it
    const clockTime totalTime;

    addOptions();

    #include "setRootCase.H"
    #include "createTime.H"

    const word dictName("surrogateDict");
    #include "setSystemRunTimeDictionaryIO.H"
    Info<< "Reading " << dictIO.objectPath() << nl << endl;
    const IOdictionary dict(dictIO);
    checkKeywords(dict, surrogateDictKeywords(), dictName);

    const surrogateTimes times(selectTimes(runTime, dict, args.found("compare")));

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
    clockTime stageTime;
    const surrogateModel model(mesh, dict);
    const double loadSeconds = stageTime.elapsedTime();
    Info<< "Model " << model.modelFile() << nl
        << "    outputs " << model.outputs() << nl
        << "    OpenMP wait policy " << getEnv("OMP_WAIT_POLICY").c_str() << nl << endl;

    if (!args.found("overwrite"))
    {
        checkNothingOverwritten(model, runTime, times.write, dictIO.objectPath());
    }

    // Sampling and inference
    stageTime.resetTime();
    double samplingSeconds = 0;
    const std::vector<float> prediction =
        model.predict(times.start, &samplingSeconds);
    const double inferenceSeconds = stageTime.elapsedTime() - samplingSeconds;

    // Every field set before any is written, then all at once
    stageTime.resetTime();
    predictedFields fields(model, prediction, mesh, times.start);
    const labelList wallFunctions(evaluateWallFunctions(fields, model, mesh));
    if (returnReduce(wallFunctions.size(), maxOp<label>()))
    {
        Info<< "nut: wall-function values evaluated from the predicted fields"
            << " by the case's turbulence model on patches";
        for (const label patchi : wallFunctions)
        {
            Info<< ' ' << mesh.boundaryMesh()[patchi].name();
        }
        Info<< nl << endl;
    }
    writePrediction(fields, model, runTime, times);
    const fileName surfaceFile =
        model.onBodies()
      ? writeSurfacePrediction(fields, model, mesh, times.write)
      : fileName();
    const fileName latentGridFile =
        model.onBodies()
      ? writeLatentGridPrediction(model, mesh, times.write)
      : fileName();
    const double writeSeconds = stageTime.elapsedTime();

    const label nOutside = model.nCellsNotPredicted();
    if (nOutside)
    {
        Info<< nOutside << " of " << returnReduce(mesh.nCells(), sumOp<label>())
            << " cells lie outside the box of the latent grid";
        if (!model.onBodies())
        {
            Info<< " " << model.channels().grid().bounds();
        }
        Info<< ": they keep the values of time " << times.start << nl;
    }
    Info<< "Wrote " << model.outputs() << " to time " << times.write << nl;
    if (!surfaceFile.empty())
    {
        Info<< "Wrote " << model.bodies().surfaceFields() << " on the body to "
            << surfaceFile << " (VTK, as predicted)" << nl;
    }
    if (!latentGridFile.empty())
    {
        Info<< "Wrote the latent grid (signedDistance, insideBody) to "
            << latentGridFile << nl;
    }
    Info
        << "Wall time: load " << loadSeconds << " s, sampling "
        << samplingSeconds << " s, inference " << inferenceSeconds
        << " s, write " << writeSeconds << " s" << nl << endl;

    if (args.found("compare"))
    {
        const comparedCells cells(model, mesh);
        reportComparison
        (
            comparePrediction(fields, model, cells, wallFunctions, times.reference),
            model,
            cells,
            runTime,
            times
        );
    }

    Info<< "Total wall time " << totalTime.elapsedTime() << " s (from the"
        << " start of main)" << nl << endl;

    runTime.printExecutionTime(Info);

    Info<< "End\n" << endl;

    return 0;
}


// ************************************************************************* //
