//! Reports: the data model and one renderer per output format.
//!
//! [`model`] is the stable, serialisable report; each other module turns a
//! [`model::Document`] into one format. Renderers never look at the
//! topology or the agreement again: everything they print is in the model.

pub mod human;
pub mod json;
pub mod model;

use crate::diag::Diagnostic;

/// A diagnostic as a report warning.
pub fn warning(d: &Diagnostic) -> model::Warning {
    model::Warning {
        message: d.message.clone(),
        location: d.location(),
        help: d.help.clone(),
    }
}
