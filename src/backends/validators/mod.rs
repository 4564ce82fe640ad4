//! Per-model parameter validators (issue #4): the SDK's `catalog.rs`, and the same rules run by
//! the `validate` command.
//!
//! One source of truth: [`runtime`] is the hand-written validation engine. It is compiled into
//! this crate, where [`rules`] feeds it tables built from the IR at run time (the CLI), and it
//! is copied verbatim into the generated `catalog.rs`, where it runs over static tables that
//! [`emit`] prints from the very same [`rules`] values. Only data is generated; the checks are
//! written once. [`schema`] derives a JSON Schema from the same `ModelParam`s, which the
//! differential tests use as an independent oracle.

mod emit;
pub mod rules;
pub mod runtime;
pub mod schema;

use crate::ir::Ir;

/// The source of the runtime, copied to the end of the generated module.
pub const RUNTIME_SOURCE: &str = include_str!("runtime.rs");

/// The complete, formatted source of the SDK's `src/catalog.rs`, or `None` when the IR has no
/// model catalog. Depends on `serde` (with `derive`) and `serde_json` only.
///
/// The generated half is built with `quote` and printed with `prettyplease`; the runtime half
/// is [`RUNTIME_SOURCE`], already rustfmt-formatted. The result passes `rustfmt --check`.
pub fn catalog_module(ir: &Ir) -> Option<String> {
    emit::module_source(ir, RUNTIME_SOURCE)
}
