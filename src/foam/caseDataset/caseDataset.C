/*---------------------------------------------------------------------------*\
  =========                 |
  \\      /  F ield         | foamNeuralOperator: neural-operator surrogates
   \\    /   O peration     | for OpenFOAM
    \\  /    A nd           |
     \\/     M anipulation  |
\*---------------------------------------------------------------------------*/

#include "nop/io/ArrayArchive.hpp"
#include "nop/io/PathGlob.hpp"

#include <nlohmann/json.hpp>

#include "caseDataset.H"
#include "sampleCache.H"
#include "strictKeywords.H"
#include "surrogateChannels.H"
#include "IStringStream.H"
#include "OStringStream.H"
#include "Time.H"
#include "fvMesh.H"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <map>

// * * * * * * * * * * * * * * * Local Functions * * * * * * * * * * * * * //

namespace
{

using namespace Foam;

//- The sample cache of a case (sampleCache.H) holds the metadata
//- {"meta": <meta dictionary text>} and the float32 arrays inputs (input
//- channels, grid) and outputs (output channels, grid).
constexpr int cacheVersion = 4;



//- The cached arrays of a case: meta (dictionary text), inputs and outputs
//- with their shapes
struct cachedCase
{
    std::string meta;
    std::vector<float> inputs;
    std::vector<float> outputs;
    std::vector<int64_t> inputShape;
    std::vector<int64_t> outputShape;
};


//- The shape of a case's array of the given channels of meta:
//- (channels, grid points per direction)
std::vector<int64_t> arrayShape(const dictionary& meta, const word& channels)
{
    const labelList grid(meta.get<labelList>("grid"));
    std::vector<int64_t> shape{int64_t(meta.get<wordList>(channels).size())};
    shape.insert(shape.end(), grid.begin(), grid.end());
    return shape;
}


//- Read the cache of a case; false with the reason in why when it is
//- absent, of another set-up or version (why empty), or damaged
bool readCache
(
    const fileName& file,
    const std::string& key,
    cachedCase& cached,
    std::string& why
)
{
    nlohmann::json metadata;
    nop::ArrayArchive archive;
    if (!sampleCache::read(file, cacheVersion, key, metadata, archive, why))
    {
        return false;
    }
    const auto meta = metadata.find("meta");
    const auto inputs = archive.arrays.find("inputs");
    const auto outputs = archive.arrays.find("outputs");
    if
    (
        meta == metadata.end() || !meta->is_string()
     || inputs == archive.arrays.end() || inputs->second.dtype != "float32"
     || outputs == archive.arrays.end() || outputs->second.dtype != "float32"
    )
    {
        why =
            "sample cache '" + file + "': lacks its meta or its float32 arrays"
            " inputs and outputs";
        return false;
    }
    cached.meta = meta->get<std::string>();
    cached.inputs = sampleCache::values<float>(inputs->second);
    cached.inputShape = inputs->second.shape;
    cached.outputs = sampleCache::values<float>(outputs->second);
    cached.outputShape = outputs->second.shape;
    return true;
}


void writeCache
(
    const fileName& file,
    const std::string& key,
    const cachedCase& cached,
    const dictionary& meta
)
{
    sampleCache::write
    (
        file,
        cacheVersion,
        key,
        nlohmann::json{{"meta", cached.meta}},
        {
            {
                "inputs",
                sampleCache::arrayView
                (
                    "float32", cached.inputs, arrayShape(meta, "inputChannels")
                )
            },
            {
                "outputs",
                sampleCache::arrayView
                (
                    "float32", cached.outputs, arrayShape(meta, "outputChannels")
                )
            }
        }
    );
}


//- The meta dictionary of a cache; false when it lacks an entry or does
//- not parse (a damaged cache is resampled, never fatal)
bool readMeta(const std::string& text, dictionary& meta)
{
    const bool throwing = FatalIOError.throwExceptions();
    const bool throwingError = FatalError.throwExceptions();
    bool ok = true;
    try
    {
        IStringStream is(text);
        meta = dictionary(is);
        meta.get<wordList>("inputChannels");
        meta.get<wordList>("outputChannels");
        meta.get<labelList>("grid");
        meta.get<boundBox>("bounds");
        meta.subDict("outputTypes");
        meta.subDict("outputMinima");
    }
    catch (const Foam::error&)
    {
        ok = false;
    }
    FatalIOError.throwExceptions(throwing);
    FatalError.throwExceptions(throwingError);
    return ok;
}


std::string dictText(const dictionary& dict)
{
    OStringStream os;
    dict.write(os, false);
    return os.str();
}


//- The cached arrays of a case and their meta, when the cache is of this
//- key and its arrays fit their description; a damaged cache is warned
//- about (and the case resampled)
bool readCachedCase
(
    const fileName& cacheFile,
    const std::string& key,
    const fileName& caseDir,
    cachedCase& sampled,
    dictionary& meta
)
{
    std::string damaged;
    bool fromCache = readCache(cacheFile, key, sampled, damaged);
    if (fromCache)
    {
        // The arrays must be what the meta says, or they are not used
        fromCache = readMeta(sampled.meta, meta);
        if (fromCache)
        {
            const labelList grid(meta.get<labelList>("grid"));
            fromCache =
                std::all_of
                (
                    grid.begin(), grid.end(), [](label n) { return n > 0; }
                )
             && sampled.inputShape == arrayShape(meta, "inputChannels")
             && sampled.outputShape == arrayShape(meta, "outputChannels");
        }
        if (!fromCache)
        {
            damaged =
                "sample cache '" + cacheFile
              + "': its arrays do not fit its description (damaged)";
        }
    }
    if (!damaged.empty())
    {
        WarningInFunction
            << damaged.c_str() << nl
            << "    sampling case " << caseDir << " again" << endl;
        sampled = cachedCase();
    }

    return fromCache;
}

} // namespace


