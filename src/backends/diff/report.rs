//! The report in its forms: text for people, JSON for tools, Markdown for a pull-request
//! comment, GitHub Actions annotations, JUnit XML for test reporters, SARIF 2.1.0 for code
//! scanning, a self-contained HTML page, and a CHANGELOG section.
//!
//! Names in messages come from the contract, which a pull request can fill with anything, so
//! every form escapes what its reader would interpret.

use std::fmt::Write as _;

use super::rules::Section;
use super::{Breaks, Change, Level, Report};

/// How a report is printed (`diff --format`, `update --format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    /// For people at a terminal.
    Text,
    /// `{"breaking", "semver", "changes": [...]}` for tools.
    Json,
    /// A pull-request comment.
    Markdown,
    /// GitHub Actions workflow annotations.
    Github,
    /// JUnit XML, for CI test reporters.
    Junit,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// A self-contained HTML page.
    Html,
}

/// Prints a report on standard output in one of its forms.
pub fn write(
    report: &Report,
    labels: &Labels,
    format: DiffFormat,
) -> crate::error::Result<()> {
    let output = match format {
        DiffFormat::Text => text(report, labels),
        DiffFormat::Json => json(report),
        DiffFormat::Markdown => markdown(report, labels),
        DiffFormat::Github => github(report),
        DiffFormat::Junit => junit(report),
        DiffFormat::Sarif => sarif(report),
        DiffFormat::Html => html(report, labels),
    };
    crate::write::to_stdout(output.as_bytes())
}

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
                    ",file={},line={},col={}",
                    github_property(&p.file),
                    p.line,
                    p.column
                )
            })
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "::{command} title={}{place}::{}",
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

/// Escapes text for XML and HTML content and attribute values; control characters, which
/// XML 1.0 cannot carry, are shown as `\u{..}`.
fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' | '\t' => out.push(c),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// A finding that fails the job: breaking or a warning, and not accepted.
fn fails(change: &Change) -> bool {
    change.level >= Level::Warning && change.accepted.is_none()
}

/// JUnit XML for test reporters: one test case per finding (classname: the rule; name: the
/// location). Breaking findings and warnings that no one accepted are failures (of type
/// `breaking` or `warning`); accepted ones are skipped with their reason; info passes.
pub fn junit(report: &Report) -> String {
    let failures = report.changes.iter().filter(|c| fails(c)).count();
    let skipped = report.count_accepted();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"API contract diff\" tests=\"{n}\" failures=\"{failures}\" skipped=\"{skipped}\">\n  <testsuite name=\"rivya-codegen diff\" tests=\"{n}\" failures=\"{failures}\" skipped=\"{skipped}\" errors=\"0\">",
        n = report.changes.len()
    );
    let _ = writeln!(
        out,
        "    <properties><property name=\"summary\" value=\"{}\"/></properties>",
        xml_escape(&summary(report))
    );
    for change in &report.changes {
        let _ = write!(
            out,
            "    <testcase classname=\"{}\" name=\"{}\"",
            change.id,
            xml_escape(&change.location)
        );
        if let Some(p) = &change.position {
            let _ = write!(out, " file=\"{}\" line=\"{}\"", xml_escape(&p.file), p.line);
        }
        out.push('>');
        let what = match change.breaks {
            Some(Breaks::Sdk) => "breaking, SDK only",
            Some(Breaks::Wire) => "breaking, wire",
            None => change.level.as_str(),
        };
        if let Some(reason) = &change.accepted {
            let _ = write!(
                out,
                "<skipped message=\"accepted: {}\"/>",
                xml_escape(reason)
            );
        } else if fails(change) {
            let _ = write!(
                out,
                "<failure type=\"{}\" message=\"{}\">{} ({what})</failure>",
                change.level.as_str(),
                xml_escape(&change.message),
                xml_escape(&change.message)
            );
        } else {
            let _ = write!(
                out,
                "<system-out>{} ({what})</system-out>",
                xml_escape(&change.message)
            );
        }
        out.push_str("</testcase>\n");
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

/// SARIF 2.1.0 for code scanning: one result per finding, its rule described in the driver,
/// its position as a physical location, accepted findings as external suppressions.
pub fn sarif(report: &Report) -> String {
    use serde_json::{json, Value};
    let mut used: Vec<super::RuleId> = report.changes.iter().map(|c| c.id).collect();
    used.sort();
    used.dedup();
    let level = |level: Level| match level {
        Level::Breaking => "error",
        Level::Warning => "warning",
        Level::Info => "note",
    };
    let rules: Vec<Value> = used
        .iter()
        .map(|id| {
            let rule = id.rule();
            json!({
                "id": id.as_str(),
                "shortDescription": {"text": rule.summary},
                "fullDescription": {"text": rule.rationale},
                "defaultConfiguration": {"level": level(rule.level)},
                "properties": {"sdkOnly": rule.sdk_only()},
            })
        })
        .collect();
    let results: Vec<Value> = report
        .changes
        .iter()
        .map(|change| {
            let mut result = json!({
                "ruleId": change.id.as_str(),
                "ruleIndex": used.binary_search(&change.id).unwrap_or(0),
                "level": level(change.level),
                "message": {"text": format!("{}: {}", change.location, change.message)},
                "properties": {
                    "location": change.location,
                    "breaks": change.breaks.map(Breaks::as_str),
                },
            });
            let mut location = json!({
                "logicalLocations": [{"fullyQualifiedName": change.location}],
            });
            if let Some(p) = &change.position {
                location["physicalLocation"] = json!({
                    "artifactLocation": {"uri": p.file.replace('\\', "/")},
                    "region": {"startLine": p.line, "startColumn": p.column},
                });
            }
            result["locations"] = json!([location]);
            if let Some(reason) = &change.accepted {
                result["suppressions"] =
                    json!([{"kind": "external", "justification": reason}]);
            }
            result
        })
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "rivya-codegen diff",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "results": results,
        }],
    });
    let mut text =
        serde_json::to_string_pretty(&log).expect("a SARIF log always serializes");
    text.push('\n');
    text
}

