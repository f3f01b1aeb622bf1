#!/bin/bash
#------------------------------------------------------------------------------
# testBodies.sh
#
# Description
#     Tests of GINO on OpenFOAM cases around a body: a 3D duct (blockMesh,
#     20x10x10 cells) with a box-shaped body cut out of it (topoSet +
#     subsetMesh, the exposed faces making the wall patch 'body'), the box's
#     size and place varied; laminar simpleFoam and the wallShearStress
#     function object give the fields. The check `setup` (a CTest fixture)
#     makes the family and trains a GINO (surface fields p and
#     wallShearStress on the body, volume fields U and p) in the work
#     directory; every other check works on its own copy:
#       training          the training log names every case with its body
#                         faces and its cells inside the latent box; the
#                         report holds per-field test errors
#       writeFields       surrogateFoam -compare on the held-out body (one
#                         it was not trained on): U, p, wallShearStress
#                         written, read back by OpenFOAM (foamDictionary),
#                         wallShearStress on patch 'body' holds one value per
#                         body face, the errors (in the latent box, on the
#                         body, near the body) printed and finite
#       parallel          surrogateFoam -parallel on 2 processors: the
#                         reconstructed fields equal the serial ones to
#                         round-off (max abs difference printed)
#       cache             a second training reads every case from the
#                         sample cache (no mesh) and ends with the same test
#                         errors; a touched field file rereads its case; a
#                         flipped byte in a cache file is a warning naming
#                         it, and the case is reread
#       writeVtk          trainNeuralOperator -writeVtk: every case's latent
#                         grid (.vti, the signed distance) and queries (.vtp,
#                         the targets)
#       bareGeometry      predictSurface with the body model on the
#                         held-out box as a bare STL: p and wallShearStress
#                         on its faces (refined), a finite Cd, the same
#                         with the STL's triangles turned inward; a clip
#                         plane that leaves nothing and -faceSize 0 refused
#       noSignedDistance  a model trained with signedDistance no: surrogateFoam
#                         predicts and writes surface.vtp, and no latent grid
#       patchMissing      data { patches (bodyy); }: a FatalIOError naming
#                         the entry, the case and its patches
#       fnoWithPatches    model fno on data with patches: an error naming
#                         model
#       typoData          an unknown entry of the data dictionary (volumeFeilds)
#       fieldMissing      a surface field the cases lack: error naming it
#
# Usage
#     testBodies.sh <build directory> <check>
#
#     Exit status 77 (CTest SKIP_RETURN_CODE): mpirun absent (parallel), or
#     the fixture not made (run the check setup first).
#
# Environment
#     NOP_TEST_BODIES_DIR  work directory (default:
#                          <build directory>/tests/foam/testBodies)
#------------------------------------------------------------------------------
set -u

if [ "$#" -ne 2 ]
then
    sed -n '/^# Usage/,/^# Environment/{/^# Environment/d;s/^# \{0,1\}//;p}' "$0"
    exit 2
fi

buildDir="$(cd "$1" && pwd -P)"
check="$2"

. "$(dirname "$0")/functions"
useBuild "$buildDir"

work="${NOP_TEST_BODIES_DIR:-$buildDir/tests/foam/testBodies}"
family="$work/family"
model="$family/constant/neuralOperator/bodies.nop"
heldOut="$family/cases/test_0"
solverTime=30

fail()
{
    echo "FAIL ($check): $*"
    exit 1
}

pass()
{
    echo "PASS ($check)"
    exit 0
}

header()
{
    echo "FoamFile { version 2.0; format ascii; class $1; object $2; }"
}


# -- The case family ------------------------------------------------------------

