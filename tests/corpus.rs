//! Real-world documents: every OpenAPI 3.0 and 3.1 example of @readme/oas-examples (JSON and
//! YAML) must load into an IR; the Swagger 2.0 ones must be refused with a clear error.
//! `scripts/fetch-corpus` puts them in .cache/corpus (the README's test command runs it).

mod common;

use std::path::{Path, PathBuf};

use common::root;
use rivya_codegen::load::{self, Limits, Source};
use rivya_codegen::{ir, normalize, Error};

fn corpus() -> PathBuf {
    let dir = root().join(".cache/corpus/readme-oas-examples/package");
    assert!(
        dir.is_dir(),
        "{} is missing: run scripts/fetch-corpus",
        dir.display()
    );
    dir
}

fn documents(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(documents(&path));
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("json" | "yaml")
        ) {
            found.push(path);
        }
    }
    found.sort();
    found
}

fn build(path: &Path) -> Result<ir::Ir, Error> {
    let document = load::load(&Source::File(path.to_owned()), &Limits::default())?;
    rivya_codegen::pipeline::build_ir(&normalize::normalize(document)?, None)
}

#[test]
fn every_3_x_example_loads() {
    let mut loaded = 0;
    for version in ["3.0", "3.1"] {
        for path in documents(&corpus().join(version)) {
            if let Err(error) = build(&path) {
                panic!("{}: {error}", path.display());
            }
            loaded += 1;
        }
    }
    assert!(loaded >= 100, "only {loaded} documents found");
}

#[test]
fn swagger_2_examples_are_refused_clearly() {
    let swagger = documents(&corpus().join("2.0"));
    assert!(!swagger.is_empty());
    for path in swagger {
        match build(&path) {
            Err(error) => assert!(
                error.to_string().contains("Swagger 2.0 is not supported"),
                "{error}"
            ),
            Ok(_) => panic!("{} was accepted", path.display()),
        }
    }
}

/// The IR of a train-half document of the APIs.guru directory.
fn directory_ir(relative: &str) -> ir::Ir {
    build(&common::train_document(relative))
        .unwrap_or_else(|error| panic!("{relative}: {error}"))
}

#[test]
fn annotated_references_in_all_of_keep_their_type() {
    // `allOf: [{$ref: X}, {description: …}]` on nearly every property: thousands of members
    // were degraded to any JSON value.
    for relative in [
        "api/amazonaws.com/AWSMigrationHub.json",
        "api/adyen.com/CheckoutService-v71.json",
    ] {
        let ir = directory_ir(relative);
        assert_eq!(ir.warnings, [], "{relative}");
        assert!(ir.types.len() > 20, "{relative}");
    }
}

#[test]
fn recursion_through_a_property_all_of_is_boxed() {
    let ir = directory_ir("api/amazonaws.com/iottwinmaker.json");
    assert!(ir.types["DataType"].recursive);
    for relative in [
        "api/amazonaws.com/timestream-query.json",
        "api/amazonaws.com/amplifyuibuilder.json",
    ] {
        directory_ir(relative);
    }
}

#[test]
fn references_to_another_operation_resolve() {
    let ir = directory_ir("api/enode.io.json");
    let charger = ir
        .operations
        .iter()
        .find(|o| o.path == "/chargers/{chargerId}" && o.method == ir::Method::Get)
        .expect("GET /chargers/{chargerId}");
    assert!(charger.params.len() >= 2, "{:?}", charger.params);
    // A reference into a schema whose `$ref` had siblings (wrapped in `allOf` for 3.1).
    directory_ir("api/codat.io/sync-for-commerce.json");
}

#[test]
fn a_query_template_in_a_path_key_is_left_to_the_query_parameters() {
    let ir = directory_ir("api/medium.com.json");
    let search = ir
        .operations
        .iter()
        .find(|o| o.path == "/search/articles")
        .expect("GET /search/articles");
    assert!(search
        .params
        .iter()
        .any(|p| p.name == "query" && p.location == ir::ParamLocation::Query));
    assert!(ir.operations.iter().all(|o| !o.path.contains('?')));
    directory_ir("api/icons8.com.json");
}

#[test]
fn unreadable_parts_degrade_with_a_warning_naming_them() {
    let ir = directory_ir("api/loket.nl.json");
    assert!(
        ir.warnings
            .iter()
            .any(|w| w.pointer.ends_with("/multipart~1form-data/schema")),
        "{:?}",
        ir.warnings
    );
    directory_ir("api/spoonacular.com.json");
    let ir = directory_ir("api/api.video.json");
    assert!(
        ir.warnings.iter().any(|w| w.pointer
            == "/components/schemas/video-thumbnail-pick-payload/properties/timecode/pattern"),
        "{:?}",
        ir.warnings
    );
    let ir = directory_ir("api/codat.io/accounting.json");
    assert!(
        ir.warnings
            .iter()
            .any(|w| w.message.contains("/definitions/")),
        "{:?}",
        ir.warnings
    );
    // Callbacks written as `$ref`s to components.callbacks.
    directory_ir("api/cpy.re/peertube.json");
}
