#!/bin/bash
#------------------------------------------------------------------------------
# testTrainNeuralOperator.sh
#
# Description
#     Tests of the trainNeuralOperator application on temporary cases: bad
#     dictionaries end with a non-zero exit, an error naming the entry or the
#     file, and no model file; -help prints the usage; a tiny real run on the
#     Burgers data writes the model file and the JSON report.
#
# Usage
#     testTrainNeuralOperator.sh <trainNeuralOperator binary> <check>
#
#     checks: help epochsNotNumber epochsNotPositive modesEmpty
#             precisionUnknown modelUnknown trainFileMissing trainFileAbsent
#             sharedDataVariableUndefined inputAbsent modesExceedGrid
#             typoTopLevel typoModelDict typoTraining typoLearningRate
#             typoTensorData typoCaseData typoCacheKey typoLatentGrid
#             typoParameter parameterOutsideCase parameterAbsolutePath
#             trainCasesEmpty modelFileNotNop modelFileNotAModel tinyRun
#             stopAndResume
#
#     Exit status 77 (CTest SKIP_RETURN_CODE): the shared data is absent.
#
# Environment
#     NOP_SHARED_DATA  folder holding neuraloperator/burgers_*_16.pt
#                      (default: <project>/../shared/data)
#------------------------------------------------------------------------------
set -u

if [ "$#" -ne 2 ]
then
    sed -n '/^# Usage/,/^# Environment/{/^# Environment/d;s/^# \{0,1\}//;p}' "$0"
    exit 2
fi

app="$(cd "$(dirname "$1")" && pwd -P)/$(basename "$1")"
check="$2"

scriptDir="$(cd "$(dirname "$0")" && pwd -P)"
. "$scriptDir/functions"
export NOP_SHARED_DATA="${NOP_SHARED_DATA:-$scriptDir/../../../shared/data}"
export WM_PROJECT_DIR="${WM_PROJECT_DIR:-/usr/share/openfoam}"

trainData="$NOP_SHARED_DATA/neuraloperator/burgers_train_16.pt"
testData="$NOP_SHARED_DATA/neuraloperator/burgers_test_16.pt"

caseDir="$(mktemp -d "${TMPDIR:-/tmp}/testTrainNeuralOperator.XXXXXX")"
trap 'rm -rf "$caseDir"' EXIT
log="$caseDir/log.trainNeuralOperator"

fail()
{
    echo "FAIL ($check): $*"
    if [ -f "$log" ]
    then
        echo "---- $log ----"
        tail -n 40 "$log"
    fi
    exit 1
}

skipWithoutCars()
{
    if [ ! -f "$NOP_SHARED_DATA/cars/001_tri_mesh.ply" ]
    then
        echo "SKIP ($check): shared cars not found ($NOP_SHARED_DATA/cars)"
        exit 77
    fi
}

skipWithoutData()
{
    if [ ! -f "$trainData" ] || [ ! -f "$testData" ]
    then
        echo "SKIP ($check): shared data not found ($trainData);" \
             "set NOP_SHARED_DATA to the folder holding neuraloperator/"
        exit 77
    fi
}

# -- The case: entries of each (sub-)dictionary, overridden per check --------

modelEntry='model fno;'
dataEntries='type tensorFile; trainFile "dummy.pt"; input x; output y; spatialDims 1;'
fnoEntries='modes (8); hiddenChannels 8; nLayers 2;'
modelDict=fno
trainingEntries='epochs 2; batchSize 16; threads 1;'

header()
{
    cat <<EOF
FoamFile
{
    version     2.0;
    format      ascii;
    class       dictionary;
    object      $1;
}
EOF
}

writeCase()
{
    mkdir -p "$caseDir/system"
    : > "$caseDir/dummy.pt"     # exists; never read by the checks using it
    writeTrainingControlDict "$caseDir/system/controlDict"
    {
        header neuralOperatorDict
        cat <<EOF
$modelEntry
modelFile "constant/neuralOperator/model.nop";
data { $dataEntries }
$modelDict { $fnoEntries }
training { $trainingEntries }
EOF
    } > "$caseDir/system/neuralOperatorDict"
}

run()
{
    (cd "$caseDir" && "$app" "$@") > "$log" 2>&1
}

