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
