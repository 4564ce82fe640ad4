//! Syntax trees built directly, for the generated code's most repeated items: a struct's
//! definition (its members' docs built, their types parsed), its `Serialize` and `Deserialize`
//! impls (a line per member), its `new` and setters, each operation's builder, each string
//! enum, each untagged union, each alias, and the `consts` module. Written as tokens they would be parsed back by `syn` only to be printed; on GitHub's
//! contract, parsing the generated tokens was about a third of `generate`'s instructions. The
//! fixed parts come from templates, parsed once per thread; the builder and enum templates are
//! the tokens the items used to be written as, with placeholders where they differ, filled by
//! a visitor. Each function builds the tree `syn` would parse from the tokens it stands for, so
//! prettyplease prints the same text (the tests below compare them).

use proc_macro2::{Ident, Span, TokenStream};
use quote::{quote, ToTokens};
use syn::punctuated::Punctuated;
use syn::visit_mut::{self, VisitMut};

use super::render::Items;
use crate::error::{Error, Result};

/// `receiver.method(args)`, where `receiver` is a local variable.
fn method_call(receiver: &str, method: &str, args: Vec<syn::Expr>) -> syn::Expr {
    syn::Expr::MethodCall(syn::ExprMethodCall {
        attrs: Vec::new(),
        receiver: Box::new(variable(receiver)),
        dot_token: Default::default(),
        method: Ident::new(method, Span::call_site()),
        turbofish: None,
        paren_token: Default::default(),
        args: Punctuated::from_iter(args),
    })
}

fn variable(name: &str) -> syn::Expr {
    path_expr(&[name])
}

/// A path as an expression.
fn expr(path: syn::Path) -> syn::Expr {
    syn::Expr::Path(syn::ExprPath {
        attrs: Vec::new(),
        qself: None,
        path,
    })
}

/// The outer attributes `tokens` write (none for none), parsed; `of` names the item in the
/// error.
fn outer_attributes(tokens: TokenStream, of: &Ident) -> Result<Vec<syn::Attribute>> {
    if tokens.is_empty() {
        return Ok(Vec::new());
    }
    syn::parse::Parser::parse2(syn::Attribute::parse_outer, tokens).map_err(|e| {
        Error::Internal(format!("the attributes of {of} do not parse: {e}"))
    })
}

fn string(text: &str) -> syn::Expr {
    syn::Expr::Lit(syn::ExprLit {
        attrs: Vec::new(),
        lit: syn::Lit::Str(syn::LitStr::new(text, Span::call_site())),
    })
}

/// `&self.field`
fn self_field(field: &Ident) -> syn::Expr {
    syn::Expr::Reference(syn::ExprReference {
        attrs: Vec::new(),
        and_token: Default::default(),
        mutability: None,
        expr: Box::new(own_field(field)),
    })
}

/// `self.field`
fn own_field(field: &Ident) -> syn::Expr {
    syn::Expr::Field(syn::ExprField {
        attrs: Vec::new(),
        base: Box::new(variable("self")),
        dot_token: Default::default(),
        member: syn::Member::Named(field.clone()),
    })
}

fn path(segments: &[&str]) -> syn::Path {
    syn::Path {
        leading_colon: None,
        segments: segments
            .iter()
            .map(|segment| {
                syn::PathSegment::from(Ident::new(segment, Span::call_site()))
            })
            .collect(),
    }
}

/// `a::b::c`, as an expression.
pub fn path_expr(segments: &[&str]) -> syn::Expr {
    expr(path(segments))
}

/// `a::b::c(args)`
pub fn call(function: &[&str], args: Vec<syn::Expr>) -> syn::Expr {
    syn::Expr::Call(syn::ExprCall {
        attrs: Vec::new(),
        func: Box::new(path_expr(function)),
        paren_token: Default::default(),
        args: Punctuated::from_iter(args),
    })
}

/// A parameter or local variable, as an expression.
pub fn local(ident: &Ident) -> syn::Expr {
    expr(ident.clone().into())
}

/// `ident.into()`
pub fn into(ident: &Ident) -> syn::Expr {
    syn::Expr::MethodCall(syn::ExprMethodCall {
        attrs: Vec::new(),
        receiver: Box::new(local(ident)),
        dot_token: Default::default(),
        method: Ident::new("into", Span::call_site()),
        turbofish: None,
        paren_token: Default::default(),
        args: Punctuated::new(),
    })
}

/// `impl Into<ty>`
pub fn impl_into(ty: syn::Type) -> syn::Type {
    let mut bound = path(&["Into"]);
    bound.segments[0].arguments =
        syn::PathArguments::AngleBracketed(syn::AngleBracketedGenericArguments {
            colon2_token: None,
            lt_token: Default::default(),
            args: Punctuated::from_iter([syn::GenericArgument::Type(ty)]),
            gt_token: Default::default(),
        });
    syn::Type::ImplTrait(syn::TypeImplTrait {
        attrs: Vec::new(),
        impl_token: Default::default(),
        bounds: Punctuated::from_iter([syn::TypeParamBound::Trait(syn::TraitBound {
            paren_token: None,
            lifetimes: None,
            modifiers: Default::default(),
            maybe: None,
            path: bound,
        })]),
    })
}

/// A struct's `Serialize` impl, one `object.…(…);` line at a time, then the impl.
pub struct Encode {
    lines: Vec<syn::Stmt>,
}

impl Encode {
    pub fn new() -> Self {
        Encode { lines: Vec::new() }
    }

    /// `object.method("wire", &self.field);`
    pub fn member(&mut self, method: &str, wire: &str, field: &Ident) {
        self.push(method_call(
            "object",
            method,
            vec![string(wire), self_field(field)],
        ));
    }

    /// `object.rest(&self.field);`
    pub fn rest(&mut self, field: &Ident) {
        self.push(method_call("object", "rest", vec![self_field(field)]));
    }

    fn push(&mut self, call: syn::Expr) {
        self.lines
            .push(syn::Stmt::Expr(call, Some(Default::default())));
    }

    /// `impl serde::Serialize for #name`, under `gate` (attributes, or nothing).
    pub fn into_impl(self, name: &Ident, gate: TokenStream) -> Items {
        if self.lines.is_empty() {
            return Items::from(quote! {
                #gate
                impl serde::Serialize for #name {
                    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                        codec::encode_object(s)?.end()
                    }
                }
            });
        }
        let mut item = TEMPLATES.with(|t| t.serialize.clone());
        place(&mut item, name, gate);
        let body = &mut only_fn(&mut item).block.stmts;
        body.splice(1..1, self.lines);
        Items::built(syn::Item::Impl(item))
    }
}

/// A struct's `Deserialize` impl, one `field: members.…("wire")?` at a time, then the impl.
pub struct Decode {
    fields: Punctuated<syn::FieldValue, syn::Token![,]>,
}

impl Decode {
    pub fn new() -> Self {
        Decode { fields: Punctuated::new() }
    }

    /// `field: members.method("wire")?,`
    pub fn member(&mut self, field: &Ident, method: &str, wire: &str) {
        self.push(field, method_call("members", method, vec![string(wire)]));
    }

    /// `field: members.rest()?,`
    pub fn rest(&mut self, field: &Ident) {
        self.push(field, method_call("members", "rest", Vec::new()));
    }

    fn push(&mut self, field: &Ident, call: syn::Expr) {
        self.fields.push(syn::FieldValue {
            attrs: Vec::new(),
            member: syn::Member::Named(field.clone()),
            colon_token: Some(Default::default()),
            expr: syn::Expr::Try(syn::ExprTry {
                attrs: Vec::new(),
                expr: Box::new(call),
                question_token: Default::default(),
            }),
        });
        // Written as tokens, every member was followed by a comma.
        self.fields.push_punct(Default::default());
    }

    /// `impl<'de> serde::Deserialize<'de> for #name`, under `gate` (attributes, or nothing).
    pub fn into_impl(self, name: &Ident, gate: TokenStream) -> Items {
        if self.fields.is_empty() {
            return Items::from(quote! {
                #gate
                impl<'de> serde::Deserialize<'de> for #name {
                    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                        codec::Members::read(d)?.end()?;
                        Ok(Self {})
                    }
                }
            });
        }
        let mut item = TEMPLATES.with(|t| t.deserialize.clone());
        place(&mut item, name, gate);
        let body = &mut only_fn(&mut item).block.stmts;
        let Some(syn::Stmt::Local(syn::Local { init: Some(init), .. })) =
            body.get_mut(1)
        else {
            unreachable!("the second statement is `let value = Self {{}};`");
        };
        let syn::Expr::Struct(value) = &mut *init.expr else {
            unreachable!("`value` is a struct expression");
        };
        value.fields = self.fields;
        Items::built(syn::Item::Impl(item))
    }
}