# A bad dictionary: non-zero exit, each pattern in the log, nothing written
expectFailure()
{
    writeCase
    run && fail "exit status 0, expected an error"

    local pattern
    for pattern
    do
        grep -qF -- "$pattern" "$log" || fail "the error does not mention '$pattern'"
    done
    grep -q "FOAM FATAL" "$log" || fail "no OpenFOAM fatal error"

    if [ -d "$caseDir/constant" ] \
    && [ -n "$(find "$caseDir/constant" -type f 2>/dev/null)" ]
    then
        fail "files left behind: $(find "$caseDir/constant" -type f)"
    fi
    echo "PASS ($check)"
    exit 0
}

# -- Checks -------------------------------------------------------------------

case "$check" in
help)
    run -help || fail "-help exit status $?"
    grep -q "Usage: trainNeuralOperator" "$log" || fail "no Usage line"
    grep -q -- "-dict" "$log" || fail "-dict option not listed"
    grep -q "neuralOperatorDict" "$log" || fail "no mention of neuralOperatorDict"
    echo "PASS ($check)"
    ;;

epochsNotNumber)
    trainingEntries='epochs abc; batchSize 16;'
    expectFailure "epochs" "abc"
    ;;

epochsNotPositive)
    trainingEntries='epochs 0; batchSize 16;'
    expectFailure "training/epochs" "must be positive"
    ;;

modesEmpty)
    fnoEntries='modes ();'
    expectFailure "fno/modes"
    ;;

precisionUnknown)
    trainingEntries='epochs 2; precision quarter;'
    expectFailure "training/precision" "quarter"
    ;;

ginoOnTensorFile)
    modelEntry='model gino;'
    modelDict=gino
    fnoEntries=''
    expectFailure "model gino does not train on data of type tensorFile"
    ;;

surfacesNoMatch)
    modelEntry='model gino;'
    modelDict=gino
    fnoEntries=''
    dataEntries='type surfaces; trainFiles ("bodies/*.vtp"); fields (p);'
    expectFailure "data/trainFiles" 'bodies/*.vtp" matches no surface file'
    ;;

surfacesFieldMissing)
    skipWithoutCars
    modelEntry='model gino;'
    modelDict=gino
    fnoEntries='latentResolution (8 8 8); modes (4 4 4); hiddenChannels 4; nLayers 1; outRadius 0.2;'
    dataEntries="type surfaces; trainFiles (\"\$NOP_SHARED_DATA/cars\"); fields (pMean);"
    expectFailure "001_tri_mesh.ply" "no point array 'pMean' (its point arrays: press)" "entry 'fields'"
    ;;

surfacesOutRadius)
    skipWithoutCars
    modelEntry='model gino;'
    modelDict=gino
    fnoEntries='latentResolution (8 8 8); modes (4 4 4); hiddenChannels 4; nLayers 1; outRadius 0.01;'
    dataEntries="type surfaces; trainFiles (\"\$NOP_SHARED_DATA/cars/001_tri_mesh.ply\"); fields (press);"
    expectFailure "within outRadius 0.01" "reaches them all" "entry 'outRadius'"
    ;;

typoGino)
    modelEntry='model gino;'
    modelDict=gino
    fnoEntries='outRadious 0.1;'
    dataEntries='type surfaces; trainFiles ("dummy.pt"); fields (p);'
    expectFailure "gino/outRadious" "did you mean 'outRadius'?"
    ;;

modelUnknown)
    modelEntry='model fnoo;'
    expectFailure "'model'" "fnoo" "(valid: fno"
    ;;

trainFileMissing)
    dataEntries='type tensorFile; input x; output y;'
    expectFailure "trainFile"
    ;;

trainFileAbsent)
    dataEntries='type tensorFile; trainFile "data/nonexistent.pt";'
    expectFailure "data/trainFile" "nonexistent.pt"
    ;;

sharedDataVariableUndefined)
    dataEntries='type tensorFile; trainFile "$NOP_UNDEFINED_VARIABLE/x.pt";'
    expectFailure "NOP_UNDEFINED_VARIABLE"
    ;;

inputAbsent)
    skipWithoutData
    dataEntries="type tensorFile; trainFile \"\$NOP_SHARED_DATA/neuraloperator/burgers_train_16.pt\"; input noSuchTensor; output y; nTrain 32;"
    expectFailure "noSuchTensor" "burgers_train_16.pt"
    ;;

