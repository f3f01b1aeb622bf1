/*---------------------------------------------------------------------------*\
  =========                 |
  \\      /  F ield         | foamNeuralOperator: neural-operator surrogates
   \\    /   O peration     | for OpenFOAM
    \\  /    A nd           |
     \\/     M anipulation  |
\*---------------------------------------------------------------------------*/

#include "neuralOperator.H"
#include "addToRunTimeSelectionTable.H"
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


// * * * * * * * * * * * * Private Member Functions  * * * * * * * * * * * //

void Foam::functionObjects::neuralOperator::predict()
{
    prediction_ = model_->predict(time_.timeName());

    for (const word& name : fields_)
    {
        if (model_->channels().outputType(name) == volScalarField::typeName)
        {
            storeSurrogate<scalar>(name);
        }
        else
        {
            storeSurrogate<vector>(name);
        }
    }
}


void Foam::functionObjects::neuralOperator::initialiseFields()
{
    prediction_ = model_->predict(time_.timeName());

    DynamicList<word> done;
    for (const word& name : fields_)
    {
        const bool set =
            model_->channels().outputType(name) == volScalarField::typeName
          ? initialise<scalar>(name)
          : initialise<vector>(name);
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
    initialised_(false)
{
    read(dict);
}


// * * * * * * * * * * * * * * * Member Functions  * * * * * * * * * * * * * //

bool Foam::functionObjects::neuralOperator::read(const dictionary& dict)
{
    fvMeshFunctionObject::read(dict);
    writeFile::read(dict);

    mode_ = modeTypeNames.getOrDefault("mode", dict, modeType::predict);

    model_.reset(new surrogateModel(mesh_, dict));

    fields_ = dict.getOrDefault<wordList>("fields", model_->outputs());
    for (const word& name : fields_)
    {
        if (!model_->outputs().found(name))
        {
            FatalIOErrorInFunction(dict)
                << "fields: " << name << " is not an output of "
                << model_->modelFile() << " (outputs: " << model_->outputs()
                << ")" << exit(FatalIOError);
        }
    }

    // Geometry and parameters do not change during a run
    predictEachTime_ = false;
    const dictionary& spec = model_->channels().spec();
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
    prediction_.clear();

    Log << type() << " " << name() << ": model " << model_->modelFile()
        << ", mode " << modeTypeNames[mode_] << ", fields " << fields_
        << endl;

    if (mode_ == modeType::initialise && !initialised_)
    {
        initialiseFields();
        initialised_ = true;
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
    if (mode_ == modeType::initialise)
    {
        return true;
    }

    if (prediction_.empty() || predictEachTime_)
    {
        predict();
    }

    if (mode_ == modeType::compare)
    {
        scalarList errors(fields_.size(), scalar(-1));
        forAll(fields_, i)
        {
            errors[i] =
                model_->channels().outputType(fields_[i])
             == volScalarField::typeName
              ? compare<scalar>(fields_[i])
              : compare<vector>(fields_[i]);
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
    if (mode_ == modeType::initialise)
    {
        return true;
    }

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
                objPtr->write();
            }
        }
    }

    return true;
}


// ************************************************************************* //
