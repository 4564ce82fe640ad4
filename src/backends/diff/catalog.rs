//! The model catalog: models matched by id and parameters by name, never by position, so
//! reordering the catalog reports nothing. Parameters travel in requests, so narrowing what a
//! parameter accepts breaks callers and widening it does not.

use std::collections::BTreeMap;

use super::{article, q, Changes, RuleId};
use crate::ir::catalog::json_equal;
use crate::ir::{Catalog, MediaRule, Model, ModelParam, ParamTarget};

pub fn compare(old: Option<&Catalog>, new: Option<&Catalog>, out: &mut Changes) {
    let (olds, news) = (by_id(old), by_id(new));
    for (id, o) in &olds {
        match news.get(id) {
            Some(n) => model(out, o, n),
            None => out.emit(
                RuleId::ModelRemoved,
                at(id, ""),
                format!("the model {} was removed", q(id)),
            ),
        }
    }
    for id in news.keys().filter(|id| !olds.contains_key(*id)) {
        out.emit(
            RuleId::ModelAdded,
            at(id, ""),
            format!("the model {} was added", q(id)),
        );
    }
}

fn by_id(catalog: Option<&Catalog>) -> BTreeMap<&str, &Model> {
    catalog
        .map(|c| c.models.iter().map(|m| (m.id.as_str(), m)).collect())
        .unwrap_or_default()
}

fn at(model: &str, path: &str) -> String {
    if path.is_empty() {
        format!("model {model}")
    } else {
        format!("model {model} {path}")
    }
}

/// Narrowing and widening findings of one comparison, emitted as one change each.
#[derive(Default)]
struct Limits {
    narrow: Vec<String>,
    wide: Vec<String>,
}

impl Limits {
    fn lower(&mut self, what: &str, old: Option<f64>, new: Option<f64>) {
        match (old, new) {
            (Some(a), Some(b)) if b > a => {
                self.narrow.push(format!("{what} raised from {a} to {b}"))
            }
            (Some(a), Some(b)) if b < a => {
                self.wide.push(format!("{what} lowered from {a} to {b}"))
            }
            (None, Some(b)) => self.narrow.push(format!("{what} {b} added")),
            (Some(a), None) => self.wide.push(format!("{what} {a} removed")),
            _ => {}
        }
    }

    fn upper(&mut self, what: &str, old: Option<f64>, new: Option<f64>) {
        match (old, new) {
            (Some(a), Some(b)) if b < a => {
                self.narrow.push(format!("{what} lowered from {a} to {b}"))
            }
            (Some(a), Some(b)) if b > a => {
                self.wide.push(format!("{what} raised from {a} to {b}"))
            }
            (None, Some(b)) => self.narrow.push(format!("{what} {b} added")),
            (Some(a), None) => self.wide.push(format!("{what} {a} removed")),
            _ => {}
        }
    }

    /// Members of a set that must contain what callers use; an empty set accepts anything.
    fn set(&mut self, what: &str, old: &[String], new: &[String]) {
        if old == new {
            return;
        }
        if new.is_empty() {
            self.wide.push(format!("any {what} is accepted now"));
            return;
        }
        if old.is_empty() {
            self.narrow.push(format!("{what} limited to {}", list(new)));
            return;
        }
        let removed: Vec<String> =
            old.iter().filter(|v| !new.contains(v)).cloned().collect();
        let added: Vec<String> =
            new.iter().filter(|v| !old.contains(v)).cloned().collect();
        if !removed.is_empty() {
            self.narrow
                .push(format!("{what} {} no longer accepted", list(&removed)));
        }
        if !added.is_empty() {
            self.wide
                .push(format!("{what} {} now accepted", list(&added)));
        }
    }

    fn flag(
        &mut self,
        narrow_when_set: &str,
        wide_when_unset: &str,
        old: bool,
        new: bool,
    ) {
        match (old, new) {
            (false, true) => self.narrow.push(narrow_when_set.to_owned()),
            (true, false) => self.wide.push(wide_when_unset.to_owned()),
            _ => {}
        }
    }

    fn emit(self, out: &mut Changes, at: &str, ids: (RuleId, RuleId)) {
        if !self.narrow.is_empty() {
            out.emit(ids.0, at, self.narrow.join("; "));
        }
        if !self.wide.is_empty() {
            out.emit(ids.1, at, self.wide.join("; "));
        }
    }
}

fn list(values: &[String]) -> String {
    values.iter().map(|v| q(v)).collect::<Vec<_>>().join(", ")
}

