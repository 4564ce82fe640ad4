//! Shape and type comparison, aware of the direction a value travels.
//!
//! A value clients send (request) may widen but not narrow; a value clients read (response,
//! SSE event, webhook payload) may narrow but not widen. Named types are compared pairwise as
//! they are reached from operations, never by name across the two documents, because inline
//! schemas get synthesized names. Each (old type, new type, direction) is compared once: that
//! keeps cycles finite and reports a change to a shared type once per direction.

use foldhash::HashSet;
use std::collections::VecDeque;
use std::rc::Rc;

use serde_json::Value;

use super::subsume::{pair_variants, variant_label, Accepts};
use super::{q, Changes, RuleId};
use crate::ir::{
    Constraints, Docs, Field, Ir, Shape, TypeDef, TypeKind, TypeRef, Variant,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Clients write it: request parameters and bodies.
    Request,
    /// Clients read it: responses, response headers, SSE events, webhook payloads.
    Response,
}

impl Direction {
    fn pick<T>(self, request: T, response: T) -> T {
        match self {
            Direction::Request => request,
            Direction::Response => response,
        }
    }

    fn noun(self) -> &'static str {
        self.pick("request", "response")
    }
}

/// The contract's own name for the error-code enum; the versioning policy makes its growth
/// compatible.
const ERROR_CODE_TYPE: &str = "PublicApiErrorCode";
/// Aliases of aliases are resolved up to this depth (normalize rules out pure `$ref` cycles;
/// this only bounds a pathological chain).
const MAX_ALIAS_HOPS: usize = 64;

pub fn location(site: &str, pointer: &str) -> String {
    format!("{site} #{pointer}")
}

/// A shape with its aliases resolved.
pub(super) struct Resolved<'a> {
    pub(super) ty: &'a TypeRef,
    pub(super) nullable: bool,
    pub(super) constraints: &'a Constraints,
    pub(super) default: Option<&'a Value>,
    /// The named type behind `ty`, when it is not an alias.
    pub(super) def: Option<&'a TypeDef>,
}

pub(super) fn resolve<'a>(ir: &'a Ir, shape: &'a Shape) -> Resolved<'a> {
    let mut resolved = Resolved {
        ty: &shape.ty,
        nullable: shape.nullable,
        constraints: shape.constraints(),
        default: shape.default.as_deref(),
        def: None,
    };
    for _ in 0..MAX_ALIAS_HOPS {
        let TypeRef::Named { name } = resolved.ty else {
            break;
        };
        let Some(def) = ir.types.get(name) else {
            break;
        };
        let TypeKind::Alias { target } = &def.kind else {
            // A `$ref` carries the nullability of its target, whatever the target is called:
            // `simple-user` → `nullable-simple-user` makes the value nullable.
            resolved.nullable |= def.nullable;
            resolved.def = Some(def);
            break;
        };
        resolved.ty = &target.ty;
        resolved.nullable |= target.nullable;
        if resolved.constraints.is_empty() {
            resolved.constraints = target.constraints();
        }
        resolved.default = resolved.default.or(target.default.as_deref());
    }
    resolved
}

/// What values a scalar can take: a closed set, or any value of a base type.
enum Values<'a> {
    Closed(Vec<&'a Value>, Base),
    Open(Base),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Base {
    String,
    Integer,
    Number,
    Boolean,
    Other,
}

fn base_of(value: &Value) -> Base {
    match value {
        Value::String(_) => Base::String,
        Value::Number(n) if n.is_f64() => Base::Number,
        Value::Number(_) => Base::Integer,
        Value::Bool(_) => Base::Boolean,
        _ => Base::Other,
    }
}

fn values<'a>(r: &Resolved<'a>) -> Option<Values<'a>> {
    Some(match (r.ty, r.def.map(|d| &d.kind)) {
        (_, Some(TypeKind::StringEnum { values })) => {
            Values::Closed(values.iter().map(|v| &v.value).collect(), Base::String)
        }
        (_, Some(TypeKind::IntegerEnum { values })) => {
            Values::Closed(values.iter().map(|v| &v.value).collect(), Base::Integer)
        }
        (TypeRef::Const { value }, _) => Values::Closed(vec![value], base_of(value)),
        (TypeRef::String { .. }, _) => Values::Open(Base::String),
        (TypeRef::Integer { .. }, _) => Values::Open(Base::Integer),
        (TypeRef::Number { .. }, _) => Values::Open(Base::Number),
        (TypeRef::Boolean, _) => Values::Open(Base::Boolean),
        _ => return None,
    })
}

