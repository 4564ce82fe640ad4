//! Escaping of untrusted catalog text for Markdown (docs pages and rustdoc comments).
//!
//! Descriptions, labels and even option values come from the catalog, which the server
//! publishes: they must never break a table, open a code block, become a link or inject HTML,
//! nor carry control or bidi characters (see [`is_control_or_bidi`]).

use crate::backends::is_control_or_bidi;

/// Text for a table cell or an inline run: one line, with every character that Markdown or
/// HTML would interpret escaped, so it renders exactly as written.
pub fn text(raw: &str) -> String {
    escape(raw, true)
}

/// Like [`text`], for text that continues a line (no line-start syntax to defuse).
pub fn inline(raw: &str) -> String {
    escape(raw, false)
}

fn escape(raw: &str, line_start: bool) -> String {
    let chars: Vec<char> = raw.trim().chars().collect();
    let mut out = String::with_capacity(raw.len());
    let mut pending_space = false;
    for (i, &c) in chars.iter().enumerate() {
        if c.is_whitespace() || is_control_or_bidi(c) {
            // Newlines would end a table row (or open an indented code block in rustdoc).
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            // An underscore inside a word never starts emphasis; leave `snake_case` readable.
            '_' if i > 0
                && chars[i - 1].is_alphanumeric()
                && chars.get(i + 1).is_some_and(|n| n.is_alphanumeric()) =>
            {
                out.push(c)
            }
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            // Block syntax only counts at the start of a line: a heading, a list, a rule.
            '#' | '+' | '-' | '=' if line_start && out.is_empty() => {
                out.push('\\');
                out.push(c);
            }
            '.' | ')'
                if line_start
                    && !out.is_empty()
                    && out.bytes().all(|b| b.is_ascii_digit()) =>
            {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// A value as an inline code span that survives any content: a fence longer than any backtick
/// run inside, newlines (any control or bidi character) flattened to spaces, and `|` escaped so that a table cell is not split (GitHub
/// removes the backslash inside code spans in tables).
pub fn code(raw: &str) -> String {
    let flat: String = raw
        .chars()
        .map(|c| if is_control_or_bidi(c) { ' ' } else { c })
        .collect();
    let flat = flat.replace('|', "\\|");
    let longest_run = flat.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest_run + 1);
    let pad = if flat.starts_with('`') || flat.ends_with('`') || flat.is_empty() {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{flat}{pad}{fence}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_inert() {
        let hostile =
            "a|b\nc `x` <script>alert(1)</script></td> */ [x](javascript:alert(1)) *y* _z_";
        let escaped = text(hostile);
        assert!(!escaped.contains('\n'));
        assert!(!escaped.contains('<'));
        // Brackets are escaped: no link syntax survives.
        assert!(escaped.contains(r"\[x\](javascript:"), "{escaped}");
        assert_eq!(text("# not a heading"), r"\# not a heading");
        assert_eq!(inline("1.0.0 and snake_case"), "1.0.0 and snake_case");
        assert_eq!(text("1. not a list"), r"1\. not a list");
        assert!(!escaped.contains(" |") && escaped.contains("\\|"));
        assert!(escaped.contains("\\`x\\`"));
        assert_eq!(text("  two\r\n\tlines  "), "two lines");
    }

    #[test]
    fn code_spans_hold_backticks_and_pipes() {
        assert_eq!(code("16:9"), "`16:9`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`"), "`` ` ``");
        assert_eq!(code("a|b"), "`a\\|b`");
        assert_eq!(code("a\nb"), "`a b`");
    }
}