fn model(out: &mut Changes, o: &Model, n: &Model) {
    let here = at(&n.id, "");
    let name = q(&n.id);
    if o.kind != n.kind || o.endpoint != n.endpoint {
        out.emit(
            RuleId::ModelEndpointChanged,
            &here,
            format!(
                "{name} changed from a {} model at {} to a {} model at {}",
                o.kind,
                o.endpoint.as_deref().unwrap_or("no endpoint"),
                n.kind,
                n.endpoint.as_deref().unwrap_or("no endpoint")
            ),
        );
    }
    if o.api_available != n.api_available {
        if n.api_available {
            out.emit(
                RuleId::ModelApiAvailable,
                &here,
                format!("{name} is now available through the API"),
            );
        } else {
            out.emit(
                RuleId::ModelApiUnavailable,
                &here,
                format!("{name} is no longer available through the API"),
            );
        }
    }
    let deprecated = |m: &Model| m.status.as_deref() == Some("deprecated");
    if o.status != n.status {
        let show = |s: &Option<String>| s.as_deref().unwrap_or("unset").to_owned();
        let id = if deprecated(n) {
            RuleId::ModelDeprecated
        } else {
            RuleId::ModelStatusChanged
        };
        out.emit(
            id,
            &here,
            format!(
                "{name} status changed from {} to {}",
                show(&o.status),
                show(&n.status)
            ),
        );
    }
    if o.sunset_at != n.sunset_at {
        match &n.sunset_at {
            Some(date) => out.emit(
                RuleId::ModelDeprecated,
                &here,
                format!("{name} sunsets at {date}"),
            ),
            None => out.emit(
                RuleId::ModelStatusChanged,
                &here,
                format!("{name} no longer has a sunset date"),
            ),
        }
    }

    let mut capability = Limits::default();
    capability.set("input mode", &o.input_modes, &n.input_modes);
    capability.flag(
        "streaming is no longer supported",
        "streaming is now supported",
        !o.supports_streaming,
        !n.supports_streaming,
    );
    capability.flag(
        "files are now required",
        "files are no longer required",
        o.requires_files,
        n.requires_files,
    );
    let (op, np) = (o.prompt.as_ref(), n.prompt.as_ref());
    capability.flag(
        "a prompt is now required",
        "a prompt is no longer required",
        op.is_some_and(|p| p.required),
        np.is_some_and(|p| p.required),
    );
    capability.upper(
        "prompt max_length",
        op.and_then(|p| p.max_length).map(|n| n as f64),
        np.and_then(|p| p.max_length).map(|n| n as f64),
    );
    capability.emit(
        out,
        &here,
        (
            RuleId::ModelCapabilityNarrowed,
            RuleId::ModelCapabilityWidened,
        ),
    );

    if o.credits != n.credits {
        let show = |m: &Model| {
            m.credits
                .as_ref()
                .map(|c| {
                    format!(
                        "{} {}",
                        c.amount
                            .map(|a| a.to_string())
                            .unwrap_or_else(|| "?".into()),
                        c.unit.as_deref().unwrap_or("")
                    )
                })
                .unwrap_or_else(|| "unspecified".into())
        };
        out.emit(
            RuleId::ModelCreditsChanged,
            &here,
            format!(
                "{name} credits changed from {} to {}",
                show(o).trim(),
                show(n).trim()
            ),
        );
    }
    let mut docs = Vec::new();
    for (what, a, b) in [
        ("name", Some(&o.name), Some(&n.name)),
        (
            "description",
            o.description.as_ref(),
            n.description.as_ref(),
        ),
        ("provider", o.provider.as_ref(), n.provider.as_ref()),
        (
            "readiness notes",
            o.readiness_notes.as_ref(),
            n.readiness_notes.as_ref(),
        ),
    ] {
        if a != b {
            docs.push(what);
        }
    }
    if !docs.is_empty() {
        out.emit(
            RuleId::DocsChanged,
            &here,
            format!("the {} of {name} changed", docs.join(" and ")),
        );
    }
    unknown_members(out, &here, &o.unknown_members, &n.unknown_members);
    params(out, &n.id, None, &o.params, &n.params);
}

/// Members the generator does not know are reported when they appear, so that a reviewer sees
/// the server's catalog grow; nothing reads them, so nothing can break.
fn unknown_members(
    out: &mut Changes,
    here: &str,
    old: &BTreeMap<String, serde_json::Value>,
    new: &BTreeMap<String, serde_json::Value>,
) {
    for (member, value) in new.iter().filter(|(member, _)| !old.contains_key(*member)) {
        let mut shown = value.to_string();
        if shown.chars().count() > 60 {
            shown = shown.chars().take(57).collect::<String>() + "...";
        }
        out.emit(
            RuleId::ModelMemberAdded,
            here,
            format!("the catalog now carries {} = {shown}", q(member)),
        );
    }
}