# writeBaseCase <dir>: the duct 4 x 2 x 2 with an empty wall patch 'body'
writeBaseCase()
{
    local dir="$1"
    mkdir -p "$dir/0" "$dir/constant" "$dir/system"

    { header dictionary blockMeshDict; cat <<'EOF'
vertices
(
    (0 0 0) (4 0 0) (4 2 0) (0 2 0)
    (0 0 2) (4 0 2) (4 2 2) (0 2 2)
);
blocks ( hex (0 1 2 3 4 5 6 7) (20 10 10) simpleGrading (1 1 1) );
boundary
(
    inlet  { type patch; faces ((0 4 7 3)); }
    outlet { type patch; faces ((1 2 6 5)); }
    sides  { type patch; faces ((0 1 5 4) (3 7 6 2) (0 3 2 1) (4 5 6 7)); }
    body   { type wall;  faces (); }
);
EOF
    } > "$dir/system/blockMeshDict"

    { header dictionary controlDict; cat <<EOF
application     simpleFoam;
startFrom       startTime;
startTime       0;
stopAt          endTime;
endTime         $solverTime;
deltaT          1;
writeControl    timeStep;
writeInterval   $solverTime;
writeFormat     ascii;
writePrecision  8;
runTimeModifiable false;
functions
{
    wallShearStress
    {
        type            wallShearStress;
        libs            (fieldFunctionObjects);
        patches         (body);
        writeControl    writeTime;
        log             false;
    }
}
EOF
    } > "$dir/system/controlDict"

    { header dictionary fvSchemes; cat <<'EOF'
ddtSchemes      { default steadyState; }
gradSchemes     { default Gauss linear; }
divSchemes
{
    default         none;
    div(phi,U)      bounded Gauss upwind;
    div((nuEff*dev2(T(grad(U))))) Gauss linear;
}
laplacianSchemes { default Gauss linear corrected; }
interpolationSchemes { default linear; }
snGradSchemes   { default corrected; }
wallDist        { method meshWave; }
EOF
    } > "$dir/system/fvSchemes"

    { header dictionary fvSolution; cat <<'EOF'
solvers
{
    p { solver GAMG; smoother GaussSeidel; tolerance 1e-7; relTol 0.1; }
    U { solver smoothSolver; smoother symGaussSeidel; tolerance 1e-8; relTol 0.1; }
}
SIMPLE { nNonOrthogonalCorrectors 0; consistent yes; }
relaxationFactors { equations { U 0.9; } }
EOF
    } > "$dir/system/fvSolution"

    { header dictionary topoSetDict; cat <<'EOF'
actions
(
    { name fluid; type cellSet; action new; source boxToCell; sourceInfo { box BOX; } }
    { name fluid; type cellSet; action invert; }
);
EOF
    } > "$dir/system/topoSetDict"

    { header dictionary transportProperties; cat <<'EOF'
transportModel  Newtonian;
nu              0.02;
EOF
    } > "$dir/constant/transportProperties"

    { header dictionary turbulenceProperties; echo "simulationType laminar;"; } \
        > "$dir/constant/turbulenceProperties"

    { header volVectorField U; cat <<'EOF'
dimensions      [0 1 -1 0 0 0 0];
internalField   uniform (1 0 0);
boundaryField
{
    inlet  { type fixedValue; value uniform (1 0 0); }
    outlet { type zeroGradient; }
    sides  { type slip; }
    body   { type noSlip; }
}
EOF
    } > "$dir/0/U"

    { header volScalarField p; cat <<'EOF'
dimensions      [0 2 -2 0 0 0 0];
internalField   uniform 0;
boundaryField
{
    inlet  { type zeroGradient; }
    outlet { type fixedValue; value uniform 0; }
    sides  { type slip; }
    body   { type zeroGradient; }
}
EOF
    } > "$dir/0/p"

    # What a case to be predicted needs of a surface-only field: its file
    { header volVectorField wallShearStress; cat <<'EOF'
dimensions      [0 2 -2 0 0 0 0];
internalField   uniform (0 0 0);
boundaryField
{
    ".*"   { type calculated; value uniform (0 0 0); }
}
EOF
    } > "$dir/0/wallShearStress"
}

