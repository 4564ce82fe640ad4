//! Identical definitions are emitted once.
//!
//! Large contracts repeat the same inline schema many times (GitHub's description has the
//! enum `read | write` 846 times, and two thirds of its 7,000 types have a twin). Every
//! definition costs each user compile time, so types whose generated code would be the same
//! apart from their name share one definition: the others become `pub type` aliases of it,
//! keeping their names and their own documentation.
//!
//! Two types are the same when their definitions are equal once pointers and constraints
//! (which the SDK does not emit) are set aside and the types they refer to are themselves the
//! same: a partition refinement that starts from "equal up to the names referred to" and
//! merges until nothing changes.

use foldhash::HashMap;
use std::collections::{BTreeMap, BTreeSet};

use super::render;
use crate::error::Result;
use crate::ir::{Constraints, Ir, Shape, TypeDef, TypeKind, TypeRef};

/// Maps every type that has a twin to the one that is defined (its canonical type). Types in
/// `keep_apart` are never merged; `impls` says which serde impls a type gets, which must agree
/// too.
pub fn canonical_names(
    ir: &Ir,
    keep_apart: &BTreeSet<String>,
    impls: impl Fn(&TypeDef) -> (bool, bool) + Sync,
) -> Result<BTreeMap<String, String>> {
    let defs: Vec<&TypeDef> = ir
        .types
        .values()
        .filter(|def| !matches!(def.kind, TypeKind::Alias { .. }))
        .filter(|def| !keep_apart.contains(&def.name))
        .collect();
    // A key prints the whole definition, docs included: on a large contract that is most of
    // this pass, and the SDK's files cannot start before it, so the keys are printed on every
    // core.
    let keys = render::on_every_core(&defs, |def| Ok(static_key(def, impls(def))))?;
    let mut static_ids: HashMap<String, usize> = HashMap::default();
    let mut candidates = Vec::with_capacity(defs.len());
    for (def, (text, refs)) in defs.into_iter().zip(keys) {
        let next = static_ids.len();
        let id = *static_ids.entry(text).or_insert(next);
        candidates.push((def, id, refs));
    }
    // Types that are not candidates stand only for themselves.
    let fixed: HashMap<&str, usize> = ir
        .types
        .keys()
        .enumerate()
        .map(|(index, name)| (name.as_str(), usize::MAX - index))
        .collect();
    // Start from the coarsest partition (equal apart from names) and refine: each pass groups
    // by (definition without names, class of each name referred to). A pass only ever splits
    // classes, so an unchanged count means an unchanged partition: the greatest fixed point,
    // under which even isomorphic reference cycles are one class.
    let mut class: HashMap<&str, usize> = candidates
        .iter()
        .map(|(def, id, _)| (def.name.as_str(), *id))
        .collect();
    let mut count = static_ids.len();
    loop {
        let mut groups: HashMap<(usize, Vec<usize>), usize> = HashMap::default();
        let mut next: HashMap<&str, usize> = HashMap::default();
        for (def, id, refs) in &candidates {
            let ref_classes = refs
                .iter()
                .map(|name| {
                    let name = name.as_str();
                    class.get(name).or(fixed.get(name)).copied().unwrap_or(0)
                })
                .collect();
            let fresh = groups.len();
            let group = *groups.entry((*id, ref_classes)).or_insert(fresh);
            next.insert(&def.name, group);
        }
        class = next;
        if groups.len() == count {
            break;
        }
        count = groups.len();
    }
    let mut members: BTreeMap<usize, Vec<&TypeDef>> = BTreeMap::new();
    for (def, _, _) in &candidates {
        members
            .entry(class[def.name.as_str()])
            .or_default()
            .push(def);
    }
    let mut canonical = BTreeMap::new();
    for group in members.values().filter(|g| g.len() > 1) {
        // A named component over a synthesized name, then the shortest name: the definition
        // readers find should carry the most general name.
        let chosen = group
            .iter()
            .min_by_key(|d| (d.synthesized, d.rust_name.len(), &d.rust_name))
            .expect("a group has members");
        for def in group {
            if def.name != chosen.name {
                canonical.insert(def.name.clone(), chosen.name.clone());
            }
        }
    }
    Ok(canonical)
}

/// A type's definition as text with the names it refers to blanked out, and those names in
/// order. Usage flags are part of it: they decide which impls a type gets.
fn static_key(def: &TypeDef, impls: (bool, bool)) -> (String, Vec<String>) {
    let mut kind = def.kind.clone();
    let mut refs = Vec::new();
    let mut visit = |shape: &mut Shape| strip(shape, &mut refs);
    match &mut kind {
        TypeKind::Struct { fields, additional } => {
            for field in fields.iter_mut() {
                field.pointer.clear();
                visit(&mut field.shape);
            }
            if let Some(additional) = additional {
                visit(additional);
            }
        }
        TypeKind::TaggedUnion { variants, .. }
        | TypeKind::UntaggedUnion { variants } => {
            variants.iter_mut().for_each(|v| visit(&mut v.shape));
        }
        TypeKind::Alias { target } => visit(target),
        TypeKind::StringEnum { .. } | TypeKind::IntegerEnum { .. } => {}
    }
    let flags = (def.in_request, def.in_response, impls);
    let text = serde_json::to_string(&(flags, &kind)).expect("IR types serialize");
    (text, refs)
}

fn strip(shape: &mut Shape, refs: &mut Vec<String>) {
    shape.set_constraints(Constraints::NONE);
    match &mut shape.ty {
        TypeRef::Named { name } => refs.push(std::mem::take(name)),
        TypeRef::List { items: inner } | TypeRef::Map { values: inner } => {
            strip(inner, refs)
        }
        _ => {}
    }
}
