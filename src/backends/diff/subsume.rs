//! Which values one shape accepts of another's, and which alternatives of two unions are the
//! same alternative.
//!
//! A request change breaks clients only when some request valid before is refused now, so the
//! question a request change asks is "does the new shape accept every value of the old one?";
//! a response change asks it the other way round. Answers err on the side of "no": anything
//! the IR cannot tell (constraints that differ, a depth beyond any real schema) is not
//! accepted, and the finding stays a break.

use foldhash::HashSet;

use serde_json::Value;

use super::schema::{resolve, Resolved};
use crate::ir::{Field, Ir, Shape, TypeDef, TypeKind, TypeRef, Variant};

/// Deeper than any real schema nests; past it the answer is "not accepted".
const MAX_DEPTH: usize = 32;
/// Every value of `b` (in `b_ir`) is a value of `a` (in `a_ir`).
pub struct Accepts<'a> {
    a_ir: &'a Ir,
    b_ir: &'a Ir,
    /// Pairs of named types assumed to accept each other while they are being compared: a
    /// recursive type accepts its counterpart unless something else refutes it.
    assumed: HashSet<(&'a str, &'a str)>,
}

impl<'a> Accepts<'a> {
    pub fn new(a_ir: &'a Ir, b_ir: &'a Ir) -> Self {
        Accepts {
            a_ir,
            b_ir,
            assumed: HashSet::default(),
        }
    }

    pub fn shape(&mut self, a: &'a Shape, b: &'a Shape) -> bool {
        self.at(a, b, 0)
    }

    fn at(&mut self, a: &'a Shape, b: &'a Shape, depth: usize) -> bool {
        self.within(a, b, depth, false)
    }

    /// `null_ok`: a union around `a` already accepts null, so its alternatives need not.
    fn within(
        &mut self,
        a: &'a Shape,
        b: &'a Shape,
        depth: usize,
        null_ok: bool,
    ) -> bool {
        if depth > MAX_DEPTH {
            return false;
        }
        let (fa, fb) = (resolve(self.a_ir, a), resolve(self.b_ir, b));
        let null_ok = null_ok || fa.nullable;
        if matches!(fa.ty, TypeRef::Any) {
            return null_ok || !fb.nullable || matches!(fb.ty, TypeRef::Any);
        }
        if fb.nullable && !null_ok {
            return false;
        }
        // Constraints are compared rule by rule elsewhere; here a difference is a "no".
        if !fa.constraints.is_empty() && fb.constraints.is_empty() {
            return false;
        }
        // A union on the `b` side: each of its alternatives must be accepted.
        if let Some(variants) = fb.def.and_then(union_variants) {
            if let Some(def) = fb.def {
                if !self.assume(fa.def, def) {
                    return true;
                }
            }
            return variants
                .iter()
                .all(|v| self.flat_accepts(&fa, a, &v.shape, depth, null_ok));
        }
        self.flat_accepts(&fa, a, b, depth, null_ok)
    }