/// A struct's inherent impl of `new` (the required members as parameters) and a setter per
/// optional member.
pub struct Methods {
    items: Vec<syn::ImplItem>,
}

/// A parameter of `new` or a setter: its name, its type, and the value stored from it.
pub struct Parameter {
    pub ident: Ident,
    pub ty: syn::Type,
    pub value: syn::Expr,
}

impl Methods {
    pub fn new() -> Self {
        Methods { items: Vec::new() }
    }

    /// `pub fn new(params) -> Self { Self { … } }`: the parameters' members, then the
    /// `defaulted` ones with their values.
    pub fn constructor(
        &mut self,
        params: Vec<Parameter>,
        defaulted: Vec<(Ident, syn::Expr)>,
    ) {
        let mut function = TEMPLATES.with(|t| {
            let mut function = t.constructor.clone();
            // The lint counts the parameters; it is allowed where the contract has that many.
            if params.len() > 7 {
                function.attrs.push(t.many_arguments.clone());
            }
            function
        });
        let mut fields = Punctuated::<syn::FieldValue, syn::Token![,]>::new();
        let mut inputs = Punctuated::new();
        for Parameter { ident, ty, value } in params {
            // `ident: ident` is written `ident`, as the tokens were.
            let shorthand =
                matches!(&value, syn::Expr::Path(p) if p.path.is_ident(&ident));
            fields.push(syn::FieldValue {
                attrs: Vec::new(),
                member: syn::Member::Named(ident.clone()),
                colon_token: (!shorthand).then(Default::default),
                expr: value,
            });
            fields.push_punct(Default::default());
            inputs.push(typed(ident, ty));
            inputs.push_punct(Default::default());
        }
        for (ident, value) in defaulted {
            fields.push(syn::FieldValue {
                attrs: Vec::new(),
                member: syn::Member::Named(ident),
                colon_token: Some(Default::default()),
                expr: value,
            });
            fields.push_punct(Default::default());
        }
        function.sig.inputs = inputs;
        let Some(syn::Stmt::Expr(syn::Expr::Struct(value), None)) =
            function.block.stmts.first_mut()
        else {
            unreachable!("the body is `Self {{}}`");
        };
        value.fields = fields;
        self.items.push(syn::ImplItem::Fn(function));
    }

    /// `pub fn ident(mut self, ident: ty) -> Self { self.ident = stored; self }`, with `doc`.
    pub fn setter(&mut self, doc: &str, param: Parameter, stored: syn::Expr) {
        let mut function = TEMPLATES.with(|t| t.setter.clone());
        if let syn::Meta::NameValue(meta) = &mut function.attrs[0].meta {
            meta.value = string(doc);
        }
        function.sig.ident = param.ident.clone();
        function.sig.inputs[1] = typed(param.ident.clone(), param.ty);
        function.block.stmts[0] = syn::Stmt::Expr(
            syn::Expr::Assign(syn::ExprAssign {
                attrs: Vec::new(),
                left: Box::new(own_field(&param.ident)),
                eq_token: Default::default(),
                right: Box::new(stored),
            }),
            Some(Default::default()),
        );
        self.items.push(syn::ImplItem::Fn(function));
    }

    /// `impl #name { … }`, or nothing without methods.
    pub fn into_impl(self, name: &Ident) -> Items {
        if self.items.is_empty() {
            return Items::from(TokenStream::new());
        }
        let mut item = TEMPLATES.with(|t| t.methods.clone());
        place(&mut item, name, TokenStream::new());
        item.items = self.items;
        Items::built(syn::Item::Impl(item))
    }
}

/// `ident: ty`, a function's parameter.
fn typed(ident: Ident, ty: syn::Type) -> syn::FnArg {
    syn::FnArg::Typed(syn::PatType {
        attrs: Vec::new(),
        pat: Box::new(syn::Pat::Ident(syn::PatIdent {
            attrs: Vec::new(),
            by_ref: None,
            mutability: None,
            ident,
            subpat: None,
        })),
        colon_token: Default::default(),
        ty: Box::new(ty),
    })
}

