#!/usr/bin/env bash
# Importer benchmark (docs/sources.md, "Importer performance"): generates
# a Terraform plan and a Structurizr workspace (examples/gen-source.rs,
# N resources / containers each, default 10000), then times `proviso
# check --load-only` (reading, detecting, importing, profiles, building
# the graph) and a full check against fixtures/contracts/azure-openai.contract,
# median of RUNS runs (default 3), with the load average. Prints a table
# and writes it to target/bench/sources.md; it never edits the docs.
#
#   bench/sources.sh
#   N=100000 RUNS=5 bench/sources.sh
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-10000}
RUNS=${RUNS:-3}
OUT=${BENCH_DIR:-target/bench}
AGREEMENT=fixtures/contracts/azure-openai.contract
PROFILES=(--profile profiles/aws-ai.yaml --profile profiles/azure-ai.yaml)
mkdir -p "$OUT"
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
cargo build --release --quiet --bin proviso --example gen-source
BIN=target/release/proviso
GEN=target/release/examples/gen-source

# shellcheck source=bench/lib.sh
source bench/lib.sh

rows=()
for kind in terraform structurizr; do
  file="$OUT/$kind-$N.json"
  [ -f "$file" ] || "$GEN" "$kind" "$N" > "$file"
  size=$(du -k "$file" | cut -f1)
  read -r lt lm < <(measure "$BIN" check "$file" --agreement "$AGREEMENT" "${PROFILES[@]}" --load-only)
  read -r ct cm < <(measure "$BIN" check "$file" --agreement "$AGREEMENT" "${PROFILES[@]}")
  rows+=("| $kind | $N | $((size / 1024)) MB | $lt s | $ct s | $((lm / 1024)) MB | $((cm / 1024)) MB |")
  echo "${rows[-1]}" >&2
done
load=$(cut -d' ' -f1-3 /proc/loadavg)
{
  echo "Measured by \`bench/sources.sh\` on $(nproc) cores, load average $load_start at the start and $load at the end, median of $RUNS runs."
  echo
  echo "| source | resources | file | load only | load + check | RSS (load) | RSS (check) |"
  echo "|:-------|----------:|-----:|----------:|-------------:|-----------:|------------:|"
  printf '%s\n' "${rows[@]}"
} > "$OUT/sources.md"
cat "$OUT/sources.md"
