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

/// The name of a top-level `pub` struct, enum, union, trait or type alias.
fn public_type_name(item: syn::Item) -> Option<String> {
    let (vis, ident) = match item {
        syn::Item::Struct(item) => (item.vis, item.ident),
        syn::Item::Enum(item) => (item.vis, item.ident),
        syn::Item::Union(item) => (item.vis, item.ident),
        syn::Item::Trait(item) => (item.vis, item.ident),
        syn::Item::Type(item) => (item.vis, item.ident),
        _ => return None,
    };
    matches!(vis, syn::Visibility::Public(_)).then(|| ident.to_string())
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
}
