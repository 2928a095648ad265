//! Generates a large, realistic topology for benchmarks.
//!
//! ```text
//! cargo run --release --example gen-topology -- --nodes 100000 --seed 7 \
//!     [--bypass 1] [--json] [--out FILE] [--agreement PATH]
//! ```
//!
//! The estate is layered like a real one: clients and agents in the
//! external zone call gateways on three clouds, gateways call runtimes and
//! models, runtimes call models and databases, databases replicate to
//! backups, and a few partner analytics nodes (`rival: "yes"`) read
//! databases. Out-degree is about 3 (edges = 3 x nodes), and every
//! attribute and edge kind of `fixtures/bench/agreement.contract` occurs.
//! With `--bypass 0` every binding clause of that agreement holds; each
//! bypass adds one edge that breaks a clause (cycling through five kinds of
//! breach), so the witnesses grow with the knob.
//!
//! The output is deterministic for a seed: a small SplitMix64 generator is
//! enough for picking neighbours, and keeps the example free of
//! dependencies whose streams could change between versions.

use std::fmt::Write as _;
use std::io::Write as _;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

struct Args {
    nodes: usize,
    seed: u64,
    bypass: usize,
    json: bool,
    out: Option<String>,
    agreement: Option<String>,
}

fn args() -> Result<Args, String> {
    let mut a = Args {
        nodes: 1000,
        seed: 7,
        bypass: 0,
        json: false,
        out: None,
        agreement: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("`{flag}` needs a value"));
        match flag.as_str() {
            "--nodes" => a.nodes = value()?.parse().map_err(|e| format!("--nodes: {e}"))?,
            "--seed" => a.seed = value()?.parse().map_err(|e| format!("--seed: {e}"))?,
            "--bypass" => a.bypass = value()?.parse().map_err(|e| format!("--bypass: {e}"))?,
            "--out" => a.out = Some(value()?),
            "--agreement" => a.agreement = Some(value()?),
            "--json" => a.json = true,
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    if a.nodes < 100 {
        return Err("--nodes must be at least 100".into());
    }
    Ok(a)
}

const CLOUDS: [&str; 3] = ["azure", "gcp", "onprem"];
const REGIONS: [&str; 4] = ["eu-west", "eu-central", "us-east", "us-west"];
const TEAMS: [&str; 6] = [
    "payments", "search", "support", "risk", "growth", "platform",
];

/// One node: its id and attributes.
struct Node {
    id: String,
    attrs: Vec<(&'static str, String)>,
}

/// One edge: endpoints (node indices), kind and extra attributes.
struct Edge {
    from: usize,
    to: usize,
    kind: &'static str,
    attrs: Vec<(&'static str, &'static str)>,
}

/// The node index ranges of each layer.
struct Layers {
    clients: std::ops::Range<usize>,
    agents: std::ops::Range<usize>,
    gateways: std::ops::Range<usize>,
    runtimes: std::ops::Range<usize>,
    models: std::ops::Range<usize>,
    databases: std::ops::Range<usize>,
    backups: std::ops::Range<usize>,
    rivals: std::ops::Range<usize>,
}

fn layers(n: usize) -> Layers {
    // Shares in per mille; the rest goes to runtimes.
    let share = |pm: usize| (n * pm / 1000).max(1);
    let mut at = 0;
    let mut take = |len: usize| {
        let r = at..at + len;
        at += len;
        r
    };
    let clients = take(share(280));
    let agents = take(share(100));
    let gateways = take(share(20));
    let models = take(share(100));
    let databases = take(share(200));
    let backups = take(share(60));
    let rivals = take(share(10));
    let runtimes = rivals.end..n;
    Layers {
        clients,
        agents,
        gateways,
        runtimes,
        models,
        databases,
        backups,
        rivals,
    }
}

fn nodes(l: &Layers, rng: &mut Rng) -> Vec<Node> {
    let total = l.runtimes.end;
    let mut out: Vec<Node> = Vec::with_capacity(total);
    for i in 0..total {
        let region = rng.pick(&REGIONS).to_string();
        let cloud = rng.pick(&CLOUDS).to_string();
        let team = rng.pick(&TEAMS).to_string();
        let (prefix, mut attrs): (&str, Vec<(&'static str, String)>) = if l.clients.contains(&i) {
            (
                "client",
                vec![("kind", "client".into()), ("zone", "external".into())],
            )
        } else if l.agents.contains(&i) {
            (
                "agent",
                vec![("kind", "agent".into()), ("zone", "external".into())],
            )
        } else if l.gateways.contains(&i) {
            let c = CLOUDS[i % CLOUDS.len()].to_string();
            (
                "gw",
                vec![
                    ("kind", "gateway".into()),
                    ("zone", "internal".into()),
                    ("cloud", c),
                ],
            )
        } else if l.runtimes.contains(&i) {
            (
                "rt",
                vec![
                    ("kind", "runtime".into()),
                    ("zone", "internal".into()),
                    ("cloud", cloud),
                ],
            )
        } else if l.models.contains(&i) {
            let stage = rng.pick(&["ga", "ga", "ga", "preview"]).to_string();
            let vendor = rng.pick(&["modelco", "inhouse"]).to_string();
            let c = rng.pick(&["azure", "gcp"]).to_string();
            let attrs = vec![
                ("kind", "model".into()),
                ("zone", "internal".into()),
                ("cloud", c),
                ("stage", stage),
                ("vendor", vendor),
            ];
            ("model", attrs)
        } else if l.databases.contains(&i) || l.backups.contains(&i) {
            let kind = if l.databases.contains(&i) {
                "database"
            } else {
                "backup"
            };
            let enc = rng.pick(&["aes-256", "aes-256", "kms"]).to_string();
            let attrs = vec![
                ("kind", kind.into()),
                ("zone", "internal".into()),
                ("cloud", cloud),
                ("encryption", enc),
            ];
            (if kind == "database" { "db" } else { "backup" }, attrs)
        } else {
            let attrs = vec![
                ("kind", "analytics".into()),
                ("zone", "partner".into()),
                ("rival", "yes".into()),
            ];
            ("partner", attrs)
        };
        attrs.push(("region", region));
        attrs.push(("team", team));
        out.push(Node {
            id: format!("{prefix}-{i:07}"),
            attrs,
        });
    }
    out
}

fn edges(l: &Layers, n: usize, rng: &mut Rng) -> Vec<Edge> {
    let mut out: Vec<Edge> = Vec::with_capacity(3 * n + 16);
    let mut pick = |r: &std::ops::Range<usize>| r.start + rng.below(r.len());
    let e = |from, to, kind| Edge {
        from,
        to,
        kind,
        attrs: Vec::new(),
    };
    for i in 0..n {
        if l.clients.contains(&i) {
            out.push(e(i, pick(&l.gateways), "api"));
            out.push(e(i, pick(&l.gateways), "api"));
            out.push(e(i, pick(&l.runtimes), "telemetry"));
        } else if l.agents.contains(&i) {
            out.push(e(i, pick(&l.gateways), "api"));
            out.push(e(i, pick(&l.gateways), "stream"));
            out.push(e(i, pick(&l.runtimes), "telemetry"));
        } else if l.gateways.contains(&i) {
            // Gateway i serves models i, i + g, i + 2g, ...: every model is behind one.
            let g = l.gateways.len();
            let own = (i - l.gateways.start..l.models.len()).step_by(g);
            for m in own {
                out.push(e(i, l.models.start + m, "api"));
            }
            out.push(e(i, pick(&l.models), "api"));
            out.push(e(i, pick(&l.runtimes), "rpc"));
            out.push(e(i, pick(&l.runtimes), "rpc"));
        } else if l.runtimes.contains(&i) {
            out.push(e(i, pick(&l.models), "inference"));
            out.push(e(i, pick(&l.databases), "data"));
            out.push(e(i, pick(&l.runtimes), "rpc"));
        } else if l.models.contains(&i) {
            out.push(e(i, pick(&l.databases), "data"));
            out.push(e(i, pick(&l.runtimes), "rpc"));
        } else if l.databases.contains(&i) {
            out.push(e(i, pick(&l.backups), "replication"));
            out.push(e(i, pick(&l.databases), "sync"));
        } else if l.rivals.contains(&i) {
            out.push(e(i, pick(&l.databases), "read"));
        }
    }
    // Fill up to 3 edges per node with runtime-to-runtime calls.
    while out.len() < 3 * n {
        let from = pick(&l.runtimes);
        out.push(Edge {
            from,
            to: pick(&l.runtimes),
            kind: "rpc",
            attrs: vec![("protocol", "grpc")],
        });
    }
    out
}

/// Bypass `k` breaks one clause of the benchmark agreement.
fn bypass(k: usize, l: &Layers, rng: &mut Rng) -> Edge {
    let mut pick = |r: &std::ops::Range<usize>| r.start + rng.below(r.len());
    let (from, to, kind) = match k % 5 {
        0 => (pick(&l.clients), pick(&l.models), "api"), // R1, I-forms: a direct call
        1 => (pick(&l.agents), pick(&l.runtimes), "stream"), // R2 in spirit
        2 => (pick(&l.databases), pick(&l.clients), "replication"), // C2 in spirit
        3 => (pick(&l.rivals), pick(&l.gateways), "api"), // I1: a rival reaches models
        _ => (pick(&l.runtimes), pick(&l.clients), "data"), // C1: data leaves
    };
    Edge {
        from,
        to,
        kind,
        attrs: vec![("note", "bypass")],
    }
}

fn main() {
    let a = match args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("gen-topology: {e}");
            std::process::exit(2);
        }
    };
    let text = generate(a.nodes, a.seed, a.bypass, a.json, a.agreement.as_deref());
    let result = match &a.out {
        Some(path) => std::fs::write(path, text),
        None => std::io::stdout().lock().write_all(text.as_bytes()),
    };
    if let Err(e) = result {
        eprintln!("gen-topology: cannot write: {e}");
        std::process::exit(1);
    }
}

/// The topology text for these settings (`benches/` includes this file to
/// build its inputs the same way).
pub fn generate(
    n: usize,
    seed: u64,
    bypasses: usize,
    as_json: bool,
    agreement: Option<&str>,
) -> String {
    let mut rng = Rng(seed);
    let l = layers(n);
    let nodes = nodes(&l, &mut rng);
    let mut edges = edges(&l, n, &mut rng);
    for k in 0..bypasses {
        let b = bypass(k, &l, &mut rng);
        let at = rng.below(edges.len());
        edges.insert(at, b);
    }
    let name = format!("bench-{n}-seed-{seed}");
    if as_json {
        json(&name, agreement, &nodes, &edges)
    } else {
        yaml(&name, agreement, &nodes, &edges)
    }
}

fn yaml(name: &str, agreement: Option<&str>, nodes: &[Node], edges: &[Edge]) -> String {
    let mut s = String::with_capacity(nodes.len() * 120 + edges.len() * 60);
    let _ = writeln!(s, "# generated by examples/gen-topology.rs");
    let _ = writeln!(s, "name: {name}");
    if let Some(a) = agreement {
        let _ = writeln!(s, "agreement: {a}");
    }
    s.push_str("nodes:\n");
    for n in nodes {
        let attrs: Vec<String> = n.attrs.iter().map(|(k, v)| format!("{k}: {v}")).collect();
        let _ = writeln!(s, "  {}: {{{}}}", n.id, attrs.join(", "));
    }
    s.push_str("edges:\n");
    for e in edges {
        let _ = write!(
            s,
            "  - {{from: {}, to: {}, kind: {}",
            nodes[e.from].id, nodes[e.to].id, e.kind
        );
        for (k, v) in &e.attrs {
            let _ = write!(s, ", {k}: {v}");
        }
        s.push_str("}\n");
    }
    s
}

fn json(name: &str, agreement: Option<&str>, nodes: &[Node], edges: &[Edge]) -> String {
    let mut s = String::with_capacity(nodes.len() * 140 + edges.len() * 70);
    let _ = writeln!(s, "{{\"name\": \"{name}\",");
    if let Some(a) = agreement {
        let _ = writeln!(s, "\"agreement\": \"{a}\",");
    }
    s.push_str("\"nodes\": {\n");
    for (i, n) in nodes.iter().enumerate() {
        let attrs: Vec<String> = n
            .attrs
            .iter()
            .map(|(k, v)| format!("\"{k}\": \"{v}\""))
            .collect();
        let sep = if i + 1 < nodes.len() { "," } else { "" };
        let _ = writeln!(s, "  \"{}\": {{{}}}{sep}", n.id, attrs.join(", "));
    }
    s.push_str("},\n\"edges\": [\n");
    for (i, e) in edges.iter().enumerate() {
        let _ = write!(
            s,
            "  {{\"from\": \"{}\", \"to\": \"{}\", \"kind\": \"{}\"",
            nodes[e.from].id, nodes[e.to].id, e.kind
        );
        for (k, v) in &e.attrs {
            let _ = write!(s, ", \"{k}\": \"{v}\"");
        }
        s.push_str(if i + 1 < edges.len() { "},\n" } else { "}\n" });
    }
    s.push_str("]}\n");
    s
}
