//! Every error and warning, rendered as the user sees it, with its exit code.
//!
//! Each file under `fixtures/errors/` is a broken agreement or topology
//! whose first lines say what is wrong; the snapshot is the full message.

use super::support::{AS_OF, relative, run};

#[test]
fn agreement_errors() {
    insta::glob!("../../fixtures", "errors/agreement/*.contract", |path| {
        let path = relative(path);
        let out = run(&[
            "check",
            "fixtures/errors/agreement/topology.yaml",
            "--agreement",
            &path,
            "--as-of",
            AS_OF,
        ]);
        insta::assert_snapshot!(out);
    });
}

/// YAML and JSON topologies (`*.json` has the same schema and checks).
#[test]
fn topology_errors() {
    insta::glob!("../../fixtures", "errors/topology/*.{yaml,json}", |path| {
        let path = relative(path);
        let out = run(&[
            "check",
            &path,
            "--agreement",
            "fixtures/contracts/azure-openai.contract",
            "--as-of",
            AS_OF,
        ]);
        insta::assert_snapshot!(out);
    });
}
