/*---------------------------------------------------------------------------*\
  =========                 |
  \\      /  F ield         | foamNeuralOperator: neural-operator surrogates
   \\    /   O peration     | for OpenFOAM
    \\  /    A nd           |
     \\/     M anipulation  |
\*---------------------------------------------------------------------------*/

#include "neuralOperator.H"
#include "strictKeywords.H"
#include "collectiveExit.H"
#include "addToRunTimeSelectionTable.H"
#include "OStringStream.H"
#include "PstreamReduceOps.H"
#include "basicThermo.H"
#include "fvc.H"
#include "surfaceFields.H"
#include "volFields.H"

// * * * * * * * * * * * * * * Static Data Members * * * * * * * * * * * * * //

namespace Foam
{
namespace functionObjects
{
    defineTypeNameAndDebug(neuralOperator, 0);
    addToRunTimeSelectionTable(functionObject, neuralOperator, dictionary);
}
}

const Foam::Enum<Foam::functionObjects::neuralOperator::modeType>
Foam::functionObjects::neuralOperator::modeTypeNames
({
    { modeType::predict, "predict" },
    { modeType::compare, "compare" },
    { modeType::initialise, "initialise" },
});


const Foam::Enum<Foam::functionObjects::neuralOperator::onErrorType>
Foam::functionObjects::neuralOperator::onErrorTypeNames
({
    { onErrorType::fail, "fail" },
    { onErrorType::warn, "warn" },
});


const Foam::wordList Foam::functionObjects::neuralOperator::inheritedKeywords
({
    // functionObject, functionObjectList, regionFunctionObject
    "type", "libs", "functionObjectLibs", "enabled", "log",
    "region", "subRegion",
    // timeControl
    "timeStart", "timeEnd", "triggerStart", "triggerEnd",
    "controlMode", "deltaTCoeff", "nStepsToStartTimeChange",
    "executeControl", "executeInterval",
    "writeControl", "writeInterval",
    "outputControl", "outputInterval",
    // writeFile
    "writePrecision", "writeToFile", "useUserTime"
});


const Foam::wordList Foam::functionObjects::neuralOperator::keywords
(
    []()
    {
        wordList valid(surrogateModel::keywords);
        valid.append(wordList({"mode", "fields", "onError"}));
        valid.append(inheritedKeywords);
        return valid;
    }()
);


// * * * * * * * * * * * * * * * Local Functions * * * * * * * * * * * * * //

namespace
{

//- The message of an OpenFOAM error, with the file and line of an IOerror
std::string errorText(const Foam::error& err)
{
    return err.message();
}

std::string errorText(const Foam::IOerror& err)
{
    std::string text(err.message());
    if (!err.ioFileName().empty())
    {
        text += "\n\nfile: " + err.ioFileName();
        if (err.ioStartLineNumber() >= 0)
        {
            text += " at line " + std::to_string(err.ioStartLineNumber());
        }
        text += ".";
    }
    return text;
}

} // namespace


// * * * * * * * * * * * * Private Member Functions  * * * * * * * * * * * //

bool Foam::functionObjects::neuralOperator::collectively
(
    const stageType stage,
    const std::function<void()>& fn
)
{
    // Errors as exceptions, whatever OpenFOAM's setting at this point
    const bool throwingError = FatalError.throwExceptions(true);
    const bool throwingIOerr = FatalIOError.throwExceptions(true);

    std::string failure;
    try
    {
        fn();
    }
    catch (const Foam::IOerror& err)
    {
        failure = errorText(err);
    }
    catch (const Foam::error& err)
    {
        failure = errorText(err);
    }
    catch (const std::exception& e)
    {
        failure = e.what();
    }
    FatalError.throwExceptions(throwingError);
    FatalIOError.throwExceptions(throwingIOerr);

    const bool failedHere = !failure.empty();
    if (!returnReduce(failedHere, orOp<bool>()))
    {
        return true;
    }

    List<string> failures(Pstream::nProcs());
    failures[Pstream::myProcNo()] = failure;
    Pstream::gatherList(failures);
    Pstream::scatterList(failures);
    label first = 0;
    while (failures[first].empty())
    {
        ++first;
    }

    static const char* const stageNames[] =
        {"reading the settings", "loading the model", "the prediction", "writing"};
    const string where
    (
        Pstream::parRun() ? " on processor " + Foam::name(first) : ""
    );

    if (stage == stageType::settings || onError_ == onErrorType::fail)
    {
        FatalErrorInFunction
            << type() << " " << name() << ": "
            << stageNames[int(stage)] << " failed" << where.c_str() << ":"
            << nl << nl << failures[first].c_str() << nl;
        if (stage != stageType::settings)
        {
            FatalError
                << nl << "(onError fail: the run stops; with onError warn it"
                << " would continue without the surrogate)" << nl;
        }
        exitOnAllProcessors();
    }

    WarningInFunction
        << type() << " " << name() << ": " << stageNames[int(stage)]
        << " failed" << where.c_str() << ":" << nl << nl
        << failures[first].c_str() << nl << nl
        << "onError warn: the run continues without " << name() << endl;
    off_ = true;
    return false;
}


