//! Bounds checked before pest sees the text.
//!
//! pest parses parentheses by recursion, and so do our lowering and
//! evaluation; 10,000 nested `(` would overflow the stack. Rather than trust
//! every recursive walk to be careful, we refuse, up front and with a clear
//! message, any agreement nested deeper than [`MAX_NESTING`]. Comments and
//! quoted strings are skipped, so a `(` in a title is not counted.

use crate::diag::Diagnostic;
use crate::source::SourceRef;

/// Deepest nesting of `(` and `[` an agreement may use.
pub const MAX_NESTING: usize = 64;

/// Fails on the first bracket that opens deeper than [`MAX_NESTING`].
pub fn check_nesting(source: &SourceRef) -> Result<(), Diagnostic> {
    let bytes = source.text().as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'(' | b'[' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Err(Diagnostic::error(format!(
                        "brackets nested more than {MAX_NESTING} deep"
                    ))
                    .at(source, i..i + 1, "this one is too deep")
                    .help("split the predicate into named definitions and refer to them by name"));
                }
            }
            b')' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    Ok(())
}