# writeTrainingDict <case> [model] [patches] [surfaceFields] [extra data
# entries]: system/neuralOperatorDict of the family's training
writeTrainingDict()
{
    local dir="$1"
    shift
    local modelSection="fno { modes (4 4 4); hiddenChannels 8; nLayers 1; }"
    if [ "${1:-gino}" = gino ]
    then
        modelSection="gino
{
    latentResolution (8 8 8);
    modes           (4 4 4);
    hiddenChannels  8;
    nLayers         1;
    inRadius        0.15;
    outRadius       0.15;
    geometryChannels 4;
    inKernel        (16);
    outKernel       (16);
    embeddingFrequencies 4;
}"
    fi
    { header dictionary neuralOperatorDict; cat <<EOF
model       ${1:-gino};
modelFile   "constant/neuralOperator/bodies.nop";
data
{
    type          cases;
    trainCases    ("cases/train_*");
    testCases     ("cases/test_*");
    patches       (${2:-body});
    surfaceFields (${3:-p wallShearStress});
    volumeFields  (U p);
    boxMargin     0.5;
    volumeQueries 2000;
    ${4:-}
}
$modelSection
training { epochs 20; batchSize 2; threads 1; precision schedule; }
EOF
    } > "$dir/system/neuralOperatorDict"
}

# setUp: bodies, solver runs, training; the model file last
setUp()
{
    rm -rf "$work"
    mkdir -p "$family/system" "$family/cases"

    writeBaseCase "$family/cases/base"
    local name box
    for variant in \
        "train_0:(1 0.6 0.6) (2 1.4 1.4)" \
        "train_1:(1.2 0.4 0.6) (1.8 1.6 1.4)" \
        "train_2:(0.8 0.6 0.4) (2.2 1.4 1.6)" \
        "train_3:(1 0.8 0.8) (2.4 1.2 1.2)" \
        "test_0:(1.2 0.6 0.4) (2 1.4 1.4)"
    do
        name="${variant%%:*}"
        box="${variant#*:}"
        cp -r "$family/cases/base" "$family/cases/$name"
        sed -i "s/BOX/$box/" "$family/cases/$name/system/topoSetDict"
        (
            cd "$family/cases/$name" \
         && blockMesh > log.blockMesh 2>&1 \
         && topoSet > log.topoSet 2>&1 \
         && subsetMesh fluid -patch body -overwrite > log.subsetMesh 2>&1
        ) || fail "meshing $name failed: $(tail -5 "$family/cases/$name"/log.*)"
    done
    rm -rf "$family/cases/base"

    printf '%s\n' train_0 train_1 train_2 train_3 test_0 | xargs -P 2 -I{} sh -c \
        'cd "$0/cases/{}" && simpleFoam > log.simpleFoam 2>&1' "$family" \
        || fail "simpleFoam failed on a variant: $(tail -5 "$family"/cases/*/log.simpleFoam)"
    [ -f "$heldOut/$solverTime/wallShearStress" ] \
        || fail "no wallShearStress written: $(tail -5 "$heldOut/log.simpleFoam")"

    writeTrainingControlDict "$family/system/controlDict"
    writeTrainingDict "$family"
    (cd "$family" && trainNeuralOperator > log.trainNeuralOperator 2>&1) \
        || fail "trainNeuralOperator failed: $(tail -20 "$family/log.trainNeuralOperator")"
    [ -s "$model" ] || fail "no model file $model"
}


# -- Helpers of the checks ------------------------------------------------------

requireFixture()
{
    if [ ! -s "$model" ] || [ ! -d "$heldOut/$solverTime" ]
    then
        echo "SKIP ($check): no trained fixture in $work; run the check setup first"
        exit 77
    fi
}

# newCase: a copy of the held-out case (with its solver result) in $caseDir
newCase()
{
    requireFixture
    caseDir="$(mktemp -d "$work/$check.XXXXXX")"
    trap 'rm -rf "$caseDir"' EXIT
    cp -r "$heldOut/0" "$heldOut/$solverTime" "$heldOut/constant" "$heldOut/system" \
        "$caseDir"
    { header dictionary surrogateDict; cat <<EOF
modelFile   "$model";
threads     1;
writeTime   1;
EOF
    } > "$caseDir/system/surrogateDict"
}

