#!/bin/bash
#------------------------------------------------------------------------------
# tutorialChecks/ahmedBody.sh
#
# Description
#     Checks on the results of tutorials/ahmedBody/Allrun -small, run by
#     testTutorial.sh in the tutorial's directory with the build's
#     applications on PATH:
#       - every body was meshed by snappyHexMesh (a body patch with faces)
#         and solved, with forceCoeffs and wallShearStress written;
#       - surrogateFoam wrote U, p, k, omega, nut and wallShearStress to
#         time 1 of the held-out body, and OpenFOAM reads them back; the
#         body's wallShearStress and nut (a nutkWallFunction) hold one
#         predicted value per face, not the start time's;
#       - the predicted k and omega are positive (the floors learnt from
#         the training cases);
#       - surface.vtp (VTK) holds p, wallShearStress and nut on every
#         body face, as predicted;
#       - -compare wrote finite errors: on the body for p, wallShearStress
#         and nut, in the latent box for U, p, k, omega and nut; none on the
#         body for omega and U, whose wall values are fixed, not predicted;
#       - latentGrid.vti (VTK ImageData) beside it holds the body's
#         signedDistance and insideBody, some grid points inside the body;
#         trainNeuralOperator -writeVtk wrote every case's latent grid and
#         queries;
#       - forceCoeffs ran on the predicted fields: finite Cd and Cl;
#       - predictSurface on the held-out body's bare STL (clipped at the
#         symmetry plane) wrote p, wallShearStress and nut on its faces, and
#         its Cd and that of forceCoeffs on surrogateFoam's prediction (the
#         same model on the same body, without and with the mesh) lie
#         within BARE_CD_TOLERANCE (default 0.25) of the solver's Cd of each
#         other;
#         the summary's bare-geometry row shows both;
#       - Allrun's summary shows the errors and both Cd of relativeL2.dat
#         and coefficient.dat;
#       - the function object initialised the warm start (first Ux residual
#         below the cold start's 1).
#
# Usage
#     ahmedBody.sh <file holding the output of Allrun>
#------------------------------------------------------------------------------
set -u

allrunOutput="$1"

fail()
{
    echo "FAIL: $*"
    exit 1
}

test=cases/test_17

# bodyFaces <case>: the faces of its patch body (constant/polyMesh/boundary)
bodyFaces()
{
    awk '$1 == "body" { inBody = 1 } inBody && $1 == "nFaces" { sub(";", "", $2); print $2; exit }' \
        "$1/constant/polyMesh/boundary"
}

# -- Meshes and solver runs ----------------------------------------------------
for dir in cases/train_* "$test"
do
    faces=$(bodyFaces "$dir")
    [ "${faces:-0}" -gt 100 ] || fail "$dir: no body patch meshed (nFaces ${faces:-none})"
    [ -s "$dir/postProcessing/forceCoeffs/0/coefficient.dat" ] \
        || fail "$dir: forceCoeffs wrote nothing"
    last=$(foamListTimes -case "$dir" -latestTime 2>/dev/null | tail -1)
    [ -f "$dir/$last/wallShearStress" ] || fail "$dir: no wallShearStress at its latest time"
done

# -- The prediction --------------------------------------------------------------
for field in U p k omega nut wallShearStress
do
    foamDictionary -entry internalField -value "$test/1/$field" > /dev/null 2>&1 \
        || fail "surrogateFoam's $test/1/$field is missing or unreadable"
done
python3 - "$test/1" "$(bodyFaces "$test")" <<'PY' || fail "the body's predicted patch values are wrong"
import re, sys
directory, faces = sys.argv[1], int(sys.argv[2])
for field in ("nut", "wallShearStress"):
    text = open(f"{directory}/{field}").read()
    body = text[text.index("boundaryField"):]
    body = body[re.search(r"\n\s*body\s*\n", body).end():]
    body = body[:body.index("}")]
    assert "nonuniform" in body, (field, "body values are uniform: not predicted")
    count = int(re.search(r"nonuniform List<\w+>\s*(\d+)", body).group(1))
    assert count == faces, (field, count, faces)
    print(f"{field}: {count} predicted values on the body")
PY

# k and omega positive in every training case: the prediction too (floors)
python3 - "$test/1" <<'PY' || fail "a predicted k or omega is not positive"
import re, sys
for field in ("k", "omega"):
    text = open(f"{sys.argv[1]}/{field}").read()
    cells = text[text.index("internalField"):text.index("boundaryField")]
    values = [float(v) for v in cells[cells.index("(") + 1:cells.rindex(")")].split()]
    assert values and min(values) > 0, (field, min(values))
    print(f"{field}: {len(values)} predicted cell values, the least {min(values):.3g}")
PY

