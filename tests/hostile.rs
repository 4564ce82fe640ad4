//! Hostile contract text (`tests/data/hostile.yaml`): schema, property, parameter, tag, model
//! and catalog parameter names, enum values, operationIds, descriptions, titles and the API's
//! own title holding `*/`, `/*`, `"#`, `"###`, `</td>`, `<script>`, `../`, `..\`, NUL, ESC,
//! U+2028, bidi overrides, backticks, `|`, line breaks and Rust keywords, and names that
//! collide once made identifiers.
//!
//! Generation succeeds and writes only inside the output folder; the crate compiles
//! warning-free and passes clippy; in Rust source the hostile text is only ever in string
//! literals and doc attributes (the source parses, no identifier comes from it, no raw control
//! or bidi character); in the docs it is only ever escaped text. The few contracts the
//! generators cannot serve are refused with a one-line input error naming the JSON pointer.

mod common;

use std::collections::HashSet;
use std::path::Path;

use common::{
    assert_input_error, cells, page_request, root, run, table_rows, temp_file,
};
use proc_macro2::{TokenStream, TokenTree};
use rivya_codegen::backends::docs::{example_request, file_stems};
use rivya_codegen::backends::is_control_or_bidi;
use rivya_codegen::ir::{Ir, TypeKind};
use rivya_codegen::pipeline::{output, Input};
use rivya_codegen::write::OutputTree;

const SPEC: &str = "tests/data/hostile.yaml";

fn ir() -> Ir {
    Input::for_spec(root().join(SPEC).display().to_string())
        .build_ir()
        .unwrap()
}

fn tree() -> OutputTree {
    output(&ir()).unwrap()
}

fn text<'t>(path: &str, bytes: &'t [u8]) -> &'t str {
    std::str::from_utf8(bytes).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// No raw control character but line feeds, and no bidi control, anywhere in the file.
fn assert_no_hidden_characters(path: &str, text: &str) {
    for (n, line) in text.split('\n').enumerate() {
        if let Some(c) = line.chars().find(|&c| is_control_or_bidi(c)) {
            panic!("{path}:{}: raw {c:?} in {line:?}", n + 1);
        }
    }
}

/// Every file and folder under `dir`, relative to it, with `/` separators.
fn walk(dir: &Path, prefix: &str, found: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().into_string().expect("a UTF-8 file name");
        let path = format!("{prefix}{name}");
        let kind = entry.file_type().unwrap();
        assert!(!kind.is_symlink(), "{path} is a symbolic link");
        if kind.is_dir() {
            walk(&entry.path(), &format!("{path}/"), found);
        } else {
            found.push(path);
        }
    }
}

