//! Servers, security schemes, operations and webhooks: matched by what identifies them on the
//! wire (method and path template, webhook event name), then compared part by part. Shapes
//! are handed to the schema walker with the direction they travel in.

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use super::schema::{docs, location, Direction, Walker};
use super::{article, q, Changes, RuleId};
use crate::error::pointer_join;
use crate::ir::{
    Content, ContentKind, Docs, Header, Ir, Method, Operation, Param, ParamLocation,
    ParamRole, SecurityRequirement, SecuritySchemeKind, Shape,
};

pub fn compare(old: &Ir, new: &Ir, out: &mut Changes) {
    servers(old, new, out);
    security_schemes(old, new, out);
    let mut walker = Walker::new(old, new);

    let (olds, news) = (by_route(old), by_route(new));
    for (route, o) in &olds {
        match news.get(route) {
            Some(n) => operation(&mut walker, out, o, n, false),
            None => out.emit(
                RuleId::OperationRemoved,
                location(&label(o), &o.pointer),
                format!("{} was removed", label(o)),
            ),
        }
    }
    for (route, n) in &news {
        if !olds.contains_key(route) {
            out.emit(
                RuleId::OperationAdded,
                location(&label(n), &n.pointer),
                format!("{} was added", label(n)),
            );
        }
    }

    let (olds, news) = (by_event(old), by_event(new));
    for (key, o) in &olds {
        match news.get(key) {
            Some(n) => operation(&mut walker, out, o, n, true),
            None => out.emit(
                RuleId::WebhookRemoved,
                location(&hook_label(o), &o.pointer),
                format!("the webhook event {} was removed", q(&o.path)),
            ),
        }
    }
    for (key, n) in &news {
        if !olds.contains_key(key) {
            out.emit(
                RuleId::WebhookAdded,
                location(&hook_label(n), &n.pointer),
                format!("the webhook event {} was added", q(&n.path)),
            );
        }
    }
    walker.drain(out);
}

type Keyed<'a> = BTreeMap<(String, Method), &'a Operation>;

fn by_route(ir: &Ir) -> Keyed<'_> {
    ir.operations
        .iter()
        .map(|o| ((template(&o.path), o.method), o))
        .collect()
}

fn by_event(ir: &Ir) -> Keyed<'_> {
    ir.webhooks
        .iter()
        .map(|w| ((w.name.clone(), w.operation.method), &w.operation))
        .collect()
}

fn label(operation: &Operation) -> String {
    format!("{} {}", operation.method.as_str(), operation.path)
}

/// A webhook operation's `path` is its event name.
fn hook_label(operation: &Operation) -> String {
    format!("webhook {}", operation.path)
}

/// `/files/{fileId}` and `/files/{id}` are the same route: the name of a path parameter never
/// reaches the wire.
fn template(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_param = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_param = true;
                out.push_str("{}");
            }
            '}' => in_param = false,
            _ if in_param => {}
            _ => out.push(c),
        }
    }
    out
}

fn servers(old: &Ir, new: &Ir, out: &mut Changes) {
    for url in &old.api.servers {
        if !new.api.servers.contains(url) {
            out.emit(
                RuleId::ServerRemoved,
                "#/servers",
                format!("the server {} was removed", q(url)),
            );
        }
    }
    for url in &new.api.servers {
        if !old.api.servers.contains(url) {
            out.emit(
                RuleId::ServerAdded,
                "#/servers",
                format!("the server {} was added", q(url)),
            );
        }
    }
}

fn security_schemes(old: &Ir, new: &Ir, out: &mut Changes) {
    for o in &old.security_schemes {
        let at = pointer_join("/components/securitySchemes", &o.name);
        let at = format!("#{at}");
        match new.security_schemes.iter().find(|n| n.name == o.name) {
            None => out.emit(
                RuleId::SecuritySchemeChanged,
                at,
                format!("the security scheme {} was removed", q(&o.name)),
            ),
            Some(n) if n.kind != o.kind => out.emit(
                RuleId::SecuritySchemeChanged,
                at,
                format!(
                    "the security scheme {} changed from {} to {}",
                    q(&o.name),
                    scheme_kind(&o.kind),
                    scheme_kind(&n.kind)
                ),
            ),
            Some(_) => {}
        }
    }
    for n in &new.security_schemes {
        if !old.security_schemes.iter().any(|o| o.name == n.name) {
            let at = pointer_join("/components/securitySchemes", &n.name);
            out.emit(
                RuleId::SecuritySchemeAdded,
                format!("#{at}"),
                format!(
                    "the security scheme {} was added: {}",
                    q(&n.name),
                    scheme_kind(&n.kind)
                ),
            );
        }
    }
}

