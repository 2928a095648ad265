//! `proviso fmt`: rewrite `.contract` files in the canonical layout, or
//! with `--check` say which are not (with a diff) and exit 1.

use std::path::PathBuf;

use proviso::Diagnostic;

use super::Exit;
use super::args::FmtArgs;

/// Runs `proviso fmt`.
pub fn fmt(args: &FmtArgs) -> Exit {
    let files = match contract_files(&args.paths) {
        Ok(f) => f,
        Err(e) => return super::run::report_errors(&e),
    };
    let mut errors = Vec::new();
    let mut out = String::new();
    let mut unformatted = 0;
    for file in &files {
        let src = match proviso::input::read(file, args.max_input_size) {
            Ok(s) => s,
            Err(e) => {
                errors.extend(e.0);
                continue;
            }
        };
        let formatted = match proviso::authoring::fmt::format(&src) {
            Ok(f) => f,
            Err(e) => {
                errors.extend(e.0);
                continue;
            }
        };
        if formatted == src.text() {
            continue;
        }
        unformatted += 1;
        if args.check {
            let diff = similar::TextDiff::from_lines(src.text(), &formatted);
            let name = src.path();
            out.push_str(
                &diff
                    .unified_diff()
                    .context_radius(2)
                    .header(name, &format!("{name} (formatted)"))
                    .to_string(),
            );
        } else if let Err(e) = std::fs::write(file, &formatted) {
            errors.push(Diagnostic::error(format!(
                "cannot write `{}`: {}",
                file.display(),
                e.to_string().to_lowercase()
            )));
        } else {
            out.push_str(&format!(
                "formatted {}\n",
                proviso::escape::display(src.path())
            ));
        }
    }
    if !errors.is_empty() {
        return super::run::report_errors(&errors);
    }
    if args.check && unformatted > 0 {
        out.push_str(&format!(
            "{unformatted} file{} not formatted; run `proviso fmt` to fix\n",
            if unformatted == 1 { " is" } else { "s are" }
        ));
        super::run::print_stdout(&out);
        return Exit::Breached;
    }
    super::run::print_stdout(&out);
    Exit::Compliant
}

/// Each file named, and every `*.contract` under each directory (sorted).
fn contract_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Vec<Diagnostic>> {
    let paths = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for p in &paths {
        let shown = proviso::escape::display(&proviso::input::display_path(p)).into_owned();
        if p.is_dir() {
            let mut found: Vec<PathBuf> = ignore::WalkBuilder::new(p)
                .sort_by_file_name(|a, b| a.cmp(b))
                .build()
                .filter_map(Result::ok)
                .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
                .map(|e| e.into_path())
                .filter(|f| f.extension().is_some_and(|x| x == "contract"))
                .collect();
            found.sort();
            if found.is_empty() {
                errors.push(
                    Diagnostic::error(format!("no `.contract` file in `{shown}`"))
                        .help("name agreement files, or directories that hold them"),
                );
            }
            out.extend(found);
        } else if p.is_file() {
            out.push(p.clone());
        } else {
            errors.push(
                Diagnostic::error(format!("`{shown}` does not exist"))
                    .help("name agreement files (`*.contract`) or directories that hold them"),
            );
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}