// * * * * * * * * * * * * * * Static Data Members * * * * * * * * * * * * * //

const Foam::wordList Foam::caseDataset::keywords
({
    "type", "trainCases", "testCases", "time", "cache"
});


// * * * * * * * * * * * * * * * * Constructors  * * * * * * * * * * * * * * //

Foam::caseDataset::caseDataset
(
    const dictionary& dict,
    const fileName& root,
    const fileName& cacheDir
)
:
    dict_(dict),
    root_(root),
    cacheDir_(dict.getOrDefault<bool>("cache", true) ? cacheDir : fileName()),
    spec_(dict),
    inputChannels_(),
    outputChannels_(),
    outputMinima_(),
    trainedBox_(),
    nSolutionD_(-1)
{
    wordList valid(keywords);
    valid.append(surrogateChannels::keywords);
    checkKeywords(dict, valid, "data");

    for (const word& keyword : keywords)
    {
        spec_.remove(keyword);
    }
    // The entries the channels read are checked here too, before any case
    // is sampled, so that a typo fails at once
    checkKeywords(spec_.subDict("latentGrid"), latentGrid::keywords, "data/latentGrid");
    spec_.get<wordList>("outputs");
    readCaseParameters(spec_);
}


// * * * * * * * * * * * * Private Member Functions  * * * * * * * * * * * //