fn scheme_kind(kind: &SecuritySchemeKind) -> String {
    match kind {
        SecuritySchemeKind::HttpBearer { .. } => "HTTP bearer".into(),
        SecuritySchemeKind::HttpBasic => "HTTP basic".into(),
        SecuritySchemeKind::ApiKey { location, name } => {
            // The header's name as the contract spells it; only the location is a word.
            let location = format!("{location:?}").to_lowercase();
            format!("an API key in the {location} {}", q(name))
        }
        SecuritySchemeKind::OAuth2 => "OAuth 2".into(),
        SecuritySchemeKind::OpenIdConnect => "OpenID Connect".into(),
        SecuritySchemeKind::Other { scheme } => format!("HTTP {scheme}"),
    }
}

fn operation<'a>(
    walker: &mut Walker<'a>,
    out: &mut Changes,
    o: &'a Operation,
    n: &'a Operation,
    webhook: bool,
) {
    let site: Rc<str> = Rc::from(if webhook { hook_label(n) } else { label(n) });
    let at = location(&site, &n.pointer);
    if !webhook {
        if o.id != n.id {
            out.emit(
                RuleId::OperationIdChanged,
                &at,
                format!(
                    "the operationId changed from {} to {} (SDK method {} becomes {})",
                    q(&o.id),
                    q(&n.id),
                    q(&o.rust_name),
                    q(&n.rust_name)
                ),
            );
        }
        if o.tag != n.tag {
            out.emit(
                RuleId::OperationTagChanged,
                &at,
                format!("the first tag changed from {} to {}", q(&o.tag), q(&n.tag)),
            );
        }
    }
    if o.deprecated != n.deprecated {
        let now = if n.deprecated {
            "is now deprecated"
        } else {
            "is no longer deprecated"
        };
        out.emit(RuleId::DeprecationChanged, &at, format!("{site} {now}"));
    }
    if o.summary != n.summary || o.description != n.description {
        out.emit(
            RuleId::DocsChanged,
            &at,
            format!("the summary or description of {site} changed"),
        );
    }
    if webhook {
        // A webhook's headers and body are what the receiving server reads.
        received_headers(walker, out, &site, &o.params, &n.params);
        let (ob, nb) = (o.request_body.as_ref(), n.request_body.as_ref());
        let empty: &'a [Content] = &[];
        let pointer = format!("{}/requestBody", n.pointer);
        contents(
            walker,
            out,
            &site,
            &pointer,
            ob.map_or(empty, |b| &b.contents),
            nb.map_or(empty, |b| &b.contents),
            Direction::Response,
        );
        return;
    }
    params(walker, out, &site, o, n);
    request_body(walker, out, &site, o, n);
    responses(walker, out, &site, o, n);
    security(out, &at, &o.security, &n.security);
}

/// Path parameters are matched by position in the template, the others by location and name
/// (header names are case-insensitive).
fn param_key(operation: &Operation, param: &Param) -> (ParamLocation, String) {
    let name = match param.location {
        ParamLocation::Path => operation
            .path
            .split('{')
            .skip(1)
            .position(|rest| rest.split('}').next() == Some(param.name.as_str()))
            .map(|i| format!("#{i}"))
            .unwrap_or_else(|| param.name.clone()),
        ParamLocation::Header => param.name.to_ascii_lowercase(),
        _ => param.name.clone(),
    };
    (param.location, name)
}