    /// `a` (already flattened) accepts every value of `b`, which is not a union.
    fn flat_accepts(
        &mut self,
        fa: &Resolved<'a>,
        a: &'a Shape,
        b: &'a Shape,
        depth: usize,
        null_ok: bool,
    ) -> bool {
        let fb = resolve(self.b_ir, b);
        if let Some(variants) = fb.def.and_then(union_variants) {
            return variants
                .iter()
                .all(|v| self.within(a, &v.shape, depth + 1, null_ok));
        }
        if let Some(variants) = fa.def.and_then(union_variants) {
            return variants
                .iter()
                .any(|v| self.within(&v.shape, b, depth + 1, null_ok));
        }
        if let (Some(da), Some(db)) = (fa.def, fb.def) {
            if !self.assume(Some(da), db) {
                return true;
            }
            return match (&da.kind, &db.kind) {
                (
                    TypeKind::Struct { fields: af, additional: aa },
                    TypeKind::Struct { fields: bf, additional: ba },
                ) => self.fields(af, aa.as_deref(), bf, ba.as_deref(), depth),
                (
                    TypeKind::StringEnum { values: av }
                    | TypeKind::IntegerEnum { values: av },
                    TypeKind::StringEnum { values: bv }
                    | TypeKind::IntegerEnum { values: bv },
                ) => bv.iter().all(|b| av.iter().any(|a| a.value == b.value)),
                (
                    TypeKind::StringEnum { .. } | TypeKind::IntegerEnum { .. },
                    TypeKind::Struct { .. },
                ) => false,
                _ => false,
            };
        }
        match (
            fa.def.map(|d| &d.kind),
            fb.def.map(|d| &d.kind),
            fa.ty,
            fb.ty,
        ) {
            // An open scalar accepts an enum or a constant of its base type.
            (None, Some(TypeKind::StringEnum { .. }), TypeRef::String { format }, _) => {
                format.is_none()
            }
            (
                None,
                Some(TypeKind::IntegerEnum { .. }),
                TypeRef::Integer { .. } | TypeRef::Number { .. },
                _,
            ) => true,
            (
                Some(TypeKind::StringEnum { values } | TypeKind::IntegerEnum { values }),
                None,
                _,
                TypeRef::Const { value },
            ) => values.iter().any(|v| &v.value == value),
            (None, None, a, b) => self.scalars(a, b, depth),
            _ => false,
        }
    }

    fn scalars(&mut self, a: &'a TypeRef, b: &'a TypeRef, depth: usize) -> bool {
        match (a, b) {
            (TypeRef::String { format: fa }, TypeRef::String { format: fb }) => {
                fa.is_none() || fa == fb
            }
            (
                TypeRef::String { format: None },
                TypeRef::Const { value: Value::String(_) },
            ) => true,
            (TypeRef::Integer { .. }, TypeRef::Integer { .. })
            | (
                TypeRef::Number { .. },
                TypeRef::Integer { .. } | TypeRef::Number { .. },
            )
            | (TypeRef::Boolean, TypeRef::Boolean) => true,
            (
                TypeRef::Integer { .. } | TypeRef::Number { .. },
                TypeRef::Const { value },
            ) => value.is_number(),
            (TypeRef::Boolean, TypeRef::Const { value }) => value.is_boolean(),
            (TypeRef::Const { value: a }, TypeRef::Const { value: b }) => a == b,
            (TypeRef::List { items: a }, TypeRef::List { items: b }) => {
                self.at(a, b, depth + 1)
            }
            (TypeRef::Map { values: a }, TypeRef::Map { values: b }) => {
                self.at(a, b, depth + 1)
            }
            _ => false,
        }
    }

    /// An object of `b` is an object of `a`: whatever `a` requires, `b` requires, and every
    /// member `b` describes is accepted where `a` describes it.
    fn fields(
        &mut self,
        a: &'a [Field],
        a_extra: Option<&'a Shape>,
        b: &'a [Field],
        b_extra: Option<&'a Shape>,
        depth: usize,
    ) -> bool {
        for fa in a.iter().filter(|f| f.required && !f.read_only) {
            if !b.iter().any(|fb| fb.name == fa.name && fb.required) {
                return false;
            }
        }
        for fb in b.iter().filter(|f| !f.read_only) {
            match a.iter().find(|fa| fa.name == fb.name) {
                Some(fa) => {
                    if !self.at(&fa.shape, &fb.shape, depth + 1) {
                        return false;
                    }
                }
                // A member `a` does not describe is accepted unless `a` describes its extra
                // members as something else (JSON Schema allows what it does not describe).
                None => match a_extra {
                    Some(extra) if !self.at(extra, &fb.shape, depth + 1) => {
                        return false
                    }
                    _ => {}
                },
            }
        }
        match (a_extra, b_extra) {
            (Some(x), Some(y)) => self.at(x, y, depth + 1),
            // `b` takes extra members `a` describes: only if `a` takes any value there.
            (Some(x), None) => matches!(resolve(self.a_ir, x).ty, TypeRef::Any),
            _ => true,
        }
    }

