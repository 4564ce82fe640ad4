//! Every class of bad input gets exit code 2 and one message that names the file and the JSON
//! pointer (or line) — never a panic, never a stack overflow, never partial output.

mod common;

use common::*;
use serde_json::json;

fn ir_error(name: &str, contents: impl AsRef<[u8]>, expected: &[&str]) -> String {
    let (_dir, path) = temp_file(name, contents);
    let path = path.to_str().unwrap();
    assert_input_error(&run(&["ir", "--spec", path]), name, expected)
}

fn minimal(schemas: serde_json::Value) -> String {
    json!({
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {"schemas": schemas}
    })
    .to_string()
}

#[test]
fn malformed_json() {
    ir_error(
        "broken.json",
        r#"{"openapi": "3.1.0", "info": {"title": }"#,
        &["line 1, column", "invalid JSON"],
    );
}

#[test]
fn malformed_yaml() {
    ir_error(
        "broken.yaml",
        "openapi: 3.1.0\ninfo: [unclosed\n  title: x\n",
        &["line ", "invalid YAML"],
    );
}

#[test]
fn not_utf8_and_empty_and_not_an_object() {
    ir_error(
        "latin1.json",
        b"{\"openapi\": \"3.1.0\", \"x\": \"\xe9\"}",
        &["not UTF-8"],
    );
    ir_error("empty.yaml", "  \n", &["empty"]);
    ir_error(
        "list.json",
        "[1, 2]",
        &["#:", "top level must be an object"],
    );
}

#[test]
fn dangling_reference() {
    let doc = minimal(
        json!({"A": {"type": "object", "properties": {"b": {"$ref": "#/components/schemas/Missing"}}}}),
    );
    ir_error(
        "dangling.json",
        doc,
        &["#/components/schemas/A/properties/b", "points nowhere"],
    );
}

#[test]
fn external_reference() {
    let doc = minimal(json!({"A": {"$ref": "common.yaml#/Thing"}}));
    ir_error(
        "external.json",
        doc,
        &["#/components/schemas/A", "outside this document"],
    );
}

#[test]
fn reference_cycles() {
    let doc = minimal(
        json!({"A": {"$ref": "#/components/schemas/B"}, "B": {"$ref": "#/components/schemas/A"}}),
    );
    ir_error("cycle.json", doc, &["#/components/schemas/", "cycle"]);
    let doc = minimal(json!({"A": {"allOf": [{"$ref": "#/components/schemas/A"}]}}));
    ir_error("self.json", doc, &["#/components/schemas/A", "itself"]);
    let doc = minimal(
        json!({"A": {"allOf": [{"$ref": "#/components/schemas/A"}, {"type": "object"}]}}),
    );
    ir_error(
        "self-all-of.json",
        doc,
        &["#/components/schemas/A/allOf/0", "own definition"],
    );
}

#[test]
fn duplicate_operation_ids() {
    let doc = json!({
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/a": {"get": {"operationId": "same", "responses": {"200": {"description": "ok"}}}},
            "/b": {"post": {"operationId": "same", "responses": {"200": {"description": "ok"}}}}
        }
    });
    ir_error(
        "dupes.json",
        doc.to_string(),
        &[
            "#/paths/~1b/post/operationId",
            "already used at #/paths/~1a/get",
        ],
    );
}

#[test]
fn yaml_alias_bomb() {
    let mut doc = String::from("openapi: 3.1.0\na0: &a0 [x, x, x, x, x, x, x, x, x]\n");
    for level in 1..10 {
        let previous = format!("*a{}", level - 1);
        let items = [previous.as_str(); 9].join(", ");
        doc.push_str(&format!("a{level}: &a{level} [{items}]\n"));
    }
    ir_error("bomb.yaml", doc, &["repetition limit exceeded"]);
}

#[test]
fn ten_thousand_deep_nesting() {
    let depth = 10_000;
    let json = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    ir_error("deep.json", json, &["line 1, column", "recursion limit"]);
    let yaml = format!(
        "openapi: 3.1.0\nx: {}{}\n",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    ir_error("deep-flow.yaml", yaml, &["line 2", "recursion limit"]);
    let mut block = String::from("openapi: 3.1.0\nx:\n");
    for level in 1..=1_000 {
        block.push_str(&" ".repeat(level));
        block.push_str("a:\n");
    }
    ir_error("deep-block.yaml", block, &["recursion limit"]);
}

#[test]
fn hundred_megabyte_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.json");
    // Sparse: the size check must refuse it before reading a byte.
    std::fs::File::create(&path)
        .unwrap()
        .set_len(100 * 1024 * 1024)
        .unwrap();
    let output = run(&["ir", "--spec", path.to_str().unwrap()]);
    assert_input_error(
        &output,
        "huge.json",
        &["larger than the 67108864-byte limit"],
    );
}

#[test]
fn unsupported_versions() {
    ir_error(
        "swagger.json",
        r#"{"swagger": "2.0", "info": {"title": "t", "version": "1"}, "paths": {}}"#,
        &["#/swagger", "Swagger 2.0 is not supported"],
    );
    ir_error(
        "v4.yaml",
        "openapi: 4.0.0\ninfo: {title: t, version: '1'}\n",
        &["#/openapi", "OpenAPI 4.0.0 is not supported"],
    );
    ir_error(
        "none.yaml",
        "info: {title: t, version: '1'}\n",
        &["`openapi` field is missing"],
    );
}