void Foam::functionObjects::neuralOperator::predict()
{
    prediction_ = model_->predict(time_.timeName());

    for (const word& name : fields_)
    {
        forVolFieldClass
        (
            model_->outputType(name),
            [&](auto zero) { storeSurrogate<decltype(zero)>(name); }
        );
    }
}


void Foam::functionObjects::neuralOperator::initialiseFields()
{
    prediction_ = model_->predict(time_.timeName());

    DynamicList<word> done;
    for (const word& name : fields_)
    {
        const bool set = forVolFieldClass
        (
            model_->outputType(name),
            [&](auto zero) { return initialise<decltype(zero)>(name); }
        );
        if (set)
        {
            done.append(name);
        }
    }

    // Compressible solvers solve for the energy, from which the thermo
    // derives T: the energy follows the predicted T (and p), then the
    // thermo's properties and the solver's density
    basicThermo* thermoPtr =
        mesh_.getObjectPtr<basicThermo>(basicThermo::dictName);
    volScalarField* rhoPtr = mesh_.getObjectPtr<volScalarField>("rho");
    if (thermoPtr && (done.found("T") || done.found("p")))
    {
        basicThermo& thermo = *thermoPtr;
        volScalarField& he = thermo.he();
        he.primitiveFieldRef() =
            thermo.he
            (
                thermo.p().primitiveField(),
                thermo.T().primitiveField(),
                identity(mesh_.nCells())
            );
        he.correctBoundaryConditions();
        thermo.correct();
        done.append(he.name());
        if (rhoPtr)
        {
            rhoPtr->primitiveFieldRef() = thermo.rho()().primitiveField();
            rhoPtr->correctBoundaryConditions();
            done.append(rhoPtr->name());
        }
    }

    // The first iteration sees the predicted velocity: the flux from it,
    // volumetric or (compressible solvers) mass flux with the solver's rho
    const volVectorField* UPtr = mesh_.findObject<volVectorField>("U");
    surfaceScalarField* phiPtr = mesh_.getObjectPtr<surfaceScalarField>("phi");
    if (done.found("U") && UPtr && phiPtr)
    {
        if (phiPtr->dimensions() == dimVelocity*dimArea)
        {
            *phiPtr = fvc::flux(*UPtr);
            done.append("phi");
        }
        else if (rhoPtr && phiPtr->dimensions() == dimDensity*dimVelocity*dimArea)
        {
            *phiPtr = fvc::flux((*rhoPtr)*(*UPtr));
            done.append("phi");
        }
        else
        {
            WarningInFunction
                << "phi " << phiPtr->dimensions() << " is neither a volumetric"
                << " nor (with rho) a mass flux: not recomputed from U" << endl;
        }
    }

    Log << type() << " " << name() << ": initialised " << done
        << " from the surrogate" << endl;
    if (done.empty())
    {
        WarningInFunction
            << "None of the fields " << fields_ << " is held by the solver:"
            << " nothing initialised" << endl;
    }
}


// * * * * * * * * * * * * * * * * Constructors  * * * * * * * * * * * * * * //

Foam::functionObjects::neuralOperator::neuralOperator
(
    const word& name,
    const Time& runTime,
    const dictionary& dict
)
:
    fvMeshFunctionObject(name, runTime, dict),
    writeFile(obr_, name, "relativeL2", dict),
    mode_(modeType::predict),
    fields_(),
    model_(),
    predictEachTime_(false),
    prediction_(),
    initialised_(false),
    onError_(onErrorType::fail),
    off_(false),
    solverWriteTimes_(true)
{
    read(dict);
}


// * * * * * * * * * * * * * * * Member Functions  * * * * * * * * * * * * * //