/// `a` fits in `b` (an integer is a number).
fn base_fits(a: Base, b: Base) -> bool {
    a == b || (a == Base::Integer && b == Base::Number)
}

fn show_values(values: &[&Value]) -> String {
    values
        .iter()
        .map(|v| v.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn describe(ir: &Ir, shape: &Shape) -> String {
    let r = resolve(ir, shape);
    if let Some(def) = r.def {
        return match &def.kind {
            TypeKind::StringEnum { values } | TypeKind::IntegerEnum { values } => {
                let values: Vec<&Value> = values.iter().map(|v| &v.value).collect();
                format!("{} (one of {})", q(&def.name), show_values(&values))
            }
            _ => q(&def.name),
        };
    }
    match r.ty {
        TypeRef::Named { name } => q(name),
        TypeRef::String { format } => {
            with_format("string", format.as_ref().map(format_name))
        }
        TypeRef::Integer { format } => with_format(
            "integer",
            format.as_ref().map(|f| format!("{f:?}").to_lowercase()),
        ),
        TypeRef::Number { format } => with_format(
            "number",
            format.as_ref().map(|f| format!("{f:?}").to_lowercase()),
        ),
        TypeRef::Boolean => "boolean".into(),
        TypeRef::Const { value } => format!("the constant {value}"),
        TypeRef::List { items } => format!("array of {}", describe(ir, items)),
        TypeRef::Map { values } => format!("map of {}", describe(ir, values)),
        TypeRef::Any => "any value".into(),
    }
}

/// What a named type is, for messages where both sides carry the same name.
fn inside(ir: &Ir, r: &Resolved) -> String {
    let Some(def) = r.def else {
        return describe_ty(ir, r.ty);
    };
    let plural =
        |n: usize, one: &str| format!("{n} {one}{}", if n == 1 { "" } else { "s" });
    match &def.kind {
        TypeKind::Struct { fields, .. } => {
            format!("an object of {}", plural(fields.len(), "property"))
                .replace("propertys", "properties")
        }
        TypeKind::StringEnum { values } => {
            format!("a string enum of {}", plural(values.len(), "value"))
        }
        TypeKind::IntegerEnum { values } => {
            format!("an integer enum of {}", plural(values.len(), "value"))
        }
        TypeKind::TaggedUnion { tag, variants } => format!(
            "a union of {} told apart by {}",
            plural(variants.len(), "alternative"),
            q(tag)
        ),
        TypeKind::UntaggedUnion { variants } => {
            let any = variants
                .iter()
                .filter(|v| matches!(resolve(ir, &v.shape).ty, TypeRef::Any))
                .count();
            let untyped = match any {
                0 => String::new(),
                n if n == variants.len() => " the IR cannot type (any value)".to_owned(),
                n => format!(" ({n} of them any value)"),
            };
            format!(
                "a union of {}{untyped}",
                plural(variants.len(), "alternative")
            )
        }
        TypeKind::Alias { target } => describe(ir, target),
    }
}

/// What kind of Rust item the SDK makes of a value.
fn sdk_kind(r: &Resolved) -> &'static str {
    match r.def.map(|d| &d.kind) {
        Some(TypeKind::Struct { .. }) => "a struct",
        Some(TypeKind::StringEnum { .. } | TypeKind::IntegerEnum { .. }) => {
            "a plain enum"
        }
        Some(TypeKind::TaggedUnion { .. } | TypeKind::UntaggedUnion { .. }) => {
            "an enum of alternatives"
        }
        _ => "a plain value",
    }
}

fn describe_ty(ir: &Ir, ty: &TypeRef) -> String {
    describe(ir, &Shape::of(ty.clone()))
}

/// The Rust type the SDK gives a value, roughly: enough to say that it changes.
fn sdk_type(ir: &Ir, shape: &Shape) -> String {
    let r = resolve(ir, shape);
    if let Some(def) = r.def {
        return q(&def.rust_name);
    }
    match r.ty {
        TypeRef::String { .. } => q("String"),
        TypeRef::List { items } => format!("a list of {}", sdk_type(ir, items)),
        TypeRef::Map { values } => format!("a map of {}", sdk_type(ir, values)),
        _ => describe(ir, shape),
    }
}

fn with_format(base: &str, format: Option<String>) -> String {
    match format {
        Some(format) => format!("{base} ({format})"),
        None => base.to_owned(),
    }
}

fn format_name(format: &crate::ir::StringFormat) -> String {
    serde_json::to_value(format)
        .ok()
        .and_then(|v| match v {
            Value::String(s) => Some(s),
            Value::Object(o) => o
                .values()
                .next()
                .and_then(|v| v.as_str())
                .map(str::to_owned),
            _ => None,
        })
        .unwrap_or_default()
}

fn format_of(ty: &TypeRef) -> Option<String> {
    match ty {
        TypeRef::String { format } => format.as_ref().map(format_name),
        TypeRef::Integer { format } => {
            format.as_ref().map(|f| format!("{f:?}").to_lowercase())
        }
        TypeRef::Number { format } => {
            format.as_ref().map(|f| format!("{f:?}").to_lowercase())
        }
        _ => None,
    }
}

/// How a value's type moved, before the direction says whether that breaks anything.
#[derive(Clone, Copy)]
enum TypeChange {
    /// Neither side's values contain the other's.
    Changed,
    /// Every old value is still a value of the new type.
    Widened,
    /// Every new value was a value of the old type.
    Narrowed,
}

impl TypeChange {
    /// The rule and the verb of its message: widening breaks what clients read, narrowing
    /// what they send.
    fn rule(self, dir: Direction) -> (RuleId, &'static str) {
        match (self, dir) {
            (TypeChange::Changed, _) => (
                dir.pick(RuleId::RequestTypeChanged, RuleId::ResponseTypeChanged),
                "changed",
            ),
            (TypeChange::Widened, Direction::Request) => {
                (RuleId::RequestTypeWidened, "widened")
            }
            (TypeChange::Widened, Direction::Response) => {
                (RuleId::ResponseTypeChanged, "widened")
            }
            (TypeChange::Narrowed, Direction::Request) => {
                (RuleId::RequestTypeChanged, "narrowed")
            }
            (TypeChange::Narrowed, Direction::Response) => {
                (RuleId::ResponseTypeNarrowed, "narrowed")
            }
        }
    }
}

struct Pending<'a> {
    old: &'a TypeDef,
    new: &'a TypeDef,
    dir: Direction,
    site: Rc<str>,
}