fn target(t: ParamTarget) -> &'static str {
    match t {
        ParamTarget::Params => "params",
        ParamTarget::Controls => "controls",
        ParamTarget::Body => "body",
    }
}

/// `params.aspect_ratio`, or `params.style.items` / `params.style.weight` below the top level.
fn path_of(parent: Option<&str>, param: &ModelParam) -> String {
    match parent {
        Some(parent) => format!("{parent}.{}", param.name),
        None => format!("{}.{}", target(param.target), param.name),
    }
}

/// What a parameter accepts, without its name and documentation: equal signatures make a
/// removed and an added parameter a rename.
fn signature(param: &ModelParam) -> ModelParam {
    let mut p = param.clone();
    p.name.clear();
    p.rust_name.clear();
    p.label = None;
    p.description = None;
    p
}

fn params(
    out: &mut Changes,
    model: &str,
    parent: Option<&str>,
    old: &[ModelParam],
    new: &[ModelParam],
) {
    // A catalog may name two parameters alike (the schema does not forbid it): the k-th
    // of a name on one side pairs with the k-th of that name on the other, so a catalog
    // compared with itself pairs every parameter with itself.
    let mut removed: Vec<&ModelParam> = Vec::new();
    for (i, o) in old.iter().enumerate() {
        match nth_named(new, &o.name, occurrence(old, i)) {
            Some(n) => param(out, model, &path_of(parent, n), parent.is_none(), o, n),
            None => removed.push(o),
        }
    }
    let mut added: Vec<&ModelParam> = new
        .iter()
        .enumerate()
        .filter(|&(i, n)| nth_named(old, &n.name, occurrence(new, i)).is_none())
        .map(|(_, n)| n)
        .collect();
    for o in removed {
        let sig = signature(o);
        if let Some(i) = added.iter().position(|n| signature(n) == sig) {
            let n = added.remove(i);
            out.emit(
                RuleId::ModelParamRenamed,
                at(model, &path_of(parent, n)),
                format!(
                    "the parameter {} was renamed to {}",
                    q(&path_of(parent, o)),
                    q(&path_of(parent, n))
                ),
            );
            continue;
        }
        out.emit(
            RuleId::ModelParamRemoved,
            at(model, &path_of(parent, o)),
            format!("the parameter {} was removed", q(&path_of(parent, o))),
        );
    }
    for n in added {
        let (id, how) = if n.required {
            (RuleId::ModelRequiredParamAdded, "required")
        } else {
            (RuleId::ModelParamAdded, "optional")
        };
        out.emit(
            id,
            at(model, &path_of(parent, n)),
            format!(
                "{} {how} parameter {} was added",
                article(how),
                q(&path_of(parent, n))
            ),
        );
    }
}

/// How many parameters before `params[i]` have its name.
fn occurrence(params: &[ModelParam], i: usize) -> usize {
    params[..i]
        .iter()
        .filter(|p| p.name == params[i].name)
        .count()
}

/// The `k`-th parameter (from 0) named `name`.
fn nth_named<'a>(
    params: &'a [ModelParam],
    name: &str,
    k: usize,
) -> Option<&'a ModelParam> {
    params.iter().filter(|p| p.name == name).nth(k)
}

