#!/bin/bash
#------------------------------------------------------------------------------
# testParallelSampling.sh
#
# Description
#     Serial against decomposed: makes a channel with a square hole
#     (blockMesh, 8 blocks, 512 cells) in a temporary directory, decomposes
#     it (2 processors, by the method given), runs testParallelSampling
#     serially and under mpirun -np 2 ... -parallel, and compares what both
#     wrote: the grid values (mask, signed wall distance, sampled fields)
#     and the written-back cell and boundary face values (the write-back
#     path of surrogateFoam and the function object, with and without a
#     lower bound); the processor patches must hold the values across them.
#     Passes when the max abs difference is below 1e-12 relative to the max
#     abs value, and every value is in both files. Observed: 0 (bitwise
#     equal) with both methods.
#
# Usage
#     testParallelSampling.sh <testParallelSampling executable> [method]
#
#     method: a decomposition method of decomposePar: simple (default; a
#     plane through the hole) or random (every cell to a random processor:
#     processor boundaries everywhere). Debian's scotch and metis
#     decompositions are stubs.
#
#     Exit status 77 (CTest SKIP_RETURN_CODE): mpirun is not installed.
#------------------------------------------------------------------------------
set -u

if [ "$#" -lt 1 ] || [ "$#" -gt 2 ]
then
    sed -n '/^# Usage/,/^#---/{/^#---/d;s/^# \{0,1\}//;p}' "$0"
    exit 2
fi

exe="$(cd "$(dirname "$1")" && pwd -P)/$(basename "$1")"
export WM_PROJECT_DIR="${WM_PROJECT_DIR:-/usr/share/openfoam}"
method="${2:-simple}"
nProcs=2
tolerance=1e-12

if ! command -v mpirun > /dev/null
then
    echo "SKIP: mpirun not found (Debian package openmpi-bin)"
    exit 77
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/testParallelSampling.XXXXXX")"
trap 'rm -rf "$work"' EXIT

fail()
{
    echo "FAILED: $*"
    for log in "$work"/log.*
    do
        [ -f "$log" ] && { echo "--- $log"; tail -20 "$log"; }
    done
    exit 1
}

header()
{
    cat <<EOF
FoamFile
{
    version 2.0;
    format ascii;
    class $1;
    object $2;
}
EOF
}

# -- The case -----------------------------------------------------------------
mkdir -p "$work/system" "$work/0"

{
    header dictionary controlDict
    cat <<'EOF'
application testParallelSampling;
startFrom startTime;
startTime 0;
stopAt endTime;
endTime 1;
deltaT 1;
writeControl timeStep;
writeInterval 1;
writePrecision 17;
EOF
} > "$work/system/controlDict"

{
    header dictionary fvSchemes
    cat <<'EOF'
ddtSchemes {}
gradSchemes {}
divSchemes {}
laplacianSchemes {}
interpolationSchemes {}
snGradSchemes {}
EOF
} > "$work/system/fvSchemes"

{ header dictionary fvSolution; } > "$work/system/fvSolution"

{
    header dictionary decomposeParDict
    cat <<EOF
numberOfSubdomains $nProcs;
method $method;
simpleCoeffs { n (2 1 1); delta 0.001; }
EOF
} > "$work/system/decomposeParDict"

