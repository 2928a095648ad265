#!/usr/bin/env bash
# End-to-end benchmark: generates topologies at 1k, 10k, 100k and 1M nodes
# (YAML and JSON, seed 7, no bypass), then times `proviso check` with
# `--load-only` and with every clause of fixtures/bench/agreement.contract,
# (wall time to the millisecond, peak RSS; bench/lib.sh). Each measurement
# is the median of RUNS runs (default 3), and the growth of the full
# check's time from 100k to 1M nodes is given under the table. Writes the table to docs/performance.md
# between the BEGIN/END markers, with the machine's load average at the
# start and the end. The machine is shared: when either 1-minute load
# average is above MAX_LOAD (default 1.5), the table is only written to
# target/bench/table.md and docs/performance.md is left alone, unless
# NOISY=1, which writes it marked as measured under load.
#
#   bench/run.sh                 # everything (1M YAML included)
#   SIZES="1000 10000" bench/run.sh
#   SKIP_YAML_ABOVE=100000 bench/run.sh   # skip YAML above this size
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=${SIZES:-"1000 10000 100000 1000000"}
RUNS=${RUNS:-3}
SKIP_YAML_ABOVE=${SKIP_YAML_ABOVE:-0}
OUT=${BENCH_DIR:-target/bench}
AGREEMENT=fixtures/bench/agreement.contract
AS_OF=2026-11-26
MAX_LOAD=${MAX_LOAD:-1.5}
NOISY=${NOISY:-0}
mkdir -p "$OUT"
load_start=$(cut -d' ' -f1-3 /proc/loadavg)

cargo build --release --quiet --bin proviso --example gen-topology
BIN=target/release/proviso
GEN=target/release/examples/gen-topology

# shellcheck source=bench/lib.sh
source bench/lib.sh

rows=()
declare -A full
for n in $SIZES; do
  for fmt in yaml json; do
    if [ "$fmt" = yaml ] && [ "$SKIP_YAML_ABOVE" -gt 0 ] && [ "$n" -gt "$SKIP_YAML_ABOVE" ]; then
      rows+=("| $n | $((3 * n)) | yaml | skipped | | | | |")
      continue
    fi
    file="$OUT/topology-$n.$fmt"
    flag=""; [ "$fmt" = json ] && flag="--json"
    [ -f "$file" ] || "$GEN" --nodes "$n" --seed 7 $flag --out "$file"
    size=$(du -m "$file" | cut -f1)
    read -r lt lm < <(measure "$BIN" check "$file" --agreement "$AGREEMENT" --as-of "$AS_OF" --load-only)
    read -r ct cm < <(measure "$BIN" check "$file" --agreement "$AGREEMENT" --as-of "$AS_OF")
    clauses=$(awk -v a="$ct" -v b="$lt" 'BEGIN {printf "%.3f", a - b}')
    rows+=("| $n | $((3 * n)) | $fmt | $size MB | $lt s | $ct s | $clauses s | $((cm / 1024)) MB |")
    full["$n-$fmt"]=$ct
    echo "${rows[-1]}" >&2
  done
done

load=$(cut -d' ' -f1-3 /proc/loadavg)
# Whether either 1-minute load average exceeded MAX_LOAD.
noisy=$(awk -v a="${load_start%% *}" -v b="${load%% *}" -v m="$MAX_LOAD" 'BEGIN {print (a > m || b > m) ? 1 : 0}')
{
  echo "<!-- BEGIN bench/run.sh -->"
  if [ "$noisy" = 1 ]; then
    echo "**Noisy: measured under load (1-minute load average above $MAX_LOAD); the figures are slower than on an idle machine.**"
    echo
  fi
  echo "Measured by \`bench/run.sh\` on $(nproc) cores, $(uname -sm), load average $load_start at the start and $load at the end, median of $RUNS runs; 20 clauses; rustc $(rustc --version | cut -d' ' -f2)."
  echo
  echo "| nodes | edges | format | file | load only | load + check | check | peak RSS |"
  echo "|------:|------:|:------:|-----:|----------:|-------------:|------:|---------:|"
  printf '%s\n' "${rows[@]}"
  for fmt in json yaml; do
    a=${full["100000-$fmt"]:-}; b=${full["1000000-$fmt"]:-}
    if [ -n "$a" ] && [ -n "$b" ]; then
      echo
      echo "Growth of the full check from 100k to 1M nodes, $fmt: $(awk -v a="$a" -v b="$b" 'BEGIN {printf "%.1f", b / a}')x ($a s to $b s)."
    fi
  done
  echo "<!-- END bench/run.sh -->"
} > "$OUT/table.md"

DOC=docs/performance.md
if [ "$noisy" = 1 ] && [ "$NOISY" != 1 ]; then
  cat "$OUT/table.md"
  echo "load average $load_start at the start, $load at the end (above $MAX_LOAD): $DOC not rewritten; the table is in $OUT/table.md (NOISY=1 writes it, marked noisy)" >&2
  exit 0
fi
if [ -f "$DOC" ] && grep -q '<!-- BEGIN bench/run.sh -->' "$DOC"; then
  awk -v table="$OUT/table.md" '
    /<!-- BEGIN bench\/run.sh -->/ { while ((getline line < table) > 0) print line; skip = 1; next }
    /<!-- END bench\/run.sh -->/ { skip = 0; next }
    !skip { print }' "$DOC" > "$DOC.new" && mv "$DOC.new" "$DOC"
else
  mkdir -p docs && cat "$OUT/table.md" > "$DOC"
fi
cat "$OUT/table.md"

# The importers (a generated Terraform plan and Structurizr workspace):
# their own table, target/bench/sources.md (SOURCES=0 skips them).
if [ "${SOURCES:-1}" = 1 ]; then
  bench/sources.sh
fi
