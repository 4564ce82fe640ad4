//! Backends: each turns the IR into an [`OutputTree`](crate::write::OutputTree).

pub mod sdk;
