//! Many topology files are loaded and checked in parallel (rayon); the
//! output must be byte for byte that of one thread, file after file. A
//! large file is read on two threads too, and must be read as it is.

use super::support::{AS_OF, outcome, proviso, temp_dir};

/// A directory of small topologies: most comply, some breach, some are
/// broken (so errors from several files must keep their order).
fn estate() -> std::path::PathBuf {
    let dir = temp_dir("parallel");
    for i in 0..120 {
        let text = match i % 10 {
            3 => format!(
                "nodes:\n  app-{i}: {{kind: client}}\nedges:\n  - {{from: app-{i}, to: nowhere-{i}, kind: api}}\n"
            ),
            7 => format!("nodes:\n  a-{i}: {{kind: client}}\n  a-{i}: {{kind: model}}\n"),
            _ => format!(
                "nodes:\n  app-{i}: {{kind: client, zone: external}}\n  gw-{i}: {{kind: gateway, cloud: azure}}\n  model-{i}: {{kind: model, cloud: {}}}\nedges:\n  - {{from: app-{i}, to: {}, kind: api}}\n  - {{from: gw-{i}, to: model-{i}, kind: api}}\n",
                if i % 4 == 0 { "aws" } else { "azure" },
                if i % 3 == 0 {
                    format!("model-{i}")
                } else {
                    format!("gw-{i}")
                },
            ),
        };
        std::fs::write(dir.join(format!("t{i:03}.yaml")), text).expect("write a topology");
    }
    dir
}

fn check(dir: &std::path::Path, threads: &str, format: &str) -> String {
    let out = proviso()
        .env("RAYON_NUM_THREADS", threads)
        .args([
            "check",
            &dir.to_string_lossy(),
            "--agreement",
            "fixtures/contracts/azure-openai.contract",
        ])
        .args(["--as-of", AS_OF, "--format", format])
        .output()
        .expect("the proviso binary runs");
    outcome(&out)
}

#[test]
fn many_files_give_the_same_output_on_one_thread_and_on_four() {
    let dir = estate();
    for format in ["human", "json"] {
        let one = check(&dir, "1", format);
        assert!(
            one.contains("t003.yaml") && one.contains("t117.yaml"),
            "{one}"
        );
        assert_eq!(one, check(&dir, "4", format), "format {format}");
    }
    // Without the broken files the reports themselves are compared.
    for i in (3..120).step_by(10).chain((7..120).step_by(10)) {
        std::fs::remove_file(dir.join(format!("t{i:03}.yaml"))).expect("remove");
    }
    let one = check(&dir, "1", "json");
    assert!(one.contains("t119.yaml"), "{one}");
    assert_eq!(one, check(&dir, "4", "json"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// A file of 16 MB or more is read in two halves at once
/// (`src/input.rs`): the text is the file's, byte for byte, a character
/// cut by the halves' boundary included; a byte-order mark is dropped; a
/// bad byte in the second half is reported where it is.
#[test]
fn a_large_file_read_in_two_halves_is_the_file() {
    let dir = temp_dir("halves");
    // 17 MB of lines with two- and three-byte characters, an odd length.
    let line = "# é ünïcödé → line\n";
    let mut text = line.repeat((17 << 20) / line.len());
    text.push('x');
    // The halves meet inside a character.
    while text.is_char_boundary(text.len() / 2) {
        text.insert(0, 'a');
    }
    let path = dir.join("big.yaml");
    std::fs::write(&path, &text).expect("write");
    let read = proviso::input::read(&path, 1 << 30).expect("valid UTF-8");
    assert!(read.text() == text, "the text read is the file");

    let mut bom = b"\xef\xbb\xbf".to_vec();
    bom.extend_from_slice(text.as_bytes());
    std::fs::write(&path, &bom).expect("write");
    let read = proviso::input::read(&path, 1 << 30).expect("valid UTF-8");
    assert!(read.text() == text, "the mark is dropped");

    let mut bad = text.clone().into_bytes();
    let at = bad.len() - 100;
    bad[at] = 0xff;
    std::fs::write(&path, &bad).expect("write");
    let errors = proviso::input::read(&path, 1 << 30).expect_err("not UTF-8");
    let shown = proviso::diag::render::render(&errors.0, false);
    let lines = text[..at].matches('\n').count() + 1;
    assert!(shown.contains("byte 0xff is not UTF-8"), "{shown}");
    assert!(
        shown.contains(&format!(":{lines}:")),
        "the line of the bad byte: {shown}"
    );
}
