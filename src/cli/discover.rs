//! Finding the topologies among the paths given: files, directories, globs.
//!
//! In CI the tree being scanned is a pull request, so a scan must not be
//! something the pull request can steer. Hence:
//!
//! - A file named on the command line is always checked, so a typo in it
//!   is an error, not a silent skip. A path with a wildcard is always a
//!   glob, even if a file with that literal name exists (else a file named
//!   `deploy/*.yaml` would replace the expansion).
//! - A directory lists its files the way the configuration's `ignore`
//!   says. By default, inside a git work tree that is git's own list:
//!   every tracked file plus untracked files that no ignore file excludes.
//!   An `.ignore` or nested `.gitignore` added by a change can therefore
//!   hide no tracked file, and hidden directories are no hiding place.
//!   Outside a work tree only the root `.gitignore` is read.
//! - A symbolic link is followed only to a regular file inside the
//!   repository root; any other link is an error.
//! - A file name that could pass for another file's label (`a.md#2`,
//!   `deploy\prod.yaml`) or that holds control or bidi characters is an
//!   error: reports, waivers and baselines name topologies by path.
//!
//! What a scanned file holds is judged later (`run`): anything that looks
//! like a topology and cannot be read is an error there too. Every search
//! is sorted by path and a file found twice is checked once, so runs are
//! deterministic.

// Diagnostics travel only on the cold error path (as in the library).
#![allow(clippy::result_large_err)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use globset::GlobBuilder;
use proviso::Diagnostic;
use proviso::escape::display as esc;
use proviso::gate::config::{Config, Ignore};

/// A file to check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The path, as given or as found under a directory.
    pub path: PathBuf,
    /// Named on the command line (checked whatever it holds), rather than
    /// found by a search (checked only if it looks like a topology).
    pub explicit: bool,
    /// Which command-line path it came from (an index into the paths).
    pub origin: usize,
}

/// How to scan.
pub struct Scan<'a> {
    /// The repository root: symbolic links may not leave it.
    pub root: &'a Path,
    /// Which ignore files to honour.
    pub ignore: Ignore,
    /// The configuration, for `exclude`.
    pub config: Option<&'a Config>,
}

/// What discovery found: files, errors, and notes for `--verbose`.
#[derive(Default)]
pub struct Discovered {
    /// The files, in a stable order.
    pub files: Vec<Found>,
    /// Problems, each an input error.
    pub errors: Vec<Diagnostic>,
    /// What was left out and why.
    pub notes: Vec<String>,
    /// The command-line paths that gave an error already (a glob that
    /// matched nothing), by index.
    pub failed: BTreeSet<usize>,
}

/// The extensions a search picks.
const EXTENSIONS: [&str; 5] = ["yaml", "yml", "json", "md", "markdown"];

/// Expands the command line's paths into files, in a stable order.
pub fn discover(args: &[PathBuf], scan: &Scan<'_>) -> Discovered {
    let mut out = Discovered::default();
    let mut seen = BTreeSet::new();
    for (origin, arg) in args.iter().enumerate() {
        let found = if is_glob(arg) {
            glob(arg, scan, &mut out.notes)
        } else if arg.is_dir() {
            list(arg, scan, &mut out.notes).map(|files| found(files, false))
        } else {
            Ok(found(vec![arg.clone()], true))
        };
        match found {
            Ok(files) => {
                for mut f in files {
                    f.origin = origin;
                    if let Err(d) = check_path(&f.path, scan.root) {
                        out.errors.push(d);
                    } else if seen.insert(proviso::input::normalize(&f.path)) {
                        out.files.push(f);
                    }
                }
            }
            Err(d) => {
                out.errors.push(d);
                out.failed.insert(origin);
            }
        }
    }
    out
}

fn found(paths: Vec<PathBuf>, explicit: bool) -> Vec<Found> {
    paths
        .into_iter()
        .map(|path| Found {
            path,
            explicit,
            origin: 0,
        })
        .collect()
}

/// Whether a path holds a wildcard: `*`, `?`, `[` or `{`.
pub fn is_glob(path: &Path) -> bool {
    path.to_string_lossy().contains(['*', '?', '[', '{'])
}

