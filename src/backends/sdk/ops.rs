//! `src/ops.rs` of the SDK: a client group per tag, a request builder per operation.
//!
//! `client.generations().create(&body)` returns a builder; optional parameters, the
//! idempotency key, the timeout and the retry budget are set on it, and awaiting it (it is
//! `IntoFuture`) sends the call. Required path, query and header parameters and a required body
//! are arguments of the group method.

use heck::ToUpperCamelCase;
use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::render::{self, docs, docs_of, ident, Import, Items};
use super::syntax;
use super::types::{Scope, Types};
use crate::error::{Error, Result};
use crate::ir::names::{type_name, Namespace};
use crate::ir::{
    Content, ContentKind, Ir, Method, Operation, Param, ParamLocation, ParamRole, Shape,
    StringFormat, Tag, TypeKind, TypeRef,
};

/// Type names of `ops.rs` that builders and groups must not take besides what it imports (see
/// [`reserved_types`]): the crate root's re-export of `bytes::Bytes`.
const ROOT_REEXPORTS: &[&str] = &["Bytes"];

/// Everything a builder or group name could shadow or be shadowed by: the names `ops.rs`
/// imports, the runtime's public types, and the root's re-exports.
fn reserved_types() -> impl Iterator<Item = &'static str> {
    IMPORTS
        .iter()
        .flat_map(|import| import.names.iter().copied())
        .chain(
            super::reserved::runtime_type_names()
                .iter()
                .map(String::as_str),
        )
        .chain(ROOT_REEXPORTS.iter().copied())
}

/// Locals of the generated methods, which arguments must not shadow.
const LOCALS: &[&str] = &[
    "call", "path", "parts", "value", "response", "fetch", "state",
];

/// Methods of `Client` from outside its inherent impls (read from the template, see
/// [`super::reserved::client_methods`]) that a group accessor must not shadow.
const CLIENT_TRAIT_METHODS: &[&str] = &["clone"];

/// Methods every builder has.
const BUILDER_METHODS: &[&str] = &[
    "new",
    "send",
    "timeout",
    "max_retries",
    "idempotency_key",
    "skip_validation",
    "into_future",
    "body",
    "with_response",
    "header",
    "query",
];

pub struct Ops<'a> {
    pub types: &'a Types<'a>,
    /// The SDK has a model catalog, so builders of JSON calls can skip validation.
    pub validation: bool,
}

/// What other generated files need to know about the client's method names.
#[derive(Debug, Default)]
pub struct Summary {
    /// Tag name → the `Client` method that returns its group.
    pub accessors: std::collections::BTreeMap<String, String>,
    /// Tag name → the name of its `wait` method, where it has one.
    pub waits: std::collections::BTreeMap<String, String>,
}

/// A tag's client group, named before it is built (see [`Ops::groups`]).
struct Group<'i> {
    tag: &'i Tag,
    operations: Vec<&'i Operation>,
    /// The group struct (`ModelsApi`) and the `Client` method that returns it.
    name: String,
    accessor: String,
    /// Each operation's request builder.
    builders: Vec<String>,
    /// The group's method names, the operations' claimed; the wait method claims its own.
    methods: Namespace,
}

/// What an operation sends and returns, as chosen from its contents.
struct Plan<'o> {
    body: Option<&'o Content>,
    body_required: bool,
    response: Option<&'o Content>,
}

