//! Making contract text safe to write into a generated file: Markdown (docs pages, READMEs and
//! rustdoc comments), shell commands shown in docs, and single-line comments.
//!
//! Descriptions, labels, titles and even option values come from the contract or the catalog,
//! which the server publishes: they must never break a table, open a code block, become a
//! link or inject HTML, end a comment, nor carry control or bidi characters (see
//! [`is_control_or_bidi`]). Every backend takes its escaping from here, so one hostile input
//! has one fix.
//!
//! The template environment that generated text files are rendered in is here too
//! ([`template_environment`]), so docs pages and the SDK's README follow one set of rules.

/// Characters contract text must not carry into a generated file as they are: control
/// characters (a line break ends a comment or a table row; a raw ESC or NUL is a
/// terminal-injection hazard for whoever prints the file) and the bidirectional-text controls
/// of "Trojan Source", which reorder what a reader sees (rustc denies them in comments and
/// string literals).
pub fn is_control_or_bidi(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Text for one line of a comment or a TOML string (the generated-file header, the crate's
/// description): control and bidi characters become spaces, so a line break cannot end the
/// comment and let the rest of the text become code.
pub fn single_line(text: &str) -> String {
    text.chars()
        .map(|c| if is_control_or_bidi(c) { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_owned()
}

/// Text for a table cell or an inline run: one line, with every character that Markdown or
/// HTML would interpret escaped, so it renders exactly as written.
pub fn markdown_text(raw: &str) -> String {
    escape(raw, true)
}

/// Like [`markdown_text`], for text that continues a line (no line-start syntax to defuse).
pub fn markdown_inline(raw: &str) -> String {
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
pub fn markdown_code(raw: &str) -> String {
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

/// Quotes text for a shell, as it is shown in a fenced code block: single quotes, or, when the
/// text holds a control or bidi character other than a line break (which would be written raw
/// into the page) or a line that would close the code block, bash's `$'...'` with line breaks
/// and those characters escaped.
pub fn shell_quote(raw: &str) -> String {
    let closes_fence = raw.lines().skip(1).any(|line| {
        let line = line.trim_start();
        line.starts_with("```") || line.starts_with("~~~")
    });
    if !closes_fence && !raw.contains(|c| c != '\n' && is_control_or_bidi(c)) {
        return format!("'{}'", raw.replace('\'', r"'\''"));
    }
    let mut out = String::from("$'");
    for c in raw.chars() {
        match c {
            '\\' => out.push_str(r"\\"),
            '\'' => out.push_str(r"\'"),
            '\n' => out.push_str(r"\n"),
            '\t' => out.push_str(r"\t"),
            c if is_control_or_bidi(c) && c.is_ascii() => {
                out.push_str(&format!(r"\x{:02x}", u32::from(c)))
            }
            c if is_control_or_bidi(c) => {
                out.push_str(&format!(r"\u{:04x}", u32::from(c)))
            }
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// The template environment of every generated text file (docs pages, the SDK's README): block
/// tags take their own line with them, a file keeps its last newline, and an undefined value is
/// an error except where a template tests it.
pub fn template_environment() -> Result<minijinja::Environment<'static>, minijinja::Error>
{
    let mut env = minijinja::Environment::new();
    let syntax = minijinja::syntax::SyntaxConfig::builder()
        .keep_trailing_newline(true)
        .trim_blocks(true)
        .lstrip_blocks(true)
        .build()?;
    env.set_syntax(syntax);
    env.set_undefined_behavior(minijinja::UndefinedBehavior::SemiStrict);
    Ok(env)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_inert() {
        let hostile =
            "a|b\nc `x` <script>alert(1)</script></td> */ [x](javascript:alert(1)) *y* _z_";
        let escaped = markdown_text(hostile);
        assert!(!escaped.contains('\n'));
        assert!(!escaped.contains('<'));
        // Brackets are escaped: no link syntax survives.
        assert!(escaped.contains(r"\[x\](javascript:"), "{escaped}");
        assert_eq!(markdown_text("# not a heading"), r"\# not a heading");
        assert_eq!(
            markdown_inline("1.0.0 and snake_case"),
            "1.0.0 and snake_case"
        );
        assert_eq!(markdown_text("1. not a list"), r"1\. not a list");
        assert!(!escaped.contains(" |") && escaped.contains("\\|"));
        assert!(escaped.contains("\\`x\\`"));
        assert_eq!(markdown_text("  two\r\n\tlines  "), "two lines");
    }

    #[test]
    fn code_spans_hold_backticks_and_pipes() {
        assert_eq!(markdown_code("16:9"), "`16:9`");
        assert_eq!(markdown_code("a`b"), "``a`b``");
        assert_eq!(markdown_code("`"), "`` ` ``");
        assert_eq!(markdown_code("a|b"), "`a\\|b`");
        assert_eq!(markdown_code("a\nb"), "`a b`");
    }
}
