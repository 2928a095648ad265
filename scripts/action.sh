#!/usr/bin/env bash
# The gate step of action.yml: runs `proviso check` in $GITHUB_WORKSPACE
# with the action's inputs (INPUT_* variables), writes the SARIF report to
# $RUNNER_TEMP when asked, records `exit-code` and `sarif` in
# $GITHUB_OUTPUT, and exits with proviso's status. The job summary comes
# from proviso itself (`--format github` appends to $GITHUB_STEP_SUMMARY).
#
# .ci/run runs this with the variables GitHub would set, pointing at
# temporary directories, and PROVISO_BIN at the binary it built.
set -euo pipefail

: "${GITHUB_WORKSPACE:?GITHUB_WORKSPACE is not set}"
: "${RUNNER_TEMP:?RUNNER_TEMP is not set}"
bin=${PROVISO_BIN:-proviso}
cd "$GITHUB_WORKSPACE"
# Whatever ends the step (a refused input too), the status is an output.
record_status() {
  local status=$?
  if [ -n "${GITHUB_OUTPUT:-}" ]; then echo "exit-code=$status" >> "$GITHUB_OUTPUT"; fi
}
trap record_status EXIT

args=(check)
# Paths are split on whitespace, as a workflow writes them on one line;
# globs are passed through for proviso to expand.
if [ -n "${INPUT_PATHS:-}" ]; then
  set -f
  # shellcheck disable=SC2206
  args+=(${INPUT_PATHS})
  set +f
fi
[ -n "${INPUT_AGREEMENT:-}" ] && args+=(--agreement "$INPUT_AGREEMENT")
[ -n "${INPUT_CONFIG:-}" ] && args+=(--config "$INPUT_CONFIG")
[ -n "${INPUT_WAIVERS:-}" ] && args+=(--waivers "$INPUT_WAIVERS")
[ -n "${INPUT_BASELINE:-}" ] && args+=(--baseline "$INPUT_BASELINE")
[ -n "${INPUT_AS_OF:-}" ] && args+=(--as-of "$INPUT_AS_OF")
format=${INPUT_FORMAT:-github}
args+=(--format "$format")
case "${INPUT_STRICT:-false}" in
  true) args+=(--strict) ;;
  false | "") ;;
  *) echo "::error::input strict must be true or false, not '${INPUT_STRICT}'"; exit 2 ;;
esac
sarif=""
also=""
case "${INPUT_SARIF:-false}" in
  true)
    sarif="$RUNNER_TEMP/proviso.sarif"
    args+=(-o "sarif=$sarif")
    # With a report written to a file, stdout gets the human view; the
    # chosen format goes to a file too, printed after the run (for
    # `github`, the annotations: the runner reads them from stdout).
    also="$RUNNER_TEMP/proviso-report.$format"
    args+=(-o "$format=$also")
    ;;
  false | "") ;;
  *) echo "::error::input sarif must be true or false, not '${INPUT_SARIF}'"; exit 2 ;;
esac

status=0
"$bin" "${args[@]}" || status=$?
if [ -n "$also" ] && [ -f "$also" ]; then
  cat "$also"
fi

if [ -n "${GITHUB_OUTPUT:-}" ] && [ -n "$sarif" ] && [ -f "$sarif" ]; then
  echo "sarif=$sarif" >> "$GITHUB_OUTPUT"
fi
exit "$status"
