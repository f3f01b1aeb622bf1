/*---------------------------------------------------------------------------*\
  =========                 |
  \\      /  F ield         | foamNeuralOperator: neural-operator surrogates
   \\    /   O peration     | for OpenFOAM
    \\  /    A nd           |
     \\/     M anipulation  |
\*---------------------------------------------------------------------------*/

#include "caseData.H"
#include "surrogateSetup.H"
#include "bodyChannels.H"
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
    cases_(),
    bodies_()
{
    const fileName cacheDir(caseDir/"constant"/"neuralOperator"/"cache");
    if (dict.found("patches", keyType::LITERAL))
    {
        bodies_.reset(new bodyCaseDataset(dict, caseDir, cacheDir));
    }
    else
    {
        cases_.reset(new caseDataset(dict, caseDir, cacheDir));
    }
}


// * * * * * * * * * * * * * * * Member Functions  * * * * * * * * * * * * * //

void Foam::caseData::load(nop::TrainingJob& job)
{
    if (bodies_)
    {
        job.bodies = bodies_->read();
        job.application = bodySetupToJson(bodies_->setup());
        return;
    }
    job.arrays = cases_->sample();
    job.application = setupToJson(cases_->spec());
}


// ************************************************************************* //
