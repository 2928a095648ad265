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

# median wall time and peak RSS of the runs of one command: "seconds kilobytes"
measure() {
  local runs=() rss=()
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -v "$@" >/dev/null 2>"$OUT/time.txt" || true
    runs+=("$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$OUT/time.txt")")
    rss+=("$(awk -F': ' '/Maximum resident set size/ {print $2}' "$OUT/time.txt")")
  done
  local t m
  t=$(printf '%s\n' "${runs[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  m=$(printf '%s\n' "${rss[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  echo "$t $m"
}

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
