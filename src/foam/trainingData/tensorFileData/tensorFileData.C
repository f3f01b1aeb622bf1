/*---------------------------------------------------------------------------*\
  =========                 |
  \\      /  F ield         | foamNeuralOperator: neural-operator surrogates
   \\    /   O peration     | for OpenFOAM
    \\  /    A nd           |
     \\/     M anipulation  |
\*---------------------------------------------------------------------------*/

#include "tensorFileData.H"
#include "optionsReader.H"
#include "addToRunTimeSelectionTable.H"

// * * * * * * * * * * * * * * Static Data Members * * * * * * * * * * * * * //

namespace Foam
{
    defineTypeNameAndDebug(tensorFileData, 0);
    addToRunTimeSelectionTable(trainingData, tensorFileData, dictionary);
}


// * * * * * * * * * * * * * * * * Constructors  * * * * * * * * * * * * * * //

Foam::tensorFileData::tensorFileData
(
    const dictionary& dict,
    const fileName& caseDir
)
{
    optionsReader data(dict, "data");
    data.get<word>("type");
    data.read(options_);
    data.checkUnknown();

    options_.trainFile(data.inputFile("trainFile", options_.trainFile(), caseDir));

    std::vector<std::string> testFiles;
    for (const std::string& file : options_.testFiles())
    {
        testFiles.push_back(data.inputFile("testFiles", file, caseDir));
    }
    options_.testFiles(testFiles);
}


// * * * * * * * * * * * * * * * Member Functions  * * * * * * * * * * * * * //

void Foam::tensorFileData::load(nop::TrainingJob& job)
{
    job.data = options_;
}


// ************************************************************************* //