fn plan<'o>(ir: &Ir, operation: &'o Operation) -> Plan<'o> {
    let preference = |kind: ContentKind| match kind {
        ContentKind::Json => 0,
        ContentKind::Multipart => 1,
        ContentKind::FormUrlEncoded => 2,
        ContentKind::Text => 3,
        ContentKind::Binary => 4,
        ContentKind::EventStream => 5,
    };
    let body = operation.request_body.as_ref().and_then(|b| {
        b.contents
            .iter()
            .filter(|c| c.kind != ContentKind::EventStream)
            // Parts are built from an object's members; the IR makes sure another content is
            // offered when a multipart one has none.
            .filter(|c| {
                c.kind != ContentKind::Multipart
                    || crate::ir::multipart_struct(&ir.types, c).is_some()
            })
            .min_by_key(|c| preference(c.kind))
    });
    let body_required = operation.request_body.as_ref().is_some_and(|b| b.required);
    let response = operation
        .responses
        .iter()
        .find(|r| r.is_success() && !r.contents.is_empty())
        .and_then(|r| {
            // A stream wins over JSON when both are offered: it is what the route is for.
            r.contents
                .iter()
                .find(|c| c.kind == ContentKind::EventStream)
                .or_else(|| r.contents.iter().min_by_key(|c| preference(c.kind)))
        });
    Plan {
        body,
        body_required,
        response,
    }
}

/// The import block of `src/ops.rs`, in rustfmt's order.
const IMPORTS: &[Import] = &[
    Import {
        names: &["Call", "Response"],
        tree: "crate::call::{Call, Response}",
    },
    Import {
        names: &["Client"],
        tree: "crate::client::Client",
    },
    Import {
        names: &["ResponseFuture"],
        tree: "crate::client::ResponseFuture",
    },
    Import {
        names: &["codec"],
        tree: "crate::codec",
    },
    Import {
        names: &["Result"],
        tree: "crate::error::Result",
    },
    Import {
        names: &["types"],
        tree: "crate::types",
    },
    Import {
        names: &["FormPart"],
        tree: "crate::upload::FormPart",
    },
    Import {
        names: &["EventStream"],
        tree: "crate::EventStream",
    },
    Import {
        names: &["WaitOptions"],
        tree: "crate::WaitOptions",
    },
    Import {
        names: &["BoxFuture"],
        tree: "futures_util::future::BoxFuture",
    },
    Import {
        names: &["Method"],
        tree: "reqwest::Method",
    },
    Import {
        names: &["IntoFuture"],
        tree: "std::future::IntoFuture",
    },
    Import {
        names: &["Duration"],
        tree: "std::time::Duration",
    },
];

