#include "nop/io/OptionsJson.hpp"

#include <stdexcept>

namespace nop
{

nlohmann::json toJson(const FNOOptions& o)
{
    return
    {
        {"inChannels", o.inChannels()},
        {"outChannels", o.outChannels()},
        {"modes", o.modes()},
        {"hiddenChannels", o.hiddenChannels()},
        {"nLayers", o.nLayers()},
        {"liftingRatio", o.liftingRatio()},
        {"projectionRatio", o.projectionRatio()},
        {"channelMLPExpansion", o.channelMLPExpansion()},
        {"positionalEmbedding", o.positionalEmbedding()},
        {"domainPadding", o.domainPadding()},
        {"precision", toString(o.precision())},
        {"stabiliser", toString(o.stabiliser())},
        {"reducedType", toString(o.reducedType())}
    };
}


nlohmann::json toJson(const TrainerOptions& o)
{
    return
    {
        {"epochs", o.epochs()},
        {"batchSize", o.batchSize()},
        {"optimiser", o.optimiser()},
        {"learningRate", o.learningRate()},
        {"weightDecay", o.weightDecay()},
        {"scheduler", o.scheduler()},
        {"stepSize", o.stepSize()},
        {"gamma", o.gamma()},
        {"cosineEpochs", o.cosineEpochs()},
        {"loss", o.loss()},
        {"precision", o.precision()},
        {"schedule", o.schedule()},
        {"lossScaling", o.lossScaling()},
        {"normaliseInputs", o.normaliseInputs()},
        {"normaliseOutputs", o.normaliseOutputs()},
        {"seed", o.seed()},
        {"threads", o.threads()},
        {"device", o.device()},
        {"evalEvery", o.evalEvery()},
        {"checkpointEvery", o.checkpointEvery()}
    };
}


nlohmann::json toJson(const TensorFileDatasetOptions& o)
{
    return
    {
        {"trainFile", o.trainFile()},
        {"testFiles", o.testFiles()},
        {"input", o.input()},
        {"output", o.output()},
        {"spatialDims", o.spatialDims()},
        {"nTrain", o.nTrain()},
        {"nTest", o.nTest()}
    };
}


FNOOptions fnoOptionsFromJson(const nlohmann::json& json)
{
    const auto get = [&json](const char* key) -> const nlohmann::json&
    {
        if (!json.contains(key))
        {
            throw std::runtime_error(std::string("FNO options lack '") + key + "'");
        }
        return json.at(key);
    };
    try
    {
        FNOOptions o;
        o.inChannels(get("inChannels").get<int64_t>())
         .outChannels(get("outChannels").get<int64_t>())
         .modes(get("modes").get<std::vector<int64_t>>())
         .hiddenChannels(get("hiddenChannels").get<int64_t>())
         .nLayers(get("nLayers").get<int64_t>())
         .liftingRatio(get("liftingRatio").get<double>())
         .projectionRatio(get("projectionRatio").get<double>())
         .channelMLPExpansion(get("channelMLPExpansion").get<double>())
         .positionalEmbedding(get("positionalEmbedding").get<bool>())
         .domainPadding(get("domainPadding").get<double>())
         .precision(precisionFromString(get("precision").get<std::string>()))
         .stabiliser(stabiliserFromString(get("stabiliser").get<std::string>()))
         .reducedType(reducedTypeFromString(get("reducedType").get<std::string>()));
        return o;
    }
    catch (const nlohmann::json::exception& e)
    {
        throw std::runtime_error(std::string("malformed FNO options: ") + e.what());
    }
}

} // namespace nop
