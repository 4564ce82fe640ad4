//! Structure-aware inputs: a valid OpenAPI document edited a few times, so that the fuzzer
//! spends its time in `normalize`, `ir` and the generators rather than in the JSON parser.
//!
//! The bytes libFuzzer mutates are read through `arbitrary` as a list of edits (remove a node,
//! replace it, insert a key, copy or swap subtrees, turn a node into a `$ref` to another node,
//! wrap it in `allOf`/`oneOf`/`items`/…) applied to a seed. [`Mutated`] (`ir_structured`)
//! starts from `tests/data/every-construct.yaml` 31 times in 32, otherwise from the Rivya
//! contract itself (`fixtures/openapi.json`, which also carries the model catalog).
//! [`MutatedForGenerate`] (`generate_structured`) also starts from the specs written for the
//! SDK backend: `tests/data/sdk-every-construct.yaml` and `tests/data/hostile.yaml` (hostile
//! names everywhere, and a model catalog). The result is serialized to JSON text and then goes
//! through the real pipeline, parser included, so everything it finds is reachable from a file.
//!
//! Keys and strings the edits insert are drawn from [`WORDS`], which includes hostile text
//! carrying [`crate::generate::CANARY`]: the generator targets check that it never becomes code.
//!
//! `cargo fuzz fmt ir_structured ARTIFACT` prints that JSON text (the `Debug` form), ready to
//! be saved as a regression test input.

use std::fmt;
use std::sync::OnceLock;

use arbitrary::{Arbitrary, Result, Unstructured};
use serde_json::{Map, Value};

/// Edits per input; a few are enough to break a document in interesting ways.
const MAX_EDITS: usize = 24;
/// Nodes a document may grow to (copies can double it); keeps executions fast.
const MAX_NODES: usize = 40_000;

/// Words that mean something to an OpenAPI reader (keys, types, formats, versions, media
/// types) or to what the generators write (Rust keywords, comment and string delimiters,
/// HTML, paths, control characters, TOML), some carrying the canary identifier.
pub const WORDS: &[&str] = &[
    "$ref",
    "type",
    "properties",
    "additionalProperties",
    "items",
    "prefixItems",
    "allOf",
    "oneOf",
    "anyOf",
    "not",
    "required",
    "enum",
    "const",
    "nullable",
    "discriminator",
    "propertyName",
    "mapping",
    "format",
    "default",
    "example",
    "examples",
    "title",
    "description",
    "deprecated",
    "readOnly",
    "writeOnly",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
    "patternProperties",
    "$defs",
    "contentMediaType",
    "contentEncoding",
    "base64",
    "if",
    "then",
    "else",
    "schema",
    "schemas",
    "content",
    "parameters",
    "responses",
    "requestBody",
    "requestBodies",
    "headers",
    "encoding",
    "contentType",
    "in",
    "name",
    "style",
    "explode",
    "query",
    "header",
    "path",
    "cookie",
    "deepObject",
    "components",
    "paths",
    "pathItems",
    "webhooks",
    "securitySchemes",
    "security",
    "mutualTLS",
    "http",
    "bearer",
    "apiKey",
    "oauth2",
    "openIdConnect",
    "scheme",
    "operationId",
    "tags",
    "get",
    "put",
    "post",
    "delete",
    "patch",
    "openapi",
    "swagger",
    "info",
    "version",
    "servers",
    "url",
    "x-rivya-models",
    "PublicApiModel",
    "params",
    "id",
    "kind",
    "200",
    "201",
    "2XX",
    "4XX",
    "default",
    "application/json",
    "application/problem+json",
    "multipart/form-data",
    "application/x-www-form-urlencoded",
    "text/event-stream",
    "text/plain",
    "application/octet-stream",
    "string",
    "integer",
    "number",
    "boolean",
    "array",
    "object",
    "null",
    "binary",
    "byte",
    "date-time",
    "uuid",
    "int32",
    "int64",
    "float",
    "double",
    "3.0.3",
    "3.1.0",
    "3.1",
    "2.0",
    "#",
    "#/",
    "#/components/schemas/",
    "#/components/schemas/Thing",
    "#/components/schemas/Named",
    "#/components/responses/Problem",
    "#/components/parameters/Trace",
    "#/paths/~1things",
    "other.yaml#/Thing",
    "",
    "~",
    "~0",
    "~1",
    "/",
    "%7B",
    "{id}",
    "Self",
    "self",
    "type_",
    "16:9",
    "-1",
    "café",
    "日本",
    "crate",
    "super",
    "async",
    "fn",
    "r#try",
    "Ok",
    "Injected_Canary",
    "*/ Injected_Canary /*",
    "/* Injected_Canary",
    "\"]\nfn Injected_Canary() {}\n#[doc = \"",
    "\"#; fn Injected_Canary() {} r#\"",
    "\"###",
    "\n}\npub fn Injected_Canary() {}\n",
    "\\\"); Injected_Canary(\"",
    "</td><script>Injected_Canary</script>",
    "| a | b |\n|---|",
    "```\nInjected_Canary\n```",
    "`",
    "../../Injected_Canary",
    "..\\Injected_Canary",
    "\u{0}\u{1b}[31m\u{7f}\r\t",
    "\u{2028}\u{2029}\u{85}",
    "\u{202e}\u{2066}\u{200f}",
    "\n[dependencies]\nInjected_Canary = \"1\"\n",
];

