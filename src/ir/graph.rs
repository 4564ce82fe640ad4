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
    kind_refs_into(kind, direct_only, &mut out);
    out
}

fn kind_refs_into<'a>(kind: &'a TypeKind, direct_only: bool, out: &mut Vec<&'a str>) {
    match kind {
        TypeKind::Struct { fields, additional } => {
            for field in fields {
                shape_refs(&field.shape, direct_only, out);
            }
            if let (Some(additional), false) = (additional, direct_only) {
                shape_refs(additional, direct_only, out);
            }
        }
        TypeKind::TaggedUnion { variants, .. }
        | TypeKind::UntaggedUnion { variants } => {
            for variant in variants {
                shape_refs(&variant.shape, direct_only, out);
            }
        }
        TypeKind::Alias { target } => shape_refs(target, direct_only, out),
        TypeKind::StringEnum { .. } | TypeKind::IntegerEnum { .. } => {}
    }
}

/// The named types `roots` refer to, directly or through other types, roots included.
pub fn reachable<'a>(
    types: &'a BTreeMap<String, TypeDef>,
    roots: Vec<&'a str>,
) -> foldhash::HashSet<&'a str> {
    let mut seen = foldhash::HashSet::default();
    let mut stack = roots;
    let mut refs = Vec::new();
    while let Some(name) = stack.pop() {
        if !seen.insert(name) {
            continue;
        }
        if let Some(def) = types.get(name) {
            kind_refs_into(&def.kind, false, &mut refs);
            stack.append(&mut refs);
        }
    }
    seen
}

/// Which types flow into requests and which out of responses, by type in name order. Found
/// from the types without changing them (so it can be found beside [`recursion`]), then
/// marked.
pub struct Usage(Vec<(bool, bool)>);

pub fn usage(
    types: &BTreeMap<String, TypeDef>,
    operations: &[Operation],
    webhooks: &[Webhook],
) -> Usage {
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
    Usage(
        types
            .keys()
            .map(|name| {
                (
                    in_request.contains(name.as_str()),
                    in_response.contains(name.as_str()),
                )
            })
            .collect(),
    )
}

impl Usage {
    pub fn mark(self, types: &mut BTreeMap<String, TypeDef>) {
        for (def, (in_request, in_response)) in types.values_mut().zip(self.0) {
            def.in_request = in_request;
            def.in_response = in_response;
        }
    }
}

/// The types in cycles, and the cycles of direct (unboxed) references among them, whose edges
/// need indirection.
pub struct Recursion {
    any_cycle: BTreeMap<String, usize>,
    direct_cycle: BTreeMap<String, usize>,
}

pub fn recursion(types: &BTreeMap<String, TypeDef>) -> Recursion {
    Recursion {
        any_cycle: components_in_cycles(types, false),
        direct_cycle: components_in_cycles(types, true),
    }
}

impl Recursion {
    pub fn mark(self, types: &mut BTreeMap<String, TypeDef>) {
        let Recursion { any_cycle, direct_cycle } = self;
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
}

/// Tarjan's strongly connected components; returns, for every type in a cycle (a component of
/// two or more, or a self-reference), the index of its component.
///
/// Types are numbered by name order first, so the walk compares integers rather than names
/// (a large contract has thousands of types); it visits roots and edges in the same order as
/// the names would, so the component numbers do not depend on the numbering.
fn components_in_cycles(
    types: &BTreeMap<String, TypeDef>,
    direct_only: bool,
) -> BTreeMap<String, usize> {
    const UNVISITED: usize = usize::MAX;
    struct Walk {
        index: Vec<usize>,
        low: Vec<usize>,
        on_stack: Vec<bool>,
        stack: Vec<usize>,
        next: usize,
        /// The path being walked: each node with the position of its next edge.
        work: Vec<(usize, usize)>,
    }
    impl Walk {
        fn open(&mut self, node: usize) {
            self.index[node] = self.next;
            self.low[node] = self.next;
            self.next += 1;
            self.stack.push(node);
            self.on_stack[node] = true;
            self.work.push((node, 0));
        }
    }
    let names: Vec<&str> = types.keys().map(String::as_str).collect();
    let number: foldhash::HashMap<&str, usize> = names
        .iter()
        .enumerate()
        .map(|(i, name)| (*name, i))
        .collect();
    let edges: Vec<Vec<usize>> = types
        .values()
        .map(|def| {
            kind_refs(&def.kind, direct_only)
                .into_iter()
                .filter_map(|name| number.get(name).copied())
                .collect()
        })
        .collect();
    let mut walk = Walk {
        index: vec![UNVISITED; names.len()],
        low: vec![0; names.len()],
        on_stack: vec![false; names.len()],
        stack: Vec::new(),
        next: 0,
        work: Vec::new(),
    };
    let mut result = BTreeMap::new();
    let mut components = 0;
    // Iterative to stay safe on very deep type graphs (real specs have thousands of types).
    for root in 0..names.len() {
        if walk.index[root] != UNVISITED {
            continue;
        }
        walk.open(root);
        while let Some(&mut (node, ref mut position)) = walk.work.last_mut() {
            if let Some(&target) = edges[node].get(*position) {
                *position += 1;
                if walk.index[target] == UNVISITED {
                    walk.open(target);
                } else if walk.on_stack[target] {
                    walk.low[node] = walk.low[node].min(walk.index[target]);
                }
                continue;
            }
            let self_loop = edges[node].contains(&node);
            walk.work.pop();
            if let Some(&(parent, _)) = walk.work.last() {
                walk.low[parent] = walk.low[parent].min(walk.low[node]);
            }
            if walk.low[node] == walk.index[node] {
                let mut members = Vec::new();
                while let Some(member) = walk.stack.pop() {
                    walk.on_stack[member] = false;
                    members.push(member);
                    if member == node {
                        break;
                    }
                }
                if members.len() > 1 || self_loop {
                    for member in members {
                        result.insert(names[member].to_owned(), components);
                    }
                    components += 1;
                }
            }
        }
    }
    result
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
