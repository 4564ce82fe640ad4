//! Everything built from the IR. Each backend reads only the IR and returns files (an
//! [`OutputTree`](crate::write::OutputTree)), source text, or a report.

pub mod diff;
pub mod docs;
pub mod sdk;
pub mod validators;