# [0,3]x[0,3]x[0,1] of 3x3 blocks less the centre one: a hole [1,2]^2
v() { echo $(( $3*16 + $2*4 + $1 )); }
# A face by the (i j k) of its 4 vertices
quad()
{
    echo "        ($(v $1 $2 $3) $(v $4 $5 $6) $(v $7 $8 $9) $(v ${10} ${11} ${12}))"
}
{
    header dictionary blockMeshDict
    echo "convertToMeters 1;"
    echo "vertices ("
    for k in 0 1; do for j in 0 1 2 3; do for i in 0 1 2 3
    do
        echo "    ($i $j $k)"
    done; done; done
    echo ");"
    echo "blocks ("
    inlet="" outlet="" walls="" frontAndBack=""
    for j in 0 1 2
    do
        for i in 0 1 2
        do
            [ "$i$j" = 11 ] && continue
            i1=$((i + 1)) j1=$((j + 1))
            echo "    hex ($(v $i $j 0) $(v $i1 $j 0) $(v $i1 $j1 0)" \
                 "$(v $i $j1 0) $(v $i $j 1) $(v $i1 $j 1) $(v $i1 $j1 1)" \
                 "$(v $i $j1 1)) (4 4 4) simpleGrading (1 1 1)"
            nl=$'\n'
            [ "$i" = 0 ] && inlet+="$(quad 0 $j 0  0 $j 1  0 $j1 1  0 $j1 0)$nl"
            [ "$i" = 2 ] && outlet+="$(quad 3 $j 0  3 $j1 0  3 $j1 1  3 $j 1)$nl"
            [ "$j" = 0 ] && walls+="$(quad $i 0 0  $i1 0 0  $i1 0 1  $i 0 1)$nl"
            [ "$j" = 2 ] && walls+="$(quad $i 3 0  $i 3 1  $i1 3 1  $i1 3 0)$nl"
            frontAndBack+="$(quad $i $j 0  $i $j1 0  $i1 $j1 0  $i1 $j 0)$nl"
            frontAndBack+="$(quad $i $j 1  $i1 $j 1  $i1 $j1 1  $i $j1 1)$nl"
        done
    done
    echo ");"
    echo "edges ();"
    echo "boundary ("
    echo "    inlet { type patch; faces ("
    echo -n "$inlet"
    echo "    ); }"
    echo "    outlet { type patch; faces ("
    echo -n "$outlet"
    echo "    ); }"
    echo "    walls { type wall; faces ("
    echo -n "$walls"
    echo "    ); }"
    echo "    frontAndBack { type patch; faces ("
    echo -n "$frontAndBack"
    echo "    ); }"
    echo ");"
    echo "defaultPatch { name hole; type wall; }"
} > "$work/system/blockMeshDict"

# f: fixed at the inlet, a wall function at the hole (kept, never
# evaluated: that would need a turbulence model), zeroGradient at the
# outlet and front/back and calculated on the walls (interpolated)
{
    header volScalarField f
    cat <<'EOF'
dimensions [0 0 0 0 0 0 0];
internalField uniform 0;
boundaryField
{
    inlet { type fixedValue; value uniform 1; }
    hole { type nutkWallFunction; value uniform 0; }
    outlet { type zeroGradient; }
    frontAndBack { type zeroGradient; }
    walls { type calculated; value uniform 0; }
}
EOF
} > "$work/0/f"

blockMesh -case "$work" > "$work/log.blockMesh" 2>&1 \
    || fail "blockMesh"
decomposePar -case "$work" > "$work/log.decomposePar" 2>&1 \
    || fail "decomposePar"

# -- Serial and parallel runs -------------------------------------------------
"$exe" -case "$work" -output "$work/serial.txt" \
    > "$work/log.serial" 2>&1 \
    || fail "serial run"
mpirun --allow-run-as-root --oversubscribe -np "$nProcs" \
    "$exe" -case "$work" -parallel -output "$work/parallel.txt" \
    > "$work/log.parallel" 2>&1 \
    || fail "parallel run"

for proc in $(seq 0 $((nProcs - 1)))
do
    for field in fBack fBounded UBack
    do
        [ -f "$work/processor$proc/0/$field" ] \
            || fail "processor$proc/0/$field not written"
    done
done
grep -q "Every processor holds the whole grid: yes" "$work/log.parallel" \
    || fail "not every processor holds the whole grid"
grep -q "Coupled patches evaluated: yes" "$work/log.parallel" \
    || fail "the processor patches do not hold the values across them"

# -- Comparison ---------------------------------------------------------------
awk -v tol="$tolerance" '
    function abs(x) { return x < 0 ? -x : x }
    NR == FNR { ref[$1 " " $2] = $3; n[$1]++; next }
    {
        key = $1 " " $2
        if (!(key in ref)) { missing++; next }
        d = abs($3 - ref[key])
        if (d > maxDiff[$1]) maxDiff[$1] = d
        if (d > maxDiffAll) maxDiffAll = d
        if (abs(ref[key]) > maxAbs) maxAbs = abs(ref[key])
        seen[key] = 1
        nPar++
    }
    END {
        for (key in ref) if (!(key in seen)) missing++
        for (q in n)
            printf "    %-14s %6d values, max abs difference %g\n",
                q, n[q], maxDiff[q]
        printf "serial vs parallel: max abs difference %g, max abs value %g," \
               " relative %g (tolerance %g), %d values, %d missing\n",
               maxDiffAll, maxAbs, maxDiffAll/maxAbs, tol, nPar, missing
        exit (missing == 0 && nPar > 0 && maxDiffAll <= tol*maxAbs) ? 0 : 1
    }
' "$work/serial.txt" "$work/parallel.txt" \
    || fail "serial and parallel results differ"

grep "Grid points" "$work/log.parallel"
echo "PASSED"

#------------------------------------------------------------------------------
