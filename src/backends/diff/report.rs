//! The report in its five forms: text for people, JSON for tools, Markdown for a pull-request
//! comment, GitHub Actions annotations, and a CHANGELOG section.
//!
//! Names in messages come from the contract, which a pull request can fill with anything, so
//! every form escapes what its reader would interpret.

use std::fmt::Write as _;

use super::rules::Section;
use super::{Breaks, Change, Level, Report};

/// How the two inputs are named in headings.
pub struct Labels<'a> {
    pub old: &'a str,
    pub new: &'a str,
}

const LEVELS: [Level; 3] = [Level::Breaking, Level::Warning, Level::Info];
/// A PR comment is limited to 65,536 characters; past this many rows per level the table is cut.
const MARKDOWN_ROWS_PER_LEVEL: usize = 100;

fn summary(report: &Report) -> String {
    if report.changes.is_empty() {
        return format!(
            "No changes. SDK version bump required: {}.",
            report.semver().as_str()
        );
    }
    let n = report.changes.len();
    let breaking = match report.count(Level::Breaking) {
        0 => "0 breaking".to_owned(),
        b => format!(
            "{b} breaking ({} wire, {} SDK only)",
            report.count_breaks(Breaks::Wire),
            report.count_breaks(Breaks::Sdk)
        ),
    };
    let accepted = match report.count_accepted() {
        0 => String::new(),
        a => format!(" ({a} accepted)"),
    };
    format!(
        "{n} change{}{accepted}: {breaking}, {} warning{}, {} info. SDK version bump required: {}.",
        if n == 1 { "" } else { "s" },
        report.count(Level::Warning),
        if report.count(Level::Warning) == 1 {
            ""
        } else {
            "s"
        },
        report.count(Level::Info),
        report.semver().as_str()
    )
}

/// The rules a team re-levelled, one sentence; empty when the registry's levels stand.
fn overrides(report: &Report) -> String {
    if report.overrides.is_empty() {
        return String::new();
    }
    let list: Vec<String> = report
        .overrides
        .iter()
        .map(|o| format!("`{}` {} → {}", o.rule, o.from.as_str(), o.to.as_str()))
        .collect();
    format!("Rule levels overridden: {}.", list.join(", "))
}

/// Control characters (terminal escape sequences among them) are shown, not sent.
fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    out
}

pub fn text(report: &Report, labels: &Labels) -> String {
    let mut out = format!(
        "Comparing {} → {}\n{}\n",
        printable(labels.old),
        printable(labels.new),
        summary(report)
    );
    if !report.overrides.is_empty() {
        let _ = writeln!(out, "{}", overrides(report));
    }
    if !report.expired.is_empty() {
        let _ = writeln!(out, "{}", printable(&expired(report)));
    }
    for change in &report.changes {
        let _ = write!(
            out,
            "\n{:<8}  {}{}\n          at {}\n          {}\n",
            change.level.as_str().to_uppercase(),
            change.id,
            printable(&sdk_only_note(change)),
            printable(&change.location),
            printable(&change.message)
        );
        if let Some(p) = &change.position {
            let _ = writeln!(
                out,
                "          {}:{}:{}",
                printable(&p.file),
                p.line,
                p.column
            );
        }
    }
    out
}

/// Marks a breaking finding that breaks only the SDK (wire breaks, the usual case, go
/// unmarked) and a finding a team accepted, with its reason.
fn sdk_only_note(change: &Change) -> String {
    let mut note = String::new();
    if change.breaks == Some(Breaks::Sdk) {
        note.push_str("  (SDK only: the wire is unchanged)");
    }
    if let Some(reason) = &change.accepted {
        let _ = write!(note, "  (accepted: {reason})");
    }
    note
}

/// Acceptances that expired, one sentence; empty when none did.
fn expired(report: &Report) -> String {
    if report.expired.is_empty() {
        return String::new();
    }
    let list: Vec<String> = report
        .expired
        .iter()
        .map(|e| format!("`{}` at {} (expired {})", e.rule, e.location, e.expired))
        .collect();
    format!(
        "Acceptances that expired and accept nothing: {}.",
        list.join(", ")
    )
}

