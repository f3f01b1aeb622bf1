#!/bin/bash
#------------------------------------------------------------------------------
# testTutorial.sh
#
# Description
#     Runs a tutorial's Allrun in small mode on a copy of it (the source tree
#     stays clean), with the applications and function objects of the build
#     tree, then its Allclean; checks that the report was written, runs the
#     tutorial's own checks (tests/foam/tutorialChecks/<tutorial>.sh, if
#     any, given the file holding the output of Allrun) on its results, and
#     checks that Allclean returns the copy to its committed state.
#
# Usage
#     testTutorial.sh <build directory> <tutorial>
#
#     e.g. testTutorial.sh build burgers
#
#     Exit status 77 (CTest SKIP_RETURN_CODE): the shared data is absent.
#
# Environment
#     NOP_SHARED_DATA  folder holding neuraloperator/ (default:
#                      <project>/../shared/data)
#------------------------------------------------------------------------------
set -u

if [ "$#" -ne 2 ]
then
    sed -n '/^# Usage/,/^# Environment/{/^# Environment/d;s/^# \{0,1\}//;p}' "$0"
    exit 2
fi

buildDir="$(cd "$1" && pwd -P)"
tutorial="$2"

projectDir="$(cd "$(dirname "$0")/../.." && pwd -P)"
export FOAM_NEURALOPERATOR="$projectDir"
export NOP_SHARED_DATA="${NOP_SHARED_DATA:-$projectDir/../shared/data}"
. "$projectDir/tests/foam/functions"
useBuild "$buildDir"

if grep -q requireSharedData "$projectDir/tutorials/$tutorial/Allrun" \
&& [ ! -d "$NOP_SHARED_DATA/neuraloperator" ]
then
    echo "SKIP: shared data not found ($NOP_SHARED_DATA/neuraloperator);" \
         "set NOP_SHARED_DATA"
    exit 77
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/testTutorial.XXXXXX")"
trap '[ -n "${NOP_KEEP_TEST:-}" ] || rm -rf "$work"' EXIT

# Copy the committed files only: the source tree's tutorial may hold the
# outputs of an earlier ./Allrun.
mkdir -p "$work/tutorials"
if git -C "$projectDir" rev-parse --git-dir > /dev/null 2>&1
then
    (cd "$projectDir" && git ls-files -z tutorials/bin "tutorials/$tutorial" \
        | xargs -0 cp --parents -t "$work")
else
    cp -r "$projectDir/tutorials/bin" "$projectDir/tutorials/$tutorial" "$work/tutorials/"
    "$work/tutorials/$tutorial/Allclean"
fi
caseDir="$work/tutorials/$tutorial"
(cd "$caseDir" && find . -type f | sort) > "$work/committed"

fail()
{
    echo "FAIL ($tutorial): $*"
    exit 1
}

"$caseDir/Allrun" -small > "$work/Allrun.out" 2>&1
status=$?
cat "$work/Allrun.out"
[ "$status" -eq 0 ] || fail "Allrun -small exit status $status"

report="$(find "$caseDir/constant" -name '*.json' | head -1)"
[ -n "$report" ] || fail "no report written"
python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$report" \
    || fail "report $report is not JSON"

checks="$projectDir/tests/foam/tutorialChecks/$tutorial.sh"
if [ -f "$checks" ]
then
    (cd "$caseDir" && bash "$checks" "$work/Allrun.out") || fail "checks of $checks"
fi

"$caseDir/Allclean" || fail "Allclean exit status $?"
(cd "$caseDir" && find . -type f | sort) > "$work/cleaned"
diff "$work/committed" "$work/cleaned" \
    || fail "Allclean left the files above different from the committed state"

echo "PASS ($tutorial)"

#------------------------------------------------------------------------------
