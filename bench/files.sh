#!/usr/bin/env bash
# Many files in parallel (issue 13, docs/performance.md "Many files in
# parallel"): generates FILES small topologies (examples/gen-topology.rs,
# 100 nodes each by default, the generator's smallest, seeds 1..FILES), then checks the directory
# against fixtures/bench/agreement.contract with one rayon thread and with
# THREADS (default: every core), alternating one-thread and many-thread
# runs RUNS times (default 3). Prints each run, the medians, their ratio,
# whether the outputs of both are byte-identical, and the load average at
# the start and the end. It never edits the docs.
#
#   bench/files.sh
#   FILES=1000 RUNS=5 bench/files.sh
set -euo pipefail
cd "$(dirname "$0")/.."
FILES=${FILES:-10000}
NODES=${NODES:-100}
RUNS=${RUNS:-3}
THREADS=${THREADS:-$(nproc)}
OUT=${BENCH_DIR:-target/bench}
DIR="$OUT/files-$FILES-$NODES"
AGREEMENT=fixtures/bench/agreement.contract
cargo build --release --quiet --bin proviso --example gen-topology
BIN=target/release/proviso
GEN=target/release/examples/gen-topology
if [ ! -f "$DIR/done" ]; then
  rm -rf "$DIR" && mkdir -p "$DIR"
  for i in $(seq "$FILES"); do
    "$GEN" --nodes "$NODES" --seed "$i" --out "$DIR/t-$(printf %05d "$i").yaml"
  done
  touch "$DIR/done"
fi
echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
one=() many=()
run() {
  local threads=$1 out=$2
  /usr/bin/time -o "$OUT/files-time.txt" -f %e env RAYON_NUM_THREADS="$threads" "$BIN" check "$DIR" \
    --agreement "$AGREEMENT" --format json >"$out" 2>/dev/null || true
  tail -1 "$OUT/files-time.txt"
}
for i in $(seq "$RUNS"); do
  t=$(run 1 "$OUT/files-1.json"); one+=("$t"); echo "run $i, 1 thread: ${t} s"
  t=$(run "$THREADS" "$OUT/files-n.json"); many+=("$t"); echo "run $i, $THREADS threads: ${t} s"
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
m1=$(median "${one[@]}"); mn=$(median "${many[@]}")
echo "median: 1 thread ${m1} s, $THREADS threads ${mn} s, ratio $(awk -v a="$m1" -v b="$mn" 'BEGIN {printf "%.2f", a / b}')x"
if cmp -s "$OUT/files-1.json" "$OUT/files-n.json"; then
  echo "outputs: byte-identical"
else
  echo "outputs: DIFFER" && exit 1
fi
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
