//! Everything built from the IR. Each backend reads only the IR and returns files (an
//! [`OutputTree`](crate::write::OutputTree)), source text, or a report.

pub mod diff;
pub mod docs;
pub mod sdk;
pub mod validators;

/// Characters contract text must not carry into a generated file as they are: control
/// characters (a line break ends a comment or a table row; a raw ESC or NUL is a
/// terminal-injection hazard for whoever prints the file) and the bidirectional-text controls
/// of "Trojan Source", which reorder what a reader sees (rustc denies them in comments and
/// string literals).
pub fn is_control_or_bidi(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}
