//! Puts the `openapiv3` document together from the schemas and headers `structure` has already
//! read one by one, instead of reading the whole document a second time.
//!
//! Reading whole is the slow way on a large document: `openapiv3` reads a schema through
//! serde's flattening, which buffers the schema with everything inside it, so each schema is
//! copied once for every schema around it. The parts were read alone, with each part inside
//! them replaced by a stub reference; here the rest of the document is read with the same stubs
//! (the skeleton), and every stub is replaced by its part, depth first.
//!
//! The result is the value reading whole gives: a `ReferenceOr` reads the same wherever it
//! stands, and every position of a schema or header in the `openapiv3` types is visited below.
//! Whatever does not fit (a stub without its part, one met twice, a part no stub took) gives
//! `None`, and the caller reads the document whole as before.

use std::sync::OnceLock;

use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, Callback, Components, Header, MediaType, OpenAPI, Operation,
    Parameter, ParameterSchemaOrContent, PathItem, ReferenceOr, RequestBody, Response,
    Schema, SchemaKind, Type,
};
use serde::Deserialize;
use serde_json::Value;

/// A schema or header read alone. Boxed: a schema is several hundred bytes, a large
/// document has tens of thousands, and most end up boxed in the tree anyway.
#[derive(Debug)]
pub enum Part {
    Schema(Box<Schema>),
    Header(Box<Header>),
}

/// The parts by stub number, and where the outermost ones (those not inside another part)
/// stand in the document.
#[derive(Debug)]
pub struct Parts {
    outermost: Vec<String>,
    parts: Vec<Option<Part>>,
}

/// The `$ref` of stub `number`. A reference that leaves the document is refused before this
/// stage, but `refs::check` does not look inside examples and extensions; the prefix is
/// random for each run, so no document can spell a stub.
pub fn stub(number: usize) -> String {
    format!("{}{number}", prefix())
}

fn prefix() -> &'static str {
    static PREFIX: OnceLock<String> = OnceLock::new();
    PREFIX.get_or_init(|| {
        use std::hash::{BuildHasher, Hasher};
        let nonce = std::collections::hash_map::RandomState::new()
            .build_hasher()
            .finish();
        format!("\u{0}part-{nonce:016x}-")
    })
}

impl Parts {
    pub(super) fn new(outermost: Vec<String>, parts: Vec<Option<Part>>) -> Self {
        Parts { outermost, parts }
    }

    /// The document and its `webhooks` (already taken out of it, as `normalize` reads them
    /// apart) as reading them whole gives them, or `None` when they cannot be put together
    /// from the parts. The document is read as version 3.0.3, as it is read whole.
    ///
    /// The outermost parts are swapped for their stubs while the rest is read, and swapped
    /// back after, so that both values are as they were: copying the rest instead would copy
    /// every example twice.
    pub fn assemble(
        self,
        document: &mut Value,
        webhooks: &mut Value,
    ) -> Option<(OpenAPI, IndexMap<String, PathItem>)> {
        let Parts { outermost, parts } = self;
        let mut swapped: Vec<Value> = (0..outermost.len())
            .map(|number| serde_json::json!({ "$ref": stub(number) }))
            .collect();
        // Each place as its tokens, sorted so that places under the same member are side by
        // side: the swaps then walk the tree once, not once from the root for every part (a
        // large document has thousands).
        let mut in_document = Vec::new();
        let mut in_webhooks = Vec::new();
        let mut all_found = true;
        for (number, pointer) in outermost.iter().enumerate() {
            let (places, inside) = match pointer.strip_prefix("/webhooks") {
                Some(inside) => (&mut in_webhooks, inside),
                None => (&mut in_document, pointer.as_str()),
            };
            match tokens(inside) {
                Some(tokens) => places.push((tokens, number)),
                None => all_found = false,
            }
        }
        in_document.sort_unstable();
        in_webhooks.sort_unstable();
        let mut swap = |document: &mut Value, webhooks: &mut Value| {
            let found = swap_places(document, &in_document, 0, &mut swapped);
            swap_places(webhooks, &in_webhooks, 0, &mut swapped) && found && all_found
        };
        let all = swap(document, webhooks);
        let declared = std::mem::replace(&mut document["openapi"], Value::from("3.0.3"));
        let read = all
            .then(|| {
                let openapi = OpenAPI::deserialize(&*document).ok()?;
                let webhooks =
                    IndexMap::<String, PathItem>::deserialize(&*webhooks).ok()?;
                Some((openapi, webhooks))
            })
            .flatten();
        document["openapi"] = declared;
        swap(document, webhooks);
        let (mut openapi, mut webhooks) = read?;
        let mut fill = Fill {
            prefix: prefix(),
            parts,
            complete: true,
        };
        fill.openapi(&mut openapi);
        for item in webhooks.values_mut() {
            fill.path_item(item);
        }
        // A part left over stood where the walk above does not look: its stub would stay.
        let all_taken = fill.parts.iter().all(Option::is_none);
        (fill.complete && all_taken).then_some((openapi, webhooks))
    }
}

