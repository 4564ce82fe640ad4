//! Everything built from the IR. Each backend owns one output and reads only the IR (and the
//! catalog rules of [`crate::validators`]): `sdk` the Rust crate, `docs` the Markdown pages,
//! `diff` the breaking-change report. What they share is [`text`], the escaping of contract
//! text for the files they write.

pub mod diff;
pub mod docs;
pub mod sdk;
pub mod text;

pub use text::is_control_or_bidi;