/// The documents edits start from, as JSON values (parsed once, with the project's own loader):
/// every-construct, the contract, sdk-every-construct, hostile.
fn seeds() -> &'static [Value] {
    static SEEDS: OnceLock<Vec<Value>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        [
            include_str!("../../tests/data/every-construct.yaml"),
            include_str!("../../fixtures/openapi.json"),
            include_str!("../../tests/data/sdk-every-construct.yaml"),
            include_str!("../../tests/data/hostile.yaml"),
        ]
        .iter()
        .map(|text| {
            rivya_codegen::load::parse_document("seed", text.as_bytes())
                .expect("seeds are valid")
        })
        .collect()
    })
}

/// An edited document for `ir_structured`, as the JSON text the pipeline reads.
pub struct Mutated {
    pub text: String,
}

/// An edited document for `generate_structured`, as the JSON text the pipeline reads.
pub struct MutatedForGenerate {
    pub text: String,
}

impl fmt::Debug for Mutated {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Debug for MutatedForGenerate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl<'a> Arbitrary<'a> for Mutated {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let seeds = seeds();
        // The small seed most of the time: an execution on the contract costs some 30 times
        // more (with 1 in 8 the contract took most of the time: about 150 executions/s).
        let seed = if u.ratio(1, 32)? {
            &seeds[1]
        } else {
            &seeds[0]
        };
        Ok(Mutated { text: mutate(u, seed)? })
    }
}

impl<'a> Arbitrary<'a> for MutatedForGenerate {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let seeds = seeds();
        // The contract 1 time in 32 again; the three small specs share the rest.
        let seed = if u.ratio(1, 32)? {
            &seeds[1]
        } else {
            match u.int_in_range(0..=2)? {
                0 => &seeds[0],
                1 => &seeds[2],
                _ => &seeds[3],
            }
        };
        Ok(MutatedForGenerate { text: mutate(u, seed)? })
    }
}

/// Two versions of a contract for `diff`: a seed edited a few times (the old one), and that
/// document edited again (the new one), both as JSON text.
pub struct MutatedPair {
    pub old: String,
    pub new: String,
}

impl fmt::Debug for MutatedPair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "old:\n{}\nnew:\n{}", self.old, self.new)
    }
}

impl<'a> Arbitrary<'a> for MutatedPair {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let seeds = seeds();
        // The contract more often than for the generators: the diff is cheap next to them, and
        // its catalog and shared components are what the diff rules are about.
        let seed = if u.ratio(1, 4)? { &seeds[1] } else { &seeds[0] };
        let old_edits = u.int_in_range(0..=4)?;
        let old = edited(u, seed, old_edits)?;
        let new = edited(u, &old, MAX_EDITS)?;
        let text = |value: &Value| {
            serde_json::to_string(value).expect("a JSON value serializes")
        };
        Ok(MutatedPair {
            old: text(&old),
            new: text(&new),
        })
    }
}

/// Up to `edits` edits of `seed`.
fn edited(u: &mut Unstructured, seed: &Value, edits: usize) -> Result<Value> {
    let mut editor = Editor {
        nodes: count_nodes(seed),
        document: seed.clone(),
    };
    for _ in 0..edits {
        if u.is_empty() {
            break;
        }
        editor.edit(u)?;
    }
    Ok(editor.document)
}

/// Up to [`MAX_EDITS`] edits of `seed`, serialized as JSON (pretty 1 time in 4).
fn mutate(u: &mut Unstructured, seed: &Value) -> Result<String> {
    let document = edited(u, seed, MAX_EDITS)?;
    let text = if u.ratio(1, 4).unwrap_or(false) {
        serde_json::to_string_pretty(&document)
    } else {
        serde_json::to_string(&document)
    }
    .expect("a JSON value always serializes");
    Ok(text)
}