/// The tokens of a JSON pointer, unescaped as [`Value::pointer_mut`] reads them.
fn tokens(pointer: &str) -> Option<Vec<String>> {
    if pointer.is_empty() {
        return Some(Vec::new());
    }
    let tokens = pointer.strip_prefix('/')?.split('/');
    Some(
        tokens
            .map(|t| t.replace("~1", "/").replace("~0", "~"))
            .collect(),
    )
}

/// Swaps the value at each of `places` (tokens below `value`'s `depth`, sorted, each with its
/// entry of `with`) with that entry; false when a place is not in the tree. What a token
/// names is what [`Value::pointer_mut`] would take it to.
fn swap_places(
    value: &mut Value,
    places: &[(Vec<String>, usize)],
    depth: usize,
    with: &mut [Value],
) -> bool {
    let mut all = true;
    let mut start = 0;
    while let Some((tokens, number)) = places.get(start) {
        let Some(token) = tokens.get(depth) else {
            std::mem::swap(value, &mut with[*number]);
            start += 1;
            continue;
        };
        let end = start
            + places[start..]
                .iter()
                .take_while(|(other, _)| other.get(depth) == Some(token))
                .count();
        let child = match value {
            Value::Object(map) => map.get_mut(token.as_str()),
            Value::Array(items) => {
                array_index(token).and_then(|index| items.get_mut(index))
            }
            _ => None,
        };
        all &= match child {
            Some(child) => swap_places(child, &places[start..end], depth + 1, with),
            None => false,
        };
        start = end;
    }
    all
}

/// An array index as a pointer token spells it: digits, without a sign or a leading zero.
fn array_index(token: &str) -> Option<usize> {
    if token.starts_with('+') || (token.starts_with('0') && token.len() != 1) {
        return None;
    }
    token.parse().ok()
}

struct Fill {
    prefix: &'static str,
    parts: Vec<Option<Part>>,
    /// False once a stub had no part to take.
    complete: bool,
}

impl Fill {
    /// The part a reference stands for; `None` for a reference that is no stub.
    fn take(&mut self, reference: &str) -> Option<Option<Part>> {
        let number: usize = reference.strip_prefix(self.prefix)?.parse().ok()?;
        Some(self.parts.get_mut(number).and_then(Option::take))
    }