surface="$test/postProcessing/surrogateFoam/1/surface.vtp"
python3 - "$surface" "$(bodyFaces "$test")" <<'PY' || fail "surface.vtp of the prediction on the body is wrong"
import re, sys
text = open(sys.argv[1]).read()
polys = int(re.search(r"NumberOfPolys=['\"](\d+)", text).group(1))
assert polys == int(sys.argv[2]), (polys, sys.argv[2])
names = set(re.findall(r"<DataArray[^>]*Name=['\"]([^'\"]+)", text))
assert {"p", "wallShearStress", "nut"} <= names, names
print(f"surface.vtp: {polys} faces with {sorted(names)}")
PY
ls -A "$test/postProcessing/surrogateFoam/1" | grep -q '^\.surface' && fail "a temporary surface file was left"

errors="$test/postProcessing/surrogateFoam/1/relativeL2.dat"
python3 - "$errors" <<'PY' || fail "relative L2 errors missing or not finite in $errors"
import math, sys
rows = {r[0]: [float(v) for v in r[1:]] for r in
        (l.split() for l in open(sys.argv[1]) if l.strip() and not l.startswith('#'))}
assert set(rows) == {"U", "p", "k", "omega", "nut", "wallShearStress"}, rows
for field in ("p", "wallShearStress", "nut"):
    assert math.isfinite(rows[field][1]) and rows[field][1] >= 0, (field, rows[field])
for field in ("U", "p", "k", "omega", "nut"):
    assert math.isfinite(rows[field][0]) and rows[field][0] >= 0, (field, rows[field])
assert rows["wallShearStress"][0] == -1, rows["wallShearStress"]
# Wall values the prediction does not set (omega's wall function, U's
# noSlip: fixed values kept) are not measured on the body
assert rows["omega"][1] == -1 and rows["U"][1] == -1, (rows["omega"], rows["U"])
PY

# -- VTK of the latent grid ---------------------------------------------------------
python3 - "$test/postProcessing/surrogateFoam/1/latentGrid.vti" <<'PY' || fail "latentGrid.vti of the prediction"
import base64, math, re, struct, sys, zlib
text = open(sys.argv[1]).read()
assert 'type="ImageData"' in text, "not ImageData"
word = 8 if 'header_type="UInt64"' in text else 4
extent = [int(v) for v in re.search(r'WholeExtent="([^"]+)"', text).group(1).split()]
points = (extent[1] + 1)*(extent[3] + 1)*(extent[5] + 1)
arrays = {name: re.sub(r"\s", "", data) for name, data in
          re.findall(r'<DataArray[^>]*Name="(\w+)"[^>]*>([^<]*)</DataArray>', text)}
assert {"signedDistance", "insideBody"} <= set(arrays), arrays.keys()