    /// Records that the pair is being compared; false when it already was (then the pair is
    /// taken to accept, as a cycle of comparisons refutes nothing).
    fn assume(&mut self, a: Option<&'a TypeDef>, b: &'a TypeDef) -> bool {
        match a {
            Some(a) => self.assumed.insert((&a.name, &b.name)),
            None => true,
        }
    }
}

fn union_variants(def: &TypeDef) -> Option<&[Variant]> {
    match &def.kind {
        TypeKind::TaggedUnion { variants, .. }
        | TypeKind::UntaggedUnion { variants } => Some(variants),
        _ => None,
    }
}

/// One alternative of a union, seen for matching.
struct Identity<'a> {
    tag: Option<&'a str>,
    /// The component the alternative refers to, when it is not a synthesized inline type.
    reference: Option<&'a str>,
    /// Properties whose value is a constant (`type: "code_scanning"`): the usual tag of an
    /// untagged union.
    constants: Vec<(&'a str, &'a Value)>,
    /// The Rust name, unless it is positional (`Variant3`), which identifies nothing.
    name: Option<&'a str>,
    /// Property names, or the shape's description for anything but an object.
    members: Vec<&'a str>,
    scalar: Option<&'static str>,
}

fn identity<'a>(ir: &'a Ir, variant: &'a Variant) -> Identity<'a> {
    let f = resolve(ir, &variant.shape);
    let positional = variant
        .rust_name
        .strip_prefix("Variant")
        .is_some_and(|rest| {
            !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit())
        });
    let mut id = Identity {
        tag: variant.tag_value.as_deref(),
        reference: f.def.filter(|d| !d.synthesized).map(|d| d.name.as_str()),
        constants: Vec::new(),
        name: (!positional).then_some(variant.rust_name.as_str()),
        members: Vec::new(),
        scalar: None,
    };
    match f.def.map(|d| &d.kind) {
        Some(TypeKind::Struct { fields, .. }) => {
            for field in fields {
                id.members.push(&field.name);
                if let TypeRef::Const { value } = &resolve(ir, &field.shape).ty {
                    id.constants.push((&field.name, value));
                }
            }
        }
        Some(TypeKind::StringEnum { .. }) => id.scalar = Some("string"),
        Some(TypeKind::IntegerEnum { .. }) => id.scalar = Some("integer"),
        Some(_) => id.scalar = Some("union"),
        None => {
            id.scalar = Some(match f.ty {
                TypeRef::String { .. } => "string",
                TypeRef::Integer { .. } | TypeRef::Number { .. } => "number",
                TypeRef::Boolean => "boolean",
                TypeRef::Const { .. } => "constant",
                TypeRef::List { .. } => "array",
                TypeRef::Map { .. } => "map",
                TypeRef::Any | TypeRef::Named { .. } => "any",
            })
        }
    }
    id
}

/// The keys one stage of matching reads from an alternative.
type IdentityKeys = dyn Fn(&Identity) -> Vec<String>;

