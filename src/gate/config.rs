//! The gate's configuration: `proviso.toml` at the repository root.
//!
//! In CI a pull request is untrusted, and so is everything it changes:
//! a topology that could name its own agreement could name a permissive
//! one, or `/dev/null`. The policy therefore lives in a file of its own,
//! reviewed like code (CODEOWNERS) and, in the documented workflows, taken
//! from the protected branch rather than from the pull request:
//!
//! ```toml
//! agreement = "contracts/azure-openai.contract"  # judges every topology...
//!
//! [[agreements]]                                  # ...except those a rule picks
//! file = "contracts/eu-residency.contract"
//! paths = ["eu/**"]
//!
//! waivers = "contracts/proviso-waivers.yaml"
//! profile = ["profiles/aws-ai.yaml", "profiles/azure-ai.yaml"]  # or one string
//! baseline = "proviso-baseline.json"
//! strict = true
//! paths = ["designs", "docs"]          # what `proviso check` reads when given no path
//! exclude = ["designs/drafts/**"]      # never read by a scan
//! ignore = "git"                        # git | gitignore | none
//! format = "sarif"
//! output = "proviso.sarif"
//!
//! [warnings]                            # warnings expected, so not failing --strict
//! acknowledge = ["unused-definition:probes", "uncovered-kind:etl"]
//! ```
//!
//! Every path is relative to the directory of the configuration file,
//! which is the repository root unless `root` says otherwise. TOML, not
//! YAML: the file is small, hand-written, and its parser gives every
//! value a span, so a mistake is reported on its line.

use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;

use crate::diag::{Diagnostic, Errors, suggest};
use crate::source::SourceRef;

/// The file name looked for in the working directory.
pub const FILE_NAME: &str = "proviso.toml";

/// Which files a directory scan leaves out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Ignore {
    /// Inside a git work tree, the files git lists: every tracked file, and
    /// untracked ones that no ignore file excludes. An ignore file added by
    /// a change can hide no tracked file. Outside a work tree, as
    /// [`Ignore::Gitignore`].
    #[default]
    Git,
    /// Only the root `.gitignore`; `.ignore` files and nested
    /// `.gitignore` files are not read.
    Gitignore,
    /// Nothing but `.git` itself.
    None,
}

/// A parsed configuration, its paths resolved against its directory.
#[derive(Debug, Clone)]
pub struct Config {
    /// The file it was read from.
    pub file: PathBuf,
    /// The repository root: what a topology may name, and where scans and
    /// `exclude` globs start.
    pub root: PathBuf,
    /// The agreement for topologies no rule of `agreements` picks.
    pub agreement: Option<PathBuf>,
    /// Agreements for some paths, first match first.
    pub rules: Vec<Rule>,
    /// The waiver file.
    pub waivers: Option<PathBuf>,
    /// The baseline report.
    pub baseline: Option<PathBuf>,
    /// The mapping profiles for imported sources (docs/sources.md), in
    /// order; `--profile` files come after them (and win).
    pub profiles: Vec<PathBuf>,
    /// `--strict` by default.
    pub strict: bool,
    /// What to check when the command line names nothing.
    pub paths: Vec<PathBuf>,
    /// Files no scan reads, as globs relative to the root.
    pub exclude: GlobSet,
    /// The globs of `exclude` as written.
    pub exclude_text: Vec<String>,
    /// Which ignore files a scan honours.
    pub ignore: Ignore,
    /// The output format's name, as the command line spells it.
    pub format: Option<String>,
    /// Where to write that format.
    pub output: Option<PathBuf>,
    /// The warnings expected (`[warnings] acknowledge`), by code.
    pub acknowledge: Vec<Acknowledgement>,
}

/// A warning expected by the configuration: listed as acknowledged, it no
/// longer fails `--strict`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acknowledgement {
    /// The warning's code, such as `unused-definition:probes`.
    pub code: String,
    /// Where it is written.
    pub location: crate::source::Location,
}

/// One `[[agreements]]` entry.
#[derive(Debug, Clone)]
pub struct Rule {
    /// The agreement file.
    pub file: PathBuf,
    /// The globs (relative to the root) of the topologies it judges.
    pub paths: GlobSet,
}

/// The gate's configuration file, `proviso.toml` (TOML). Every path is
/// relative to the directory of this file.
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "proviso.toml")]
struct Raw {
    /// The repository root, if not this file's directory.
    root: Option<String>,
    /// The agreement that judges every topology no `[[agreements]]` rule picks.
    agreement: Option<String>,
    /// Agreements for the topologies whose paths match a rule's globs.
    #[serde(default)]
    agreements: Vec<RawRule>,
    /// The waiver file.
    waivers: Option<String>,
    /// An earlier JSON report: only findings not in it fail the gate.
    baseline: Option<String>,
    /// Mapping profiles for imported sources (one file or a list), before any `--profile`.
    profile: Option<RawProfiles>,
    /// Also fail on contested clauses, should breaches, warnings and expired or stale waivers.
    #[serde(default)]
    strict: bool,
    /// What `proviso check` reads when given no path (files, directories or globs).
    #[serde(default)]
    paths: Vec<String>,
    /// Globs never read by a scan.
    #[serde(default)]
    exclude: Vec<String>,
    /// Which files a directory scan leaves out.
    #[serde(default)]
    ignore: Ignore,
    /// The output format (human, json, sarif, junit, github, markdown, verdicts).
    #[schemars(extend("enum" = ["human", "json", "sarif", "junit", "github", "markdown", "verdicts"]))]
    format: Option<String>,
    /// A file the report is written to.
    output: Option<String>,
    /// Warnings expected, so not failing `--strict`.
    warnings: Option<RawWarnings>,
}