pub struct Walker<'a> {
    old: &'a Ir,
    new: &'a Ir,
    visited: HashSet<(&'a str, &'a str, Direction)>,
    queue: VecDeque<Pending<'a>>,
    /// Documentation does not depend on direction: reported once per pair of types.
    docs_seen: HashSet<(&'a str, &'a str)>,
    renames_seen: HashSet<(&'a str, &'a str)>,
    /// Unions that are the event type of a text/event-stream response.
    sse_roots: HashSet<(&'a str, &'a str)>,
}

impl<'a> Walker<'a> {
    pub fn new(old: &'a Ir, new: &'a Ir) -> Self {
        Walker {
            old,
            new,
            visited: HashSet::default(),
            queue: VecDeque::new(),
            docs_seen: HashSet::default(),
            renames_seen: HashSet::default(),
            sse_roots: HashSet::default(),
        }
    }

    /// Marks the shapes of an event-stream response, whose union variants are SSE event types.
    pub fn mark_sse(&mut self, old: &'a Shape, new: &'a Shape) {
        let (o, n) = (resolve(self.old, old), resolve(self.new, new));
        if let (Some(o), Some(n)) = (o.def, n.def) {
            self.sse_roots.insert((&o.name, &n.name));
        }
    }

    /// Compares two shapes found at the same place; `pointer` locates the place in the new
    /// document (or the old one when only the old has it).
    pub fn shape(
        &mut self,
        out: &mut Changes,
        site: &Rc<str>,
        pointer: &str,
        old: &'a Shape,
        new: &'a Shape,
        dir: Direction,
    ) {
        let o = resolve(self.old, old);
        let n = resolve(self.new, new);
        // Locations are built only for findings: most shapes compared have none.
        let at = || location(site, pointer);
        if o.nullable != n.nullable {
            let (id, message) = match (dir, n.nullable) {
                (Direction::Request, false) => {
                    (RuleId::RequestNullableRemoved, "null is no longer accepted")
                }
                (Direction::Request, true) => {
                    (RuleId::RequestNullableAdded, "null is now accepted")
                }
                (Direction::Response, true) => {
                    (RuleId::ResponseNullableAdded, "the value may now be null")
                }
                (Direction::Response, false) => (
                    RuleId::ResponseNullableRemoved,
                    "the value is never null any more",
                ),
            };
            out.emit(id, at(), message);
        }
        if o.constraints != n.constraints {
            constraints(out, &at(), o.constraints, n.constraints, dir);
        }
        if o.default != n.default {
            let message = match (o.default, n.default) {
                (Some(a), Some(b)) => format!("the default changed from {a} to {b}"),
                (Some(a), None) => format!("the default {a} was removed"),
                (None, Some(b)) => format!("a default {b} was added"),
                (None, None) => unreachable!(),
            };
            out.emit(
                dir.pick(
                    RuleId::RequestDefaultChanged,
                    RuleId::ResponseDefaultChanged,
                ),
                at(),
                message,
            );
        }
        self.types(out, site, pointer, (old, &o), (new, &n), dir);
    }