/// An operation's builder (see `ops`): the struct, documented by `doc`; its methods, `new`,
/// then `setters`, then the ones every builder has; and its `IntoFuture` impl. `output` is
/// what the call gives and `finish` reads it from the response. Only the parts that differ
/// between operations are parsed; the rest is the template's, copied.
///
/// The items name what [`builder_names`] names, beside `setters`, `output` and `finish`.
pub fn builder(
    builder: &Ident,
    doc: &str,
    setters: TokenStream,
    output: TokenStream,
    finish: TokenStream,
) -> Result<Items> {
    let unparsed = |e: syn::Error| {
        Error::Internal(format!("the builder {builder} does not parse as Rust: {e}"))
    };
    let mut holes = Holes {
        builder,
        output: syn::parse2(output.clone()).map_err(unparsed)?,
        finish: syn::parse2(finish.clone()).map_err(unparsed)?,
    };
    let setters_impl: Option<syn::ItemImpl> = if setters.is_empty() {
        None
    } else {
        Some(syn::parse2(quote!(impl Setters { #setters })).map_err(unparsed)?)
    };
    let (mut definition, mut methods, mut future) =
        TEMPLATES.with(|t| t.builder.clone());
    holes.visit_item_struct_mut(&mut definition);
    holes.visit_item_impl_mut(&mut methods);
    holes.visit_item_impl_mut(&mut future);
    if let syn::Meta::NameValue(meta) = &mut definition.attrs[0].meta {
        meta.value = string(doc);
    }
    if let Some(setters_impl) = setters_impl {
        methods.items.splice(1..1, setters_impl.items);
    }
    let mut items = Items::built(syn::Item::Struct(definition));
    items.extend(Items::built(syn::Item::Impl(methods)));
    items.extend(Items::built(syn::Item::Impl(future)));
    items.naming(quote!(#setters #output #finish));
    Ok(items)
}

/// The names every builder's fixed part uses, for an import scan.
pub fn builder_names() -> TokenStream {
    builder_holes()
}

/// A builder as tokens, with its holes: the template [`builder`] copies.
fn builder_holes() -> TokenStream {
    let builder = Ident::new(HOLES.builder, Span::call_site());
    let output = Ident::new(HOLES.output, Span::call_site());
    let finish = Ident::new(HOLES.finish, Span::call_site());
    builder_tokens(
        &builder,
        "",
        TokenStream::new(),
        quote!(#output),
        quote!(#finish),
    )
}

/// A builder written as tokens, as it was before it was built: the text of the template.
fn builder_tokens(
    builder: &Ident,
    doc: &str,
    setters: TokenStream,
    output: TokenStream,
    finish: TokenStream,
) -> TokenStream {
    quote! {
        #[doc = #doc]
        #[derive(Debug)]
        #[must_use = "a call does nothing until it is awaited"]
        pub struct #builder<'a> {
            client: &'a Client,
            call: Call,
        }
        impl<'a> #builder<'a> {
            fn new(client: &'a Client, call: Call) -> Self {
                Self { client, call }
            }
            #setters
            /// Limits each attempt of this call (instead of the client's timeout).
            pub fn timeout(mut self, timeout: Duration) -> Self {
                self.call.timeout = Some(timeout);
                self
            }
            /// How many times this call may be retried (instead of the client's setting).
            pub fn max_retries(mut self, max_retries: u32) -> Self {
                self.call.max_retries = Some(max_retries);
                self
            }
            /// Adds a header to this call (a proxy's or a gateway's, say); an invalid name
            /// or value fails the call when it is sent, naming the header only.
            pub fn header(mut self, name: &str, value: &str) -> Self {
                self.call.extra_header(name, value);
                self
            }
            /// Adds a query parameter to this call, after the ones the SDK sets.
            pub fn query(mut self, name: &str, value: impl Into<String>) -> Self {
                self.call.extra_query(name, value.into());
                self
            }
            /// Sends the call and returns the value with the response's status, headers
            /// and request ID.
            pub fn with_response(self) -> ResponseFuture<'a, #output> {
                self.client.send(self.call, #finish)
            }
            /// Sends the call.
            pub fn send(self) -> BoxFuture<'a, Result<#output>> {
                crate::client::value_only(self.client.send(self.call, #finish))
            }
        }
        impl<'a> IntoFuture for #builder<'a> {
            type Output = Result<#output>;
            type IntoFuture = BoxFuture<'a, Self::Output>;
            fn into_future(self) -> Self::IntoFuture {
                self.send()
            }
        }
    }
}

/// The placeholders of the builder template, names no contract can give (a type's name never
/// starts with an underscore).
struct HoleNames {
    builder: &'static str,
    output: &'static str,
    finish: &'static str,
}

const HOLES: HoleNames = HoleNames {
    builder: "__Builder",
    output: "__Output",
    finish: "__finish",
};

/// Fills a copy of the builder template's holes.
struct Holes<'h> {
    builder: &'h Ident,
    output: syn::Type,
    finish: syn::Expr,
}

impl VisitMut for Holes<'_> {
    fn visit_ident_mut(&mut self, ident: &mut Ident) {
        if ident == HOLES.builder {
            *ident = self.builder.clone();
        }
    }

    fn visit_type_mut(&mut self, ty: &mut syn::Type) {
        match ty {
            syn::Type::Path(path)
                if path.qself.is_none() && path.path.is_ident(HOLES.output) =>
            {
                *ty = self.output.clone();
            }
            _ => visit_mut::visit_type_mut(self, ty),
        }
    }

    fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
        match expr {
            syn::Expr::Path(path)
                if path.qself.is_none() && path.path.is_ident(HOLES.finish) =>
            {
                *expr = self.finish.clone();
            }
            _ => visit_mut::visit_expr_mut(self, expr),
        }
    }
}

/// A string enum's items (see `types`): the enum, `as_str`, `Display`, `FromStr`, and the serde
/// impls under their gates (`sent`, `received`: attributes, or nothing); an `open` enum also
/// has a variant for values it does not know, `unknown`, and `From<&str>`.
pub struct StringEnum<'e> {
    pub name: &'e Ident,
    /// The type's docs and attributes, as tokens.
    pub attrs: TokenStream,
    pub values: &'e [(Ident, String)],
    pub open: bool,
    pub unknown: &'e Ident,
    pub sent: TokenStream,
    pub received: TokenStream,
}

/// A string enum written as tokens, its lists of variants and arms given: the text of the
/// template [`string_enum`] copies.
fn string_enum_tokens(e: &StringEnum<'_>, lists: &EnumLists) -> TokenStream {
    let StringEnum {
        name,
        attrs,
        unknown,
        sent,
        received,
        ..
    } = e;
    let EnumLists {
        variants,
        as_str,
        from_str,
        from_str_closed,
        nth_arms,
    } = lists;
    // `parse` takes the contract's values only, also for enums that keep unknown values on
    // receipt: a value typed by hand that is none of them is a mistake to report.
    let display = quote! {
        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl std::str::FromStr for #name {
            type Err = crate::ParseEnumError;
            fn from_str(value: &str) -> Result<Self, Self::Err> {
                fn nth_value(index: usize) -> Option<&'static str> {
                    match index {
                        #nth_arms
                        _ => None,
                    }
                }
                match value {
                    #from_str_closed
                    other => Err(crate::ParseEnumError::listed(other, nth_value)),
                }
            }
        }
    };
    let serialize = quote! {
        #sent
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
    };
    if !e.open {
        return quote! {
            #attrs
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
            pub enum #name {
                #variants
            }
            impl #name {
                /// The value on the wire.
                pub fn as_str(&self) -> &'static str {
                    match self {
                        #as_str
                    }
                }
            }
            #display
            #serialize
            #received
            impl<'de> serde::Deserialize<'de> for #name {
                fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                    match codec::string(d)?.as_ref() {
                        #from_str_closed
                        other => Err(codec::unknown(other)),
                    }
                }
            }
        };
    }
    quote! {
        #attrs
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum #name {
            #variants
            /// A value this version of the SDK does not know, as received.
            #unknown(String),
        }
        impl #name {
            /// The value on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #as_str
                    Self::#unknown(value) => value,
                }
            }
        }
        impl From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #from_str
                    other => Self::#unknown(other.to_owned()),
                }
            }
        }
        #display
        #serialize
        #received
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = codec::string(d)?;
                let value = Self::from(text.as_ref());
                if let Self::#unknown(_) = value {
                    codec::undeclared::<D::Error>(format_args!("the value {text:?}"))?;
                }
                Ok(value)
            }
        }
    }
}

/// A string enum's lists, as tokens: in the template, one placeholder each.
struct EnumLists {
    variants: TokenStream,
    as_str: TokenStream,
    from_str: TokenStream,
    from_str_closed: TokenStream,
    nth_arms: TokenStream,
}

/// The placeholders of the string enum templates.
const ENUM_HOLES: EnumHoleNames = EnumHoleNames {
    name: "__Enum",
    unknown: "__Unknown",
    variants: "__Variants",
    as_str: "__as_str",
    from_str: "__from_str",
    from_str_closed: "__from_str_closed",
    nth_arms: "__nth_arms",
};

struct EnumHoleNames {
    name: &'static str,
    unknown: &'static str,
    variants: &'static str,
    as_str: &'static str,
    from_str: &'static str,
    from_str_closed: &'static str,
    nth_arms: &'static str,
}

