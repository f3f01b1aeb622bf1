#!/bin/bash
#------------------------------------------------------------------------------
# tutorialChecks/pitzDaily.sh
#
# Description
#     Checks on the results of tutorials/pitzDaily/Allrun -small, run by
#     testTutorial.sh in the tutorial's directory with the build's
#     applications on PATH:
#       - surrogateFoam wrote U, p, k, epsilon and nut to time 1, and
#         OpenFOAM reads them back (postProcess evaluates mag(U) and
#         reads p); nut's wall values on the walls (nutkWallFunction) are
#         the wall functions evaluated from the prediction, not 0;
#       - -compare wrote finite relative L2 errors per field (prediction
#         and latent grid alone), and Allrun's summary shows them for every
#         test variant, the latent grid alone in the row below it;
#       - surrogateFoam refuses to overwrite the prediction, naming the file;
#       - the neuralOperator function object loaded from controlDict in
#         simpleFoam and initialised the solver's fields, and the first
#         initial residual of Ux differs from the cold start's (1); in
#         compare mode it writes USurrogate, pSurrogate and their error
#         fields and logs one row of relative L2 per iteration;
#       - surrogateFoam -parallel on the decomposed case writes the same
#         prediction as the serial run (to the digits written);
#       - bad input ends in an error naming the file or entry: a truncated
#         model file, a model file that is not one, a case lacking a
#         parameter entry, a missing modelFile entry, a 3D mesh for the 2D
#         model; none of them writes a time directory.
#
# Usage
#     pitzDaily.sh <file holding the output of Allrun>
#------------------------------------------------------------------------------
set -u

allrunOutput="$1"

fail()
{
    echo "FAIL: $*"
    exit 1
}

test=cases/test_00
model="$PWD/constant/neuralOperator/pitzDaily.nop"

# -- Prediction written and readable -------------------------------------------
for field in U p k epsilon nut
do
    [ -f "$test/1/$field" ] || fail "surrogateFoam did not write $test/1/$field"
done
postProcess -case "$test" -time 1 -func 'mag(U)' > "$test/log.postProcess" 2>&1 \
    || fail "postProcess cannot read the prediction (see $test/log.postProcess)"
[ -f "$test/1/mag(U)" ] || fail "postProcess wrote no mag(U) from the predicted U"
foamDictionary -case "$test" -entry internalField -value "$test/1/p" > /dev/null \
    || fail "foamDictionary cannot read $test/1/p"

# The wall functions of the predicted nut, evaluated from the prediction
# (the start time's wall values are uniform 0: forceCoeffs would miss the shear)
grep -q "^nut: wall-function values evaluated from the predicted fields.* lowerWall" \
    "$test/log.surrogateFoam" || fail "surrogateFoam did not evaluate nut's wall functions"
python3 - "$test/1/nut" <<'PY' || fail "the predicted nut's wall values are not the wall functions'"
import re, sys
# (upperWall's first cells lie in the laminar sublayer, y+ < 11: nut 0 there,
# in the solver's result too)
text = open(sys.argv[1]).read()
block = text[re.search(r"\n\s*lowerWall\s*\n", text).end():]
block = block[:block.index("}")]
assert "nutkWallFunction" in block and "nonuniform" in block, block[:200]
values = [float(v) for v in block[block.index("(") + 1:block.index(")")].split()]
assert len(values) == 250 and min(values) >= 0 and max(values) > 0, values[:5]
print(f"nut on lowerWall: {sum(v > 0 for v in values)} of {len(values)} faces with a"
      f" wall-function value above 0, max {max(values):.3g}")
PY