# newFamily: a copy of the family's dictionaries (cases linked) for a
# training that is to fail
newFamily()
{
    requireFixture
    caseDir="$(mktemp -d "$work/$check.XXXXXX")"
    trap 'rm -rf "$caseDir"' EXIT
    mkdir -p "$caseDir/system"
    cp "$family/system/controlDict" "$caseDir/system"
    ln -s "$family/cases" "$caseDir/cases"
}

# expectTrainingError <fragment>...: trainNeuralOperator in $caseDir fails
# naming each fragment, and writes no model file
expectTrainingError()
{
    (cd "$caseDir" && trainNeuralOperator > log 2>&1) \
        && fail "trainNeuralOperator accepted bad input: $(tail -5 "$caseDir/log")"
    grep -q "FOAM FATAL" "$caseDir/log" || fail "no OpenFOAM fatal error: $(tail -5 "$caseDir/log")"
    local fragment
    for fragment
    do
        grep -qF -- "$fragment" "$caseDir/log" \
            || fail "the error does not say '$fragment': $(grep -A8 'FOAM FATAL' "$caseDir/log")"
    done
    [ ! -e "$caseDir/constant/neuralOperator/bodies.nop" ] || fail "a model file was written"
    grep -A6 "FOAM FATAL" "$caseDir/log" | grep -v '^$' | sed 's/^/    /'
}

# The values of patch <patch> of field file <file>: their count
patchValueCount()
{
    foamDictionary -entry "boundaryField/$2/value" "$1" 2> /dev/null \
        | sed -n 's/^value *nonuniform List<[a-z]*> *\([0-9][0-9]*\).*/\1/p;s/^\([0-9][0-9]*\)$/\1/p' \
        | head -1
}


# -- The checks -----------------------------------------------------------------

case "$check" in

setup)
    setUp
    pass
    ;;

cleanup)
    rm -rf "$work"
    pass
    ;;

training)
    requireFixture
    log="$family/log.trainNeuralOperator"
    for name in train_0 train_1 train_2 train_3 test_0
    do
        grep -q "  [a-z]* .*cases/$name: [0-9]* wall faces, [0-9]* of [0-9]* cells inside the latent box" "$log" \
            || fail "the log does not describe $name: $(grep -i 'wall faces' "$log")"
    done
    grep -q '"surface/p"' "${model%.nop}.json" || fail "no per-field error of surface/p in the report"
    grep -q '"volume/U.x"' "${model%.nop}.json" || fail "no per-field error of volume/U.x in the report"
    grep "wall faces\|^Test" "$log" | sed 's/^/    /'
    pass
    ;;

writeFields)
    newCase
    (cd "$caseDir" && surrogateFoam -compare > log 2>&1) \
        || fail "surrogateFoam failed: $(tail -20 "$caseDir/log")"
    for field in U p wallShearStress
    do
        [ -f "$caseDir/1/$field" ] || fail "no 1/$field written"
        foamDictionary -entry internalField "$caseDir/1/$field" > /dev/null 2>&1 \
            || fail "OpenFOAM cannot read 1/$field"
    done
    faces=$(awk '/^ *body$/ { found = 1 } found && /nFaces/ { print $2; exit }' \
        "$caseDir/constant/polyMesh/boundary" | tr -d ';')
    written=$(patchValueCount "$caseDir/1/wallShearStress" body)
    [ -n "$faces" ] && [ "$faces" -gt 0 ] || fail "no faces on patch body"
    [ "$written" = "$faces" ] \
        || fail "wallShearStress on body holds '$written' values, the patch has $faces faces"
    # The prediction is not the start value
    grep -q "uniform (0 0 0)" <(foamDictionary -entry boundaryField/body/value "$caseDir/1/wallShearStress") \
        && fail "wallShearStress on body was not predicted"
    for field in U p wallShearStress
    do
        line=$(grep "^relative L2 $field = " "$caseDir/log") || fail "no error of $field: $(tail -20 "$caseDir/log")"
        echo "    $line"
        echo "$line" | grep -qi "nan\|inf" && fail "a non-finite error: $line"
    done
    grep -q 'Name="signedDistance"' "$caseDir/postProcessing/surrogateFoam/1/latentGrid.vti" \
        || fail "no latent grid with the signed distance written beside surface.vtp"
    grep -q "^relative L2 wallShearStress = -1 in the latent box, -1 near the body, [0-9.e-]* on the body" "$caseDir/log" \
        || fail "wallShearStress (a surface field) is not compared on the body alone"
    grep -q "^relative L2 U = [0-9.e-]* in the latent box, [0-9][0-9.e-]* near the body, -1 on the body" "$caseDir/log" \
        || fail "U (a volume field, zero on the wall) is not compared in the box and near the body: $(grep '^relative L2 U' "$caseDir/log")"
    pass
    ;;

