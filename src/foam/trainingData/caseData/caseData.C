/*---------------------------------------------------------------------------*\
  =========                 |
  \\      /  F ield         | foamNeuralOperator: neural-operator surrogates
   \\    /   O peration     | for OpenFOAM
    \\  /    A nd           |
     \\/     M anipulation  |
\*---------------------------------------------------------------------------*/

#include "caseData.H"
#include "surrogateSetup.H"
#include "addToRunTimeSelectionTable.H"

// * * * * * * * * * * * * * * Static Data Members * * * * * * * * * * * * * //

namespace Foam
{
    defineTypeNameAndDebug(caseData, 0);
    addToRunTimeSelectionTable(trainingData, caseData, dictionary);
}


// * * * * * * * * * * * * * * * * Constructors  * * * * * * * * * * * * * * //

Foam::caseData::caseData(const dictionary& dict, const fileName& caseDir)
:
    cases_(dict, caseDir, caseDir/"constant"/"neuralOperator"/"cache")
{}


// * * * * * * * * * * * * * * * Member Functions  * * * * * * * * * * * * * //

void Foam::caseData::load(nop::TrainingJob& job)
{
    job.arrays = cases_.sample();
    job.application = setupToJson(cases_.spec());
}


// ************************************************************************* //