errors="$test/postProcessing/surrogateFoam/1/relativeL2.dat"
[ -f "$errors" ] || fail "no $errors"
python3 - "$errors" <<'PY' || fail "relative L2 errors not finite in $errors"
import math, sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip() and not l.startswith('#')]
fields = {r[0] for r in rows}
assert fields == {"U", "p", "k", "epsilon", "nut"}, fields
assert all(len(r) == 4 for r in rows), rows   # field, prediction, latent grid alone, in the box
assert all(math.isfinite(float(v)) and float(v) >= 0 for r in rows for v in r[1:3]), rows
assert all(float(r[3]) == -1 for r in rows), rows   # every cell lies in the grid's box
PY

python3 - "$allrunOutput" cases/test_* <<'PY' || fail "Allrun's summary does not show the errors of relativeL2.dat"
import glob, sys
lines = open(sys.argv[1]).read().splitlines()
fields = ["U", "p", "k", "epsilon", "nut"]
for case in sys.argv[2:]:
    dat = sorted(glob.glob(f"{case}/postProcessing/surrogateFoam/*/relativeL2.dat"))[-1]
    errors = {r[0]: r[1:] for r in (l.split() for l in open(dat)) if r and r[0] != "#"}
    variant = case.split("/")[-1]
    row = next(i for i, l in enumerate(lines) if l.split()[:1] == [variant])
    prediction, alone = lines[row].split(), lines[row + 1].split()
    assert lines[row + 1].endswith("  (latent grid alone)"), lines[row + 1]
    for column, values in ((0, prediction[1:6]), (1, alone[:5])):
        expected = [f"{float(errors[f][column]):.4f}" for f in fields]
        assert values == expected, (variant, column, values, expected)
print("summary table: prediction and latent grid alone rows match relativeL2.dat")
PY

# -- Existing data is kept -------------------------------------------------------
before=$(md5sum "$test/1/U")
if (cd "$test" && surrogateFoam > log.again 2>&1)
then
    fail "surrogateFoam overwrote $test/1 without -overwrite"
fi
grep -q "1/U.* exists" "$test/log.again" || grep -q "exists" "$test/log.again" \
    || fail "the refusal does not name the existing field: $(tail -5 "$test/log.again")"
[ "$(md5sum "$test/1/U")" = "$before" ] || fail "$test/1/U changed"

# -- The function object in a real solver run ------------------------------------
grep -q "neuralOperator surrogate: initialised" cases/warmStart/log.simpleFoam \
    || fail "the function object did not initialise the solver's fields"
firstUx()
{
    grep -m1 "Solving for Ux" "$1" | sed 's/.*Initial residual = \([^,]*\),.*/\1/'
}
[ "$(firstUx cases/coldStart/log.simpleFoam)" = 1 ] \
    || fail "cold start: first Ux residual is not 1"
[ "$(firstUx cases/warmStart/log.simpleFoam)" != 1 ] \
    || fail "warm start: the solver did not start from the prediction"

# compare mode (predicting too): 5 iterations, fields written at 5
rm -rf cases/compare
mkdir -p cases/compare
cp -r "$test/0" "$test/constant" "$test/system" cases/compare
foamDictionary -entry endTime -set 5 cases/compare/system/controlDict > /dev/null
foamDictionary -entry writeInterval -set 5 cases/compare/system/controlDict > /dev/null
cat >> cases/compare/system/controlDict <<DICT
functions
{
    surrogate
    {
        type        neuralOperator;
        libs        (nopFunctionObjects);
        modelFile   "$model";
        mode        compare;
        fields      (U p);
        threads     1;
    }
}
DICT
(cd cases/compare && simpleFoam > log.simpleFoam 2>&1) \
    || fail "simpleFoam with the function object in compare mode failed: $(tail -5 cases/compare/log.simpleFoam)"
for field in USurrogate pSurrogate USurrogateError pSurrogateError
do
    [ -f "cases/compare/5/$field" ] || fail "compare mode wrote no 5/$field"
done
[ "$(grep -vc '^#' cases/compare/postProcessing/surrogate/0/relativeL2.dat)" = 5 ] \
    || fail "compare mode did not log 5 rows of relative L2"