/// A self-contained HTML page (no script, no external style or font): the summary and one
/// table row per finding, grouped by level.
pub fn html(report: &Report, labels: &Labels) -> String {
    let mut out = String::from(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n<title>API contract diff</title>\n<style>\nbody{font-family:system-ui,sans-serif;margin:2em;color:#222}\ntable{border-collapse:collapse;width:100%;margin-bottom:2em}\nth,td{border:1px solid #ccc;padding:.3em .5em;text-align:left;vertical-align:top}\ncode{font-size:90%}\n.breaking{color:#b00}.warning{color:#a60}.info{color:#555}\n.accepted{opacity:.6}\n</style>\n</head>\n<body>\n",
    );
    let _ = writeln!(
        out,
        "<h1>API contract diff</h1>\n<p>Comparing <code>{}</code> → <code>{}</code></p>\n<p id=\"summary\"><strong>{}</strong></p>",
        xml_escape(labels.old),
        xml_escape(labels.new),
        xml_escape(&summary(report))
    );
    for note in [overrides(report), expired(report)] {
        if !note.is_empty() {
            let _ = writeln!(out, "<p>{}</p>", xml_escape(&note));
        }
    }
    for level in LEVELS {
        let changes: Vec<&Change> =
            report.changes.iter().filter(|c| c.level == level).collect();
        if changes.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "<h2 class=\"{0}\">{0} ({1})</h2>\n<table>\n<thead><tr><th>Rule</th><th>Breaks</th><th>Location</th><th>Change</th></tr></thead>\n<tbody>",
            level.as_str(),
            changes.len()
        );
        for change in changes {
            let breaks = match change.breaks {
                Some(Breaks::Wire) => "wire",
                Some(Breaks::Sdk) => "SDK only",
                None => "",
            };
            let class = if change.accepted.is_some() {
                " class=\"accepted\""
            } else {
                ""
            };
            let mut place = xml_escape(&change.location);
            if let Some(p) = &change.position {
                let _ = write!(
                    place,
                    "<br/><small>{}:{}:{}</small>",
                    xml_escape(&p.file),
                    p.line,
                    p.column
                );
            }
            let mut message = xml_escape(&change.message);
            if let Some(reason) = &change.accepted {
                let _ = write!(message, " <em>(accepted: {})</em>", xml_escape(reason));
            }
            let _ = writeln!(
                out,
                "<tr{class}><td><code>{}</code></td><td>{breaks}</td><td>{place}</td><td>{message}</td></tr>",
                change.id
            );
        }
        out.push_str("</tbody>\n</table>\n");
    }
    out.push_str("</body>\n</html>\n");
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
