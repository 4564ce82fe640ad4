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
    ir::build(&normalize::normalize(document)?, None)
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
