//! Everything built from the IR.

pub mod diff;
