//! Schemas to IR types: every inline object, enum and union gets a named type with a stable,
//! meaningful name derived from where it stands (`PublicGeneration` + `status` →
//! `PublicGenerationStatus`); primitives, lists and maps stay inline as shapes.

use foldhash::{HashMap, HashSet};
use std::collections::{BTreeMap, VecDeque};

use openapiv3::{ReferenceOr, Schema, SchemaKind, Type};
use serde_json::Value;

use super::model::*;
use crate::error::{pointer_join, unescape_pointer_token, Error, Result};
use crate::normalize::{local_pointer, pointer_in_rewritten, read_schema, Spec};

const COMPONENT_PREFIX: &str = "#/components/schemas/";

pub struct SchemaBuilder<'a> {
    spec: &'a Spec,
    pub types: BTreeMap<String, TypeDef>,
    pub warnings: Vec<Warning>,
    /// Contract names in use (components first, then synthesized ones).
    names: HashSet<String>,
    /// Per name hint already in use, the numeric suffix to try next (see `Namespace`).
    next_suffix: HashMap<String, usize>,
    /// Named types by the pointer of the schema they were made from, so that a schema reached
    /// twice (a shared response, a `$ref` into another schema) is one type, not two.
    by_pointer: HashMap<String, String>,
    /// Component names whose definition is under way (guards `allOf` self-inclusion).
    in_progress: HashSet<String>,
    /// Schemas reached through a `$ref` into the middle of the document: named at once, defined
    /// later by `define_deferred`. Defining them on the spot made the stack as deep as the
    /// longest chain of such references, which only the document bounds.
    deferred: VecDeque<String>,
    deferred_schemas: HashMap<String, (String, Schema)>,
    /// Definitions under way, one inside the other: only `allOf` nests them (a member's fields
    /// are needed before its includer's), at most `MAX_NESTED_DEFINITIONS` deep.
    nested_definitions: usize,
}

/// Far beyond any real inheritance chain, and well within the stack of a debug build.
const MAX_NESTED_DEFINITIONS: usize = 64;

impl<'a> SchemaBuilder<'a> {
    pub fn new(spec: &'a Spec) -> Self {
        let names = spec
            .openapi
            .components
            .as_ref()
            .map(|c| c.schemas.keys().cloned().collect())
            .unwrap_or_default();
        SchemaBuilder {
            spec,
            types: BTreeMap::new(),
            warnings: Vec::new(),
            names,
            next_suffix: HashMap::default(),
            by_pointer: HashMap::default(),
            in_progress: HashSet::default(),
            deferred: VecDeque::new(),
            deferred_schemas: HashMap::default(),
            nested_definitions: 0,
        }
    }

