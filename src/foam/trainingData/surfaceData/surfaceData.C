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
#include "DynamicList.H"

#include <glob.h>

#include <cstring>

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

//- The paths a pattern matches, sorted (none: empty)
fileNameList globbed(const fileName& pattern)
{
    glob_t matches;
    std::memset(&matches, 0, sizeof matches);
    DynamicList<fileName> paths;
    if (::glob(pattern.c_str(), 0, nullptr, &matches) == 0)
    {
        for (size_t i = 0; i < matches.gl_pathc; ++i)
        {
            paths.append(fileName(matches.gl_pathv[i]));
        }
    }
    globfree(&matches);
    return fileNameList(std::move(paths));
}


//- The ShapeNet car meshes of a directory (each with its pressure)
fileNameList shapeNetCarsIn(const fileName& dir)
{
    DynamicList<fileName> meshes;
    for (const fileName& mesh : globbed(dir/"*_tri_mesh.ply"))
    {
        const std::string m(mesh);
        const fileName press(m.substr(0, m.size() - 13) + "_press.npy");
        if (isFile(press))
        {
            meshes.append(mesh);
        }
    }
    return fileNameList(std::move(meshes));
}


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
        const fileNameList matches(globbed(pattern));
        label found = 0;
        for (const fileName& match : matches)
        {
            const fileNameList inside
            (
                isDir(match) ? shapeNetCarsIn(match) : fileNameList(1, match)
            );
            for (const fileName& file : inside)
            {
                files.push_back(file);
                ++found;
            }
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