parallel)
    command -v mpirun > /dev/null || { echo "SKIP ($check): mpirun not found"; exit 77; }
    newCase
    (cd "$caseDir" && surrogateFoam > log.serial 2>&1) \
        || fail "serial surrogateFoam failed: $(tail -20 "$caseDir/log.serial")"
    mkdir "$caseDir/serial"
    mv "$caseDir/1" "$caseDir/serial/1"
    { header dictionary decomposeParDict; cat <<EOF
numberOfSubdomains 2;
method          simple;
coeffs          { n (1 1 2); }
EOF
    } > "$caseDir/system/decomposeParDict"
    (cd "$caseDir" && decomposePar > log.decomposePar 2>&1) \
        || fail "decomposePar failed: $(tail -5 "$caseDir/log.decomposePar")"
    (cd "$caseDir" && mpirun --allow-run-as-root --oversubscribe -np 2 surrogateFoam -parallel \
        > log.parallel 2>&1) || fail "surrogateFoam -parallel failed: $(tail -20 "$caseDir/log.parallel")"
    (cd "$caseDir" && reconstructPar -time 1 > log.reconstructPar 2>&1) \
        || fail "reconstructPar failed: $(tail -5 "$caseDir/log.reconstructPar")"
    for field in U p
    do
        sameInternalFields 1e-4 relative "$field" "$caseDir/1/$field" "$caseDir/serial/1/$field" \
            || fail "$field differs between the serial and the parallel run"
    done
    pass
    ;;

cache)
    requireFixture
    caseDir="$(mktemp -d "$work/$check.XXXXXX")"
    trap 'rm -rf "$caseDir"' EXIT
    mkdir -p "$caseDir/system"
    cp "$family/system/controlDict" "$caseDir/system"
    cp -r "$family/cases" "$caseDir/cases"
    writeTrainingDict "$caseDir"
    sed -i 's/epochs 20;/epochs 2;/' "$caseDir/system/neuralOperatorDict"
    train()
    {
        (cd "$caseDir" && trainNeuralOperator > "log.$1" 2>&1) \
            || fail "training ($1) failed: $(tail -20 "$caseDir/log.$1")"
        grep "^Test" "$caseDir/log.$1" > "$caseDir/errors.$1"
        [ -s "$caseDir/errors.$1" ] || fail "no test errors in log.$1"
    }
    count() { grep -c "^    $2: .* cells, time $solverTime ($3) in" "$caseDir/log.$1"; }
    names="train_0 train_1 train_2 train_3 test_0"
    train first
    for name in $names
    do
        [ "$(count first "$name" read)" = 1 ] || fail "$name not read from its mesh first"
        [ -s "$caseDir/constant/neuralOperator/cache/cases_$name.body" ] \
            || fail "no cache file of $name"
    done
    train second
    for name in $names
    do
        [ "$(count second "$name" cached)" = 1 ] \
            || fail "$name not read from the cache: $(grep "$name:" "$caseDir/log.second")"
    done
    cmp -s "$caseDir/errors.first" "$caseDir/errors.second" \
        || fail "the cached cases train otherwise: $(diff "$caseDir/errors.first" "$caseDir/errors.second")"
    touch "$caseDir/cases/train_1/$solverTime/U"
    train touched
    [ "$(count touched train_1 read)" = 1 ] || fail "train_1 not reread after its U changed"
    [ "$(count touched train_2 cached)" = 1 ] || fail "train_2 not cached"
    cache="$caseDir/constant/neuralOperator/cache/cases_train_2.body"
    python3 - "$cache" <<'PY'