fn params<'a>(
    walker: &mut Walker<'a>,
    out: &mut Changes,
    site: &Rc<str>,
    o: &'a Operation,
    n: &'a Operation,
) {
    // The name as the contract spells it (`Idempotency-Key`), though headers match in any case.
    let describe = |p: &Param| {
        let location = format!("{:?}", p.location).to_lowercase();
        format!("{location} parameter {}", q(&p.name))
    };
    for op in &o.params {
        let key = param_key(o, op);
        let Some(np) = n.params.iter().find(|np| param_key(n, np) == key) else {
            let id = if op.role == Some(ParamRole::IdempotencyKey) {
                RuleId::IdempotencyKeyRemoved
            } else {
                RuleId::RequestParameterRemoved
            };
            out.emit(
                id,
                location(site, &op.pointer),
                format!("the {} was removed", describe(op)),
            );
            continue;
        };
        let at = location(site, &np.pointer);
        if op.name != np.name {
            out.emit(
                RuleId::PathParameterRenamed,
                &at,
                format!(
                    "the path parameter {} is now called {}",
                    q(&op.name),
                    q(&np.name)
                ),
            );
        }
        if op.required != np.required {
            let (id, now) = if np.required {
                (RuleId::RequestParameterBecameRequired, "required")
            } else {
                (RuleId::RequestParameterBecameOptional, "optional")
            };
            out.emit(id, &at, format!("the {} is now {now}", describe(np)));
        }
        if op.style != np.style || op.explode != np.explode {
            out.emit(
                RuleId::RequestParameterSerializationChanged,
                &at,
                format!(
                    "the {} is serialized differently (style {} explode {} → style {} explode {})",
                    describe(np),
                    op.style.as_deref().unwrap_or("default"),
                    op.explode,
                    np.style.as_deref().unwrap_or("default"),
                    np.explode
                ),
            );
        }
        docs(out, &at, &describe(np), &op.docs, &np.docs);
        let pointer = format!("{}/schema", np.pointer);
        walker.shape(
            out,
            site,
            &pointer,
            &op.shape,
            &np.shape,
            Direction::Request,
        );
    }
    for np in &n.params {
        let key = param_key(n, np);
        if o.params.iter().any(|op| param_key(o, op) == key) {
            continue;
        }
        let (id, how) = if np.required {
            (RuleId::RequestRequiredParameterAdded, "required")
        } else {
            (RuleId::RequestOptionalParameterAdded, "optional")
        };
        out.emit(
            id,
            location(site, &np.pointer),
            format!("{} {how} {} was added", article(how), describe(np)),
        );
    }
}

/// A header as both sides of the comparison see it: response headers and the headers a webhook
/// receiver gets.
struct HeaderView<'a> {
    name: &'a str,
    required: bool,
    shape: &'a Shape,
    docs: &'a Docs,
    pointer: String,
}

/// Webhook headers, seen from the receiving server: like response headers.
fn received_headers<'a>(
    walker: &mut Walker<'a>,
    out: &mut Changes,
    site: &Rc<str>,
    old: &'a [Param],
    new: &'a [Param],
) {
    let view = |p: &'a Param| HeaderView {
        name: &p.name,
        required: p.required,
        shape: &p.shape,
        docs: &p.docs,
        pointer: p.pointer.clone(),
    };
    let old: Vec<_> = old.iter().map(view).collect();
    let new: Vec<_> = new.iter().map(view).collect();
    header_sets(walker, out, site, &old, &new);
}

fn response_headers<'a>(
    headers: &'a [Header],
    response_pointer: &str,
) -> Vec<HeaderView<'a>> {
    headers
        .iter()
        .map(|h| HeaderView {
            name: &h.name,
            required: h.required,
            shape: &h.shape,
            docs: &h.docs,
            pointer: pointer_join(&format!("{response_pointer}/headers"), &h.name),
        })
        .collect()
}

