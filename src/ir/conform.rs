//! Does a JSON value conform to an IR type? Used to check the catalog against the spec's own
//! `PublicApiModel` schema, so the check follows the contract rather than this crate's idea of
//! it. Unknown members are accepted: the contract lets servers add optional fields.

use foldhash::HashMap;
use std::cell::RefCell;
use std::collections::BTreeMap;

use serde_json::Value;

use super::model::*;
use crate::error::pointer_join;

#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    /// A JSON pointer relative to the checked value.
    pub pointer: String,
    pub message: String,
}

pub fn check(
    types: &BTreeMap<String, TypeDef>,
    def: &TypeDef,
    value: &Value,
) -> Vec<Violation> {
    let probed = RefCell::new(HashMap::default());
    let mut checker = Checker {
        types,
        violations: Vec::new(),
        depth: 0,
        probed: &probed,
    };
    checker.kind(&def.kind, value, "");
    checker.violations
}

/// A variant's shape, a value, and the depth it was met at, by address.
type ProbeKey = (*const Shape, *const Value, usize);

struct Checker<'a> {
    types: &'a BTreeMap<String, TypeDef>,
    violations: Vec<Violation>,
    depth: usize,
    /// Whether a value matches a variant of an untagged union, once found out. Every union
    /// tries each variant on the whole value, so without this a union nested in itself costs
    /// 2^depth (a model value 22 levels deep took 4 s).
    probed: &'a RefCell<HashMap<ProbeKey, bool>>,
}

/// Values come from parsed documents whose depth is already bounded; this guards against a
/// type graph that recurses through aliases without consuming any of the value.
const MAX_DEPTH: usize = 256;

impl Checker<'_> {
    fn fail(&mut self, pointer: &str, message: String) {
        self.violations.push(Violation {
            pointer: pointer.to_owned(),
            message,
        });
    }

    fn shape(&mut self, shape: &Shape, value: &Value, at: &str) {
        if value.is_null() {
            if !shape.nullable
                && !matches!(shape.ty, TypeRef::Any)
                && !self.named_nullable(shape)
            {
                self.fail(at, "must not be null".into());
            }
            return;
        }
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            self.fail(at, "nested too deeply to check".into());
        } else {
            self.type_ref(&shape.ty, value, at);
            self.constraints(shape.constraints(), value, at);
        }
        self.depth -= 1;
    }

    fn named_nullable(&self, shape: &Shape) -> bool {
        match shape.named().and_then(|n| self.types.get(n)) {
            Some(TypeDef {
                kind: TypeKind::Alias { target },
                ..
            }) => target.nullable,
            _ => false,
        }
    }

    fn type_ref(&mut self, ty: &TypeRef, value: &Value, at: &str) {
        match ty {
            TypeRef::Named { name } => match self.types.get(name) {
                Some(def) => self.kind(&def.kind, value, at),
                None => self.fail(at, format!("unknown type `{name}`")),
            },
            TypeRef::String { .. } if !value.is_string() => {
                self.fail(at, format!("expected a string, found {}", kind_of(value)))
            }
            TypeRef::Integer { .. } if !(value.is_i64() || value.is_u64()) => {
                self.fail(at, format!("expected an integer, found {}", kind_of(value)))
            }
            TypeRef::Number { .. } if !value.is_number() => {
                self.fail(at, format!("expected a number, found {}", kind_of(value)))
            }
            TypeRef::Boolean if !value.is_boolean() => {
                self.fail(at, format!("expected a boolean, found {}", kind_of(value)))
            }
            TypeRef::Const { value: expected } if expected != value => {
                self.fail(at, format!("expected {expected}, found {value}"))
            }
            TypeRef::List { items } => match value.as_array() {
                Some(array) => {
                    for (i, item) in array.iter().enumerate() {
                        self.shape(items, item, &pointer_join(at, &i.to_string()));
                    }
                }
                None => {
                    self.fail(at, format!("expected an array, found {}", kind_of(value)))
                }
            },
            TypeRef::Map { values } => match value.as_object() {
                Some(object) => {
                    for (key, member) in object {
                        self.shape(values, member, &pointer_join(at, key));
                    }
                }
                None => self
                    .fail(at, format!("expected an object, found {}", kind_of(value))),
            },
            _ => {}
        }
    }

    fn kind(&mut self, kind: &TypeKind, value: &Value, at: &str) {
        match kind {
            TypeKind::Struct { fields, .. } => {
                let Some(object) = value.as_object() else {
                    return self.fail(
                        at,
                        format!("expected an object, found {}", kind_of(value)),
                    );
                };
                for field in fields {
                    match object.get(&field.name) {
                        Some(member) => self.shape(
                            &field.shape,
                            member,
                            &pointer_join(at, &field.name),
                        ),
                        None if field.required => self.fail(
                            &pointer_join(at, &field.name),
                            "is required but missing".into(),
                        ),
                        None => {}
                    }
                }
            }
            TypeKind::StringEnum { values } | TypeKind::IntegerEnum { values } => {
                if !values.iter().any(|v| &v.value == value) {
                    let allowed: Vec<String> =
                        values.iter().map(|v| v.value.to_string()).collect();
                    self.fail(
                        at,
                        format!("{value} is not one of {}", allowed.join(", ")),
                    );
                }
            }
            TypeKind::TaggedUnion { tag, variants } => {
                let found = value.get(tag).and_then(Value::as_str);
                match variants.iter().find(|v| v.tag_value.as_deref() == found) {
                    Some(variant) => self.shape(&variant.shape, value, at),
                    None => self.fail(
                        &pointer_join(at, tag),
                        format!("unknown `{tag}` {}", found.unwrap_or("(missing)")),
                    ),
                }
            }
            TypeKind::UntaggedUnion { variants } => {
                let matches = variants.iter().any(|variant| {
                    let key: ProbeKey = (&variant.shape, value, self.depth);
                    if let Some(&known) = self.probed.borrow().get(&key) {
                        return known;
                    }
                    let mut probe = Checker {
                        types: self.types,
                        violations: Vec::new(),
                        depth: self.depth,
                        probed: self.probed,
                    };
                    probe.shape(&variant.shape, value, at);
                    let matched = probe.violations.is_empty();
                    self.probed.borrow_mut().insert(key, matched);
                    matched
                });
                if !matches {
                    self.fail(at, "matches none of the allowed alternatives".into());
                }
            }
            TypeKind::Alias { target } => self.shape(target, value, at),
        }
    }

    fn constraints(&mut self, c: &Constraints, value: &Value, at: &str) {
        if let Some(n) = value.as_f64() {
            if let Some(min) = c.minimum.as_ref().and_then(serde_json::Number::as_f64) {
                if n < min || (c.exclusive_minimum && n == min) {
                    self.fail(at, format!("{value} is below the minimum {min}"));
                }
            }
            if let Some(max) = c.maximum.as_ref().and_then(serde_json::Number::as_f64) {
                if n > max || (c.exclusive_maximum && n == max) {
                    self.fail(at, format!("{value} is above the maximum {max}"));
                }
            }
        }
        if let Some(s) = value.as_str() {
            let length = s.chars().count() as u64;
            if c.min_length.is_some_and(|min| length < min)
                || c.max_length.is_some_and(|max| length > max)
            {
                self.fail(at, format!("length {length} is outside the allowed range"));
            }
        }
        if let Some(items) = value.as_array() {
            let count = items.len() as u64;
            if c.min_items.is_some_and(|min| count < min)
                || c.max_items.is_some_and(|max| count > max)
            {
                self.fail(at, format!("{count} items is outside the allowed range"));
            }
        }
    }
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