import sys
data = bytearray(open(sys.argv[1], "rb").read())
data[len(data)//2] ^= 0x10
open(sys.argv[1], "wb").write(bytes(data))
PY
    train damaged
    grep -qF "sample cache '$cache': checksum mismatch (damaged)" "$caseDir/log.damaged" \
        || fail "no warning naming the damaged cache: $(grep -A3 -i warning "$caseDir/log.damaged")"
    [ "$(count damaged train_2 read)" = 1 ] || fail "train_2 not reread after damage"
    cmp -s "$caseDir/errors.first" "$caseDir/errors.damaged" \
        || fail "training after the damage differs: $(diff "$caseDir/errors.first" "$caseDir/errors.damaged")"
    grep "train_[12]:" "$caseDir/log.damaged" | sed 's/^/   /'
    pass
    ;;

writeVtk)
    newFamily
    writeTrainingDict "$caseDir"
    sed -i 's/epochs 20;/epochs 1;/' "$caseDir/system/neuralOperatorDict"
    (cd "$caseDir" && trainNeuralOperator -writeVtk > log 2>&1) \
        || fail "trainNeuralOperator -writeVtk failed: $(tail -20 "$caseDir/log")"
    for name in train_0 train_1 train_2 train_3 test_0
    do
        grid="$caseDir/postProcessing/trainNeuralOperator/$name.latentGrid.vti"
        queries="$caseDir/postProcessing/trainNeuralOperator/$name.queries.vtp"
        grep -q 'WholeExtent="0 7 0 7 0 7"' "$grid" 2> /dev/null \
            || fail "no 8^3 latent grid in $grid"
        grep -q 'Name="signedDistance"' "$grid" || fail "no signedDistance in $grid"
        for array in surface/p surface/wallShearStress.x volume/U.x volume/p
        do
            grep -qF "Name=\"$array\"" "$queries" || fail "no array $array in $queries"
        done
    done
    grep "^Wrote the latent grid" "$caseDir/log" | sed 's/^/    /'
    pass
    ;;

bareGeometry)
    requireFixture
    caseDir="$(mktemp -d "$work/$check.XXXXXX")"
    trap 'rm -rf "$caseDir"' EXIT
    # The held-out body, the box (1.2 0.6 0.4) (2 1.4 1.4), as a bare STL;
    # then with every triangle turned inward
    python3 - "$caseDir" <<'PY'
import sys
lo, hi = (1.2, 0.6, 0.4), (2.0, 1.4, 1.4)
corner = lambda i: tuple(hi[a] if (i >> a) & 1 else lo[a] for a in range(3))
quads = ((0, 2, 3, 1), (4, 5, 7, 6), (0, 1, 5, 4), (2, 6, 7, 3), (0, 4, 6, 2), (1, 3, 7, 5))
for name, turn in (("box", False), ("inward", True)):
    with open(f"{sys.argv[1]}/{name}.stl", "w") as f:
        f.write("solid body\n")
        for q in quads:
            for t in ((q[0], q[1], q[2]), (q[0], q[2], q[3])):
                t = t[::-1] if turn else t
                f.write("facet normal 0 0 0\nouter loop\n")
                f.writelines("vertex %g %g %g\n" % corner(i) for i in t)
                f.write("endloop\nendfacet\n")
        f.write("endsolid body\n")