#[derive(Debug, Clone, PartialEq)]
enum Step {
    Key(String),
    Index(usize),
}

struct Editor {
    document: Value,
    nodes: usize,
}

impl Editor {
    fn edit(&mut self, u: &mut Unstructured) -> Result<()> {
        match u.int_in_range(0..=9)? {
            // Remove a member or an element.
            0 => {
                let path = self.pick(u)?;
                if let Some((last, parent)) = path.split_last() {
                    match (node_mut(&mut self.document, parent), last) {
                        (Some(Value::Object(map)), Step::Key(key)) => {
                            map.shift_remove(key);
                        }
                        (Some(Value::Array(items)), Step::Index(i))
                            if *i < items.len() =>
                        {
                            items.remove(*i);
                        }
                        _ => {}
                    }
                }
            }
            // Replace a node with a scalar or an empty container.
            1 => {
                let path = self.pick(u)?;
                let value = leaf(u)?;
                self.replace(&path, value);
            }
            // Insert a member (or element) holding a scalar, or a copy of another node.
            2 | 3 => {
                let path = self.pick(u)?;
                let value = if u.arbitrary()? {
                    leaf(u)?
                } else {
                    let from = self.pick(u)?;
                    node(&self.document, &from).cloned().unwrap_or(Value::Null)
                };
                let key = key(u)?;
                let at = u.arbitrary::<u8>()? as usize;
                self.insert(&path, key, at, value);
            }
            // Replace a node with a copy of another one.
            4 => {
                let from = self.pick(u)?;
                let to = self.pick(u)?;
                if let Some(value) = node(&self.document, &from).cloned() {
                    self.replace(&to, value);
                }
            }
            // Replace a node with a `$ref` to another node, or add one beside its members.
            5 | 6 => {
                let target = self.pick(u)?;
                let reference = reference_to(u, &target)?;
                let at = self.pick(u)?;
                if u.arbitrary()? {
                    if let Some(Value::Object(map)) = node_mut(&mut self.document, &at) {
                        map.insert("$ref".into(), Value::String(reference));
                        return Ok(());
                    }
                }
                self.replace(&at, serde_json::json!({ "$ref": reference }));
            }
            // Wrap a node the way schemas nest.
            7 => {
                let path = self.pick(u)?;
                let Some(inner) = node(&self.document, &path).cloned() else {
                    return Ok(());
                };
                let wrapped = match u.int_in_range(0..=7)? {
                    0 => serde_json::json!({ "allOf": [inner] }),
                    1 => serde_json::json!({ "oneOf": [inner, leaf(u)?] }),
                    2 => serde_json::json!({ "anyOf": [inner, { "type": "null" }] }),
                    3 => serde_json::json!({ "type": "array", "items": inner }),
                    4 => {
                        serde_json::json!({ "type": "object", "properties": { key(u)?: inner } })
                    }
                    5 => serde_json::json!({ "not": inner }),
                    6 => serde_json::json!({ "additionalProperties": inner }),
                    _ => Value::Array(vec![inner]),
                };
                self.replace(&path, wrapped);
            }
            // Swap two nodes (when neither contains the other).
            8 => {
                let a = self.pick(u)?;
                let b = self.pick(u)?;
                if a.starts_with(&b) || b.starts_with(&a) {
                    return Ok(());
                }
                let (Some(x), Some(y)) = (
                    node(&self.document, &a).cloned(),
                    node(&self.document, &b).cloned(),
                ) else {
                    return Ok(());
                };
                *node_mut(&mut self.document, &a).expect("picked") = y;
                *node_mut(&mut self.document, &b).expect("picked") = x;
            }
            // Rename a member (keeps its value, changes what it means).
            _ => {
                let path = self.pick(u)?;
                let new_key = key(u)?;
                if let Some((Step::Key(old), parent)) = path.split_last() {
                    if let Some(Value::Object(map)) =
                        node_mut(&mut self.document, parent)
                    {
                        // Rebuilt in order, so the renamed member stays where it was.
                        *map = std::mem::take(map)
                            .into_iter()
                            .map(|(k, v)| {
                                if k == *old {
                                    (new_key.clone(), v)
                                } else {
                                    (k, v)
                                }
                            })
                            .collect();
                    }
                }
            }
        }
        Ok(())
    }

