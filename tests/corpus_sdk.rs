//! Every OpenAPI 3.0 and 3.1 example of @readme/oas-examples, and a fixed sample of the train
//! half of the APIs.guru directory (its `SAMPLE_SIZE` smallest documents), generates an SDK
//! crate that compiles warning-free.
//!
//! The JSON documents are generated (the YAML ones are the same documents) into one temporary
//! cargo workspace, a member crate per document, and checked with a single
//! `cargo check --workspace` under `RUSTFLAGS=-Dwarnings`, so the SDK's dependencies are
//! compiled once for all of them. It shares the workspace's target folder and lockfile, as
//! `tests/sdk_compile.rs` does. `scripts/fetch-corpus` puts the corpus in .cache/corpus.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{root, target_dir};
use rivya_codegen::cli::{output, InputArgs};

fn corpus() -> PathBuf {
    let dir = root().join(".cache/corpus/readme-oas-examples/package");
    assert!(
        dir.is_dir(),
        "{} is missing: run scripts/fetch-corpus",
        dir.display()
    );
    dir
}

/// The JSON documents of one version folder, sorted.
fn documents(version: &str) -> Vec<PathBuf> {
    let dir = corpus().join(version).join("json");
    let mut found: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}: run scripts/fetch-corpus", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .collect();
    found.sort();
    found
}

/// A package name per document: `v3-1-petstore` for 3.1/json/petstore.json.
fn member_name(version: &str, path: &Path) -> String {
    let stem = path.file_stem().unwrap().to_string_lossy();
    format!("v{version}-{stem}")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}

/// Generates one document's crate into `dir`, renamed to `name` (the library keeps the name
/// `rivya_sdk`, which its example uses).
fn generate_member(spec: &Path, name: &str, dir: &Path) {
    let ir = InputArgs::for_spec(spec.display().to_string())
        .build_ir()
        .unwrap_or_else(|e| panic!("{}: {e}", spec.display()));
    let tree = output(&ir).unwrap_or_else(|e| panic!("{}: {e}", spec.display()));
    let out = tempfile::tempdir().unwrap();
    rivya_codegen::write::write(&tree, out.path()).unwrap();
    std::fs::rename(out.path().join("rivya-sdk"), dir).unwrap();
    let manifest = dir.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    assert!(text.contains("\nname = \"rivya-sdk\"\n") && text.contains("\n[lib]\n"));
    let text = text
        .replacen(
            "\nname = \"rivya-sdk\"\n",
            &format!("\nname = \"{name}\"\n"),
            1,
        )
        .replacen("\n[lib]\n", "\n[lib]\nname = \"rivya_sdk\"\n", 1);
    std::fs::write(manifest, text).unwrap();
}

/// How many documents of the APIs.guru train half are compiled: the smallest ones, so the
/// test stays a few minutes on two cores, while covering dozens of authors' styles.
const SAMPLE_SIZE: usize = 64;

/// The `SAMPLE_SIZE` smallest train-half documents of the APIs.guru directory (ties broken by
/// path, so the sample is the same on every machine).
fn directory_sample() -> Vec<(String, PathBuf)> {
    let package = common::directory_package();
    let mut sized: Vec<(u64, String)> = common::train_half()
        .into_iter()
        .map(|relative| {
            let size = std::fs::metadata(package.join(&relative)).unwrap().len();
            (size, relative)
        })
        .collect();
    sized.sort();
    sized
        .into_iter()
        .take(SAMPLE_SIZE)
        .map(|(_, relative)| {
            let name = format!("apis-{relative}")
                .trim_end_matches(".json")
                .trim_end_matches(".yaml")
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() {
                        c.to_ascii_lowercase()
                    } else {
                        '-'
                    }
                })
                .collect();
            (name, package.join(relative))
        })
        .collect()
}

#[test]
fn every_3_x_example_generates_a_crate_that_compiles() {
    let mut documents = Vec::new();
    for version in ["3.0", "3.1"] {
        for spec in self::documents(version) {
            documents.push((member_name(version, &spec), spec));
        }
    }
    assert!(
        documents.len() >= 50,
        "only {} documents found",
        documents.len()
    );
    check_workspace(&documents);
}

#[test]
fn a_sample_of_the_directory_generates_crates_that_compile() {
    let documents = directory_sample();
    assert_eq!(documents.len(), SAMPLE_SIZE);
    check_workspace(&documents);
}

/// Generates each document's crate as a member of one temporary workspace and checks them
/// all with one `cargo check` (the dependencies are built once).
fn check_workspace(documents: &[(String, PathBuf)]) {
    let workspace = tempfile::tempdir().unwrap();
    let members_dir = workspace.path().join("crates");
    std::fs::create_dir(&members_dir).unwrap();
    let mut members: Vec<&str> = Vec::new();
    for (name, spec) in documents {
        assert!(
            !members.contains(&name.as_str()),
            "two documents named {name}"
        );
        generate_member(spec, name, &members_dir.join(name));
        members.push(name);
    }
    std::fs::write(
        workspace.path().join("Cargo.toml"),
        "[workspace]\nmembers = [\"crates/*\"]\nresolver = \"2\"\n",
    )
    .unwrap();
    std::fs::copy(
        root().join("Cargo.lock"),
        workspace.path().join("Cargo.lock"),
    )
    .unwrap();

    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let result = Command::new(cargo)
        .current_dir(workspace.path())
        .args([
            "check",
            "--workspace",
            "--all-targets",
            "--offline",
            "--quiet",
            "--keep-going",
        ])
        .env("CARGO_TARGET_DIR", target_dir())
        .env("RUSTFLAGS", "-Dwarnings")
        .env_remove("RUSTDOCFLAGS")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&result.stderr);
    let failed: Vec<&str> = stderr
        .lines()
        .filter_map(|line| line.strip_prefix("error: could not compile `"))
        .filter_map(|rest| rest.split('`').next())
        .collect();
    assert!(
        result.status.success(),
        "crates that do not compile: {failed:?}\n{stderr}"
    );
}
