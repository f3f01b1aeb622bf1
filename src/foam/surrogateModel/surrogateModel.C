/*---------------------------------------------------------------------------*\
  =========                 |
  \\      /  F ield         | foamNeuralOperator: neural-operator surrogates
   \\    /   O peration     | for OpenFOAM
    \\  /    A nd           |
     \\/     M anipulation  |
\*---------------------------------------------------------------------------*/

// The predictor's header is torch-free: it may meet OpenFOAM's headers.
#include "nop/inference/SurrogatePredictor.hpp"
#include "nop/precision/Precision.hpp"

#include <nlohmann/json.hpp>

#include "surrogateModel.H"
#include "surrogateSetup.H"
#include "floatingPointTraps.H"
#include "Pstream.H"
#include "clockTime.H"


// * * * * * * * * * * * * * * * Local Functions * * * * * * * * * * * * * //

namespace
{

//- A model whose test errors were not finite predicts nothing useful
void warnNonFiniteTestErrors
(
    const std::string& summary,
    const Foam::fileName& modelFile
)
{
    const nlohmann::json report =
        nlohmann::json::parse(summary, nullptr, false);
    if (!report.is_object() || !report.contains("testErrors"))
    {
        return;
    }
    for (const auto& dataset : report["testErrors"].items())
    {
        for (const auto& precision : dataset.value().items())
        {
            const auto& e = precision.value();
            if (e.is_object() && e.value("finite", true) == false)
            {
                WarningInFunction
                    << "The training report in " << modelFile << " gives"
                    << " non-finite test errors (" << dataset.key().c_str()
                    << ", " << precision.key().c_str() << "): its predictions"
                    << " are not to be trusted" << Foam::endl;
                return;
            }
        }
    }
}

} // namespace


// * * * * * * * * * * * * * * * Static Member Data  * * * * * * * * * * * //

const Foam::wordList Foam::surrogateModel::keywords
({
    "modelFile", "device", "threads", "precision"
});


// * * * * * * * * * * * * * * * * Constructors  * * * * * * * * * * * * * * //

Foam::surrogateModel::surrogateModel
(
    const fvMesh& mesh,
    const dictionary& dict
)
:
    modelFile_(dict.get<fileName>("modelFile").expand()),
    precision_(dict.getOrDefault<word>("precision", "full")),
    predictor_(),
    channels_(),
    bodies_(),
    mesh_(mesh)
{
    if (!modelFile_.isAbsolute())
    {
        modelFile_ = mesh.time().globalPath()/modelFile_;
    }

    const word device(dict.getOrDefault<word>("device", "cpu"));
    label threads = dict.getOrDefault<label>("threads", 0);
    if (threads < 0)
    {
        FatalIOErrorInFunction(dict)
            << "threads: " << threads << " < 0" << exit(FatalIOError);
    }
    try
    {
        // The core's word table, not a copy of it
        nop::fromString<nop::Precision>(precision_);
    }
    catch (const std::invalid_argument& e)
    {
        FatalIOErrorInFunction(dict)
            << "precision: " << e.what() << exit(FatalIOError);
    }

    // The master loads the network and hands its set-up to the others;
    // a failure there is raised on every processor (none waits for ever)
    string application;
    string failure;
    if (Pstream::master())
    {
        try
        {
            const Foam::floatingPointTrapsOff trapsOff;
            predictor_.reset
            (
                new nop::SurrogatePredictor
                (
                    // 0: each processor's share of the cores
                    modelFile_, device, threads, Pstream::nProcs()
                )
            );
            application = predictor_->application();
            warnNonFiniteTestErrors(predictor_->summary(), modelFile_);
        }
        catch (const std::exception& e)
        {
            failure = e.what();
        }
    }
    Pstream::scatter(failure);
    if (!failure.empty())
    {
        FatalIOErrorInFunction(dict)
            << "modelFile: " << failure.c_str() << exit(FatalIOError);
    }
    Pstream::scatter(application);

    if (isBodySetup(application))
    {
        bool onBodies = predictor_ && predictor_->onBodies();
        Pstream::scatter(onBodies);
        if (!onBodies)
        {
            FatalIOErrorInFunction(dict)
                << "modelFile: " << modelFile_ << " holds a set-up of bodies"
                << " but no GINO on bodies" << exit(FatalIOError);
        }
        bodies_.reset
        (
            new bodyChannels(mesh, bodySetupFromJson(application, modelFile_, dict), dict)
        );
        return;
    }

    // The mesh must have the dimensions of the training grid
    label trainedDims = 0;
    if (predictor_)
    {
        trainedDims = label(predictor_->trainedResolution().size());
    }
    Pstream::scatter(trainedDims);
    if (mesh.nSolutionD() != trainedDims)
    {
        FatalIOErrorInFunction(dict)
            << "modelFile: " << modelFile_ << " was trained on " << trainedDims
            << "D cases, the mesh of " << mesh.time().path() << " is "
            << mesh.nSolutionD() << "D" << exit(FatalIOError);
    }

    channels_.reset
    (
        new surrogateChannels
        (
            mesh,
            setupFromJson(application, modelFile_, dict)
        )
    );

    warnOutsideTraining(mesh);
}