/// A string enum template: its items as tokens, with every hole a placeholder.
fn string_enum_holes(open: bool) -> TokenStream {
    let hole = |name: &str| Ident::new(name, Span::call_site());
    let (name, unknown) = (hole(ENUM_HOLES.name), hole(ENUM_HOLES.unknown));
    let hole_arm = |name: &str| {
        let pattern = hole(name);
        quote!(#pattern => "",)
    };
    let variants = hole(ENUM_HOLES.variants);
    let lists = EnumLists {
        variants: quote!(#variants,),
        as_str: hole_arm(ENUM_HOLES.as_str),
        from_str: hole_arm(ENUM_HOLES.from_str),
        from_str_closed: hole_arm(ENUM_HOLES.from_str_closed),
        nth_arms: hole_arm(ENUM_HOLES.nth_arms),
    };
    let e = StringEnum {
        name: &name,
        attrs: TokenStream::new(),
        values: &[],
        open,
        unknown: &unknown,
        sent: TokenStream::new(),
        received: TokenStream::new(),
    };
    string_enum_tokens(&e, &lists)
}

/// The items of `e`, from the template: its variants and match arms built, its attributes and
/// gates parsed (they are attributes only).
pub fn string_enum(e: StringEnum<'_>) -> Result<Items> {
    let attributes = |tokens| outer_attributes(tokens, e.name);
    let mut holes = EnumHoles {
        name: e.name,
        unknown: e.unknown,
        variants: Punctuated::new(),
        as_str: Vec::new(),
        from_str: Vec::new(),
        from_str_closed: Vec::new(),
        nth_arms: Vec::new(),
    };
    for (index, (ident, value)) in e.values.iter().enumerate() {
        let variant =
            path_expr_of(&[Ident::new("Self", Span::call_site()), ident.clone()]);
        holes.variants.push(syn::Variant {
            attrs: vec![doc(&format!(" `{value}`"))],
            ident: ident.clone(),
            fields: syn::Fields::Unit,
            discriminant: None,
        });
        holes.variants.push_punct(Default::default());
        holes
            .as_str
            .push(arm(pattern(variant.clone()), string(value)));
        holes
            .from_str
            .push(arm(pattern(string(value)), variant.clone()));
        holes
            .from_str_closed
            .push(arm(pattern(string(value)), call(&["Ok"], vec![variant])));
        let index = syn::Expr::Lit(syn::ExprLit {
            attrs: Vec::new(),
            lit: syn::Lit::Int(syn::LitInt::new(&index.to_string(), Span::call_site())),
        });
        holes
            .nth_arms
            .push(arm(pattern(index), call(&["Some"], vec![string(value)])));
    }
    let mut items = TEMPLATES.with(|t| {
        if e.open {
            t.open_enum.clone()
        } else {
            t.closed_enum.clone()
        }
    });
    for item in &mut items {
        holes.visit_item_mut(item);
    }
    let count = items.len();
    Ok(with_attributes(
        items,
        [
            (0, attributes(e.attrs)?),
            (count - 2, attributes(e.sent)?),
            (count - 1, attributes(e.received)?),
        ],
    ))
}

/// `items` with each `(index, attrs)` put in front of that item's own attributes: the type's
/// docs on the enum, the serde gates on its impls.
fn with_attributes<const N: usize>(
    mut items: Vec<syn::Item>,
    attributes: [(usize, Vec<syn::Attribute>); N],
) -> Items {
    for (index, mut attrs) in attributes {
        let item_attrs = match &mut items[index] {
            syn::Item::Enum(item) => &mut item.attrs,
            syn::Item::Impl(item) => &mut item.attrs,
            _ => unreachable!("attributes go on an enum and its impls"),
        };
        attrs.append(item_attrs);
        *item_attrs = attrs;
    }
    let mut built = Items::from(TokenStream::new());
    for item in items {
        built.extend(Items::built(item));
    }
    built
}

/// A struct definition: `attrs` (tokens: the type's docs, its derive) above
/// `pub struct name { members }`.
pub fn struct_def(
    name: &Ident,
    attrs: TokenStream,
    members: Vec<syn::Field>,
) -> Result<Items> {
    let attrs = outer_attributes(attrs, name)?;
    let mut named = Punctuated::new();
    for member in members {
        named.push_value(member);
        named.push_punct(Default::default());
    }
    Ok(Items::built(syn::Item::Struct(syn::ItemStruct {
        attrs,
        vis: public(),
        struct_token: Default::default(),
        ident: name.clone(),
        generics: Default::default(),
        fields: syn::Fields::Named(syn::FieldsNamed {
            brace_token: Default::default(),
            named,
        }),
        semi_token: None,
    })))
}

/// `attrs pub type name = target;`; `target` is parsed (a few tokens).
pub fn type_alias(
    attrs: Vec<syn::Attribute>,
    name: &Ident,
    target: TokenStream,
) -> Result<Items> {
    let ty = syn::parse2(target).map_err(|e| {
        Error::Internal(format!(
            "the target of the alias {name} does not parse: {e}"
        ))
    })?;
    Ok(Items::built(syn::Item::Type(syn::ItemType {
        attrs,
        vis: public(),
        modifiers: Default::default(),
        type_token: Default::default(),
        ident: name.clone(),
        generics: Default::default(),
        eq_token: Default::default(),
        ty: Box::new(ty),
        semi_token: Default::default(),
        // What `syn` gives an alias without a where clause.
        where_clause_placement: syn::WhereClausePlacement::Early,
    })))
}

/// `attrs pub ident: ty`, a struct's member; `ty` is parsed (a few tokens).
pub fn member(
    attrs: Vec<syn::Attribute>,
    ident: &Ident,
    ty: TokenStream,
) -> Result<syn::Field> {
    let ty = syn::parse2(ty).map_err(|e| {
        Error::Internal(format!(
            "the type of the member {ident} does not parse: {e}"
        ))
    })?;
    Ok(syn::Field {
        attrs,
        vis: public(),
        modifiers: Default::default(),
        ident: Some(ident.clone()),
        colon_token: Some(Default::default()),
        ty,
        default: None,
    })
}

fn public() -> syn::Visibility {
    syn::Visibility::Public(Default::default())
}

/// `#[deprecated]`
pub fn deprecated() -> syn::Attribute {
    syn::Attribute {
        pound_token: Default::default(),
        style: syn::AttrStyle::Outer,
        bracket_token: Default::default(),
        meta: syn::Meta::Path(path(&["deprecated"])),
    }
}

/// The doc attributes [`render::docs`](super::render::docs) writes as tokens, built.
pub fn docs(text: &str) -> Vec<syn::Attribute> {
    super::render::doc_lines(text)
        .iter()
        .map(|line| doc(&super::render::doc_text(line)))
        .collect()
}

/// `#[doc = text]`
pub fn doc(text: &str) -> syn::Attribute {
    syn::Attribute {
        pound_token: Default::default(),
        style: syn::AttrStyle::Outer,
        bracket_token: Default::default(),
        meta: syn::Meta::NameValue(syn::MetaNameValue {
            path: path(&["doc"]),
            eq_token: Default::default(),
            value: string(text),
        }),
    }
}

fn path_expr_of(segments: &[Ident]) -> syn::Expr {
    expr(syn::Path {
        leading_colon: None,
        segments: segments
            .iter()
            .cloned()
            .map(syn::PathSegment::from)
            .collect(),
    })
}

/// A pattern that is a path or a literal, given as the expression it is written as.
fn pattern(expr: syn::Expr) -> syn::Pat {
    match expr {
        syn::Expr::Path(path) => syn::Pat::Path(path),
        syn::Expr::Lit(lit) => syn::Pat::Lit(lit),
        _ => unreachable!("only paths and literals are patterns here"),
    }
}

/// `pat => body,`
fn arm(pat: syn::Pat, body: syn::Expr) -> syn::Arm {
    syn::Arm {
        attrs: Vec::new(),
        pat,
        fat_arrow_token: Default::default(),
        body: Box::new(body),
        comma: Some(Default::default()),
    }
}

/// Fills a copy of a string enum template's holes.
struct EnumHoles<'h> {
    name: &'h Ident,
    unknown: &'h Ident,
    variants: Punctuated<syn::Variant, syn::Token![,]>,
    as_str: Vec<syn::Arm>,
    from_str: Vec<syn::Arm>,
    from_str_closed: Vec<syn::Arm>,
    nth_arms: Vec<syn::Arm>,
}

impl VisitMut for EnumHoles<'_> {
    fn visit_ident_mut(&mut self, ident: &mut Ident) {
        if ident == ENUM_HOLES.name {
            *ident = self.name.clone();
        } else if ident == ENUM_HOLES.unknown {
            *ident = self.unknown.clone();
        }
    }

    fn visit_item_enum_mut(&mut self, item: &mut syn::ItemEnum) {
        visit_mut::visit_item_enum_mut(self, item);
        let template = std::mem::take(&mut item.variants);
        for pair in template.into_pairs() {
            let (variant, comma) = pair.into_tuple();
            if variant.ident == ENUM_HOLES.variants {
                // The hole's comma ends the list like every variant's own comma.
                item.variants
                    .extend(self.variants.pairs().map(|pair| pair.cloned()));
            } else {
                item.variants.push_value(variant);
                if let Some(comma) = comma {
                    item.variants.push_punct(comma);
                }
            }
        }
    }

    fn visit_expr_match_mut(&mut self, expr: &mut syn::ExprMatch) {
        visit_mut::visit_expr_match_mut(self, expr);
        let arms = std::mem::take(&mut expr.arms);
        for arm in arms {
            let list = match &arm.pat {
                syn::Pat::Ident(hole) if hole.ident == ENUM_HOLES.as_str => &self.as_str,
                syn::Pat::Ident(hole) if hole.ident == ENUM_HOLES.from_str => {
                    &self.from_str
                }
                syn::Pat::Ident(hole) if hole.ident == ENUM_HOLES.from_str_closed => {
                    &self.from_str_closed
                }
                syn::Pat::Ident(hole) if hole.ident == ENUM_HOLES.nth_arms => {
                    &self.nth_arms
                }
                _ => {
                    expr.arms.push(arm);
                    continue;
                }
            };
            expr.arms.extend(list.iter().cloned());
        }
    }
}

/// An untagged union, built a variant at a time: the enum, its `Serialize` impl (each variant
/// serializes its value) and its `Deserialize` impl (the first form that takes the value wins).
pub struct Union {
    variants: Punctuated<syn::Variant, syn::Token![,]>,
    encode: Vec<syn::Arm>,
    decode: Vec<syn::Stmt>,
}

/// The placeholders of the union templates.
const UNION_HOLES: UnionHoleNames = UnionHoleNames {
    name: "__Union",
    variant: "__Variant",
    variants: "__Variants",
    encode: "__encode",
    decode: "__decode",
    message: "__message",
};

struct UnionHoleNames {
    name: &'static str,
    variant: &'static str,
    variants: &'static str,
    encode: &'static str,
    decode: &'static str,
    message: &'static str,
}

/// What an untagged union's items are written as, as tokens: `arms` are its variants, `encode`
/// the `Serialize` match arms, `decode` the statements after the value is read.
struct UnionTokens {
    name: TokenStream,
    attrs: TokenStream,
    arms: TokenStream,
    encode: TokenStream,
    decode: TokenStream,
    sent: TokenStream,
    received: TokenStream,
}

fn union_tokens(u: UnionTokens) -> TokenStream {
    let UnionTokens {
        name,
        attrs,
        arms,
        encode,
        decode,
        sent,
        received,
    } = u;
    quote! {
        #attrs
        #[derive(Debug, Clone, PartialEq)]
        #[allow(clippy::large_enum_variant)]
        pub enum #name {
            #arms
        }
        #sent
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                match self {
                    #encode
                }
            }
        }
        #received
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let value = codec::json(d)?;
                #decode
            }
        }
    }
}

