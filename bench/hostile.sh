#!/usr/bin/env bash
# Hostile inputs, measured (docs/security.md, "Resources: hostile inputs,
# measured"): generates the inputs with `examples/gen-hostile.rs` and
# `examples/gen-topology.rs`, then runs each under /usr/bin/time -v and
# prints a Markdown table of median wall time, median peak RSS, exit code
# and output size. With BEFORE=path/to/old/proviso, each row is measured
# for both binaries, alternately (before, after, before, after...), so a
# noisy shared machine disturbs both alike.
#
#   bench/hostile.sh
#   BEFORE=/tmp/proviso-before RUNS=3 TIMEOUT=60 bench/hostile.sh
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
TIMEOUT=${TIMEOUT:-120}
OUT=${BENCH_DIR:-target/hostile}
AFTER=${AFTER:-target/release/proviso}
BEFORE=${BEFORE:-}
AS_OF=2026-11-26
HOSTILE=fixtures/bench/hostile.contract
ESTATE=fixtures/bench/agreement.contract
mkdir -p "$OUT"

cargo build --release --quiet --bin proviso --example gen-hostile --example gen-topology
GEN=target/release/examples/gen-hostile
GENT=target/release/examples/gen-topology

"$GEN" md 491520 >"$OUT/doc-480k.md"
"$GEN" md 983040 >"$OUT/doc-960k.md"
"$GEN" chain 2000 >"$OUT/chain-2000.json"
for n in 20000 100000; do
  "$GENT" --nodes "$n" --seed 7 --json >"$OUT/estate-$n.json"
  tr -d '\n' <"$OUT/estate-$n.json" >"$OUT/estate-$n-min.json"
done

# One run: prints "seconds kilobytes exit bytes" (exit 124: timed out).
once() {
  local bin=$1 fmt=$2; shift 2
  local code=0
  /usr/bin/time -v timeout "$TIMEOUT" "$bin" check "$@" --as-of "$AS_OF" --format "$fmt" \
    >"$OUT/out" 2>"$OUT/time.txt" || code=$?
  local t m
  t=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$OUT/time.txt")
  m=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$OUT/time.txt")
  [ "$code" = 124 ] && t=">$TIMEOUT" && m="?"
  echo "${t:-?} ${m:-?} $code $(wc -c <"$OUT/out")"
}

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# row LABEL FORMAT ARGS...: one table row per binary.
row() {
  local label=$1 fmt=$2; shift 2
  local bins=("$AFTER") names=(after)
  if [ -n "$BEFORE" ]; then bins=("$BEFORE" "$AFTER"); names=(before after); fi
  declare -A ts ms codes sizes
  for _ in $(seq "$RUNS"); do
    for i in "${!bins[@]}"; do
      read -r t m c s < <(once "${bins[$i]}" "$fmt" "$@")
      ts[$i]+="$t "; ms[$i]+="$m "; codes[$i]=$c; sizes[$i]=$s
    done
  done
  for i in "${!bins[@]}"; do
    local t m
    t=$(tr ' ' '\n' <<<"${ts[$i]}" | grep . | median)
    m=$(tr ' ' '\n' <<<"${ms[$i]}" | grep . | median)
    [[ "$m" =~ ^[0-9]+$ ]] && m=$((m / 1024)) || m="n/a"
    echo "| $label | ${names[$i]} | $t | $m | ${codes[$i]} | ${sizes[$i]} |"
  done
}

echo "load average before: $(uptime | sed 's/.*load average: //')"
echo
echo "| input | binary | wall s (median) | peak RSS MiB (median) | exit | output bytes |"
echo "|---|---|---|---|---|---|"
row "Markdown doc, 480 KB of one-line blocks" human "$OUT/doc-480k.md" --agreement "$HOSTILE"
row "Markdown doc, 960 KB of one-line blocks" human "$OUT/doc-960k.md" --agreement "$HOSTILE"
row "chain of 2,000 models, JSON report" json "$OUT/chain-2000.json" --agreement "$HOSTILE"
row "chain of 2,000 models, SARIF report" sarif "$OUT/chain-2000.json" --agreement "$HOSTILE"
for n in 20000 100000; do
  row "estate of $n nodes, pretty JSON" human "$OUT/estate-$n.json" --agreement "$ESTATE"
  row "estate of $n nodes, minified JSON (one line)" human "$OUT/estate-$n-min.json" --agreement "$ESTATE"
done
echo
echo "load average after: $(uptime | sed 's/.*load average: //')"
