//! The threat model of docs/security.md, attack by attack: what a pull
//! request could do to the gate before, each now failing safe (exit 2
//! with a located message, or the breach reported). Every test builds
//! the hostile tree it needs in a temp directory and runs the real binary.

use std::path::{Path, PathBuf};
use std::process::Output;

use super::support::{AS_OF, outcome, proviso, temp_dir};

/// A strict agreement: every api path to a model must pass a gateway.
const STRICT: &str = "define models as nodes where kind = model
define gateways as nodes where kind = gateway
clause 1 \"Models behind a gateway\": api access to models must route via gateways
";

/// A design that breaches [`STRICT`].
const BYPASS: &str = "nodes:
  app: {kind: client}
  gpt: {kind: model}
edges:
  - {from: app, to: gpt, kind: api}
";

/// Writes `files` (path, text) under a fresh temp dir and returns it.
fn tree(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = temp_dir(name);
    for (path, text) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("dirs");
        std::fs::write(&path, text).expect("a file is written");
    }
    dir
}

/// Runs `proviso` in `dir` with `args`, outside CI.
fn run_in(dir: &Path, args: &[&str]) -> Output {
    proviso()
        .current_dir(dir)
        .args(args)
        .output()
        .expect("the proviso binary runs")
}

/// Runs `proviso` in `dir` with `args`, as CI does.
fn run_in_ci(dir: &Path, args: &[&str]) -> Output {
    proviso()
        .current_dir(dir)
        .env("CI", "true")
        .args(args)
        .output()
        .expect("the proviso binary runs")
}

/// Checks `d.yaml` of `dir` against its `a.contract` with `-o out.txt` in
/// `format`, expects the breach (exit 1), and returns what was written.
fn written_breach(dir: &Path, format: &str) -> String {
    let out = run_in(
        dir,
        &[
            "check",
            "d.yaml",
            "--agreement",
            "a.contract",
            "--as-of",
            AS_OF,
            "--format",
            format,
            "-o",
            "out.txt",
        ],
    );
    assert_eq!(code(&out), 1, "{format}: {}", outcome(&out));
    std::fs::read_to_string(dir.join("out.txt")).expect("written")
}

/// Checks the whole tree of `dir` against its `a.contract`, outside CI.
fn scan(dir: &Path) -> Output {
    run_in(
        dir,
        &["check", ".", "--agreement", "a.contract", "--as-of", AS_OF],
    )
}

fn code(out: &Output) -> i32 {
    out.status.code().unwrap_or(-1)
}

/// No line of the output would be read as a CI log command.
fn assert_no_command_lines(out: &str) {
    for line in out.lines() {
        let t = line.trim_start();
        assert!(
            !t.starts_with("::") && !t.starts_with("##[") && !line.contains("##vso["),
            "a line could be read as a log command: {line:?}\n{out}"
        );
    }
}

// 1. Choosing its own agreement.

#[test]
fn in_ci_a_topology_cannot_choose_its_agreement() {
    let topo = format!("agreement: lenient.contract\n{BYPASS}");
    let dir = tree(
        "ci-choose",
        &[("lenient.contract", ""), ("design.yaml", &topo)],
    );
    let out = run_in_ci(
        &dir,
        &["check", "design.yaml", "--as-of", AS_OF, "--strict"],
    );
    assert_eq!(code(&out), 2, "{}", outcome(&out));
    let text = outcome(&out);
    assert!(
        text.contains("in CI the agreement must be pinned"),
        "{text}"
    );
    assert!(text.contains("design.yaml:1:12"), "{text}");
}

#[test]
fn a_pinned_agreement_overrules_a_topology_that_names_another() {
    let topo = format!("agreement: lenient.contract\n{BYPASS}");
    let dir = tree(
        "pinned",
        &[
            ("strict.contract", STRICT),
            ("lenient.contract", ""),
            ("design.yaml", &topo),
        ],
    );
    let out = run_in_ci(
        &dir,
        &[
            "check",
            "design.yaml",
            "--agreement",
            "strict.contract",
            "--as-of",
            AS_OF,
        ],
    );
    let text = outcome(&out);
    assert_eq!(code(&out), 2, "{text}");
    assert!(
        text.contains("this topology names the agreement `lenient.contract`, but the gate pins `strict.contract`"),
        "{text}"
    );
}

