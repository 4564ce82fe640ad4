//! The names the SDK runtime takes, read from `templates/sdk/*.rs` so that the list cannot go
//! stale when a template gains a type.
//!
//! The templates are rustfmt-formatted files of our own, so a top-level item starts at column 0
//! and everything inside one is indented: the names are read line by line, which costs
//! microseconds where parsing the templates with `syn` cost a fifth of a small `generate`. The
//! tests read every template with `syn` and require the same answers.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use super::TEMPLATES;

/// The public types of the runtime (`Client`, `Error`, `FilePart`, …): the crate root exports
/// them beside the contract's types (`pub use types::*`), so a contract type must not take one
/// of these names. The pipeline hands them to the IR, which names the types.
pub fn runtime_type_names() -> &'static BTreeSet<String> {
    static NAMES: OnceLock<BTreeSet<String>> = OnceLock::new();
    NAMES.get_or_init(|| {
        TEMPLATES
            .iter()
            .flat_map(|(_, source)| type_heads(source))
            .filter(|(public, _)| *public)
            .map(|(_, name)| name.to_owned())
            .collect()
    })
}

/// The inherent methods of the runtime's `Client` (public or not: `ops.rs` adds a group accessor
/// per tag to the same type, and two methods of one name do not compile).
pub fn client_methods() -> &'static BTreeSet<String> {
    static NAMES: OnceLock<BTreeSet<String>> = OnceLock::new();
    NAMES.get_or_init(|| {
        let (_, source) = TEMPLATES
            .iter()
            .find(|(name, _)| *name == "client.rs")
            .expect("the runtime has client.rs");
        let mut names = BTreeSet::new();
        let mut in_client = false;
        for line in source.lines() {
            if in_client {
                if line.starts_with('}') {
                    in_client = false;
                } else if let Some(head) = line.strip_prefix("    ") {
                    if let Some(name) = fn_name(head) {
                        names.insert(name.to_owned());
                    }
                }
            } else {
                in_client = line == "impl Client {";
            }
        }
        names
    })
}

/// Every type name in scope at the top of the runtime half of the SDK's `catalog.rs`
/// ([`crate::validators::RUNTIME_SOURCE`]): the types it defines and the names it imports, which
/// the generated half's typed structs must not take.
pub fn catalog_runtime_names() -> &'static BTreeSet<String> {
    static NAMES: OnceLock<BTreeSet<String>> = OnceLock::new();
    NAMES.get_or_init(|| {
        let source = crate::validators::RUNTIME_SOURCE;
        let mut names: BTreeSet<String> = type_heads(source)
            .map(|(_, name)| name.to_owned())
            .collect();
        for item in top_level_items(source, "use ") {
            let item: syn::ItemUse =
                syn::parse_str(item).expect("a runtime import is Rust");
            imported(&item.tree, &mut names);
        }
        names
    })
}

/// The text of the `const` NAME of a runtime template (`const NAME: T = EXPR;`), for the
/// README to state its value.
pub fn runtime_const(file: &str, name: &str) -> Option<&'static str> {
    let (_, source) = TEMPLATES.iter().find(|(f, _)| *f == file)?;
    top_level_items(source, "const ").find(|item| {
        let rest = without_visibility(item).map_or(*item, |(_, rest)| rest);
        rest.strip_prefix("const ")
            .and_then(|rest| rest.strip_prefix(name))
            .is_some_and(|after| after.starts_with(':'))
    })
}

/// Each top-level struct, enum, union, trait or type alias of `source`: whether it is `pub`
/// (plain `pub`, not `pub(crate)`), and its name.
fn type_heads(source: &str) -> impl Iterator<Item = (bool, &str)> {
    source.lines().filter_map(|line| {
        let (public, rest) = without_visibility(line).unwrap_or((false, line));
        let rest = rest.strip_prefix("unsafe ").unwrap_or(rest);
        let rest = ["struct ", "enum ", "union ", "trait ", "type "]
            .iter()
            .find_map(|keyword| rest.strip_prefix(keyword))?;
        let end = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        (end > 0).then(|| (public, &rest[..end]))
    })
}

/// A line's text after its visibility (`pub `, `pub(crate) `, …), and whether that is plain
/// `pub`; `None` when the line has none.
fn without_visibility(line: &str) -> Option<(bool, &str)> {
    let rest = line.strip_prefix("pub")?;
    if let Some(rest) = rest.strip_prefix(' ') {
        return Some((true, rest));
    }
    let (_, rest) = rest.strip_prefix('(')?.split_once(") ")?;
    Some((false, rest))
}

/// The name of the function an item line declares (`pub async fn name(…`), if it declares one.
fn fn_name(line: &str) -> Option<&str> {
    let rest = without_visibility(line).map_or(line, |(_, rest)| rest);
    let mut rest = rest;
    for qualifier in ["const ", "async ", "unsafe "] {
        rest = rest.strip_prefix(qualifier).unwrap_or(rest);
    }
    let rest = rest.strip_prefix("fn ")?;
    let end = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    (end > 0).then(|| &rest[..end])
}

/// The whole text, up to and including its `;`, of each top-level item of `source` that starts
/// with `keyword` after its visibility (`use `, `const `).
fn top_level_items<'s>(
    source: &'s str,
    keyword: &'s str,
) -> impl Iterator<Item = &'s str> + 's {
    let mut offset = 0;
    source.split_inclusive('\n').filter_map(move |line| {
        let start = offset;
        offset += line.len();
        let rest = without_visibility(line).map_or(line, |(_, rest)| rest);
        if !rest.starts_with(keyword) {
            return None;
        }
        let end = source[start..].find(";\n").map(|i| start + i + 1)?;
        Some(&source[start..end])
    })
}

