//! Reading input files, within limits.
//!
//! The only place the library touches the file system. Every file is
//! checked against a size limit before it is read (a clear error names the
//! limit and the flag that raises it) and must be UTF-8 (the error names the
//! first bad byte's line and column).

use std::path::{Component, Path, PathBuf};

use crate::diag::{Diagnostic, Errors};
use crate::source::{Source, SourceRef};
use crate::topology::load;

/// The default largest input, in bytes: 1 GiB.
pub const DEFAULT_MAX_INPUT: u64 = 1 << 30;

/// Reads `path` if it is a regular file of at most `max` bytes.
///
/// The size is enforced on the bytes actually read, not on what the file
/// system reports: procfs files and devices report 0 (`/proc/self/environ`,
/// `/dev/zero`). Devices, FIFOs (which would block forever), sockets and
/// directories are refused before they are opened. A UTF-8 byte-order
/// mark is dropped, as editors do.
pub fn read(path: &Path, max: u64) -> Result<SourceRef, Errors> {
    let (display, text) = read_text(path, max)?;
    Ok(Source::new(display, text))
}

fn read_text(path: &Path, max: u64) -> Result<(String, String), Errors> {
    let display = display_path(path);
    let meta = std::fs::metadata(path).map_err(|e| io_error(&display, &e))?;
    if !meta.is_file() {
        return Err(not_a_file(&display, &meta).into());
    }
    if meta.len() > max {
        return Err(too_large(&display, Some(meta.len()), max).into());
    }
    let file = std::fs::File::open(path).map_err(|e| io_error(&display, &e))?;
    // The handle is checked again: the path may have changed in between.
    let meta = file.metadata().map_err(|e| io_error(&display, &e))?;
    if !meta.is_file() {
        return Err(not_a_file(&display, &meta).into());
    }
    let bytes = read_all(file, meta.len().min(max), max).map_err(|e| io_error(&display, &e))?;
    if bytes.len() as u64 > max {
        return Err(too_large(&display, None, max).into());
    }
    let mut bytes = bytes;
    if bytes.starts_with(b"\xef\xbb\xbf") {
        bytes.drain(..3);
    }
    let text = load::utf8(&display, bytes)?;
    Ok((display, text))
}

/// Files of at least this many bytes are read in two halves at once.
#[cfg(unix)]
const SPLIT_READ: u64 = 16 << 20;

/// The bytes of `file`, which reports `len` bytes, up to one byte past
/// `max` (so that the caller sees a file that grew past the limit).
///
/// A large file is read in two halves, each on its own core. Most of the
/// time of reading a large file into memory is not the copy but the
/// kernel zeroing each fresh page of the buffer on its first touch: on a
/// virtual machine about 0.55 ms per MB on one core (570 MB took 0.33 s),
/// and two cores fault their own pages at once. The halves are read with
/// positional reads; a file that turns out shorter than it said is read
/// again from the start, one piece after another, as a small file is.
fn read_all(file: std::fs::File, len: u64, max: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read as _;
    let mut file = file;
    let mut bytes = Vec::new();
    #[cfg(unix)]
    if len >= SPLIT_READ
        && let Some(read) = read_halves(&file, len as usize)?
    {
        bytes = read;
        std::io::Seek::seek(&mut file, std::io::SeekFrom::Start(len))?;
    }
    if bytes.is_empty() {
        bytes.reserve_exact(len as usize);
    }
    let rest = max.saturating_add(1).saturating_sub(bytes.len() as u64);
    file.take(rest).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// The first `len` bytes of `file`, read as two halves at once; `None`
/// when the file ends before `len`.
#[cfg(unix)]
fn read_halves(file: &std::fs::File, len: usize) -> std::io::Result<Option<Vec<u8>>> {
    // Allocated zeroed, the buffer's pages are not touched until the reads
    // write them, each half by its own thread.
    let mut bytes = vec![0u8; len];
    let (front, back) = bytes.split_at_mut(len / 2);
    let (a, b) = rayon::join(
        || fill_at(file, front, 0),
        || fill_at(file, back, (len / 2) as u64),
    );
    Ok((a? && b?).then_some(bytes))
}

/// Fills `buf` from `file` at `offset`; false when the file ends first.
#[cfg(unix)]
fn fill_at(file: &std::fs::File, buf: &mut [u8], offset: u64) -> std::io::Result<bool> {
    use std::os::unix::fs::FileExt as _;
    match file.read_exact_at(buf, offset) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => Ok(false),
        Err(e) => Err(e),
    }
}

/// The file is over the limit; `size` when the file system knows it.
fn too_large(display: &str, size: Option<u64>, max: u64) -> Diagnostic {
    let size_words = size.map_or(String::new(), |n| format!(" {},", human_size(n)));
    Diagnostic::error(format!(
        "`{}` is{size_words} larger than the {} limit",
        crate::escape::display(display),
        human_size(max)
    ))
    .help(format!(
        "if the file is genuine, raise the limit with `--max-input-size {}`",
        human_size(size.unwrap_or(max).saturating_mul(2))
    ))
}

fn not_a_file(display: &str, meta: &std::fs::Metadata) -> Diagnostic {
    let what = if meta.is_dir() {
        "a directory"
    } else {
        "not a regular file (a device, a pipe or a socket)"
    };
    Diagnostic::error(format!(
        "`{}` is {what}; proviso reads only regular files",
        crate::escape::display(display)
    ))
}

