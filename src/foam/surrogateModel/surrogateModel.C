/*---------------------------------------------------------------------------*\
  =========                 |
  \\      /  F ield         | foamNeuralOperator: neural-operator surrogates
   \\    /   O peration     | for OpenFOAM
    \\  /    A nd           |
     \\/     M anipulation  |
\*---------------------------------------------------------------------------*/

// The predictor's header is torch-free: it may meet OpenFOAM's headers.
#include "inference/SurrogatePredictor.hpp"

#include "surrogateModel.H"
#include "IStringStream.H"
#include "Pstream.H"

#include <chrono>
#include <fenv.h>
#include <thread>

// * * * * * * * * * * * * * * * Local Functions * * * * * * * * * * * * * //

namespace
{

//- Floating-point traps off for the lifetime of the object, then restored
class floatingPointTrapsOff
{
    int enabled_;

public:

    floatingPointTrapsOff()
    :
        enabled_(fegetexcept())
    {
        fedisableexcept(FE_ALL_EXCEPT);
    }

    ~floatingPointTrapsOff()
    {
        feclearexcept(FE_ALL_EXCEPT);
        feenableexcept(enabled_);
    }
};


//- The set-up stored in a model file, as a dictionary
Foam::dictionary applicationSpec
(
    const std::string& text,
    const Foam::fileName& modelFile,
    const Foam::dictionary& dict
)
{
    using namespace Foam;
    if (text.empty())
    {
        FatalIOErrorInFunction(dict)
            << "modelFile: " << modelFile << " was not trained on OpenFOAM"
            << " cases (no latent grid or fields recorded); train it with"
            << " data { type cases; ... }" << exit(FatalIOError);
    }
    IStringStream is(text);
    return dictionary(is);
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
    channels_()
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
    if (threads == 0)
    {
        // Ranks must not oversubscribe the cores
        threads = max
        (
            label(1),
            label(std::thread::hardware_concurrency())/Pstream::nProcs()
        );
    }
    if (precision_ != "full" && precision_ != "mixed" && precision_ != "half")
    {
        FatalIOErrorInFunction(dict)
            << "precision: '" << precision_ << "' is not full, mixed or half"
            << exit(FatalIOError);
    }

    // The master loads the network and hands its set-up to the others
    string application;
    if (Pstream::master())
    {
        try
        {
            floatingPointTrapsOff trapsOff;
            predictor_.reset
            (
                new nop::SurrogatePredictor(modelFile_, device, threads)
            );
        }
        catch (const std::exception& e)
        {
            FatalIOErrorInFunction(dict)
                << "modelFile: " << e.what() << exit(FatalIOError);
        }
        application = predictor_->application();
    }
    Pstream::scatter(application);

    // The mesh must have the dimensions of the training grid
    label trainedDims = 0;
    if (predictor_)
    {
        trainedDims = label(predictor_->trainedGrid().size());
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
            applicationSpec(application, modelFile_, dict)
        )
    );
}


// * * * * * * * * * * * * * * * * Destructor  * * * * * * * * * * * * * * //

Foam::surrogateModel::~surrogateModel() = default;


// * * * * * * * * * * * * * * * Member Functions  * * * * * * * * * * * * * //

std::vector<float> Foam::surrogateModel::predict
(
    const word& timeName,
    double* samplingSeconds
) const
{
    // Inputs: every processor holds the whole grid after sampling
    const auto start = std::chrono::steady_clock::now();
    std::vector<float> x;
    channels_->appendInputs(timeName, x);
    if (samplingSeconds)
    {
        *samplingSeconds =
            std::chrono::duration<double>
            (
                std::chrono::steady_clock::now() - start
            ).count();
    }

    scalarList prediction;
    if (Pstream::master())
    {
        std::vector<float> y;
        try
        {
            floatingPointTrapsOff trapsOff;
            y = predictor_->predict(x, channels_->gridShape(), precision_);
        }
        catch (const std::exception& e)
        {
            FatalErrorInFunction
                << e.what() << exit(FatalError);
        }
        prediction.setSize(label(y.size()));
        forAll(prediction, i)
        {
            prediction[i] = y[i];
        }
    }
    Pstream::scatter(prediction);

    return std::vector<float>(prediction.begin(), prediction.end());
}


// ************************************************************************* //