    /// Puts in `slot` the part its stub stands for, if it is one, and returns what the slot
    /// then holds for the walk to go on into; `into` takes the part of the slot's type.
    fn fill<'s, T>(
        &mut self,
        slot: &'s mut ReferenceOr<T>,
        into: fn(Part) -> Option<T>,
    ) -> Option<&'s mut T> {
        if let ReferenceOr::Reference { reference } = slot {
            match self.take(reference).map(|part| part.and_then(into)) {
                None => return None,
                Some(Some(item)) => *slot = ReferenceOr::Item(item),
                Some(None) => {
                    self.complete = false;
                    return None;
                }
            }
        }
        match slot {
            ReferenceOr::Item(item) => Some(item),
            ReferenceOr::Reference { .. } => None,
        }
    }

    fn schema_ref(&mut self, slot: &mut ReferenceOr<Schema>) {
        let into = |part| match part {
            Part::Schema(schema) => Some(*schema),
            Part::Header(_) => None,
        };
        if let Some(schema) = self.fill(slot, into) {
            self.schema(schema);
        }
    }

    fn boxed_schema_ref(&mut self, slot: &mut ReferenceOr<Box<Schema>>) {
        let into = |part| match part {
            Part::Schema(schema) => Some(schema),
            Part::Header(_) => None,
        };
        if let Some(schema) = self.fill(slot, into) {
            self.schema(schema);
        }
    }

    fn schemas(&mut self, schemas: &mut [ReferenceOr<Schema>]) {
        for schema in schemas {
            self.schema_ref(schema);
        }
    }

    fn properties(
        &mut self,
        properties: &mut IndexMap<String, ReferenceOr<Box<Schema>>>,
    ) {
        for schema in properties.values_mut() {
            self.boxed_schema_ref(schema);
        }
    }

    fn additional(&mut self, additional: &mut Option<AdditionalProperties>) {
        if let Some(AdditionalProperties::Schema(schema)) = additional {
            self.schema_ref(schema);
        }
    }

    fn schema(&mut self, schema: &mut Schema) {
        match &mut schema.schema_kind {
            SchemaKind::Type(Type::Object(object)) => {
                self.properties(&mut object.properties);
                self.additional(&mut object.additional_properties);
            }
            SchemaKind::Type(Type::Array(array)) => {
                if let Some(items) = &mut array.items {
                    self.boxed_schema_ref(items);
                }
            }
            SchemaKind::Type(
                Type::String(_) | Type::Number(_) | Type::Integer(_) | Type::Boolean(_),
            ) => {}
            SchemaKind::OneOf { one_of: schemas }
            | SchemaKind::AllOf { all_of: schemas }
            | SchemaKind::AnyOf { any_of: schemas } => self.schemas(schemas),
            SchemaKind::Not { not } => self.schema_ref(not),
            SchemaKind::Any(any) => {
                self.properties(&mut any.properties);
                self.additional(&mut any.additional_properties);
                if let Some(items) = &mut any.items {
                    self.boxed_schema_ref(items);
                }
                self.schemas(&mut any.one_of);
                self.schemas(&mut any.all_of);
                self.schemas(&mut any.any_of);
                if let Some(not) = &mut any.not {
                    self.schema_ref(not);
                }
            }
        }
    }

    fn header_ref(&mut self, slot: &mut ReferenceOr<Header>) {
        let into = |part| match part {
            Part::Header(header) => Some(*header),
            Part::Schema(_) => None,
        };
        if let Some(header) = self.fill(slot, into) {
            self.schema_or_content(&mut header.format);
        }
    }

    fn headers(&mut self, headers: &mut IndexMap<String, ReferenceOr<Header>>) {
        for header in headers.values_mut() {
            self.header_ref(header);
        }
    }

    fn schema_or_content(&mut self, format: &mut ParameterSchemaOrContent) {
        match format {
            ParameterSchemaOrContent::Schema(schema) => self.schema_ref(schema),
            ParameterSchemaOrContent::Content(content) => self.content(content),
        }
    }

    fn content(&mut self, content: &mut IndexMap<String, MediaType>) {
        for media in content.values_mut() {
            if let Some(schema) = &mut media.schema {
                self.schema_ref(schema);
            }
            for encoding in media.encoding.values_mut() {
                self.headers(&mut encoding.headers);
            }
        }
    }

    fn parameter(&mut self, slot: &mut ReferenceOr<Parameter>) {
        if let ReferenceOr::Item(parameter) = slot {
            let data = match parameter {
                Parameter::Query { parameter_data, .. }
                | Parameter::Header { parameter_data, .. }
                | Parameter::Path { parameter_data, .. }
                | Parameter::Cookie { parameter_data, .. } => parameter_data,
            };
            self.schema_or_content(&mut data.format);
        }
    }

    fn request_body(&mut self, slot: &mut ReferenceOr<RequestBody>) {
        if let ReferenceOr::Item(body) = slot {
            self.content(&mut body.content);
        }
    }

    fn response(&mut self, slot: &mut ReferenceOr<Response>) {
        if let ReferenceOr::Item(response) = slot {
            self.headers(&mut response.headers);
            self.content(&mut response.content);
        }
    }

    fn callback(&mut self, callback: &mut Callback) {
        for item in callback.values_mut() {
            self.path_item(item);
        }
    }

    fn operation(&mut self, operation: &mut Operation) {
        for parameter in &mut operation.parameters {
            self.parameter(parameter);
        }
        if let Some(body) = &mut operation.request_body {
            self.request_body(body);
        }
        if let Some(default) = &mut operation.responses.default {
            self.response(default);
        }
        for response in operation.responses.responses.values_mut() {
            self.response(response);
        }
        for callback in operation.callbacks.values_mut() {
            self.callback(callback);
        }
    }

    fn path_item(&mut self, item: &mut PathItem) {
        for operation in [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.options,
            &mut item.head,
            &mut item.patch,
            &mut item.trace,
        ]
        .into_iter()
        .flatten()
        {
            self.operation(operation);
        }
        for parameter in &mut item.parameters {
            self.parameter(parameter);
        }
    }

    fn components(&mut self, components: &mut Components) {
        self.schemas_by_name(&mut components.schemas);
        for response in components.responses.values_mut() {
            self.response(response);
        }
        for parameter in components.parameters.values_mut() {
            self.parameter(parameter);
        }
        for body in components.request_bodies.values_mut() {
            self.request_body(body);
        }
        self.headers(&mut components.headers);
        for callback in components.callbacks.values_mut() {
            if let ReferenceOr::Item(callback) = callback {
                self.callback(callback);
            }
        }
    }

    fn schemas_by_name(&mut self, schemas: &mut IndexMap<String, ReferenceOr<Schema>>) {
        for schema in schemas.values_mut() {
            self.schema_ref(schema);
        }
    }

    fn openapi(&mut self, openapi: &mut OpenAPI) {
        for item in openapi.paths.paths.values_mut() {
            if let ReferenceOr::Item(item) = item {
                self.path_item(item);
            }
        }
        if let Some(components) = &mut openapi.components {
            self.components(components);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// One walk swaps what a `pointer_mut` from the root for each place would, and finds the
    /// same places missing.
    #[test]
    fn swapping_places_in_one_walk_matches_pointer_mut() {
        let document = json!({
            "paths": {
                "/a/b": {"get": {"responses": {"200": {"schema": 1}}}},
                "~x": {"post": 2},
            },
            "list": [10, 11, {"deep": [12]}],
            "": {"empty key": 3},
        });
        let pointers = [
            "/paths/~1a~1b/get/responses/200/schema",
            "/paths/~0x/post",
            "/list/1",
            "/list/2/deep/0",
            "//empty key",
            "/list/01",
            "/list/+1",
            "/list/9",
            "/paths/none",
            "/list/0/below a number",
        ];
        for count in 1..=pointers.len() {
            let chosen = &pointers[..count];
            let mut expected = document.clone();
            let mut expected_found = Vec::new();
            for (number, pointer) in chosen.iter().enumerate() {
                let found = expected
                    .pointer_mut(pointer)
                    .map(|slot| *slot = json!(number));
                expected_found.push(found.is_some());
            }
            let mut places: Vec<_> = chosen
                .iter()
                .enumerate()
                .map(|(number, pointer)| (tokens(pointer).unwrap(), number))
                .collect();
            places.sort_unstable();
            let mut with: Vec<Value> = (0..count).map(|number| json!(number)).collect();
            let mut actual = document.clone();
            let all = swap_places(&mut actual, &places, 0, &mut with);
            assert_eq!(actual, expected, "{chosen:?}");
            assert_eq!(all, expected_found.iter().all(|f| *f), "{chosen:?}");
            // Swapping again puts everything back.
            swap_places(&mut actual, &places, 0, &mut with);
            assert_eq!(actual, document);
        }
        assert_eq!(tokens("no slash"), None);
        assert_eq!(tokens(""), Some(Vec::new()));
    }
}