/// Pairs the alternatives of two unions by what identifies them: the discriminator's value,
/// the component they refer to, a constant tag property, their Rust name when it is not
/// positional, and last how alike they are. Position never pairs two alternatives, so an
/// alternative inserted in the middle is one addition, not a cascade of changes.
/// Returns `(old index, new index)` pairs in old order.
pub fn pair_variants(
    old_ir: &Ir,
    old: &[Variant],
    new_ir: &Ir,
    new: &[Variant],
) -> Vec<(usize, usize)> {
    let olds: Vec<Identity> = old.iter().map(|v| identity(old_ir, v)).collect();
    let news: Vec<Identity> = new.iter().map(|v| identity(new_ir, v)).collect();
    let mut old_of_new: Vec<Option<usize>> = vec![None; new.len()];
    let mut new_of_old: Vec<Option<usize>> = vec![None; old.len()];

    // Each stage pairs alternatives whose key is unique on both sides among those unpaired.
    let stages: [&IdentityKeys; 4] = [
        &|id| id.tag.map(|t| vec![t.to_owned()]).unwrap_or_default(),
        &|id| id.reference.map(|r| vec![r.to_owned()]).unwrap_or_default(),
        &|id| {
            id.constants
                .iter()
                .map(|(name, value)| format!("{name}={value}"))
                .collect()
        },
        &|id| id.name.map(|n| vec![n.to_owned()]).unwrap_or_default(),
    ];
    for keys in stages {
        let old_keys: Vec<Vec<String>> = olds.iter().map(keys).collect();
        let new_keys: Vec<Vec<String>> = news.iter().map(keys).collect();
        for (i, ks) in old_keys.iter().enumerate() {
            if new_of_old[i].is_some() {
                continue;
            }
            for key in ks {
                let unique_old = old_keys
                    .iter()
                    .enumerate()
                    .filter(|(k, other)| new_of_old[*k].is_none() && other.contains(key))
                    .count()
                    == 1;
                let matches: Vec<usize> = new_keys
                    .iter()
                    .enumerate()
                    .filter(|(j, other)| old_of_new[*j].is_none() && other.contains(key))
                    .map(|(j, _)| j)
                    .collect();
                if unique_old && matches.len() == 1 {
                    new_of_old[i] = Some(matches[0]);
                    old_of_new[matches[0]] = Some(i);
                    break;
                }
            }
        }
    }

    // Then by likeness: shared property names (Jaccard), or the same kind of scalar.
    let mut candidates: Vec<(u32, usize, usize)> = Vec::new();
    for (i, o) in olds
        .iter()
        .enumerate()
        .filter(|(i, _)| new_of_old[*i].is_none())
    {
        for (j, n) in news
            .iter()
            .enumerate()
            .filter(|(j, _)| old_of_new[*j].is_none())
        {
            let score = likeness(o, n);
            if score >= 50 {
                candidates.push((score, i, j));
            }
        }
    }
    candidates.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    for (_, i, j) in candidates {
        if new_of_old[i].is_none() && old_of_new[j].is_none() {
            new_of_old[i] = Some(j);
            old_of_new[j] = Some(i);
        }
    }
    new_of_old
        .iter()
        .enumerate()
        .filter_map(|(i, j)| j.map(|j| (i, j)))
        .collect()
}

/// 0–100: how alike two alternatives are.
fn likeness(a: &Identity, b: &Identity) -> u32 {
    match (a.scalar, b.scalar) {
        (Some(x), Some(y)) => return if x == y { 100 } else { 0 },
        (None, None) => {}
        _ => return 0,
    }
    // Alternatives told apart by a constant that differs are different alternatives.
    for (name, value) in &a.constants {
        if b.constants.iter().any(|(n, v)| n == name && v != value) {
            return 0;
        }
    }
    let shared = a.members.iter().filter(|m| b.members.contains(m)).count();
    let all = a.members.len() + b.members.len() - shared;
    if all == 0 {
        return 100;
    }
    (shared * 100 / all) as u32
}

/// How an alternative is named in a message: its tag, its component, its constant tag, or its
/// Rust name.
pub fn variant_label(ir: &Ir, variant: &Variant) -> String {
    let id = identity(ir, variant);
    if let Some(tag) = id.tag {
        return super::q(tag);
    }
    if let Some(name) = id.name {
        return super::q(name);
    }
    if let Some((name, value)) = id.constants.first() {
        return format!(
            "{} (with {} = {value})",
            super::q(&variant.rust_name),
            super::q(name)
        );
    }
    super::q(&variant.rust_name)
}
