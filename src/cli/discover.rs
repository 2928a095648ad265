//! Finding the topologies among the paths given: files, directories, globs.
//!
//! A file named on the command line is always checked, so a typo in it is
//! an error, not a silent skip. Directories and globs are searches: they
//! pick YAML and JSON files whose top level has `nodes` and Markdown docs
//! with a `proviso` block, and skip the rest (`--verbose` says which),
//! because a repository's YAML is mostly CI configs and manifests.
//! Directories are walked with the `ignore` crate (ripgrep's walker), so
//! hidden and git-ignored files (`target/`, `node_modules/`) are skipped;
//! globs are matched with `globset`. Every search is sorted by path, and a
//! file found twice is checked once, so runs are deterministic.

// Diagnostics travel only on the cold error path (as in the library).
#![allow(clippy::result_large_err)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use globset::GlobBuilder;
use proviso::Diagnostic;

/// A file to check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The path, as given or as found under a directory.
    pub path: PathBuf,
    /// Named on the command line (checked whatever it holds), rather than
    /// found by a search (checked only if it looks like a topology).
    pub explicit: bool,
}

/// The extensions a search picks.
const EXTENSIONS: [&str; 4] = ["yaml", "yml", "json", "md"];

/// Expands the command line's paths into files, in a stable order.
pub fn discover(args: &[PathBuf]) -> Result<Vec<Found>, Vec<Diagnostic>> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let mut seen = BTreeSet::new();
    for arg in args {
        let found = if arg.is_dir() {
            walk(arg, |_| true)
        } else if !arg.exists() && is_glob(arg) {
            glob(arg)
        } else {
            Ok(vec![Found {
                path: arg.clone(),
                explicit: true,
            }])
        };
        match found {
            Ok(files) => out.extend(
                files
                    .into_iter()
                    .filter(|f| seen.insert(proviso::input::normalize(&f.path))),
            ),
            Err(d) => errors.push(d),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

fn is_glob(path: &Path) -> bool {
    path.to_string_lossy().contains(['*', '?', '[', '{'])
}

/// The files under `root` with a searched extension that `keep` accepts,
/// sorted by path.
fn walk(root: &Path, keep: impl Fn(&Path) -> bool) -> Result<Vec<Found>, Diagnostic> {
    let mut files = Vec::new();
    for entry in ignore::WalkBuilder::new(root)
        .sort_by_file_name(|a, b| a.cmp(b))
        .build()
    {
        let entry = entry.map_err(|e| {
            Diagnostic::error(format!(
                "cannot search `{}`: {}",
                proviso::input::display_path(root),
                e.to_string().to_lowercase()
            ))
        })?;
        let path = entry.path();
        let searched = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()));
        if entry.file_type().is_some_and(|t| t.is_file()) && searched && keep(path) {
            files.push(Found {
                path: path.to_path_buf(),
                explicit: false,
            });
        }
    }
    files.sort_by_key(|f| proviso::input::display_path(&f.path));
    Ok(files)
}

/// The files a glob matches: the directory before its first wildcard is
/// walked and every path under it matched against the whole pattern.
fn glob(pattern: &Path) -> Result<Vec<Found>, Diagnostic> {
    let text = proviso::input::display_path(pattern);
    let matcher = GlobBuilder::new(&text)
        .literal_separator(true)
        .build()
        .map_err(|e| {
            Diagnostic::error(format!(
                "`{text}` is not a valid glob: {}",
                e.kind().to_string().to_lowercase()
            ))
        })?
        .compile_matcher();
    let root: PathBuf = pattern
        .components()
        .take_while(|c| !is_glob(Path::new(c.as_os_str())))
        .collect();
    let root = if root.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        root
    };
    let files = if root.exists() {
        walk(&root, |p| matcher.is_match(proviso::input::display_path(p)))?
    } else {
        Vec::new()
    };
    if files.is_empty() {
        return Err(Diagnostic::error(format!("no file matches `{text}`"))
            .help("check the pattern; `*` stays within a directory, `**` crosses directories"));
    }
    Ok(files)
}