#[test]
fn generation_succeeds_and_writes_only_inside_the_output_folder() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let result = run(&["generate", "--spec", SPEC, "--out", out.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");

    let mut written = Vec::new();
    walk(dir.path(), "", &mut written);
    written.sort();
    let mut expected: Vec<String> =
        tree().files().map(|(p, _)| format!("out/{p}")).collect();
    expected.sort();
    assert_eq!(
        written, expected,
        "exactly the generated files, all under out/"
    );
    for path in &expected {
        assert!(
            path.starts_with("out/rivya-sdk/") || path.starts_with("out/docs/"),
            "{path}"
        );
        assert!(
            !path.contains(is_control_or_bidi) && !path.contains('\\'),
            "{path:?}"
        );
    }
    // `../../etc/passwd */ "#` and the models whose ids collide once made file names.
    for page in ["etc-passwd", "type", "self", "self-2"] {
        assert!(
            expected.contains(&format!("out/docs/models/{page}.md")),
            "{page}: {expected:?}"
        );
    }
}

/// The identifiers of a token stream, and the values of its string literals (doc attributes
/// included: the tokenizer turns `///` comments into `#[doc = "..."]`).
fn tokens(stream: TokenStream, idents: &mut Vec<String>, strings: &mut Vec<String>) {
    for token in stream {
        match token {
            TokenTree::Ident(ident) => idents.push(ident.to_string()),
            TokenTree::Literal(literal) => {
                let literal = TokenStream::from(TokenTree::Literal(literal));
                if let Ok(string) = syn::parse2::<syn::LitStr>(literal) {
                    strings.push(string.value());
                }
            }
            TokenTree::Group(group) => tokens(group.stream(), idents, strings),
            TokenTree::Punct(_) => {}
        }
    }
}

#[test]
fn hostile_text_is_only_ever_in_rust_literals() {
    let tree = tree();
    let mut idents = Vec::new();
    let mut strings = Vec::new();
    let mut sources = 0;
    for (path, bytes) in tree.files() {
        if !path.ends_with(".rs") {
            continue;
        }
        sources += 1;
        let text = text(path, bytes);
        assert_no_hidden_characters(path, text);
        syn::parse_file(text).unwrap_or_else(|e| panic!("{path} does not parse: {e}"));
        let stream: TokenStream = text.parse().unwrap();
        tokens(stream, &mut idents, &mut strings);
    }
    assert!(sources >= 10, "{sources} Rust files");
    // The API's title ends with `\nfn injected() {}`: it stays in comments and strings.
    for ident in &idents {
        assert!(ident != "injected", "contract text became code");
        assert!(
            ident.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
            "{ident:?}"
        );
    }
    // Every hostile value survives, as data: wire names in serde attributes, catalog tables.
    let strings: HashSet<&str> = strings.iter().map(String::as_str).collect();
    for value in [
        "*/",
        "/*",
        "\"#",
        "\"###",
        "</td>",
        "<script>",
        "../",
        "..\\",
        "\0",
        "\u{1b}",
        "\u{2028}",
        "\u{202e}",
        "`",
        "|",
        "\n",
        "\r",
        "type",
        "self",
        "Self",
        "crate",
        "r#try",
        "a-b",
        "a_b",
        "A B",
        "",
        "kind\"#",
        "*/\"#",
        "thing.*/\"#",
    ] {
        assert!(strings.contains(value), "{value:?} is not a string literal");
    }
}

/// Names that collide once made identifiers keep distinct identifiers.
#[test]
fn colliding_names_get_distinct_identifiers() {
    let ir = ir();
    let distinct = |what: &str, names: Vec<&str>| {
        let unique: HashSet<&str> = names.iter().copied().collect();
        assert_eq!(unique.len(), names.len(), "{what}: {names:?}");
    };
    distinct(
        "types",
        ir.types.values().map(|t| t.rust_name.as_str()).collect(),
    );
    let TypeKind::Struct { fields, .. } = &ir.types["Hostile"].kind else {
        panic!("Hostile is a struct");
    };
    distinct(
        "Hostile fields",
        fields.iter().map(|f| f.rust_name.as_str()).collect(),
    );
    let TypeKind::StringEnum { values } = &ir.types["HostileEnum"].kind else {
        panic!("HostileEnum is an enum");
    };
    distinct(
        "HostileEnum variants",
        values.iter().map(|v| v.rust_name.as_str()).collect(),
    );
    distinct(
        "operations",
        ir.operations.iter().map(|o| o.rust_name.as_str()).collect(),
    );
    distinct(
        "tags",
        ir.tags.iter().map(|t| t.rust_name.as_str()).collect(),
    );
    let models = &ir.catalog.as_ref().unwrap().models;
    distinct(
        "models",
        models.iter().map(|m| m.rust_name.as_str()).collect(),
    );
    for model in models {
        distinct(
            &model.id,
            model.params.iter().map(|p| p.rust_name.as_str()).collect(),
        );
    }
}

#[test]
fn the_generated_crate_compiles_warning_free() {
    common::compiles_warning_free(&tree());
}

#[test]
fn hostile_text_is_only_ever_escaped_in_the_docs() {
    let ir = ir();
    let tree = tree();
    let mut pages = 0;
    for (path, bytes) in tree.files() {
        let text = text(path, bytes);
        assert_no_hidden_characters(path, text);
        if path.ends_with(".json") {
            serde_json::from_str::<serde_json::Value>(text)
                .unwrap_or_else(|e| panic!("{path}: {e}"));
            continue;
        }
        if !path.ends_with(".md") {
            continue;
        }
        pages += 1;
        // The SDK's README starts with an HTML comment: one line, ended only at its end.
        let body = match text.strip_prefix("<!-- @generated") {
            Some(rest) => {
                let (comment, body) = rest.split_once('\n').unwrap();
                assert!(comment.ends_with(" -->"), "{path}: {comment}");
                assert_eq!(comment.matches("-->").count(), 1, "{path}: {comment}");
                assert!(!comment.contains("--!>"), "{path}: {comment}");
                body
            }
            None => text,
        };
        // Outside code spans and blocks (where `<` is shown, not read), no HTML at all.
        let prose = common::without_code(body);
        assert!(!prose.contains('<'), "{path}: raw HTML in\n{prose}");
        assert!(
            prose
                .match_indices("](javascript:")
                .all(|(i, _)| prose[..i].ends_with('\\')),
            "{path}: a link"
        );
        // No description opened or closed a code block, or started a heading.
        assert_eq!(body.matches("\n```").count() % 2, 0, "{path}:\n{body}");
        assert!(!body.contains("\n# heading"), "{path}");
        assert!(
            !body.contains("\n|---|---|\n../"),
            "{path}: a table from a description"
        );
        // Every row of a table has as many cells as its header.
        for block in body.split("\n\n") {
            let rows = table_rows(block);
            if let Some(header) = rows.first() {
                for row in &rows {
                    assert_eq!(cells(row), cells(header), "{path}: {row}");
                }
            }
        }
    }
    assert!(pages >= 7, "{pages} Markdown pages");

    // The hostile text is there, escaped.
    let page = |path: &str| text(path, tree.get(path).unwrap()).to_owned();
    let index = page("docs/index.md");
    assert!(index.contains(r"Evil \*/ "), "{index}");
    assert!(index.contains("&lt;/td&gt; &lt;script&gt;alert(1)&lt;/script&gt;"));
    let readme = page("rivya-sdk/README.md");
    assert!(
        readme.contains("Hostile \\*/ /\\* \"# \"### &lt;/td&gt; --&gt; --!&gt;"),
        "{readme}"
    );
    assert!(
        readme.contains("``GET /odd/</td>/\"#/*/{id}/`x`\\|y``"),
        "{readme}"
    );

    // Each model's example request is the one the docs backend builds, quoted for the shell.
    let models = &ir.catalog.as_ref().unwrap().models;
    for (model, stem) in models.iter().zip(file_stems(models)) {
        let text = page(&format!("docs/models/{stem}.md"));
        assert_eq!(page_request(&text), example_request(model), "{stem}");
    }
}

/// What the SDK cannot send is refused by the IR (or degraded with a warning), naming the file
/// and the pointer, on one line whatever the names hold.
#[test]
fn contracts_the_sdk_cannot_call_are_refused_naming_the_pointer() {
    let spec = |paths: &str| {
        format!(
            "openapi: 3.1.0\ninfo: {{title: t, version: '1'}}\npaths:\n{paths}\n\
             components:\n  schemas:\n    Text: {{type: string}}\n"
        )
    };
    let (_dir, path) = temp_file(
        "undeclared.yaml",
        spec(
            "  \"/x/{a\\nb */}\":\n    get:\n      responses:\n        '204': {description: ok}",
        ),
    );
    assert_input_error(
        &run(&["ir", "--spec", path.to_str().unwrap()]),
        "undeclared.yaml",
        &[
            "#/paths/~1x~1{a\\nb *~1}",
            "the path names {a\\nb */} but GET declares no path parameter \"a\\nb */\"",
        ],
    );

    let (_dir, path) = temp_file(
        "multipart.yaml",
        spec(
            "  /upload:\n    post:\n      requestBody:\n        content:\n          \
             multipart/form-data:\n            schema: {$ref: '#/components/schemas/Text'}\n      \
             responses:\n        '204': {description: ok}",
        ),
    );
    // A multipart body that is one string has no parts to build: it is sent as bytes the
    // caller encodes, with a warning (and a failure under --strict).
    let lenient = run(&["ir", "--strict", "--spec", path.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&lenient.stderr);
    assert_eq!(lenient.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(
            "warning: #/paths/~1upload/post/requestBody/content/multipart~1form-data/schema: \
             a multipart body without an object schema"
        ),
        "{stderr}"
    );

    // Offered beside a content the SDK can send, the same multipart body is left unused.
    let (dir, path) = temp_file(
        "multipart-or-text.yaml",
        spec(
            "  /upload:\n    post:\n      requestBody:\n        content:\n          \
             multipart/form-data:\n            schema: {$ref: '#/components/schemas/Text'}\n          \
             text/plain:\n            schema: {$ref: '#/components/schemas/Text'}\n      \
             responses:\n        '204': {description: ok}",
        ),
    );
    let out = dir.path().join("out");
    let result = run(&[
        "generate",
        "--spec",
        path.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(
        result.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
}