    fn types(
        &mut self,
        out: &mut Changes,
        site: &Rc<str>,
        pointer: &str,
        (old_shape, o): (&'a Shape, &Resolved<'a>),
        (new_shape, n): (&'a Shape, &Resolved<'a>),
        dir: Direction,
    ) {
        let at = || location(site, pointer);
        let retype = |out: &mut Changes, walker: &Self, change: TypeChange| {
            let (id, verb) = change.rule(dir);
            let (from, to) = (
                describe(walker.old, old_shape),
                describe(walker.new, new_shape),
            );
            // The same name on both sides says nothing: say what it is on each side instead.
            let (from, to) = if from == to {
                (
                    format!("{from} as {}", inside(walker.old, o)),
                    inside(walker.new, n),
                )
            } else {
                (from, to)
            };
            out.emit(id, at(), format!("the type {verb} from {from} to {to}"));
        };
        // A change of kind is decided by what the values accept, not by the kinds' names: a
        // request that now takes a union holding the old type takes every request it took.
        let subsumed = |walker: &Self| match dir {
            Direction::Request => {
                Accepts::new(walker.new, walker.old).shape(new_shape, old_shape)
            }
            Direction::Response => {
                Accepts::new(walker.old, walker.new).shape(old_shape, new_shape)
            }
        };
        let regrouped = |out: &mut Changes, walker: &Self| {
            let change = match dir {
                Direction::Request => TypeChange::Widened,
                Direction::Response => TypeChange::Narrowed,
            };
            retype(out, walker, change);
            let (from, to) = (
                sdk_type(walker.old, old_shape),
                sdk_type(walker.new, new_shape),
            );
            let what = if from == to {
                format!(
                    "the SDK type {from} changes from {} to {}",
                    sdk_kind(o),
                    sdk_kind(n)
                )
            } else {
                format!("the SDK type changes from {from} to {to}")
            };
            out.emit(
                RuleId::SdkTypeChanged,
                at(),
                format!(
                    "{what} ({})",
                    dir.pick(
                        "the wire accepts every request it did",
                        "every response it can send now was possible before"
                    )
                ),
            );
        };
        let changed = |out: &mut Changes, walker: &Self| {
            if subsumed(walker) {
                regrouped(out, walker)
            } else {
                retype(out, walker, TypeChange::Changed)
            }
        };

        if let (Some(ov), Some(nv)) = (values(o), values(n)) {
            return match (ov, nv) {
                (Values::Open(a), Values::Open(b)) => {
                    if a == b {
                        let (fa, fb) = (format_of(o.ty), format_of(n.ty));
                        if fa != fb {
                            let show = |f: Option<String>| {
                                f.map(|f| q(&f)).unwrap_or_else(|| "none".into())
                            };
                            out.emit(
                                dir.pick(
                                    RuleId::RequestFormatChanged,
                                    RuleId::ResponseFormatChanged,
                                ),
                                at(),
                                format!(
                                    "the format changed from {} to {}",
                                    show(fa),
                                    show(fb)
                                ),
                            );
                        }
                    } else if base_fits(a, b) {
                        retype(out, self, TypeChange::Widened);
                    } else if base_fits(b, a) {
                        retype(out, self, TypeChange::Narrowed);
                    } else {
                        retype(out, self, TypeChange::Changed);
                    }
                }
                (Values::Closed(_, a), Values::Open(b)) if base_fits(a, b) => {
                    match dir {
                        Direction::Request => {
                            retype(out, self, TypeChange::Widened);
                            if let Some(def) = o.def {
                                out.emit(
                                    RuleId::SdkTypeChanged,
                                    at(),
                                    format!(
                                        "the SDK enum {} is replaced by {} (the wire accepts every request it did)",
                                        q(&def.rust_name),
                                        sdk_type(self.new, new_shape)
                                    ),
                                );
                            }
                        }
                        Direction::Response => out.emit(
                            RuleId::ResponseEnumValueAdded,
                            at(),
                            format!(
                            "{} is no longer limited to a fixed set of values (now {})",
                            describe(self.old, old_shape),
                            describe(self.new, new_shape)
                        ),
                        ),
                    }
                }
                (Values::Open(a), Values::Closed(_, b)) if base_fits(b, a) => {
                    retype(out, self, TypeChange::Narrowed)
                }
                (Values::Closed(ov, a), Values::Closed(nv, b))
                    if base_fits(a, b) || base_fits(b, a) =>
                {
                    let both_const = o.def.is_none() && n.def.is_none();
                    if both_const {
                        if ov != nv {
                            retype(out, self, TypeChange::Changed);
                        }
                        return;
                    }
                    self.enum_values(out, site, &at(), (o, ov), (n, nv), dir);
                }
                _ => changed(out, self),
            };
        }

        match (o.ty, n.ty) {
            (TypeRef::Named { .. }, TypeRef::Named { .. }) => {
                let (Some(od), Some(nd)) = (o.def, n.def) else {
                    return;
                };
                let same_kind = matches!(
                    (&od.kind, &nd.kind),
                    (TypeKind::Struct { .. }, TypeKind::Struct { .. })
                        | (TypeKind::TaggedUnion { .. }, TypeKind::TaggedUnion { .. })
                        | (
                            TypeKind::UntaggedUnion { .. },
                            TypeKind::UntaggedUnion { .. }
                        )
                );
                if !same_kind {
                    return changed(out, self);
                }
                if od.rust_name != nd.rust_name
                    && self.renames_seen.insert((&od.name, &nd.name))
                {
                    out.emit(
                        RuleId::TypeRenamed,
                        at(),
                        format!(
                            "the value now refers to {} instead of {} (the SDK type {} becomes {})",
                            q(&nd.name),
                            q(&od.name),
                            q(&od.rust_name),
                            q(&nd.rust_name)
                        ),
                    );
                }
                self.enqueue(od, nd, dir, site);
            }
            (TypeRef::List { items: a }, TypeRef::List { items: b }) => {
                self.shape(out, site, &format!("{pointer}/items"), a, b, dir);
            }
            (TypeRef::Map { values: a }, TypeRef::Map { values: b }) => {
                self.shape(
                    out,
                    site,
                    &format!("{pointer}/additionalProperties"),
                    a,
                    b,
                    dir,
                );
            }
            (TypeRef::Any, TypeRef::Any) => {}
            (_, TypeRef::Any) => retype(out, self, TypeChange::Widened),
            (TypeRef::Any, _) => retype(out, self, TypeChange::Narrowed),
            _ => changed(out, self),
        }
    }

