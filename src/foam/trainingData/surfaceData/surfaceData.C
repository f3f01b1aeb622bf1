/*---------------------------------------------------------------------------*\
  =========                 |
  \\      /  F ield         | foamNeuralOperator: neural-operator surrogates
   \\    /   O peration     | for OpenFOAM
    \\  /    A nd           |
     \\/     M anipulation  |
\*---------------------------------------------------------------------------*/

#include "surfaceData.H"
#include "optionsReader.H"
#include "addToRunTimeSelectionTable.H"
#include "OSspecific.H"

#include "nop/io/PathGlob.hpp"
#include "nop/surface/ShapeNetFiles.hpp"

// * * * * * * * * * * * * * * Static Data Members * * * * * * * * * * * * * //

namespace Foam
{
    defineTypeNameAndDebug(surfaceData, 0);
    addToRunTimeSelectionTable(trainingData, surfaceData, dictionary);
}


// * * * * * * * * * * * * * * * Local Functions * * * * * * * * * * * * * * //

namespace Foam
{
namespace
{

//- Every file an entry's paths (files, directories of ShapeNet cars, glob
//- patterns) stand for; FatalIOError at the entry for one that stands for
//- none
std::vector<std::string> expandFiles
(
    const optionsReader& data,
    const word& key,
    const std::vector<std::string>& entries,
    const fileName& caseDir
)
{
    std::vector<std::string> files;
    for (const std::string& entry : entries)
    {
        const fileName pattern(data.resolve(key, entry, caseDir));
        const std::vector<std::string> matches(nop::matchingPaths(pattern));
        label found = 0;
        for (const std::string& match : matches)
        {
            const std::vector<std::string> inside
            (
                isDir(match)
              ? nop::shapeNetCarsIn(match)
              : std::vector<std::string>(1, match)
            );
            files.insert(files.end(), inside.begin(), inside.end());
            found += inside.size();
        }
        if (!found)
        {
            data.error(key)
                << pattern << " matches no surface file"
                << (matches.size() ? " (a directory without <id>_tri_mesh.ply and"
                    " <id>_press.npy pairs)" : "")
                << nl << exit(FatalIOError);
        }
    }
    return files;
}

} // End anonymous namespace
} // End namespace Foam


// * * * * * * * * * * * * * * * * Constructors  * * * * * * * * * * * * * * //

Foam::surfaceData::surfaceData
(
    const dictionary& dict,
    const fileName& caseDir
)
{
    optionsReader data(dict, "data");
    data.get<word>("type");
    data.read(options_);
    data.checkUnknown();

    options_.trainFiles
    (
        expandFiles(data, "trainFiles", options_.trainFiles(), caseDir)
    );
    options_.testFiles
    (
        expandFiles(data, "testFiles", options_.testFiles(), caseDir)
    );
}


// * * * * * * * * * * * * * * * Member Functions  * * * * * * * * * * * * * //

void Foam::surfaceData::load(nop::TrainingJob& job)
{
    job.surfaces = options_;
}


// ************************************************************************* //