/// Refuses a file whose name could be read as another's label or that
/// holds characters that print as something else, and a symbolic link
/// that leads out of the root or to something other than a file.
fn check_path(path: &Path, root: &Path) -> Result<(), Diagnostic> {
    let shown = proviso::input::display_path(path);
    let bad = if shown.chars().any(proviso::escape::is_unsafe) {
        Some("holds control or text-direction characters")
    } else if shown.contains('#') {
        Some("holds `#`, which reports use to name a doc's blocks (`doc.md#2`)")
    } else if !cfg!(windows) && shown.contains('\\') {
        Some("holds `\\`, which would read as a directory separator")
    } else {
        None
    };
    if let Some(why) = bad {
        return Err(
            Diagnostic::error(format!("the file name `{}` {why}", esc(&shown))).help(
                "rename the file: reports, waivers and baselines name topologies by their path",
            ),
        );
    }
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return Ok(()); // reading it reports what is wrong
    };
    if !meta.file_type().is_symlink() {
        return Ok(());
    }
    let target = std::fs::canonicalize(path).ok();
    let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    match target {
        Some(t) if t.starts_with(&root) && t.is_file() => Ok(()),
        _ => Err(Diagnostic::error(format!(
            "`{}` is a symbolic link to something outside the repository root or not a file",
            esc(&shown)
        ))
        .help("proviso follows links only to files inside the repository; replace the link with the file")),
    }
}

/// The files under `dir` with a searched extension, sorted by path.
fn list(dir: &Path, scan: &Scan<'_>, notes: &mut Vec<String>) -> Result<Vec<PathBuf>, Diagnostic> {
    let mut files = match scan.ignore {
        // A directory git knows nothing of (outside a work tree, or ignored
        // and untracked, like generated designs under `target/`) is walked:
        // it holds no tracked file that an ignore file could hide.
        Ignore::Git => match git_files(dir) {
            Some(files) if !files.is_empty() => files,
            Some(_) => walk(dir, scan.root, false)?,
            None => walk(dir, scan.root, true)?,
        },
        Ignore::Gitignore => walk(dir, scan.root, true)?,
        Ignore::None => walk(dir, scan.root, false)?,
    };
    files.retain(|p| {
        let searched = p
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()));
        let excluded = searched && scan.config.is_some_and(|c| c.excludes(p));
        if excluded {
            notes.push(format!(
                "skipped `{}`: excluded by the configuration",
                esc(&proviso::input::display_path(p))
            ));
        }
        searched && !excluded
    });
    files.sort_by_key(|p| proviso::input::display_path(p));
    files.dedup();
    Ok(files)
}

/// The files git lists under `dir` (tracked, and untracked but not
/// ignored), or `None` when `dir` is not in a git work tree or git cannot
/// be run.
fn git_files(dir: &Path) -> Option<Vec<PathBuf>> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ])
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let files = out
        .stdout
        .split(|&b| b == 0)
        .filter(|p| !p.is_empty())
        .filter_map(|p| std::str::from_utf8(p).ok())
        .map(|p| dir.join(p))
        // A tracked file deleted in the work tree hides nothing.
        .filter(|p| std::fs::symlink_metadata(p).is_ok())
        .collect();
    Some(files)
}

/// Every file under `dir` but `.git`, and with `gitignore` those that the
/// root's `.gitignore` does not exclude. Links are listed, not followed.
fn walk(dir: &Path, root: &Path, gitignore: bool) -> Result<Vec<PathBuf>, Diagnostic> {
    let ignore = gitignore
        .then(|| ignore::gitignore::Gitignore::new(root.join(".gitignore")).0)
        .filter(|g| !g.is_empty());
    let mut files = Vec::new();
    let walker = ignore::WalkBuilder::new(dir)
        .standard_filters(false)
        .filter_entry(|e| e.file_name() != ".git")
        .build();
    for entry in walker {
        let entry = entry.map_err(|e| {
            Diagnostic::error(format!(
                "cannot search `{}`: {}",
                esc(&proviso::input::display_path(dir)),
                e.to_string().to_lowercase()
            ))
        })?;
        let Some(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            continue;
        }
        let path = entry.path();
        let ignored = ignore.as_ref().is_some_and(|g| {
            path.strip_prefix(root)
                .is_ok_and(|rel| g.matched_path_or_any_parents(rel, false).is_ignore())
        });
        if !ignored {
            files.push(path.to_path_buf());
        }
    }
    Ok(files)
}

/// The files a glob matches: the directory before its first wildcard is
/// listed and every path under it matched against the whole pattern.
fn glob(
    pattern: &Path,
    scan: &Scan<'_>,
    notes: &mut Vec<String>,
) -> Result<Vec<Found>, Diagnostic> {
    let text = proviso::input::display_path(pattern);
    let matcher = GlobBuilder::new(&text)
        .literal_separator(true)
        .build()
        .map_err(|e| {
            Diagnostic::error(format!(
                "`{}` is not a valid glob: {}",
                esc(&text),
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
    let files = if root.is_dir() {
        list(&root, scan, notes)?
            .into_iter()
            .filter(|p| matcher.is_match(proviso::input::display_path(p)))
            .collect()
    } else {
        Vec::new()
    };
    if files.is_empty() {
        return Err(
            Diagnostic::error(format!("no file matches `{}`", esc(&text)))
                .help("check the pattern; `*` stays within a directory, `**` crosses directories"),
        );
    }
    Ok(found(files, false))
}
