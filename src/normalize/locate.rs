//! Finds where a document breaks the OpenAPI 3.0 structure, when `openapiv3` can only say
//! that it does: its types flatten vendor extensions into every object, which hides the path
//! of the failing element from serde. Only used on the error path.
//!
//! `oas-3.0.schema.json` is the OpenAPI Initiative's schema for 3.0.x documents
//! (https://spec.openapis.org/oas/3.0/schema/2021-09-28, Apache-2.0), as shipped by the
//! openapi-spec-validator package.

use std::sync::OnceLock;

use serde_json::Value;

const OAS_30_SCHEMA: &str = include_str!("oas-3.0.schema.json");

fn validator() -> Option<&'static jsonschema::Validator> {
    static VALIDATOR: OnceLock<Option<jsonschema::Validator>> = OnceLock::new();
    VALIDATOR
        .get_or_init(|| {
            let schema: Value = serde_json::from_str(OAS_30_SCHEMA).ok()?;
            jsonschema::draft4::new(&schema).ok()
        })
        .as_ref()
}

/// The deepest structural error at or below `near`, as (JSON pointer, message).
pub fn locate(document: &Value, near: &str) -> Option<(String, String)> {
    let validator = validator()?;
    validator
        .iter_errors(document)
        .map(|error| (error.instance_path().as_str().to_owned(), error.to_string()))
        .filter(|(pointer, _)| pointer.starts_with(near))
        .max_by_key(|(pointer, _)| pointer.matches('/').count())
}