def values(data, fmt):
    # Binary, zlib-compressed (vtkZLibDataCompressor): the header (blocks,
    # block size, last block size, compressed sizes) and the blocks
    # base64-encoded separately
    unit = "<Q" if word == 8 else "<I"
    blocks = struct.unpack(unit, base64.b64decode(data[:4*math.ceil(3*word/3)])[:word])[0]
    headerChars = 4*math.ceil((3 + blocks)*word/3)
    header = base64.b64decode(data[:headerChars])
    sizes = struct.unpack("<%d%s" % (blocks, unit[1]), header[3*word:(3 + blocks)*word])
    body, out, at = base64.b64decode(data[headerChars:]), b"", 0
    for size in sizes:
        out += zlib.decompress(body[at:at + size])
        at += size
    return struct.unpack("<%d%s" % (len(out)//struct.calcsize(fmt), fmt), out)

inside = values(arrays["insideBody"], "B")
distance = values(arrays["signedDistance"], "f")
assert len(inside) == len(distance) == points, (len(inside), len(distance), points)
assert 0 < sum(inside) < points, sum(inside)
assert all((d < 0) == bool(i) for d, i in zip(distance, inside))
print(f"latentGrid.vti: {points} points, {sum(inside)} inside the body,"
      f" distances {min(distance):.3f} to {max(distance):.3f} m")
PY
for dir in cases/train_* "$test"
do
    name=${dir#cases/}
    for file in "$name.latentGrid.vti" "$name.queries.vtp"
    do
        [ -s "postProcessing/trainNeuralOperator/$file" ] \
            || fail "trainNeuralOperator -writeVtk wrote no postProcessing/trainNeuralOperator/$file"
    done
done

# -- forceCoeffs on the prediction -------------------------------------------------
python3 - "$test/log.simpleFoam.predicted" "$allrunOutput" "$test" <<'PY' \
    || fail "forceCoeffs on the predicted fields, or Allrun's summary of it"
import math, re, sys
log, allrun, case = sys.argv[1:]
text = open(log).read()
assert "Create mesh for time = 1" in text and "\nTime = 1\n" in text, "not run on time 1"
coefficient = lambda name: float(re.findall(r"^\s*%s\s*:\s*(\S+)" % name, text, re.M)[-1])
cd, cl = coefficient("Cd"), coefficient("Cl")
assert math.isfinite(cd) and math.isfinite(cl), (cd, cl)
print(f"forceCoeffs on the prediction: Cd {cd:.4f}, Cl {cl:.4f}")

def solver(path):
    ls = open(path).read().splitlines()
    header = [l for l in ls if l.startswith("# Time")][-1][1:].split()
    row = [l for l in ls if not l.startswith("#")][-1].split()
    return float(row[header.index("Cd")]), float(row[header.index("Cl")])
errors = {r[0]: r[1:] for r in (l.split() for l in open(f"{case}/postProcessing/surrogateFoam/1/relativeL2.dat")) if r and r[0] != "#"}
row = next(l.split() for l in open(allrun).read().splitlines() if l.split()[:1] == [case.split("/")[-1]])
expected = [f"{float(errors['p'][1]):.4f}", f"{float(errors['wallShearStress'][1]):.4f}",
            f"{float(errors['U'][0]):.4f}", f"{float(errors['p'][0]):.4f}"]
assert row[1:5] == expected, (row, expected)
cdSolver, clSolver = solver(f"{case}/postProcessing/forceCoeffs/0/coefficient.dat")
assert row[5] == f"{cdSolver:.4f}/{cd:.4f}", (row[5], cdSolver, cd)
assert row[6] == f"{clSolver:.4f}/{cl:.4f}", (row[6], clSolver, cl)
print("summary row matches relativeL2.dat, coefficient.dat and the post-processing log")
PY

# -- The bare geometry ----------------------------------------------------------------
python3 - "$test" "$allrunOutput" "${BARE_CD_TOLERANCE:-0.25}" <<'PY' \
    || fail "predictSurface on the bare STL, or Allrun's summary of it"
import math, re, sys
case, allrun, tolerance = sys.argv[1], sys.argv[2], float(sys.argv[3])
log = open(f"{case}/log.predictSurface").read()
bare = re.search(r"^Predicted: Cd (\S+) .*, Cl (\S+) ", log, re.M)
cdBare, clBare = float(bare.group(1)), float(bare.group(2))
faces = int(re.search(r"^Faces: (\d+) triangles", log, re.M).group(1))
text = open(f"{case}/postProcessing/predictSurface/body_predicted.vtp").read()
polys = int(re.search(r'NumberOfPolys="(\d+)"', text).group(1))
names = set(re.findall(r'<DataArray[^>]*Name="([^"]+)"', text))
assert polys == faces and {"p", "wallShearStress", "nut"} <= names, (polys, faces, names)
predicted = open(f"{case}/log.simpleFoam.predicted").read()
cdMesh = float(re.findall(r"^\s*Cd\s*:\s*(\S+)", predicted, re.M)[-1])
lines = open(f"{case}/postProcessing/forceCoeffs/0/coefficient.dat").read().splitlines()
header = [l for l in lines if l.startswith("# Time")][-1][1:].split()
cdSolver = float([l for l in lines if not l.startswith("#")][-1].split()[header.index("Cd")])
print(f"predictSurface on the bare STL: {faces} faces, Cd {cdBare:.4f}, Cl {clBare:.4f};"
      f" forceCoeffs on surrogateFoam's prediction: Cd {cdMesh:.4f}; solver: Cd {cdSolver:.4f}")
# The same model on the same body, with and without the mesh: within a
# share of the solver's Cd of each other
assert math.isfinite(cdBare) and abs(cdBare - cdMesh) <= tolerance*abs(cdSolver), \
    (cdBare, cdMesh, cdSolver)
rows = [l.split() for l in open(allrun).read().splitlines() if l.split()[:1] == [case.split("/")[-1]]]
assert len(rows) == 2 and rows[1][1].endswith(f"/{cdBare:.4f}"), rows
PY

# -- Warm start --------------------------------------------------------------------
grep -q "neuralOperator surrogate: initialised" cases/warmStart/log.simpleFoam \
    || fail "the function object did not initialise the warm start"
firstUx()
{
    grep -m1 "Solving for Ux" "$1" | sed 's/.*Initial residual = \([^,]*\),.*/\1/'
}
[ "$(firstUx cases/coldStart/log.simpleFoam)" = 1 ] \
    || fail "cold start: first Ux residual is not 1"
[ "$(firstUx cases/warmStart/log.simpleFoam)" != 1 ] \
    || fail "warm start: the solver did not start from the prediction"

echo "ahmedBody checks passed"