impl<'a> Ops<'a> {
    /// `src/ops.rs`, formatted one group at a time (see [`render::Module`]).
    pub fn file(&self) -> Result<(String, Summary)> {
        const NAME: &str = "src/ops.rs";
        let ir = self.types.ir;
        let mut summary = Summary::default();
        let groups = self.groups(&mut summary);
        let empty = groups.is_empty();
        // Every name is claimed above, so each group can be built and printed on whichever
        // core is free.
        let mut module = render::Module::new(NAME, IMPORTS);
        let waits = module.push_each(&groups, |group| self.group(group))?;
        let mut accessors = TokenStream::new();
        for (group, wait) in groups.iter().zip(waits) {
            if let Some(name) = wait {
                summary.waits.insert(group.tag.name.clone(), name);
            }
            let name = ident(&group.name)?;
            let accessor = ident(&group.accessor)?;
            let accessor_doc = format!(" The `{}` operations.", group.tag.name);
            accessors.extend(quote! {
                #[doc = #accessor_doc]
                pub fn #accessor(&self) -> #name<'_> {
                    #name(self)
                }
            });
        }
        if empty {
            // A contract without operations (only webhooks, say): nothing to import.
            let module = quote! {
                //! Client groups (one per tag) and request builders (one per operation).
                //! This contract has no operations.
            };
            return Ok((render::file(ir, NAME, module)?, summary));
        }
        let accessors = quote! {
            impl Client {
                #accessors
            }
        };
        let head = quote! {
            //! Client groups (one per tag) and request builders (one per operation).
            //!
            //! A builder is sent by awaiting it, or by its `send` method.
        };
        let file = module.finish(ir, head, accessors)?;
        Ok((file, summary))
    }

    /// The client group of each tag that has operations, in the IR's order, with the names of
    /// the group, its `Client` accessor and its builders claimed in that order: the crate's
    /// names do not depend on which group is built first.
    fn groups(&self, summary: &mut Summary) -> Vec<Group<'a>> {
        let ir: &'a Ir = self.types.ir;
        let mut names = Namespace::new();
        names.reserve(reserved_types());
        let mut accessor_names = Namespace::new();
        accessor_names.reserve(CLIENT_TRAIT_METHODS.iter().copied());
        accessor_names
            .reserve(super::reserved::client_methods().iter().map(String::as_str));
        let mut groups = Vec::new();
        for tag in &ir.tags {
            let operations: Vec<&Operation> =
                ir.operations.iter().filter(|o| o.tag == tag.name).collect();
            if operations.is_empty() {
                continue;
            }
            let name =
                names.claim(&format!("{}Api", tag.rust_name.to_upper_camel_case()));
            let accessor = accessor_names.claim(&tag.rust_name);
            summary.accessors.insert(tag.name.clone(), accessor.clone());
            let mut methods = Namespace::new();
            for operation in &operations {
                methods.claim(&operation.group_method);
            }
            // A type name like any other: operationId `self` must not give `Self`, nor
            // `option` a builder that shadows `Option`.
            let builders = operations
                .iter()
                .map(|operation| names.claim(&type_name(&operation.rust_name)))
                .collect();
            groups.push(Group {
                tag,
                operations,
                name,
                accessor,
                builders,
                methods,
            });
        }
        groups
    }

    /// One tag's items: the group struct with a method per operation (and the wait method,
    /// when one operation fits), and each operation's builder; beside them, the wait method's
    /// name.
    fn group(&self, group: &Group<'_>) -> Result<(Items, Option<String>)> {
        let name = ident(&group.name)?;
        let mut methods = TokenStream::new();
        let mut items = Items::from(TokenStream::new());
        // Every group has a builder.
        items.naming(syntax::builder_names());
        for (operation, builder) in group.operations.iter().zip(&group.builders) {
            let (method, item) = self.operation(operation, &name, &ident(builder)?)?;
            methods.extend(method);
            items.extend(item);
        }
        let mut method_names = group.methods.clone();
        let wait = self.wait_method(&group.operations, &mut method_names)?;
        let wait = wait.map(|(wait_name, wait)| {
            methods.extend(wait);
            wait_name
        });
        let tag_doc = tag_docs(group.tag);
        items.extend(Items::from(quote! {
            #tag_doc
            #[derive(Debug, Clone, Copy)]
            pub struct #name<'a>(&'a Client);
            impl<'a> #name<'a> {
                #methods
            }
        }));
        Ok((items, wait))
    }

    /// The group method and the builder of one operation.
    fn operation(
        &self,
        operation: &Operation,
        group: &Ident,
        builder: &Ident,
    ) -> Result<(TokenStream, Items)> {
        let plan = plan(self.types.ir, operation);
        let method_name = ident(&operation.group_method)?;
        // Argument names: the IR's parameter names, kept off the locals the generated
        // methods use (`call`, `path`, ...), with a suffix where they would collide.
        let mut args = Namespace::new();
        args.reserve(LOCALS.iter().copied());
        let arg_names: Vec<String> = operation
            .params
            .iter()
            .map(|p| args.claim(&p.rust_name))
            .collect();
        let arg = |param: &Param| -> Result<Ident> {
            let index = operation
                .params
                .iter()
                .position(|p| std::ptr::eq(p, param))
                .expect("a parameter of this operation");
            ident(&arg_names[index])
        };
        let mut params = TokenStream::new();
        let mut setup = TokenStream::new();
        let mut setters = TokenStream::new();
        let mut setter_names = Namespace::new();
        setter_names.reserve(BUILDER_METHODS.iter().copied());

        // The path, parameters percent-encoded as single segments.
        let (format, path_args) = path_format(operation)?;
        let path_args = path_args.into_iter().map(arg).collect::<Result<Vec<_>>>()?;
        for param in path_params(operation) {
            let name = arg(param)?;
            let ty = if is_string(&param.shape) {
                quote!(&str)
            } else {
                quote!(impl std::fmt::Display)
            };
            params.extend(quote!(#name: #ty,));
        }
        let path = if path_args.is_empty() {
            quote!(#format.to_owned())
        } else {
            // A template may name one parameter twice (`/{id}/x/{id}`): that one goes by
            // reference, so it is not moved by its first use.
            let segments = path_args.iter().map(|a| {
                if path_args.iter().filter(|b| *b == a).count() > 1 {
                    quote!(codec::segment(&#a))
                } else {
                    quote!(codec::segment(#a))
                }
            });
            quote!(format!(#format, #(#segments),*))
        };

        for param in &operation.params {
            if param.location == ParamLocation::Path
                || param.location == ParamLocation::Cookie
            {
                continue;
            }
            if param.role == Some(ParamRole::IdempotencyKey) {
                let wire = &param.name;
                setup.extend(quote!(call.idempotent(#wire);));
                let doc = docs(param.docs.description.as_deref().unwrap_or(
                    "The idempotency key of this call. Without one, a key is generated for the call \
                     and reused on its retries.",
                ));
                setters.extend(quote! {
                    #doc
                    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
                        self.call.idempotency_key = Some(key.into());
                        self
                    }
                });
                continue;
            }
            let name = arg(param)?;
            let (ty, set) = self.param_setter(param, &name)?;
            if param.required {
                params.extend(quote!(#name: #ty,));
                setup.extend(set);
            } else {
                let setter = ident(&setter_names.claim(&param.rust_name))?;
                let doc = param_docs(param);
                setters.extend(quote! {
                    #doc
                    pub fn #setter(mut self, #name: #ty) -> Self {
                        let call = &mut self.call;
                        #set
                        self
                    }
                });
            }
        }

        if let Some(content) = plan.body {
            let body = ident(&args.claim("body"))?;
            let (ty, by_value) = self.body_type(content)?;
            let arg_ty = if by_value { ty.clone() } else { quote!(&#ty) };
            if plan.body_required {
                params.extend(quote!(#body: #arg_ty,));
                setup.extend(self.attach(content, &body, quote!(call))?);
            } else {
                let attach = self.attach(content, &body, quote!(self.call))?;
                setters.extend(quote! {
                    /// Sets the request body.
                    pub fn body(mut self, #body: #arg_ty) -> Self {
                        #attach
                        self
                    }
                });
            }
            if self.validation && content.kind == ContentKind::Json {
                setters.extend(quote! {
                    /// Sends the call without the local checks against the model catalog.
                    pub fn skip_validation(mut self) -> Self {
                        self.call.validate = false;
                        self
                    }
                });
            }
        }

        let (output, finish) = self.response(plan.response)?;
        let streaming = plan
            .response
            .is_some_and(|c| c.kind == ContentKind::EventStream)
            .then(|| quote!(call.streaming();));
        let auth = operation
            .security
            .iter()
            .any(|requirement| !requirement.is_empty())
            .then(|| quote!(call.authenticated();));
        let mutable = (streaming.is_some() || auth.is_some() || !setup.is_empty())
            .then(|| quote!(mut));
        let http_method = http_method(operation.method);
        let operation_id = &operation.id;

        let doc = operation_docs(operation);
        let deprecated = operation.deprecated.then(|| quote!(#[deprecated]));
        let method = quote! {
            #doc
            #deprecated
            pub fn #method_name(&self, #params) -> #builder<'a> {
                let path = #path;
                let #mutable call = Call::new(#http_method, #operation_id, path);
                #auth
                #streaming
                #setup
                #builder::new(self.0, call)
            }
        };
        let builder_doc = format!(
            " A `{} {}` call, from [`{group}::{method_name}`]. Await it to send it.",
            operation.method.as_str(),
            operation.path
        );
        let item = syntax::builder(builder, &builder_doc, setters, output, finish)?;
        Ok((method, item))
    }

    /// The argument type of a query or header parameter and the statements that put it on
    /// `call` (a `&mut Call` or `Call` named `call`).
    fn param_setter(
        &self,
        param: &Param,
        name: &Ident,
    ) -> Result<(TokenStream, TokenStream)> {
        let wire = &param.name;
        let string = is_string(&param.shape);
        let ty = if string {
            quote!(impl Into<String>)
        } else {
            self.types.shape(&param.shape, Scope::Elsewhere)?
        };
        let value = if string {
            quote!(#name.into())
        } else {
            quote!(codec::text(&#name))
        };
        let set = match (param.location, &param.shape.ty) {
            (ParamLocation::Query, TypeRef::List { .. }) => {
                let explode = param.explode;
                quote!(call.query_list(#wire, codec::texts(&#name), #explode);)
            }
            (ParamLocation::Query, _) => quote!(call.query(#wire, #value);),
            _ => quote!(call.header(#wire, #value);),
        };
        Ok((ty, set))
    }

    /// The body's argument type, and whether it is taken by value.
    fn body_type(&self, content: &Content) -> Result<(TokenStream, bool)> {
        let types = self.types;
        let shape_ty = || -> Result<TokenStream> {
            match &content.shape {
                Some(shape) => types.shape(shape, Scope::Elsewhere),
                None => Ok(quote!(serde_json::Value)),
            }
        };
        Ok(match content.kind {
            ContentKind::Json | ContentKind::FormUrlEncoded => (shape_ty()?, false),
            ContentKind::Text => (quote!(impl Into<String>), true),
            ContentKind::Binary | ContentKind::EventStream => {
                (quote!(impl Into<bytes::Bytes>), true)
            }
            // By reference, like every other body: its file parts are cheap to clone.
            ContentKind::Multipart => {
                let name = multipart_type(content)?;
                (types.named(name, Scope::Elsewhere)?, false)
            }
        })
    }

    /// The statements that put the body `body` on `call`.
    fn attach(
        &self,
        content: &Content,
        body: &Ident,
        call: TokenStream,
    ) -> Result<TokenStream> {
        let types = self.types;
        Ok(match content.kind {
            ContentKind::Json => quote!(#call.json(#body);),
            ContentKind::FormUrlEncoded => quote!(#call.form(#body);),
            ContentKind::Text => quote!(#call.text(#body.into());),
            ContentKind::Binary | ContentKind::EventStream => {
                quote!(#call.binary(#body.into());)
            }
            ContentKind::Multipart => {
                let name = multipart_type(content)?;
                let def = types.def(name)?;
                let TypeKind::Struct { fields, .. } = &def.kind else {
                    return Err(Error::Internal(format!(
                        "the multipart body {name} is not an object schema"
                    )));
                };
                let mut parts = TokenStream::new();
                for field in fields {
                    let member = ident(&field.rust_name)?;
                    let wire = &field.name;
                    let encoding = content.parts.iter().find(|p| &p.name == wire);
                    let mime = encoding
                        .and_then(|p| p.content_type.as_deref())
                        .filter(|m| !m.contains('*') && !m.contains(','));
                    let mime = match mime {
                        Some(m) => quote!(Some(#m)),
                        None => quote!(None),
                    };
                    let is_file = super::types::is_binary(&field.shape);
                    let optional = !field.required
                        || (field.shape.nullable
                            && !matches!(field.shape.ty, TypeRef::Any));
                    let part = if is_file {
                        quote!(FormPart::file(#wire, value.clone(), #mime))
                    } else {
                        quote!(FormPart::text(#wire, codec::text(value)))
                    };
                    parts.extend(if optional {
                        quote! {
                            if let Some(value) = &#body.#member {
                                parts.push(#part);
                            }
                        }
                    } else {
                        quote! {
                            let value = &#body.#member;
                            parts.push(#part);
                        }
                    });
                }
                quote! {
                    let mut parts = Vec::new();
                    #parts
                    #call.multipart(parts);
                }
            }
        })
    }

    /// The output type of `send` and the statements that decode `response`.
    fn response(&self, content: Option<&Content>) -> Result<(TokenStream, TokenStream)> {
        let types = self.types;
        let Some(content) = content else {
            return Ok((quote!(()), quote!(Response::empty)));
        };
        let shape_ty = || -> Result<TokenStream> {
            match &content.shape {
                Some(shape) => types.shape(shape, Scope::Elsewhere),
                None => Ok(quote!(serde_json::Value)),
            }
        };
        Ok(match content.kind {
            ContentKind::Json => (shape_ty()?, quote!(Response::json)),
            ContentKind::EventStream => {
                let event = shape_ty()?;
                (quote!(EventStream<#event>), quote!(Response::event_stream))
            }
            ContentKind::Text => (quote!(String), quote!(Response::text)),
            ContentKind::Binary
            | ContentKind::Multipart
            | ContentKind::FormUrlEncoded => {
                (quote!(bytes::Bytes), quote!(Response::bytes))
            }
        })
    }

    /// `wait(id, options)` for a group whose `get` returns a task with a terminal status.
    fn wait_method(
        &self,
        operations: &[&Operation],
        names: &mut Namespace,
    ) -> Result<Option<(String, TokenStream)>> {
        let types = self.types;
        for operation in operations {
            if operation.method != Method::Get || operation.request_body.is_some() {
                continue;
            }
            let path: Vec<&Param> = path_params(operation).collect();
            let others = operation
                .params
                .iter()
                .any(|p| p.location != ParamLocation::Path && p.required);
            if path.len() != 1 || others || !is_string(&path[0].shape) {
                continue;
            }
            let plan = plan(self.types.ir, operation);
            let Some(name) = plan
                .response
                .filter(|c| c.kind == ContentKind::Json)
                .and_then(|c| c.shape.as_ref())
                .filter(|s| !s.nullable)
                .and_then(Shape::named)
            else {
                continue;
            };
            let def = types.def(name)?;
            let TypeKind::Struct { fields, .. } = &def.kind else {
                continue;
            };
            let Some(status) = fields
                .iter()
                .find(|f| f.name == "status" && f.required && !f.shape.nullable)
            else {
                continue;
            };
            let Some(status_def) =
                status.shape.named().and_then(|n| types.ir.types.get(n))
            else {
                continue;
            };
            let TypeKind::StringEnum { values } = &status_def.kind else {
                continue;
            };
            const TERMINAL: &[&str] = &[
                "succeeded",
                "failed",
                "canceled",
                "cancelled",
                "expired",
                "completed",
            ];
            let terminal: Vec<Ident> = values
                .iter()
                .filter(|v| v.value.as_str().is_some_and(|s| TERMINAL.contains(&s)))
                .map(|v| ident(&v.rust_name))
                .collect::<Result<_>>()?;
            if !values.iter().any(|v| v.value.as_str() == Some("succeeded")) {
                continue;
            }
            let wait_name = names.claim("wait");
            let wait = ident(&wait_name)?;
            let get = ident(&operation.group_method)?;
            let ty = types.named(name, Scope::Elsewhere)?;
            let status_ty = types.named(&status_def.name, Scope::Elsewhere)?;
            let status_field = ident(&status.rust_name)?;
            let listed: Vec<String> = values
                .iter()
                .filter_map(|v| v.value.as_str())
                .filter(|s| TERMINAL.contains(s))
                .map(|s| format!("`{s}`"))
                .collect();
            let doc = format!(
                " Polls [`Self::{get}`] until the task is terminal ({}) or `options.timeout` \
                 has passed ([`Error::WaitTimeout`](crate::Error::WaitTimeout)). Polls start \
                 at `options.interval` apart and grow by half up to `options.max_interval`.",
                listed.join(", ")
            );
            return Ok(Some((
                wait_name,
                quote! {
                    #[doc = #doc]
                    pub async fn #wait(&self, id: &str, options: WaitOptions) -> Result<#ty> {
                        let fetch = || self.#get(id).send();
                        let state = |task: &#ty| {
                            let terminal = [#(#status_ty::#terminal),*];
                            let status = &task.#status_field;
                            (terminal.contains(status), status.to_string())
                        };
                        crate::wait::poll(id, options, fetch, state).await
                    }
                },
            )));
        }
        Ok(None)
    }
}

fn path_params(operation: &Operation) -> impl Iterator<Item = &Param> {
    operation
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::Path)
}

/// The path as a `format!` string with `{}` per parameter, and the parameters in order.
fn path_format(operation: &Operation) -> Result<(String, Vec<&Param>)> {
    let mut format = String::new();
    let mut args = Vec::new();
    let mut rest = operation.path.as_str();
    while let Some(start) = rest.find('{') {
        let Some(end) = rest[start..].find('}') else {
            break;
        };
        format.push_str(&rest[..start].replace('}', "}}"));
        let name = &rest[start + 1..start + end];
        let param = path_params(operation)
            .find(|p| p.name == name)
            .ok_or_else(|| {
                Error::Internal(format!(
                    "{}: the path names {{{name}}} but no path parameter {name} is declared",
                    operation.pointer
                ))
            })?;
        format.push_str("{}");
        args.push(param);
        rest = &rest[start + end + 1..];
    }
    format.push_str(&rest.replace('{', "{{").replace('}', "}}"));
    Ok((format, args))
}

fn is_string(shape: &Shape) -> bool {
    matches!(
        shape.ty,
        TypeRef::String {
            format: None
                | Some(
                    StringFormat::Uuid
                        | StringFormat::Uri
                        | StringFormat::Email
                        | StringFormat::Hostname
                        | StringFormat::Password
                        | StringFormat::Other(_)
                        | StringFormat::Byte
                        | StringFormat::Ipv4
                        | StringFormat::Ipv6
                        | StringFormat::Time
                        | StringFormat::Duration
                )
        }
    ) && !shape.nullable
}

fn http_method(method: Method) -> TokenStream {
    match method {
        Method::Get => quote!(Method::GET),
        Method::Put => quote!(Method::PUT),
        Method::Post => quote!(Method::POST),
        Method::Delete => quote!(Method::DELETE),
        Method::Options => quote!(Method::OPTIONS),
        Method::Head => quote!(Method::HEAD),
        Method::Patch => quote!(Method::PATCH),
        Method::Trace => quote!(Method::TRACE),
    }
}

fn multipart_type(content: &Content) -> Result<&str> {
    content
        .shape
        .as_ref()
        .and_then(Shape::named)
        .ok_or_else(|| {
            Error::Internal(
                "a multipart body must be described by a named object schema".into(),
            )
        })
}

fn operation_docs(operation: &Operation) -> TokenStream {
    let mut text = String::new();
    for part in [&operation.summary, &operation.description]
        .into_iter()
        .flatten()
    {
        let part = part.trim();
        if !part.is_empty() {
            if !text.is_empty() {
                text.push_str("\n\n");
            }
            text.push_str(part);
        }
    }
    if !text.is_empty() {
        text.push_str("\n\n");
    }
    text.push_str(&format!(
        "`{} {}`",
        operation.method.as_str(),
        operation.path
    ));
    let scopes: Vec<String> = operation
        .security
        .iter()
        .flat_map(|r| r.values().flatten().cloned())
        .collect();
    if !scopes.is_empty() {
        text.push_str(&format!(" (scope `{}`)", scopes.join("`, `")));
    }
    if operation.security.iter().any(|r| r.is_empty()) {
        text.push_str("; may be called without an API key");
    }
    text.push('.');
    docs(&text)
}

fn param_docs(param: &Param) -> TokenStream {
    let doc = docs_of(&[param.docs.description.as_deref()]);
    if doc.is_empty() {
        docs(&format!("Sets the `{}` parameter.", param.name))
    } else {
        doc
    }
}

fn tag_docs(tag: &Tag) -> TokenStream {
    let mut text = format!("The `{}` operations.", tag.name);
    if let Some(description) = &tag.description {
        text.push_str("\n\n");
        text.push_str(description);
    }
    docs(&text)
}