#[test]
fn a_topology_naming_the_pinned_agreement_is_checked_against_it() {
    let topo = format!("agreement: ./strict.contract\n{BYPASS}");
    let dir = tree(
        "pinned-same",
        &[("strict.contract", STRICT), ("design.yaml", &topo)],
    );
    let out = run_in_ci(
        &dir,
        &[
            "check",
            "design.yaml",
            "--agreement",
            "strict.contract",
            "--as-of",
            AS_OF,
        ],
    );
    assert_eq!(code(&out), 1, "{}", outcome(&out));
}

#[test]
fn proviso_toml_pins_the_agreement_for_the_paths_it_names() {
    let far_future = "define models as nodes where kind = model
define gateways as nodes where kind = gateway
clause 1: api access to models must route via gateways effective 2999-01-01
";
    let topo = format!("agreement: ../contracts/lenient.contract\n{BYPASS}");
    let dir = tree(
        "config-pin",
        &[
            (
                "proviso.toml",
                "agreement = \"contracts/strict.contract\"\npaths = [\"designs\"]\n",
            ),
            ("contracts/strict.contract", STRICT),
            ("contracts/lenient.contract", far_future),
            ("designs/plain.yaml", BYPASS),
            ("designs/sneaky.yaml", &topo),
        ],
    );
    let out = run_in_ci(&dir, &["check", "--as-of", AS_OF]);
    let text = outcome(&out);
    assert_eq!(code(&out), 2, "{text}");
    assert!(text.contains("designs/sneaky.yaml:1:12"), "{text}");
    // Without the sneaky file, the pinned agreement judges and finds the breach.
    std::fs::remove_file(dir.join("designs/sneaky.yaml")).expect("removed");
    let out = run_in_ci(&dir, &["check", "--as-of", AS_OF]);
    let text = outcome(&out);
    assert_eq!(code(&out), 1, "{text}");
    assert!(text.contains("contracts/strict.contract"), "{text}");
}

