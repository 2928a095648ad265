#!/usr/bin/env bash
# proviso next to regorus (Rego in Rust) on one waypoint property, on the
# same JSON topology. Not part of CI: it installs regorus's example CLI
# from crates.io (`cargo install regorus --example regorus`) into
# target/peers. Times the two alternately, RUNS times each (default 3),
# and writes the runs, the medians and their ratio to
# target/peers/result-NODES.md.
#
#   NODES=1000000 bench/peers.sh
#   NODES=100000 RUNS=5 bench/peers.sh
#
# The property is clause R1 of fixtures/bench/agreement.contract, letter
# reading: "api access from callers to models must route via gateways",
# i.e. no model is reachable from a client or agent over api edges whose
# interior avoids every gateway. In Rego: reachability over the api edges
# that leave non-gateway nodes, from the callers, intersected with models.
set -euo pipefail
cd "$(dirname "$0")/.."
NODES=${NODES:-1000000}
RUNS=${RUNS:-3}
OUT=target/peers
mkdir -p "$OUT"
cargo build --release --quiet --bin proviso --example gen-topology
if [ ! -x "$OUT/bin/regorus" ]; then
  cargo install --quiet regorus --example regorus --root "$OUT"
fi
topo="$OUT/topology-$NODES.json"
[ -f "$topo" ] || target/release/examples/gen-topology --nodes "$NODES" --seed 7 --bypass 1 --json --out "$topo"

cat > "$OUT/waypoint.rego" <<'REGO'
package bench

import rego.v1

callers contains id if {
	some id, n in input.nodes
	n.kind in {"client", "agent"}
}

# api edges that may be the next hop of a path avoiding gateways: the
# path may start at a caller and must not leave a gateway.
adj[from] contains to if {
	some e in input.edges
	e.kind == "api"
	from := e.from
	to := e.to
	input.nodes[from].kind != "gateway"
}

# Every node must be a key: regorus's graph.reachable does not step to a
# neighbour that is not one (found on a three-node example).
adj_all := {id: object.get(adj, id, set()) | some id, _ in input.nodes}

violations contains m if {
	some m in graph.reachable(adj_all, callers)
	input.nodes[m].kind == "model"
}
REGO

cat > "$OUT/waypoint.contract" <<'CONTRACT'
define callers  as nodes where kind = client or nodes where kind = agent
define models   as nodes where kind = model
define gateways as nodes where kind = gateway
clause R1: api access from callers to models must route via gateways
CONTRACT

# shellcheck source=bench/lib.sh
source bench/lib.sh

# Both must find the same offending models (the bypass edges'), or the
# timing compares different work.
found=$("$OUT/bin/regorus" eval -d "$OUT/waypoint.rego" -i "$topo" data.bench.violations | grep -c '"model-' || true)
echo "regorus found $found offending model(s); proviso:" >&2
target/release/proviso check "$topo" --agreement "$OUT/waypoint.contract" --as-of 2026-11-26 | grep -E 'witness|-->' | head -4 >&2 || true

# The two tools alternately (proviso, regorus, proviso, ...), RUNS times
# each, so a change in the machine's load falls on both alike.
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
pts=() pms=() rts=() rms=()
for i in $(seq "$RUNS"); do
  read -r t m < <(time_of target/release/proviso check "$topo" --agreement "$OUT/waypoint.contract" --as-of 2026-11-26)
  pts+=("$t"); pms+=("$m")
  read -r t m < <(time_of "$OUT/bin/regorus" eval -d "$OUT/waypoint.rego" -i "$topo" data.bench.violations)
  rts+=("$t"); rms+=("$m")
  echo "run $i: proviso ${pts[-1]} s, regorus ${rts[-1]} s" >&2
done
pt=$(median "${pts[@]}"); pm=$(median "${pms[@]}")
rt=$(median "${rts[@]}"); rm=$(median "${rms[@]}")
ratio=$(awk -v a="$rt" -v b="$pt" 'BEGIN {printf "%.1f", a / b}')
load=$(cut -d' ' -f1-3 /proc/loadavg)
{
  echo "| tool | median wall | runs | peak RSS |"
  echo "|------|-----:|:-----|---------:|"
  echo "| proviso | $pt s | ${pts[*]} | $((pm / 1024)) MB |"
  echo "| regorus | $rt s | ${rts[*]} | $((rm / 1024)) MB |"
  echo
  echo "$NODES nodes, JSON, one waypoint clause, $RUNS alternating runs each; regorus / proviso = $ratio (medians); load average $load_start at the start, $load at the end."
} | tee "$OUT/result-$NODES.md"
