//! Each backend reads only the IR, the catalog rules and the shared text escapes: a backend
//! that reaches into another's module couples two outputs, so a change to one breaks the other.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The backend a path like `crate::backends::docs::…` or `super::super::sdk` names, if any.
fn backends_named(source: &str) -> Vec<String> {
    let mut named = Vec::new();
    for prefix in ["backends::", "super::super::"] {
        for (at, _) in source.match_indices(prefix) {
            let rest = &source[at + prefix.len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            named.push(name);
        }
    }
    named
}

#[test]
fn no_backend_imports_another() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/backends");
    let mut violations = Vec::new();
    let mut backends_seen = 0;
    for entry in std::fs::read_dir(&root).unwrap() {
        let dir = entry.unwrap().path();
        if !dir.is_dir() {
            continue;
        }
        backends_seen += 1;
        let own = dir.file_name().unwrap().to_str().unwrap().to_owned();
        let mut files = Vec::new();
        rust_files(&dir, &mut files);
        for file in files {
            let source = std::fs::read_to_string(&file).unwrap();
            for name in backends_named(&source) {
                if name != own && name != "text" && name != "is_control_or_bidi" {
                    violations
                        .push(format!("{} names backends::{name}", file.display()));
                }
            }
        }
    }
    assert!(backends_seen >= 3, "the backends live in src/backends/*/");
    assert!(violations.is_empty(), "{violations:#?}");
}

#[test]
fn the_check_sees_a_cross_backend_path() {
    let named =
        backends_named("use crate::backends::docs::markdown;\nuse super::super::sdk;");
    assert_eq!(named, ["docs", "sdk"]);
}

fn src_files() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap();
            let relative = path.strip_prefix(root).unwrap().display().to_string();
            (relative, text)
        })
        .collect()
}

/// The files of `src/` whose code (comments left out) contains `needle` as a whole path: not
/// preceded or followed by an identifier character (`cli::` is not `client::`).
fn files_using(needle: &str) -> Vec<String> {
    let ident =
        |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
    let whole = |line: &str| {
        line.match_indices(needle).any(|(at, _)| {
            let before = line[..at].chars().next_back();
            let after = line[at + needle.len()..].chars().next();
            let open_end = needle.ends_with(|c: char| c.is_ascii_alphanumeric());
            let inside_a_longer_name = ident(before) || (open_end && ident(after));
            !inside_a_longer_name
        })
    };
    src_files()
        .into_iter()
        .filter(|(_, text)| {
            text.lines()
                .filter(|line| !line.trim_start().starts_with("//"))
                .any(whole)
        })
        .map(|(path, _)| path)
        .collect()
}

/// `cli.rs` is argument parsing: the library (pipeline, update, backends) never calls into it.
#[test]
fn the_library_does_not_use_the_command_line() {
    let mut users: Vec<String> = ["crate::cli", "super::cli", "cli::"]
        .iter()
        .flat_map(|needle| files_using(needle))
        .filter(|path| path != "src/cli.rs" && path != "src/main.rs")
        .collect();
    users.dedup();
    assert!(users.is_empty(), "{users:#?} use the cli module");
}

/// One function builds the SDK crate: `sdk::generate` is called by the pipeline alone, and
/// only the SDK backend's `mod.rs` puts the catalog module into it.
#[test]
fn one_function_builds_the_sdk_crate() {
    assert_eq!(files_using("sdk::generate("), ["src/pipeline.rs"]);
    assert_eq!(
        files_using("catalog_module("),
        ["src/backends/sdk/catalog.rs", "src/backends/sdk/mod.rs"]
    );
    assert_eq!(
        files_using("\"src/catalog.rs\""),
        ["src/backends/sdk/catalog.rs", "src/backends/sdk/mod.rs"]
    );
}

/// One Rust renderer: prettyplease is called from `sdk/render.rs` only.
#[test]
fn one_renderer_prints_rust() {
    assert_eq!(
        files_using("prettyplease::"),
        ["src/backends/sdk/render.rs"]
    );
}

/// One golden copy: no insta snapshot repeats a file of `generated/` (which `generate --check`
/// compares).
#[test]
fn no_snapshot_repeats_the_golden_copy() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut golden = Vec::new();
    collect_files(&root.join("generated"), &mut golden);
    let golden: std::collections::HashSet<Vec<u8>> = golden
        .iter()
        .map(|path| std::fs::read(path).unwrap())
        .collect();
    let mut snapshots = Vec::new();
    collect_files(&root.join("tests/snapshots"), &mut snapshots);
    collect_files(&root.join("fixtures/drift"), &mut snapshots);
    let mut repeated = Vec::new();
    for path in snapshots
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "snap"))
    {
        let text = std::fs::read_to_string(path).unwrap();
        // An insta file is a `---` delimited header, then the snapshot.
        let body = text.splitn(3, "---\n").nth(2).unwrap_or_default();
        if golden.contains(body.as_bytes()) {
            repeated.push(path.display().to_string());
        }
    }
    assert!(snapshots.len() > 10, "the snapshots were found");
    assert!(
        repeated.is_empty(),
        "{repeated:#?} repeat files of generated/"
    );
}

fn collect_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect_files(&path, out);
        } else {
            out.push(path);
        }
    }
}