/// The tokens of one variant and of its `Serialize` arm.
fn union_variant_tokens(
    doc: &str,
    ident: &Ident,
    ty: &TokenStream,
) -> (TokenStream, TokenStream) {
    (
        quote!(#[doc = #doc] #ident(#ty),),
        quote!(Self::#ident(value) => value.serialize(s),),
    )
}

/// `if let Some(form) = codec::try_form(&value) { return Ok(Self::ident(form)); }`
fn try_form_tokens(ident: &Ident) -> TokenStream {
    quote! {
        if let Some(form) = codec::try_form(&value) {
            return Ok(Self::#ident(form));
        }
    }
}

/// `Ok(Self::ident(value))`
fn take_value_tokens(ident: &Ident) -> TokenStream {
    quote!(Ok(Self::#ident(value)))
}

/// `Err(serde::de::Error::custom(message))`
fn refuse_tokens(message: &str) -> TokenStream {
    quote!(Err(serde::de::Error::custom(#message)))
}

impl Union {
    pub fn new() -> Self {
        Union {
            variants: Punctuated::new(),
            encode: Vec::new(),
            decode: Vec::new(),
        }
    }

    /// `#[doc = doc] ident(ty),`, serialized as its value; `ty` is parsed (a few tokens).
    pub fn variant(&mut self, doc: &str, ident: &Ident, ty: TokenStream) -> Result<()> {
        let ty: syn::Type = syn::parse2(ty).map_err(|e| {
            Error::Internal(format!(
                "the type of the variant {ident} does not parse: {e}"
            ))
        })?;
        let (mut variant, mut encode) =
            TEMPLATES.with(|t| (t.union_variant.clone(), t.union_encode.clone()));
        variant.attrs = vec![self::doc(doc)];
        variant.ident = ident.clone();
        if let syn::Fields::Unnamed(fields) = &mut variant.fields {
            if let Some(field) = fields.unnamed.first_mut() {
                field.ty = ty;
            }
        }
        self.variants.push(variant);
        self.variants.push_punct(Default::default());
        Filler::variant(ident).visit_arm_mut(&mut encode);
        self.encode.push(encode);
        Ok(())
    }

    /// Decodes `ident` when `codec::try_form` reads the value as its type.
    pub fn try_form(&mut self, ident: &Ident) {
        let mut stmt = TEMPLATES.with(|t| t.union_try_form.clone());
        Filler::variant(ident).visit_stmt_mut(&mut stmt);
        self.decode.push(stmt);
    }

    /// Decodes whatever is left as `ident`, which holds any value: the last statement.
    pub fn take_value(&mut self, ident: &Ident) {
        let mut stmt = TEMPLATES.with(|t| t.union_take_value.clone());
        Filler::variant(ident).visit_stmt_mut(&mut stmt);
        self.decode.push(stmt);
    }

    /// Refuses what no form took, with `message`: the last statement.
    pub fn refuse(&mut self, message: &str) {
        let mut stmt = TEMPLATES.with(|t| t.union_refuse.clone());
        Filler {
            variant: None,
            message: Some(message),
        }
        .visit_stmt_mut(&mut stmt);
        self.decode.push(stmt);
    }

    /// The union's items: `attrs` (tokens: its docs, `#[deprecated]`, `#[non_exhaustive]`)
    /// above the enum, the gates above the impls.
    pub fn into_items(
        self,
        name: &Ident,
        attrs: TokenStream,
        sent: TokenStream,
        received: TokenStream,
    ) -> Result<Items> {
        let mut items = TEMPLATES.with(|t| t.union.clone());
        let mut holes = UnionHoles { name, union: self };
        for item in &mut items {
            holes.visit_item_mut(item);
        }
        Ok(with_attributes(
            items,
            [
                (0, outer_attributes(attrs, name)?),
                (1, outer_attributes(sent, name)?),
                (2, outer_attributes(received, name)?),
            ],
        ))
    }
}

/// Fills the variant and message holes of a copied piece of a union template.
struct Filler<'f> {
    variant: Option<&'f Ident>,
    message: Option<&'f str>,
}

impl<'f> Filler<'f> {
    fn variant(ident: &'f Ident) -> Self {
        Filler {
            variant: Some(ident),
            message: None,
        }
    }
}

impl VisitMut for Filler<'_> {
    fn visit_ident_mut(&mut self, ident: &mut Ident) {
        if let Some(variant) = self.variant {
            if ident == UNION_HOLES.variant {
                *ident = variant.clone();
            }
        }
    }

    fn visit_lit_str_mut(&mut self, lit: &mut syn::LitStr) {
        if let Some(message) = self.message {
            if lit.value() == UNION_HOLES.message {
                *lit = syn::LitStr::new(message, lit.span());
            }
        }
    }
}

/// Fills a copy of the union template: its name, and its three lists.
struct UnionHoles<'h> {
    name: &'h Ident,
    union: Union,
}

impl VisitMut for UnionHoles<'_> {
    fn visit_ident_mut(&mut self, ident: &mut Ident) {
        if ident == UNION_HOLES.name {
            *ident = self.name.clone();
        }
    }

    fn visit_item_enum_mut(&mut self, item: &mut syn::ItemEnum) {
        visit_mut::visit_item_enum_mut(self, item);
        if item
            .variants
            .iter()
            .any(|v| v.ident == UNION_HOLES.variants)
        {
            item.variants = std::mem::take(&mut self.union.variants);
        }
    }

    fn visit_expr_match_mut(&mut self, expr: &mut syn::ExprMatch) {
        visit_mut::visit_expr_match_mut(self, expr);
        let is_hole = |arm: &syn::Arm| matches!(&arm.pat, syn::Pat::Ident(hole) if hole.ident == UNION_HOLES.encode);
        if expr.arms.iter().any(is_hole) {
            expr.arms = std::mem::take(&mut self.union.encode);
        }
    }

    fn visit_block_mut(&mut self, block: &mut syn::Block) {
        visit_mut::visit_block_mut(self, block);
        let is_hole = |stmt: &syn::Stmt| {
            matches!(stmt, syn::Stmt::Expr(syn::Expr::Call(call), None)
                if matches!(&*call.func, syn::Expr::Path(p) if p.path.is_ident(UNION_HOLES.decode)))
        };
        if let Some(at) = block.stmts.iter().position(is_hole) {
            block
                .stmts
                .splice(at..=at, std::mem::take(&mut self.union.decode));
        }
    }
}

/// The union template's three items, with a hole for each list.
fn union_template() -> Vec<syn::Item> {
    let hole = |name: &str| Ident::new(name, Span::call_site());
    let (variants, encode, decode) = (
        hole(UNION_HOLES.variants),
        hole(UNION_HOLES.encode),
        hole(UNION_HOLES.decode),
    );
    let tokens = union_tokens(UnionTokens {
        name: hole(UNION_HOLES.name).into_token_stream(),
        attrs: TokenStream::new(),
        arms: quote!(#variants,),
        encode: quote!(#encode => (),),
        decode: quote!(#decode()),
        sent: TokenStream::new(),
        received: TokenStream::new(),
    });
    syn::parse2::<syn::File>(tokens)
        .expect("the union template parses")
        .items
}

/// One constant of the `consts` module: its type, its doc line, its JSON text, and, when it is
/// a string, the string (serialized with `serialize_str`).
pub struct Constant<'c> {
    pub ident: Ident,
    pub doc: String,
    pub json: &'c str,
    pub string: Option<&'c str>,
}

/// The placeholders of the constant template: its type, and three string literals.
const CONSTANT_HOLES: ConstantHoleNames = ConstantHoleNames {
    ident: "__Constant",
    doc: "__constant_doc",
    json: "__constant_json",
    string: "__constant_string",
};

struct ConstantHoleNames {
    ident: &'static str,
    doc: &'static str,
    json: &'static str,
    string: &'static str,
}

/// A constant's items as tokens: a unit struct, its `value`, and its serde impls.
fn constant_tokens(c: &Constant<'_>) -> TokenStream {
    let Constant { ident, doc, json, .. } = c;
    let serialize = match c.string {
        Some(text) => quote!(s.serialize_str(#text)),
        None => quote!(serde::Serialize::serialize(&self.value(), s)),
    };
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
        pub struct #ident;
        impl #ident {
            /// The value as JSON.
            pub fn value(&self) -> serde_json::Value {
                serde_json::from_str(#json).expect("a valid constant")
            }
        }
        impl serde::Serialize for #ident {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                #serialize
            }
        }
        impl<'de> serde::Deserialize<'de> for #ident {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                crate::codec::expect_const(d, &Self.value()).map(|()| Self)
            }
        }
    }
}

/// The `consts` module around `items`, as tokens.
fn consts_module_tokens(items: TokenStream) -> TokenStream {
    quote! {
        /// Zero-sized types for members that hold one constant value: they serialize as
        /// that value and accept nothing else.
        pub mod consts {
            #items
        }
    }
}

/// The `consts` module of `types.rs`: each constant's items copied from the template (one
/// for strings, one for other values) and filled in. A large contract has hundreds of
/// constants, and as tokens the module was the largest single item parsed.
pub fn consts_module<'c>(constants: impl IntoIterator<Item = Constant<'c>>) -> Items {
    TEMPLATES.with(|t| {
        let mut module = t.consts_module.clone();
        let (_, content) = module
            .content
            .as_mut()
            .expect("the consts module template has a body");
        for constant in constants {
            let mut items = if constant.string.is_some() {
                t.string_constant.clone()
            } else {
                t.value_constant.clone()
            };
            let mut holes = ConstantHoles(&constant);
            for item in &mut items {
                holes.visit_item_mut(item);
            }
            content.extend(items);
        }
        Items::built(syn::Item::Mod(module))
    })
}

/// The template's items for a string constant, or (`string` false) for any other value.
fn constant_template(string: bool) -> Vec<syn::Item> {
    let hole = Constant {
        ident: Ident::new(CONSTANT_HOLES.ident, Span::call_site()),
        doc: CONSTANT_HOLES.doc.to_owned(),
        json: CONSTANT_HOLES.json,
        string: string.then_some(CONSTANT_HOLES.string),
    };
    syn::parse2::<syn::File>(constant_tokens(&hole))
        .expect("the constant template parses")
        .items
}

/// Fills a copy of a constant template's holes.
struct ConstantHoles<'c, 'h>(&'h Constant<'c>);

impl VisitMut for ConstantHoles<'_, '_> {
    fn visit_ident_mut(&mut self, ident: &mut Ident) {
        if ident == CONSTANT_HOLES.ident {
            *ident = self.0.ident.clone();
        }
    }

    fn visit_lit_str_mut(&mut self, lit: &mut syn::LitStr) {
        let value = lit.value();
        let filled = if value == CONSTANT_HOLES.doc {
            self.0.doc.as_str()
        } else if value == CONSTANT_HOLES.json {
            self.0.json
        } else if value == CONSTANT_HOLES.string {
            self.0.string.unwrap_or_default()
        } else {
            return;
        };
        *lit = syn::LitStr::new(filled, lit.span());
    }
}

/// The impls with members, parsed once per thread (a tree's identifiers cannot cross threads)
/// for a placeholder type, and copied for each struct.
struct Templates {
    serialize: syn::ItemImpl,
    deserialize: syn::ItemImpl,
    methods: syn::ItemImpl,
    constructor: syn::ImplItemFn,
    many_arguments: syn::Attribute,
    setter: syn::ImplItemFn,
    builder: (syn::ItemStruct, syn::ItemImpl, syn::ItemImpl),
    closed_enum: Vec<syn::Item>,
    open_enum: Vec<syn::Item>,
    string_constant: Vec<syn::Item>,
    value_constant: Vec<syn::Item>,
    consts_module: syn::ItemMod,
    union: Vec<syn::Item>,
    union_variant: syn::Variant,
    union_encode: syn::Arm,
    union_try_form: syn::Stmt,
    union_take_value: syn::Stmt,
    union_refuse: syn::Stmt,
}

thread_local! {
    static TEMPLATES: Templates = Templates {
        serialize: syn::parse_quote! {
            impl serde::Serialize for Placeholder {
                fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                    let mut object = codec::encode_object(s)?;
                    object.end()
                }
            }
        },
        deserialize: syn::parse_quote! {
            impl<'de> serde::Deserialize<'de> for Placeholder {
                fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                    let mut members = codec::Members::read(d)?;
                    let value = Self {};
                    members.end()?;
                    Ok(value)
                }
            }
        },
        methods: syn::parse_quote! {
            impl Placeholder {}
        },
        constructor: syn::parse_quote! {
            /// A value with the required members; the others are left out.
            pub fn new() -> Self {
                Self {}
            }
        },
        many_arguments: syn::parse_quote!(#[allow(clippy::too_many_arguments)]),
        closed_enum: syn::parse2::<syn::File>(string_enum_holes(false))
            .expect("the closed enum template parses")
            .items,
        open_enum: syn::parse2::<syn::File>(string_enum_holes(true))
            .expect("the open enum template parses")
            .items,
        string_constant: constant_template(true),
        value_constant: constant_template(false),
        consts_module: syn::parse2(consts_module_tokens(TokenStream::new()))
            .expect("the consts module template parses"),
        union: union_template(),
        union_variant: {
            let hole = Ident::new(UNION_HOLES.variant, Span::call_site());
            let (variant, _) = union_variant_tokens("", &hole, &quote!(()));
            let item: syn::ItemEnum = syn::parse_quote!(enum Union { #variant });
            item.variants
                .into_iter()
                .next()
                .expect("the variant template has one")
        },
        union_encode: {
            let hole = Ident::new(UNION_HOLES.variant, Span::call_site());
            let (_, encode) = union_variant_tokens("", &hole, &quote!(()));
            syn::parse_quote!(#encode)
        },
        union_try_form: syn::parse2(try_form_tokens(&Ident::new(
            UNION_HOLES.variant,
            Span::call_site(),
        )))
        .expect("the try_form template parses"),
        union_take_value: syn::Stmt::Expr(
            syn::parse2(take_value_tokens(&Ident::new(UNION_HOLES.variant, Span::call_site())))
                .expect("the take_value template parses"),
            None,
        ),
        union_refuse: syn::Stmt::Expr(
            syn::parse2(refuse_tokens(UNION_HOLES.message))
                .expect("the refuse template parses"),
            None,
        ),
        builder: {
            let file: syn::File = syn::parse2(builder_holes()).expect("the builder template parses");
            match <[syn::Item; 3]>::try_from(file.items) {
                Ok([syn::Item::Struct(definition), syn::Item::Impl(methods), syn::Item::Impl(future)]) => {
                    (definition, methods, future)
                }
                _ => unreachable!("the builder template is a struct and two impls"),
            }
        },
        setter: syn::parse_quote! {
            #[doc = ""]
            pub fn placeholder(mut self, placeholder: Placeholder) -> Self {
                self.placeholder = placeholder;
                self
            }
        },
    };
}

/// A template's impl made one for `name`, under `gate`.
fn place(item: &mut syn::ItemImpl, name: &Ident, gate: TokenStream) {
    *item.self_ty = syn::Type::Path(syn::TypePath {
        attrs: Vec::new(),
        qself: None,
        path: name.clone().into(),
    });
    if !gate.is_empty() {
        item.attrs = syn::parse::Parser::parse2(syn::Attribute::parse_outer, gate)
            .expect("a serde gate is an outer attribute");
    }
}

fn only_fn(item: &mut syn::ItemImpl) -> &mut syn::ImplItemFn {
    match item.items.first_mut() {
        Some(syn::ImplItem::Fn(function)) => function,
        _ => unreachable!("the impl holds one function"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backends::sdk::render::source;

    fn printed(items: Items) -> String {
        source("test.rs", items).expect("the items print")
    }

    /// The same impls written as tokens, the way they were before this module: what prettyplease
    /// prints from them is what the built trees must print as.
    #[test]
    fn built_trees_print_as_the_parsed_tokens() {
        let name = Ident::new("PaymentIntent", Span::call_site());
        let (id, amount, rest) = (
            Ident::new("id", Span::call_site()),
            Ident::new(
                "a_rather_long_member_name_that_makes_prettyplease_break_the_line",
                Span::call_site(),
            ),
            Ident::new("additional_properties", Span::call_site()),
        );
        let long_wire =
            "a_rather_long_member_name_that_makes_prettyplease_break_the_line";
        let gate = quote!(#[cfg(feature = "full-serde")]);

        let mut encode = Encode::new();
        encode.member("member", "id", &id);
        encode.member("optional", long_wire, &amount);
        encode.rest(&rest);
        let mut decode = Decode::new();
        decode.member(&id, "required", "id");
        decode.member(&amount, "optional", long_wire);
        decode.rest(&rest);
        let mut built = encode.into_impl(&name, TokenStream::new());
        built.extend(decode.into_impl(&name, gate.clone()));

        let written = quote! {
            impl serde::Serialize for #name {
                fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                    let mut object = codec::encode_object(s)?;
                    object.member("id", &self.#id);
                    object.optional(#long_wire, &self.#amount);
                    object.rest(&self.#rest);
                    object.end()
                }
            }
            #gate
            impl<'de> serde::Deserialize<'de> for #name {
                fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                    let mut members = codec::Members::read(d)?;
                    let value = Self {
                        id: members.required("id")?,
                        #amount: members.optional(#long_wire)?,
                        #rest: members.rest()?,
                    };
                    members.end()?;
                    Ok(value)
                }
            }
        };
        let expected = printed(written.into());
        assert!(expected.contains("#[cfg(feature = \"full-serde\")]\nimpl<'de>"));
        assert_eq!(printed(built), expected);
    }

    fn ident(name: &str) -> Ident {
        Ident::new(name, Span::call_site())
    }

    /// `new` and the setters as `types::constructors` wrote them as tokens: a string, a boxed
    /// member, a raw identifier, a long type that prettyplease breaks, and eight parameters
    /// (which take the lint's `allow`).
    #[test]
    fn built_methods_print_as_the_parsed_tokens() {
        let name = ident("CreateRepoRequest");
        let raw = Ident::new_raw("type", Span::call_site());
        let long: syn::Type = syn::parse_quote!(
            std::collections::BTreeMap<String, CreateRepoRequestSecurityAndAnalysisAdvancedSecurity>
        );
        for count in [1, 8] {
            let mut methods = Methods::new();
            let mut params = vec![
                Parameter {
                    ident: ident("name"),
                    ty: impl_into(syn::parse_quote!(String)),
                    value: into(&ident("name")),
                },
                Parameter {
                    ident: raw.clone(),
                    ty: syn::parse_quote!(RepoType),
                    value: local(&raw),
                },
            ];
            for n in 2..count {
                let member = ident(&format!("member_{n}"));
                params.push(Parameter {
                    ident: member.clone(),
                    ty: syn::parse_quote!(Owner),
                    value: call(&["Box", "new"], vec![local(&member)]),
                });
            }
            let written_params = params.iter().map(|p| {
                let (ident, ty) = (&p.ident, &p.ty);
                quote!(#ident: #ty,)
            });
            let written_inits = params.iter().map(|p| {
                let (ident, value) = (&p.ident, &p.value);
                if *ident == quote!(#value).to_string() {
                    quote!(#ident,)
                } else {
                    quote!(#ident: #value,)
                }
            });
            let written_inits: Vec<TokenStream> = written_inits.collect();
            let written_params: Vec<TokenStream> = written_params.collect();
            let params_len = params.len();
            methods.constructor(
                params,
                vec![
                    (ident("homepage"), path_expr(&["None"])),
                    (ident("topics"), path_expr(&["crate", "Nullable", "Absent"])),
                    (ident("rest"), call(&["Default", "default"], Vec::new())),
                ],
            );
            let description = ident("description");
            methods.setter(
                " Sets `description`.",
                Parameter {
                    ident: description.clone(),
                    ty: impl_into(syn::parse_quote!(String)),
                    value: into(&description),
                },
                call(&["crate", "Nullable", "Value"], vec![into(&description)]),
            );
            let policies = ident("security_and_analysis_policies");
            methods.setter(
                " Sets `security_and_analysis_policies`.",
                Parameter {
                    ident: policies.clone(),
                    ty: long.clone(),
                    value: local(&policies),
                },
                call(
                    &["Some"],
                    vec![call(&["Box", "new"], vec![local(&policies)])],
                ),
            );
            let allow =
                (params_len > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
            let written = quote! {
                impl #name {
                    /// A value with the required members; the others are left out.
                    #allow
                    pub fn new(#(#written_params)*) -> Self {
                        Self {
                            #(#written_inits)*
                            homepage: None,
                            topics: crate::Nullable::Absent,
                            rest: Default::default(),
                        }
                    }
                    #[doc = " Sets `description`."]
                    pub fn #description(mut self, #description: impl Into<String>) -> Self {
                        self.#description = crate::Nullable::Value(#description.into());
                        self
                    }
                    #[doc = " Sets `security_and_analysis_policies`."]
                    pub fn #policies(mut self, #policies: #long) -> Self {
                        self.#policies = Some(Box::new(#policies));
                        self
                    }
                }
            };
            let expected = printed(written.into());
            assert!(expected.contains("r#type,"), "{expected}");
            assert_eq!(
                expected.contains("too_many_arguments"),
                count == 8,
                "{expected}"
            );
            assert_eq!(printed(methods.into_impl(&name)), expected);
        }
        assert!(printed(Methods::new().into_impl(&name)).is_empty());
    }

    /// A builder built from the template prints as the same builder written as tokens: with
    /// and without setters, for a plain, a long and a generic output.
    #[test]
    fn built_builders_print_as_the_parsed_tokens() {
        let name = ident("ReposCreateForAuthenticatedUser");
        let doc = " A `POST /user/repos` call, from [`ReposApi::create_for_authenticated_user`].";
        let setters = quote! {
            /// The page of results.
            pub fn page(mut self, page: i64) -> Self {
                let call = &mut self.call;
                call.query("page", page.to_string());
                self
            }
        };
        let cases = [
            (TokenStream::new(), quote!(()), quote!(Response::empty)),
            (
                setters.clone(),
                quote!(types::FullRepository),
                quote!(Response::json),
            ),
            (
                setters,
                quote!(
                    crate::EventStream<
                        types::ReposCreateForAuthenticatedUserStreamEvent,
                    >
                ),
                quote!(|response| Response::events(response, codec::event)),
            ),
        ];
        for (setters, output, finish) in cases {
            let expected = printed(
                builder_tokens(
                    &name,
                    doc,
                    setters.clone(),
                    output.clone(),
                    finish.clone(),
                )
                .into(),
            );
            let built =
                builder(&name, doc, setters.clone(), output, finish).expect("it builds");
            assert_eq!(printed(built), expected);
            assert!(!expected.contains("__"), "a hole left unfilled: {expected}");
            assert_eq!(expected.contains("pub fn page"), !setters.is_empty());
        }
    }

    #[test]
    fn a_builder_part_that_is_not_rust_is_an_internal_error() {
        let name = ident("Broken");
        let error = builder(
            &name,
            "",
            TokenStream::new(),
            quote!(+),
            quote!(Response::json),
        );
        assert!(matches!(error, Err(Error::Internal(m)) if m.contains("Broken")));
    }

    /// A string enum built from a template prints as the same enum written as tokens: closed
    /// and open, gated or not, with values that need escaping and more than ten of them.
    #[test]
    fn built_string_enums_print_as_the_parsed_tokens() {
        let name = ident("IssueState");
        let unknown = ident("Unknown");
        let mut values: Vec<(Ident, String)> = ["open", "closed", "say \"hi\"\\"]
            .iter()
            .enumerate()
            .map(|(n, v)| (ident(&format!("V{n}")), v.to_string()))
            .collect();
        values.extend(
            (3..12).map(|n| (ident(&format!("Value{n}")), format!("value {n}"))),
        );
        let attrs = quote!(#[doc = " The state."] #[non_exhaustive]);
        let gate = quote!(#[cfg(feature = "full-serde")]);
        for (open, sent, received) in [
            (false, TokenStream::new(), gate.clone()),
            (true, gate.clone(), TokenStream::new()),
        ] {
            let e = StringEnum {
                name: &name,
                attrs: attrs.clone(),
                values: &values,
                open,
                unknown: &unknown,
                sent,
                received,
            };
            let mut lists = EnumLists {
                variants: TokenStream::new(),
                as_str: TokenStream::new(),
                from_str: TokenStream::new(),
                from_str_closed: TokenStream::new(),
                nth_arms: TokenStream::new(),
            };
            for (index, (ident, value)) in values.iter().enumerate() {
                let doc = format!(" `{value}`");
                let index = proc_macro2::Literal::usize_unsuffixed(index);
                lists.variants.extend(quote!(#[doc = #doc] #ident,));
                lists.as_str.extend(quote!(Self::#ident => #value,));
                lists.from_str.extend(quote!(#value => Self::#ident,));
                lists
                    .from_str_closed
                    .extend(quote!(#value => Ok(Self::#ident),));
                lists.nth_arms.extend(quote!(#index => Some(#value),));
            }
            let expected = printed(string_enum_tokens(&e, &lists).into());
            assert!(!expected.contains("__"), "a hole left unfilled: {expected}");
            assert_eq!(expected.contains("Unknown(String)"), open, "{expected}");
            assert!(
                expected.contains("#[cfg(feature = \"full-serde\")]"),
                "{expected}"
            );
            assert!(expected.contains("11 => Some(\"value 11\")"), "{expected}");
            assert_eq!(printed(string_enum(e).expect("it builds")), expected);
        }
    }

    /// A struct built member by member prints as the same struct written as tokens: docs with
    /// an empty line and escapes, a deprecated member, a raw identifier, a long type.
    #[test]
    fn built_structs_print_as_the_parsed_tokens() {
        let name = ident("Repository");
        let raw = Ident::new_raw("type", Span::call_site());
        let text = "The repository's name.\n\nNot \"quoted\" \\ here.";
        let long = quote!(
            Option<
                std::collections::BTreeMap<
                    String,
                    RepositorySecurityAndAnalysisAdvancedSecurity,
                >,
            >
        );
        let attrs =
            quote!(#[doc = " A repository."] #[non_exhaustive] #[derive(Debug, Clone)]);
        let mut deprecated_docs = docs("Old.");
        deprecated_docs.push(deprecated());
        let members = vec![
            member(docs(text), &ident("name"), quote!(String)).unwrap(),
            member(deprecated_docs, &raw, quote!(Option<RepoType>)).unwrap(),
            member(vec![doc("")], &ident("policies"), long.clone()).unwrap(),
        ];
        let name_docs = crate::backends::sdk::render::docs(text);
        let written = quote! {
            #attrs
            pub struct #name {
                #name_docs
                pub name: String,
                #[doc = " Old."]
                #[deprecated]
                pub #raw: Option<RepoType>,
                #[doc = ""]
                pub policies: #long,
            }
        };
        let expected = printed(written.into());
        assert!(expected.contains("    ///\n    /// Not"), "{expected}");
        assert!(
            expected.contains("#[deprecated]\n    pub r#type"),
            "{expected}"
        );
        assert_eq!(
            printed(struct_def(&name, attrs, members).expect("it builds")),
            expected
        );
    }

    #[test]
    fn a_struct_without_members_has_the_short_bodies() {
        let name = Ident::new("Empty", Span::call_site());
        let mut items = Encode::new().into_impl(&name, TokenStream::new());
        items.extend(Decode::new().into_impl(&name, TokenStream::new()));
        let text = printed(items);
        assert!(text.contains("codec::encode_object(s)?.end()"), "{text}");
        assert!(
            text.contains("codec::Members::read(d)?.end()?;\n        Ok(Self {})"),
            "{text}"
        );
    }

    #[test]
    fn tokens_after_a_built_item_keep_their_place() {
        let name = Ident::new("Pet", Span::call_site());
        let mut encode = Encode::new();
        encode.member("member", "id", &Ident::new("id", Span::call_site()));
        let mut items = Items::from(quote!(
            pub struct First;
        ));
        items.extend(encode.into_impl(&name, TokenStream::new()));
        items.extend(Items::from(quote!(
            pub struct Last;
        )));
        let text = printed(items);
        let order: Vec<usize> = ["struct First", "impl serde::Serialize", "struct Last"]
            .iter()
            .map(|item| text.find(item).expect(item))
            .collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]), "{text}");
    }

    /// The `consts` module as `types.rs` wrote it as tokens: strings that need escaping, one
    /// long enough that prettyplease breaks its line, and values that are not strings.
    #[test]
    fn built_constants_print_as_the_parsed_tokens() {
        let values = [
            serde_json::json!("POST"),
            serde_json::json!("say \"hi\" \\ é\u{7}"),
            serde_json::json!(
                "a_rather_long_constant_value_that_makes_prettyplease_break_the_line"
            ),
            serde_json::json!(42),
            serde_json::json!(null),
            serde_json::json!({"a": [1, 2]}),
        ];
        let texts: Vec<String> = values.iter().map(|v| v.to_string()).collect();
        let constants = || {
            values
                .iter()
                .zip(&texts)
                .enumerate()
                .map(|(n, (value, text))| Constant {
                    ident: ident(&format!("Constant{n}")),
                    doc: format!(" The constant `{text}`."),
                    json: text,
                    string: value.as_str(),
                })
        };
        let written =
            consts_module_tokens(constants().map(|c| constant_tokens(&c)).collect());
        let expected = printed(written.into());
        assert!(expected.contains("s.serialize_str(\"POST\")"), "{expected}");
        assert!(expected.contains("serde::Serialize::serialize(&self.value(), s)"));
        assert_eq!(printed(consts_module(constants())), expected);
        assert_eq!(
            printed(consts_module(std::iter::empty())),
            printed(consts_module_tokens(TokenStream::new()).into())
        );
    }

    /// An alias as tokens, with docs, `#[deprecated]` and a target prettyplease breaks.
    #[test]
    fn built_aliases_print_as_the_parsed_tokens() {
        let name = ident("ChargeMetadata");
        let target = quote!(std::collections::BTreeMap<String, Vec<Option<PaymentMethodDetailsCardPresentOffline>>>);
        let docs = crate::backends::sdk::render::docs(
            "Set of key-value pairs.\n\nSee `metadata`.",
        );
        let mut attrs = super::docs("Set of key-value pairs.\n\nSee `metadata`.");
        attrs.push(deprecated());
        let built = type_alias(attrs, &name, target.clone()).unwrap();
        let expected =
            printed(quote!(#docs #[deprecated] pub type #name = #target;).into());
        assert!(
            expected.contains("#[deprecated]\npub type ChargeMetadata"),
            "{expected}"
        );
        assert_eq!(printed(built), expected);
    }

    /// Untagged unions as `types.rs` wrote them as tokens: forms tried in turn and refused,
    /// ended by a form that takes any value, and ended by the variant for unknown values,
    /// with gates on either impl and a long type.
    #[test]
    fn built_unions_print_as_the_parsed_tokens() {
        let name = ident("ChargeSource");
        let (card, any, unknown) = (ident("Card"), ident("Value"), ident("Unknown"));
        let long = quote!(std::collections::BTreeMap<String, PaymentMethodDetailsCardPresentOfflineReceipt>);
        let gate = quote!(#[cfg(feature = "full-serde")]);
        let attrs = quote!(#[doc = " A source."] #[deprecated] #[non_exhaustive]);
        #[derive(Clone, Copy)]
        enum End {
            Refuse,
            TakeAny,
            Unknown,
        }
        for (end, sent, received) in [
            (End::Refuse, gate.clone(), TokenStream::new()),
            (End::TakeAny, TokenStream::new(), TokenStream::new()),
            (End::Unknown, TokenStream::new(), gate.clone()),
        ] {
            let mut union = Union::new();
            let (mut arms, mut encode, mut decode) =
                (TokenStream::new(), TokenStream::new(), TokenStream::new());
            let mut add =
                |union: &mut Union, doc: &str, ident: &Ident, ty: TokenStream| {
                    let (arm, encoded) = union_variant_tokens(doc, ident, &ty);
                    arms.extend(arm);
                    encode.extend(encoded);
                    union.variant(doc, ident, ty).unwrap();
                };
            add(&mut union, " The `Card` form.", &card, long.clone());
            union.try_form(&card);
            decode.extend(try_form_tokens(&card));
            match end {
                End::Refuse => {
                    union.refuse("the value matches none of the forms");
                    decode.extend(refuse_tokens("the value matches none of the forms"));
                }
                End::TakeAny => {
                    add(
                        &mut union,
                        " The `Value` form.",
                        &any,
                        quote!(serde_json::Value),
                    );
                    union.take_value(&any);
                    decode.extend(take_value_tokens(&any));
                }
                End::Unknown => {
                    let doc =
                        " A value that matches none of the forms above, as received.";
                    add(&mut union, doc, &unknown, quote!(serde_json::Value));
                    union.take_value(&unknown);
                    decode.extend(take_value_tokens(&unknown));
                }
            }
            let written = union_tokens(UnionTokens {
                name: name.to_token_stream(),
                attrs: attrs.clone(),
                arms,
                encode,
                decode,
                sent: sent.clone(),
                received: received.clone(),
            });
            let expected = printed(written.into());
            assert!(expected.contains("codec::try_form(&value)"), "{expected}");
            let built = union
                .into_items(&name, attrs.clone(), sent, received)
                .unwrap();
            assert_eq!(printed(built), expected);
        }
    }
}