/// Compares one parameter found at `path` on both sides; `top` parameters have a target.
fn param(
    out: &mut Changes,
    model: &str,
    path: &str,
    top: bool,
    o: &ModelParam,
    n: &ModelParam,
) {
    let here = at(model, path);
    let name = q(path);
    if top && o.target != n.target {
        out.emit(
            RuleId::ModelParamMoved,
            &here,
            format!(
                "{} moved from `{}` to `{}`",
                q(&n.name),
                target(o.target),
                target(n.target)
            ),
        );
    }
    if o.ty != n.ty {
        out.emit(
            RuleId::ModelParamTypeChanged,
            &here,
            format!("{name} changed type from {:?} to {:?}", o.ty, n.ty).to_lowercase(),
        );
        return;
    }
    if o.required != n.required {
        let (id, now) = if n.required {
            (RuleId::ModelParamBecameRequired, "required")
        } else {
            (RuleId::ModelParamBecameOptional, "optional")
        };
        out.emit(id, &here, format!("{name} is now {now}"));
    }
    let values = |p: &ModelParam| {
        p.options
            .iter()
            .map(|o| o.value.clone())
            .collect::<Vec<_>>()
    };
    let (ov, nv) = (values(o), values(n));
    let among = |set: &[serde_json::Value], v: &serde_json::Value| {
        set.iter().any(|w| json_equal(v, w))
    };
    for value in ov.iter().filter(|v| !among(&nv, v)) {
        out.emit(
            RuleId::ModelParamOptionRemoved,
            &here,
            format!("{name} no longer accepts {}", q(&value.to_string())),
        );
    }
    for value in nv.iter().filter(|v| !among(&ov, v)) {
        out.emit(
            RuleId::ModelParamOptionAdded,
            &here,
            format!("{name} now accepts {}", q(&value.to_string())),
        );
    }
    unknown_members(out, &here, &o.unknown_members, &n.unknown_members);

    let mut limits = Limits::default();
    let f = |n: Option<u64>| n.map(|n| n as f64);
    limits.lower("minimum", o.minimum, n.minimum);
    limits.upper("maximum", o.maximum, n.maximum);
    match (o.step, n.step) {
        (a, b) if a == b => {}
        (Some(a), None) => limits.wide.push(format!("step {a} removed")),
        (Some(a), Some(b)) if a % b == 0.0 => {
            limits.wide.push(format!("step changed from {a} to {b}"))
        }
        (Some(a), Some(b)) => {
            limits.narrow.push(format!("step changed from {a} to {b}"))
        }
        (None, Some(b)) => limits.narrow.push(format!("step {b} added")),
        (None, None) => {}
    }
    limits.lower("min_length", f(o.min_length), f(n.min_length));
    limits.upper("max_length", f(o.max_length), f(n.max_length));
    limits.lower("min_items", f(o.min_items), f(n.min_items));
    limits.upper("max_items", f(o.max_items), f(n.max_items));
    limits.emit(
        out,
        &here,
        (
            RuleId::ModelParamLimitNarrowed,
            RuleId::ModelParamLimitWidened,
        ),
    );

    media(out, &here, o.media.as_ref(), n.media.as_ref());

    let same_default = match (&o.default, &n.default) {
        (Some(a), Some(b)) => json_equal(a, b),
        (a, b) => a == b,
    };
    if !same_default {
        let show = |v: &Option<serde_json::Value>| {
            v.as_ref()
                .map(|v| v.to_string())
                .unwrap_or_else(|| "none".into())
        };
        out.emit(
            RuleId::ModelParamDefaultChanged,
            &here,
            format!(
                "{name} default changed from {} to {}",
                show(&o.default),
                show(&n.default)
            ),
        );
    }
    if o.deprecated != n.deprecated {
        let now = if n.deprecated {
            "is now deprecated"
        } else {
            "is no longer deprecated"
        };
        out.emit(RuleId::DeprecationChanged, &here, format!("{name} {now}"));
    }
    if o.label != n.label || o.description != n.description || o.advanced != n.advanced {
        out.emit(
            RuleId::DocsChanged,
            &here,
            format!("the label, description or advanced flag of {name} changed"),
        );
    }

    match (&o.items, &n.items) {
        (Some(a), Some(b)) => param(out, model, &format!("{path}.items"), false, a, b),
        (None, None) => {}
        _ => out.emit(
            RuleId::ModelParamTypeChanged,
            &here,
            format!("the item description of {name} changed"),
        ),
    }
    params(out, model, Some(path), &o.properties, &n.properties);
}

fn media(out: &mut Changes, here: &str, o: Option<&MediaRule>, n: Option<&MediaRule>) {
    let none = MediaRule {
        accepted_kinds: Vec::new(),
        accepted_mime_types: Vec::new(),
        max_file_size_bytes: None,
        min_duration_seconds: None,
        max_duration_seconds: None,
        requires_duration_token: false,
    };
    let (o, n) = (o.unwrap_or(&none), n.unwrap_or(&none));
    let mut limits = Limits::default();
    limits.set("media kind", &o.accepted_kinds, &n.accepted_kinds);
    limits.set("MIME type", &o.accepted_mime_types, &n.accepted_mime_types);
    let f = |n: Option<u64>| n.map(|n| n as f64);
    limits.upper(
        "max_file_size_bytes",
        f(o.max_file_size_bytes),
        f(n.max_file_size_bytes),
    );
    limits.lower(
        "min_duration_seconds",
        o.min_duration_seconds,
        n.min_duration_seconds,
    );
    limits.upper(
        "max_duration_seconds",
        o.max_duration_seconds,
        n.max_duration_seconds,
    );
    limits.flag(
        "a duration token (from POST /api/v1/files) is now required",
        "a duration token is no longer required",
        o.requires_duration_token,
        n.requires_duration_token,
    );
    limits.emit(
        out,
        here,
        (
            RuleId::ModelParamMediaNarrowed,
            RuleId::ModelParamMediaWidened,
        ),
    );
}
