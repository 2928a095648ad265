fn main() {
    let path = std::env::args().nth(1).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let src = proviso::source::Source::new(path, text);
    match proviso::syntax::parse_agreement(&src) {
        Ok(a) => println!(
            "{} defs, {} counts, {} clauses\n{:#?}",
            a.definitions.len(),
            a.counts_as.len(),
            a.clauses.len(),
            a.clauses
                .iter()
                .map(|c| (
                    &c.id.node,
                    c.modal.node.as_str(),
                    c.form.name(),
                    c.indirect.is_some()
                ))
                .collect::<Vec<_>>()
        ),
        Err(e) => print!("{}", proviso::diag::render::render(&e.0, false)),
    }
}
