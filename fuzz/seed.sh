#!/usr/bin/env bash
# Builds the fuzz corpora from the fixtures, so the fuzzers start from
# real agreements and topologies. Run from the repository root:
#   fuzz/seed.sh && cd fuzz && cargo fuzz run -s none agreement corpus/agreement -- -max_total_time=600
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p fuzz/corpus/agreement fuzz/corpus/topology fuzz/corpus/check \
  fuzz/corpus/markdown fuzz/corpus/waivers fuzz/corpus/baseline fuzz/corpus/yaml_fast fuzz/corpus/yaml_scan \
  fuzz/corpus/json_fast
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
# yaml_fast: every YAML fixture as it is (no selector byte).
for f in $(find fixtures -name '*.yaml' -size -64k); do
  cp "$f" "fuzz/corpus/yaml_fast/$(echo "$f" | tr '/' '_')"
  cp "$f" "fuzz/corpus/yaml_scan/$(echo "$f" | tr '/' '_')"
done
# json_fast: every JSON fixture as it is, and two small generated
# estates, which are inside the fast path's subset.
for f in $(find fixtures -name '*.json' -size -64k); do
  cp "$f" "fuzz/corpus/json_fast/$(echo "$f" | tr '/' '_')"
done
for n in 100 200; do
  cargo run --release --quiet --example gen-topology -- --nodes "$n" --seed 7 --bypass 1 --json \
    --out "fuzz/corpus/json_fast/generated-$n.json"
done
for t in fixtures/topologies/*.yaml; do
  for c in fixtures/contracts/*.contract; do
    name="$(basename "$c" .contract)-$(basename "$t" .yaml)"
    { cat "$c"; printf '\0'; cat "$t"; } > "fuzz/corpus/check/$name"
  done
done
# check: agreement NUL topology [NUL waivers [NUL topology path]]; the
# gate fixtures with their waiver files, and one hostile display path.
for w in fixtures/gate/waivers/*.yaml; do
  { cat fixtures/contracts/azure-openai.contract; printf '\0'; cat fixtures/gate/repo/frontier.yaml
    printf '\0'; cat "$w"; } > "fuzz/corpus/check/gate-$(basename "$w" .yaml)"
done
d=fixtures/gate/default-waivers
{ cat "$d/gate.contract"; printf '\0'; cat "$d/design.yaml"; printf '\0'; cat "$d/proviso-waivers.yaml"
  printf '\0'; printf 'deploy/a\n::error ::x.yaml'; } > fuzz/corpus/check/gate-default-waivers
# markdown: every Markdown doc among the fixtures (architecture docs with
# `proviso` blocks, broken and empty blocks).
for f in $(find fixtures -name '*.md' -size -64k); do
  cp "$f" "fuzz/corpus/markdown/$(echo "$f" | tr '/' '_')"
done
# waivers: every waiver file, good and bad.
for f in fixtures/gate/waivers/*.yaml fixtures/gate/default-waivers/proviso-waivers.yaml \
         fixtures/gate/errors/waivers-*.yaml; do
  cp "$f" "fuzz/corpus/waivers/$(echo "$f" | tr '/' '_')"
done
# baseline: every baseline (current, older format, not a report).
for f in fixtures/gate/baselines/*.json fixtures/gate/errors/not-a-report.json; do
  cp "$f" "fuzz/corpus/baseline/$(echo "$f" | tr '/' '_')"
done
# Inputs that once failed a target (kept in git; corpus/ is not).
for d in fuzz/regressions/*/; do
  t=$(basename "$d")
  mkdir -p "fuzz/corpus/$t"
  cp "$d"* "fuzz/corpus/$t/"
done
# importers: each source fixture and each malformed one, for its target
# (the estate target gets the manifests and the profiles).
mkdir -p fuzz/corpus/terraform fuzz/corpus/structurizr fuzz/corpus/backstage fuzz/corpus/mermaid fuzz/corpus/estate
for t in terraform structurizr backstage mermaid; do
  for f in fixtures/sources/$t/* fixtures/sources/errors/$t/*; do
    [ -f "$f" ] || continue
    cp "$f" "fuzz/corpus/$t/$(echo "$f" | tr '/' '_')"
  done
done
for f in $(find fixtures/sources -name '*.estate.yaml') fixtures/sources/errors/estate/*.yaml profiles/*.yaml; do
  cp "$f" "fuzz/corpus/estate/$(echo "$f" | tr '/' '_')"
done
echo "corpora: $(ls fuzz/corpus/agreement | wc -l) agreements, $(ls fuzz/corpus/topology | wc -l) topologies, $(ls fuzz/corpus/check | wc -l) checks, $(ls fuzz/corpus/markdown | wc -l) docs, $(ls fuzz/corpus/waivers | wc -l) waiver files, $(ls fuzz/corpus/baseline | wc -l) baselines"
