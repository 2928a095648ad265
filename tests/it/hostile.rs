//! Hostile inputs: what a pull request could add to exhaust the gate.
//!
//! Each test generates its input (too big for the repository) into Cargo's
//! test temp dir and runs the real binary under resource limits, through
//! `prlimit` where it exists: 1 GiB of address space (every input here
//! needs well under 100 MB when resources are linear; the quadratic
//! versions needed 3 GB to 140 GB) and a CPU-time limit far above the
//! linear cost (a quadratic load of the long line takes minutes). A
//! process over a limit dies of a signal, which fails the test. No test
//! measures wall-clock time. Outputs are checked for size and content:
//! locations must still be right, and the witnesses not kept counted.

use std::path::PathBuf;
use std::process::Command;

use super::support::AS_OF;

const AGREEMENT: &str = "fixtures/bench/hostile.contract";

/// Address space allowed to the binary, in bytes.
const MAX_MEMORY: u64 = 1 << 30;
/// CPU time allowed to the binary, in seconds.
const MAX_CPU: u64 = 60;

struct Run {
    /// The exit code; `None` when killed by a signal.
    code: Option<i32>,
    stdout: Vec<u8>,
    stderr: String,
}

fn has_prlimit() -> bool {
    Command::new("prlimit")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Runs proviso under the limits (when `prlimit` exists) from the
/// repository root, with two threads and two malloc arenas so that the
/// address space does not grow with the machine's core count.
fn run_limited(args: &[&str]) -> Run {
    let bin = env!("CARGO_BIN_EXE_proviso");
    let mut cmd = if has_prlimit() {
        let mut c = Command::new("prlimit");
        c.arg(format!("--as={MAX_MEMORY}"))
            .arg(format!("--cpu={MAX_CPU}"))
            .arg("--")
            .arg(bin);
        c
    } else {
        Command::new(bin)
    };
    let out = cmd
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .env("RAYON_NUM_THREADS", "2")
        .env("MALLOC_ARENA_MAX", "2")
        .env_remove("RUST_BACKTRACE")
        .output()
        .expect("proviso runs");
    Run {
        code: out.status.code(),
        stdout: out.stdout,
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Asserts the run ended by itself with `code` (never a signal such as
/// SIGABRT on a failed allocation, never the internal-error exit 3).
fn assert_exit(run: &Run, code: i32) {
    let tail: String = run.stderr.chars().take(2000).collect();
    assert_eq!(run.code, Some(code), "stderr: {tail}");
}

fn temp_file(name: &str, contents: &str) -> String {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("hostile");
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, contents).expect("temp file");
    path.to_string_lossy().into_owned()
}

fn json(bytes: &[u8]) -> serde_json::Value {
    serde_json::from_slice(bytes).expect("the output is JSON")
}

/// A client `c` and `n` models: a chain `c -> m1 -> ... -> mn` (every model
/// offends H1 with a witness the length of the chain up to it), or a star
/// `c -> mX` for each model. One line of JSON.
fn one_line_json(n: usize, star: bool, model: &str) -> String {
    let mut s = String::from(r#"{"nodes": {"c": {"kind": "client"}"#);
    for i in 1..=n {
        s.push_str(&format!(r#", "{model}{i}": {{"kind": "model"}}"#));
    }
    s.push_str(r#"}, "edges": ["#);
    for i in 1..=n {
        let from = if star || i == 1 {
            "c".to_string()
        } else {
            format!("{model}{}", i - 1)
        };
        let sep = if i == 1 { "" } else { ", " };
        s.push_str(&format!(
            r#"{sep}{{"from": "{from}", "to": "{model}{i}", "kind": "api"}}"#
        ));
    }
    s.push_str("]}\n");
    s
}

#[test]
fn a_markdown_doc_of_many_one_line_blocks() {
    // Each block is its own topology, breaching H1 on its one line.
    let block = "```proviso\n{nodes: {c: {kind: client}, m: {kind: model}}, edges: [{from: c, to: m, kind: api}]}\n```\n\n";
    let mut doc = String::from("# Many blocks\n\n");
    let mut blocks = 0;
    while doc.len() < 1 << 20 {
        doc.push_str(block);
        blocks += 1;
    }
    let path = temp_file("many-blocks.md", &doc);
    let run = run_limited(&[
        "check",
        &path,
        "--agreement",
        AGREEMENT,
        "--as-of",
        AS_OF,
        "--format",
        "json",
    ]);
    assert_exit(&run, 1);
    let report = json(&run.stdout);
    let reports = report["reports"].as_array().expect("reports");
    assert_eq!(reports.len(), blocks);
    // Locations are lines of the doc: block k (1-based, 4 lines each from
    // line 3) has its one line at 3 + 4 (k - 1) + 1, the edge at column 56.
    let last = &reports[blocks - 1];
    assert_eq!(last["topology"], format!("{path}#{blocks}"));
    let at = &last["verdicts"][0]["letter"]["witnesses"][0]["location"];
    assert_eq!(at["file"], path.as_str());
    assert_eq!(at["line"], 3 + 4 * (blocks - 1) + 1);
    assert_eq!(at["column"], 56);
}

#[test]
fn a_chain_of_20k_models_on_one_line_gives_a_small_report() {
    let n = 20_000;
    let path = temp_file("chain-20k.json", &one_line_json(n, false, "m"));
    let args = |format| {
        vec![
            "check",
            &path,
            "--agreement",
            AGREEMENT,
            "--as-of",
            AS_OF,
            "--format",
            format,
        ]
        .into_iter()
        .map(str::to_string)
        .collect::<Vec<_>>()
    };
    let run = |format| {
        let a = args(format);
        run_limited(&a.iter().map(String::as_str).collect::<Vec<_>>())
    };
    // Uncapped, the witnesses alone would hold n²/2 = 200 million hops.
    // What remains is linear: each failing reading lists every violating
    // edge once, with its location (about 600 bytes of pretty JSON each,
    // for the letter and the spirit).
    let bound = 1_500 * n;

    let out = run("json");
    assert_exit(&out, 1);
    assert!(out.stdout.len() < bound, "{} bytes", out.stdout.len());
    let doc = json(&out.stdout);
    let letter = &doc["reports"][0]["verdicts"][0]["letter"];
    assert_eq!(letter["witnesses"].as_array().map(Vec::len), Some(10));
    assert_eq!(letter["omitted"], n - 10);
    // The first models in file order, each with its whole chain.
    assert_eq!(
        letter["witnesses"][9]["nodes"].as_array().map(Vec::len),
        Some(11)
    );

    let out = run("sarif");
    assert_exit(&out, 1);
    assert!(out.stdout.len() < bound, "{} bytes", out.stdout.len());
    let sarif = json(&out.stdout);
    let run0 = &sarif["runs"][0];
    assert_eq!(run0["results"].as_array().map(Vec::len), Some(10));
    assert_eq!(run0["results"][0]["properties"]["omittedWitnesses"], n - 10);
    let notes = run0["invocations"][0]["toolExecutionNotifications"].to_string();
    assert!(
        notes.contains(&format!("and {} more witnesses", n - 10)),
        "{notes}"
    );
}

#[test]
fn a_long_line_of_edges_keeps_exact_columns() {
    // 50k edges on one line, node ids with a non-ASCII letter: every
    // witness kept (`--max-witnesses 0`), each located at its edge's `{`
    // in characters.
    let n = 50_000;
    let text = one_line_json(n, true, "mé");
    let path = temp_file("star-50k.json", &text);
    let run = run_limited(&[
        "check",
        &path,
        "--agreement",
        AGREEMENT,
        "--as-of",
        AS_OF,
        "--format",
        "json",
        "--max-witnesses",
        "0",
    ]);
    assert_exit(&run, 1);
    let doc = json(&run.stdout);
    let letter = &doc["reports"][0]["verdicts"][0]["letter"];
    let witnesses = letter["witnesses"].as_array().expect("witnesses");
    assert_eq!(witnesses.len(), n);
    assert!(letter.get("omitted").is_none());
    for k in [1, n / 2, n] {
        let edge = format!(r#"{{"from": "c", "to": "mé{k}""#);
        let byte = text.find(&edge).expect("the edge is in the text");
        let column = text[..byte].chars().count() + 1;
        let at = &witnesses[k - 1]["location"];
        assert_eq!(
            (at["line"].as_u64(), at["column"].as_u64()),
            (Some(1), Some(column as u64))
        );
    }
}

#[test]
fn every_format_counts_the_witnesses_not_kept() {
    let path = temp_file("chain-50.json", &one_line_json(50, false, "m"));
    let base = ["check", &path, "--agreement", AGREEMENT, "--as-of", AS_OF];
    for format in ["human", "json", "sarif", "junit", "github", "markdown"] {
        let mut args = base.to_vec();
        args.extend(["--format", format, "--max-witnesses", "5"]);
        let run = run_limited(&args);
        assert_exit(&run, 1);
        let out = String::from_utf8_lossy(&run.stdout);
        let said = if format == "json" {
            out.contains("\"omitted\": 45")
        } else {
            out.contains("and 45 more witnesses")
        };
        assert!(said, "{format}: {out}");
    }
    // 0 keeps them all (within the hop budget, which a star of short paths
    // stays far below; a chain is the next test's).
    let star = temp_file("star-50.json", &one_line_json(50, true, "m"));
    let mut args = ["check", &star, "--agreement", AGREEMENT, "--as-of", AS_OF].to_vec();
    args.extend(["--format", "json", "--max-witnesses", "0"]);
    let run = run_limited(&args);
    let doc = json(&run.stdout);
    let letter = &doc["reports"][0]["verdicts"][0]["letter"];
    assert_eq!(letter["witnesses"].as_array().map(Vec::len), Some(50));
    assert!(letter.get("omitted").is_none());
}

#[test]
fn many_edges_to_unknown_nodes_stay_linear() {
    // 50k nodes and 50k edges to ids that are not nodes: each error is
    // reported, but only the first few compare the id with every node id.
    let n = 50_000;
    let mut s = String::from("{\"nodes\": {\n");
    for i in 1..=n {
        let sep = if i == n { "" } else { "," };
        s.push_str(&format!("\"node{i}\": {{\"kind\": \"model\"}}{sep}\n"));
    }
    s.push_str("},\n\"edges\": [\n");
    for i in 1..=n {
        let sep = if i == n { "" } else { "," };
        s.push_str(&format!(
            "{{\"from\": \"node{i}\", \"to\": \"nodd{i}\", \"kind\": \"api\"}}{sep}\n"
        ));
    }
    s.push_str("]}\n");
    let path = temp_file("unknown-50k.json", &s);
    let run = run_limited(&["check", &path, "--agreement", AGREEMENT, "--load-only"]);
    assert_exit(&run, 2);
    assert_eq!(run.stderr.matches("error: edge to unknown node").count(), n);
    assert_eq!(run.stderr.matches("did you mean").count(), 20);
}

#[test]
fn all_witnesses_of_a_long_chain_stay_within_a_linear_hop_budget() {
    // `--max-witnesses 0` asks for every witness: on a chain of n models
    // that is n paths of up to n hops, n²/2 in all. The engine stops at
    // 4 hops per node and edge and counts the rest as omitted.
    let n = 5_000;
    let path = temp_file("chain-all.json", &one_line_json(n, false, "m"));
    let out = run_limited(&[
        "check",
        &path,
        "--agreement",
        AGREEMENT,
        "--as-of",
        AS_OF,
        "--format",
        "json",
        "--max-witnesses",
        "0",
    ]);
    assert_exit(&out, 1);
    let doc = json(&out.stdout);
    let letter = &doc["reports"][0]["verdicts"][0]["letter"];
    let witnesses = letter["witnesses"].as_array().expect("witnesses");
    let hops: usize = witnesses
        .iter()
        .map(|w| w["hops"].as_array().map_or(0, Vec::len))
        .sum();
    assert!(hops <= 4 * (2 * n + 1) + 64 + n, "{hops} hops");
    assert!(letter["omitted"].as_u64().unwrap_or(0) > 0);
    assert_eq!(
        witnesses.len() + letter["omitted"].as_u64().unwrap_or(0) as usize,
        n
    );
}

#[test]
fn running_out_of_memory_is_exit_2_with_a_message_never_an_abort() {
    if !has_prlimit() {
        return; // no way to impose a memory limit here
    }
    // Every witness of a 20k chain, under 100 MB of address space: more
    // than the process may use, so an allocation fails. One malloc arena:
    // glibc reserves 64 MB of address space for each further arena as soon
    // as a second thread allocates (the warnings pass runs beside the
    // clauses), which under this limit fails by reservation, not by use.
    let path = temp_file("chain-oom.json", &one_line_json(20_000, false, "m"));
    let run = |witnesses: &str| {
        Command::new("prlimit")
            .arg("--as=100000000")
            .arg("--")
            .arg(env!("CARGO_BIN_EXE_proviso"))
            .args(["check", &path, "--agreement", AGREEMENT, "--as-of", AS_OF])
            .args(["--format", "sarif", "--max-witnesses", witnesses])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("RAYON_NUM_THREADS", "2")
            .env("MALLOC_ARENA_MAX", "1")
            .output()
            .expect("proviso runs")
    };
    // The limit leaves room for the usual run, which reports the breach...
    assert_eq!(run("10").status.code(), Some(1));
    // ...and not for every witness, which runs out of memory.
    let out = run("0");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.starts_with("error: out of memory"), "{stderr}");
}