// * * * * * * * * * * * * Private Member Functions  * * * * * * * * * * * //

void Foam::surrogateModel::warnOutsideTraining(const fvMesh& mesh) const
{
    const dictionary& spec = channels_->spec();

    const dictionary* rangesPtr = spec.findDict("parameterRanges");
    if (rangesPtr)
    {
        for (const caseParameter& parameter : readCaseParameters(spec))
        {
            scalarList range;
            if (!rangesPtr->readIfPresent(parameter.name(), range))
            {
                continue;
            }
            const scalar value = parameter.value(mesh.time().globalPath());
            const scalar width = max(range[1] - range[0], VSMALL);
            const scalar beyond =
                max(range[0] - value, value - range[1]);
            if (beyond > 1e-6*width)
            {
                WarningInFunction
                    << "Parameter " << parameter.name() << " = " << value
                    << " lies outside the training range [" << range[0]
                    << ", " << range[1] << "] of " << modelFile_ << " by "
                    << beyond << " (" << 100*beyond/width
                    << " % of the range): the prediction is an"
                    << " extrapolation" << endl;
            }
        }
    }

    boundBox trained;
    if (spec.readIfPresent("trainedBox", trained) && trained.valid())
    {
        const boundBox& box = channels_->grid().bounds();
        const vector tolerance(0.01*trained.span());
        const boundBox allowed(trained.min() - tolerance, trained.max() + tolerance);
        if (!allowed.contains(box))
        {
            WarningInFunction
                << "The latent grid's box on this mesh " << box
                << " is not inside the box of the training cases "
                << trained << " (mesh bounds " << mesh.bounds()
                << "): a geometry unlike the training cases'" << endl;
        }
    }

    const label outside = channels_->nCellsOutsideGrid();
    const label cells = returnReduce(mesh.nCells(), sumOp<label>());
    if (cells > 0 && scalar(outside) > 0.25*cells)
    {
        WarningInFunction
            << outside << " of " << cells << " cells ("
            << 100.0*outside/cells << " %) lie outside the latent grid's box "
            << channels_->grid().bounds() << ": they are not predicted"
            << endl;
    }
}


// * * * * * * * * * * * * * * * * Destructor  * * * * * * * * * * * * * * //

Foam::surrogateModel::~surrogateModel() = default;


// * * * * * * * * * * * * * * * Member Functions  * * * * * * * * * * * * * //

const Foam::surrogateChannels& Foam::surrogateModel::channels() const
{
    if (!channels_)
    {
        FatalErrorInFunction
            << modelFile_ << " is a model on bodies: it has no latent-grid"
            << " channels" << exit(FatalError);
    }
    return *channels_;
}


