//! `proviso schema` and `proviso lsp`: what editors use.

use std::io::Write as _;

use super::Exit;

/// Prints the JSON Schema called `name` (clap has checked the name).
pub fn schema(name: &str) -> Exit {
    let Some(text) = proviso::schema::json(name) else {
        eprintln!(
            "error: there is no schema `{}`; the schemas are {}",
            proviso::escape::display(name),
            proviso::schema::NAMES.join(", ")
        );
        return Exit::Input;
    };
    let mut out = std::io::stdout();
    if out
        .write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .is_err()
    {
        return Exit::Internal;
    }
    Exit::Compliant
}

/// Serves the language server over stdio until the client exits.
pub fn lsp() -> Exit {
    match proviso::lsp::stdio() {
        Ok(()) => Exit::Compliant,
        Err(e) => {
            eprintln!("error: the language server stopped: {e}");
            Exit::Internal
        }
    }
}