fn header_sets<'a>(
    walker: &mut Walker<'a>,
    out: &mut Changes,
    site: &Rc<str>,
    old: &[HeaderView<'a>],
    new: &[HeaderView<'a>],
) {
    for oh in old {
        let Some(nh) = new.iter().find(|h| h.name.eq_ignore_ascii_case(oh.name)) else {
            let id = if oh.required {
                RuleId::ResponseRequiredHeaderRemoved
            } else {
                RuleId::ResponseOptionalHeaderRemoved
            };
            out.emit(
                id,
                location(site, &oh.pointer),
                format!("the header {} was removed", q(oh.name)),
            );
            continue;
        };
        let at = location(site, &nh.pointer);
        if oh.required && !nh.required {
            out.emit(
                RuleId::ResponseHeaderBecameOptional,
                &at,
                format!("the header {} may now be missing", q(oh.name)),
            );
        }
        docs(
            out,
            &at,
            &format!("the header {}", q(nh.name)),
            oh.docs,
            nh.docs,
        );
        walker.shape(
            out,
            site,
            &nh.pointer,
            oh.shape,
            nh.shape,
            Direction::Response,
        );
    }
    for nh in new {
        if !old.iter().any(|h| h.name.eq_ignore_ascii_case(nh.name)) {
            out.emit(
                RuleId::ResponseHeaderAdded,
                location(site, &nh.pointer),
                format!("the header {} was added", q(nh.name)),
            );
        }
    }
}

fn request_body<'a>(
    walker: &mut Walker<'a>,
    out: &mut Changes,
    site: &Rc<str>,
    o: &'a Operation,
    n: &'a Operation,
) {
    let pointer = format!("{}/requestBody", n.pointer);
    let at = location(site, &pointer);
    match (&o.request_body, &n.request_body) {
        (None, None) => {}
        (Some(_), None) => out.emit(
            RuleId::RequestBodyRemoved,
            location(site, &format!("{}/requestBody", o.pointer)),
            "the request body was removed",
        ),
        (None, Some(b)) if b.required => out.emit(
            RuleId::RequestBodyBecameRequired,
            &at,
            "a required request body was added",
        ),
        (None, Some(_)) => out.emit(
            RuleId::RequestBodyAdded,
            &at,
            "an optional request body was added",
        ),
        (Some(a), Some(b)) => {
            if a.required != b.required {
                let (id, message) = if b.required {
                    (
                        RuleId::RequestBodyBecameRequired,
                        "the request body is now required",
                    )
                } else {
                    (
                        RuleId::RequestBodyBecameOptional,
                        "the request body is now optional",
                    )
                };
                out.emit(id, &at, message);
            }
            if a.description != b.description {
                out.emit(
                    RuleId::DocsChanged,
                    &at,
                    "the description of the request body changed",
                );
            }
            contents(
                walker,
                out,
                site,
                &pointer,
                &a.contents,
                &b.contents,
                Direction::Request,
            );
        }
    }
}

fn responses<'a>(
    walker: &mut Walker<'a>,
    out: &mut Changes,
    site: &Rc<str>,
    o: &'a Operation,
    n: &'a Operation,
) {
    for or in &o.responses {
        let Some(nr) = n.responses.iter().find(|r| r.status == or.status) else {
            let id = if or.is_success() {
                RuleId::ResponseSuccessStatusRemoved
            } else {
                RuleId::ResponseErrorStatusRemoved
            };
            let pointer = pointer_join(&format!("{}/responses", o.pointer), &or.status);
            out.emit(
                id,
                location(site, &pointer),
                format!("the {} response was removed", or.status),
            );
            continue;
        };
        let pointer = pointer_join(&format!("{}/responses", n.pointer), &nr.status);
        let at = location(site, &pointer);
        if or.description != nr.description {
            out.emit(
                RuleId::DocsChanged,
                &at,
                format!("the description of the {} response changed", nr.status),
            );
        }
        let old_pointer = pointer_join(&format!("{}/responses", o.pointer), &or.status);
        let olds = response_headers(&or.headers, &old_pointer);
        let news = response_headers(&nr.headers, &pointer);
        header_sets(walker, out, site, &olds, &news);
        contents(
            walker,
            out,
            site,
            &pointer,
            &or.contents,
            &nr.contents,
            Direction::Response,
        );
    }
    for nr in &n.responses {
        if o.responses.iter().any(|r| r.status == nr.status) {
            continue;
        }
        let id = if nr.is_success() {
            RuleId::ResponseSuccessStatusAdded
        } else {
            RuleId::ResponseErrorStatusAdded
        };
        let pointer = pointer_join(&format!("{}/responses", n.pointer), &nr.status);
        out.emit(
            id,
            location(site, &pointer),
            format!("a {} response was added", nr.status),
        );
    }
}

