//! `cargo bench`: the pieces of a check, one at a time, on generated
//! estates (`examples/gen-topology.rs`, seed 7, no bypass).
//!
//! The sizes are modest (10k nodes for loading and clauses, 1k and 10k for
//! selectors) so the whole run takes a few minutes on two cores; the
//! end-to-end numbers at 100k and 1M nodes come from `bench/run.sh`.
//! Each clause-form benchmark checks a one-clause agreement, so it
//! includes the index (adjacency and definitions); `index_only` is that
//! cost alone, to subtract.

use std::sync::LazyLock;

use proviso::{Agreement, Date, Topology};

#[allow(dead_code)] // its `main` is the example's, unused here
#[path = "../examples/gen-topology.rs"]
mod gen_topology;

fn main() {
    divan::main();
}

const AGREEMENT: &str = include_str!("../fixtures/bench/agreement.contract");

/// The definitions and counts-as lines of the benchmark agreement.
const HEADER: &str = "
define clients   as nodes where kind = client
define agents    as nodes where kind = agent
define callers   as clients or agents
define gateways  as nodes where kind = gateway
define runtimes  as nodes where kind = runtime
define models    as nodes where kind = model
define databases as nodes where kind = database or nodes where kind = backup
define internal  as nodes where zone = internal
define rivals    as nodes where has rival
define approved  as nodes where cloud in [azure, gcp]
in spirit, inference and stream count as api
in spirit, replication counts as data
";

fn text(nodes: usize, json: bool) -> String {
    gen_topology::generate(nodes, 7, 0, json, None)
}

static YAML_10K: LazyLock<String> = LazyLock::new(|| text(10_000, false));
static JSON_10K: LazyLock<String> = LazyLock::new(|| text(10_000, true));
static TOPO_1K: LazyLock<Topology> = LazyLock::new(|| load_json(&text(1_000, true)));
static TOPO_10K: LazyLock<Topology> = LazyLock::new(|| load_json(&JSON_10K));

fn load_json(text: &str) -> Topology {
    let src = proviso::Source::new("bench.json", text);
    proviso::topology::json::json(&src).expect("the generated topology loads")
}

fn agreement(text: &str) -> Agreement {
    proviso::parse_agreement("bench.contract", text).expect("the bench agreement parses")
}

fn as_of() -> Date {
    Date::from_ymd_opt(2026, 11, 26).expect("a valid date")
}

#[divan::bench]
fn parse_agreement() -> Agreement {
    agreement(divan::black_box(AGREEMENT))
}

#[divan::bench(sample_count = 10)]
fn load_yaml_10k() -> Topology {
    proviso::load_topology("bench.yaml", divan::black_box(&YAML_10K)).expect("loads")
}

#[divan::bench(sample_count = 10)]
fn load_json_10k() -> Topology {
    load_json(divan::black_box(&JSON_10K))
}

#[divan::bench(args = [1_000, 10_000], sample_count = 20)]
fn selectors(bencher: divan::Bencher, nodes: usize) {
    let topo = if nodes == 1_000 {
        &*TOPO_1K
    } else {
        &*TOPO_10K
    };
    let ag = agreement(AGREEMENT);
    bencher.bench(|| proviso::engine::selections(&ag, divan::black_box(topo)));
}

/// One clause of each form (and its negated or `every` variant where the
/// search differs), both readings, on 10k nodes and 30k edges.
const CLAUSES: [&str; 9] = [
    "api access from callers to models, directly or indirectly, must route via gateways",
    "rivals must not have api access to models, directly or indirectly",
    "callers must have api access to models, directly or indirectly",
    "clients must depend on gateways",
    "databases must not depend on clients",
    "models must be hosted on approved",
    "databases must have has encryption and not (encryption in [none, weak])",
    "data from runtimes, directly or indirectly, must stay within internal",
    "access to databases must not route via external",
];

#[divan::bench(sample_count = 20)]
fn index_only(bencher: divan::Bencher) {
    let ag = agreement(HEADER);
    bencher.bench(|| proviso::check(&ag, divan::black_box(&TOPO_10K), as_of()));
}

#[divan::bench(args = CLAUSES, sample_count = 20)]
fn clause_form(bencher: divan::Bencher, clause: &str) {
    let header = if clause.contains("external") {
        format!("{HEADER}define external as nodes where zone = external\n")
    } else {
        HEADER.to_string()
    };
    let ag = agreement(&format!("{header}clause X: {clause}\n"));
    bencher.bench(|| proviso::check(&ag, divan::black_box(&TOPO_10K), as_of()));
}

#[divan::bench(sample_count = 10)]
fn check_20_clauses_10k(bencher: divan::Bencher) {
    let ag = agreement(AGREEMENT);
    bencher.bench(|| proviso::check(&ag, divan::black_box(&TOPO_10K), as_of()));
}
