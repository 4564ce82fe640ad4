//! `src/types.rs` of the SDK: one serde type per IR type.
//!
//! Choices (see the crate README for the user-facing side):
//! - required → `T`; not required → `Option<T>`, left out when `None`; required + nullable →
//!   `Option<T>` sent as an explicit `null`; optional + nullable → `Nullable<T>` (absent, null
//!   or a value) in types that are sent, `Option<T>` in types that are only received.
//! - enums that are received keep unknown values (`Unknown(String)`), tagged unions unknown
//!   events (`Unknown(serde_json::Value)`), untagged unions any value they cannot match.
//! - `const` members are zero-sized types in `types::consts` that serialize as their constant
//!   and accept only it (so they still tell untagged variants apart); they default, so a tag
//!   member that a tagged union's decoder already read is never a problem.
//! - date-time → `chrono::DateTime<chrono::Utc>`, date → `chrono::NaiveDate` (chrono's serde
//!   impls compose through `Option`, `Vec` and maps without per-field attributes).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicBool, Ordering};

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::render::{self, docs, ident, joined_docs, Items};
use super::syntax::{self, Decode, Encode, Methods, Parameter, StringEnum};
use crate::error::{Error, Result};
use crate::ir::names::{variant_name, Namespace};
use crate::ir::{
    ContentKind, Field, Ir, Shape, StringFormat, TypeDef, TypeKind, TypeRef, Variant,
};

/// Where type paths are written from: inside `types.rs`, or from another module of the crate.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Types,
    Elsewhere,
}

/// Shared knowledge about the types of the crate.
pub struct Types<'a> {
    pub ir: &'a Ir,
    /// Constant values (as JSON text) → the zero-sized type that stands for them.
    /// (Names, not `Ident`s: those cannot cross threads, and the SDK backend renders on two.)
    consts: BTreeMap<String, (serde_json::Value, String)>,
    /// Types sent as multipart forms: their binary members are `FilePart`s, not serde values.
    pub forms: BTreeSet<String>,
    /// Types that need `Serialize` (sent), and types that need `Deserialize` (received).
    sent: BTreeSet<String>,
    received: BTreeSet<String>,
    /// Types defined by an identical twin → that twin (see `dedupe`).
    canonical: BTreeMap<String, String>,
    codec_used: CodecUse,
}

/// Whether emitted impls use `codec`: some unconditionally, or only behind the feature.
#[derive(Default)]
struct CodecUse {
    always: AtomicBool,
    gated: AtomicBool,
}

impl CodecUse {
    /// Notes a use of `codec` in an impl carrying `gate` (empty, or the feature's `cfg`).
    fn note(&self, gate: &TokenStream) {
        let flag = if gate.is_empty() {
            &self.always
        } else {
            &self.gated
        };
        flag.store(true, Ordering::Relaxed);
    }
}

impl<'a> Types<'a> {
    pub fn new(ir: &'a Ir) -> Result<Types<'a>> {
        let mut values = BTreeMap::new();
        let mut visit = |shape: &Shape| collect_consts(shape, &mut values);
        for def in ir.types.values() {
            match &def.kind {
                TypeKind::Struct { fields, additional } => {
                    fields.iter().for_each(|f| visit(&f.shape));
                    if let Some(additional) = additional {
                        visit(additional);
                    }
                }
                TypeKind::TaggedUnion { variants, .. }
                | TypeKind::UntaggedUnion { variants } => {
                    variants.iter().for_each(|v| visit(&v.shape))
                }
                TypeKind::Alias { target } => visit(target),
                TypeKind::StringEnum { .. } | TypeKind::IntegerEnum { .. } => {}
            }
        }
        for operation in &ir.operations {
            operation.params.iter().for_each(|p| visit(&p.shape));
            let bodies = operation.request_body.iter().flat_map(|b| &b.contents);
            let responses = operation.responses.iter().flat_map(|r| &r.contents);
            for content in bodies.chain(responses) {
                if let Some(shape) = &content.shape {
                    visit(shape);
                }
            }
        }
        let mut namespace = Namespace::new();
        let mut consts = BTreeMap::new();
        for (text, value) in values {
            let label = value.as_str().map(str::to_owned).unwrap_or(text.clone());
            let name = namespace.claim(&variant_name(&label));
            ident(&name)?;
            consts.insert(text, (value, name));
        }
        let mut forms = BTreeSet::new();
        for operation in &ir.operations {
            for content in operation.request_body.iter().flat_map(|b| &b.contents) {
                if content.kind == ContentKind::Multipart {
                    if let Some(name) = content.shape.as_ref().and_then(Shape::named) {
                        forms.insert(name.to_owned());
                    }
                }
            }
        }
        // Types no operation names could go either way: they and what they contain get both.
        let unused = ir
            .types
            .values()
            .filter(|d| !d.in_request && !d.in_response);
        // So do the media types the catalog's typed params (which derive both) contain.
        let media = ir
            .catalog
            .iter()
            .flat_map(|_| ["ChatAttachment", "MediaKind", "ReferenceMediaItem"])
            .filter(|name| ir.types.contains_key(*name));
        let either_way = crate::ir::reachable(
            &ir.types,
            unused.map(|d| &*d.name).chain(media).collect(),
        );
        let with = |side: fn(&TypeDef) -> bool| -> BTreeSet<String> {
            let named = ir
                .types
                .values()
                .filter(|d| side(d))
                .map(|d| d.name.clone());
            named
                .chain(either_way.iter().map(|name| (*name).to_owned()))
                .collect()
        };
        let sent = with(|d| d.in_request);
        let received = with(|d| d.in_response);
        let impls = |d: &TypeDef| (sent.contains(&d.name), received.contains(&d.name));
        let canonical = super::dedupe::canonical_names(ir, &forms, impls)?;
        Ok(Types {
            ir,
            consts,
            forms,
            sent,
            received,
            canonical,
            codec_used: CodecUse::default(),
        })
    }

    pub fn def(&self, name: &str) -> Result<&'a TypeDef> {
        self.ir
            .types
            .get(name)
            .ok_or_else(|| Error::Internal(format!("the IR has no type named {name}")))
    }

