//! The adversarial corpus: no input panics, hangs or exhausts proviso.
//!
//! Every file in `fixtures/bad/` is run through the real binary and its
//! exact message and exit code are snapshot. Inputs too big to keep in the
//! repository (a 50 MB line) are generated into Cargo's test temp dir.

use super::support::{AS_OF, relative, run};

const AGREEMENT: &str = "fixtures/contracts/azure-openai.contract";
const TOPOLOGY: &str = "fixtures/errors/agreement/topology.yaml";

fn check(path: &str) -> String {
    if path.ends_with(".contract") {
        run(&["check", TOPOLOGY, "--agreement", path, "--as-of", AS_OF])
    } else {
        run(&["check", path, "--agreement", AGREEMENT, "--as-of", AS_OF])
    }
}

#[test]
fn corpus() {
    insta::glob!("../../fixtures", "bad/*", |path| {
        let out = check(&relative(path));
        assert!(!out.starts_with("exit: 3"), "internal error: {out}");
        assert!(!out.starts_with("exit: signal"), "crashed: {out}");
        insta::assert_snapshot!(out);
    });
}

fn temp_file(name: &str, contents: &[u8]) -> String {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("bad");
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, contents).expect("temp file");
    path.to_string_lossy().into_owned()
}

/// Replaces the machine-specific temp dir with a fixed name.
fn scrub(out: &str) -> String {
    out.replace(&format!("{}/bad/", env!("CARGO_TARGET_TMPDIR")), "$TMP/")
}

#[test]
fn a_50_mb_line_in_an_agreement() {
    let mut text = b"define models as nodes where kind = ".to_vec();
    text.extend(std::iter::repeat_n(b'x', 50 << 20));
    text.extend(b" clause");
    let path = temp_file("long-line.contract", &text);
    let out = scrub(&check(&path));
    insta::assert_snapshot!(out);
}

#[test]
fn a_50_mb_line_in_a_topology() {
    let mut text = b"nodes: {a: {kind: ".to_vec();
    text.extend(std::iter::repeat_n(b'x', 50 << 20));
    text.extend(b"}, b: [}\n");
    let path = temp_file("long-line.yaml", &text);
    let out = scrub(&check(&path));
    insta::assert_snapshot!(out);
}

#[test]
fn a_file_over_the_size_limit_names_the_flag() {
    let path = temp_file("big.yaml", &vec![b'#'; 4096]);
    let out = scrub(&run(&["check", &path, "--max-input-size", "1KiB"]));
    insta::assert_snapshot!(out);
}
