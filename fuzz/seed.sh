#!/usr/bin/env bash
# Builds the fuzz corpora from the fixtures, so the fuzzers start from
# real agreements and topologies. Run from the repository root:
#   fuzz/seed.sh && cd fuzz && cargo fuzz run -s none agreement -- -max_total_time=600
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p fuzz/corpus/agreement fuzz/corpus/topology fuzz/corpus/check
for f in fixtures/contracts/*.contract fixtures/errors/agreement/*.contract fixtures/bench/*.contract; do
  [ -f "$f" ] || continue
  [ "$(wc -c < "$f")" -le 65536 ] || continue
  cp "$f" "fuzz/corpus/agreement/$(basename "$f")"
done
for f in $(find fixtures -name '*.yaml' -size -64k) $(find fixtures -name '*.json' -size -64k); do
  case "$f" in *.json) prefix='\x01' ;; *) prefix='\x00' ;; esac
  name=$(echo "$f" | tr '/' '_')
  { printf "$prefix"; cat "$f"; } > "fuzz/corpus/topology/$name"
done
for t in fixtures/topologies/*.yaml; do
  for c in fixtures/contracts/*.contract; do
    name="$(basename "$c" .contract)-$(basename "$t" .yaml)"
    { cat "$c"; printf '\0'; cat "$t"; } > "fuzz/corpus/check/$name"
  done
done
echo "corpora: $(ls fuzz/corpus/agreement | wc -l) agreements, $(ls fuzz/corpus/topology | wc -l) topologies, $(ls fuzz/corpus/check | wc -l) checks"