pub fn json(report: &Report) -> String {
    #[derive(serde::Serialize)]
    struct Out<'a> {
        breaking: bool,
        /// Some finding breaks the wire contract (not only the SDK).
        breaks_wire: bool,
        semver: super::Semver,
        changes: &'a [Change],
        #[serde(skip_serializing_if = "<[_]>::is_empty")]
        overrides: &'a [super::levels::Override],
        #[serde(skip_serializing_if = "<[_]>::is_empty")]
        expired: &'a [super::accept::Expired],
    }
    let mut json = serde_json::to_string_pretty(&Out {
        breaking: report.breaking(),
        breaks_wire: report.breaks_wire(),
        semver: report.semver(),
        changes: &report.changes,
        overrides: &report.overrides,
        expired: &report.expired,
    })
    .expect("a report always serializes");
    json.push('\n');
    json
}

/// Escapes text for a Markdown table cell or list item: nothing in it can start a link, an
/// image, emphasis, code, HTML, a mention, an issue reference or an emoji, end a cell, or end
/// the line.
pub fn markdown_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '!' | '|' | '~' | '$' | ':' | '@'
            | '#' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Renders a message for a Markdown table cell: its code spans (CommonMark's rule: a run of
/// backticks up to the next run of the same length) stay code, with only what a table cell
/// or a line would break neutralized; everything else is escaped by [`markdown_escape`].
pub fn markdown_cell(text: &str) -> String {
    markdown_inline(text, true)
}

/// Like [`markdown_cell`], for a list item or paragraph, where a `|` in code needs no escape.
pub fn markdown_inline(text: &str, in_table: bool) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut rest = text;
    while let Some(start) = rest.find('`') {
        out.push_str(&markdown_escape(&rest[..start]));
        let after = &rest[start..];
        let fence_len = after.len() - after.trim_start_matches('`').len();
        let body = &after[fence_len..];
        match closing_fence(body, fence_len) {
            Some(end) => {
                let fence = &after[..fence_len];
                out.push_str(fence);
                for c in body[..end].chars() {
                    match c {
                        // GFM splits cells before it parses code spans.
                        '|' if in_table => out.push_str("\\|"),
                        c if c.is_control() => out.push(' '),
                        c => out.push(c),
                    }
                }
                out.push_str(fence);
                rest = &body[end + fence_len..];
            }
            None => {
                out.push_str(&markdown_escape(&after[..fence_len]));
                rest = body;
            }
        }
    }
    out.push_str(&markdown_escape(rest));
    out
}

/// Where a run of exactly `len` backticks starts in `text`.
fn closing_fence(text: &str, len: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'`' {
            i += 1;
            continue;
        }
        let run = bytes[i..].iter().take_while(|&&b| b == b'`').count();
        if run == len {
            return Some(i);
        }
        i += run;
    }
    None
}

pub fn markdown(report: &Report, labels: &Labels) -> String {
    let icon = if report.breaking() {
        "🔴"
    } else if report.count(Level::Warning) > 0 {
        "🟡"
    } else {
        "🟢"
    };
    let mut out = format!(
        "## {icon} API contract diff\n\nComparing {} → {}\n\n**{}**\n",
        markdown_escape(labels.old),
        markdown_escape(labels.new),
        summary(report)
    );
    if !report.overrides.is_empty() {
        let _ = write!(out, "\n{}\n", markdown_cell(&overrides(report)));
    }
    if !report.expired.is_empty() {
        let _ = write!(out, "\n{}\n", markdown_cell(&expired(report)));
    }
    for level in LEVELS {
        let changes: Vec<&Change> =
            report.changes.iter().filter(|c| c.level == level).collect();
        if changes.is_empty() {
            continue;
        }
        let title = match level {
            Level::Breaking => "Breaking",
            Level::Warning => "Warnings",
            Level::Info => "Info",
        };
        let _ = write!(
            out,
            "\n### {title} ({})\n\n| Rule | Location | Change |\n| --- | --- | --- |\n",
            changes.len()
        );
        for change in changes.iter().take(MARKDOWN_ROWS_PER_LEVEL) {
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                markdown_cell(&format!("`{}`{}", change.id, sdk_only_note(change))),
                markdown_escape(&change.location),
                markdown_cell(&change.message)
            );
        }
        if changes.len() > MARKDOWN_ROWS_PER_LEVEL {
            let _ = writeln!(
                out,
                "\n…and {} more; run `rivya-codegen diff` for the full list.",
                changes.len() - MARKDOWN_ROWS_PER_LEVEL
            );
        }
    }
    out
}

