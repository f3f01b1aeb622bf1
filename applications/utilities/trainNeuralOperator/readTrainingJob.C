/*---------------------------------------------------------------------------*\
  =========                 |
  \\      /  F ield         | foamNeuralOperator: neural-operator surrogates
   \\    /   O peration     | for OpenFOAM
    \\  /    A nd           |
     \\/     M anipulation  |
\*---------------------------------------------------------------------------*/

#include "readTrainingJob.H"
#include "optionsReader.H"
#include "strictKeywords.H"

#include "OSspecific.H"

#include <algorithm>
#include <fstream>
#include <map>

// * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * //

namespace Foam
{
namespace
{

//- Model file written when the dictionary names none.
const char* const defaultModelFile = "constant/neuralOperator/model.nop";

//- The extension every model file carries
const char* const modelExtension = "nop";


//- The reader of each model's options by the word of the `model` entry:
//- another model is one more row (its options in the sub-dictionary of
//- the same name)
using modelOptionsReader = void (*)(optionsReader&, nop::TrainingJob&);
const std::map<word, modelOptionsReader> modelOptionsReaders
{
    {
        "fno",
        [](optionsReader& reader, nop::TrainingJob& job)
        {
            job.model = "FNO";
            reader.read(job.fno);
        }
    },
    {
        "gino",
        [](optionsReader& reader, nop::TrainingJob& job)
        {
            job.model = "GINO";
            reader.read(job.gino);
        }
    },
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
void checkOutputs(const optionsReader& top, const fileName& modelFile)
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


} // End anonymous namespace
} // End namespace Foam


// * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * //

nop::TrainingJob Foam::readTrainingJob
(
    const dictionary& dict,
    const fileName& caseDir,
    autoPtr<trainingData>& data
)
{
    nop::TrainingJob job;

    optionsReader top(dict, word::null);

    const word model(top.get<word>("model"));
    const auto modelReader = modelOptionsReaders.find(model);
    if (modelReader == modelOptionsReaders.end())
    {
        std::string valid;
        for (const auto& entry : modelOptionsReaders)
        {
            valid += (valid.empty() ? "" : ", ") + entry.first;
        }
        top.error("model")
            << "has unknown value '" << model << "' (valid: " << valid.c_str() << ")"
            << nl << exit(FatalIOError);
    }
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

    // subOrEmptyDict returns a copy, which the readers refer to
    const dictionary modelDict(dict.subOrEmptyDict(model));
    optionsReader modelOptions(modelDict, model);
    modelReader->second(modelOptions, job);
    modelOptions.checkUnknown();

    const dictionary trainingDict(dict.subOrEmptyDict("training"));
    optionsReader training(trainingDict, "training");
    training.read(job.training);
    training.checkUnknown();
    if (model == "gino" && !trainingDict.found("loss", keyType::LITERAL))
    {
        // h1 needs a grid: a GINO's default loss is l2
        job.training.loss(nop::LossKind::l2);
    }

    // Grids for FNO; surfaces, or cases around a body (patches), for
    // GINO: refused before any data is read
    const dictionary& dataDict = dict.subDict("data");
    const word dataType(dataDict.get<word>("type"));
    const bool bodies =
        dataType == "cases" && dataDict.found("patches", keyType::LITERAL);
    if ((model == "gino") != (dataType == "surfaces" || bodies))
    {
        top.error("model")
            << "model " << model << " does not train on data of type " << dataType
            << (bodies ? " with patches" : "")
            << " (model gino takes data of type surfaces or of type cases with"
            << " patches, model fno the others)"
            << nl << exit(FatalIOError);
    }

    // Constructed now (the dictionary checked), loaded by the application
    data = trainingData::New(dict.subDict("data"), caseDir);

    return job;
}


void Foam::loadTrainingData
(
    trainingData& data,
    const dictionary& dict,
    nop::TrainingJob& job
)
{
    data.load(job);
    if (job.model != "FNO")
    {
        // A GINO's latent grid is its own, not the data's
        return;
    }

    const int64_t spatialDims =
        job.arrays.empty()
      ? job.data.spatialDims()
      : int64_t(job.arrays.train.resolution.size());

    // Without modes: the default number in every dimension of the data
    const dictionary fnoDict(dict.subOrEmptyDict("fno"));
    if (!fnoDict.found("modes", keyType::LITERAL))
    {
        job.fno.modes
        (
            std::vector<int64_t>(std::size_t(spatialDims), job.fno.modes().front())
        );
    }
    try
    {
        nop::checkModesFitData(job.fno, spatialDims);
    }
    catch (const nop::OptionError& e)
    {
        optionsReader(fnoDict, "fno").fail(e);
    }
}


// ************************************************************************* //