    fn enum_values(
        &mut self,
        out: &mut Changes,
        site: &Rc<str>,
        at: &str,
        (o, old_values): (&Resolved<'a>, Vec<&'a Value>),
        (n, new_values): (&Resolved<'a>, Vec<&'a Value>),
        dir: Direction,
    ) {
        // A named enum is compared once per direction and reported where it is defined.
        let mut at = at.to_owned();
        let mut name = "the value".to_owned();
        if let (Some(od), Some(nd)) = (o.def, n.def) {
            if !self.visited.insert((&od.name, &nd.name, dir)) {
                return;
            }
            self.docs(out, site, od, nd);
            at = location(site, &nd.pointer);
            name = q(&nd.name);
        } else if let Some(def) = n.def.or(o.def) {
            name = q(&def.name);
        }
        let is_error_code = n.def.or(o.def).is_some_and(|d| d.name == ERROR_CODE_TYPE);
        let removed: Vec<&Value> = old_values
            .iter()
            .copied()
            .filter(|v| !new_values.contains(v))
            .collect();
        let added: Vec<&Value> = new_values
            .iter()
            .copied()
            .filter(|v| !old_values.contains(v))
            .collect();
        for value in removed {
            out.emit(
                dir.pick(
                    RuleId::RequestEnumValueRemoved,
                    RuleId::ResponseEnumValueRemoved,
                ),
                &at,
                format!(
                    "{name} no longer has the value {value} ({} enum)",
                    dir.noun()
                ),
            );
        }
        for value in added {
            let id = match dir {
                Direction::Request => RuleId::RequestEnumValueAdded,
                Direction::Response if is_error_code => RuleId::ErrorCodeAdded,
                Direction::Response => RuleId::ResponseEnumValueAdded,
            };
            out.emit(
                id,
                &at,
                format!("{name} has a new value {value} ({} enum)", dir.noun()),
            );
        }
    }

    fn enqueue(
        &mut self,
        old: &'a TypeDef,
        new: &'a TypeDef,
        dir: Direction,
        site: &Rc<str>,
    ) {
        if self.visited.insert((&old.name, &new.name, dir)) {
            self.queue.push_back(Pending {
                old,
                new,
                dir,
                site: site.clone(),
            });
        }
    }

