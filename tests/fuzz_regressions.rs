//! Inputs that broke a guarantee of tests/bad_input.rs (one-line input error or success, never
//! a panic, a stack overflow, unbounded memory or a hang), found by the cargo-fuzz targets in
//! fuzz/ or while fixing what they found. Each test runs the binary with a time limit, so a
//! regression fails here instead of hanging the suite.
//!
//! Inputs the fuzzers found are kept, minimized, under tests/data/fuzz/; inputs that are large
//! by nature (long chains) are generated here.

mod common;

use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::*;
use serde_json::{json, Value};

/// Generous for a debug build on a busy 2-core machine; every input here ran for seconds, or
/// forever, before its fix, and runs in well under a second after it.
const LIMIT: Duration = Duration::from_secs(20);

fn data(name: &str) -> PathBuf {
    root().join("tests/data/fuzz").join(name)
}

/// Runs `ir --spec PATH`, killing it past `LIMIT`.
fn ir(path: &std::path::Path) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_rivya-codegen"))
        .args(["ir", "--spec", path.to_str().unwrap()])
        .current_dir(root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    // Drain stdout while waiting: the IR can be larger than a pipe's buffer.
    let mut stdout_pipe = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        stdout_pipe.read_to_end(&mut bytes).map(|_| bytes)
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > LIMIT {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("{}: still running after {LIMIT:?}", path.display());
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stderr = Vec::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_end(&mut stderr)
        .unwrap();
    Output {
        status,
        stdout: reader.join().unwrap().unwrap(),
        stderr,
    }
}

fn ir_of_generated(
    name: &str,
    document: &Value,
) -> (tempfile::TempDir, PathBuf, Output) {
    let (dir, path) = temp_file(name, document.to_string());
    let output = ir(&path);
    (dir, path, output)
}

fn assert_success(output: &Output) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "stderr: {stderr}");
    let ir: Value = serde_json::from_slice(&output.stdout).expect("the IR is JSON");
    assert!(ir.get("types").is_some());
}

fn document(components: Value, paths: Value) -> Value {
    json!({
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": paths,
        "components": components
    })
}

/// Found by `load`: serde's "unknown variant" and the version check quote the document, so a
/// value with a line break made the error two lines. Control characters are now escaped.
#[test]
fn an_error_quoting_a_line_break_stays_on_one_line() {
    let path = data("multiline-version.yaml");
    let stderr = assert_input_error(
        &ir(&path),
        "multiline-version.yaml",
        &["#/openapi", "OpenAPI n\\nn is not supported"],
    );
    assert!(!stderr.trim_end().contains('\n'));
}

/// `openapiv3` words the error of an invalid schema by reading it once more at every enclosing
/// schema: 2^depth reads (20 levels took 40 s; the parsers allow 128). Every schema is now read
/// alone first, so the invalid keyword value is found at once and ignored with a warning that
/// names it.
#[test]
fn an_invalid_schema_under_a_hundred_nested_schemas_fails_at_once() {
    let path = data("deep-invalid-schema.json");
    let output = ir(&path);
    assert_eq!(output.status.code(), Some(0));
    // The IR nests deeper than serde_json reads by default: its text is searched instead.
    let ir = String::from_utf8_lossy(&output.stdout);
    let deep = format!(
        "\"pointer\": \"/components/schemas/A{}/",
        "/items".repeat(100)
    );
    assert!(ir.contains(&deep), "no warning at {deep}");
}

/// Headers nest too (a header's `content` has an `encoding` with `headers`), with the same
/// doubling per level.
#[test]
fn an_invalid_header_schema_under_nested_encodings_fails_at_once() {
    let mut header = json!({"schema": {"type": "string", "maxLength": -1}});
    for _ in 0..20 {
        header =
            json!({"content": {"a/b": {"encoding": {"e": {"headers": {"h": header}}}}}});
    }
    let doc = document(json!({"headers": {"H": header}}), json!({}));
    let (_dir, _path, output) = ir_of_generated("deep-header.json", &doc);
    let warnings = warnings_of(&output);
    assert!(
        warnings
            .iter()
            .any(|w| w.ends_with("/headers/h/schema/maxLength")),
        "{warnings:?}"
    );
}