const Foam::bodyChannels& Foam::surrogateModel::bodies() const
{
    if (!bodies_)
    {
        FatalErrorInFunction
            << modelFile_ << " is a model on a latent grid (FNO), not on"
            << " bodies" << exit(FatalError);
    }
    return *bodies_;
}


std::vector<float> Foam::surrogateModel::predictBody
(
    double* samplingSeconds
) const
{
    const clockTime samplingTime;
    const nop::BodyCase body = bodies_->gatherBody(mesh_.time().path());
    if (samplingSeconds)
    {
        *samplingSeconds = samplingTime.elapsedTime();
    }

    std::vector<int64_t> rows;
    nop::SurrogatePredictor::BodyPrediction y;
    string failure;
    if (Pstream::master())
    {
        try
        {
            const Foam::floatingPointTrapsOff trapsOff;
            rows = predictor_->cellsInsideBox(body.cellCentres);
            y = predictor_->predictBody(body, rows, precision_);
            latentDistance_ = std::move(y.signedDistance);
        }
        catch (const std::exception& e)
        {
            failure = e.what();
        }
        if (failure.empty() && y.outsideBox > 0)
        {
            WarningInFunction
                << 100*y.outsideBox << " % of the body's points lie outside"
                << " the latent box of " << modelFile_ << ": a body larger"
                << " or placed elsewhere than the training ones (units?)"
                << endl;
        }
    }
    Pstream::scatter(failure);
    if (!failure.empty())
    {
        FatalErrorInFunction
            << "modelFile " << modelFile_ << ": the prediction failed on the"
            << " master processor: " << failure.c_str() << exit(FatalError);
    }
    return bodies_->distribute(rows, y.surface, y.volume);
}


bool Foam::surrogateModel::writeLatentGrid(const fileName& file) const
{
    // Nothing to show of a model without the signed distance
    bool known = Pstream::master() && !latentDistance_.empty();
    Pstream::scatter(known);
    if (!known)
    {
        return false;
    }
    string failure;
    if (Pstream::master())
    {
        try
        {
            predictor_->writeLatentGrid(file, latentDistance_);
        }
        catch (const std::exception& e)
        {
            failure = e.what();
        }
    }
    Pstream::scatter(failure);
    if (!failure.empty())
    {
        FatalErrorInFunction
            << "modelFile " << modelFile_ << ": " << failure.c_str()
            << exit(FatalError);
    }
    return true;
}


std::vector<float> Foam::surrogateModel::predict
(
    const word& timeName,
    double* samplingSeconds
) const
{
    if (bodies_)
    {
        return predictBody(samplingSeconds);
    }

    // Inputs: every processor holds the whole grid after sampling
    const clockTime samplingTime;
    std::vector<float> x;
    channels_->appendInputs(timeName, x);
    if (samplingSeconds)
    {
        *samplingSeconds = samplingTime.elapsedTime();
    }

    // The master runs the network; its failure is raised on every
    // processor, so that none waits for the prediction
    scalarList prediction;
    string failure;
    if (Pstream::master())
    {
        std::vector<float> y;
        try
        {
            const Foam::floatingPointTrapsOff trapsOff;
            y = predictor_->predict(x, channels_->resolution(), precision_);
        }
        catch (const std::exception& e)
        {
            failure = e.what();
        }
        prediction.setSize(label(y.size()));
        forAll(prediction, i)
        {
            prediction[i] = y[i];
        }
    }
    Pstream::scatter(failure);
    if (!failure.empty())
    {
        FatalErrorInFunction
            << "modelFile " << modelFile_ << ": the prediction failed on the"
            << " master processor: " << failure.c_str() << exit(FatalError);
    }
    Pstream::scatter(prediction);

    return std::vector<float>(prediction.begin(), prediction.end());
}


// ************************************************************************* //