    /// A path to some node: descend from the root, choosing a child at each level, stopping at
    /// a leaf or when the input says so (deep nodes are where schemas are, so it rarely does).
    fn pick(&self, u: &mut Unstructured) -> Result<Vec<Step>> {
        let mut path = Vec::new();
        let mut current = &self.document;
        loop {
            let len = match current {
                Value::Object(map) => map.len(),
                Value::Array(items) => items.len(),
                _ => 0,
            };
            if len == 0 || u.is_empty() || u.ratio(1, 6)? {
                return Ok(path);
            }
            let i = u.choose_index(len)?;
            match current {
                Value::Object(map) => {
                    let (key, child) = map.iter().nth(i).expect("in range");
                    path.push(Step::Key(key.clone()));
                    current = child;
                }
                Value::Array(items) => {
                    path.push(Step::Index(i));
                    current = &items[i];
                }
                _ => unreachable!("scalars have no children"),
            }
        }
    }

    fn replace(&mut self, path: &[Step], value: Value) {
        let added = count_nodes(&value);
        let Some(slot) = node_mut(&mut self.document, path) else {
            return;
        };
        let removed = count_nodes(slot);
        if self.nodes + added > MAX_NODES + removed {
            return;
        }
        self.nodes = (self.nodes + added).saturating_sub(removed);
        *slot = value;
    }

    fn insert(&mut self, path: &[Step], key: String, at: usize, value: Value) {
        let added = count_nodes(&value);
        if self.nodes + added > MAX_NODES {
            return;
        }
        match node_mut(&mut self.document, path) {
            Some(Value::Object(map)) => {
                if let Some(old) = map.insert(key, value) {
                    self.nodes = self.nodes.saturating_sub(count_nodes(&old));
                }
            }
            Some(Value::Array(items)) => items.insert(at.min(items.len()), value),
            _ => return,
        }
        self.nodes += added;
    }
}

fn node<'v>(root: &'v Value, path: &[Step]) -> Option<&'v Value> {
    path.iter()
        .try_fold(root, |value, step| match (value, step) {
            (Value::Object(map), Step::Key(key)) => map.get(key),
            (Value::Array(items), Step::Index(i)) => items.get(*i),
            _ => None,
        })
}

fn node_mut<'v>(root: &'v mut Value, path: &[Step]) -> Option<&'v mut Value> {
    path.iter()
        .try_fold(root, |value, step| match (value, step) {
            (Value::Object(map), Step::Key(key)) => map.get_mut(key),
            (Value::Array(items), Step::Index(i)) => items.get_mut(*i),
            _ => None,
        })
}

fn count_nodes(value: &Value) -> usize {
    1 + match value {
        Value::Object(map) => map.values().map(count_nodes).sum(),
        Value::Array(items) => items.iter().map(count_nodes).sum(),
        _ => 0,
    }
}

/// A local reference to the node at `path`, escaped as RFC 6901 and sometimes percent-encoded
/// as URI fragments may be.
fn reference_to(u: &mut Unstructured, path: &[Step]) -> Result<String> {
    let percent = u.ratio(1, 8)?;
    let mut reference = String::from("#");
    for step in path {
        reference.push('/');
        match step {
            Step::Key(key) => {
                let escaped = key.replace('~', "~0").replace('/', "~1");
                if percent {
                    for byte in escaped.bytes() {
                        if byte.is_ascii_alphanumeric() || byte == b'~' {
                            reference.push(byte as char);
                        } else {
                            reference.push_str(&format!("%{byte:02X}"));
                        }
                    }
                } else {
                    reference.push_str(&escaped);
                }
            }
            Step::Index(i) => reference.push_str(&i.to_string()),
        }
    }
    Ok(reference)
}

fn word(u: &mut Unstructured) -> Result<&'static str> {
    u.choose(WORDS).copied()
}

fn key(u: &mut Unstructured) -> Result<String> {
    if u.ratio(7, 8)? {
        Ok(word(u)?.to_owned())
    } else {
        u.arbitrary()
    }
}

fn leaf(u: &mut Unstructured) -> Result<Value> {
    Ok(match u.int_in_range(0..=9)? {
        0 => Value::Null,
        1 => Value::Bool(u.arbitrary()?),
        2 => Value::from(*u.choose(&[0i64, 1, -1, 2, 100, i64::MAX, i64::MIN])?),
        3 => Value::from(u.arbitrary::<i64>()?),
        4 => Value::from(u.arbitrary::<u64>()?),
        5 => serde_json::Number::from_f64(u.arbitrary()?)
            .map(Value::Number)
            .unwrap_or(Value::Null),
        6 => Value::Object(Map::new()),
        7 => Value::Array(Vec::new()),
        8 => Value::String(u.arbitrary()?),
        _ => Value::String(word(u)?.to_owned()),
    })
}
