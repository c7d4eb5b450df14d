#!/usr/bin/env bash
# Grades the class mounted at /submissions into /out (the images' entrypoint).
#
#   entrypoint.sh                 every assignment: /out/<assignment>/<student>/, /out/... gradebook
#   entrypoint.sh ID [ID ...]     these assignments only, the same layout
#
# /submissions holds one folder per student, named by the student id, with <ID>.py in it (or a
# Gradescope export zip). An interrupted run resumes: current grades in /out are kept.
# ULP_SUBMISSIONS, ULP_OUT and ULP (the ulp command) move things, for testing this script
# outside a container; ULP_GRADE_ARGS adds options to `ulp grade` (e.g. "--workers 8").
# The course secret comes from $ULP_COURSE_SECRET or the file $ULP_COURSE_SECRET_FILE
# (default /run/secrets/ulp_course_secret); without either every student gets the defaults.
set -euo pipefail

SUBMISSIONS="${ULP_SUBMISSIONS:-/submissions}"
OUT="${ULP_OUT:-/out}"
ULP="${ULP:-ulp}"
SECRET_FILE="${ULP_COURSE_SECRET_FILE:-/run/secrets/ulp_course_secret}"

if [ ! -e "$SUBMISSIONS" ]; then
    echo "ulp-grade-class (platform/docker/entrypoint.sh): no submissions at $SUBMISSIONS;" \
         "mount the class folder with -v /path/to/class:/submissions:ro" >&2
    exit 2
fi
if [ -z "${ULP_COURSE_SECRET:-}" ] && [ -f "$SECRET_FILE" ]; then
    ULP_COURSE_SECRET="$(cat "$SECRET_FILE")"
    export ULP_COURSE_SECRET
fi
mkdir -p "$OUT"

# shellcheck disable=SC2206 # ULP_GRADE_ARGS is a list of options, split on purpose
extra=(${ULP_GRADE_ARGS:-})
if [ "$#" -eq 0 ]; then
    exec "$ULP" grade --all "$SUBMISSIONS" --out "$OUT" "${extra[@]}"
fi
status=0
for id in "$@"; do
    case "$id" in
        -*) echo "ulp-grade-class (platform/docker/entrypoint.sh): arguments are assignment ids;" \
                 "give options to ulp grade in ULP_GRADE_ARGS, e.g. -e ULP_GRADE_ARGS='--workers 8'" >&2
            exit 2 ;;
    esac
    "$ULP" grade "$id" "$SUBMISSIONS" --out "$OUT" "${extra[@]}" || status=$?
done
exit "$status"
