//! The docs backend: valid examples and hostile catalog text. The fixture's pages are
//! `generated/docs`, checked by `generate --check`.

mod common;

use common::{cells, page_request, table_rows, without_code};

use rivya_codegen::backends::docs::{self, example_request};
use serde_json::json;

#[test]
fn every_example_request_passes_validation() {
    let ir = common::fixture_ir();
    let tree = rivya_codegen::pipeline::docs(ir).unwrap();
    for model in &ir.catalog.as_ref().unwrap().models {
        let body = example_request(model);
        let page = String::from_utf8(
            tree.get(&format!("models/{}.md", model.id))
                .unwrap()
                .to_vec(),
        )
        .unwrap();
        assert_eq!(
            page_request(&page),
            body,
            "{}: the page shows the example",
            model.id
        );
        assert_eq!(
            rivya_sdk::catalog::validate_request(&model.id, &body),
            Ok(()),
            "{}: {body}",
            model.id
        );
        if let Some(params) = body.get("params") {
            assert_eq!(
                rivya_sdk::catalog::validate_params(&model.id, params),
                Ok(())
            );
        }
        assert!(page.contains("Authorization: Bearer rvya_sk_..."));
        assert!(page.contains("Idempotency-Key: "));
        assert_eq!(body["model"], json!(model.id));
    }
}

const HOSTILE: &str =
    "a | b\nnew line `tick` <script>alert(1)</script> </td> */ [x](javascript:alert(1)) ```\n# h";

#[test]
fn hostile_catalog_text_stays_inert() {
    let mut ir = common::fixture_ir().clone();
    ir.api.title = HOSTILE.into();
    let catalog = ir.catalog.as_mut().unwrap();
    let model = &mut catalog.models[0];
    model.id = "../../etc/passwd".into();
    model.name = HOSTILE.into();
    model.description = Some(HOSTILE.into());
    model.readiness_notes = Some(HOSTILE.into());
    model.credits.as_mut().unwrap().notes = Some(HOSTILE.into());
    model.input_modes.push(HOSTILE.into());
    for param in &mut model.params {
        param.description = Some(HOSTILE.into());
        param.label = Some(HOSTILE.into());
    }
    model.params[0].options[0].value = "a|b`c'd\"e\n".into();
    model.params[0].default = Some(json!("a|b`c'd\"e\n"));
    let tree = rivya_codegen::pipeline::docs(&ir).unwrap();
    let paths: Vec<&str> = tree.files().map(|(p, _)| p).collect();
    assert!(paths.contains(&"models/etc-passwd.md"), "{paths:?}");
    for (path, contents) in tree.files() {
        if !path.ends_with(".md") {
            continue;
        }
        let text = String::from_utf8(contents.to_vec()).unwrap();
        // Inside code spans and fenced blocks `<script>` is shown as text, not run.
        let prose = without_code(&text);
        assert!(!prose.contains("<script"), "{path}: {prose}");
        assert!(!prose.contains("</td>"), "{path}");
        // Brackets are escaped, so no link syntax survives.
        assert!(
            prose
                .match_indices("](javascript:")
                .all(|(i, _)| prose[..i].ends_with('\\')),
            "{path}"
        );
        assert!(
            !text.contains("\n# h"),
            "{path}: a newline became a heading"
        );
        // Fences come in pairs: no description opened or closed a code block.
        assert_eq!(text.matches("\n```").count() % 2, 0, "{path}:\n{text}");
        // Every row of a table has as many cells as its header (tables are separated by
        // blank lines).
        for block in text.split("\n\n") {
            let rows = table_rows(block);
            if let Some(header) = rows.first() {
                for row in &rows {
                    assert_eq!(cells(row), cells(header), "{path}: {row}");
                }
            }
        }
    }
    // The example still parses and is valid for the hostile option.
    let page =
        String::from_utf8(tree.get("models/etc-passwd.md").unwrap().to_vec()).unwrap();
    let body = page_request(&page);
    assert_eq!(body["params"]["aspect_ratio"], json!("a|b`c'd\"e\n"));
}

#[test]
fn model_file_names_are_sanitized_and_unique() {
    let mut models = common::fixture_ir()
        .catalog
        .as_ref()
        .unwrap()
        .models
        .clone();
    models.truncate(1);
    for id in ["../x", "..", "A/B", "a-b", "", "é"] {
        let mut m = models[0].clone();
        m.id = id.into();
        models.push(m);
    }
    let stems = docs::file_stems(&models);
    assert_eq!(
        stems,
        ["z-image", "x", "model", "a-b", "a-b-2", "model-2", "model-3"]
    );
}

/// The Rust call on each model page is code the SDK's build compiles: the body of a function
/// of `examples/models.rs`, line for line.
#[test]
fn every_rust_call_on_a_model_page_is_compiled_with_the_sdk() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("generated");
    let examples =
        std::fs::read_to_string(root.join("rivya-sdk/examples/models.rs")).unwrap();
    let mut pages = 0;
    for entry in std::fs::read_dir(root.join("docs/models")).unwrap() {
        let page = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        let Some((_, rest)) = page.split_once("```rust\n") else {
            continue;
        };
        let (call, _) = rest.split_once("\n```").unwrap();
        let indented: Vec<String> = call
            .lines()
            .map(|l| {
                if l.is_empty() {
                    String::new()
                } else {
                    format!("    {l}")
                }
            })
            .collect();
        assert!(
            examples.contains(&indented.join("\n")),
            "not in examples/models.rs:\n{call}"
        );
        pages += 1;
    }
    // Every generation model of the fixture has one (chat models are called differently).
    assert!(pages >= 10, "{pages} pages with a Rust call");
}
