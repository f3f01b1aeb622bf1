/*---------------------------------------------------------------------------*\
  =========                 |
  \\      /  F ield         | foamNeuralOperator: neural-operator surrogates
   \\    /   O peration     | for OpenFOAM
    \\  /    A nd           |
     \\/     M anipulation  |
\*---------------------------------------------------------------------------*/

#include "caseDataset.H"
#include "surrogateChannels.H"
#include "IStringStream.H"
#include "OStringStream.H"
#include "Time.H"
#include "fvMesh.H"

#include <glob.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>

// * * * * * * * * * * * * * * * Local Functions * * * * * * * * * * * * * //

namespace
{

using namespace Foam;

//- Entries of the data dictionary that are not the channels' set-up
const wordList datasetKeywords({"type", "trainCases", "testCases", "time", "cache"});

constexpr char cacheMagic[8] = {'N', 'O', 'P', 'C', 'A', 'S', 'E', '2'};


//- Names, sizes and modification times of the files under the given
//- paths (directories recursively), one per line, sorted
std::string fileStamps(const List<fileName>& paths)
{
    namespace fs = std::filesystem;
    std::vector<std::string> lines;
    const auto stamp = [&lines](const fs::path& p)
    {
        std::error_code ec;
        const auto size = fs::file_size(p, ec);
        const auto time = fs::last_write_time(p, ec).time_since_epoch().count();
        lines.push_back
        (
            p.string() + " " + std::to_string(size) + " " + std::to_string(time)
        );
    };
    for (const fileName& name : paths)
    {
        const fs::path path(name.c_str());
        std::error_code ec;
        if (fs::is_directory(path, ec))
        {
            for (const auto& e : fs::recursive_directory_iterator(path, ec))
            {
                if (e.is_regular_file(ec))
                {
                    stamp(e.path());
                }
            }
        }
        else if (fs::is_regular_file(path, ec))
        {
            stamp(path);
        }
    }
    std::sort(lines.begin(), lines.end());
    std::string text;
    for (const auto& line : lines)
    {
        text += line + "\n";
    }
    return text;
}


void writeBlock(std::ostream& os, const std::string& text)
{
    const uint64_t size = text.size();
    os.write(reinterpret_cast<const char*>(&size), sizeof size);
    os.write(text.data(), size);
}


bool readBlock(std::istream& is, std::string& text)
{
    uint64_t size = 0;
    if (!is.read(reinterpret_cast<char*>(&size), sizeof size) || size > (uint64_t(1) << 40))
    {
        return false;
    }
    text.resize(size);
    return bool(is.read(&text[0], size));
}


//- The cached arrays of a case: meta (dictionary text), inputs and outputs
struct cachedCase
{
    std::string meta;
    std::vector<float> inputs;
    std::vector<float> outputs;
};


bool readCache(const fileName& file, const std::string& key, cachedCase& cached)
{
    std::ifstream is(file, std::ios::binary);
    char magic[8];
    std::string storedKey, inputs, outputs;
    if
    (
        !is.read(magic, sizeof magic)
     || std::memcmp(magic, cacheMagic, sizeof magic) != 0
     || !readBlock(is, storedKey)
     || storedKey != key
     || !readBlock(is, cached.meta)
     || !readBlock(is, inputs)
     || !readBlock(is, outputs)
    )
    {
        return false;
    }
    cached.inputs.resize(inputs.size()/sizeof(float));
    cached.outputs.resize(outputs.size()/sizeof(float));
    std::memcpy(cached.inputs.data(), inputs.data(), inputs.size());
    std::memcpy(cached.outputs.data(), outputs.data(), outputs.size());
    return true;
}


//- Write atomically: a temporary file, then rename
void writeCache(const fileName& file, const std::string& key, const cachedCase& cached)
{
    mkDir(file.path());
    const fileName tmp(file + ".tmp");
    {
        std::ofstream os(tmp, std::ios::binary | std::ios::trunc);
        os.write(cacheMagic, sizeof cacheMagic);
        writeBlock(os, key);
        writeBlock(os, cached.meta);
        writeBlock
        (
            os,
            std::string
            (
                reinterpret_cast<const char*>(cached.inputs.data()),
                cached.inputs.size()*sizeof(float)
            )
        );
        writeBlock
        (
            os,
            std::string
            (
                reinterpret_cast<const char*>(cached.outputs.data()),
                cached.outputs.size()*sizeof(float)
            )
        );
        if (!os)
        {
            WarningInFunction
                << "Cannot write the cache file " << tmp << nl;
            return;
        }
    }
    std::filesystem::rename(tmp.c_str(), file.c_str());
}


std::string dictText(const dictionary& dict)
{
    OStringStream os;
    dict.write(os, false);
    return os.str();
}

} // namespace


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
    outputChannels_()
{
    for (const word& keyword : datasetKeywords)
    {
        spec_.remove(keyword);
    }
    // The channels check their own entries; the grid is required here
    spec_.subDict("latentGrid");
    spec_.get<wordList>("outputs");
}


// * * * * * * * * * * * * Private Member Functions  * * * * * * * * * * * //