modesExceedGrid)
    skipWithoutData
    dataEntries="type tensorFile; trainFile \"\$NOP_SHARED_DATA/neuraloperator/burgers_train_16.pt\"; input x; output y; nTrain 32;"
    fnoEntries='modes (32);'
    expectFailure "modes" "exceed the 16 grid points" "burgers_train_16.pt"
    ;;

# Strict dictionaries: a typo is a FatalIOError naming the nearest keyword,
# before any case is sampled (no case exists here)
typoTopLevel)
    trainingEntries='epochs 2; } trainig { epochs 3;'
    expectFailure "Unknown entry 'trainig'" "did you mean 'training'?"
    ;;

typoModelDict)
    fnoEntries='modes (8); } FNO { modes (8);'
    expectFailure "Unknown entry 'FNO'" "did you mean 'fno'?"
    ;;

typoTraining)
    trainingEntries='epoch 2;'
    expectFailure "Unknown entry 'training/epoch'" "did you mean 'epochs'?"
    ;;

typoLearningRate)
    trainingEntries='epochs 2; learningrate 1e-3;'
    expectFailure "training/learningrate" "did you mean 'learningRate'?"
    ;;

typoTensorData)
    dataEntries='type tensorFile; trainFile "dummy.pt"; testfiles ("dummy.pt");'
    expectFailure "data/testfiles" "did you mean 'testFiles'?"
    ;;

typoCaseData)
    dataEntries='type cases; trainCases ("runs/*"); input (mask); outputs (p);
        latentGrid { resolution (8 8 1); }'
    expectFailure "Unknown entry 'data/input'" "did you mean 'inputs'?"
    ;;

typoCacheKey)
    dataEntries='type cases; trainCases ("runs/*"); inputs (mask); outputs (p);
        cach false; latentGrid { resolution (8 8 1); }'
    expectFailure "data/cach" "did you mean 'cache'?"
    ;;

typoLatentGrid)
    dataEntries='type cases; trainCases ("runs/*"); inputs (mask); outputs (p);
        latentGrid { resolutoin (8 8 1); }'
    expectFailure "data/latentGrid/resolutoin" "did you mean 'resolution'?"
    ;;

typoParameter)
    dataEntries='type cases; trainCases ("runs/*"); outputs (p);
        parameters { nu { file "constant/transportProperties"; entri nu; } }
        latentGrid { resolution (8 8 1); }'
    expectFailure "parameters/nu/entri" "did you mean 'entry'?"
    ;;

parameterOutsideCase)
    dataEntries='type cases; trainCases ("runs/*"); outputs (p);
        parameters { nu { file "../../etc/passwd"; entry root; } }
        latentGrid { resolution (8 8 1); }'
    expectFailure "leaves the case directory"
    ;;

parameterAbsolutePath)
    dataEntries='type cases; trainCases ("runs/*"); outputs (p);
        parameters { nu { file "/etc/passwd"; entry root; } }
        latentGrid { resolution (8 8 1); }'
    expectFailure "must be a path relative to the case"
    ;;

trainCasesEmpty)
    dataEntries='type cases; trainCases (); outputs (p); inputs (mask);
        latentGrid { resolution (8 8 1); }'
    expectFailure "trainCases: an empty list"
    ;;

# The model file and its report replace only files of their kind
modelFileNotNop)
    writeCase
    sed -i 's|^modelFile .*|modelFile "system/controlDict";|' "$caseDir/system/neuralOperatorDict"
    cp "$caseDir/system/controlDict" "$caseDir/controlDict.orig"
    run && fail "exit status 0"
    grep -qF "must end in .nop" "$log" || fail "no message about the extension"
    cmp -s "$caseDir/system/controlDict" "$caseDir/controlDict.orig" \
        || fail "system/controlDict changed"
    echo "PASS ($check)"
    ;;

modelFileNotAModel)
    writeCase
    sed -i 's|^modelFile .*|modelFile "precious.nop";|' "$caseDir/system/neuralOperatorDict"
    echo "results of a week" > "$caseDir/precious.nop"
    run && fail "exit status 0"
    grep -qF "which is not a model file" "$log" || fail "no message about the existing file"
    grep -qx "results of a week" "$caseDir/precious.nop" || fail "precious.nop changed"
    echo "PASS ($check)"
    ;;

