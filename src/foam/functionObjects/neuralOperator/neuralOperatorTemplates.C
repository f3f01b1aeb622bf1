/*---------------------------------------------------------------------------*\
  =========                 |
  \\      /  F ield         | foamNeuralOperator: neural-operator surrogates
   \\    /   O peration     | for OpenFOAM
    \\  /    A nd           |
     \\/     M anipulation  |
\*---------------------------------------------------------------------------*/

#include "neuralOperator.H"
#include "volFields.H"

// * * * * * * * * * * * * Private Member Functions  * * * * * * * * * * * //

template<class Type>
void Foam::functionObjects::neuralOperator::storeSurrogate(const word& name)
{
    typedef GeometricField<Type, fvPatchField, volMesh> fieldType;

    const word surrogateName(name + "Surrogate");
    fieldType* surrogatePtr = mesh_.getObjectPtr<fieldType>(surrogateName);
    if (!surrogatePtr)
    {
        // A copy of the solver's field (its boundary conditions) when it
        // has one, else a field with calculated patches
        const fieldType* solverPtr = mesh_.findObject<fieldType>(name);
        IOobject io
        (
            surrogateName,
            time_.timeName(),
            mesh_,
            IOobject::NO_READ,
            IOobject::NO_WRITE
        );
        if (solverPtr)
        {
            surrogatePtr = new fieldType(io, *solverPtr);
        }
        else
        {
            surrogatePtr = new fieldType
            (
                io,
                mesh_,
                dimensioned<Type>(dimless, Zero)
            );
        }
        mesh_.objectRegistry::store(surrogatePtr);
    }
    model_->setField(prediction_, name, *surrogatePtr);
}


template<class Type>
Foam::scalar Foam::functionObjects::neuralOperator::compare(const word& name)
{
    typedef GeometricField<Type, fvPatchField, volMesh> fieldType;

    const fieldType* solverPtr = mesh_.findObject<fieldType>(name);
    const fieldType* surrogatePtr =
        mesh_.findObject<fieldType>(name + "Surrogate");
    if (!solverPtr || !surrogatePtr)
    {
        return -1;
    }

    const word errorName(name + "SurrogateError");
    fieldType* errorPtr = mesh_.getObjectPtr<fieldType>(errorName);
    if (!errorPtr)
    {
        errorPtr = new fieldType
        (
            IOobject
            (
                errorName,
                time_.timeName(),
                mesh_,
                IOobject::NO_READ,
                IOobject::NO_WRITE
            ),
            mesh_,
            dimensioned<Type>(solverPtr->dimensions(), Zero)
        );
        mesh_.objectRegistry::store(errorPtr);
    }
    errorPtr->primitiveFieldRef() =
        solverPtr->primitiveField() - surrogatePtr->primitiveField();

    return relativeL2(surrogatePtr->primitiveField(), *solverPtr);
}


template<class Type>
bool Foam::functionObjects::neuralOperator::initialise(const word& name)
{
    typedef GeometricField<Type, fvPatchField, volMesh> fieldType;

    fieldType* fieldPtr = mesh_.getObjectPtr<fieldType>(name);
    if (!fieldPtr)
    {
        return false;
    }
    model_->setField(prediction_, name, *fieldPtr);
    return true;
}


// ************************************************************************* //
