//! YAML to a JSON value: the only module that knows which YAML library is in use (serde_yaml is
//! deprecated upstream; swapping it means changing this module alone, behind [`parse_yaml`]).

use std::cell::Cell;

use serde_json::Value;

use super::parse::strip_position;
use crate::error::{pointer_join, Error, Location, Result};

/// A YAML document as a JSON value.
///
/// serde_yaml bounds nesting depth, and alias expansion in number of aliases followed ("billion
/// laughs"), but not in size: a few thousand aliases of one large anchor still expand into
/// gigabytes. `check_expansion` bounds that first, so neither the stack nor memory can be
/// exhausted.
pub fn parse_yaml(origin: &str, text: &str) -> Result<Value> {
    // Without an anchor there is nothing to expand.
    if text.contains('&') {
        check_expansion(origin, text)?;
    }
    let mut yaml: serde_yaml::Value =
        serde_yaml::from_str(text).map_err(|e| yaml_error(origin, &e))?;
    yaml.apply_merge().map_err(|e| {
        Error::input(
            origin,
            Location::Whole,
            format!("invalid YAML merge key: {e}"),
        )
    })?;
    yaml_to_json(origin, "", yaml)
}

fn yaml_error(origin: &str, e: &serde_yaml::Error) -> Error {
    let location = e
        .location()
        .map(|l| Location::Line {
            line: l.line(),
            column: l.column(),
        })
        .unwrap_or(Location::Whole);
    Error::input(
        origin,
        location,
        format!("invalid YAML: {}", strip_position(&e.to_string())),
    )
}

/// Aliases may make the document at most this many times larger than its text (measured in
/// values plus string bytes), plus `EXPANSION_SLACK`.
const EXPANSION_FACTOR: usize = 10;
const EXPANSION_SLACK: usize = 1_000_000;

/// Reads the document once without keeping anything, counting what aliases expand into, and
/// refuses it once the count passes the bound (a 55 KB file of 4,000 aliases to one anchor took
/// 74 s and 14 GB before).
fn check_expansion(origin: &str, text: &str) -> Result<()> {
    use serde::de::DeserializeSeed;
    let budget = Cell::new(
        text.len()
            .saturating_mul(EXPANSION_FACTOR)
            .saturating_add(EXPANSION_SLACK),
    );
    match Count(&budget).deserialize(serde_yaml::Deserializer::from_str(text)) {
        Ok(()) => Ok(()),
        Err(e) if budget.get() == 0 => Err(Error::input(
            origin,
            e.location()
                .map(|l| Location::Line {
                    line: l.line(),
                    column: l.column(),
                })
                .unwrap_or(Location::Whole),
            format!(
                "YAML aliases expand the document more than {EXPANSION_FACTOR}-fold \
                 (an alias bomb?)"
            ),
        )),
        Err(e) => Err(yaml_error(origin, &e)),
    }
}

/// A visitor that keeps nothing and spends one unit of the budget per value, plus one per byte
/// of every string.
struct Count<'b>(&'b Cell<usize>);

impl Count<'_> {
    fn spend<E: serde::de::Error>(&self, units: usize) -> Result<(), E> {
        match self.0.get().checked_sub(units.saturating_add(1)) {
            Some(left) => {
                self.0.set(left);
                Ok(())
            }
            None => {
                self.0.set(0);
                Err(E::custom("expansion limit exceeded"))
            }
        }
    }
}

impl<'de> serde::de::DeserializeSeed<'de> for Count<'_> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Count<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<(), E> {
        self.spend(0)
    }
    fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<(), E> {
        self.spend(0)
    }
    fn visit_i128<E: serde::de::Error>(self, _: i128) -> Result<(), E> {
        self.spend(0)
    }
    fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<(), E> {
        self.spend(0)
    }
    fn visit_u128<E: serde::de::Error>(self, _: u128) -> Result<(), E> {
        self.spend(0)
    }
    fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<(), E> {
        self.spend(0)
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<(), E> {
        self.spend(v.len())
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<(), E> {
        self.spend(0)
    }
    fn visit_none<E: serde::de::Error>(self) -> Result<(), E> {
        self.spend(0)
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        use serde::de::DeserializeSeed;
        self.deserialize(d)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> Result<(), A::Error> {
        self.spend(0)?;
        while seq.next_element_seed(Count(self.0))?.is_some() {}
        Ok(())
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(
        self,
        mut map: A,
    ) -> Result<(), A::Error> {
        self.spend(0)?;
        while map.next_key_seed(Count(self.0))?.is_some() {
            map.next_value_seed(Count(self.0))?;
        }
        Ok(())
    }
    fn visit_enum<A: serde::de::EnumAccess<'de>>(self, data: A) -> Result<(), A::Error> {
        // serde_yaml's form of a tagged value (`!tag value`).
        use serde::de::VariantAccess;
        self.spend(0)?;
        let ((), variant) = data.variant_seed(Count(self.0))?;
        variant.newtype_variant_seed(Count(self.0))
    }
}

/// YAML allows what JSON does not (non-string keys, NaN, tags); OpenAPI documents in YAML
/// routinely use integer keys such as `200:` for responses, which become strings here.
fn yaml_to_json(origin: &str, pointer: &str, yaml: serde_yaml::Value) -> Result<Value> {
    use serde_yaml::Value as Y;
    Ok(match yaml {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                serde_json::Number::from_f64(f)
                    .map(Value::Number)
                    .ok_or_else(|| {
                        Error::at_pointer(
                            origin,
                            pointer,
                            format!("{f} cannot be represented in JSON"),
                        )
                    })?
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(
            items
                .into_iter()
                .enumerate()
                .map(|(i, item)| {
                    yaml_to_json(origin, &pointer_join(pointer, &i.to_string()), item)
                })
                .collect::<Result<_>>()?,
        ),
        Y::Mapping(map) => {
            let mut object = serde_json::Map::with_capacity(map.len());
            for (key, value) in map {
                let key = match key {
                    Y::String(s) => s,
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    other => {
                        return Err(Error::at_pointer(
                            origin,
                            pointer,
                            format!("mapping key {other:?} is not a string"),
                        ))
                    }
                };
                let child = pointer_join(pointer, &key);
                object.insert(key, yaml_to_json(origin, &child, value)?);
            }
            Value::Object(object)
        }
        Y::Tagged(tagged) => {
            return Err(Error::at_pointer(
                origin,
                pointer,
                format!(
                    "YAML tag {} is not allowed in an OpenAPI document",
                    tagged.tag
                ),
            ))
        }
    })
}