#[test]
fn proviso_toml_rules_pick_an_agreement_by_path() {
    let eu = "define models as nodes where kind = model
clause EU-1: models must have region = eu
";
    let dir = tree(
        "config-rules",
        &[
            (
                "proviso.toml",
                "agreement = \"strict.contract\"\n\n[[agreements]]\nfile = \"eu.contract\"\npaths = [\"eu/**\"]\n",
            ),
            ("strict.contract", STRICT),
            ("eu.contract", eu),
            ("eu/design.yaml", BYPASS),
            ("us/design.yaml", BYPASS),
        ],
    );
    let out = run_in_ci(
        &dir,
        &["check", "eu", "us", "--as-of", AS_OF, "--format", "json"],
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("a json report");
    let agreements: Vec<&str> = doc["reports"]
        .as_array()
        .expect("reports")
        .iter()
        .map(|r| r["agreement"].as_str().expect("an agreement"))
        .collect();
    assert_eq!(
        agreements,
        ["eu.contract", "strict.contract"],
        "{}",
        outcome(&out)
    );
}

#[test]
fn a_misspelt_configuration_key_is_an_error_with_a_suggestion() {
    let dir = tree(
        "config-typo",
        &[
            ("proviso.toml", "agreemnt = \"a.contract\"\n"),
            ("d.yaml", BYPASS),
        ],
    );
    let out = run_in(&dir, &["check", "d.yaml"]);
    let text = outcome(&out);
    assert_eq!(code(&out), 2, "{text}");
    assert!(text.contains("unknown key `agreemnt`"), "{text}");
    assert!(text.contains("did you mean `agreement`"), "{text}");
    assert!(text.contains("proviso.toml:1:1"), "{text}");
}

// 2. Reading the runner's files.

#[test]
fn a_topology_cannot_name_a_file_outside_the_repository() {
    for (key, why) in [
        ("/dev/null", "is an absolute path"),
        ("/proc/self/environ", "is an absolute path"),
        ("../../../etc/passwd", "is not a `.contract` file"),
        ("../outside.contract", "lies outside the repository root"),
        (".env", "is not a `.contract` file"),
    ] {
        let topo = format!("agreement: {key}\n{BYPASS}");
        let dir = tree(
            "outside",
            &[
                ("repo/design.yaml", &topo),
                ("repo/.env", "TOKEN=hunter2\n"),
                ("outside.contract", STRICT),
            ],
        );
        let out = proviso()
            .current_dir(dir.join("repo"))
            .args(["check", "design.yaml", "--root", "."])
            .env("PROVISO_SECRET", "hunter2")
            .output()
            .expect("runs");
        let text = outcome(&out);
        assert_eq!(code(&out), 2, "{key}: {text}");
        assert!(text.contains(why), "{key}: {text}");
        assert!(!text.contains("hunter2"), "{key} leaked a secret: {text}");
    }
}

/// Without `--root` or proviso.toml, the root is the top of the git work
/// tree: the nearest directory up from the working directory holding a
/// git directory. An agreement above the working directory but inside
/// the work tree is read; one outside it is refused.
#[test]
fn the_root_is_the_top_of_the_git_work_tree() {
    for (key, refused) in [("../a.contract", false), ("../../outside.contract", true)] {
        let topo = format!("agreement: {key}\n{BYPASS}");
        let dir = tree(
            "git-top",
            &[
                ("repo/.git/HEAD", "ref: refs/heads/main\n"),
                ("repo/a.contract", STRICT),
                ("repo/designs/d.yaml", &topo),
                ("outside.contract", STRICT),
            ],
        );
        let out = run_in(
            &dir.join("repo/designs"),
            &["check", "d.yaml", "--as-of", AS_OF],
        );
        let text = outcome(&out);
        if refused {
            assert_eq!(code(&out), 2, "{key}: {text}");
            assert!(
                text.contains("lies outside the repository root"),
                "{key}: {text}"
            );
        } else {
            assert_eq!(code(&out), 1, "{key} is read and the bypass found: {text}");
        }
    }
}

#[test]
fn a_symbolic_link_out_of_the_repository_is_refused() {
    let dir = tree("symlink", &[("outside/secret.contract", "TOKEN hunter2\n")]);
    let repo = dir.join("repo");
    std::fs::create_dir_all(&repo).expect("repo");
    std::os::unix::fs::symlink(dir.join("outside/secret.contract"), repo.join("a.contract"))
        .expect("a link");
    std::fs::write(
        repo.join("d.yaml"),
        format!("agreement: a.contract\n{BYPASS}"),
    )
    .expect("w");
    let out = run_in(&repo, &["check", "d.yaml", "--root", "."]);
    let text = outcome(&out);
    assert_eq!(code(&out), 2, "{text}");
    assert!(
        text.contains("symbolic link that leaves the repository root"),
        "{text}"
    );
    assert!(!text.contains("hunter2"), "{text}");
    // A scan does not follow a link out of the root either.
    std::os::unix::fs::symlink("/etc/passwd", repo.join("passwd.yaml")).expect("a link");
    let out = run_in(
        &repo,
        &["check", ".", "--root", ".", "--agreement", "a.contract"],
    );
    let text = outcome(&out);
    assert_eq!(code(&out), 2, "{text}");
    assert!(text.contains("`passwd.yaml` is a symbolic link"), "{text}");
    assert!(!text.contains("root:"), "{text}");
}

#[test]
fn devices_and_pipes_are_refused_without_reading_them() {
    let dir = tree("devices", &[("d.yaml", BYPASS)]);
    let out = run_in(&dir, &["check", "d.yaml", "--agreement", "/dev/zero"]);
    let text = outcome(&out);
    assert_eq!(code(&out), 2, "{text}");
    assert!(text.contains("proviso reads only regular files"), "{text}");
    let fifo = dir.join("pipe.yaml");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if made.is_ok_and(|s| s.success()) {
        // A FIFO with no writer would block `open` forever.
        let out = run_in(&dir, &["check", "pipe.yaml", "--agreement", "/dev/null"]);
        let text = outcome(&out);
        assert_eq!(code(&out), 2, "{text}");
        assert!(text.contains("not a regular file"), "{text}");
    }
}

#[test]
fn the_size_limit_counts_the_bytes_read_not_the_size_reported() {
    // procfs reports a size of 0 for its files.
    let dir = tree("procfs", &[("d.yaml", BYPASS)]);
    let out = run_in(
        &dir,
        &[
            "check",
            "d.yaml",
            "--agreement",
            "/proc/self/status",
            "--max-input-size",
            "16",
        ],
    );
    let text = outcome(&out);
    assert_eq!(code(&out), 2, "{text}");
    assert!(text.contains("larger than the 16B limit"), "{text}");
    assert!(!text.contains("Name:"), "{text}");
}

// 3. Injecting workflow commands.

#[test]
fn a_node_id_with_a_line_break_is_a_located_error_printed_escaped() {
    let topo = "nodes:\n  \"a\\n::error file=X::injected\": {kind: client}\n  \"b\\r::add-mask::x\": {kind: model}\n";
    let dir = tree("inject-id", &[("a.contract", STRICT), ("d.yaml", topo)]);
    let out = run_in(&dir, &["check", "d.yaml", "--agreement", "a.contract"]);
    let text = outcome(&out);
    assert_eq!(code(&out), 2, "{text}");
    assert!(
        text.contains(
            "node id `a\\n::error file=X::injected` holds the invisible character U+000A"
        ),
        "{text}"
    );
    assert!(text.contains("d.yaml:3:3"), "{text}");
    assert_no_command_lines(&text);
}

#[test]
fn names_values_and_file_names_never_start_a_command_line_in_any_format() {
    let topo = "name: \"x\\n::error file=X::from the name\\r::add-mask::y\\u001b]0;title\\u0007\"
nodes:
  \"::error file=X::id\": {kind: client, note: \"\\n::warning::value\"}
  gpt: {kind: model, region: \"##vso[task.setvariable variable=x]1\"}
edges:
  - {from: \"::error file=X::id\", to: gpt, kind: api}
";
    let dir = tree(
        "inject-all",
        &[("a.contract", STRICT), ("::error file=X::f.yaml", topo)],
    );
    for format in ["human", "json", "sarif", "junit", "markdown"] {
        let out = run_in(
            &dir,
            &[
                "check",
                ".",
                "--agreement",
                "a.contract",
                "--as-of",
                AS_OF,
                "--format",
                format,
                "--verbose",
                "--timings",
            ],
        );
        let text = outcome(&out);
        assert_eq!(code(&out), 1, "{format}: {text}");
        assert_no_command_lines(&text);
        assert!(!text.contains('\u{1b}'), "{format}: a raw ESC: {text}");
        assert!(!text.contains('\u{7}'), "{format}: a raw BEL: {text}");
    }
    // The github format writes commands on purpose, one per line, with
    // every payload escaped: exactly the annotations proviso meant.
    let out = run_in(
        &dir,
        &[
            "check",
            ".",
            "--agreement",
            "a.contract",
            "--as-of",
            AS_OF,
            "--format",
            "github",
        ],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    for line in stdout.lines() {
        assert!(
            line.starts_with("::error ")
                || line.starts_with("::warning ")
                || line.starts_with("::notice "),
            "{line}"
        );
    }
    assert!(
        !stdout.contains('\r') && !stdout.contains('\u{1b}'),
        "{stdout}"
    );
}

#[test]
fn on_github_actions_the_log_stops_reading_commands_while_proviso_writes() {
    let dir = tree(
        "stop-commands",
        &[("a.contract", STRICT), ("d.yaml", BYPASS)],
    );
    let out = proviso()
        .current_dir(&dir)
        .env("GITHUB_ACTIONS", "true")
        .args([
            "check",
            "d.yaml",
            "--agreement",
            "a.contract",
            "--as-of",
            AS_OF,
        ])
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let first = stdout.lines().next().expect("a first line");
    let token = first
        .strip_prefix("::stop-commands::")
        .expect("stdout starts by stopping commands");
    assert!(token.len() >= 16, "{token}");
    assert_eq!(
        stdout.lines().last(),
        Some(format!("::{token}::").as_str()),
        "{stdout}"
    );
    assert_eq!(code(&out), 1);
}

// 4. Injecting Markdown.

#[test]
fn the_markdown_report_renders_no_link_image_mention_or_html_from_input() {
    use pulldown_cmark::{Event, Options, Parser, Tag};
    let topo = "name: \"[click](https://evil.example) ![i](https://evil.example/i.png) <https://x.example> www.evil.example @admin <b>bold</b> `tick` **b**\"
nodes:
  \"@admin\": {kind: client}
  \"[x](https://evil.example)\": {kind: model}
edges:
  - {from: \"@admin\", to: \"[x](https://evil.example)\", kind: api}
";
    let dir = tree("markdown", &[("a.contract", STRICT), ("d.yaml", topo)]);
    let out = run_in(
        &dir,
        &[
            "check",
            "d.yaml",
            "--agreement",
            "a.contract",
            "--as-of",
            AS_OF,
            "--format",
            "markdown",
        ],
    );
    let md = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut inside_code = String::new();
    let mut in_block = false; // GitHub renders nothing inside a fenced block either
    for event in Parser::new_ext(&md, Options::all()) {
        match event {
            Event::Start(Tag::Link { .. } | Tag::Image { .. }) => panic!("a link or image: {md}"),
            Event::Html(h) | Event::InlineHtml(h) => panic!("raw HTML {h:?}: {md}"),
            Event::Start(Tag::CodeBlock(_)) => in_block = true,
            Event::End(pulldown_cmark::TagEnd::CodeBlock) => in_block = false,
            Event::Text(t) if !in_block => {
                assert!(!t.contains("@admin"), "a mention outside code: {md}")
            }
            Event::Code(c) => inside_code.push_str(&c),
            _ => {}
        }
    }
    assert!(inside_code.contains("@admin"), "{md}");
    assert!(inside_code.contains("www.evil.example"), "{md}");
}

// 5. Hiding a topology from a scan.

#[test]
fn a_scan_never_skips_what_looks_like_a_topology() {
    let hidden: &[(&str, &str)] = &[
        ("syntax.yaml", "nodes:\n  a: {kind: client\n"),
        (
            "comment.json",
            "// a comment\n{\"nodes\": {\"a\": {\"kind\": \"client\"}}}\n",
        ),
        ("singular.yaml", "node:\n  a: {kind: client}\n"),
        ("capital.yaml", "Nodes:\n  a: {kind: client}\n"),
        ("spaced.yaml", "\"nodes \":\n  a: {kind: client}\n"),
        (
            "edges-only.yaml",
            "edges:\n  - {from: a, to: b, kind: api}\n",
        ),
    ];
    for (name, text) in hidden {
        let dir = tree("hide", &[("a.contract", STRICT), (name, text)]);
        let out = scan(&dir);
        assert_eq!(code(&out), 2, "{name}: {}", outcome(&out));
        assert!(outcome(&out).contains(name), "{name}: {}", outcome(&out));
    }
}

#[test]
fn a_scan_checks_files_that_an_escape_or_a_bom_would_once_have_hidden() {
    for (name, text) in [
        (
            "escaped.json",
            "{\"\\u006eodes\": {\"app\": {\"kind\": \"client\"}, \"gpt\": {\"kind\": \"model\"}}, \"edges\": [{\"from\": \"app\", \"to\": \"gpt\", \"kind\": \"api\"}]}",
        ),
        ("bom.yaml", &format!("\u{feff}{BYPASS}")),
        (
            "bom.json",
            "\u{feff}{\"nodes\": {\"app\": {\"kind\": \"client\"}, \"gpt\": {\"kind\": \"model\"}}, \"edges\": [{\"from\": \"app\", \"to\": \"gpt\", \"kind\": \"api\"}]}",
        ),
    ] {
        let dir = tree("bom", &[("a.contract", STRICT), (name, text)]);
        let out = scan(&dir);
        let text = outcome(&out);
        assert_eq!(code(&out), 1, "{name}: {text}");
        assert!(text.contains(&format!("{name}\n")), "{name}: {text}");
    }
}

#[test]
fn near_miss_info_strings_are_errors() {
    for info in [
        "YAML proviso",
        "yaml Proviso",
        "Proviso",
        "yaml-proviso",
        "{.yaml .proviso}",
        "yaml provisio",
    ] {
        let doc = format!("# Design\n\n```{info}\n{BYPASS}```\n");
        let dir = tree("info", &[("a.contract", STRICT), ("doc.md", &doc)]);
        let out = scan(&dir);
        let text = outcome(&out);
        assert_eq!(code(&out), 2, "{info}: {text}");
        assert!(text.contains("doc.md:3:1"), "{info}: {text}");
    }
}

#[test]
fn a_named_doc_without_a_block_and_a_named_empty_directory_are_errors() {
    let dir = tree(
        "named",
        &[
            ("a.contract", STRICT),
            ("notes.md", "# Notes\n"),
            ("designs/readme.txt", "x"),
        ],
    );
    for path in ["notes.md", "designs", "designs/*.yaml"] {
        let out = run_in(&dir, &["check", path, "--agreement", "a.contract"]);
        assert_eq!(code(&out), 2, "{path}: {}", outcome(&out));
    }
}

#[test]
fn ignore_files_added_by_a_change_hide_no_tracked_topology() {
    let dir = tree(
        "gitignore",
        &[
            ("a.contract", STRICT),
            ("designs/prod.yaml", BYPASS),
            (".hidden/also.yaml", BYPASS),
        ],
    );
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .current_dir(&dir)
            .args(args)
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if !git(&["init", "-q"]) {
        return; // no git on this machine: the walker's own rules apply
    }
    assert!(git(&["add", "."]));
    // The change adds ignore files that would hide the tracked designs.
    std::fs::write(dir.join(".ignore"), "*.yaml\n").expect("w");
    std::fs::write(dir.join("designs/.gitignore"), "*\n").expect("w");
    std::fs::write(dir.join(".gitignore"), "designs/\n.hidden/\n").expect("w");
    let out = scan(&dir);
    let text = outcome(&out);
    assert_eq!(code(&out), 1, "{text}");
    assert!(text.contains("designs/prod.yaml\n"), "{text}");
    assert!(text.contains(".hidden/also.yaml\n"), "{text}");
}

#[test]
fn a_file_named_like_a_glob_does_not_replace_its_expansion() {
    let dir = tree(
        "literal-glob",
        &[
            ("a.contract", STRICT),
            ("deploy/prod.yaml", BYPASS),
            ("deploy/*.yaml", "nodes: {}\n"),
        ],
    );
    let out = run_in(
        &dir,
        &[
            "check",
            "deploy/*.yaml",
            "--agreement",
            "a.contract",
            "--as-of",
            AS_OF,
        ],
    );
    let text = outcome(&out);
    assert!(text.contains("deploy/prod.yaml\n"), "{text}");
}

// 6. Aliasing another file's label.

#[test]
fn file_names_that_could_pass_for_another_label_are_refused() {
    for name in ["legacy.yaml#new.yaml", "deploy\\prod.yaml"] {
        let dir = tree("alias", &[("a.contract", STRICT), (name, BYPASS)]);
        let out = scan(&dir);
        let text = outcome(&out);
        assert_eq!(code(&out), 2, "{name}: {text}");
        assert!(text.contains("rename the file"), "{name}: {text}");
    }
}

// 7. Breaking output formats.

#[test]
fn junit_stays_well_formed_xml_whatever_the_input_holds() {
    let topo = "name: \"bad \\uFFFE \\u0001 \\u001b \\u0000 <&>\"
nodes:
  app: {kind: client, note: \"\\uFFFF\"}
  gpt: {kind: model}
edges:
  - {from: app, to: gpt, kind: api}
";
    let dir = tree("junit", &[("a.contract", STRICT), ("d.yaml", topo)]);
    let out = run_in(
        &dir,
        &[
            "check",
            "d.yaml",
            "--agreement",
            "a.contract",
            "--as-of",
            AS_OF,
            "--format",
            "junit",
        ],
    );
    let xml = String::from_utf8(out.stdout).expect("utf-8");
    let mut reader = quick_xml::Reader::from_str(&xml);
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(quick_xml::events::Event::Text(t)) => {
                t.decode().expect("text decodes");
            }
            Ok(_) => {}
            Err(e) => panic!("ill-formed XML: {e}\n{xml}"),
        }
    }
    assert!(
        !xml.chars()
            .any(|c| (c.is_control() && c != '\n' && c != '\t')
                || c == '\u{fffe}'
                || c == '\u{ffff}'),
        "a character XML 1.0 cannot hold: {xml:?}"
    );
}

#[test]
fn files_written_with_output_hold_no_control_characters() {
    let topo = "name: \"esc \\u001b[2J nul \\u0000 soh \\u0001\"\nnodes:\n  app: {kind: client}\n  gpt: {kind: model}\nedges:\n  - {from: app, to: gpt, kind: api}\n";
    let dir = tree("output-file", &[("a.contract", STRICT), ("d.yaml", topo)]);
    for format in ["human", "json", "sarif", "junit", "markdown", "github"] {
        let written = written_breach(&dir, format);
        assert!(
            !written
                .chars()
                .any(|c| c.is_control() && c != '\n' && c != '\t'),
            "{format}: {written:?}"
        );
    }
}

#[test]
fn sarif_fingerprints_cannot_collide_through_node_ids() {
    // `[a>b, c]` and `[a, b>c]` joined with `>` are the same string.
    let topo = "nodes:
  a>b: {kind: client}
  a: {kind: client}
  c: {kind: model}
  b>c: {kind: model}
edges:
  - {from: a>b, to: c, kind: api}
  - {from: a, to: b>c, kind: api}
";
    let dir = tree("fingerprints", &[("a.contract", STRICT), ("d.yaml", topo)]);
    let out = run_in(
        &dir,
        &[
            "check",
            "d.yaml",
            "--agreement",
            "a.contract",
            "--as-of",
            AS_OF,
            "--format",
            "sarif",
        ],
    );
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).expect("sarif");
    let prints: Vec<String> = sarif["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| r["partialFingerprints"].to_string())
        .collect();
    assert_eq!(prints.len(), 2, "{sarif}");
    assert_ne!(prints[0], prints[1]);
}

#[test]
fn json_outputs_escape_the_characters_a_serialiser_leaves_raw() {
    // Found by the `check` fuzz target (fuzz/regressions/check/, through a
    // display path, which the library takes as given): DEL, a C1 control,
    // a bidi override or U+2028 in a string reached the JSON, SARIF and
    // verdicts outputs raw, since JSON serialisers escape only C0
    // controls. Written with `-o`, the file held the raw character; on
    // stdout the output filter turned it into `\u{7f}`, which is not a JSON
    // escape, and the report no longer parsed. Both must now be JSON whose
    // strings decode to the input.
    let name = "a\u{7f}\u{202e}\u{85}\u{2028}b";
    let topo = "name: \"a\\x7f\\u202e\\x85\\u2028b\"\nnodes:\n  app: {kind: client, note: \"\\u202e\"}\n  gpt: {kind: model}\nedges:\n  - {from: app, to: gpt, kind: api}\n";
    let dir = tree("json-raw", &[("a.contract", STRICT), ("d.yaml", topo)]);
    let raw = |c: char| {
        (c.is_control() && c != '\n' && c != '\t') || matches!(c, '\u{202e}' | '\u{2028}')
    };
    for format in ["json", "sarif", "verdicts"] {
        let args = [
            "check",
            "d.yaml",
            "--agreement",
            "a.contract",
            "--as-of",
            AS_OF,
            "--format",
            format,
        ];
        let stdout = run_in(&dir, &args);
        assert_eq!(code(&stdout), 1, "{format}: {}", outcome(&stdout));
        let written = run_in(&dir, &[&args[..], &["-o", "out.txt"]].concat());
        assert_eq!(code(&written), 1, "{format}: {}", outcome(&written));
        let file_text = std::fs::read_to_string(dir.join("out.txt")).expect("written");
        for text in [
            String::from_utf8_lossy(&stdout.stdout).into_owned(),
            file_text,
        ] {
            assert!(!text.chars().any(raw), "{format}: {text:?}");
            let value: serde_json::Value = serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("{format}: not JSON: {e}\n{text}"));
            if format == "json" {
                assert_eq!(value["reports"][0]["name"], name, "{text}");
            }
        }
    }
}

#[test]
fn files_written_with_output_hold_no_vso_command_in_any_format() {
    // Found by the `check` fuzz target (fuzz/regressions/check/): the
    // human view with `-o` was written unfiltered, so an agreement title
    // holding `##vso[` reached the file as a command; and the filter
    // defused a line's first `:` or `#`, not the `#` of its `##vso[`.
    let agreement = format!(
        "agreement \"T: x ##vso[task.setvariable variable=a]1\"\n{}",
        STRICT.replace("\"Models", "\"M: ##vso[task.complete]")
    );
    let dir = tree(
        "vso-file",
        &[("a.contract", &agreement), ("d.yaml", BYPASS)],
    );
    for format in ["human", "json", "sarif", "junit", "markdown", "verdicts"] {
        let written = written_breach(&dir, format);
        assert!(!written.contains("##vso["), "{format}: {written}");
        assert_no_command_lines(&written);
        if matches!(format, "json" | "sarif" | "verdicts") {
            let value: serde_json::Value = serde_json::from_str(&written)
                .unwrap_or_else(|e| panic!("{format}: not JSON: {e}\n{written}"));
            assert!(
                value.to_string().contains("##vso[") || format == "verdicts",
                "{format}: strings decode to the input: {written}"
            );
        }
    }
}