/// Bodies by media type; `pointer` is the request body or response that holds them.
fn contents<'a>(
    walker: &mut Walker<'a>,
    out: &mut Changes,
    site: &Rc<str>,
    pointer: &str,
    old: &'a [Content],
    new: &'a [Content],
    dir: Direction,
) {
    let same =
        |a: &Content, b: &Content| a.media_type.eq_ignore_ascii_case(&b.media_type);
    let (removed, added) = match dir {
        Direction::Request => (
            RuleId::RequestMediaTypeRemoved,
            RuleId::RequestMediaTypeAdded,
        ),
        Direction::Response => (
            RuleId::ResponseMediaTypeRemoved,
            RuleId::ResponseMediaTypeAdded,
        ),
    };
    for oc in old {
        let at = pointer_join(&format!("{pointer}/content"), &oc.media_type);
        let Some(nc) = new.iter().find(|nc| same(oc, nc)) else {
            out.emit(
                removed,
                location(site, &at),
                format!("the content type {} was removed", q(&oc.media_type)),
            );
            continue;
        };
        if let (Some(a), Some(b)) = (&oc.shape, &nc.shape) {
            if oc.kind == ContentKind::EventStream && nc.kind == ContentKind::EventStream
            {
                walker.mark_sse(a, b);
            }
            walker.shape(out, site, &format!("{at}/schema"), a, b, dir);
        }
        if oc.example != nc.example {
            out.emit(
                RuleId::DocsChanged,
                location(site, &at),
                format!("the example of {} changed", q(&nc.media_type)),
            );
        }
    }
    for nc in new.iter().filter(|nc| !old.iter().any(|oc| same(oc, nc))) {
        let at = pointer_join(&format!("{pointer}/content"), &nc.media_type);
        out.emit(
            added,
            location(site, &at),
            format!("the content type {} was added", q(&nc.media_type)),
        );
    }
}

fn show_security(requirements: &[SecurityRequirement]) -> String {
    if requirements.is_empty() {
        return "anonymous access".into();
    }
    requirements
        .iter()
        .map(|r| {
            if r.is_empty() {
                return "anonymous access".to_owned();
            }
            r.iter()
                .map(|(scheme, scopes)| {
                    if scopes.is_empty() {
                        q(scheme)
                    } else {
                        format!(
                            "{} with {}",
                            q(scheme),
                            scopes.iter().map(|s| q(s)).collect::<Vec<_>>().join(" ")
                        )
                    }
                })
                .collect::<Vec<_>>()
                .join(" and ")
        })
        .collect::<Vec<_>>()
        .join(" or ")
}

/// A credential that satisfied `old` satisfies `new` when `new` asks for no scheme or scope
/// beyond `old`'s.
fn covers(new: &SecurityRequirement, old: &SecurityRequirement) -> bool {
    new.iter().all(|(scheme, scopes)| {
        old.get(scheme).is_some_and(|granted| {
            let granted: BTreeSet<&String> = granted.iter().collect();
            scopes.iter().all(|s| granted.contains(s))
        })
    })
}

fn security(
    out: &mut Changes,
    at: &str,
    old: &[SecurityRequirement],
    new: &[SecurityRequirement],
) {
    let normalized =
        |reqs: &[SecurityRequirement]| -> BTreeSet<Vec<(String, BTreeSet<String>)>> {
            reqs.iter()
                .map(|r| {
                    r.iter()
                        .map(|(k, v)| (k.clone(), v.iter().cloned().collect()))
                        .collect()
                })
                .collect()
        };
    if normalized(old) == normalized(new) {
        return;
    }
    let anonymous = |reqs: &[SecurityRequirement]| {
        reqs.is_empty() || reqs.iter().any(|r| r.is_empty())
    };
    let change = format!("from {} to {}", show_security(old), show_security(new));
    if anonymous(old) && !anonymous(new) {
        out.emit(
            RuleId::SecurityAuthRequired,
            at,
            format!("credentials are now required: {change}"),
        );
        return;
    }
    let lost = !anonymous(old) && old.iter().any(|o| !new.iter().any(|n| covers(n, o)));
    if lost {
        out.emit(
            RuleId::SecurityScopeAdded,
            at,
            format!("some credentials are no longer enough: {change}"),
        );
    } else {
        out.emit(
            RuleId::SecurityRelaxed,
            at,
            format!("security requirements relaxed {change}"),
        );
    }
}