Foam::fileNameList Foam::caseDataset::findCases
(
    const dictionary& dict,
    const fileName& root,
    const word& keyword,
    bool required
)
{
    List<fileName> patterns;
    if (!dict.readIfPresent(keyword, patterns))
    {
        if (required)
        {
            FatalIOErrorInFunction(dict)
                << keyword << ": missing (a list of case directories)"
                << exit(FatalIOError);
        }
        return fileNameList();
    }

    DynamicList<fileName> cases;
    for (fileName pattern : patterns)
    {
        pattern.expand();
        if (!pattern.isAbsolute())
        {
            pattern = root/pattern;
        }

        label found = 0;
        for (const std::string& match : nop::matchingPaths(pattern))
        {
            const fileName dir(match);
            if (isDir(dir/"constant"/"polyMesh") || isDir(dir/"constant"))
            {
                cases.append(dir);
                ++found;
            }
        }

        if (!found)
        {
            FatalIOErrorInFunction(dict)
                << keyword << ": " << pattern << " matches no case directory"
                << " (one holding constant/)" << exit(FatalIOError);
        }
    }
    if (required && cases.empty())
    {
        FatalIOErrorInFunction(dict)
            << keyword << ": an empty list; give at least one case directory"
            << " (glob patterns allowed)" << exit(FatalIOError);
    }
    return fileNameList(std::move(cases));
}


void Foam::caseDataset::selectTimes
(
    const dictionary& dict,
    const fileName& caseDir,
    instant& first,
    word& inputTime,
    word& outputTime
)
{
    // Times: inputs at the first, outputs at latestTime or the given one
    DynamicList<instant> times;
    for (const instant& t : TimePaths::findTimes(caseDir))
    {
        if (t.name() != "constant")
        {
            times.append(t);
        }
    }
    if (times.empty())
    {
        FatalIOErrorInFunction(dict)
            << "Case " << caseDir << " has no time directory"
            << exit(FatalIOError);
    }
    first = times.first();
    inputTime = times.first().name();
    outputTime = times.last().name();

    const entry* timeEntry = dict.findEntry("time", keyType::LITERAL);
    if (timeEntry)
    {
        const token t(timeEntry->stream());
        if (t.isNumber())
        {
            const scalar value = t.number();
            label found = -1;
            forAll(times, i)
            {
                if (times[i].equal(value))
                {
                    found = i;
                }
            }
            if (found < 0)
            {
                FatalIOErrorInFunction(dict)
                    << "time: case " << caseDir << " has no time " << value
                    << " (times: " << times << ")" << exit(FatalIOError);
            }
            outputTime = times[found].name();
        }
        else if (!t.isWord() || t.wordToken() != "latestTime")
        {
            FatalIOErrorInFunction(dict)
                << "time: expected latestTime or a time value, found " << t
                << exit(FatalIOError);
        }
    }
    if (outputTime == inputTime)
    {
        // A decomposed run keeps its solution in processor*/
        const bool decomposed = isDir(caseDir/"processor0");
        FatalIOErrorInFunction(dict)
            << "Case " << caseDir << " has no solution: its only time is "
            << inputTime
            << (
                   decomposed
                 ? " (it is decomposed: run reconstructPar first)"
                 : " (run the solver first)"
               )
            << exit(FatalIOError);
    }

}


std::string Foam::caseDataset::cacheKey
(
    const fileName& caseDir,
    const word& inputTime,
    const word& outputTime
) const
{
    // Cache key: the set-up, the times and every file the arrays come from
    List<fileName> sources
    ({
        caseDir/"constant"/"polyMesh",
        caseDir/inputTime,
        caseDir/outputTime
    });
    for (const caseParameter& parameter : readCaseParameters(spec_))
    {
        sources.append(caseDir/parameter.file());
    }
    // (the set-up as given: outputTypes and outputFloors are learnt)
    dictionary given(spec_);
    given.remove("outputTypes");
    given.remove("outputFloors");
    given.remove("parameterRanges");
    given.remove("trainedBox");
    return
        dictText(given) + "\ninputs at " + inputTime + ", outputs at "
      + outputTime + "\n" + sampleCache::fileStamps(sources);

}


