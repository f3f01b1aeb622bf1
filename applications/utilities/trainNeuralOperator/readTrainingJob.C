/*---------------------------------------------------------------------------*\
  =========                 |
  \\      /  F ield         | foamNeuralOperator: neural-operator surrogates
   \\    /   O peration     | for OpenFOAM
    \\  /    A nd           |
     \\/     M anipulation  |
\*---------------------------------------------------------------------------*/

// The core first: OpenFOAM's macros break torch headers included after them.
#include "nop/jobs/TrainingJob.hpp"
#include "nop/precision/Precision.hpp"

#include "readTrainingJob.H"
#include "caseDataset.H"
#include "strictKeywords.H"
#include "surrogateSetup.H"
#include "OStringStream.H"

#include "HashSet.H"
#include "OSspecific.H"
#include "scalarList.H"
#include "stringOps.H"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <initializer_list>
#include <regex>
#include <stdexcept>

// * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * //

namespace Foam
{
namespace
{

//- Model file written when the dictionary names none.
const char* const defaultModelFile = "constant/neuralOperator/model.nop";

//- The extension every model file carries
const char* const modelExtension = "nop";


//- Reads the entries of one (sub-)dictionary with dictionary::get and
//- getOrDefault, checks them, and remembers every keyword it was asked
//- about so that unknown entries can be reported.
class entryReader
{
    const dictionary& dict_;

    //- Path of the dictionary for messages ("training"; empty at the top)
    const word scope_;

    wordHashSet known_;


public:

    entryReader(const dictionary& dict, const word& scope)
    :
        dict_(dict),
        scope_(scope)
    {}

    const dictionary& dict() const
    {
        return dict_;
    }

    //- The entry as users name it: training/epochs
    word path(const word& key) const
    {
        return scope_.empty() ? key : word(scope_ + '/' + key);
    }

    //- Start a FatalIOError at the entry (file and line), or at the
    //- dictionary when the entry is absent.
    Ostream& error(const word& key) const
    {
        const entry* eptr = dict_.findEntry(key, keyType::LITERAL);

        if (eptr && eptr->isStream())
        {
            return
                FatalIOErrorInFunction(eptr->stream())
                    << "Entry '" << path(key) << "' ";
        }
        return
            FatalIOErrorInFunction(dict_)
                << "Entry '" << path(key) << "' ";
    }

    //- Mandatory entry
    template<class T>
    T get(const word& key)
    {
        known_.insert(key);
        return dict_.get<T>(key, keyType::LITERAL);
    }

    //- Optional entry
    template<class T>
    T getOrDefault(const word& key, const T& deflt)
    {
        known_.insert(key);
        return dict_.getOrDefault<T>(key, deflt, keyType::LITERAL);
    }

    //- Optional entry, checked with ok(); requirement completes
    //- "must be ..." in the error message.
    template<class T, class Predicate>
    T getOrDefault
    (
        const word& key,
        const T& deflt,
        const Predicate& ok,
        const char* requirement
    )
    {
        const T value = getOrDefault<T>(key, deflt);

        if (!ok(value))
        {
            error(key)
                << "must be " << requirement << ", got " << value << nl
                << exit(FatalIOError);
        }
        return value;
    }

    //- A word from a fixed set
    word selectWord
    (
        const word& key,
        const word& value,
        const std::vector<std::string>& valid
    ) const
    {
        for (const std::string& w : valid)
        {
            if (value == w)
            {
                return value;
            }
        }

        Ostream& os = error(key);
        os  << "has unknown value '" << value << "'; valid:";
        for (const std::string& w : valid)
        {
            os  << ' ' << w.c_str();
        }
        os  << nl << exit(FatalIOError);

        return value;
    }

    //- A keyword parsed by the core (which throws std::invalid_argument
    //- listing the valid words).
    template<class Enum, class Parser>
    Enum parse(const word& key, const word& value, const Parser& parser) const
    {
        try
        {
            return parser(value);
        }
        catch (const std::invalid_argument& e)
        {
            error(key) << e.what() << nl << exit(FatalIOError);
        }
        return Enum{};
    }

    //- A path: expanded (environment and dictionary variables, \<case\>),
    //- relative to caseDir unless absolute.
    fileName resolve(const word& key, fileName file, const fileName& caseDir)
        const
    {
        if (file.empty())
        {
            error(key) << "is an empty file name" << nl << exit(FatalIOError);
        }

        // allowEnv, not allowEmpty: an undefined variable is an error
        stringOps::inplaceExpand(file, dict_, true, false);

        if (!file.isAbsolute())
        {
            file = caseDir/file;
        }
        file.clean();

        return file;
    }

