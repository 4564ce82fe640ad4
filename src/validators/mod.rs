//! The catalog's rules: per-model parameter validators that the SDK's `catalog.rs` carries,
//! that the `validate` command runs, and that the docs describe.
//!
//! One source of truth: [`runtime`] is the hand-written validation engine. It is compiled into
//! this crate, where [`rules`] feeds it tables built from the IR at run time (the CLI), and it
//! is copied verbatim into the generated `catalog.rs`, where it runs over static tables that
//! the SDK backend prints from the very same [`rules`] values. Only data is generated; the checks are
//! written once. [`schema`] derives a JSON Schema from the same `ModelParam`s, which the
//! differential tests use as an independent oracle.

pub mod describe;
pub mod rules;
pub mod runtime;
pub mod schema;

/// The source of the runtime, copied to the end of the generated module.
pub const RUNTIME_SOURCE: &str = include_str!("runtime.rs");