#[test]
fn structurally_invalid_document() {
    let doc = json!({
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {"/a": {"get": {"responses": {"200": {"description": 5}}}}}
    });
    ir_error(
        "shape.json",
        doc.to_string(),
        &["#/paths/~1a/get/responses/200"],
    );
}

#[test]
fn catalog_that_breaks_the_contract_names_model_and_field() {
    let mut spec = fixture_json("fixtures/openapi.json");
    spec["x-rivya-models"][1]["params"][0]["type"] = json!("colour");
    let stderr = ir_error(
        "catalog.json",
        spec.to_string(),
        &["#/x-rivya-models/1/params/0/type", "nano-banana-2"],
    );
    assert!(stderr.contains("PublicApiModel"), "{stderr}");

    let mut models = fixture_json("fixtures/models.json");
    models["data"][0].as_object_mut().unwrap().remove("kind");
    let (_dir, path) = temp_file("models.json", models.to_string());
    let output = run(&["ir", "--models", path.to_str().unwrap()]);
    assert_input_error(
        &output,
        "models.json",
        &["#/data/0/kind", "z-image", "required"],
    );

    let mut models = fixture_json("fixtures/models.json");
    let first = models["data"][0].clone();
    models["data"].as_array_mut().unwrap().push(first);
    let (_dir, path) = temp_file("twice.json", models.to_string());
    let output = run(&["ir", "--models", path.to_str().unwrap()]);
    assert_input_error(&output, "twice.json", &["z-image", "appears twice"]);
}

#[test]
fn missing_file() {
    let output = run(&["ir", "--spec", "fixtures/no-such-file.json"]);
    assert_input_error(&output, "fixtures/no-such-file.json", &["cannot open"]);
}

#[test]
fn network_failures() {
    // Refused: bind a port, then free it so nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/openapi.json");
    assert_input_error(&run(&["ir", "--spec", &url]), &url, &["network error"]);

    let server = TestServer::start(1, |_| Some(http_response("404 Not Found", b"nope")));
    let url = format!("{}/openapi.json", server.url);
    assert_input_error(&run(&["ir", "--spec", &url]), &url, &["HTTP 404"]);

    let server = TestServer::start(1, |_| None);
    let url = format!("{}/slow.json", server.url);
    assert_input_error(
        &run(&["ir", "--spec", &url, "--timeout", "1"]),
        &url,
        &["timeout"],
    );

    let server = TestServer::start(1, |_| Some(http_response("200 OK", &[b' '; 5000])));
    let url = format!("{}/big.json", server.url);
    assert_input_error(
        &run(&["ir", "--spec", &url, "--max-bytes", "1000"]),
        &url,
        &["larger than the 1000-byte limit"],
    );
}

#[test]
fn usage_errors_exit_2() {
    let output = run(&["ir", "--no-such-flag"]);
    assert_eq!(output.status.code(), Some(2));
    let output = run(&["frobnicate"]);
    assert_eq!(output.status.code(), Some(2));
}

/// What real-world documents get wrong without making them unreadable (an invalid keyword value
/// that does not decide the type, a string multipart body, an `allOf` no value satisfies) is
/// read leniently with a warning naming the pointer; `--strict` makes it a failure.
#[test]
fn degradations_warn_and_strict_makes_them_fail() {
    let doc = json!({
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {"/upload": {"post": {
            "operationId": "upload",
            "requestBody": {"content": {"multipart/form-data": {
                "schema": {"type": "string", "format": "binary"}
            }}},
            "responses": {"204": {"description": "done"}}
        }}},
        "components": {"schemas": {
            "Thing": {"type": "object", "properties": {
                "code": {"type": "string", "pattern": 0},
                "either": {"allOf": [{"type": "string"}, {"type": "integer"}]}
            }}
        }}
    });
    let (dir, path) = temp_file("lenient.json", doc.to_string());
    let path = path.to_str().unwrap();
    let out = dir.path().join("out");
    let out = out.to_str().unwrap();

    let lenient = run(&["generate", "--spec", path, "--out", out]);
    let stderr = String::from_utf8_lossy(&lenient.stderr);
    assert_eq!(lenient.status.code(), Some(0), "{stderr}");
    for pointer in [
        "#/components/schemas/Thing/properties/code/pattern",
        "#/components/schemas/Thing/properties/either/allOf/1",
        "#/paths/~1upload/post/requestBody/content/multipart~1form-data/schema",
    ] {
        assert!(
            stderr.contains(&format!("warning: {pointer}: ")),
            "{pointer}: {stderr}"
        );
    }
    assert!(stderr.contains("degraded: 3 places"), "{stderr}");
    assert!(dir.path().join("out/rivya-sdk/src/lib.rs").is_file());

    let strict_out = dir.path().join("strict");
    let strict = run(&[
        "generate",
        "--strict",
        "--spec",
        path,
        "--out",
        strict_out.to_str().unwrap(),
    ]);
    assert_eq!(strict.status.code(), Some(1));
    assert!(!strict_out.exists(), "--strict wrote output");
    let strict_ir = run(&["ir", "--strict", "--spec", path]);
    assert_eq!(strict_ir.status.code(), Some(1));
    assert!(strict_ir.stdout.is_empty());
}