void Foam::caseDataset::sampleCase
(
    const fileName& caseDir,
    const instant& first,
    const word& inputTime,
    const word& outputTime,
    dictionary& meta,
    std::vector<float>& inputs,
    std::vector<float>& outputs
)
{
    Time caseTime(caseDir.path(), caseDir.name(), "system", "constant", false, false);
    caseTime.setTime(first, 0);
    fvMesh mesh
    (
        IOobject
        (
            polyMesh::defaultRegion,
            caseTime.timeName(),
            caseTime,
            IOobject::MUST_READ
        )
    );

    // Before the grid, whose resolution would be blamed otherwise
    if (nSolutionD_ < 0)
    {
        nSolutionD_ = mesh.nSolutionD();
    }
    else if (mesh.nSolutionD() != nSolutionD_)
    {
        FatalIOErrorInFunction(dict_)
            << "Case " << caseDir << " is " << mesh.nSolutionD()
            << "D, the cases before it are " << nSolutionD_ << "D: all"
            << " cases of a surrogate have the same solved directions"
            << exit(FatalIOError);
    }

    surrogateChannels channels(mesh, spec_);
    if (!spec_.found("outputTypes"))
    {
        channels.readOutputTypes(outputTime);
    }

    meta.clear();
    meta.add("inputChannels", channels.inputChannelNames(inputTime));
    meta.add("outputChannels", channels.outputChannelNames());
    meta.add("outputTypes", channels.spec().subDict("outputTypes"));
    meta.add("grid", labelList(channels.grid().keptResolution()));
    meta.add("bounds", channels.grid().bounds());

    channels.appendInputs(inputTime, inputs);
    meta.add
    (
        "outputMinima",
        channels.appendOutputs(outputTime, outputs)
    );

}


void Foam::caseDataset::mergeCase
(
    const fileName& caseDir,
    const dictionary& meta,
    const std::vector<float>& inputs,
    const std::vector<float>& outputs,
    nop::ArraySamples& samples
)
{
    trainedBox_.add(meta.get<boundBox>("bounds"));
    const wordList inputChannels(meta.get<wordList>("inputChannels"));
    if (outputChannels_.empty())
    {
        outputChannels_ = meta.get<wordList>("outputChannels");
    }
    const labelList grid(meta.get<labelList>("grid"));
    const dictionary& minima = meta.subDict("outputMinima");
    for (const entry& e : minima)
    {
        const scalar smallest = minima.get<scalar>(e.keyword());
        auto iter = outputMinima_.find(e.keyword());
        if (iter.found())
        {
            *iter = min(*iter, smallest);
        }
        else
        {
            outputMinima_.insert(e.keyword(), smallest);
        }
    }

    if (!spec_.found("outputTypes"))
    {
        spec_.add("outputTypes", meta.subDict("outputTypes"));
    }
    if (inputChannels_.empty())
    {
        inputChannels_ = inputChannels;
    }
    else if (inputChannels != inputChannels_)
    {
        FatalIOErrorInFunction(dict_)
            << "Case " << caseDir << " gives the input channels "
            << inputChannels << ", the first case gave " << inputChannels_
            << exit(FatalIOError);
    }
    if (meta.subDict("outputTypes") != spec_.subDict("outputTypes"))
    {
        FatalIOErrorInFunction(dict_)
            << "Case " << caseDir << ": output fields of other classes than"
            << " in the first case: " << meta.subDict("outputTypes")
            << exit(FatalIOError);
    }

    const std::vector<int64_t> resolution(grid.begin(), grid.end());
    if (samples.samples == 0)
    {
        samples.resolution = resolution;
    }
    else if (samples.resolution != resolution)
    {
        FatalIOErrorInFunction(dict_)
            << "Case " << caseDir << " gives a grid of " << grid
            << " points, unlike the cases before it" << exit(FatalIOError);
    }

    label points = 1;
    for (const label n : grid)
    {
        points *= n;
    }
    samples.inChannels = label(inputs.size())/points;
    samples.outChannels = label(outputs.size())/points;
    samples.inputs.insert(samples.inputs.end(), inputs.begin(), inputs.end());
    samples.outputs.insert(samples.outputs.end(), outputs.begin(), outputs.end());
    ++samples.samples;
}