    /// The normalized document, for references to places outside `components`.
    pub fn raw(&self) -> &'a serde_json::Value {
        &self.spec.raw
    }

    fn origin(&self) -> &str {
        &self.spec.origin
    }

    /// Defines every component schema as a named type.
    pub fn define_components(&mut self) -> Result<()> {
        let Some(components) = &self.spec.openapi.components else {
            return Ok(());
        };
        for (name, schema) in &components.schemas {
            let pointer = pointer_join("/components/schemas", name);
            if self.types.contains_key(name) {
                continue;
            }
            match schema {
                ReferenceOr::Reference { reference } => {
                    let target = self.reference_shape(reference, name, &pointer)?;
                    self.insert(
                        name.clone(),
                        &pointer,
                        false,
                        Docs::default(),
                        TypeKind::Alias { target: Box::new(target) },
                    );
                }
                ReferenceOr::Item(schema) => {
                    self.define(name.clone(), &pointer, false, schema)?
                }
            }
            self.define_deferred()?;
        }
        Ok(())
    }

    /// Defines the schemas that `$ref`s into the middle of the document reached meanwhile (and
    /// those their definitions reach), one after the other.
    fn define_deferred(&mut self) -> Result<()> {
        while let Some(name) = self.deferred.pop_front() {
            if let Some((pointer, schema)) = self.deferred_schemas.remove(&name) {
                self.define(name, &pointer, true, &schema)?;
            }
        }
        Ok(())
    }

    /// The shape of a schema at `pointer`; `hint` names any type this schema has to create.
    /// Every type the shape refers to is defined when it returns.
    pub fn shape(
        &mut self,
        schema: &ReferenceOr<Schema>,
        hint: &str,
        pointer: &str,
    ) -> Result<Shape> {
        let shape = self.member_shape(schema, hint, pointer)?;
        self.define_deferred()?;
        Ok(shape)
    }

    /// `shape` inside a definition: the types reached through `$ref`s are defined afterwards.
    fn member_shape(
        &mut self,
        schema: &ReferenceOr<Schema>,
        hint: &str,
        pointer: &str,
    ) -> Result<Shape> {
        match schema {
            ReferenceOr::Reference { reference } => {
                self.reference_shape(reference, hint, pointer)
            }
            ReferenceOr::Item(schema) => self.inline_shape(schema, hint, pointer),
        }
    }

    fn boxed_shape(
        &mut self,
        schema: &ReferenceOr<Box<Schema>>,
        hint: &str,
        pointer: &str,
    ) -> Result<Shape> {
        match schema {
            ReferenceOr::Reference { reference } => {
                self.reference_shape(reference, hint, pointer)
            }
            ReferenceOr::Item(schema) => self.inline_shape(schema, hint, pointer),
        }
    }

    fn reference_shape(
        &mut self,
        reference: &str,
        hint: &str,
        at: &str,
    ) -> Result<Shape> {
        let mut reference = reference.to_owned();
        // A reference to a reference is followed. refs::check has ruled out cycles among the
        // references it saw, but a schema in an extension is data to it, so its references
        // are only met here.
        let mut followed = HashSet::default();
        let (target, schema) = loop {
            if let Some(token) = reference.strip_prefix(COMPONENT_PREFIX) {
                // One pointer token (no unescaped `/`) names a whole component; decode it
                // after the check, since a component's own name may contain `/` (`~1`).
                let token = local_pointer(&format!("#{token}")).unwrap_or_default();
                if !token.contains('/') {
                    let name = unescape_pointer_token(&token);
                    // refs::check saw every reference but those inside extensions, which a
                    // path item or a schema may be taken from.
                    let defined = self
                        .spec
                        .openapi
                        .components
                        .as_ref()
                        .is_some_and(|c| c.schemas.contains_key(&name));
                    if !defined {
                        return Err(Error::at_pointer(
                            self.origin(),
                            at,
                            format!("`$ref: {reference}` points nowhere"),
                        ));
                    }
                    return Ok(Shape::of(TypeRef::Named { name }));
                }
            }
            // A reference into the middle of something (a property of another schema, a
            // parameter's schema): resolve it once and share the result by pointer.
            let target = local_pointer(&reference).unwrap_or_default();
            if let Some(name) = self.by_pointer.get(&target) {
                return Ok(Shape::of(TypeRef::Named { name: name.clone() }));
            }
            if !followed.insert(target.clone()) {
                return Err(Error::at_pointer(
                    self.origin(),
                    at,
                    format!("`$ref` cycle through #{target}"),
                ));
            }
            let Some((target, value)) = pointer_in_rewritten(&self.spec.raw, &target)
            else {
                return Err(Error::at_pointer(
                    self.origin(),
                    at,
                    format!("`$ref: {reference}` points nowhere"),
                ));
            };
            match read_schema(self.origin(), &target, value) {
                Ok(ReferenceOr::Reference { reference: next }) => reference = next,
                Ok(ReferenceOr::Item(schema)) => break (target, schema),
                // Real documents point at things that are no schema (a `definitions` entry
                // holding schemas by name): that member cannot be typed, the rest can.
                Err(error) => {
                    let detail = match error {
                        Error::Input { location, message, .. } => {
                            format!("{location}: {message}")
                        }
                        other => other.to_string(),
                    };
                    self.warn(
                        at,
                        &format!(
                            "`$ref: {reference}` does not lead to a readable schema ({detail}); the value is left as any JSON value"
                        ),
                    );
                    return Ok(Shape::of(TypeRef::Any));
                }
            }
        };
        // Named now (the schema may refer to its own location), defined later.
        let name = self.fresh_name(hint);
        self.by_pointer.insert(target.clone(), name.clone());
        self.deferred.push_back(name.clone());
        self.deferred_schemas.insert(name.clone(), (target, schema));
        Ok(Shape::of(TypeRef::Named { name }))
    }

    fn inline_shape(
        &mut self,
        schema: &Schema,
        hint: &str,
        pointer: &str,
    ) -> Result<Shape> {
        if let Some(name) = self.by_pointer.get(pointer) {
            let mut shape = Shape::of(TypeRef::Named { name: name.clone() });
            shape.nullable = schema.schema_data.nullable;
            shape.default = schema.schema_data.default.clone().map(Box::new);
            return Ok(shape);
        }
        self.build_inline(schema, hint, pointer)
    }

    /// Builds the shape of an inline schema, creating the named types it needs.
    fn build_inline(
        &mut self,
        schema: &Schema,
        hint: &str,
        pointer: &str,
    ) -> Result<Shape> {
        let data = &schema.schema_data;
        let mut shape = match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => {
                // An enum is a set: a value listed twice (seen in real specs) is one value,
                // or the SDK would get two variants of one name.
                let mut values: Vec<&String> = Vec::new();
                for value in s.enumeration.iter().flatten() {
                    if !values.contains(&value) {
                        values.push(value);
                    }
                }
                let mut shape = match values.len() {
                    0 => Shape::of(TypeRef::String {
                        format: string_format(&s.format),
                    }),
                    1 => Shape::of(TypeRef::Const {
                        value: Value::String(values[0].clone()),
                    }),
                    _ => {
                        let values = values
                            .iter()
                            .map(|v| enum_value(Value::String((*v).clone())))
                            .collect();
                        self.named(
                            hint,
                            pointer,
                            schema,
                            TypeKind::StringEnum { values },
                        )
                    }
                };
                if s.enumeration.iter().any(Option::is_none) {
                    shape.nullable = true;
                }
                shape.set_constraints(Constraints {
                    min_length: s.min_length.map(|n| n as u64),
                    max_length: s.max_length.map(|n| n as u64),
                    pattern: s.pattern.clone(),
                    ..Constraints::NONE
                });
                shape
            }
            SchemaKind::Type(Type::Integer(i)) => {
                let mut values: Vec<i64> = Vec::new();
                for value in i.enumeration.iter().flatten() {
                    if !values.contains(value) {
                        values.push(*value);
                    }
                }
                let mut shape = match values.len() {
                    0 => Shape::of(TypeRef::Integer {
                        format: integer_format(&i.format),
                    }),
                    1 => Shape::of(TypeRef::Const {
                        value: Value::from(values[0]),
                    }),
                    _ => {
                        let values = values
                            .into_iter()
                            .map(|v| enum_value(Value::from(v)))
                            .collect();
                        self.named(
                            hint,
                            pointer,
                            schema,
                            TypeKind::IntegerEnum { values },
                        )
                    }
                };
                shape.set_constraints(Constraints {
                    minimum: i.minimum.map(Into::into),
                    maximum: i.maximum.map(Into::into),
                    exclusive_minimum: i.exclusive_minimum,
                    exclusive_maximum: i.exclusive_maximum,
                    multiple_of: i.multiple_of.map(Into::into),
                    ..Constraints::NONE
                });
                shape
            }
            SchemaKind::Type(Type::Number(n)) => {
                let mut shape = Shape::of(TypeRef::Number {
                    format: number_format(&n.format),
                });
                shape.set_constraints(Constraints {
                    minimum: n.minimum.and_then(serde_json::Number::from_f64),
                    maximum: n.maximum.and_then(serde_json::Number::from_f64),
                    exclusive_minimum: n.exclusive_minimum,
                    exclusive_maximum: n.exclusive_maximum,
                    multiple_of: n.multiple_of.and_then(serde_json::Number::from_f64),
                    ..Constraints::NONE
                });
                shape
            }
            SchemaKind::Type(Type::Boolean(b)) => {
                match b.enumeration.iter().flatten().collect::<Vec<_>>()[..] {
                    [only] => Shape::of(TypeRef::Const { value: Value::Bool(*only) }),
                    _ => Shape::of(TypeRef::Boolean),
                }
            }
            SchemaKind::Type(Type::Array(a)) => {
                let items = match &a.items {
                    Some(items) => self.boxed_shape(
                        items,
                        &format!("{hint}Item"),
                        &pointer_join(pointer, "items"),
                    )?,
                    None => Shape::of(TypeRef::Any),
                };
                let mut shape = Shape::of(TypeRef::List { items: Box::new(items) });
                shape.set_constraints(Constraints {
                    min_items: a.min_items.map(|n| n as u64),
                    max_items: a.max_items.map(|n| n as u64),
                    unique_items: a.unique_items,
                    ..Constraints::NONE
                });
                shape
            }
            SchemaKind::Type(Type::Object(o)) => {
                if o.properties.is_empty() {
                    let values =
                        self.additional_shape(&o.additional_properties, hint, pointer)?;
                    let mut shape = Shape::of(TypeRef::Map {
                        values: Box::new(
                            values.unwrap_or_else(|| Shape::of(TypeRef::Any)),
                        ),
                    });
                    shape.set_constraints(Constraints {
                        min_properties: o.min_properties.map(|n| n as u64),
                        max_properties: o.max_properties.map(|n| n as u64),
                        ..Constraints::NONE
                    });
                    shape
                } else {
                    let kind = self.struct_kind(
                        &o.properties,
                        &o.required,
                        &o.additional_properties,
                        hint,
                        pointer,
                    )?;
                    self.named(hint, pointer, schema, kind)
                }
            }
            SchemaKind::OneOf { one_of } => {
                self.union(schema, one_of, hint, pointer, "oneOf")?
            }
            SchemaKind::AnyOf { any_of } => {
                self.union(schema, any_of, hint, pointer, "anyOf")?
            }
            SchemaKind::AllOf { all_of } => {
                self.all_of(schema, all_of, hint, pointer)?
            }
            SchemaKind::Not { .. } => {
                self.warn(
                    pointer,
                    "`not` cannot be typed; the value is left as any JSON value",
                );
                Shape::of(TypeRef::Any)
            }
            SchemaKind::Any(any) => self.any_schema(schema, any, hint, pointer)?,
        };
        if data.nullable {
            shape.nullable = true;
        }
        if shape.default.is_none() {
            shape.default = data.default.clone().map(Box::new);
        }
        Ok(shape)
    }

    fn additional_shape(
        &mut self,
        additional: &Option<openapiv3::AdditionalProperties>,
        hint: &str,
        pointer: &str,
    ) -> Result<Option<Shape>> {
        use openapiv3::AdditionalProperties as A;
        Ok(match additional {
            None | Some(A::Any(false)) => None,
            Some(A::Any(true)) => Some(Shape::of(TypeRef::Any)),
            Some(A::Schema(schema)) => Some(self.member_shape(
                schema,
                &format!("{hint}Value"),
                &pointer_join(pointer, "additionalProperties"),
            )?),
        })
    }

    fn struct_kind(
        &mut self,
        properties: &indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &[String],
        additional: &Option<openapiv3::AdditionalProperties>,
        hint: &str,
        pointer: &str,
    ) -> Result<TypeKind> {
        let mut fields = Vec::with_capacity(properties.len());
        for (name, schema) in properties {
            let field_pointer = pointer_join(&pointer_join(pointer, "properties"), name);
            let field_hint = format!("{hint}{}", super::names::hint_part(name));
            let shape = self.boxed_shape(schema, &field_hint, &field_pointer)?;
            let (docs, read_only, write_only) = match schema {
                ReferenceOr::Item(s) => (
                    schema_docs(&s.schema_data),
                    s.schema_data.read_only,
                    s.schema_data.write_only,
                ),
                ReferenceOr::Reference { .. } => (Docs::default(), false, false),
            };
            fields.push(Field {
                name: name.clone(),
                rust_name: String::new(),
                pointer: field_pointer,
                required: required.contains(name),
                shape,
                docs,
                read_only,
                write_only,
                needs_indirection: false,
            });
        }
        let additional = self
            .additional_shape(additional, hint, pointer)?
            .map(Box::new);
        Ok(TypeKind::Struct { fields, additional })
    }

    fn union(
        &mut self,
        schema: &Schema,
        members: &[ReferenceOr<Schema>],
        hint: &str,
        pointer: &str,
        keyword: &str,
    ) -> Result<Shape> {
        let list_pointer = pointer_join(pointer, keyword);
        if let Some(discriminator) = &schema.schema_data.discriminator {
            let mut variants = Vec::with_capacity(members.len());
            for (i, member) in members.iter().enumerate() {
                let tag_value = match member {
                    ReferenceOr::Reference { reference } => discriminator
                        .mapping
                        .iter()
                        .find(|(_, target)| {
                            *target == reference
                                || reference.ends_with(&format!("/{target}"))
                        })
                        .map(|(key, _)| key.clone())
                        .unwrap_or_else(|| {
                            reference.rsplit('/').next().unwrap_or_default().to_owned()
                        }),
                    ReferenceOr::Item(inline) => {
                        inline_tag_value(inline, &discriminator.property_name)
                            .unwrap_or_else(|| format!("variant{}", i + 1))
                    }
                };
                let variant_hint =
                    format!("{hint}{}", super::names::hint_part(&tag_value));
                let shape = self.member_shape(
                    member,
                    &variant_hint,
                    &pointer_join(&list_pointer, &i.to_string()),
                )?;
                variants.push(Variant {
                    tag_value: Some(tag_value.clone()),
                    rust_name: tag_value,
                    shape,
                });
            }
            let kind = TypeKind::TaggedUnion {
                tag: discriminator.property_name.clone(),
                variants,
            };
            return Ok(self.named(hint, pointer, schema, kind));
        }
        let mut variants = Vec::with_capacity(members.len());
        for (i, member) in members.iter().enumerate() {
            let label = match member {
                ReferenceOr::Reference { reference } => {
                    reference.rsplit('/').next().unwrap_or("Variant").to_owned()
                }
                ReferenceOr::Item(inline) => {
                    inline.schema_data.title.clone().unwrap_or_else(|| {
                        primitive_label(inline)
                            .unwrap_or_else(|| format!("Variant{}", i + 1))
                    })
                }
            };
            let variant_hint = format!("{hint}{}", super::names::hint_part(&label));
            let shape = self.member_shape(
                member,
                &variant_hint,
                &pointer_join(&list_pointer, &i.to_string()),
            )?;
            variants.push(Variant {
                tag_value: None,
                rust_name: label,
                shape,
            });
        }
        Ok(self.named(hint, pointer, schema, TypeKind::UntaggedUnion { variants }))
    }

    fn all_of(
        &mut self,
        schema: &Schema,
        parts: &[ReferenceOr<Schema>],
        hint: &str,
        pointer: &str,
    ) -> Result<Shape> {
        // Members that decide nothing about the type (`{description: …}`, `{nullable: true}`,
        // `{maxLength: 5}`) annotate the others: `allOf: [{$ref: X}, {description: …}]` is the
        // most common way 3.0 documents describe or null a reference, and is still X.
        let (annotations, deciding): (Vec<_>, Vec<_>) = parts
            .iter()
            .enumerate()
            .partition(|(_, part)| is_annotation_only(part));
        let annotated = |mut shape: Shape| {
            for (_, part) in &annotations {
                if let ReferenceOr::Item(member) = part {
                    shape.nullable |= member.schema_data.nullable;
                    if shape.default.is_none() {
                        shape.default = member.schema_data.default.clone().map(Box::new);
                    }
                    if let SchemaKind::Any(any) = &member.schema_kind {
                        tighten(&mut shape, any_constraints(any));
                    }
                }
            }
            shape
        };
        // `allOf: [$ref]` with annotations is how 3.0 adds nullability or a description to a
        // reference: the type is the referenced one.
        if let [(_, ReferenceOr::Reference { reference })] = deciding[..] {
            let shape = self.reference_shape(reference, hint, pointer)?;
            return Ok(annotated(shape));
        }
        if deciding.is_empty() {
            return Ok(annotated(Shape::of(TypeRef::Any)));
        }
        let mut fields: Vec<Field> = Vec::new();
        let mut positions: HashMap<String, usize> = HashMap::default();
        let mut additional = None;
        // A member may only add `required: [a]` for a property another member defines.
        let mut required: Vec<&String> = Vec::new();
        for &(i, part) in &deciding {
            let part_pointer =
                pointer_join(&pointer_join(pointer, "allOf"), &i.to_string());
            if let ReferenceOr::Item(inline) = part {
                match &inline.schema_kind {
                    SchemaKind::Type(Type::Object(o)) => required.extend(&o.required),
                    SchemaKind::Any(any) => required.extend(&any.required),
                    _ => {}
                }
            }
            let member = match part {
                ReferenceOr::Reference { reference } => {
                    let name = self.reference_shape(reference, hint, &part_pointer)?;
                    let name = name.named().unwrap_or_default().to_owned();
                    match self.struct_of_named(&name, &part_pointer)? {
                        Some(name) => Some(Member::Named(name)),
                        // A map (`{additionalProperties: …}`) adds what the extra members are.
                        None => self.map_values_of_named(&name).map(|values| {
                            Member::Inline(TypeKind::Struct {
                                fields: Vec::new(),
                                additional: Some(values),
                            })
                        }),
                    }
                }
                ReferenceOr::Item(inline) => match &inline.schema_kind {
                    SchemaKind::Type(Type::Object(o)) => {
                        Some(Member::Inline(self.struct_kind(
                            &o.properties,
                            &o.required,
                            &o.additional_properties,
                            hint,
                            &part_pointer,
                        )?))
                    }
                    SchemaKind::Any(any)
                        if !any.properties.is_empty()
                            || !any.required.is_empty()
                            || any.additional_properties.is_some() =>
                    {
                        Some(Member::Inline(self.struct_kind(
                            &any.properties,
                            &any.required,
                            &any.additional_properties,
                            hint,
                            &part_pointer,
                        )?))
                    }
                    SchemaKind::AllOf { all_of }
                    | SchemaKind::Any(openapiv3::AnySchema { all_of, .. })
                        if !all_of.is_empty() =>
                    {
                        let shape = self.all_of(
                            inline,
                            all_of,
                            &format!("{hint}Part{}", i + 1),
                            &part_pointer,
                        )?;
                        let name = shape.named().unwrap_or_default().to_owned();
                        self.struct_of_named(&name, &part_pointer)?
                            .map(Member::Named)
                    }
                    _ => None,
                },
            };
            // A named member is read in place: the same struct included a thousand times is
            // not copied a thousand times.
            let kind = match &member {
                Some(Member::Named(name)) => self.types.get(name).map(|t| &t.kind),
                Some(Member::Inline(kind)) => Some(kind),
                None => None,
            };
            match kind {
                Some(TypeKind::Struct {
                    fields: part_fields,
                    additional: part_additional,
                }) => {
                    merge_fields(&mut fields, &mut positions, part_fields);
                    additional = additional.or_else(|| part_additional.clone());
                }
                _ if fields.is_empty() => {
                    let shape = self.all_of_scalars(&deciding, hint, pointer)?;
                    return Ok(annotated(shape));
                }
                _ => {
                    self.warn(&part_pointer, "this `allOf` member is not an object; the whole value is left as any JSON value");
                    return Ok(Shape::of(TypeRef::Any));
                }
            }
        }
        for field in &mut fields {
            field.required |= required.contains(&&field.name);
        }
        Ok(self.named(
            hint,
            pointer,
            schema,
            TypeKind::Struct { fields, additional },
        ))
    }

    /// `allOf` over non-objects (`[{type: string}, {minLength: 1}]`): one shape with every
    /// member's constraints, when the members agree on the type.
    fn all_of_scalars(
        &mut self,
        parts: &[(usize, &ReferenceOr<Schema>)],
        hint: &str,
        pointer: &str,
    ) -> Result<Shape> {
        let mut merged: Option<Shape> = None;
        for &(i, part) in parts {
            let part_pointer =
                pointer_join(&pointer_join(pointer, "allOf"), &i.to_string());
            let mut shape = self.member_shape(part, hint, &part_pointer)?;
            merged = match merged {
                None => Some(shape),
                Some(mut so_far)
                    if std::mem::discriminant(&so_far.ty)
                        == std::mem::discriminant(&shape.ty) =>
                {
                    tighten(&mut so_far, shape.take_constraints());
                    so_far.default = so_far.default.or(shape.default);
                    Some(so_far)
                }
                Some(_) => {
                    self.warn(&part_pointer, "the `allOf` members have different types, so no value satisfies them all; the value is left as any JSON value");
                    return Ok(Shape::of(TypeRef::Any));
                }
            };
        }
        Ok(merged.unwrap_or_else(|| Shape::of(TypeRef::Any)))
    }

    /// The value shape of a named type that is a map (`{additionalProperties: …}`).
    fn map_values_of_named(&self, name: &str) -> Option<Box<Shape>> {
        match &self.types.get(name)?.kind {
            TypeKind::Alias { target } => match &target.ty {
                TypeRef::Map { values } => Some(values.clone()),
                _ => None,
            },
            _ => None,
        }
    }

    /// The struct type a named type stands for (itself, or what its aliases lead to), defining
    /// it first if needed.
    fn struct_of_named(&mut self, name: &str, at: &str) -> Result<Option<String>> {
        let mut name = name.to_owned();
        // Aliases of aliases are followed in a loop: the chain is as long as the document says.
        let mut seen = HashSet::default();
        loop {
            if !self.types.contains_key(&name) {
                if self.in_progress.contains(&name) {
                    return Err(Error::at_pointer(
                        self.origin(),
                        at,
                        format!("`allOf` includes `{name}` inside its own definition"),
                    ));
                }
                let found = match self.deferred_schemas.remove(&name) {
                    Some((pointer, schema)) => Some((pointer, true, schema)),
                    None => match self
                        .spec
                        .openapi
                        .components
                        .as_ref()
                        .and_then(|c| c.schemas.get(&name))
                    {
                        Some(ReferenceOr::Item(schema)) => Some((
                            pointer_join("/components/schemas", &name),
                            false,
                            schema.clone(),
                        )),
                        _ => None,
                    },
                };
                let Some((pointer, synthesized, schema)) = found else {
                    return Ok(None);
                };
                self.define(name.clone(), &pointer, synthesized, &schema)?;
            }
            match self.types.get(&name).map(|t| &t.kind) {
                Some(TypeKind::Struct { .. }) => return Ok(Some(name)),
                Some(TypeKind::Alias { target }) => match target.named() {
                    Some(inner) if seen.insert(name.clone()) => name = inner.to_owned(),
                    _ => return Ok(None),
                },
                _ => return Ok(None),
            }
        }
    }

    fn any_schema(
        &mut self,
        schema: &Schema,
        any: &openapiv3::AnySchema,
        hint: &str,
        pointer: &str,
    ) -> Result<Shape> {
        if !any.one_of.is_empty() {
            return self.union(schema, &any.one_of, hint, pointer, "oneOf");
        }
        if !any.any_of.is_empty() {
            return self.union(schema, &any.any_of, hint, pointer, "anyOf");
        }
        if !any.all_of.is_empty() {
            return self.all_of(schema, &any.all_of, hint, pointer);
        }
        if !any.properties.is_empty() {
            let kind = self.struct_kind(
                &any.properties,
                &any.required,
                &any.additional_properties,
                hint,
                pointer,
            )?;
            return Ok(self.named(hint, pointer, schema, kind));
        }
        if let Some(items) = &any.items {
            let items = self.boxed_shape(
                items,
                &format!("{hint}Item"),
                &pointer_join(pointer, "items"),
            )?;
            return Ok(Shape::of(TypeRef::List { items: Box::new(items) }));
        }
        if any.additional_properties.is_some() || any.typ.as_deref() == Some("object") {
            let values =
                self.additional_shape(&any.additional_properties, hint, pointer)?;
            return Ok(Shape::of(TypeRef::Map {
                values: Box::new(values.unwrap_or_else(|| Shape::of(TypeRef::Any))),
            }));
        }
        let enum_values: Vec<&Value> =
            any.enumeration.iter().filter(|v| !v.is_null()).collect();
        if let [only] = enum_values[..] {
            return Ok(Shape::of(TypeRef::Const { value: only.clone() }));
        }
        let mut shape = match any.typ.as_deref() {
            Some("string") => Shape::of(TypeRef::String {
                format: any.format.as_deref().and_then(named_string_format),
            }),
            Some("integer") => Shape::of(TypeRef::Integer { format: None }),
            Some("number") => Shape::of(TypeRef::Number { format: None }),
            Some("boolean") => Shape::of(TypeRef::Boolean),
            _ => Shape::of(TypeRef::Any),
        };
        // Limits without a type (`{maxLength: 5}`) still constrain whatever value it is.
        shape.set_constraints(any_constraints(any));
        Ok(shape)
    }

    /// Creates a named type for an inline schema and returns a shape that refers to it.
    fn named(
        &mut self,
        hint: &str,
        pointer: &str,
        schema: &Schema,
        kind: TypeKind,
    ) -> Shape {
        // A component being defined names itself; anything else gets a fresh synthesized name.
        let component = pointer
            .strip_prefix("/components/schemas/")
            .filter(|rest| !rest.contains('/'))
            .map(unescape_pointer_token);
        let reserved = self
            .by_pointer
            .get(pointer)
            .filter(|n| !self.types.contains_key(*n))
            .cloned();
        let (name, synthesized) = match (component, reserved) {
            (Some(name), _) if !self.types.contains_key(&name) => (name, false),
            (_, Some(name)) => (name, true),
            _ => (self.fresh_name(hint), true),
        };
        self.by_pointer.insert(pointer.to_owned(), name.clone());
        self.insert(
            name.clone(),
            pointer,
            synthesized,
            schema_docs(&schema.schema_data),
            kind,
        );
        Shape::of(TypeRef::Named { name })
    }

    fn insert(
        &mut self,
        name: String,
        pointer: &str,
        synthesized: bool,
        docs: Docs,
        kind: TypeKind,
    ) {
        self.types.insert(
            name.clone(),
            TypeDef {
                rust_name: String::new(),
                name,
                pointer: pointer.to_owned(),
                synthesized,
                docs,
                kind,
                in_request: false,
                in_response: false,
                recursive: false,
                nullable: false,
            },
        );
    }

    /// Defines a component (or a schema reached by pointer) under `name`.
    fn define(
        &mut self,
        name: String,
        pointer: &str,
        synthesized: bool,
        schema: &Schema,
    ) -> Result<()> {
        if !self.in_progress.insert(name.clone()) {
            return Ok(());
        }
        if self.nested_definitions >= MAX_NESTED_DEFINITIONS {
            return Err(Error::at_pointer(
                self.origin(),
                pointer,
                format!(
                    "`allOf` members include one another more than {MAX_NESTED_DEFINITIONS} deep"
                ),
            ));
        }
        self.nested_definitions += 1;
        let shape = self.build_inline(schema, &name, pointer);
        self.nested_definitions -= 1;
        let shape = shape?;
        self.in_progress.remove(&name);
        match shape.named() {
            Some(created) if created == name => match self.types.get_mut(&name) {
                // The schema was an object, enum or union and is now defined under its own name.
                Some(def) => {
                    def.synthesized = synthesized;
                    def.nullable = shape.nullable;
                }
                // It only refers to itself (`A: {allOf: [{$ref: A}]}`): no value has that type.
                None => {
                    return Err(Error::at_pointer(
                        self.origin(),
                        pointer,
                        format!("`{name}` is defined only as a reference to itself"),
                    ))
                }
            },
            _ => self.insert(
                name,
                pointer,
                synthesized,
                schema_docs(&schema.schema_data),
                TypeKind::Alias { target: Box::new(shape) },
            ),
        }
        Ok(())
    }

    /// A contract name not used yet, derived from `hint`.
    pub fn fresh_name(&mut self, hint: &str) -> String {
        let base = if hint.is_empty() {
            "Anonymous".to_owned()
        } else {
            hint.to_owned()
        };
        if self.names.insert(base.clone()) {
            return base;
        }
        let start = self.next_suffix.get(&base).copied().unwrap_or(2);
        let (n, name) = (start..)
            .map(|n| (n, format!("{base}{n}")))
            .find(|(_, candidate)| self.names.insert(candidate.clone()))
            .expect("an unbounded range always yields a free name");
        self.next_suffix.insert(base, n + 1);
        name
    }

    pub fn warn(&mut self, pointer: &str, message: &str) {
        self.warnings.push(Warning {
            pointer: pointer.to_owned(),
            message: message.to_owned(),
        });
    }
}

