//! Backends: each reads the IR and fills an `OutputTree` (or returns source text).

pub mod docs;
pub mod validators;
