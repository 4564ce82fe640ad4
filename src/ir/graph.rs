//! Facts about the type graph: which types flow into requests and out of responses, and which
//! take part in reference cycles.

use std::collections::{BTreeMap, BTreeSet};

use super::model::*;

/// Named types referenced by a shape. `direct_only` skips those behind a list or map, which
/// already put their elements on the heap.
fn shape_refs<'a>(shape: &'a Shape, direct_only: bool, out: &mut Vec<&'a str>) {
    match &shape.ty {
        TypeRef::Named { name } => out.push(name),
        TypeRef::List { items: inner } | TypeRef::Map { values: inner }
            if !direct_only =>
        {
            shape_refs(inner, direct_only, out)
        }
        _ => {}
    }
}

fn kind_refs(kind: &TypeKind, direct_only: bool) -> Vec<&str> {
    let mut out = Vec::new();
    match kind {
        TypeKind::Struct { fields, additional } => {
            for field in fields {
                shape_refs(&field.shape, direct_only, &mut out);
            }
            if let (Some(additional), false) = (additional, direct_only) {
                shape_refs(additional, direct_only, &mut out);
            }
        }
        TypeKind::TaggedUnion { variants, .. }
        | TypeKind::UntaggedUnion { variants } => {
            for variant in variants {
                shape_refs(&variant.shape, direct_only, &mut out);
            }
        }
        TypeKind::Alias { target } => shape_refs(target, direct_only, &mut out),
        TypeKind::StringEnum { .. } | TypeKind::IntegerEnum { .. } => {}
    }
    out
}

/// The named types `roots` refer to, directly or through other types, roots included.
pub fn reachable(
    types: &BTreeMap<String, TypeDef>,
    roots: Vec<&str>,
) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut stack: Vec<String> = roots.into_iter().map(str::to_owned).collect();
    while let Some(name) = stack.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        if let Some(def) = types.get(&name) {
            stack.extend(kind_refs(&def.kind, false).into_iter().map(str::to_owned));
        }
    }
    seen
}

pub fn mark_usage(
    types: &mut BTreeMap<String, TypeDef>,
    operations: &[Operation],
    webhooks: &[Webhook],
) {
    let mut request_roots = Vec::new();
    let mut response_roots = Vec::new();
    let ops = operations
        .iter()
        .map(|o| (o, false))
        .chain(webhooks.iter().map(|w| (&w.operation, true)));
    for (operation, is_webhook) in ops {
        // A webhook's request is what the user's server receives: it is read, like a response.
        let request_side = if is_webhook {
            &mut response_roots
        } else {
            &mut request_roots
        };
        for param in &operation.params {
            shape_refs(&param.shape, false, request_side);
        }
        if let Some(body) = &operation.request_body {
            for content in &body.contents {
                if let Some(shape) = &content.shape {
                    shape_refs(shape, false, request_side);
                }
            }
        }
        // ...and its response is what the user's server writes.
        let response_side = if is_webhook {
            &mut request_roots
        } else {
            &mut response_roots
        };
        for response in &operation.responses {
            for content in &response.contents {
                if let Some(shape) = &content.shape {
                    shape_refs(shape, false, response_side);
                }
            }
            for header in &response.headers {
                shape_refs(&header.shape, false, response_side);
            }
        }
    }
    let in_request = reachable(types, request_roots);
    let in_response = reachable(types, response_roots);
    for (name, def) in types.iter_mut() {
        def.in_request = in_request.contains(name);
        def.in_response = in_response.contains(name);
    }
}

/// Marks types in cycles, and the direct (unboxed) edges inside cycles that need indirection.
pub fn mark_recursion(types: &mut BTreeMap<String, TypeDef>) {
    let any_cycle = components_in_cycles(types, false);
    let direct_cycle = components_in_cycles(types, true);
    for (name, def) in types.iter_mut() {
        def.recursive = any_cycle.contains_key(name.as_str());
        let Some(component) = direct_cycle.get(name.as_str()).copied() else {
            continue;
        };
        let same_cycle = |target: &str| direct_cycle.get(target) == Some(&component);
        match &mut def.kind {
            TypeKind::Struct { fields, .. } => {
                for field in fields {
                    field.needs_indirection =
                        field.shape.named().is_some_and(same_cycle);
                }
            }
            TypeKind::TaggedUnion { .. }
            | TypeKind::UntaggedUnion { .. }
            | TypeKind::Alias { .. } => {}
            TypeKind::StringEnum { .. } | TypeKind::IntegerEnum { .. } => {}
        }
    }
}