/// One topology of a file, as the command line loads it.
#[derive(Debug)]
pub struct Loaded {
    /// Its name in reports: the file's path, or `doc.md#N` for the N-th
    /// `proviso` block of a Markdown doc.
    pub label: String,
    /// The graph.
    pub topology: crate::Topology,
    /// Its `agreement:` key resolved against the file's directory (not
    /// checked for existence or confinement: that is the caller's policy).
    pub agreement: Option<PathBuf>,
}

/// Reads and loads every topology a file holds, as `proviso check FILE`
/// does: YAML or JSON by extension (YAML otherwise), or each `proviso`
/// block of a Markdown doc.
///
/// ```
/// let dir = std::env::temp_dir().join(format!("proviso-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// let file = dir.join("design.yaml");
/// std::fs::write(&file, "agreement: deal.contract\nnodes:\n  app: {kind: client}\n").unwrap();
/// let loaded = proviso::input::load_topologies(&file, proviso::input::DEFAULT_MAX_INPUT)?;
/// assert_eq!(loaded[0].topology.nodes.len(), 1);
/// assert_eq!(loaded[0].agreement.as_deref(), Some(dir.join("deal.contract").as_path()));
/// # Ok::<(), proviso::Errors>(())
/// ```
pub fn load_topologies(path: &Path, max: u64) -> Result<Vec<Loaded>, Errors> {
    let src = read(path, max)?;
    let dir = path.parent().unwrap_or(Path::new(""));
    let resolve = |t: &crate::Topology| {
        t.agreement
            .as_ref()
            .map(|(rel, _)| normalize(&dir.join(rel)))
    };
    let lower = src.path().to_ascii_lowercase();
    if lower.ends_with(".md") || lower.ends_with(".markdown") {
        let mut out = Vec::new();
        for b in crate::topology::markdown::blocks(&src)? {
            let topology = load::yaml(&b.source)?;
            out.push(Loaded {
                label: format!("{}#{}", src.path(), b.index),
                agreement: resolve(&topology),
                topology,
            });
        }
        return Ok(out);
    }
    let kind = load::Kind::of_path(src.path()).unwrap_or(load::Kind::Yaml);
    let topology = load::from_source(&src, kind)?;
    Ok(vec![Loaded {
        label: src.path().to_string(),
        agreement: resolve(&topology),
        topology,
    }])
}

fn io_error(display: &str, e: &std::io::Error) -> Errors {
    let what = match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string().to_lowercase(),
    };
    Diagnostic::error(format!(
        "cannot read `{}`: {what}",
        crate::escape::display(display)
    ))
    .into()
}

/// A path as the user should see it: `.` and `a/..` removed, `/`
/// separators. Only on Windows is `\\` a separator; elsewhere it is a
/// character of the file name and stays one, so `deploy\\prod.yaml` can
/// never be reported as `deploy/prod.yaml`.
pub fn display_path(path: &Path) -> String {
    let text = normalize(path).to_string_lossy().into_owned();
    if cfg!(windows) {
        text.replace('\\', "/")
    } else {
        text
    }
}

/// Removes `.` and `name/..` without touching the file system.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out: Vec<Component<'_>> = Vec::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match out.last() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir) => {}
                _ => out.push(c),
            },
            _ => out.push(c),
        }
    }
    if out.is_empty() {
        return PathBuf::from(".");
    }
    out.iter().collect()
}

/// `12 B`, `3 KiB`, `50 MiB`, `1 GiB`: sizes as a person reads them.
pub fn human_size(bytes: u64) -> String {
    const UNITS: [(&str, u64); 3] = [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)];
    for (unit, size) in UNITS {
        if bytes >= size && bytes.is_multiple_of(size) {
            return format!("{}{unit}", bytes / size);
        }
        if bytes >= size * 10 {
            return format!("{}{unit}", bytes.div_ceil(size));
        }
    }
    format!("{bytes}B")
}

/// Parses `512MiB`, `1GiB`, `2048` (bytes), `10MB` (decimal units).
pub fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: u64 = num
        .parse()
        .map_err(|_| format!("`{text}` is not a size such as `512MiB` or `1GiB`"))?;
    let mult: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" => 1_000,
        "kib" => 1 << 10,
        "m" | "mb" => 1_000_000,
        "mib" => 1 << 20,
        "g" | "gb" => 1_000_000_000,
        "gib" => 1 << 30,
        _ => {
            return Err(format!(
                "`{text}` has an unknown unit; use B, KiB, MiB or GiB"
            ));
        }
    };
    n.checked_mul(mult)
        .filter(|&size| size <= crate::source::MAX_OFFSET)
        .ok_or_else(|| format!("`{text}` is too large: proviso reads files smaller than 4GiB"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_parent_components() {
        assert_eq!(
            display_path(Path::new("fixtures/topologies/../contracts/a.contract")),
            "fixtures/contracts/a.contract"
        );
        assert_eq!(display_path(Path::new("./a/./b")), "a/b");
        assert_eq!(display_path(Path::new("../a")), "../a");
    }

    #[test]
    fn sizes_round_trip() {
        assert_eq!(parse_size("1GiB"), Ok(1 << 30));
        assert_eq!(parse_size("10MB"), Ok(10_000_000));
        assert_eq!(human_size(1 << 30), "1GiB");
        assert_eq!(human_size(52_428_800), "50MiB");
        assert!(parse_size("ten").is_err());
        // Spans are 32-bit: 4 GiB and more is refused, with the reason.
        assert_eq!(parse_size("4095MiB"), Ok(4095 << 20));
        let err = parse_size("4GiB").expect_err("4 GiB is refused");
        assert!(err.contains("smaller than 4GiB"), "{err}");
    }
}
