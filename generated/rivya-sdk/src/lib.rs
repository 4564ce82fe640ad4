//! Rust SDK for the Rivya API.
//!
//! Scaffold: only the generated model catalog for now; the SDK backend fills in the client.

#![warn(missing_docs)]

pub mod catalog;