/// The pointers of the IR's warnings, after asserting that the run succeeded.
fn warnings_of(output: &Output) -> Vec<String> {
    assert_success(output);
    let ir: Value = serde_json::from_slice(&output.stdout).unwrap();
    ir["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["pointer"].as_str().unwrap().to_owned())
        .collect()
}

/// Path-item `$ref`s were inlined into the document while it was being read, so `$ref: "#"`
/// copied the document, earlier copies included, for every path: 2^paths (30 paths took 24 GB).
/// Targets are now read from the document as written.
#[test]
fn path_items_referring_to_the_whole_document_do_not_double_it() {
    let path = data("path-item-ref-to-root.json");
    assert_success(&ir(&path));
}

/// Every inlined path item is a copy; copies may now add at most ten times the document's size.
#[test]
fn path_item_references_cannot_multiply_the_document_without_bound() {
    let parameters: Vec<Value> = (0..200)
        .map(|i| json!({"name": format!("p{i}"), "in": "query", "schema": {"type": "string"}}))
        .collect();
    let mut paths = serde_json::Map::new();
    paths.insert(
        "/shared".into(),
        json!({"get": {"parameters": parameters, "responses": {"200": {"description": "d"}}}}),
    );
    for i in 0..3_000 {
        paths.insert(format!("/p{i}"), json!({"$ref": "#/paths/~1shared"}));
    }
    let doc = document(json!({}), Value::Object(paths));
    let (_dir, _path, output) = ir_of_generated("fan-out.json", &doc);
    assert_input_error(
        &output,
        "fan-out.json",
        &["#/paths/~1p", "more than 10-fold"],
    );

    // A few shared path items are what path-item references are for.
    let mut doc = doc;
    let paths = doc["paths"].as_object_mut().unwrap();
    paths.retain(|key, _| key.len() < 4 || key == "/shared");
    assert_success(&ir_of_generated("fan-in.json", &doc).2);
}

/// Every reference on a chain of references used to follow the rest of the chain, comparing
/// each step with all before it: n³ steps for n references (2,000 took 4 s). And the IR's check
/// for aliases of themselves walked every alias chain from every type (n²).
#[test]
fn a_long_chain_of_references_is_read_in_linear_time() {
    let n = 3_000;
    let mut schemas = serde_json::Map::new();
    for i in 0..n {
        schemas.insert(
            format!("S{i}"),
            json!({"$ref": format!("#/components/schemas/S{}", i + 1)}),
        );
    }
    schemas.insert(format!("S{n}"), json!({"type": "string"}));
    let doc = document(json!({"schemas": schemas}), json!({}));
    let started = Instant::now();
    let (_dir, _path, output) = ir_of_generated("chain.json", &doc);
    assert_success(&output);
    assert!(
        started.elapsed() < LIMIT / 4,
        "took {:?}",
        started.elapsed()
    );
}

/// The IR builder defined a schema reached through a `$ref` into the middle of the document
/// (here, an extension) on the spot, inside the definition that referred to it: a chain of
/// 1,500 such references overflowed the stack. They are now defined one after the other.
#[test]
fn a_long_chain_of_references_into_other_schemas_does_not_overflow_the_stack() {
    let n = 3_000;
    let mut defs = serde_json::Map::new();
    for i in 0..n {
        defs.insert(
            format!("d{i}"),
            json!({"type": "object", "properties": {"a": {"$ref": format!("#/x-defs/d{}", i + 1)}}}),
        );
    }
    defs.insert(format!("d{n}"), json!({"type": "string"}));
    let mut doc = document(
        json!({"schemas": {"A": {"$ref": "#/x-defs/d0"}}}),
        json!({}),
    );
    doc["x-defs"] = Value::Object(defs);
    let (_dir, _path, output) = ir_of_generated("ref-chain.json", &doc);
    assert_success(&output);
}

/// `allOf` needs a member's fields before its includer's, so those definitions do nest; a
/// chain of 1,500 overflowed the stack. Past 64 levels it is now an input error.
#[test]
fn all_of_chains_nest_at_most_64_deep() {
    let chain = |n: usize| {
        let mut schemas = serde_json::Map::new();
        for i in 0..n {
            schemas.insert(
                format!("A{i}"),
                json!({"allOf": [
                    {"$ref": format!("#/components/schemas/A{}", i + 1)},
                    {"type": "object", "properties": {format!("p{i}"): {"type": "string"}}}
                ]}),
            );
        }
        schemas.insert(format!("A{n}"), json!({"type": "object"}));
        document(json!({"schemas": schemas}), json!({}))
    };
    let (_dir, _path, output) = ir_of_generated("all-of-2000.json", &chain(2_000));
    assert_input_error(
        &output,
        "all-of-2000.json",
        &["#/components/schemas/A", "more than 64 deep"],
    );
    assert_success(&ir_of_generated("all-of-60.json", &chain(60)).2);
}

/// serde_yaml bounds how many aliases it follows, not what they expand into: 4,000 aliases of
/// one 24 KB anchor (55 KB of YAML) took 74 s and 14 GB. Expansion is now bounded first.
#[test]
fn yaml_aliases_cannot_expand_the_document_without_bound() {
    let members: Vec<String> = (0..1_500)
        .map(|i| format!("k{i}: [1, 2, 3, 4, 5, 6, 7, 8]"))
        .collect();
    let aliases = vec!["*a"; 4_000].join(", ");
    let yaml = format!(
        "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths: {{}}\n\
         x-anchor: &a {{{}}}\nx-aliases: [{aliases}]\n",
        members.join(", ")
    );
    let (_dir, path) = temp_file("aliases.yaml", yaml);
    assert_input_error(
        &ir(&path),
        "aliases.yaml",
        &[
            "line ",
            "YAML aliases expand the document more than 10-fold",
        ],
    );

    // Anchors and aliases as specs use them are fine.
    let yaml = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  \
                schemas:\n    A: &thing {type: object, properties: {a: {type: string}}}\n    \
                B: *thing\n    C: {<<: *thing, description: merged}\n";
    let (_dir, path) = temp_file("anchors.yaml", yaml);
    assert_success(&ir(&path));
}

/// Names that collide after case conversion get numeric suffixes; each one probed the
/// suffixes from 2 up again, so n colliding names cost n²/2 probes (2,600 property names that
/// all read `a_b`, in 28 KB, took 0.9 s). Probing now resumes where it stopped.
#[test]
fn many_names_colliding_on_one_identifier_are_named_in_linear_time() {
    let separators = [
        "-", "_", ".", " ", "~", "!", "@", "$", "%", "^", "*", "(", ")", "+",
    ];
    let mut names = Vec::new();
    for a in separators {
        for b in separators {
            for c in separators {
                names.push(format!("a{a}{b}{c}b"));
            }
        }
    }
    let properties: serde_json::Map<String, Value> =
        names.iter().map(|n| (n.clone(), json!({}))).collect();
    let doc = document(
        json!({"schemas": {
            "A": {"type": "object", "properties": properties},
            "E": {"type": "string", "enum": names}
        }}),
        json!({}),
    );
    let started = Instant::now();
    let (_dir, _path, output) = ir_of_generated("collisions.json", &doc);
    assert_success(&output);
    assert!(
        started.elapsed() < LIMIT / 4,
        "took {:?}",
        started.elapsed()
    );
    let ir: Value = serde_json::from_slice(&output.stdout).unwrap();
    let fields = ir["types"]["A"]["kind"]["fields"].as_array().unwrap();
    let mut idents: Vec<&str> = fields
        .iter()
        .map(|f| f["rust_name"].as_str().unwrap())
        .collect();
    idents.sort();
    idents.dedup();
    assert_eq!(
        idents.len(),
        names.len(),
        "every field keeps its own identifier"
    );
}

/// The catalog is checked against the spec's own `PublicApiModel` schema; an untagged union
/// tried every variant on the whole value, so a union nested in itself cost 2^depth (a model
/// 22 levels deep took 4 s). Each value is now tried against each variant once.
#[test]
fn a_catalog_checked_against_a_recursive_union_is_checked_in_linear_time() {
    let mut model = json!({});
    for _ in 0..100 {
        model = json!({ "n": model });
    }
    model["id"] = json!("m");
    model["kind"] = json!("image");
    let node = |required: Value| {
        json!({"type": "object", "required": required, "properties": {
            "n": {"$ref": "#/components/schemas/N"}, "a": {"type": "string"}
        }})
    };
    let mut doc = document(
        json!({"schemas": {
            "PublicApiModel": {"type": "object", "properties": {"n": {"$ref": "#/components/schemas/N"}}},
            "N": {"oneOf": [node(json!(["a"])), node(json!([]))]}
        }}),
        json!({}),
    );
    doc["x-rivya-models"] = json!([model]);
    let (_dir, _path, output) = ir_of_generated("recursive-catalog.json", &doc);
    assert_success(&output);
}

/// `allOf` merged each member by copying the member's struct and looking every field up in a
/// list of the fields so far: one 800-field struct included 1,500 times (71 KB) took 4.6 s.
/// Members are now read in place and fields found by name.
#[test]
fn a_struct_included_many_times_is_merged_in_linear_time() {
    let properties: serde_json::Map<String, Value> = (0..800)
        .map(|i| (format!("p{i}"), json!({"type": "string"})))
        .collect();
    let members = vec![json!({"$ref": "#/components/schemas/A"}); 1_500];
    let doc = document(
        json!({"schemas": {
            "A": {"type": "object", "required": ["p1"], "properties": properties},
            "B": {"allOf": members}
        }}),
        json!({}),
    );
    let started = Instant::now();
    let (_dir, _path, output) = ir_of_generated("many-members.json", &doc);
    assert_success(&output);
    assert!(
        started.elapsed() < LIMIT / 4,
        "took {:?}",
        started.elapsed()
    );
    let ir: Value = serde_json::from_slice(&output.stdout).unwrap();
    let fields = ir["types"]["B"]["kind"]["fields"].as_array().unwrap();
    assert_eq!(fields.len(), 800);
    assert_eq!(fields[1]["required"], json!(true));
}

/// refs::check treats extensions as data, so a reference cycle inside a schema that lives in
/// an extension was only met by the IR builder: it recursed until the stack overflowed, and
/// with references followed in a loop it would spin. It is now an input error.
#[test]
fn a_reference_cycle_inside_an_extension_is_an_error() {
    let mut doc = document(json!({"schemas": {"A": {"$ref": "#/x-d/s"}}}), json!({}));
    doc["x-d"] = json!({
        "s": {"type": "object", "properties": {"p": {"$ref": "#/x-d/c1"}}},
        "c1": {"$ref": "#/x-d/c2"},
        "c2": {"$ref": "#/x-d/c1"}
    });
    let (_dir, _path, output) = ir_of_generated("extension-cycle.json", &doc);
    assert_input_error(
        &output,
        "extension-cycle.json",
        &["#/x-d/s/properties/p", "`$ref` cycle"],
    );
}

/// For the same reason, a path item taken from an extension could refer to a schema that does
/// not exist, and the IR named a type it never defined.
#[test]
fn a_dangling_reference_inside_an_extension_is_an_error() {
    let mut doc = document(json!({}), json!({"/a": {"$ref": "#/x-p"}}));
    doc["x-p"] = json!({"get": {"responses": {"200": {"description": "d", "content": {
        "application/json": {"schema": {"$ref": "#/components/schemas/Missing"}}
    }}}}});
    let (_dir, _path, output) = ir_of_generated("extension-dangling.json", &doc);
    assert_input_error(
        &output,
        "extension-dangling.json",
        &[
            "#/paths/~1a/get/responses/200/content/application~1json/schema",
            "points nowhere",
        ],
    );
}
