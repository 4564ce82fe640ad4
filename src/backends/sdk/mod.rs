//! The Rust SDK backend: the IR → the `rivya-sdk` crate.
//!
//! Code that depends on the contract (types, operations, the contract glue, lib.rs, the
//! example) is built as token streams with `quote` (the most repeated items as syntax trees,
//! see `syntax`) and formatted with prettyplease. Code that
//! does not (HTTP plumbing, retries, the SSE adapter, uploads, webhook verification) is kept
//! as real Rust files under `templates/sdk/` and copied in.

pub mod catalog;
mod dedupe;
pub mod glue;
pub mod krate;
pub mod ops;
pub mod render;
pub mod reserved;
pub mod snippets;
mod syntax;
pub mod types;

use crate::error::Result;
use crate::ir::Ir;
use crate::write::OutputTree;

/// The runtime modules, copied into `src/` as they are (after the generated-file header).
pub const TEMPLATES: &[(&str, &str)] = &[
    ("call.rs", include_str!("../../../templates/sdk/call.rs")),
    (
        "client.rs",
        include_str!("../../../templates/sdk/client.rs"),
    ),
    ("codec.rs", include_str!("../../../templates/sdk/codec.rs")),
    ("error.rs", include_str!("../../../templates/sdk/error.rs")),
    (
        "nullable.rs",
        include_str!("../../../templates/sdk/nullable.rs"),
    ),
    ("retry.rs", include_str!("../../../templates/sdk/retry.rs")),
    (
        "secret.rs",
        include_str!("../../../templates/sdk/secret.rs"),
    ),
    ("sse.rs", include_str!("../../../templates/sdk/sse.rs")),
    (
        "upload.rs",
        include_str!("../../../templates/sdk/upload.rs"),
    ),
    ("wait.rs", include_str!("../../../templates/sdk/wait.rs")),
    (
        "webhooks.rs",
        include_str!("../../../templates/sdk/webhooks.rs"),
    ),
];

/// prettyplease fills lines up to 89 columns where rustfmt's default is 100; with this the two
/// agree on the generated code (checked by a test), so `cargo fmt --check` passes unchanged.
pub const RUSTFMT_TOML: &str = include_str!("../../../templates/sdk/rustfmt.toml");

/// What the SDK shows of each generation model: `examples/models.rs`, which the crate's build
/// compiles, and each model's call as it is written there. Built once, for the crate and for
/// the docs, which show the calls beside their curl examples.
pub struct Examples {
    file: Option<String>,
    calls: std::collections::BTreeMap<String, String>,
}

impl Examples {
    pub fn new(ir: &Ir) -> Result<Examples> {
        Ok(match snippets::examples(ir)? {
            Some((file, snippets)) => Examples {
                file: Some(file),
                calls: snippets
                    .into_iter()
                    .map(|(id, (_, body))| (id, body))
                    .collect(),
            },
            None => Examples {
                file: None,
                calls: Default::default(),
            },
        })
    }

    /// The Rust call of each model's documentation page, by model ID: the body of its function
    /// in `examples/models.rs`.
    pub fn calls(&self) -> &std::collections::BTreeMap<String, String> {
        &self.calls
    }

    /// Adds `examples/models.rs`, when the IR has generation models, to the crate that
    /// [`generate`] built from the same IR.
    pub fn add_to(&self, tree: &mut OutputTree) -> Result<()> {
        match &self.file {
            Some(source) => tree.add("examples/models.rs", source.as_str()),
            None => Ok(()),
        }
    }
}

/// Generates the crate, `src/catalog.rs` included when the IR has a model catalog, all but
/// `examples/models.rs`, which [`Examples::add_to`] adds: the examples are built apart, since
/// the docs need them too (and first). Paths in the tree are relative to the crate's folder.
pub fn generate(ir: &Ir) -> Result<OutputTree> {
    // The catalog module is printed on a second thread while the rest of the crate is (which
    // formats types.rs on a third).
    let (tree, catalog) = std::thread::scope(|scope| {
        let catalog = scope.spawn(|| catalog::catalog_module(ir));
        let tree = crate_without_catalog(ir, ir.catalog.is_some());
        (
            tree,
            catalog
                .join()
                .expect("the catalog module thread does not panic"),
        )
    });
    let mut tree = tree?;
    if let Some(source) = catalog {
        tree.add("src/catalog.rs", format!("{}{source}", render::header(ir)))?;
    }
    Ok(tree)
}

