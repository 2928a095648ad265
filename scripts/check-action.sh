#!/usr/bin/env bash
# Runs scripts/action.sh (the gate step of action.yml) as GitHub would:
# CI and GITHUB_ACTIONS set, GITHUB_WORKSPACE a checkout, RUNNER_TEMP,
# GITHUB_STEP_SUMMARY and GITHUB_OUTPUT files in temporary directories,
# and checks what it leaves there. The install step (cargo install from
# crates.io) is not run: PROVISO_BIN points at the binary just built.
set -euo pipefail
cd "$(dirname "$0")/.."

bin=$(pwd)/target/debug/proviso
base=$(mktemp -d "${TMPDIR:-/tmp}/proviso-action.XXXXXX")
trap 'rm -rf "$base"' EXIT

fail() { echo "check-action: $*" >&2; exit 1; }

# One run of the action with fresh GitHub files; $1 is the expected status.
run_action() {
  local want=$1; shift
  rm -rf "$base/temp" "$base/files" && mkdir -p "$base/temp" "$base/files"
  : > "$base/files/summary.md"; : > "$base/files/output"
  local status=0
  env -i PATH="$PATH" HOME="$HOME" CI=true GITHUB_ACTIONS=true \
    GITHUB_WORKSPACE="$base/workspace" RUNNER_TEMP="$base/temp" \
    GITHUB_STEP_SUMMARY="$base/files/summary.md" GITHUB_OUTPUT="$base/files/output" \
    PROVISO_BIN="$bin" INPUT_FORMAT=github INPUT_STRICT=false INPUT_SARIF=false \
    "$@" bash scripts/action.sh > "$base/files/log" 2>&1 || status=$?
  [ "$status" = "$want" ] || { cat "$base/files/log" >&2; fail "exit $status, wanted $want"; }
  grep -qx "exit-code=$want" "$base/files/output" || fail "GITHUB_OUTPUT lacks exit-code=$want"
}

mkdir -p "$base/workspace/designs" "$base/workspace/contracts"
cp fixtures/topologies/frontier-on-aws.yaml "$base/workspace/designs/"
cp fixtures/contracts/azure-openai.contract "$base/workspace/contracts/"

# A breached design: exit 1, annotations in the log, a job summary, a SARIF file.
run_action 1 INPUT_PATHS=designs INPUT_AGREEMENT=contracts/azure-openai.contract \
  INPUT_AS_OF=2026-11-26 INPUT_SARIF=true
grep -q '^::error' "$base/files/log" || fail "no error annotation in the log"
grep -q '4\.4' "$base/files/summary.md" || fail "the job summary does not name clause 4.4"
grep -qx "sarif=$base/temp/proviso.sarif" "$base/files/output" || fail "GITHUB_OUTPUT lacks the SARIF path"
node -e 'const s=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")); if (s.version !== "2.1.0") process.exit(1)' \
  "$base/temp/proviso.sarif" || fail "the SARIF report is not SARIF 2.1.0"

# In CI a topology may not choose its agreement: without one pinned, exit 2.
run_action 2 INPUT_PATHS=designs INPUT_AS_OF=2026-11-26
# A bad input value is refused before proviso runs.
run_action 2 INPUT_PATHS=designs INPUT_STRICT=yes

# A design that complies: exit 0, with the agreement from proviso.toml.
rm "$base/workspace/designs/frontier-on-aws.yaml"
cp fixtures/topologies/azure-routed.yaml "$base/workspace/designs/"
printf 'agreement = "contracts/azure-openai.contract"\npaths = ["designs"]\n' > "$base/workspace/proviso.toml"
run_action 0 INPUT_AS_OF=2026-11-26
echo "check-action: 4 runs of scripts/action.sh as expected"