void Foam::caseDataset::appendCase
(
    const fileName& caseDir,
    nop::ArraySamples& samples
)
{
    instant first;
    word inputTime;
    word outputTime;
    selectTimes(dict_, caseDir, first, inputTime, outputTime);

    const std::string key(cacheKey(caseDir, inputTime, outputTime));
    string name(caseDir.relative(root_));
    name.replaceAll("/", "_");
    const fileName cacheFile =
        cacheDir_.empty() ? fileName() : cacheDir_/(name + ".samples");

    cachedCase sampled;
    dictionary meta;
    const auto start = std::chrono::steady_clock::now();
    const bool fromCache =
        !cacheFile.empty() && readCachedCase(cacheFile, key, caseDir, sampled, meta);
    if (!fromCache)
    {
        sampleCase
        (
            caseDir, first, inputTime, outputTime,
            meta, sampled.inputs, sampled.outputs
        );
        sampled.meta = dictText(meta);
        if (!cacheFile.empty())
        {
            writeCache(cacheFile, key, sampled, meta);
        }
    }

    mergeCase(caseDir, meta, sampled.inputs, sampled.outputs, samples);

    Info<< "    " << caseDir.relative(root_).c_str() << ": inputs at " << inputTime
        << ", outputs at " << outputTime
        << (fromCache ? " (cached)" : " (sampled)") << " in "
        << std::chrono::duration<double>
           (
               std::chrono::steady_clock::now() - start
           ).count()
        << " s" << endl;
}


// * * * * * * * * * * * * * * * Member Functions  * * * * * * * * * * * * * //

nop::ArrayDatasets Foam::caseDataset::sample()
{
    const fileNameList trainCases(findCases(dict_, root_, "trainCases", true));
    const fileNameList testCases(findCases(dict_, root_, "testCases", false));

    nop::ArrayDatasets data;
    data.train.name = "train";

    Info<< "Sampling " << trainCases.size() << " training and "
        << testCases.size() << " test case(s) onto the latent grid" << endl;
    // The parameters' ranges and the grid boxes of the training cases:
    // what a prediction outside of them is warned against
    const PtrList<caseParameter> parameters(readCaseParameters(spec_));
    List<scalarList> ranges(parameters.size(), scalarList({GREAT, -GREAT}));
    for (const fileName& dir : trainCases)
    {
        appendCase(dir, data.train);
        forAll(parameters, i)
        {
            const scalar value = parameters[i].value(dir);
            ranges[i][0] = min(ranges[i][0], value);
            ranges[i][1] = max(ranges[i][1], value);
        }
    }
    if (!parameters.empty())
    {
        dictionary rangeDict;
        forAll(parameters, i)
        {
            rangeDict.add(parameters[i].name(), ranges[i]);
        }
        spec_.set("parameterRanges", rangeDict);
    }
    spec_.set("trainedBox", trainedBox_);
    if (!testCases.empty())
    {
        data.tests.resize(1);
        data.tests[0].name = "test";
        for (const fileName& dir : testCases)
        {
            appendCase(dir, data.tests[0]);
        }
        if (data.tests[0].resolution != data.train.resolution)
        {
            FatalIOErrorInFunction(dict_)
                << "testCases: their grid differs from the training cases'"
                << exit(FatalIOError);
        }
    }

    data.inputNames.assign(inputChannels_.begin(), inputChannels_.end());
    data.outputNames.assign(outputChannels_.begin(), outputChannels_.end());
    data.maskChannel = inputChannels_.find(surrogateChannels::maskName);

    // A scalar output positive in every case (k, epsilon, nut...) is kept
    // positive in predictions, so that the solver's models (sqrt(k), wall
    // functions) see valid values
    dictionary floors;
    for (const word& name : outputMinima_.sortedToc())
    {
        if (outputMinima_[name] > 0)
        {
            floors.add(name, 1e-3*outputMinima_[name]);
        }
    }
    spec_.set("outputFloors", floors);

    return data;
}


// ************************************************************************* //