/// Whether an `allOf` member leaves the type to the other members: no type, no properties,
/// no items, no composition, no enum; only docs, nullability, a default or limits.
fn is_annotation_only(part: &ReferenceOr<Schema>) -> bool {
    let ReferenceOr::Item(schema) = part else {
        return false;
    };
    let SchemaKind::Any(any) = &schema.schema_kind else {
        return false;
    };
    any.typ.is_none()
        && any.properties.is_empty()
        && any.required.is_empty()
        && any.additional_properties.is_none()
        && any.items.is_none()
        && any.enumeration.is_empty()
        && any.one_of.is_empty()
        && any.all_of.is_empty()
        && any.any_of.is_empty()
        && any.not.is_none()
}

/// The limits an untyped schema states.
fn any_constraints(any: &openapiv3::AnySchema) -> Constraints {
    Constraints {
        minimum: any.minimum.and_then(serde_json::Number::from_f64),
        maximum: any.maximum.and_then(serde_json::Number::from_f64),
        exclusive_minimum: any.exclusive_minimum.unwrap_or(false),
        exclusive_maximum: any.exclusive_maximum.unwrap_or(false),
        multiple_of: any.multiple_of.and_then(serde_json::Number::from_f64),
        min_length: any.min_length.map(|n| n as u64),
        max_length: any.max_length.map(|n| n as u64),
        pattern: any.pattern.clone(),
        min_items: any.min_items.map(|n| n as u64),
        max_items: any.max_items.map(|n| n as u64),
        unique_items: any.unique_items.unwrap_or(false),
        min_properties: any.min_properties.map(|n| n as u64),
        max_properties: any.max_properties.map(|n| n as u64),
    }
}