# -- Parallel equals serial ------------------------------------------------------
if command -v mpirun > /dev/null
then
    rm -rf cases/parallel
    mkdir -p cases/parallel
    cp -r "$test/0" "$test/constant" "$test/system" cases/parallel
    cat > cases/parallel/system/decomposeParDict <<DICT
FoamFile { version 2.0; format ascii; class dictionary; object decomposeParDict; }
numberOfSubdomains 2;
method simple;
coeffs { n (2 1 1); }
DICT
    (
        cd cases/parallel \
     && decomposePar > log.decomposePar 2>&1 \
     && mpirun --allow-run-as-root --oversubscribe -np 2 surrogateFoam -parallel \
            > log.surrogateFoam 2>&1 \
     && reconstructPar -time 1 > log.reconstructPar 2>&1
    ) || fail "surrogateFoam -parallel failed: $(tail -5 cases/parallel/log.surrogateFoam)"
    python3 - "$test/1" cases/parallel/1 <<'PY' || fail "parallel prediction differs from serial"
import re, sys
def values(path):
    text = open(path).read()
    body = text[text.index("internalField"):]
    body = body[:body.index("boundaryField")]
    return [float(x) for x in re.findall(r"[-+]?\d+\.?\d*(?:[eE][-+]?\d+)?", body.split("(", 1)[1])]
worst = 0
for field in ["U", "p", "k", "epsilon", "nut"]:
    a, b = values(f"{sys.argv[1]}/{field}"), values(f"{sys.argv[2]}/{field}")
    assert len(a) == len(b) and len(a) > 0, (field, len(a), len(b))
    worst = max(worst, max(abs(x - y) for x, y in zip(a, b)))
print(f"serial vs parallel prediction: max abs difference {worst:g}")
assert worst == 0
PY
else
    echo "mpirun not found: parallel check skipped"
fi

# -- Bad input ---------------------------------------------------------------------
# expectError <case> <fragment of the message> : surrogateFoam fails, says it,
# and writes no time directory
expectError()
{
    local dir="$1" fragment="$2"
    if (cd "$dir" && surrogateFoam > log.surrogateFoam.bad 2>&1)
    then
        fail "$dir: surrogateFoam accepted bad input ($fragment)"
    fi
    grep -qF -- "$fragment" "$dir/log.surrogateFoam.bad" \
        || fail "$dir: the error does not say '$fragment': $(grep -A4 'FATAL' "$dir/log.surrogateFoam.bad")"
    [ ! -d "$dir/1" ] || fail "$dir: a time directory was written on failure"
}

newCase()
{
    rm -rf "$1"
    mkdir -p "$1"
    cp -r "$test/0" "$test/constant" "$test/system" "$1"
    rm -rf "$1/1"
}

newCase cases/bad
head -c 1000 "$model" > cases/bad/truncated.nop
sed -i "s|^modelFile .*|modelFile \"truncated.nop\";|" cases/bad/system/surrogateDict
expectError cases/bad "truncated"

echo "not a model" > cases/bad/foreign.nop
sed -i "s|^modelFile .*|modelFile \"foreign.nop\";|" cases/bad/system/surrogateDict
expectError cases/bad "not a neural-operator model file"

sed -i "/^modelFile/d" cases/bad/system/surrogateDict
expectError cases/bad "modelFile"

newCase cases/bad
foamDictionary -entry nu -remove cases/bad/constant/transportProperties > /dev/null
expectError cases/bad "constant/transportProperties"

# 3D: the front and back are walls instead of empty
newCase cases/bad
sed -i "s/type\( *\)empty;/type\1wall;/" cases/bad/constant/polyMesh/boundary
for field in cases/bad/0/*
do
    sed -i "s/type\( *\)empty;/type\1zeroGradient;/" "$field"
done
expectError cases/bad "was trained on 2D cases"

rm -rf cases/bad cases/compare cases/parallel
echo "pitzDaily checks passed"
