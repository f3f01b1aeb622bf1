/*---------------------------------------------------------------------------*\
  =========                 |
  \\      /  F ield         | foamNeuralOperator: neural-operator surrogates
   \\    /   O peration     | for OpenFOAM
    \\  /    A nd           |
     \\/     M anipulation  |
-------------------------------------------------------------------------------
Application
    trainNeuralOperator

Group
    grpNeuralOperatorUtilities

Description
    Trains a neural-operator surrogate with full, mixed or half precision or
    a precision schedule (Tu et al., ICLR 2024), evaluates it on the test
    sets, and writes one self-describing model file plus a JSON report
    beside it (same name, extension .json): a Fourier neural operator (model
    fno) on OpenFOAM cases or tensor files, or a geometry-informed neural
    operator (model gino) on body surfaces with arrays on them (car bodies
    as VTK, STL, PLY or ShapeNet files; no CFD mesh), which predictSurface
    then applies to a new surface.

    Settings are read from system/neuralOperatorDict of the case. Paths are
    relative to the case directory unless absolute; environment variables,
    dictionary variables, \$FOAM_CASE and \<case\> are expanded. Nothing is
    written unless training succeeds: the model file is replaced atomically.

Usage
    \b trainNeuralOperator [OPTION]

    Options:
      - \par -dict \<file\>
        Use an alternative dictionary (default: system/neuralOperatorDict)

      - \par -case \<dir\>
        Case directory (default: the current directory)

      - \par -writeVtk
        GINO: write what the model sees of every training and test sample
        for ParaView to postProcessing/trainNeuralOperator/ before training:
        \<sample\>.latentGrid.vti (the latent grid with the body's signed
        distance and insideBody) and \<sample\>.queries.vtp (the query
        points with the target values, NaN where a field has none)

    The case needs a system/controlDict (application trainNeuralOperator;
    startTime 0; endTime 0; deltaT 1; writeControl timeStep;
    writeInterval 1).

    Example of system/neuralOperatorDict (1D Burgers from neuraloperator):
    \verbatim
    model       fno;
    modelFile   "constant/neuralOperator/burgers.nop";

    data
    {
        type        tensorFile;
        trainFile   "$NOP_SHARED_DATA/neuraloperator/burgers_train_16.pt";
        testFiles   ("$NOP_SHARED_DATA/neuraloperator/burgers_test_16.pt");
        input       x;
        output      y;
        spatialDims 1;
    }

    fno
    {
        modes           (16);
        hiddenChannels  32;
        nLayers         4;
        stabiliser      tanh;
    }

    training
    {
        epochs      40;
        batchSize   32;
        precision   schedule;
        schedule    (0.25 0.5 0.25);
    }
    \endverbatim

    Top level:
    \table
        Property   | Description                           | Type | Required | Default
        model      | Model type: fno (data cases or tensorFile) or gino (data surfaces) | word | yes |
        modelFile  | Model file written (report: .json)    | fileName | no | constant/neuralOperator/model.nop
        data       | Data sub-dictionary                   | dict | yes |
        fno        | FNO sub-dictionary (model fno)        | dict | no  | all defaults
        gino       | GINO sub-dictionary (model gino)      | dict | no  | all defaults
        training   | Training sub-dictionary               | dict | no  | all defaults
    \endtable

    data from OpenFOAM cases (type cases; see Foam::caseDataset,
    Foam::surrogateChannels, Foam::caseParameter and Foam::latentGrid):
    \verbatim
    data
    {
        type        cases;
        trainCases  ("cases/train_*");      // glob patterns allowed
        testCases   ("cases/test_*");
        time        latestTime;             // of the outputs; inputs: first time
        inputs      (mask wallDistance);    // or fields of the case
        parameters
        {
            Uinlet { file "0/U"; entry "boundaryField/inlet/value"; component x; }
            nu     { file "constant/transportProperties"; entry nu; }
        }
        outputs     (U p);
        latentGrid  { resolution (128 32 1); }
        cache       true;   // constant/neuralOperator/cache
    }
    \endverbatim
    \table
        Property   | Description                                 | Type | Required | Default
        type       | cases                                       | word | yes | -
        trainCases | training case directories (glob patterns), relative to this case | list of fileNames | yes | -
        testCases  | test case directories, as trainCases        | list of fileNames | no | ()
        time       | time of the outputs: latestTime or a value  | word or scalar | no | latestTime
        inputs     | mask (1 in the fluid), wallDistance (signed, to wall patches) and/or fields read at each case's first time | wordList | no | ()
        parameters | named scalars, each { file; entry; component; } below | dict | no | none
        outputs    | fields at time (volScalarField, volVectorField: its solved components) | wordList | yes | -
        latentGrid | { resolution (nx ny nz); bounds (min) (max); } (Foam::latentGrid) | dict | yes | -
        cache      | cache the sampled arrays                    | bool | no | true
    \endtable
    A parameter:
    \table
        Property  | Description                                  | Type | Required | Default
        file      | file of the case, relative to the case directory (#include and $variables are expanded) | fileName | yes | -
        entry     | entry of that file; '/' separates sub-dictionaries | string | yes | -
        component | component of a vector value: x, y or z       | word | no  | none (a scalar)
    \endtable
    latentGrid bounds default to each case's mesh bounds; give them when the
    geometry varies, or as a box around a body in a large far field (cells
    outside it are then not predicted). 2D cases (one cell thick between
    empty patches) give a 2D grid. A case decomposed without a reconstructed
    solution must be reconstructed (reconstructPar) first.

    The sampled arrays of each case are cached in
    constant/neuralOperator/cache and reused while its files are unchanged.
    The model file records the latent grid, the channels, the parameters and
    the output fields' classes, so surrogateFoam and the neuralOperator
    function object can apply it to a new case.

    data from neuraloperator .pt files (type tensorFile: a dict of tensors,
    each (samples, [channels,] d1..dN)):
    \table
        Property    | Description | Type | Required | Default
        type        | Data source: tensorFile or cases | word | yes | -
        trainFile   | Training .pt file | fileName | yes | -
        testFiles   | Test .pt files, evaluated separately | fileNameList | no | ()
        input       | Name of the input tensor in the files | word | no | x
        output      | Name of the output tensor in the files | word | no | y
        spatialDims | Number of spatial dimensions (1-3) | label | no | 1
        nTrain      | Samples used from trainFile (-1: all) | label | no | -1
        nTest       | Samples used from each test file (-1: all) | label | no | -1
    \endtable

    data from body surfaces (type surfaces, model gino): each entry of
    trainFiles and testFiles is a surface file (.vtp, legacy .vtk, .stl,
    .ply), a ShapeNet car mesh \<id\>_tri_mesh.ply with its pressure
    \<id\>_press.npy beside it (array press, neuraloperator's vertex
    selection), a directory of such cars, neuraloperator's mini_car.pt (its
    cars are point clouds: signedDistance no), or a glob pattern of these;
    paths as trainFile's. Example (AhmedML, tutorials/ahmedSurfaces):
    \verbatim
    data
    {
        type        surfaces;
        trainFiles  ("$NOP_SHARED_DATA/ahmedml/boundary_[123]_mapped.vtp");
        testFiles   ("$NOP_SHARED_DATA/ahmedml/boundary_4_mapped.vtp");
        fields      (pMean);
    }
    \endverbatim
    \table
        Property | Description | Type | Required | Default
        trainFiles | Training surfaces: .vtp .vtk .stl .ply files, ShapeNet meshes <id>_tri_mesh.ply (pressure 'press' from <id>_press.npy beside them) or neuraloperator's mini_car.pt (all its cars) | fileNameList | yes | -
        testFiles | Held-out surfaces (same kinds), evaluated one by one as test set 'test' | fileNameList | no | ()
        fields | Surface arrays to predict (a vector array gives one channel per component) | wordList | yes | -
        location | Where the fields live and are predicted: points or cells (triangle centres) | word | no | points
        signedDistance | Signed distance to the surface on the latent grid as a latent feature (needs triangles) | bool | no | true
        boxMargin | Margin of the unit box around all training surfaces, as a fraction of their largest extent | scalar | no | 0.1
        nTrain | Surfaces used from trainFiles (-1: all) | label | no | -1
    \endtable
    The coordinates are mapped into the unit cube [0, 1]^3 (one scale for
    all axes) around all training surfaces with boxMargin on every side;
    the model file records this box, so that predictSurface maps a new
    surface the same way. predictSurface warns with the share of a
    surface's points outside this box; a surface farther out than the
    radius reaches, or a radius too small for the latent grid, ends in an
    error naming outRadius and the radius that would reach every query
    point.

    gino (channels come from the data: the signed distance, the fields'
    components; radii in unit-box lengths; latentResolution r and
    outRadius must satisfy outRadius >= sqrt(3)/2/(r - 1) so that every
    point of the box has a latent-grid point within reach):
    \table
        Property | Description | Type | Required | Default
        latentResolution | Points per dimension of the latent grid over the unit box | labelList | no | (16 16 16)
        modes | Fourier modes kept per dimension of the latent grid | labelList | no | (8 8 8)
        hiddenChannels | Width of the Fourier blocks | label | no | 64
        nLayers | Number of Fourier blocks | label | no | 4
        liftingRatio | Lifting MLP width / hiddenChannels | scalar | no | 2
        projectionRatio | Projection MLP width / hiddenChannels | scalar | no | 4
        channelMLPExpansion | Channel MLP width / hiddenChannels | scalar | no | 0.5
        positionalEmbedding | Append latent-grid coordinates as channels | bool | no | true
        inRadius | Radius of the geometry -> latent grid GNO, in the unit box | scalar | no | 0.06
        outRadius | Radius of the latent grid -> query points GNO, in the unit box | scalar | no | 0.06
        geometryChannels | Channels of the geometry GNO's output on the latent grid | label | no | 16
        inKernel | Hidden widths of the geometry GNO's kernel MLP | labelList | no | (80 80 80)
        outKernel | Hidden widths of the query GNO's kernel MLP | labelList | no | (512 256)
        inTransform | Geometry GNO kernel: linear or nonlinear (needs point features) | word | no | linear
        outTransform | Query GNO kernel: linear or nonlinear | word | no | linear
        embedding | Kernel coordinate embedding: transformer or nerf | word | no | transformer
        embeddingFrequencies | Sinusoidal frequencies per coordinate (0: raw coordinates) | label | no | 16
        maxPositions | Longest wavelength of the transformer embedding | scalar | no | 10000
        chunkSize | Neighbour pairs through a kernel at once | label | no | 0
        domainPadding | Zero padding of the latent grid per dimension, as a fraction | scalar | no | 0
        stabiliser | On the spectral path: none or tanh (needed by half) | word | no | tanh
        reducedType | Reduced type: auto, bfloat16 or float16 (auto: bfloat16 on CPU, float16 on CUDA) | word | no | auto
    \endtable
    The report's test errors hold, per precision, the relative L2 of each
    field and of each surface ("fields", "samples"). Model gino trains with
    loss l2, its default (h1 needs a grid, and is refused), and normalises
    its outputs only.

    fno (input and output channels come from the data):
    \table
        Property            | Description                       | Type | Required | Default
        modes               | Fourier modes kept per spatial dimension | labelList | no | (16 ..)
        hiddenChannels      | Width of the Fourier blocks       | label  | no | 32
        nLayers             | Number of Fourier blocks          | label  | no | 4
        liftingRatio        | Lifting MLP width / hiddenChannels | scalar | no | 2
        projectionRatio     | Projection MLP width / hiddenChannels | scalar | no | 2
        channelMLPExpansion | Channel MLP width / hiddenChannels | scalar | no | 0.5
        positionalEmbedding | Append grid coordinates as channels | bool | no | true
        domainPadding       | Zero padding per dimension, as a fraction (non-periodic data) | scalar | no | 0
        stabiliser          | On the spectral path: none or tanh (needed by half) | word | no | tanh
        reducedType         | Reduced type: auto, bfloat16 or float16 (auto: bfloat16 on CPU, float16 on CUDA) | word | no | auto
    \endtable

    training:
    \table
        Property         | Description | Type | Required | Default
        epochs           | Number of epochs | label | no | 20
        batchSize        | Samples per batch | label | no | 32
        optimiser        | adamW or adam | word | no | adamW
        learningRate     | Initial learning rate | scalar | no | 0.008
        weightDecay      | Weight decay | scalar | no | 0.0001
        scheduler        | Learning-rate scheduler: none, step or cosine | word | no | cosine
        stepSize         | step: epochs between decays | label | no | 100
        gamma            | step: decay factor | scalar | no | 0.5
        cosineEpochs     | cosine: period in epochs (0: epochs) | label | no | 0
        loss             | Training loss: l2 or h1 (relative) | word | no | h1
        precision        | full, mixed, half or schedule | word | no | schedule
        schedule         | Fractions of the epochs in half, mixed, full | scalarList | no | (0.25 0.5 0.25)
        lossScaling      | Dynamic loss scaling: auto (float16 only), on or off | word | no | auto
        normaliseInputs  | Normalise the inputs (statistics of the training set) | bool | no | true
        normaliseOutputs | Normalise the outputs | bool | no | true
        seed             | Random seed | label | no | 0
        threads          | Intra-op threads (0: this process's share of the cores) | label | no | 0
        device           | cpu, cuda or cuda:N | word | no | cpu
        evalEvery        | Evaluate the test sets every N epochs (and at the end) | label | no | 1
        checkpointEvery  | Write a checkpoint every N epochs (0: on a stop request only) | label | no | 10
    \endtable

    Checkpoints and resuming: a checkpoint (\<modelFile\> with extension
    .checkpoint, written atomically) holds the model, optimiser, learning
    rate, loss scaler, random-number state and position in training. It is
    written every checkpointEvery epochs and, after the step in progress,
    on SIGINT or SIGTERM (a second signal kills at once); the run then
    exits with status 1 and says so. Running the same job again resumes
    from it when the set-up (options, cases, data) is unchanged, and ends
    with the model an uninterrupted run makes, bit for bit; a checkpoint of
    another set-up or a damaged one is ignored with a message. It is
    removed once the model file is written.

    Outputs: modelFile must end in .nop; an existing file there (or at its
    report, .json) is replaced only when it is a model file (a report).
    The report is made from the model file and records its checksum.
    Training whose final test errors are not finite writes no model.

    Every dictionary is strict: an unknown entry is a FatalIOError naming
    the nearest keyword, raised before any case is sampled.

    Each keyword is the name of the core's option field (nop::FNOOptions,
    nop::GINOOptions, nop::TrainerOptions, nop::TensorFileDatasetOptions,
    nop::SurfaceDatasetOptions) and of its log label;
    the defaults are those of the option structs.

Note
    Floating-point trapping (trapFpe) is switched off while training: the
    torch kernels may raise SIGFPE on legitimate inputs.

See also
    readTrainingJob.H
    predictSurface
    tutorials/burgers
    tutorials/ahmedSurfaces

SourceFiles
    trainNeuralOperator.C
    readTrainingJob.C

\*---------------------------------------------------------------------------*/