/// A member of an `allOf` whose fields are merged: a struct type defined elsewhere, or the
/// struct of an inline member.
enum Member {
    Named(String),
    Inline(TypeKind),
}

/// Adds a member's fields; a field already there (found through `positions`, so each merge
/// costs the member's size, not that times the fields so far) becomes required if either is.
/// Intersects a shape's limits with others: the larger minimum, the smaller maximum.
fn tighten(shape: &mut Shape, other: Constraints) {
    if other.is_empty() {
        return;
    }
    let mut into = shape.take_constraints();
    fn pick<T: PartialOrd>(a: Option<T>, b: Option<T>, keep_larger: bool) -> Option<T> {
        match (a, b) {
            (Some(a), Some(b)) => Some(if (a > b) == keep_larger { a } else { b }),
            (a, b) => a.or(b),
        }
    }
    let as_f64 = |n: &serde_json::Number| n.as_f64().unwrap_or(0.0);
    let stricter = |a: Option<serde_json::Number>,
                    b: Option<serde_json::Number>,
                    keep_larger: bool| match (a, b) {
        (Some(a), Some(b)) => Some(if (as_f64(&a) > as_f64(&b)) == keep_larger {
            a
        } else {
            b
        }),
        (a, b) => a.or(b),
    };
    into.minimum = stricter(into.minimum.take(), other.minimum, true);
    into.maximum = stricter(into.maximum.take(), other.maximum, false);
    into.min_length = pick(into.min_length, other.min_length, true);
    into.max_length = pick(into.max_length, other.max_length, false);
    into.min_items = pick(into.min_items, other.min_items, true);
    into.max_items = pick(into.max_items, other.max_items, false);
    into.min_properties = pick(into.min_properties, other.min_properties, true);
    into.max_properties = pick(into.max_properties, other.max_properties, false);
    into.pattern = into.pattern.take().or(other.pattern);
    into.multiple_of = into.multiple_of.take().or(other.multiple_of);
    into.exclusive_minimum |= other.exclusive_minimum;
    into.exclusive_maximum |= other.exclusive_maximum;
    into.unique_items |= other.unique_items;
    shape.set_constraints(into);
}

