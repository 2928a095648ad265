//! The body shared by the importer fuzz targets (terraform, structurizr,
//! backstage, mermaid): any text through one importer, without a mapping
//! profile; it may fail, never panic or hang. A topology it builds has a
//! location for every node and edge, and errors render.

use proviso::topology::sources::{self, Format};

pub fn run(format: Format, name: &str, data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let source = proviso::source::Source::new(name, text);
    match sources::load(&source, format, None) {
        Ok(topology) => {
            for ix in 0..topology.nodes.len() as u32 {
                let _ = topology.node_location(ix);
            }
            for ix in 0..topology.edges.len() as u32 {
                let _ = topology.edge_location(ix);
            }
        }
        Err(errors) => {
            let _ = proviso::diag::render::render(&errors.0, false);
        }
    }
    // Detection reads every text without panicking.
    let _ = sources::detect(text);
}
