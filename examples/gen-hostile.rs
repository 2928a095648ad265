//! Generates the hostile inputs of `docs/security.md` ("Resources: hostile
//! inputs, measured"): inputs a pull request could add to make a naive
//! checker use quadratic time, memory or report size.
//!
//! ```text
//! cargo run --release --example gen-hostile -- md BYTES          # Markdown doc of one-line blocks
//! cargo run --release --example gen-hostile -- chain N [--pretty] # client -> N models, JSON
//! ```
//!
//! - `md BYTES`: a Markdown doc of at least BYTES bytes made of
//!   `proviso` blocks of one line each, a client calling a model (each
//!   block is a topology that breaches `fixtures/bench/hostile.contract`).
//! - `chain N`: a client calling model 1, which calls model 2, ... model
//!   N, every edge `api`, as one line of JSON (`--pretty`: one node or
//!   edge per line). With `fixtures/bench/hostile.contract` every model is
//!   an offending target whose shortest witness is the whole chain up to
//!   it: N witnesses, N²/2 hops if all were kept.
//!
//! Minified estates come from `gen-topology --json` with the newlines
//! removed (`tr -d '\n'`), which is still the same JSON document.
//!
//! The output goes to stdout and is the same on every run.

use std::fmt::Write as _;
use std::io::Write as _;

fn markdown(bytes: usize) -> String {
    let mut s = String::with_capacity(bytes + 64);
    s.push_str("# Many blocks\n\n");
    let mut i = 0usize;
    while s.len() < bytes {
        i += 1;
        let _ = write!(
            s,
            "Block {i}.\n\n```proviso\n{{nodes: {{c: {{kind: client}}, m: {{kind: model}}}}, edges: [{{from: c, to: m, kind: api}}]}}\n```\n\n"
        );
    }
    s
}

fn chain(n: usize, pretty: bool) -> String {
    let nl = if pretty { "\n" } else { "" };
    let mut s = String::with_capacity(n * 90);
    let _ = write!(
        s,
        "{{\"name\": \"chain of {n} models\",{nl}\"nodes\": {{{nl}"
    );
    s.push_str("\"c\": {\"kind\": \"client\"}");
    for i in 1..=n {
        let _ = write!(s, ",{nl}\"m{i}\": {{\"kind\": \"model\"}}");
    }
    let _ = write!(s, "{nl}}},{nl}\"edges\": [{nl}");
    for i in 1..=n {
        let from = if i == 1 {
            "c".to_string()
        } else {
            format!("m{}", i - 1)
        };
        let sep = if i == 1 { "" } else { "," };
        let _ = write!(
            s,
            "{sep}{nl}{{\"from\": \"{from}\", \"to\": \"m{i}\", \"kind\": \"api\"}}"
        );
    }
    let _ = writeln!(s, "{nl}]}}");
    s
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let number = |i: usize| args.get(i).and_then(|a| a.parse::<usize>().ok());
    let text = match (args.first().map(String::as_str), number(1)) {
        (Some("md"), Some(bytes)) => markdown(bytes),
        (Some("chain"), Some(n)) => chain(n, args.iter().any(|a| a == "--pretty")),
        _ => {
            eprintln!("usage: gen-hostile md BYTES | gen-hostile chain N [--pretty]");
            std::process::exit(2);
        }
    };
    let mut out = std::io::stdout().lock();
    if out.write_all(text.as_bytes()).is_err() {
        std::process::exit(1);
    }
}
