//! What the generator targets check: every backend `generate` runs (`pipeline::output`: the SDK
//! crate with the catalog's validators, and the docs), on any document that builds an IR.
//!
//! Contract text (names, descriptions, titles, enum values, catalog ids) is untrusted. Whatever
//! it holds, the generated files must
//!
//! - stay inside the output folder: relative `/`-separated paths with no empty, `.` or `..`
//!   component, no backslash and no control character;
//! - be Rust that parses (`syn`), with no raw control character but line feeds and no
//!   bidirectional-override character (rustc rejects those in comments and literals), and no
//!   identifier the contract smuggled in: [`CANARY`] is never an identifier of the generated
//!   code, although the structured targets plant it in names and descriptions wrapped in
//!   every way of ending a comment, a string or an item;
//! - be Markdown with no raw control character but line feeds, and no bidi override;
//! - be JSON that parses (`docs/schemas/*.params.json`), and a `Cargo.toml` whose tables are
//!   the generator's own.
//!
//! Refusing an IR is allowed only as an input error naming the file (the CLI's one-line
//! message with a JSON pointer); any other error is a generator bug.

use std::collections::HashSet;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Component, Path};
use std::sync::Mutex;

use proc_macro2::{TokenStream, TokenTree};
use quote::ToTokens;
use rivya_codegen::ir::Ir;
use rivya_codegen::pipeline;
use rivya_codegen::write::OutputTree;

/// An identifier no name conversion produces (snake_case has no capitals, UpperCamelCase no
/// underscore): if it appears as an identifier in generated Rust, spec text became code.
pub const CANARY: &str = "Injected_Canary";

/// The bidirectional-text controls rustc denies in comments and string literals
/// (`text_direction_codepoint_in_comment` / `_in_literal`): Trojan Source.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Runs every generator on the IR and checks what it produced.
pub fn generate_and_check(ir: &Ir) {
    match pipeline::output(ir) {
        Ok(tree) => check_tree(&tree),
        Err(error) => super::check_error(&error),
    }
}

pub fn check_tree(tree: &OutputTree) {
    assert!(
        tree.get("rivya-sdk/src/lib.rs").is_some(),
        "the SDK crate has a lib.rs"
    );
    for (path, bytes) in tree.files() {
        check_path(path);
        let text = std::str::from_utf8(bytes)
            .unwrap_or_else(|e| panic!("{path}: generated text is not UTF-8: {e}"));
        let extension = path.rsplit_once('.').map_or("", |(_, e)| e);
        match extension {
            "rs" => check_rust(path, text),
            "md" => check_markdown(path, text),
            "json" => {
                serde_json::from_str::<serde_json::Value>(text)
                    .unwrap_or_else(|e| panic!("{path}: not JSON: {e}"));
            }
            "toml" => check_toml(path, text),
            other => panic!("{path}: unexpected kind of generated file {other:?}"),
        }
    }
}

fn check_path(path: &str) {
    assert!(
        path.starts_with("rivya-sdk/") || path.starts_with("docs/"),
        "{path:?}: outside the two output folders"
    );
    assert!(
        !path.starts_with('/') && !path.contains('\\'),
        "{path:?}: not a relative /-separated path"
    );
    assert!(
        !path.contains(char::is_control) && !path.contains(is_bidi_control),
        "{path:?}: control character in a path"
    );
    for part in path.split('/') {
        assert!(
            !part.is_empty() && part != "." && part != "..",
            "{path:?}: empty, . or .. component"
        );
    }
    assert!(
        Path::new(path)
            .components()
            .all(|c| matches!(c, Component::Normal(_))),
        "{path:?}: not a plain relative path"
    );
}

fn check_text(path: &str, text: &str) {
    if let Some((line, c)) = text.lines().enumerate().find_map(|(n, line)| {
        line.chars()
            .find(|&c| c.is_control() || is_bidi_control(c))
            .map(|c| (n + 1, c))
    }) {
        panic!("{path}:{line}: raw control character {c:?}");
    }
    assert!(!text.contains('\r'), "{path}: raw carriage return");
}

fn check_rust(path: &str, text: &str) {
    check_text(path, text);
    // Most of the SDK is the runtime (templates/sdk/*.rs, the validators' runtime) under a
    // header that changes only with the title: parsing it again for every input took most
    // of an execution. A file already found good is good again.
    static GOOD: Mutex<Option<HashSet<u64>>> = Mutex::new(None);
    let mut hasher = DefaultHasher::new();
    text.hash(&mut hasher);
    let hash = hasher.finish();
    if GOOD
        .lock()
        .unwrap()
        .get_or_insert_with(HashSet::new)
        .contains(&hash)
    {
        return;
    }
    let file = syn::parse_file(text).unwrap_or_else(|e| {
        panic!("{path}: generated Rust does not parse: {e}\n{text}")
    });
    if let Some(found) = find_ident(file.into_token_stream(), CANARY) {
        panic!(
            "{path}: contract text became code: the identifier {found} appears\n{text}"
        );
    }
    let mut good = GOOD.lock().unwrap();
    let good = good.get_or_insert_with(HashSet::new);
    if good.len() > 100_000 {
        good.clear();
    }
    good.insert(hash);
}

fn find_ident(tokens: TokenStream, name: &str) -> Option<String> {
    for token in tokens {
        match token {
            TokenTree::Ident(ident) if ident == name => return Some(ident.to_string()),
            TokenTree::Group(group) => {
                if let Some(found) = find_ident(group.stream(), name) {
                    return Some(found);
                }
            }
            _ => {}
        }
    }
    None
}

fn check_markdown(path: &str, text: &str) {
    check_text(path, text);
}

/// The manifest parses, and its tables are the generator's: spec text in the description or
/// the header comment adds no `[package]` key, table or dependency.
fn check_toml(path: &str, text: &str) {
    check_text(path, text);
    let value: toml::Table = text
        .parse()
        .unwrap_or_else(|e| panic!("{path}: not TOML: {e}\n{text}"));
    if path.ends_with("/Cargo.toml") {
        let tables: Vec<&str> = value.keys().map(String::as_str).collect();
        assert_eq!(
            tables,
            [
                "dependencies",
                "dev-dependencies",
                "features",
                "lib",
                "package"
            ],
            "{path}: tables"
        );
        let features: Vec<&str> = value["features"]
            .as_table()
            .expect("[features] is a table")
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(features, ["full-serde"], "{path}: features");
        let package = value["package"].as_table().expect("[package] is a table");
        assert_eq!(package["name"].as_str(), Some("rivya-sdk"), "{path}");
        let keys: Vec<&str> = package.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "description",
                "edition",
                "license",
                "name",
                "readme",
                "rust-version",
                "version"
            ],
            "{path}: [package] keys"
        );
    }
}
