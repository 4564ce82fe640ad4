//! Syntax trees built directly, for the generated code's most repeated items: a struct's
//! `Serialize` and `Deserialize` impls, a line per member. Written as tokens they would be
//! parsed back by `syn` only to be printed, and on a large contract parsing those bodies was
//! about a tenth of `generate`. Each function here builds the tree `syn` parses from the
//! tokens it stands for, so prettyplease prints the same text
//! (`built_trees_print_as_the_parsed_tokens` compares them).

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;
use syn::punctuated::Punctuated;

use super::render::Items;

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
    syn::Expr::Path(syn::ExprPath {
        attrs: Vec::new(),
        qself: None,
        path: Ident::new(name, Span::call_site()).into(),
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
        expr: Box::new(syn::Expr::Field(syn::ExprField {
            attrs: Vec::new(),
            base: Box::new(variable("self")),
            dot_token: Default::default(),
            member: syn::Member::Named(field.clone()),
        })),
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

/// The impls with members, parsed once per thread (a tree's identifiers cannot cross threads)
/// for a placeholder type, and copied for each struct.
struct Templates {
    serialize: syn::ItemImpl,
    deserialize: syn::ItemImpl,
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
}