    /// Compares every pair of named types reached so far, and those they reach in turn.
    pub fn drain(&mut self, out: &mut Changes) {
        while let Some(Pending { old, new, dir, site }) = self.queue.pop_front() {
            debug_assert!(match dir {
                Direction::Request => new.in_request,
                Direction::Response => new.in_response,
            });
            self.docs(out, &site, old, new);
            match (&old.kind, &new.kind) {
                (
                    TypeKind::Struct { fields: of, additional: oa },
                    TypeKind::Struct { fields: nf, additional: na },
                ) => {
                    self.fields(out, &site, new, of, nf, dir);
                    if let (Some(a), Some(b)) = (oa, na) {
                        let pointer = format!("{}/additionalProperties", new.pointer);
                        self.shape(out, &site, &pointer, a, b, dir);
                    }
                }
                (
                    TypeKind::TaggedUnion { tag: ot, variants: ov },
                    TypeKind::TaggedUnion { tag: nt, variants: nv },
                ) => {
                    if ot != nt {
                        out.emit(
                            dir.pick(
                                RuleId::RequestTypeChanged,
                                RuleId::ResponseTypeChanged,
                            ),
                            location(&site, &new.pointer),
                            format!(
                                "{} tells its alternatives apart by {} instead of {}",
                                q(&new.name),
                                q(nt),
                                q(ot)
                            ),
                        );
                    }
                    self.variants(out, &site, old, new, ov, nv, dir);
                }
                (
                    TypeKind::UntaggedUnion { variants: ov },
                    TypeKind::UntaggedUnion { variants: nv },
                ) => {
                    self.variants(out, &site, old, new, ov, nv, dir);
                }
                _ => {}
            }
        }
    }