fn merge_fields(
    into: &mut Vec<Field>,
    positions: &mut HashMap<String, usize>,
    part: &[Field],
) {
    for field in part {
        match positions.get(&field.name) {
            Some(&i) => {
                // Every member applies, so a property defined twice takes the stricter limits.
                let existing = &mut into[i];
                existing.required |= field.required;
                tighten(&mut existing.shape, field.shape.constraints().clone());
                if existing.docs.description.is_none() {
                    existing.docs = field.docs.clone();
                }
            }
            None => {
                positions.insert(field.name.clone(), into.len());
                into.push(field.clone());
            }
        }
    }
}

fn inline_tag_value(schema: &Schema, property: &str) -> Option<String> {
    let SchemaKind::Type(Type::Object(o)) = &schema.schema_kind else {
        return None;
    };
    match o.properties.get(property)? {
        ReferenceOr::Item(s) => match &s.schema_kind {
            SchemaKind::Type(Type::String(st)) => {
                st.enumeration.iter().flatten().next().cloned()
            }
            _ => None,
        },
        ReferenceOr::Reference { .. } => None,
    }
}

fn primitive_label(schema: &Schema) -> Option<String> {
    Some(
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(_)) => "String",
            SchemaKind::Type(Type::Integer(_)) => "Integer",
            SchemaKind::Type(Type::Number(_)) => "Number",
            SchemaKind::Type(Type::Boolean(_)) => "Boolean",
            SchemaKind::Type(Type::Array(_)) => "List",
            SchemaKind::Type(Type::Object(o)) if o.properties.is_empty() => "Map",
            _ => return None,
        }
        .to_owned(),
    )
}