/// Warnings the team expects.
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct RawWarnings {
    /// Warning keys such as `unused-definition:probes`.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    acknowledge: Vec<toml::Spanned<String>>,
}

/// One profile file or several.
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(untagged)]
enum RawProfiles {
    /// One file.
    One(String),
    /// Files in order; on the same key a later one wins.
    Many(Vec<String>),
}

/// An agreement for some of the topologies.
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct RawRule {
    /// The agreement file.
    file: String,
    /// Globs (relative to the root) of the topologies it judges.
    paths: Vec<String>,
}

/// The JSON Schema of the configuration file.
pub fn schema() -> schemars::Schema {
    schemars::schema_for!(Raw)
}

/// The keys a configuration may have, for "did you mean".
const KEYS: [&str; 13] = [
    "root",
    "agreement",
    "agreements",
    "waivers",
    "baseline",
    "profile",
    "strict",
    "paths",
    "exclude",
    "ignore",
    "format",
    "output",
    "warnings",
];

/// Parses a configuration read from `path`.
pub fn parse(path: &Path, source: &SourceRef) -> Result<Config, Errors> {
    let raw: Raw = toml::from_str(source.text()).map_err(|e| toml_error(source, &e))?;
    let dir = path.parent().unwrap_or(Path::new("")).to_path_buf();
    let at = |p: &str| crate::input::normalize(&dir.join(p));
    let glob_set = |globs: &[String], what: &str| -> Result<GlobSet, Errors> {
        let mut b = GlobSetBuilder::new();
        for g in globs {
            let g = g.strip_prefix("./").unwrap_or(g);
            b.add(Glob::new(g).map_err(|e| {
                Errors::from(Diagnostic::error(format!(
                    "`{g}` in `{what}` of `{}` is not a valid glob: {}",
                    source.path(),
                    e.kind().to_string().to_lowercase()
                )))
            })?);
        }
        b.build()
            .map_err(|e| Diagnostic::error(e.to_string().to_lowercase()).into())
    };
    let root = raw.root.as_deref().map_or_else(|| at("."), at);
    let mut rules = Vec::new();
    for r in &raw.agreements {
        rules.push(Rule {
            file: at(&r.file),
            paths: glob_set(&r.paths, "agreements.paths")?,
        });
    }
    Ok(Config {
        file: path.to_path_buf(),
        root,
        agreement: raw.agreement.as_deref().map(at),
        rules,
        waivers: raw.waivers.as_deref().map(at),
        baseline: raw.baseline.as_deref().map(at),
        profiles: match &raw.profile {
            None => Vec::new(),
            Some(RawProfiles::One(p)) => vec![at(p)],
            Some(RawProfiles::Many(ps)) => ps.iter().map(|p| at(p)).collect(),
        },
        strict: raw.strict,
        paths: raw.paths.iter().map(|p| at(p)).collect(),
        exclude: glob_set(&raw.exclude, "exclude")?,
        exclude_text: raw.exclude,
        ignore: raw.ignore,
        format: raw.format,
        output: raw.output.as_deref().map(at),
        acknowledge: raw
            .warnings
            .map(|w| w.acknowledge)
            .unwrap_or_default()
            .into_iter()
            .map(|a| Acknowledgement {
                location: source.location(&a.span()),
                code: a.into_inner(),
            })
            .collect(),
    })
}

impl Config {
    /// The agreement that judges the topology at `path`: the first rule
    /// whose globs match it (relative to the root), else `agreement`.
    pub fn agreement_for(&self, path: &Path) -> Option<&Path> {
        let rel = self.relative(path);
        self.rules
            .iter()
            .find(|r| r.paths.is_match(&rel))
            .map(|r| r.file.as_path())
            .or(self.agreement.as_deref())
    }

    /// Whether a scan must leave `path` out.
    pub fn excludes(&self, path: &Path) -> bool {
        self.exclude.is_match(self.relative(path))
    }

    /// `path` relative to the root when it is under it, else as given.
    fn relative(&self, path: &Path) -> PathBuf {
        let path = crate::input::normalize(path);
        let root = crate::input::normalize(&self.root);
        if root == Path::new(".") {
            return path;
        }
        path.strip_prefix(&root)
            .map(Path::to_path_buf)
            .unwrap_or(path)
    }
}

/// A TOML error at its span, unknown keys with "did you mean".
fn toml_error(source: &SourceRef, e: &toml::de::Error) -> Errors {
    let message = e.message().trim().to_string();
    let span = e.span().unwrap_or(0..0);
    let (message, help) = match message.strip_prefix("unknown field `") {
        Some(rest) => {
            let key = rest.split('`').next().unwrap_or("");
            (
                format!("unknown key `{key}` in the configuration"),
                Some(suggest::help_line(key, KEYS).unwrap_or_else(|| {
                    format!("the keys are {}", suggest::list(&KEYS, KEYS.len()))
                })),
            )
        }
        None => (message.replace('\n', "; "), None),
    };
    Diagnostic::error(format!("`{}`: {message}", source.path()))
        .at(source, span, "here")
        .maybe_help(help)
        .into()
}