Foam::fileNameList Foam::caseDataset::findCases
(
    const word& keyword,
    bool required
) const
{
    List<fileName> patterns;
    if (!dict_.readIfPresent(keyword, patterns))
    {
        if (required)
        {
            FatalIOErrorInFunction(dict_)
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
            pattern = root_/pattern;
        }

        glob_t matches;
        std::memset(&matches, 0, sizeof matches);
        const int status = ::glob(pattern.c_str(), 0, nullptr, &matches);
        label found = 0;
        if (status == 0)
        {
            for (size_t i = 0; i < matches.gl_pathc; ++i)
            {
                const fileName dir(matches.gl_pathv[i]);
                if (isDir(dir/"constant"/"polyMesh") || isDir(dir/"constant"))
                {
                    cases.append(dir);
                    ++found;
                }
            }
        }
        globfree(&matches);

        if (!found)
        {
            FatalIOErrorInFunction(dict_)
                << keyword << ": " << pattern << " matches no case directory"
                << " (one holding constant/)" << exit(FatalIOError);
        }
    }
    return fileNameList(std::move(cases));
}


void Foam::caseDataset::appendCase
(
    const fileName& caseDir,
    nop::ArraySamples& samples
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
        FatalIOErrorInFunction(dict_)
            << "Case " << caseDir << " has no time directory"
            << exit(FatalIOError);
    }
    const word inputTime(times.first().name());
    word outputTime(times.last().name());

    const entry* timeEntry = dict_.findEntry("time", keyType::LITERAL);
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
                FatalIOErrorInFunction(dict_)
                    << "time: case " << caseDir << " has no time " << value
                    << " (times: " << times << ")" << exit(FatalIOError);
            }
            outputTime = times[found].name();
        }
        else if (!t.isWord() || t.wordToken() != "latestTime")
        {
            FatalIOErrorInFunction(dict_)
                << "time: expected latestTime or a time value, found " << t
                << exit(FatalIOError);
        }
    }
    if (outputTime == inputTime)
    {
        // A decomposed run keeps its solution in processor*/
        const bool decomposed = isDir(caseDir/"processor0");
        FatalIOErrorInFunction(dict_)
            << "Case " << caseDir << " has no solution: its only time is "
            << inputTime
            << (
                   decomposed
                 ? " (it is decomposed: run reconstructPar first)"
                 : " (run the solver first)"
               )
            << exit(FatalIOError);
    }

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
    const std::string key =
        dictText(given) + "\ninputs at " + inputTime + ", outputs at "
      + outputTime + "\n" + fileStamps(sources);

    string name(caseDir.relative(root_));
    name.replaceAll("/", "_");
    const fileName cacheFile =
        cacheDir_.empty() ? fileName() : cacheDir_/(name + ".samples");

    cachedCase sampled;
    const auto start = std::chrono::steady_clock::now();
    const bool fromCache =
        !cacheFile.empty() && isFile(cacheFile)
     && readCache(cacheFile, key, sampled);

    if (!fromCache)
    {
        Time caseTime(caseDir.path(), caseDir.name(), "system", "constant", false, false);
        caseTime.setTime(times.first(), 0);
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

        surrogateChannels channels(mesh, spec_);
        if (!spec_.found("outputTypes"))
        {
            channels.readOutputTypes(outputTime);
        }

        dictionary meta;
        meta.add("inputChannels", channels.inputChannelNames(inputTime));
        meta.add("outputChannels", channels.outputChannelNames());
        meta.add("outputTypes", channels.spec().subDict("outputTypes"));
        meta.add("grid", labelList(channels.grid().shape()));

        channels.appendInputs(inputTime, sampled.inputs);
        meta.add
        (
            "outputMinima",
            channels.appendOutputs(outputTime, sampled.outputs)
        );
        sampled.meta = dictText(meta);

        if (!cacheFile.empty())
        {
            writeCache(cacheFile, key, sampled);
        }
    }

    IStringStream metaStream(sampled.meta);
    const dictionary meta(metaStream);
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

    const std::vector<int64_t> shape(grid.begin(), grid.end());
    if (samples.samples == 0)
    {
        samples.grid = shape;
    }
    else if (samples.grid != shape)
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
    samples.inChannels = label(sampled.inputs.size())/points;
    samples.outChannels = label(sampled.outputs.size())/points;
    samples.inputs.insert(samples.inputs.end(), sampled.inputs.begin(), sampled.inputs.end());
    samples.outputs.insert(samples.outputs.end(), sampled.outputs.begin(), sampled.outputs.end());
    ++samples.samples;

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
    const fileNameList trainCases(findCases("trainCases", true));
    const fileNameList testCases(findCases("testCases", false));

    nop::ArrayDatasets data;
    data.train.name = "train";

    Info<< "Sampling " << trainCases.size() << " training and "
        << testCases.size() << " test case(s) onto the latent grid" << endl;
    for (const fileName& dir : trainCases)
    {
        appendCase(dir, data.train);
    }
    if (!testCases.empty())
    {
        data.tests.resize(1);
        data.tests[0].name = "test";
        for (const fileName& dir : testCases)
        {
            appendCase(dir, data.tests[0]);
        }
        if (data.tests[0].grid != data.train.grid)
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