    //- An input file that must exist
    fileName inputFile
    (
        const word& key,
        const fileName& file,
        const fileName& caseDir
    ) const
    {
        const fileName resolved(resolve(key, file, caseDir));

        if (!isFile(resolved, false))
        {
            error(key)
                << "names a file that does not exist: " << resolved << nl
                << exit(FatalIOError);
        }
        return resolved;
    }

    //- FatalIOError at an entry no reader asked for (a typo)
    void checkUnknown() const
    {
        checkKeywords(dict_, known_.sortedToc(), scope_);
    }
};


//- The first bytes of a file (fewer when it is shorter)
std::string fileStart(const fileName& file, std::size_t n)
{
    std::ifstream is(file, std::ios::binary);
    std::string bytes(n, '\0');
    is.read(&bytes[0], std::streamsize(n));
    bytes.resize(std::size_t(std::max<std::streamsize>(is.gcount(), 0)));
    return bytes;
}


//- The model file and its report replace only files of their own kind:
//- `modelFile "system/controlDict"` must not overwrite the case's
//- controlDict, `modelFile "x.json"` not the model by its report
void checkOutputs(const entryReader& top, const fileName& modelFile)
{
    if (modelFile.ext() != modelExtension)
    {
        top.error("modelFile")
            << modelFile << " must end in ." << modelExtension
            << " (its report goes beside it as .json)" << nl
            << exit(FatalIOError);
    }

    const fileName report(nop::reportPathFor(modelFile));
    const std::pair<fileName, std::string> outputs[2] =
    {
        {modelFile, std::string("NOPMODEL")},
        {report, std::string("{")}
    };
    for (const auto& output : outputs)
    {
        const fileName& file = output.first;
        if (!exists(file, false))
        {
            continue;
        }
        const bool ours =
            isFile(file, false)
         && fileStart(file, output.second.size()) == output.second;
        if (!ours)
        {
            top.error("modelFile")
                << "would replace " << file << ", which is not a model file"
                << " or a training report (" << (isDir(file) ? "a directory" : "other content")
                << "); remove it or choose another modelFile" << nl
                << exit(FatalIOError);
        }
    }
}


bool positive(int64_t n)
{
    return n > 0;
}


bool positiveScalar(scalar x)
{
    return x > 0 && std::isfinite(x);
}


bool nonNegativeScalar(scalar x)
{
    return x >= 0 && std::isfinite(x);
}


bool allOrPositive(int64_t n)
{
    return n == -1 || n > 0;
}


nop::TensorFileDatasetOptions readData
(
    const dictionary& dataDict,
    const fileName& caseDir
)
{
    const nop::TensorFileDatasetOptions defaults;
    nop::TensorFileDatasetOptions data;

    entryReader d(dataDict, "data");

    d.get<word>("type");

    data.trainFile
    (
        d.inputFile("trainFile", d.get<fileName>("trainFile"), caseDir)
    );

    std::vector<std::string> testFiles;
    for (const fileName& f : d.getOrDefault<fileNameList>("testFiles", {}))
    {
        testFiles.push_back(d.inputFile("testFiles", f, caseDir));
    }
    data.testFiles(testFiles);

    data.input(d.getOrDefault<word>("input", defaults.input()));
    data.output(d.getOrDefault<word>("output", defaults.output()));
    data.spatialDims
    (
        d.getOrDefault<int64_t>
        (
            "spatialDims", defaults.spatialDims(),
            [](int64_t n) { return n >= 1 && n <= 3; }, "1, 2 or 3"
        )
    );
    data.nTrain
    (
        d.getOrDefault<int64_t>
        (
            "nTrain", defaults.nTrain(), allOrPositive, "-1 (all) or positive"
        )
    );
    data.nTest
    (
        d.getOrDefault<int64_t>
        (
            "nTest", defaults.nTest(), allOrPositive, "-1 (all) or positive"
        )
    );

    d.checkUnknown();

    return data;
}


nop::FNOOptions readFNO(const dictionary& fnoDict, const int64_t spatialDims)
{
    const nop::FNOOptions defaults;
    nop::FNOOptions fno;

    entryReader d(fnoDict, "fno");

    // Default: the default modes in every spatial dimension
    labelList modes(label(spatialDims), label(defaults.modes().front()));
    modes = d.getOrDefault<labelList>("modes", modes);
    if (modes.size() != spatialDims)
    {
        d.error("modes")
            << "needs one entry per spatial dimension (data/spatialDims "
            << spatialDims << "), got " << modes << nl
            << exit(FatalIOError);
    }
    for (const label m : modes)
    {
        if (m < 1)
        {
            d.error("modes")
                << "must be positive, got " << modes << nl
                << exit(FatalIOError);
        }
    }
    fno.modes(std::vector<int64_t>(modes.begin(), modes.end()));

    fno.hiddenChannels
    (
        d.getOrDefault<int64_t>
        (
            "hiddenChannels", defaults.hiddenChannels(), positive, "positive"
        )
    );
    fno.nLayers
    (
        d.getOrDefault<int64_t>
        (
            "nLayers", defaults.nLayers(), positive, "positive"
        )
    );
    fno.liftingRatio
    (
        d.getOrDefault<scalar>
        (
            "liftingRatio", defaults.liftingRatio(), positiveScalar, "positive"
        )
    );
    fno.projectionRatio
    (
        d.getOrDefault<scalar>
        (
            "projectionRatio", defaults.projectionRatio(),
            positiveScalar, "positive"
        )
    );
    fno.channelMLPExpansion
    (
        d.getOrDefault<scalar>
        (
            "channelMLPExpansion", defaults.channelMLPExpansion(),
            positiveScalar, "positive"
        )
    );
    fno.positionalEmbedding
    (
        d.getOrDefault<bool>
        (
            "positionalEmbedding", defaults.positionalEmbedding()
        )
    );
    fno.domainPadding
    (
        d.getOrDefault<scalar>
        (
            "domainPadding", defaults.domainPadding(),
            [](scalar x) { return x >= 0 && x <= 1; }, "in [0, 1]"
        )
    );
    fno.stabiliser
    (
        d.parse<nop::Stabiliser>
        (
            "stabiliser",
            d.getOrDefault<word>
            (
                "stabiliser", nop::toString(defaults.stabiliser())
            ),
            nop::stabiliserFromString
        )
    );
    fno.reducedType
    (
        d.parse<nop::ReducedType>
        (
            "reducedType",
            d.getOrDefault<word>
            (
                "reducedType", nop::toString(defaults.reducedType())
            ),
            nop::reducedTypeFromString
        )
    );

    // inChannels/outChannels come from the data, precision from training

    d.checkUnknown();

    return fno;
}


nop::TrainerOptions readTraining(const dictionary& trainingDict)
{
    const nop::TrainerOptions defaults;
    nop::TrainerOptions training;

    entryReader d(trainingDict, "training");

    training.epochs
    (
        d.getOrDefault<int64_t>
        (
            "epochs", defaults.epochs(), positive, "positive"
        )
    );
    training.batchSize
    (
        d.getOrDefault<int64_t>
        (
            "batchSize", defaults.batchSize(), positive, "positive"
        )
    );
    training.optimiser
    (
        d.selectWord
        (
            "optimiser",
            d.getOrDefault<word>("optimiser", defaults.optimiser()),
            nop::trainerWords::optimiser
        )
    );
    training.learningRate
    (
        d.getOrDefault<scalar>
        (
            "learningRate", defaults.learningRate(), positiveScalar, "positive"
        )
    );
    training.weightDecay
    (
        d.getOrDefault<scalar>
        (
            "weightDecay", defaults.weightDecay(),
            nonNegativeScalar, "non-negative"
        )
    );
    training.scheduler
    (
        d.selectWord
        (
            "scheduler",
            d.getOrDefault<word>("scheduler", defaults.scheduler()),
            nop::trainerWords::scheduler
        )
    );
    training.stepSize
    (
        d.getOrDefault<int64_t>
        (
            "stepSize", defaults.stepSize(), positive, "positive"
        )
    );
    training.gamma
    (
        d.getOrDefault<scalar>
        (
            "gamma", defaults.gamma(), positiveScalar, "positive"
        )
    );
    training.cosineEpochs
    (
        d.getOrDefault<int64_t>
        (
            "cosineEpochs", defaults.cosineEpochs(),
            [](int64_t n) { return n >= 0; }, "0 (the epochs) or positive"
        )
    );
    training.loss
    (
        d.selectWord
        (
            "loss",
            d.getOrDefault<word>("loss", defaults.loss()),
            nop::trainerWords::loss
        )
    );

    training.precision
    (
        d.selectWord
        (
            "precision",
            d.getOrDefault<word>("precision", defaults.precision()),
            nop::trainerWords::precision
        )
    );

    const scalarList defaultSchedule
    (
        defaults.schedule().begin(), defaults.schedule().end()
    );
    const scalarList schedule
    (
        d.getOrDefault<scalarList>("schedule", defaultSchedule)
    );
    // The core's check: three non-negative fractions summing to 1
    d.parse<nop::PrecisionSchedule>
    (
        "schedule", word::null,
        [&](const word&)
        {
            return nop::PrecisionSchedule
            (
                training.epochs(),
                std::vector<double>(schedule.begin(), schedule.end())
            );
        }
    );
    training.schedule(std::vector<double>(schedule.begin(), schedule.end()));

    training.lossScaling
    (
        d.selectWord
        (
            "lossScaling",
            d.getOrDefault<word>("lossScaling", defaults.lossScaling()),
            nop::trainerWords::lossScaling
        )
    );
    training.normaliseInputs
    (
        d.getOrDefault<bool>("normaliseInputs", defaults.normaliseInputs())
    );
    training.normaliseOutputs
    (
        d.getOrDefault<bool>("normaliseOutputs", defaults.normaliseOutputs())
    );
    training.seed
    (
        d.getOrDefault<int64_t>
        (
            "seed", int64_t(defaults.seed()),
            [](int64_t n) { return n >= 0; }, "non-negative"
        )
    );
    training.threads
    (
        d.getOrDefault<int64_t>
        (
            "threads", defaults.threads(),
            [](int64_t n) { return n >= 0; }, "0 (all cores) or positive"
        )
    );

    const word device(d.getOrDefault<word>("device", defaults.device()));
    if (!std::regex_match(device, std::regex("cpu|cuda(:[0-9]+)?")))
    {
        d.error("device")
            << "must be cpu, cuda or cuda:N, got " << device << nl
            << exit(FatalIOError);
    }
    training.device(device);

    training.evalEvery
    (
        d.getOrDefault<int64_t>
        (
            "evalEvery", defaults.evalEvery(), positive, "positive"
        )
    );
    training.checkpointEvery
    (
        d.getOrDefault<int64_t>
        (
            "checkpointEvery", defaults.checkpointEvery(),
            [](int64_t n) { return n >= 0; }, "0 (on a stop request only) or positive"
        )
    );

    d.checkUnknown();

    return training;
}

} // End anonymous namespace
} // End namespace Foam


// * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * //

nop::TrainingJob Foam::readTrainingJob
(
    const dictionary& dict,
    const fileName& caseDir
)
{
    nop::TrainingJob job;

    entryReader top(dict, word::null);

    const word model(top.selectWord("model", top.get<word>("model"), {"fno"}));
    checkKeywords
    (
        dict,
        {"model", "modelFile", "data", "training", model},
        word::null
    );

    job.modelFile = top.resolve
    (
        "modelFile",
        top.getOrDefault<fileName>("modelFile", defaultModelFile),
        caseDir
    );

    checkOutputs(top, job.modelFile);

    // The model and training entries are checked before the cases are
    // sampled (minutes), so that a typo there fails at once
    const dictionary& modelDict = dict.subOrEmptyDict(model);
    readFNO
    (
        modelDict,
        modelDict.getOrDefault<labelList>("modes", labelList(1)).size()
    );
    job.training = readTraining(dict.subOrEmptyDict("training"));

    // Training data: tensor files, or OpenFOAM cases sampled now
    const dictionary& dataDict = dict.subDict("data");
    entryReader d(dataDict, "data");
    const word dataType
    (
        d.selectWord("type", d.get<word>("type"), {"tensorFile", "cases"})
    );
    int64_t spatialDims = 0;
    if (dataType == "cases")
    {
        caseDataset cases
        (
            dataDict,
            caseDir,
            caseDir/"constant"/"neuralOperator"/"cache"
        );
        job.arrays = cases.sample();
        job.application = setupToJson(cases.spec());
        spatialDims = int64_t(job.arrays.train.grid.size());
    }
    else
    {
        job.data = readData(dataDict, caseDir);
        spatialDims = job.data.spatialDims();
    }
    job.fno = readFNO(modelDict, spatialDims);

    return job;
}


// ************************************************************************* //