    fn fields(
        &mut self,
        out: &mut Changes,
        site: &Rc<str>,
        owner: &'a TypeDef,
        old: &'a [Field],
        new: &'a [Field],
        dir: Direction,
    ) {
        // A read-only property never travels in a request, a write-only one never in a response.
        let travels = |f: &Field| match dir {
            Direction::Request => !f.read_only,
            Direction::Response => !f.write_only,
        };
        let name = q(&owner.name);
        for of in old.iter().filter(|f| travels(f)) {
            let Some(nf) = new.iter().find(|f| f.name == of.name && travels(f)) else {
                let id = match dir {
                    Direction::Request => RuleId::RequestPropertyRemoved,
                    Direction::Response if of.required => {
                        RuleId::ResponseRequiredPropertyRemoved
                    }
                    Direction::Response => RuleId::ResponseOptionalPropertyRemoved,
                };
                let required = if of.required { "required" } else { "optional" };
                out.emit(
                    id,
                    location(site, &of.pointer),
                    format!(
                        "{required} property {} was removed from {name} ({})",
                        q(&of.name),
                        dir.noun()
                    ),
                );
                continue;
            };
            if of.required != nf.required {
                let id = match (dir, nf.required) {
                    (Direction::Request, true) => RuleId::RequestPropertyBecameRequired,
                    (Direction::Request, false) => RuleId::RequestPropertyBecameOptional,
                    (Direction::Response, true) => {
                        RuleId::ResponsePropertyBecameRequired
                    }
                    (Direction::Response, false) => {
                        RuleId::ResponsePropertyBecameOptional
                    }
                };
                let now = if nf.required { "required" } else { "optional" };
                out.emit(
                    id,
                    location(site, &nf.pointer),
                    format!(
                        "property {} of {name} is now {now} ({})",
                        q(&nf.name),
                        dir.noun()
                    ),
                );
            }
            self.shape(out, site, &nf.pointer, &of.shape, &nf.shape, dir);
        }
        for nf in new.iter().filter(|f| travels(f)) {
            if old.iter().any(|f| f.name == nf.name && travels(f)) {
                continue;
            }
            let id = match dir {
                Direction::Request if nf.required => {
                    RuleId::RequestRequiredPropertyAdded
                }
                Direction::Request => RuleId::RequestOptionalPropertyAdded,
                Direction::Response => RuleId::ResponsePropertyAdded,
            };
            let required = if nf.required { "required" } else { "optional" };
            out.emit(
                id,
                location(site, &nf.pointer),
                format!(
                    "{required} property {} was added to {name} ({})",
                    q(&nf.name),
                    dir.noun()
                ),
            );
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn variants(
        &mut self,
        out: &mut Changes,
        site: &Rc<str>,
        old_def: &'a TypeDef,
        new_def: &'a TypeDef,
        old: &'a [Variant],
        new: &'a [Variant],
        dir: Direction,
    ) {
        let sse = self
            .sse_roots
            .contains(&(old_def.name.as_str(), new_def.name.as_str()));
        let at = location(site, &new_def.pointer);
        let what = if sse { "event type" } else { "alternative" };
        let pairs = pair_variants(self.old, old, self.new, new);
        for (i, ov) in old.iter().enumerate() {
            if let Some(&(_, j)) = pairs.iter().find(|(o, _)| *o == i) {
                self.shape(out, site, &new_def.pointer, &ov.shape, &new[j].shape, dir);
                continue;
            }
            let label = variant_label(self.old, ov);
            // A request alternative folded into another that accepts all it did: the wire
            // loses nothing, the SDK loses a variant.
            if dir == Direction::Request && !sse {
                let mut accepts = Accepts::new(self.new, self.old);
                if let Some(keeper) =
                    new.iter().find(|nv| accepts.shape(&nv.shape, &ov.shape))
                {
                    out.emit(
                        RuleId::SdkTypeChanged,
                        &at,
                        format!(
                            "{} lost the alternative {label}, but {} accepts every request it did (the SDK variant disappears)",
                            q(&new_def.name),
                            variant_label(self.new, keeper)
                        ),
                    );
                    continue;
                }
            }
            let id = match dir {
                _ if sse => RuleId::SseEventTypeRemoved,
                Direction::Request => RuleId::RequestUnionVariantRemoved,
                Direction::Response => RuleId::ResponseUnionVariantRemoved,
            };
            out.emit(
                id,
                &at,
                format!("{} lost the {what} {label}", q(&new_def.name)),
            );
        }
        for (j, nv) in new.iter().enumerate() {
            if pairs.iter().any(|(_, n)| *n == j) {
                continue;
            }
            let id = match dir {
                _ if sse => RuleId::SseEventTypeAdded,
                Direction::Request => RuleId::RequestUnionVariantAdded,
                Direction::Response => RuleId::ResponseUnionVariantAdded,
            };
            out.emit(
                id,
                &at,
                format!(
                    "{} has a new {what} {}",
                    q(&new_def.name),
                    variant_label(self.new, nv)
                ),
            );
        }
    }

    /// Documentation and deprecation of a type and its fields.
    fn docs(
        &mut self,
        out: &mut Changes,
        site: &str,
        old: &'a TypeDef,
        new: &'a TypeDef,
    ) {
        if !self.docs_seen.insert((&old.name, &new.name)) {
            return;
        }
        if old.docs != new.docs {
            let at = location(site, &new.pointer);
            docs(out, &at, &q(&new.name), &old.docs, &new.docs);
        }
        if let (
            TypeKind::Struct { fields: of, .. },
            TypeKind::Struct { fields: nf, .. },
        ) = (&old.kind, &new.kind)
        {
            for o in of {
                if let Some(n) = nf.iter().find(|n| n.name == o.name && n.docs != o.docs)
                {
                    let what = format!("{}.{}", q(&new.name), n.name);
                    docs(out, &location(site, &n.pointer), &what, &o.docs, &n.docs);
                }
            }
        }
    }
}

/// Reports documentation and deprecation differences of one documented thing.
pub fn docs(out: &mut Changes, at: &str, what: &str, old: &Docs, new: &Docs) {
    let mut parts = Vec::new();
    if old.description != new.description {
        parts.push("description");
    }
    if old.title != new.title {
        parts.push("title");
    }
    if old.example != new.example {
        parts.push("example");
    }
    if !parts.is_empty() {
        out.emit(
            RuleId::DocsChanged,
            at,
            format!("the {} of {what} changed", parts.join(" and ")),
        );
    }
    if old.deprecated != new.deprecated {
        let now = if new.deprecated {
            "is now deprecated"
        } else {
            "is no longer deprecated"
        };
        out.emit(RuleId::DeprecationChanged, at, format!("{what} {now}"));
    }
}

fn number(n: &Option<serde_json::Number>) -> Option<f64> {
    n.as_ref().and_then(serde_json::Number::as_f64)
}

/// `4`, not `4.0`: bounds are shown as the contract writes them.
fn show(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}

/// Lower and upper bounds: narrowing descriptions go to `narrow`, widening ones to `wide`.
struct Bounds {
    narrow: Vec<String>,
    wide: Vec<String>,
}

impl Bounds {
    fn lower(&mut self, what: &str, old: Option<f64>, new: Option<f64>) {
        match (old, new) {
            (Some(a), Some(b)) if b > a => self.narrow.push(format!(
                "{what} raised from {} to {}",
                show(a),
                show(b)
            )),
            (Some(a), Some(b)) if b < a => {
                self.wide
                    .push(format!("{what} lowered from {} to {}", show(a), show(b)))
            }
            (None, Some(b)) => self.narrow.push(format!("{what} {} added", show(b))),
            (Some(a), None) => self.wide.push(format!("{what} {} removed", show(a))),
            _ => {}
        }
    }

    fn upper(&mut self, what: &str, old: Option<f64>, new: Option<f64>) {
        match (old, new) {
            (Some(a), Some(b)) if b < a => self.narrow.push(format!(
                "{what} lowered from {} to {}",
                show(a),
                show(b)
            )),
            (Some(a), Some(b)) if b > a => {
                self.wide
                    .push(format!("{what} raised from {} to {}", show(a), show(b)))
            }
            (None, Some(b)) => self.narrow.push(format!("{what} {} added", show(b))),
            (Some(a), None) => self.wide.push(format!("{what} {} removed", show(a))),
            _ => {}
        }
    }

    fn flag(&mut self, what: &str, old: bool, new: bool) {
        match (old, new) {
            (false, true) => self.narrow.push(format!("{what} added")),
            (true, false) => self.wide.push(format!("{what} removed")),
            _ => {}
        }
    }

    fn emit(self, out: &mut Changes, at: &str, dir: Direction, ids: [RuleId; 4]) {
        // ids: request narrowed, request widened, response widened, response narrowed.
        let (narrow_id, wide_id) = match dir {
            Direction::Request => (ids[0], ids[1]),
            Direction::Response => (ids[3], ids[2]),
        };
        if !self.narrow.is_empty() {
            out.emit(narrow_id, at, self.narrow.join("; "));
        }
        if !self.wide.is_empty() {
            out.emit(wide_id, at, self.wide.join("; "));
        }
    }
}

fn constraints(
    out: &mut Changes,
    at: &str,
    old: &Constraints,
    new: &Constraints,
    dir: Direction,
) {
    if old == new {
        return;
    }
    let mut range = Bounds {
        narrow: Vec::new(),
        wide: Vec::new(),
    };
    range.lower("minimum", number(&old.minimum), number(&new.minimum));
    range.upper("maximum", number(&old.maximum), number(&new.maximum));
    range.flag(
        "exclusive minimum",
        old.exclusive_minimum,
        new.exclusive_minimum,
    );
    range.flag(
        "exclusive maximum",
        old.exclusive_maximum,
        new.exclusive_maximum,
    );
    match (number(&old.multiple_of), number(&new.multiple_of)) {
        (a, b) if a == b => {}
        (Some(a), None) => range.wide.push(format!("multipleOf {} removed", show(a))),
        (Some(a), Some(b)) if a % b == 0.0 => range.wide.push(format!(
            "multipleOf changed from {} to {}",
            show(a),
            show(b)
        )),
        (a, Some(b)) => range.narrow.push(match a {
            Some(a) => format!("multipleOf changed from {} to {}", show(a), show(b)),
            None => format!("multipleOf {} added", show(b)),
        }),
        _ => {}
    }
    range.emit(
        out,
        at,
        dir,
        [
            RuleId::RequestRangeNarrowed,
            RuleId::RequestRangeWidened,
            RuleId::ResponseRangeWidened,
            RuleId::ResponseRangeNarrowed,
        ],
    );

    let mut length = Bounds {
        narrow: Vec::new(),
        wide: Vec::new(),
    };
    let f = |n: Option<u64>| n.map(|n| n as f64);
    length.lower("minLength", f(old.min_length), f(new.min_length));
    length.upper("maxLength", f(old.max_length), f(new.max_length));
    length.lower("minItems", f(old.min_items), f(new.min_items));
    length.upper("maxItems", f(old.max_items), f(new.max_items));
    length.lower(
        "minProperties",
        f(old.min_properties),
        f(new.min_properties),
    );
    length.upper(
        "maxProperties",
        f(old.max_properties),
        f(new.max_properties),
    );
    length.flag("uniqueItems", old.unique_items, new.unique_items);
    match (&old.pattern, &new.pattern) {
        (a, b) if a == b => {}
        (Some(a), None) => length.wide.push(format!("pattern {} removed", q(a))),
        (None, Some(b)) => length.narrow.push(format!("pattern {} added", q(b))),
        (Some(a), Some(b)) => {
            length
                .narrow
                .push(format!("pattern changed from {} to {}", q(a), q(b)))
        }
        (None, None) => {}
    }
    length.emit(
        out,
        at,
        dir,
        [
            RuleId::RequestLengthNarrowed,
            RuleId::RequestLengthWidened,
            RuleId::ResponseLengthWidened,
            RuleId::ResponseLengthNarrowed,
        ],
    );
}