bool Foam::functionObjects::neuralOperator::read(const dictionary& dict)
{
    fvMeshFunctionObject::read(dict);
    writeFile::read(dict);

    collectively
    (
        stageType::settings,
        [&]()
        {
            checkKeywords(dict, keywords, name());
            mode_ = modeTypeNames.getOrDefault("mode", dict, modeType::predict);
            onError_ =
                onErrorTypeNames.getOrDefault("onError", dict, onErrorType::fail);
        }
    );

    // The solver's write times, unless the dictionary has its own
    // (timeControl then calls write() at those only)
    solverWriteTimes_ =
        !dict.found("writeControl") && !dict.found("outputControl");

    off_ = false;
    model_.reset();
    prediction_.clear();
    if
    (
        !collectively
        (
            stageType::load,
            [&]()
            {
                model_.reset(new surrogateModel(mesh_, dict));
            }
        )
    )
    {
        return true;
    }

    collectively
    (
        stageType::settings,
        [&]()
        {
            fields_ = dict.getOrDefault<wordList>("fields", model_->outputs());
            for (const word& name : fields_)
            {
                if (!model_->outputs().found(name))
                {
                    FatalIOErrorInFunction(dict)
                        << "fields: " << name << " is not an output of "
                        << model_->modelFile() << " (outputs: "
                        << model_->outputs() << ")" << exit(FatalIOError);
                }
            }
        }
    );

    // Geometry and parameters do not change during a run (a body's
    // prediction depends on its geometry alone)
    predictEachTime_ = false;
    const dictionary spec
    (
        model_->onBodies() ? dictionary() : model_->channels().spec()
    );
    for (const word& input : spec.getOrDefault<wordList>("inputs", wordList()))
    {
        if
        (
            input != surrogateChannels::maskName
         && input != surrogateChannels::wallDistanceName
        )
        {
            predictEachTime_ = true;
        }
    }

    Log << type() << " " << name() << ": model " << model_->modelFile()
        << ", mode " << modeTypeNames[mode_] << ", fields " << fields_
        << endl;

    if (mode_ == modeType::initialise && !initialised_)
    {
        initialised_ = true;
        collectively(stageType::predict, [&]() { initialiseFields(); });
    }
    else if (mode_ == modeType::compare && writeToFile())
    {
        writeHeader(file(), "Relative L2 error of the surrogate");
        writeCommented(file(), "Time");
        for (const word& field : fields_)
        {
            writeTabbed(file(), field);
        }
        file() << endl;
    }

    return true;
}


bool Foam::functionObjects::neuralOperator::execute()
{
    if (mode_ == modeType::initialise || off_)
    {
        return true;
    }

    if
    (
        (prediction_.empty() || predictEachTime_)
     && !collectively(stageType::predict, [&]() { predict(); })
    )
    {
        return true;
    }

    if (mode_ == modeType::compare)
    {
        scalarList errors(fields_.size(), scalar(-1));
        forAll(fields_, i)
        {
            errors[i] = forVolFieldClass
            (
                model_->outputType(fields_[i]),
                [&](auto zero) { return compare<decltype(zero)>(fields_[i]); }
            );
        }

        Log << type() << " " << name() << " relative L2:";
        forAll(fields_, i)
        {
            Log << " " << fields_[i] << " " << errors[i];
        }
        Log << endl;

        if (writeToFile())
        {
            writeCurrentTime(file());
            for (const scalar e : errors)
            {
                file() << tab << e;
            }
            file() << endl;
        }
    }

    return true;
}


bool Foam::functionObjects::neuralOperator::write()
{
    // functionObjectList calls write() after every execute(): the
    // fields go to the solver's write times only (or, with a writeControl
    // of the function object, timeControl's)
    if
    (
        mode_ == modeType::initialise
     || off_
     || (solverWriteTimes_ && !time_.writeTime())
    )
    {
        return true;
    }

    collectively
    (
        stageType::write,
        [&]()
        {
            for (const word& name : fields_)
            {
                for (const char* suffix : {"Surrogate", "SurrogateError"})
                {
                    const regIOobject* objPtr =
                        mesh_.cfindObject<regIOobject>(name + word(suffix));
                    if (objPtr)
                    {
                        Log << type() << " " << this->name() << " writing "
                            << objPtr->name() << endl;
                        if (!objPtr->write())
                        {
                            FatalErrorInFunction
                                << "cannot write " << objPtr->objectPath()
                                << exit(FatalError);
                        }
                    }
                }
            }
        }
    );

    return true;
}


// ************************************************************************* //
