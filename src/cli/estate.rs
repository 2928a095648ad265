//! Estate manifests in a run (docs/sources.md): a `*.estate.yaml` is
//! loaded as one topology of all its parts, and a scan that finds both a
//! manifest and its parts judges the parts only as part of the estate.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use proviso::topology::estate::{self, Manifest};
use proviso::topology::sources::Profile;
use proviso::{Diagnostic, Errors, SourceRef, Topology};

use super::discover::Found;

/// The estate a file holds, if it is a manifest: `None` leaves it to the
/// other loaders. A file that reads as a manifest but is not named
/// `*.estate.yaml` is an error (a scan would not know its parts).
pub(super) fn load(
    src: &SourceRef,
    file: &Path,
    max: u64,
    profile: Option<&Profile>,
) -> Option<Result<Topology, Errors>> {
    let named = estate::is_manifest_name(src.path());
    if !named {
        let lower = src.path().to_ascii_lowercase();
        let yaml = lower.ends_with(".yaml") || lower.ends_with(".yml");
        if let Some(key) = estate::manifest_key(src.text()).filter(|_| yaml) {
            return Some(Err(Diagnostic::error(format!(
                "`{}` has an `estate:` key, but an estate manifest is named `*.estate.yaml`",
                proviso::escape::display(src.path())
            ))
            .at(src, key, "a manifest's key")
            .help("rename it NAME.estate.yaml, so a directory scan knows which files are its parts")
            .into()));
        }
        return None;
    }
    let dir = file.parent().unwrap_or(Path::new(""));
    Some(Manifest::parse(src, dir).and_then(|m| {
        let read = |p: &Path| proviso::input::read(p, max);
        estate::load(&m, &read, profile)
    }))
}

/// The files of a scan that are parts of a manifest the scan also found;
/// they are judged in their estate, not alone. A manifest that cannot be
/// read claims nothing (its error comes when it is loaded).
pub(super) fn claimed(files: &[Found], max: u64) -> BTreeSet<PathBuf> {
    let mut parts = BTreeSet::new();
    for f in files {
        if !estate::is_manifest_name(&f.path.to_string_lossy()) {
            continue;
        }
        let Ok(src) = proviso::input::read(&f.path, max) else {
            continue;
        };
        let dir = f.path.parent().unwrap_or(Path::new(""));
        if let Ok(m) = Manifest::parse(&src, dir) {
            parts.extend(m.parts.iter().map(|p| proviso::input::normalize(&p.file)));
        }
    }
    parts
}