/// Tarjan's strongly connected components; returns, for every type in a cycle (a component of
/// two or more, or a self-reference), the index of its component.
fn components_in_cycles(
    types: &BTreeMap<String, TypeDef>,
    direct_only: bool,
) -> BTreeMap<String, usize> {
    struct State<'a> {
        types: &'a BTreeMap<String, TypeDef>,
        direct_only: bool,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        on_stack: BTreeSet<&'a str>,
        stack: Vec<&'a str>,
        next: usize,
        result: BTreeMap<String, usize>,
        components: usize,
    }
    // Iterative to stay safe on very deep type graphs (real specs have thousands of types).
    fn visit<'a>(state: &mut State<'a>, root: &'a str) {
        let mut work: Vec<(&'a str, Vec<&'a str>, usize)> = Vec::new();
        let open = |state: &mut State<'a>, node: &'a str| -> Vec<&'a str> {
            state.index.insert(node, state.next);
            state.low.insert(node, state.next);
            state.next += 1;
            state.stack.push(node);
            state.on_stack.insert(node);
            state
                .types
                .get(node)
                .map(|d| kind_refs(&d.kind, state.direct_only))
                .unwrap_or_default()
                .into_iter()
                .filter(|n| state.types.contains_key(*n))
                .collect()
        };
        let edges = open(state, root);
        work.push((root, edges, 0));
        while let Some((node, edges, position)) = work.last_mut() {
            if let Some(&next) = edges.get(*position) {
                *position += 1;
                let node = *node;
                if !state.index.contains_key(next) {
                    let next_edges = open(state, next);
                    work.push((next, next_edges, 0));
                } else if state.on_stack.contains(next) {
                    let low = state.low[node].min(state.index[next]);
                    state.low.insert(node, low);
                }
                continue;
            }
            let node = *node;
            let self_loop = edges.contains(&node);
            work.pop();
            if let Some((parent, _, _)) = work.last() {
                let low = state.low[*parent].min(state.low[node]);
                state.low.insert(parent, low);
            }
            if state.low[node] == state.index[node] {
                let mut members = Vec::new();
                while let Some(member) = state.stack.pop() {
                    state.on_stack.remove(member);
                    members.push(member);
                    if member == node {
                        break;
                    }
                }
                if members.len() > 1 || self_loop {
                    for member in members {
                        state.result.insert(member.to_owned(), state.components);
                    }
                    state.components += 1;
                }
            }
        }
    }
    let mut state = State {
        types,
        direct_only,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        on_stack: BTreeSet::new(),
        stack: Vec::new(),
        next: 0,
        result: BTreeMap::new(),
        components: 0,
    };
    for name in types.keys() {
        if !state.index.contains_key(name.as_str()) {
            visit(&mut state, name);
        }
    }
    state.result
}

/// A type that is only an alias of itself (`A: {allOf: [{$ref: A}]}`, or a longer chain of
/// aliases) describes no value at all; returns the first such type's name.
///
/// Each alias has one target, so every type is walked once: a walk stops at a type an earlier
/// walk has settled, and a type met twice on the current walk closes a cycle.
pub fn self_alias(types: &BTreeMap<String, TypeDef>) -> Option<&TypeDef> {
    let mut settled: BTreeSet<&str> = BTreeSet::new();
    let mut on_cycle: BTreeSet<&str> = BTreeSet::new();
    for start in types.keys() {
        let mut walk: Vec<&str> = Vec::new();
        let mut on_walk: BTreeMap<&str, usize> = BTreeMap::new();
        let mut current = Some(start.as_str());
        while let Some(name) = current {
            if settled.contains(name) {
                break;
            }
            if let Some(&position) = on_walk.get(name) {
                on_cycle.extend(&walk[position..]);
                break;
            }
            on_walk.insert(name, walk.len());
            walk.push(name);
            current = match types.get(name).map(|def| &def.kind) {
                Some(TypeKind::Alias { target }) => target.named(),
                _ => None,
            };
        }
        settled.extend(walk);
    }
    types
        .values()
        .find(|def| on_cycle.contains(def.name.as_str()))
}
