//! A progress bar on stderr for long runs, and nothing otherwise.
//!
//! A check of one small file takes milliseconds; a bar would only flicker.
//! So the bar appears only when stderr is a terminal *and* the run looks
//! long: many files, or enough bytes that loading alone takes about a
//! second (YAML reads at roughly 10 MB/s, JSON several times faster).
//! Pipes, files and the test suite never see it, so output stays
//! byte-identical. The bar counts bytes, because one big file is most of
//! the time in a mixed run; its message says which file and which phase.
//! It is cleared before the report is printed.

use std::io::IsTerminal as _;
use std::path::Path;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::discover::Found;

/// At least this many files make a run long enough for a bar.
const MANY_FILES: usize = 32;
/// At least this many bytes of input make a run long enough for a bar.
const MANY_BYTES: u64 = 8 << 20;

/// The bar (hidden when it should not show).
pub struct Progress {
    bar: ProgressBar,
}

impl Progress {
    /// A bar for checking `files`: visible only on a terminal for a long run.
    pub fn new(files: &[Found]) -> Self {
        let sizes: Vec<u64> = files.iter().map(|f| size(&f.path)).collect();
        let total: u64 = sizes.iter().sum();
        let long = files.len() >= MANY_FILES || total >= MANY_BYTES;
        if !long || !std::io::stderr().is_terminal() {
            return Progress {
                bar: ProgressBar::hidden(),
            };
        }
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
        // The template is a constant, so it always parses; fall back to the
        // default style rather than fail a check over a progress bar.
        if let Ok(style) = ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {wide_bar} {binary_bytes}/{binary_total_bytes} {msg}",
        ) {
            bar.set_style(style);
        }
        bar.enable_steady_tick(Duration::from_millis(120));
        Progress { bar }
    }

    /// Says what is happening to which file.
    pub fn phase(&self, phase: &str, path: &Path) {
        if !self.bar.is_hidden() {
            let file = proviso::input::display_path(path);
            self.bar.set_message(format!("{phase} {file}"));
        }
    }

    /// Marks a file done.
    pub fn done(&self, path: &Path) {
        self.bar.inc(size(path));
    }

    /// Removes the bar before the report is written.
    pub fn clear(&self) {
        self.bar.finish_and_clear();
    }
}

fn size(path: &Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len())
}