    /// The path of a named type (of its canonical twin, when it has one).
    pub fn named(&self, name: &str, from: Scope) -> Result<TokenStream> {
        let name = self.canonical.get(name).map_or(name, String::as_str);
        let ident = ident(&self.def(name)?.rust_name)?;
        Ok(match from {
            Scope::Types => quote!(#ident),
            Scope::Elsewhere => quote!(types::#ident),
        })
    }

    /// The Rust type of a value, `Option` included when it may be `null`.
    pub fn shape(&self, shape: &Shape, from: Scope) -> Result<TokenStream> {
        let base = self.base(&shape.ty, from)?;
        Ok(if shape.nullable && !matches!(shape.ty, TypeRef::Any) {
            quote!(Option<#base>)
        } else {
            base
        })
    }

    /// The Rust type of a value that is never `null`.
    pub fn base(&self, ty: &TypeRef, from: Scope) -> Result<TokenStream> {
        Ok(match ty {
            TypeRef::Named { name } => self.named(name, from)?,
            TypeRef::String { format } => match format {
                Some(StringFormat::DateTime) => quote!(chrono::DateTime<chrono::Utc>),
                Some(StringFormat::Date) => quote!(chrono::NaiveDate),
                _ => quote!(String),
            },
            TypeRef::Integer { format } => match format {
                Some(crate::ir::IntegerFormat::Int32) => quote!(i32),
                _ => quote!(i64),
            },
            TypeRef::Number { .. } => quote!(f64),
            TypeRef::Boolean => quote!(bool),
            TypeRef::Const { value } => {
                let ident = self.const_ident(value)?;
                match from {
                    Scope::Types => quote!(consts::#ident),
                    Scope::Elsewhere => quote!(types::consts::#ident),
                }
            }
            TypeRef::List { items } => {
                let items = self.shape(items, from)?;
                quote!(Vec<#items>)
            }
            TypeRef::Map { values } => {
                if matches!(values.ty, TypeRef::Any) {
                    quote!(serde_json::Map<String, serde_json::Value>)
                } else {
                    let values = self.shape(values, from)?;
                    quote!(std::collections::BTreeMap<String, #values>)
                }
            }
            TypeRef::Any => quote!(serde_json::Value),
        })
    }

    fn const_ident(&self, value: &serde_json::Value) -> Result<Ident> {
        let (_, name) = self
            .consts
            .get(&value.to_string())
            .ok_or_else(|| Error::Internal(format!("constant {value} not collected")))?;
        ident(name)
    }

    /// `src/types.rs`, formatted.
    pub fn file(&self) -> Result<String> {
        let parts: Vec<Option<&TypeDef>> =
            self.ir.types.values().map(Some).chain([None]).collect();
        // Each type, then the `consts` module.
        let chunk = |part: &Option<&TypeDef>| match part {
            Some(def) => self.type_def(def),
            None => Ok(self.consts_module()),
        };
        // The `consts` module is one part as large as a few hundred types.
        let consts = Some(parts.len() - 1);
        render::chunked_file(self.ir, "src/types.rs", &parts, consts, chunk, || {
            // Imported only when used, and only under the feature when only impls behind the
            // feature use it.
            let used = &self.codec_used;
            let always = used.always.load(Ordering::Relaxed);
            let codec = match (always, used.gated.load(Ordering::Relaxed)) {
                (true, _) => quote!(
                    use crate::codec;
                ),
                (false, true) => quote!(
                    #[cfg(feature = #FULL_SERDE)]
                    use crate::codec;
                ),
                (false, false) => quote!(),
            };
            quote! {
                //! The contract's schemas as Rust types.
                #codec
            }
        })
    }

    fn consts_module(&self) -> Items {
        syntax::consts_module(self.consts.iter().map(|(text, (value, name))| {
            syntax::Constant {
                ident: format_ident!("{name}"),
                doc: format!(" The constant `{text}`."),
                json: text,
                string: value.as_str(),
            }
        }))
    }

    fn type_def(&self, def: &TypeDef) -> Result<Items> {
        let name = ident(&def.rust_name)?;
        let fallback = format!("The `{}` schema.", def.name);
        let text =
            joined_docs(&[def.docs.title.as_deref(), def.docs.description.as_deref()]);
        // An alias is the most common item of a large contract (every type with a twin is
        // one), so it is built whole rather than written as tokens and parsed.
        let aliased = match (self.canonical.get(&def.name), &def.kind) {
            (Some(twin), _) => Some(self.named(twin, Scope::Types)?),
            (None, TypeKind::Alias { target }) => {
                Some(self.shape(target, Scope::Types)?)
            }
            (None, _) => None,
        };
        if let Some(target) = aliased {
            let mut attrs = syntax::docs(&text);
            if attrs.is_empty() {
                attrs = syntax::docs(&fallback);
            }
            if def.docs.deprecated {
                attrs.push(syntax::deprecated());
            }
            return syntax::type_alias(attrs, &name, target);
        }
        let mut doc = docs(&text);
        if doc.is_empty() {
            doc = docs(&fallback);
        }
        let deprecated = def.docs.deprecated.then(|| quote!(#[deprecated]));
        // Every struct and enum is `#[non_exhaustive]`, so the crate's semver is the API's:
        // a member or value the API may add compatibly (an optional field, a response enum
        // value, a request enum value) is a minor release for Rust users too. Sent structs
        // are built with `new` (or `Default`) and the setters, received ones are read.
        let attrs = quote!(#doc #deprecated #[non_exhaustive]);
        match &def.kind {
            TypeKind::Struct { fields, additional } => {
                if self.forms.contains(&def.name) {
                    self.form_struct(def, &name, attrs, fields)
                } else {
                    self.struct_def(def, &name, attrs, fields, additional.as_deref())
                }
            }
            TypeKind::StringEnum { values } => {
                let values = values
                    .iter()
                    .map(|v| {
                        let text = v.value.as_str().map(str::to_owned);
                        Ok((ident(&v.rust_name)?, text.unwrap_or(v.value.to_string())))
                    })
                    .collect::<Result<Vec<_>>>()?;
                let gates = serde_gates(self, def);
                self.codec_used.note(&gates.1);
                string_enum(def, &name, attrs, &values, gates)
            }
            TypeKind::IntegerEnum { values } => {
                let values = values
                    .iter()
                    .map(|v| {
                        let number = v.value.as_i64().ok_or_else(|| {
                            Error::Internal(format!(
                                "{}: enum value {} is not an integer",
                                def.pointer, v.value
                            ))
                        })?;
                        Ok((ident(&v.rust_name)?, number))
                    })
                    .collect::<Result<Vec<_>>>()?;
                let gates = serde_gates(self, def);
                self.codec_used.note(&gates.1);
                Ok(integer_enum(def, &name, attrs, &values, gates).into())
            }
            TypeKind::TaggedUnion { tag, variants } => self
                .tagged_union(def, &name, attrs, tag, variants)
                .map(Items::from),
            TypeKind::UntaggedUnion { variants } => {
                self.untagged_union(def, &name, attrs, variants)
            }
            TypeKind::Alias { .. } => {
                unreachable!("an alias is built above, whether or not it has a twin")
            }
        }
    }

    fn struct_def(
        &self,
        def: &TypeDef,
        name: &Ident,
        attrs: TokenStream,
        fields: &[Field],
        additional: Option<&Shape>,
    ) -> Result<Items> {
        let mut members = Vec::new();
        let mut decode = Decode::new();
        let mut encode = Encode::new();
        let mut all_default = true;
        let mut required = Vec::new();
        let mut optional = Vec::new();
        let mut defaulted = Vec::new();
        let mut debug = TokenStream::new();
        let mut hidden_lets = TokenStream::new();
        let mut redacts = false;
        for field in fields {
            let member = self.member(def, field)?;
            all_default &= member.defaults;
            let ident = ident(&field.rust_name)?;
            let shown = &field.rust_name;
            if is_file_detail(def, field) {
                redacts = true;
                let hidden = match member.wrap {
                    Wrap::Option => {
                        hidden_lets.extend(
                            quote!(let #ident = crate::secret::redacted(&self.#ident);),
                        );
                        quote!(&#ident)
                    }
                    _ => quote!(&crate::secret::Redacted),
                };
                debug.extend(quote!(.field(#shown, #hidden)));
            } else if def.in_request && is_free_form(&field.shape) {
                redacts = true;
                debug.extend(
                    quote!(.field(#shown, &crate::secret::FileDetailsHidden(&self.#ident))),
                );
            } else {
                debug.extend(quote!(.field(#shown, &self.#ident)));
            }
            if member.defaults {
                defaulted.push((ident.clone(), member.unset()));
            }
            let mut attrs = member.doc.clone();
            if field.docs.deprecated {
                attrs.push(syntax::deprecated());
            }
            members.push(syntax::member(attrs, &ident, member.ty.clone())?);
            let wire = &field.name;
            let read = match member.read {
                Read::Required => "required",
                Read::Optional => "optional",
                Read::Nullable => "nullable",
                Read::Defaulted => "defaulted",
            };
            decode.member(&ident, read, wire);
            let write = match member.write {
                Write::Always => Some("member"),
                Write::UnlessNone => Some("optional"),
                Write::UnlessAbsent => Some("nullable"),
                Write::Never => None,
            };
            if let Some(write) = write {
                encode.member(write, wire, &ident);
            }
            match member.wrap {
                Wrap::Plain if !member.defaults => required.push((ident, field, member)),
                _ if !member.defaults || (field.read_only && def.in_request) => {}
                Wrap::Plain => {}
                Wrap::Option | Wrap::Nullable => optional.push((ident, field, member)),
            }
        }
        if let Some(additional) = additional {
            let taken = fields.iter().map(|f| f.rust_name.as_str());
            let mut namespace = Namespace::new();
            namespace.reserve(taken);
            let extra = ident(&namespace.claim("additional_properties"))?;
            let ty = if matches!(additional.ty, TypeRef::Any) {
                quote!(serde_json::Map<String, serde_json::Value>)
            } else {
                let values = self.shape(additional, Scope::Types)?;
                quote!(std::collections::BTreeMap<String, #values>)
            };
            let doc = syntax::doc(" Members beyond the ones named above.");
            members.push(syntax::member(vec![doc], &extra, ty)?);
            decode.rest(&extra);
            encode.rest(&extra);
            defaulted.push((extra, syntax::call(&["Default", "default"], Vec::new())));
        }
        let default = all_default.then(|| quote!(Default,));
        // Types no operation names (ReferenceMediaItem, which goes inside a free-form
        // `params`) are built by callers too.
        let built_by_callers = def.in_request || !def.in_response;
        let for_model = if built_by_callers {
            self.for_model(name, &required, &optional)
        } else {
            TokenStream::new()
        };
        let constructors = if built_by_callers {
            constructors(name, &required, &optional, defaulted)
        } else {
            Items::from(TokenStream::new())
        };
        let (sent, received) = serde_gates(self, def);
        self.codec_used.note(&sent);
        self.codec_used.note(&received);
        // Temporary file details are never printed, like secrets: `Debug` is written out.
        let (derive_debug, debug_impl) = if redacts {
            if additional.is_some() {
                debug.extend(quote!(.finish_non_exhaustive()));
            } else {
                debug.extend(quote!(.finish()));
            }
            let shown = name.to_string();
            let debug_impl = quote! {
                impl std::fmt::Debug for #name {
                    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        #hidden_lets
                        f.debug_struct(#shown) #debug
                    }
                }
            };
            (TokenStream::new(), debug_impl)
        } else {
            (quote!(Debug,), TokenStream::new())
        };
        let attrs = quote! {
            #attrs
            #[derive(#derive_debug Clone, PartialEq, #default)]
        };
        let mut items = syntax::struct_def(name, attrs, members)?;
        items.extend(Items::from(debug_impl));
        items.extend(constructors);
        items.extend(Items::from(for_model));
        items.extend(encode.into_impl(name, sent));
        items.extend(decode.into_impl(name, received));
        Ok(items)
    }

    /// Whether the type arrives as the events of a server-sent event stream.
    fn streamed(&self, name: &str) -> bool {
        self.ir.operations.iter().any(|operation| {
            operation
                .responses
                .iter()
                .flat_map(|r| &r.contents)
                .any(|c| {
                    c.kind == crate::ir::ContentKind::EventStream
                        && c.shape.as_ref().and_then(|s| s.named()) == Some(name)
                })
        })
    }

    /// `for_model(params)` on a request that names a catalog model and carries its `params`
    /// (the generation request): the model ID comes from the typed parameters, so the two
    /// cannot disagree.
    fn for_model(
        &self,
        name: &Ident,
        required: &[(Ident, &Field, Member)],
        optional: &[(Ident, &Field, Member)],
    ) -> TokenStream {
        let Some(catalog) = &self.ir.catalog else {
            return TokenStream::new();
        };
        if !catalog.models.iter().any(|m| m.kind != "chat") {
            return TokenStream::new();
        }
        let names_model = matches!(required, [(ident, _, member)]
            if ident == "model" && member.base.to_string() == "String");
        let takes_params = optional.iter().any(|(ident, _, member)| {
            ident == "params"
                && member.base.to_string()
                    == "serde_json :: Map < String , serde_json :: Value >"
        });
        if !names_model || !takes_params {
            return TokenStream::new();
        }
        quote! {
            impl #name {
                /// A request for the model `params` are typed for, with those parameters: the
                /// model ID is taken from them, so it cannot name another model by accident.
                pub fn for_model<P: crate::catalog::ModelParams>(params: P) -> Self {
                    Self::new(P::MODEL_ID).params(params)
                }
            }
        }
    }

    /// A multipart form: no serde, file members are `FilePart`s.
    fn form_struct(
        &self,
        def: &TypeDef,
        name: &Ident,
        attrs: TokenStream,
        fields: &[Field],
    ) -> Result<Items> {
        let mut members = TokenStream::new();
        let mut required = Vec::new();
        let mut optional = Vec::new();
        let mut defaulted = Vec::new();
        for field in fields {
            let mut member = self.member(def, field)?;
            if is_binary(&field.shape) {
                member.base = quote!(crate::FilePart);
                member.ty = match member.wrap {
                    Wrap::Plain => quote!(crate::FilePart),
                    _ => quote!(Option<crate::FilePart>),
                };
            } else if member.wrap == Wrap::Nullable {
                // A form field is either sent or not: there is no `null` to send.
                let base = &member.base;
                member.ty = quote!(Option<#base>);
                member.wrap = Wrap::Option;
            }
            let ident = ident(&field.rust_name)?;
            if member.defaults {
                defaulted.push((ident.clone(), member.unset()));
            }
            let doc = &member.doc;
            let ty = &member.ty;
            members.extend(quote!(#(#doc)* pub #ident: #ty,));
            match member.wrap {
                Wrap::Plain if !member.defaults => required.push((ident, field, member)),
                Wrap::Plain => {}
                _ => optional.push((ident, field, member)),
            }
        }
        let mut items = Items::from(quote! {
            #attrs
            #[derive(Debug, Clone)]
            pub struct #name {
                #members
            }
        });
        items.extend(constructors(name, &required, &optional, defaulted));
        Ok(items)
    }

    fn member(&self, def: &TypeDef, field: &Field) -> Result<Member> {
        let mut doc =
            syntax::docs(field.docs.description.as_deref().unwrap_or_default());
        if let Some(default) = &field.shape.default {
            let note = format!("Defaults to `{default}` when left out.");
            if !doc.is_empty() {
                doc.push(syntax::doc(""));
            }
            doc.extend(syntax::docs(&note));
        }
        if doc.is_empty() {
            doc = syntax::docs(&format!("The `{}` member.", field.name));
        }
        let base = if is_secret(field) {
            quote!(crate::Secret)
        } else {
            self.base(&field.shape.ty, Scope::Types)?
        };
        let unboxed = base.clone();
        let base = if field.needs_indirection {
            quote!(Box<#base>)
        } else {
            base
        };
        let is_const = matches!(field.shape.ty, TypeRef::Const { .. });
        let nullable = field.shape.nullable && !matches!(field.shape.ty, TypeRef::Any);
        let required = field.required && !(field.write_only && def.in_response);
        let (wrap, ty, read, write, defaults) = if field.read_only && def.in_request {
            let ty = quote!(Option<#base>);
            (Wrap::Option, ty, Read::Optional, Write::Never, true)
        } else if required && !nullable {
            let read = if is_const {
                Read::Defaulted
            } else {
                Read::Required
            };
            (Wrap::Plain, base, read, Write::Always, is_const)
        } else if required {
            let ty = quote!(Option<#base>);
            (Wrap::Option, ty, Read::Optional, Write::Always, true)
        } else if nullable && def.in_request {
            let ty = quote!(crate::Nullable<#base>);
            (
                Wrap::Nullable,
                ty,
                Read::Nullable,
                Write::UnlessAbsent,
                true,
            )
        } else {
            let ty = quote!(Option<#base>);
            (Wrap::Option, ty, Read::Optional, Write::UnlessNone, true)
        };
        Ok(Member {
            doc,
            read,
            write,
            ty,
            wrap,
            defaults,
            base: unboxed,
            boxed: field.needs_indirection,
        })
    }

    fn tagged_union(
        &self,
        def: &TypeDef,
        name: &Ident,
        attrs: TokenStream,
        tag: &str,
        variants: &[Variant],
    ) -> Result<TokenStream> {
        let mut arms = TokenStream::new();
        let mut decode = TokenStream::new();
        let mut encode = TokenStream::new();
        let mut tags = TokenStream::new();
        let taken: Vec<&str> = variants.iter().map(|v| v.rust_name.as_str()).collect();
        let unknown = format_ident!("{}", fallback_name(&taken));
        let mut with_tag = false;
        let streamed = self.streamed(&def.name);
        for variant in variants {
            // A stream's `error` event arrives as an `Err` item (`Error::Stream`), never as an
            // event, so the union has no variant for it.
            if streamed && variant.tag_value.as_deref() == Some("error") {
                continue;
            }
            let ident = ident(&variant.rust_name)?;
            let ty = self.shape(&variant.shape, Scope::Types)?;
            let value = variant.tag_value.clone().unwrap_or_default();
            let doc = format!(" `{value}`");
            arms.extend(quote!(#[doc = #doc] #ident(#ty),));
            decode.extend(quote!(Some(#value) => codec::variant(value, Self::#ident),));
            tags.extend(quote!(Self::#ident(_) => #value,));
            let carries_tag = variant
                .shape
                .named()
                .and_then(|n| self.ir.types.get(n))
                .is_some_and(|d| carries_const(d, tag, &value));
            encode.extend(if carries_tag {
                quote!(Self::#ident(inner) => inner.serialize(s),)
            } else {
                with_tag = true;
                quote!(Self::#ident(inner) => codec::with_tag(inner, #tag, #value, s),)
            });
        }
        let (unknown_arm, unknown_decode, unknown_tag, unknown_encode, non_exhaustive) =
            if def.in_response {
                (
                    quote! {
                        /// An event or variant this version of the SDK does not know, as
                        /// received.
                        #unknown(serde_json::Value),
                    },
                    quote!(_ => {
                        codec::undeclared::<D::Error>("the variant")?;
                        Ok(Self::#unknown(value))
                    }),
                    quote!(Self::#unknown(value) => codec::tag_str(value, Self::TAG),),
                    quote!(Self::#unknown(value) => value.serialize(s),),
                    TokenStream::new(),
                )
            } else {
                let message = format!("unknown or missing `{tag}`");
                (
                    quote!(),
                    quote!(_ => Err(serde::de::Error::custom(#message)),),
                    quote!(),
                    quote!(),
                    quote!(),
                )
            };
        let (sent, received) = serde_gates(self, def);
        self.codec_used.note(&received);
        if with_tag {
            self.codec_used.note(&sent);
        }
        if def.in_response {
            // `tag()` reads an unknown variant's tag with `codec::tag_str`.
            self.codec_used.note(&TokenStream::new());
        }
        Ok(quote! {
            #attrs
            #[derive(Debug, Clone, PartialEq)]
            #[allow(clippy::large_enum_variant)]
            #non_exhaustive
            pub enum #name {
                #arms
                #unknown_arm
            }
            impl #name {
                /// The member that names the variant.
                pub const TAG: &'static str = #tag;
                /// The value of the tag member.
                pub fn tag(&self) -> &str {
                    match self {
                        #tags
                        #unknown_tag
                    }
                }
            }
            #sent
            impl serde::Serialize for #name {
                fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                    match self {
                        #encode
                        #unknown_encode
                    }
                }
            }
            #received
            impl<'de> serde::Deserialize<'de> for #name {
                fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                    let value = codec::json(d)?;
                    match codec::tag_of(&value, Self::TAG).as_deref() {
                        #decode
                        #unknown_decode
                    }
                }
            }
        })
    }

    fn untagged_union(
        &self,
        def: &TypeDef,
        name: &Ident,
        attrs: TokenStream,
        variants: &[Variant],
    ) -> Result<Items> {
        let mut union = syntax::Union::new();
        // The first form that takes the value wins, as with serde's `untagged`; a form that
        // takes any JSON value ends the search.
        let mut exhaustive = false;
        for variant in variants {
            let ident = ident(&variant.rust_name)?;
            let ty = self.shape(&variant.shape, Scope::Types)?;
            let doc = format!(" The `{}` form.", variant.rust_name);
            union.variant(&doc, &ident, ty)?;
            if exhaustive {
                continue;
            }
            if matches!(variant.shape.ty, TypeRef::Any) {
                union.take_value(&ident);
                exhaustive = true;
            } else {
                union.try_form(&ident);
            }
        }
        if !exhaustive {
            if def.in_response {
                let taken: Vec<&str> =
                    variants.iter().map(|v| v.rust_name.as_str()).collect();
                let unknown = format_ident!("{}", fallback_name(&taken));
                union.variant(
                    " A value that matches none of the forms above, as received.",
                    &unknown,
                    quote!(serde_json::Value),
                )?;
                union.take_value(&unknown);
            } else {
                union.refuse("the value matches none of the forms");
            }
        }
        let (sent, received) = serde_gates(self, def);
        self.codec_used.note(&received);
        union.into_items(name, attrs, sent, received)
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Wrap {
    Plain,
    Option,
    Nullable,
}

impl Member {
    /// The value of a member left out.
    fn unset(&self) -> syn::Expr {
        match self.wrap {
            Wrap::Plain => syntax::call(&["Default", "default"], Vec::new()),
            Wrap::Option => syntax::path_expr(&["None"]),
            Wrap::Nullable => syntax::path_expr(&["crate", "Nullable", "Absent"]),
        }
    }
}

/// How a struct member is taken out of a JSON object (`codec::Members`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Read {
    Required,
    Optional,
    Nullable,
    Defaulted,
}

/// When a struct member is written (`codec::ObjectWriter`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Write {
    Always,
    UnlessNone,
    UnlessAbsent,
    Never,
}

struct Member {
    doc: Vec<syn::Attribute>,
    read: Read,
    write: Write,
    ty: TokenStream,
    wrap: Wrap,
    /// The member has a default (it may be left out when building the value).
    defaults: bool,
    /// The member's type without `Option`/`Nullable`/`Box`.
    base: TokenStream,
    boxed: bool,
}

/// The feature that adds the serde impls a type's direction does not need.
pub const FULL_SERDE: &str = "full-serde";

/// Attributes for a type's `Serialize` and `Deserialize` impls: sent types are serialized and
/// received types deserialized; the other direction (for caching or replaying values) is
/// behind the `full-serde` feature, because each impl costs every user compile time. Types
/// that no operation names could go either way and get both.
fn serde_gates(types: &Types, def: &TypeDef) -> (TokenStream, TokenStream) {
    let gate = |needed: bool| {
        if needed {
            TokenStream::new()
        } else {
            quote!(#[cfg(feature = #FULL_SERDE)])
        }
    };
    (
        gate(types.sent.contains(&def.name)),
        gate(types.received.contains(&def.name)),
    )
}

/// `new` with the required members, and a setter per optional member.
fn constructors(
    name: &Ident,
    required: &[(Ident, &Field, Member)],
    optional: &[(Ident, &Field, Member)],
    defaulted: Vec<(Ident, syn::Expr)>,
) -> Items {
    let mut methods = Methods::new();
    if !required.is_empty() {
        let params = required
            .iter()
            .map(|(ident, _, member)| parameter(member, ident))
            .collect();
        methods.constructor(params, defaulted);
    }
    for (ident, field, member) in optional {
        if ident == "new" {
            continue;
        }
        let mut param = parameter(member, ident);
        let wrapper: &[&str] = match member.wrap {
            Wrap::Nullable => &["crate", "Nullable", "Value"],
            _ => &["Some"],
        };
        let value = std::mem::replace(&mut param.value, syntax::path_expr(&["None"]));
        let stored = syntax::call(wrapper, vec![value]);
        methods.setter(&format!(" Sets `{}`.", field.name), param, stored);
    }
    methods.into_impl(name)
}

/// A member as a parameter of `new` or a setter: strings and secrets take `impl Into<..>`,
/// boxed members are boxed here.
fn parameter(member: &Member, ident: &Ident) -> Parameter {
    let base: syn::Type = syn::parse2(member.base.clone())
        .expect("a member's type is a Rust type, as printing the struct also requires");
    let text = member.base.to_string();
    // A free-form object also takes a model's typed parameters, which convert into one.
    let (ty, value) = if text == "String"
        || text == "crate :: Secret"
        || text == "serde_json :: Map < String , serde_json :: Value >"
    {
        (syntax::impl_into(base), syntax::into(ident))
    } else {
        (base, syntax::local(ident))
    };
    let value = if member.boxed {
        syntax::call(&["Box", "new"], vec![value])
    } else {
        value
    };
    Parameter {
        ident: ident.clone(),
        ty,
        value,
    }
}

/// The name of a catch-all variant that no contract variant has taken.
pub fn fallback_name(taken: &[&str]) -> String {
    ["Unknown", "Unrecognized", "OtherValue"]
        .iter()
        .map(|s| s.to_string())
        .chain((2..).map(|n| format!("Unknown{n}")))
        .find(|candidate| !taken.contains(&candidate.as_str()))
        .expect("an unbounded list always has a free name")
}

/// Whether a struct has a member `tag` that is the constant `value`.
fn carries_const(def: &TypeDef, tag: &str, value: &str) -> bool {
    let TypeKind::Struct { fields, .. } = &def.kind else {
        return false;
    };
    fields.iter().any(|f| {
        f.name == tag
            && f.required
            && matches!(&f.shape.ty, TypeRef::Const { value: v } if v.as_str() == Some(value))
    })
}

/// A member that holds a temporary file detail, which must not be logged: a duration token, a
/// member its description says not to log, or the `url` of a file or a media reference.
fn is_file_detail(def: &TypeDef, field: &Field) -> bool {
    let name = field.name.to_ascii_lowercase().replace('_', "");
    let description = field.docs.description.as_deref().unwrap_or_default();
    let owner = def.name.to_ascii_lowercase();
    name == "durationtoken"
        || description.to_ascii_lowercase().contains("do not log")
        || (name == "url" && (owner.contains("file") || owner.contains("media")))
}

/// Free-form JSON (any value, or a map of them): what it holds is known only when it is sent,
/// so its `Debug` hides temporary file details by member name (see `FileDetailsHidden`).
fn is_free_form(shape: &Shape) -> bool {
    match &shape.ty {
        TypeRef::Any => true,
        TypeRef::Map { values } => values.ty == TypeRef::Any,
        _ => false,
    }
}

/// A string member that holds a secret: its name says so, or its format is `password`.
fn is_secret(field: &Field) -> bool {
    let TypeRef::String { format } = &field.shape.ty else {
        return false;
    };
    let name = field.name.to_ascii_lowercase();
    matches!(format, Some(StringFormat::Password))
        || (format.is_none() && (name.contains("secret") || name.contains("password")))
}

pub fn is_binary(shape: &Shape) -> bool {
    matches!(
        shape.ty,
        TypeRef::String {
            format: Some(StringFormat::Binary)
        }
    )
}

fn collect_consts(shape: &Shape, out: &mut BTreeMap<String, serde_json::Value>) {
    match &shape.ty {
        TypeRef::Const { value } => {
            out.insert(value.to_string(), value.clone());
        }
        TypeRef::List { items } => collect_consts(items, out),
        TypeRef::Map { values } => collect_consts(values, out),
        _ => {}
    }
}

/// A string enum: request-only enums are closed; received ones keep unknown values.
fn string_enum(
    def: &TypeDef,
    name: &Ident,
    attrs: TokenStream,
    values: &[(Ident, String)],
    (sent, received): (TokenStream, TokenStream),
) -> Result<Items> {
    let taken: Vec<String> = values.iter().map(|(i, _)| i.to_string()).collect();
    let taken: Vec<&str> = taken.iter().map(String::as_str).collect();
    let unknown = format_ident!("{}", fallback_name(&taken));
    syntax::string_enum(StringEnum {
        name,
        attrs,
        values,
        open: def.in_response,
        unknown: &unknown,
        sent,
        received,
    })
}

fn integer_enum(
    def: &TypeDef,
    name: &Ident,
    attrs: TokenStream,
    values: &[(Ident, i64)],
    (sent, received): (TokenStream, TokenStream),
) -> TokenStream {
    let taken: Vec<String> = values.iter().map(|(i, _)| i.to_string()).collect();
    let taken: Vec<&str> = taken.iter().map(String::as_str).collect();
    let unknown = format_ident!("{}", fallback_name(&taken));
    let mut variants = TokenStream::new();
    let mut to_int = TokenStream::new();
    let mut from_int = TokenStream::new();
    for (ident, value) in values {
        let doc = format!(" `{value}`");
        let literal = proc_macro2::Literal::i64_unsuffixed(*value);
        variants.extend(quote!(#[doc = #doc] #ident,));
        to_int.extend(quote!(Self::#ident => #literal,));
        from_int.extend(quote!(#literal => Ok(Self::#ident),));
    }
    let (unknown_variant, unknown_to, unknown_from, non_exhaustive) = if def.in_response
    {
        (
            quote! {
                /// A value this version of the SDK does not know, as received.
                #unknown(i64),
            },
            quote!(Self::#unknown(value) => *value,),
            quote!(other => Ok(Self::#unknown(other)),),
            TokenStream::new(),
        )
    } else {
        (
            quote!(),
            quote!(),
            quote!(other => Err(codec::unknown(other)),),
            quote!(),
        )
    };
    quote! {
        #attrs
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #non_exhaustive
        pub enum #name {
            #variants
            #unknown_variant
        }
        impl #name {
            /// The value on the wire.
            pub fn as_i64(&self) -> i64 {
                match self {
                    #to_int
                    #unknown_to
                }
            }
        }
        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}", self.as_i64())
            }
        }
        #sent
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_i64(self.as_i64())
            }
        }
        #received
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let value = codec::integer(d)?;
                match value {
                    #from_int
                    #unknown_from
                }
            }
        }
    }
}
