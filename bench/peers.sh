#!/usr/bin/env bash
# proviso next to regorus (Rego in Rust) on one waypoint property, on the
# same JSON topology. Not part of CI: it installs regorus's example CLI
# from crates.io (`cargo install regorus --example regorus`) into
# target/peers. Writes the timings and the ratio to target/peers/result.md.
#
#   NODES=1000000 bench/peers.sh
#
# The property is clause R1 of fixtures/bench/agreement.contract, letter
# reading: "api access from callers to models must route via gateways",
# i.e. no model is reachable from a client or agent over api edges whose
# interior avoids every gateway. In Rego: reachability over the api edges
# that leave non-gateway nodes, from the callers, intersected with models.
set -euo pipefail
cd "$(dirname "$0")/.."
NODES=${NODES:-1000000}
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

time_of() { /usr/bin/time -f "%e %M" "$@" 2>&1 >/dev/null | tail -1; }
read -r pt pm < <(time_of target/release/proviso check "$topo" --agreement "$OUT/waypoint.contract" --as-of 2026-11-26)
read -r rt rm < <(time_of "$OUT/bin/regorus" eval -d "$OUT/waypoint.rego" -i "$topo" data.bench.violations)
# Both must find the same offending models (the bypass edges'), or the
# timing compares different work.
found=$("$OUT/bin/regorus" eval -d "$OUT/waypoint.rego" -i "$topo" data.bench.violations | grep -c '"model-' || true)
echo "regorus found $found offending model(s); proviso:" >&2
target/release/proviso check "$topo" --agreement "$OUT/waypoint.contract" --as-of 2026-11-26 | grep -E 'witness|-->' | head -4 >&2 || true
ratio=$(awk -v a="$rt" -v b="$pt" 'BEGIN {printf "%.1f", a / b}')
load=$(cut -d' ' -f1-3 /proc/loadavg)
{
  echo "| tool | wall | peak RSS |"
  echo "|------|-----:|---------:|"
  echo "| proviso | $pt s | $((pm / 1024)) MB |"
  echo "| regorus | $rt s | $((rm / 1024)) MB |"
  echo
  echo "$NODES nodes, JSON, one waypoint clause; regorus / proviso = $ratio; load average $load."
} | tee "$OUT/result.md"
