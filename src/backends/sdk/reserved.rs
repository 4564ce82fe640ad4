//! The names the SDK runtime takes, read from `templates/sdk/*.rs` so that the list cannot go
//! stale when a template gains a type.

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
            .flat_map(|(name, source)| {
                let file = syn::parse_file(source)
                    .unwrap_or_else(|e| panic!("templates/sdk/{name} is not Rust: {e}"));
                file.items.into_iter().filter_map(public_type_name)
            })
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
        let file = syn::parse_file(source).expect("templates/sdk/client.rs is Rust");
        let mut names = BTreeSet::new();
        for item in file.items {
            let syn::Item::Impl(block) = item else {
                continue;
            };
            let is_client = matches!(&*block.self_ty, syn::Type::Path(p) if p.path.is_ident("Client"));
            if !is_client || block.trait_.is_some() {
                continue;
            }
            for item in block.items {
                if let syn::ImplItem::Fn(method) = item {
                    names.insert(method.sig.ident.to_string());
                }
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
        let file = syn::parse_file(crate::validators::RUNTIME_SOURCE)
            .expect("the catalog runtime is Rust");
        let mut names = BTreeSet::new();
        for item in file.items {
            match item {
                syn::Item::Use(item) => imported(&item.tree, &mut names),
                item => names.extend(type_name(item).map(|(_, name)| name)),
            }
        }
        names
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

/// The name of a top-level `pub` struct, enum, union, trait or type alias.
fn public_type_name(item: syn::Item) -> Option<String> {
    let (vis, name) = type_name(item)?;
    matches!(vis, syn::Visibility::Public(_)).then_some(name)
}

/// The visibility and name of a struct, enum, union, trait or type alias.
fn type_name(item: syn::Item) -> Option<(syn::Visibility, String)> {
    let (vis, ident) = match item {
        syn::Item::Struct(item) => (item.vis, item.ident),
        syn::Item::Enum(item) => (item.vis, item.ident),
        syn::Item::Union(item) => (item.vis, item.ident),
        syn::Item::Trait(item) => (item.vis, item.ident),
        syn::Item::Type(item) => (item.vis, item.ident),
        _ => return None,
    };
    Some((vis, ident.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

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