fn enum_value(value: Value) -> EnumValue {
    EnumValue {
        value,
        rust_name: String::new(),
    }
}

pub fn schema_docs(data: &openapiv3::SchemaData) -> Docs {
    Docs {
        title: data.title.clone(),
        description: data.description.clone(),
        deprecated: data.deprecated,
        example: data.example.clone().map(Box::new),
    }
}

fn string_format(
    format: &openapiv3::VariantOrUnknownOrEmpty<openapiv3::StringFormat>,
) -> Option<StringFormat> {
    use openapiv3::StringFormat as S;
    use openapiv3::VariantOrUnknownOrEmpty as V;
    match format {
        V::Item(S::Date) => Some(StringFormat::Date),
        V::Item(S::DateTime) => Some(StringFormat::DateTime),
        V::Item(S::Password) => Some(StringFormat::Password),
        V::Item(S::Byte) => Some(StringFormat::Byte),
        V::Item(S::Binary) => Some(StringFormat::Binary),
        V::Unknown(other) => named_string_format(other),
        V::Empty => None,
    }
}

fn named_string_format(format: &str) -> Option<StringFormat> {
    Some(match format {
        "" => return None,
        "date-time" => StringFormat::DateTime,
        "date" => StringFormat::Date,
        "time" => StringFormat::Time,
        "duration" => StringFormat::Duration,
        "uuid" => StringFormat::Uuid,
        "uri" | "url" => StringFormat::Uri,
        "email" => StringFormat::Email,
        "hostname" => StringFormat::Hostname,
        "ipv4" => StringFormat::Ipv4,
        "ipv6" => StringFormat::Ipv6,
        "binary" => StringFormat::Binary,
        "byte" => StringFormat::Byte,
        "password" => StringFormat::Password,
        other => StringFormat::Other(other.to_owned()),
    })
}

fn integer_format(
    format: &openapiv3::VariantOrUnknownOrEmpty<openapiv3::IntegerFormat>,
) -> Option<IntegerFormat> {
    use openapiv3::IntegerFormat as I;
    use openapiv3::VariantOrUnknownOrEmpty as V;
    match format {
        V::Item(I::Int32) => Some(IntegerFormat::Int32),
        V::Item(I::Int64) => Some(IntegerFormat::Int64),
        V::Unknown(other) => Some(IntegerFormat::Other(other.clone())),
        V::Empty => None,
    }
}

fn number_format(
    format: &openapiv3::VariantOrUnknownOrEmpty<openapiv3::NumberFormat>,
) -> Option<NumberFormat> {
    use openapiv3::NumberFormat as N;
    use openapiv3::VariantOrUnknownOrEmpty as V;
    match format {
        V::Item(N::Float) => Some(NumberFormat::Float),
        V::Item(N::Double) => Some(NumberFormat::Double),
        V::Unknown(other) => Some(NumberFormat::Other(other.clone())),
        V::Empty => None,
    }
}