tinyRun)
    skipWithoutData
    dataEntries="type tensorFile;
        trainFile \"\$NOP_SHARED_DATA/neuraloperator/burgers_train_16.pt\";
        testFiles (\"\$NOP_SHARED_DATA/neuraloperator/burgers_test_16.pt\");
        input x; output y; spatialDims 1; nTrain 32; nTest 16;"
    fnoEntries='modes (8); hiddenChannels 8; nLayers 2; stabiliser tanh;'
    trainingEntries='epochs 2; batchSize 16; precision schedule; schedule (0.5 0 0.5); threads 1;'
    writeCase
    run || fail "exit status $?"
    grep -q "^End" "$log" || fail "no End"

    model="$caseDir/constant/neuralOperator/model.nop"
    report="$caseDir/constant/neuralOperator/model.json"
    [ -s "$model" ] || fail "no model file $model"
    [ -s "$report" ] || fail "no report $report"

    python3 - "$report" <<'EOF' || fail "bad report"
import json, sys
r = json.load(open(sys.argv[1]))
need = ["modelFile", "model", "parameters", "fno", "training", "data",
        "trainSamples", "samplesPerSecond", "trainSeconds", "testErrors"]
missing = [k for k in need if k not in r]
assert not missing, "report lacks %s (has %s)" % (missing, sorted(r))
assert r["trainSamples"] == 32, r["trainSamples"]
assert r["training"]["epochs"] == 2, r["training"]
assert r["fno"]["modes"] == [8], r["fno"]
assert r["fno"]["stabiliser"] == "tanh", r["fno"]
assert len(r["testErrors"]) == 1, r["testErrors"]
print("report:", {k: r[k] for k in ("model", "parameters", "trainSamples")})
EOF
    echo "PASS ($check)"
    ;;

stopAndResume)
    # SIGTERM mid-training: exit status 1 and a checkpoint; the rerun
    # resumes and ends with the weights of an uninterrupted run, bit for bit
    skipWithoutData
    dataEntries="type tensorFile;
        trainFile \"\$NOP_SHARED_DATA/neuraloperator/burgers_train_16.pt\";
        testFiles (\"\$NOP_SHARED_DATA/neuraloperator/burgers_test_16.pt\");
        input x; output y; spatialDims 1; nTrain 32; nTest 16;"
    fnoEntries='modes (8); hiddenChannels 16; nLayers 2;'
    trainingEntries='epochs 400; batchSize 4; precision schedule; threads 1; evalEvery 400; checkpointEvery 0;'
    writeCase
    model="$caseDir/constant/neuralOperator/model.nop"
    run || fail "uninterrupted run: exit status $?"
    mv "$model" "$caseDir/uninterrupted.nop"
    rm -f "$caseDir/constant/neuralOperator/model.json"

    (cd "$caseDir" && exec "$app") > "$log" 2>&1 &
    pid=$!
    for i in $(seq 1 600)
    do
        grep -q "^Epoch 20/" "$log" && break
        sleep 0.05
    done
    kill -TERM "$pid"
    wait "$pid"
    status=$?
    [ "$status" -eq 1 ] || fail "stopped run: exit status $status, expected 1"
    grep -q "training stopped on request after" "$log" || fail "no stop message"
    [ -s "$caseDir/constant/neuralOperator/model.checkpoint" ] || fail "no checkpoint"
    [ ! -e "$model" ] || fail "a model file was written by the stopped run"
    grep "training stopped" "$log" | sed 's/^/    /'

    run || fail "resumed run: exit status $?"
    grep -q "^Resuming from .*model.checkpoint at epoch" "$log" || fail "did not resume"
    grep "^Resuming" "$log" | sed 's/^/    /'
    [ ! -e "$caseDir/constant/neuralOperator/model.checkpoint" ] || fail "checkpoint left"
    python3 - "$caseDir/uninterrupted.nop" "$model" <<'EOF' || fail "weights differ"
import json, struct, sys
def weights(path):
    payload = open(path, "rb").read()[32:]
    n = struct.unpack("<Q", payload[:8])[0]
    return json.loads(payload[8:8 + n])["tensors"], payload[8 + n:]
a, b = weights(sys.argv[1]), weights(sys.argv[2])
assert a[0] == b[0], "tensor layouts differ"
assert a[1] == b[1], "tensor bytes differ"
print(f"    weights equal: {len(a[0])} tensors, {len(a[1])} bytes")
EOF
    echo "PASS ($check)"
    ;;

*)
    echo "unknown check '$check'"
    exit 2
    ;;
esac

#------------------------------------------------------------------------------