#include "nop/runtime/ThreadPolicy.hpp"

#include "nop/jobs/TrainingJob.hpp"
#include "nop/training/StopRequest.hpp"

#include "argList.H"
#include "Time.H"
#include "IOdictionary.H"
#include "OSspecific.H"
#include "Pstream.H"

#include "readTrainingJob.H"
#include "floatingPointTraps.H"

#include <chrono>
#include <stdexcept>
#include <string>

using namespace Foam;

// * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * //

int main(int argc, char *argv[])
{
    // Idle LibTorch threads sleep (before any thread exists)
    nop::passiveOpenMPThreads(argv);

    argList::addNote
    (
        "Train a neural-operator surrogate (FNO or GINO) as set in"
        " system/neuralOperatorDict; write the model file and a JSON report."
    );
    argList::noParallel();
    argList::addOption
    (
        "dict",
        "file",
        "Use an alternative dictionary (default: system/neuralOperatorDict)"
    );

    argList::addBoolOption
    (
        "writeVtk",
        "GINO: write every sample's latent grid (.vti) and queries (.vtp) to"
        " postProcessing/trainNeuralOperator"
    );

    #include "setRootCase.H"
    #include "createTime.H"

    const word dictName("neuralOperatorDict");
    #include "setSystemRunTimeDictionaryIO.H"

    Info<< "Reading " << dictIO.objectPath() << nl << endl;
    const IOdictionary dict(dictIO);

    autoPtr<trainingData> data;
    nop::TrainingJob job(readTrainingJob(dict, runTime.path(), data));
    if (args.found("writeVtk"))
    {
        if (job.model != "GINO")
        {
            FatalErrorInFunction
                << "-writeVtk: for a GINO model (its latent grid and queries);"
                << " an FNO's grid is its data (foamToVTK shows the cases)"
                << exit(FatalError);
        }
        job.vtkDirectory = runTime.path()/"postProcessing"/"trainNeuralOperator";
    }

    Info<< "Loading the training data (" << dict.subDict("data").get<word>("type")
        << ")" << nl << endl;
    loadTrainingData(data(), dict, job);

    const auto start = std::chrono::steady_clock::now();

    try
    {
        // torch kernels may raise SIGFPE on legitimate inputs
        const floatingPointTrapsOff noTraps;
        nop::runTrainingJob
        (
            job,
            [](const std::string& line)
            {
                Info<< line.c_str() << endl;
            }
        );
    }
    catch (const nop::TrainingStopped& e)
    {
        // Asked to stop (SIGINT, SIGTERM): not a failure of the job, but
        // the model is not written yet
        // (not return 1: argList's destructor would exit with 0)
        Info<< nl << "trainNeuralOperator: " << e.what() << nl << endl;
        Pstream::exit(1);
    }
    catch (const std::logic_error& e)
    {
        // std::invalid_argument and relatives: an option the core refused
        FatalIOErrorInFunction(dict)
            << "Invalid training job in " << dict.objectPath() << ":" << nl
            << "    " << e.what() << nl
            << exit(FatalIOError);
    }
    catch (const std::exception& e)
    {
        // Data and file errors
        FatalErrorInFunction
            << "Training job of " << dict.objectPath() << " failed:" << nl
            << "    " << e.what() << nl << nl;
        if (job.model == "FNO" && job.arrays.empty())
        {
            FatalError
                << "    data/trainFile " << job.data.trainFile().c_str() << nl
                << "    data/input     " << job.data.input().c_str() << nl
                << "    data/output    " << job.data.output().c_str() << nl;
        }
        FatalError
            << "    modelFile      " << job.modelFile.c_str() << nl
            << exit(FatalError);
    }

    const double seconds =
        std::chrono::duration<double>
        (
            std::chrono::steady_clock::now() - start
        ).count();

    Info<< nl << "Training job time = " << seconds << " s" << nl << endl;

    runTime.printExecutionTime(Info);

    Info<< "End\n" << endl;

    return 0;
}


// ************************************************************************* //