/// Every file but `src/catalog.rs`; `catalog` says whether the crate will carry it (lib.rs
/// declares the module and the operations check requests against it).
fn crate_without_catalog(ir: &Ir, catalog: bool) -> Result<OutputTree> {
    let types = types::Types::new(ir)?;
    let ops = ops::Ops {
        types: &types,
        validation: catalog,
    };
    // types.rs is the largest file by far: it is formatted on a second thread meanwhile.
    let (types_file, ops_file) = std::thread::scope(|scope| {
        let types_file = scope.spawn(|| types.file());
        let ops_file = ops.file();
        let types_file = types_file
            .join()
            .expect("the types.rs thread does not panic");
        (types_file, ops_file)
    });
    let (ops_file, summary) = ops_file?;
    let glue = glue::Glue { types: &types, catalog };
    let example = render::file(
        ir,
        "examples/quickstart.rs",
        krate::quickstart(&types, &summary)?,
    )?;

    let mut tree = OutputTree::new();
    tree.add("Cargo.toml", krate::cargo_toml(ir))?;
    tree.add("rustfmt.toml", RUSTFMT_TOML)?;
    let example_body = example
        .split_once('\n')
        .map(|(_, rest)| rest)
        .unwrap_or_default();
    tree.add("README.md", krate::readme(ir, &summary, example_body)?)?;
    tree.add("examples/quickstart.rs", example)?;
    tree.add(
        "src/lib.rs",
        render::file(
            ir,
            "src/lib.rs",
            krate::lib_rs(ir, catalog, !summary.waits.is_empty()),
        )?,
    )?;
    tree.add("src/types.rs", types_file?)?;
    tree.add("src/ops.rs", ops_file)?;
    tree.add(
        "src/glue.rs",
        render::file(ir, "src/glue.rs", glue.module()?)?,
    )?;
    for (name, source) in TEMPLATES {
        if *name == "wait.rs" && summary.waits.is_empty() {
            continue;
        }
        tree.add(
            &format!("src/{name}"),
            format!("{}{source}", render::header(ir)),
        )?;
    }
    Ok(tree)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::Input;

    fn fixture_ir() -> Ir {
        Input::for_spec(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/openapi.json"
        ))
        .build_ir()
        .unwrap()
    }

    /// The title and version are spec text: they must not break out of the comments and
    /// strings they are written into.
    #[test]
    fn hostile_title_stays_in_its_comment_and_string() {
        let mut ir = fixture_ir();
        ir.api.title = "Evil \"API\"\n[package]\nname = \"x\" */ \\".into();
        ir.api.version = "1\r\nfn main() {}".into();
        let mut tree = generate(&ir).unwrap();
        Examples::new(&ir).unwrap().add_to(&mut tree).unwrap();
        let cargo = std::str::from_utf8(tree.get("Cargo.toml").unwrap()).unwrap();
        let tables = cargo.lines().filter(|l| l.starts_with("[package]")).count();
        assert_eq!(tables, 1, "{cargo}");
        assert!(cargo
            .contains(r#"Rust SDK for the Evil \"API\" [package] name = \"x\" */ \\"#));
        for (path, bytes) in tree.files() {
            let text = std::str::from_utf8(bytes).unwrap();
            let first = text.lines().next().unwrap();
            assert!(!text.contains("\nfn main() {}"), "{path}");
            if path.ends_with(".rs") {
                assert!(
                    first.starts_with("// @generated")
                        && first.ends_with("Do not edit.")
                );
            }
        }
    }

    #[test]
    fn every_file_is_inside_the_crate_folder() {
        let ir = fixture_ir();
        let mut tree = generate(&ir).unwrap();
        Examples::new(&ir).unwrap().add_to(&mut tree).unwrap();
        let paths: Vec<&str> = tree.files().map(|(path, _)| path).collect();
        assert!(
            paths.contains(&"src/lib.rs") && paths.contains(&"examples/quickstart.rs")
        );
        assert!(paths
            .iter()
            .all(|p| !p.contains("..") && !p.starts_with('/')));
    }
}