/// The names a `use` tree brings into scope.
fn imported(tree: &syn::UseTree, names: &mut BTreeSet<String>) {
    match tree {
        syn::UseTree::Path(path) => imported(&path.tree, names),
        syn::UseTree::Name(name) => {
            names.insert(name.ident.to_string());
        }
        syn::UseTree::Rename(rename) => {
            names.insert(rename.rename.to_string());
        }
        syn::UseTree::Group(group) => {
            for tree in &group.items {
                imported(tree, names);
            }
        }
        syn::UseTree::Glob(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The visibility and name of a struct, enum, union, trait or type alias, as `syn` reads it.
    fn syn_type_name(item: &syn::Item) -> Option<(bool, String)> {
        let (vis, ident) = match item {
            syn::Item::Struct(item) => (&item.vis, &item.ident),
            syn::Item::Enum(item) => (&item.vis, &item.ident),
            syn::Item::Union(item) => (&item.vis, &item.ident),
            syn::Item::Trait(item) => (&item.vis, &item.ident),
            syn::Item::Type(item) => (&item.vis, &item.ident),
            _ => return None,
        };
        Some((matches!(vis, syn::Visibility::Public(_)), ident.to_string()))
    }

    fn parse(name: &str, source: &str) -> syn::File {
        syn::parse_file(source).unwrap_or_else(|e| panic!("{name} is not Rust: {e}"))
    }

    /// The line reading is only right for rustfmt-formatted files: here `syn` reads every
    /// template the way the compiler will, and must find exactly the same names.
    #[test]
    fn reading_lines_finds_what_syn_finds() {
        let mut public = BTreeSet::new();
        for (name, source) in TEMPLATES {
            let file = parse(name, source);
            let by_syn: Vec<(bool, String)> =
                file.items.iter().filter_map(syn_type_name).collect();
            let by_lines: Vec<(bool, String)> = type_heads(source)
                .map(|(public, name)| (public, name.to_owned()))
                .collect();
            assert_eq!(by_lines, by_syn, "templates/sdk/{name}");
            public.extend(by_syn.into_iter().filter(|(p, _)| *p).map(|(_, n)| n));

            let mut consts = 0;
            for item in &file.items {
                let syn::Item::Const(by_syn) = item else {
                    continue;
                };
                consts += 1;
                let ident = by_syn.ident.to_string();
                let text = runtime_const(name, &ident)
                    .unwrap_or_else(|| panic!("{ident} of {name} not found"));
                let by_lines: syn::ItemConst = syn::parse_str(text).unwrap();
                // The line reading starts at the `const` line, after any doc comment.
                let read = |item: &syn::ItemConst| {
                    let (ty, expr) = (&item.ty, &item.expr);
                    quote::quote!(#ty = #expr).to_string()
                };
                assert_eq!(read(&by_lines), read(by_syn), "{ident} of {name}");
            }
            assert_eq!(top_level_items(source, "const ").count(), consts, "{name}");
        }
        assert_eq!(runtime_type_names(), &public);

        let client = TEMPLATES.iter().find(|(n, _)| *n == "client.rs").unwrap().1;
        let mut methods = BTreeSet::new();
        for item in parse("client.rs", client).items {
            let syn::Item::Impl(block) = item else {
                continue;
            };
            let is_client = matches!(&*block.self_ty, syn::Type::Path(p) if p.path.is_ident("Client"));
            if !is_client || block.trait_.is_some() {
                continue;
            }
            for item in block.items {
                if let syn::ImplItem::Fn(method) = item {
                    methods.insert(method.sig.ident.to_string());
                }
            }
        }
        assert_eq!(client_methods(), &methods);

        let runtime = crate::validators::RUNTIME_SOURCE;
        let mut names = BTreeSet::new();
        for item in parse("the catalog runtime", runtime).items {
            match item {
                syn::Item::Use(item) => imported(&item.tree, &mut names),
                item => names.extend(syn_type_name(&item).map(|(_, name)| name)),
            }
        }
        assert_eq!(catalog_runtime_names(), &names);
    }

    #[test]
    fn the_runtime_types_are_read_from_the_templates() {
        let names = runtime_type_names();
        for name in [
            "Client",
            "ClientBuilder",
            "Error",
            "ApiError",
            "Result",
            "FilePart",
        ] {
            assert!(names.contains(name), "{name} missing from {names:?}");
        }
        // Crate-private helpers are not exported, so contract types may take their names.
        assert!(
            !names.contains("Call") && !names.contains("Backoff"),
            "{names:?}"
        );
    }

    #[test]
    fn the_client_methods_are_read_from_client_rs() {
        let names = client_methods();
        for name in [
            "new",
            "from_env",
            "builder",
            "base_url",
            "execute",
            "send",
            "api_error",
        ] {
            assert!(names.contains(name), "{name} missing from {names:?}");
        }
        // `ClientBuilder`'s methods are not `Client`'s.
        assert!(!names.contains("build"), "{names:?}");
    }

    #[test]
    fn the_catalog_runtime_names_include_its_imports_and_private_types() {
        let names = catalog_runtime_names();
        for name in [
            "ModelInfo",
            "ViolationRule",
            "Segment",
            "Path",
            "Map",
            "Value",
            "fmt",
        ] {
            assert!(names.contains(name), "{name} missing from {names:?}");
        }
    }
}