/// Escapes the message of a workflow command.
fn github_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property (`title=...`) of a workflow command.
fn github_property(text: &str) -> String {
    github_data(text).replace(':', "%3A").replace(',', "%2C")
}

pub fn github(report: &Report) -> String {
    let mut out = String::new();
    for change in &report.changes {
        let command = match change.level {
            // An accepted break is shown, not raised.
            _ if change.accepted.is_some() => "notice",
            Level::Breaking => "error",
            Level::Warning => "warning",
            Level::Info => "notice",
        };
        let place = change
            .position
            .as_ref()
            .map(|p| {
                format!(
                    "file={},line={},col={},",
                    github_property(&p.file),
                    p.line,
                    p.column
                )
            })
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "::{command} {place}title={}::{}",
            github_property(&format!(
                "{} ({})",
                change.id,
                match change.breaks {
                    Some(Breaks::Sdk) => "breaking, SDK only",
                    _ => change.level.as_str(),
                }
            )),
            github_data(&format!(
                "{}: {}{}",
                change.location,
                change.message,
                change
                    .accepted
                    .as_ref()
                    .map(|r| format!(" (accepted: {r})"))
                    .unwrap_or_default()
            ))
        );
    }
    let summary = format!("{} {}", summary(report), overrides(report));
    let _ = writeln!(
        out,
        "::notice title={}::{}",
        github_property("API contract diff"),
        github_data(summary.trim_end())
    );
    out
}

pub fn changelog(report: &Report) -> String {
    let mut out = format!(
        "## Unreleased\n\nRequired SDK version bump: **{}**.\n",
        report.semver().as_str()
    );
    if report.changes.is_empty() {
        out.push_str("\nNo changes to the API contract.\n");
        return out;
    }
    let sections = [
        Section::Breaking,
        Section::Added,
        Section::Changed,
        Section::Deprecated,
        Section::Removed,
        Section::Docs,
    ];
    for section in sections {
        let changes: Vec<&Change> = report
            .changes
            .iter()
            .filter(|c| c.rule().section == section)
            .collect();
        if changes.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n### {}\n", section.heading());
        for change in changes {
            let _ = writeln!(out, "- {}", changelog_item(change));
        }
    }
    out
}

/// One change as a changelog line's text: where (the operation or model; the pointer helps a
/// reviewer, not a changelog reader) and what, with the message's code spans kept as code.
pub fn changelog_item(change: &Change) -> String {
    let place = change
        .location
        .split_once(" #")
        .map_or(change.location.as_str(), |(place, _)| place);
    format!(
        "{}: {}",
        markdown_escape(place),
        markdown_inline(&change.message, false)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_escape_neutralizes_hostile_names() {
        let hostile = "a|b`c`<img src=x>[x](y) @team #1 :+1: **b**\nnext";
        let escaped = markdown_escape(hostile);
        assert!(!escaped.contains('\n'));
        assert!(!escaped.contains('<'));
        assert_eq!(escaped.matches('|').count(), escaped.matches("\\|").count());
        assert_eq!(escaped.matches('`').count(), escaped.matches("\\`").count());
    }

    #[test]
    fn github_escapes_data_and_properties() {
        assert_eq!(github_data("100%\r\nx"), "100%25%0D%0Ax");
        assert_eq!(github_property("a:b,c%"), "a%3Ab%2Cc%25");
    }
}
