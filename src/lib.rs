//! rivya-codegen: one pipeline from the Rivya OpenAPI contract to everything built from it.
//!
//! `load` (bytes → JSON) → `normalize` (JSON → checked OpenAPI) → `ir` (the resolved model every
//! backend reads) → backends → write.

pub mod backends;
pub mod cli;
pub mod error;
pub mod ir;
pub mod load;
pub mod normalize;
pub mod pipeline;
pub mod update;
pub mod validators;
pub mod write;

pub use error::{Error, Result};