PY
    predict()
    {
        local stl="$1"
        shift
        (cd "$caseDir" && predictSurface -model "$model" -magUInf 1 -Aref 0.8 \
            -shear wallShearStress -threads 1 "$@" "$stl" > "log.${stl%.stl}" 2>&1)
    }
    predict box.stl || fail "predictSurface failed: $(tail -20 "$caseDir/log.box")"
    log="$caseDir/log.box"
    faces=$(sed -n 's/^Faces: \([0-9]*\) triangles.*/\1/p' "$log")
    [ "${faces:-0}" -gt 12 ] || fail "the box's 12 triangles were not refined: $(grep -i faces "$log")"
    grep -q "^Volume fields (U p) not predicted" "$log" || fail "the volume fields left out silently"
    cd=$(sed -n 's/^Predicted: Cd \([^ ]*\) .*/\1/p' "$log")
    python3 -c "import math, sys; sys.exit(not math.isfinite(float('${cd:-nan}')))" \
        || fail "no finite Cd: $(grep Predicted "$log")"
    for array in p wallShearStress
    do
        grep -q "Name=\"$array\"" "$caseDir/box_predicted.vtp" || fail "no $array in box_predicted.vtp"
    done
    grep -q "NumberOfPolys=\"$faces\"" "$caseDir/box_predicted.vtp" || fail "box_predicted.vtp has not $faces faces"
    grep "^Faces\|^Predicted" "$log" | sed 's/^/    /'
    predict inward.stl || fail "predictSurface on the inward box failed: $(tail -20 "$caseDir/log.inward")"
    inward=$(sed -n 's/^Predicted: Cd \([^ ]*\) .*/\1/p' "$caseDir/log.inward")
    python3 -c "import sys; sys.exit(not abs(float('${inward:-nan}') - $cd) <= 1e-4*abs($cd))" \
        || fail "the inward box predicts otherwise: $(grep '^Predicted: ' "$caseDir"/log.*)"
    predict box.stl -clip "((0 3 0) (0 1 0))" && fail "a clip plane leaving nothing was accepted"
    grep -q "no part of it lies on the kept side" "$caseDir/log.box" || fail "clip error: $(tail -5 "$caseDir/log.box")"
    predict box.stl -faceSize 0 && fail "-faceSize 0 was accepted"
    grep -q "faceSize" "$caseDir/log.box" || fail "-faceSize error: $(tail -5 "$caseDir/log.box")"
    pass
    ;;

noSignedDistance)
    newFamily
    writeTrainingDict "$caseDir" gino body "p wallShearStress" "signedDistance no;"
    sed -i 's/epochs 20;/epochs 1;/' "$caseDir/system/neuralOperatorDict"
    (cd "$caseDir" && trainNeuralOperator > log 2>&1) \
        || fail "training without the signed distance failed: $(tail -20 "$caseDir/log")"
    trained="$caseDir/constant/neuralOperator/bodies.nop"
    held="$caseDir/heldOut"
    mkdir "$held"
    cp -r "$heldOut/0" "$heldOut/$solverTime" "$heldOut/constant" "$heldOut/system" "$held"
    { header dictionary surrogateDict; cat <<EOF
modelFile   "$trained";
threads     1;
writeTime   1;
EOF
    } > "$held/system/surrogateDict"
    (cd "$held" && surrogateFoam > log 2>&1) || fail "surrogateFoam failed: $(tail -20 "$held/log")"
    [ -s "$held/postProcessing/surrogateFoam/1/surface.vtp" ] || fail "no surface.vtp"
    [ ! -e "$held/postProcessing/surrogateFoam/1/latentGrid.vti" ] \
        || fail "a latent grid written for a model without the signed distance"
    pass
    ;;

patchMissing)
    newFamily
    writeTrainingDict "$caseDir" gino bodyy
    expectTrainingError "patches" "no patch bodyy" "train_0"
    pass
    ;;

fnoWithPatches)
    newFamily
    writeTrainingDict "$caseDir" fno
    expectTrainingError "model" "with patches"
    pass
    ;;

typoData)
    newFamily
    writeTrainingDict "$caseDir" gino body "p" "volumeFeilds (U);"
    expectTrainingError "volumeFeilds"
    pass
    ;;

fieldMissing)
    newFamily
    writeTrainingDict "$caseDir" gino body "pp"
    expectTrainingError "no field pp" "train_0"
    pass
    ;;

*)
    echo "unknown check '$check'"
    exit 2
    ;;
esac

#------------------------------------------------------------------------------
