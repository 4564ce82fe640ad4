//! `rivya-codegen diff` as CI runs it: formats, exit codes, input errors and git sources.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{stderr, stdout};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_rivya-codegen"))
}

fn case(name: &str, side: &str) -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/drift")
        .join(name);
    dir.join(format!("{side}.json"))
        .to_string_lossy()
        .into_owned()
}

fn diff(args: &[&str]) -> Output {
    bin()
        .arg("diff")
        .args(args)
        .output()
        .expect("the binary runs")
}

/// Paths differ between machines; snapshots name the inputs by case.
fn relabel(text: &str, old: &str, new: &str) -> String {
    text.replace(old, "OLD").replace(new, "NEW")
}

const CASE: &str = "enum-values-both-directions";

#[test]
fn every_format_renders_the_same_report() {
    let (old, new) = (case(CASE, "old"), case(CASE, "new"));
    for format in ["text", "json", "markdown", "github"] {
        let output = diff(&[&old, &new, "--format", format, "--fail-on", "never"]);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{format}: {}",
            stderr(&output)
        );
        insta::assert_snapshot!(
            format!("format_{format}"),
            relabel(&stdout(&output), &old, &new)
        );
    }
    let output = diff(&[&old, &new, "--changelog", "--fail-on", "never"]);
    insta::assert_snapshot!("changelog", stdout(&output));
}

#[test]
fn json_report_has_the_documented_shape() {
    let output = diff(&[&case(CASE, "old"), &case(CASE, "new"), "--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["breaking"], true);
    assert_eq!(report["semver"], "major");
    let changes = report["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 4);
    for change in changes {
        let keys: Vec<&str> = change
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .filter(|k| *k != "position")
            .collect();
        assert_eq!(change["position"]["file"], case(CASE, "new"));
        if change["level"] == "breaking" {
            assert_eq!(keys, ["id", "level", "location", "message", "breaks"]);
            assert!(["wire", "sdk"].contains(&change["breaks"].as_str().unwrap()));
        } else {
            assert_eq!(keys, ["id", "level", "location", "message"]);
        }
    }
}

#[test]
fn fail_on_sets_the_exit_code() {
    let breaking = (case(CASE, "old"), case(CASE, "new"));
    let warning_only = (case("defaults", "old"), case("defaults", "new"));
    let info_only = (
        case("path-parameter-renamed", "old"),
        case("path-parameter-renamed", "new"),
    );
    let none = (case("noop-identical", "old"), case("noop-identical", "new"));
    let code = |(old, new): &(String, String), fail_on: Option<&str>| {
        let mut args = vec![old.as_str(), new.as_str(), "--format", "json"];
        if let Some(level) = fail_on {
            args.extend(["--fail-on", level]);
        }
        diff(&args).status.code()
    };
    assert_eq!(code(&breaking, None), Some(1));
    assert_eq!(code(&breaking, Some("breaking")), Some(1));
    assert_eq!(code(&breaking, Some("never")), Some(0));
    assert_eq!(code(&warning_only, None), Some(0));
    assert_eq!(code(&warning_only, Some("warning")), Some(1));
    assert_eq!(code(&info_only, Some("warning")), Some(0));
    assert_eq!(code(&none, Some("warning")), Some(0));
}

#[test]
fn input_errors_exit_2_naming_the_source() {
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, "{ not json").unwrap();
    let missing = dir.path().join("missing.json");
    let good = case(CASE, "old");
    for (old, new, named) in [
        (
            missing.to_str().unwrap(),
            good.as_str(),
            missing.to_str().unwrap(),
        ),
        (
            good.as_str(),
            broken.to_str().unwrap(),
            broken.to_str().unwrap(),
        ),
    ] {
        let output = diff(&[old, new]);
        assert_eq!(output.status.code(), Some(2));
        assert!(stdout(&output).is_empty());
        let message = stderr(&output);
        assert_eq!(message.lines().count(), 1, "one message: {message}");
        assert!(message.contains(named), "{message} should name {named}");
    }
    let usage = diff(&[&good]);
    assert_eq!(usage.status.code(), Some(2));
    let usage = diff(&[&good, &good, "--format", "xml"]);
    assert_eq!(usage.status.code(), Some(2));
}

fn git(repo: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(repo)
        .output()
        .expect("git runs");
    assert!(status.status.success(), "git {args:?}: {}", stderr(&status));
}

#[test]
fn git_sources_read_a_file_at_a_revision() {
    let repo = tempfile::tempdir().unwrap();
    let spec: PathBuf = repo.path().join("openapi.json");
    git(repo.path(), &["init", "-q"]);
    std::fs::copy(case(CASE, "old"), &spec).unwrap();
    git(repo.path(), &["add", "openapi.json"]);
    git(repo.path(), &["commit", "-q", "-m", "old contract"]);
    std::fs::copy(case(CASE, "new"), &spec).unwrap();

    let run = |args: &[&str]| {
        bin()
            .arg("diff")
            .args(args)
            .current_dir(repo.path())
            .output()
            .unwrap()
    };
    let output = run(&["git:HEAD:openapi.json", "openapi.json", "--format", "json"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["changes"].as_array().unwrap().len(), 4);

    let same = run(&["git:HEAD:openapi.json", "git:HEAD:openapi.json"]);
    assert_eq!(same.status.code(), Some(0), "{}", stderr(&same));

    for bad in [
        "git:no-such-rev:openapi.json",
        "git:HEAD:missing.json",
        "git:-x:openapi.json",
    ] {
        let output = run(&[bad, "openapi.json"]);
        assert_eq!(output.status.code(), Some(2), "{bad}");
        assert!(stderr(&output).contains(bad), "{bad}: {}", stderr(&output));
        assert_eq!(stderr(&output).lines().count(), 1);
    }
}

/// A contract can name properties anything; reports must not let a name break their format.
#[test]
fn hostile_names_cannot_break_markdown_or_annotations() {
    let dir = tempfile::tempdir().unwrap();
    let old_path = dir.path().join("old.json");
    let new_path = dir.path().join("new.json");
    let mut doc: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(case("noop-identical", "old")).unwrap(),
    )
    .unwrap();
    let hostile = "x|y`z` <b>@team</b>\n::error::forged, 100%:\r[a](b)";
    std::fs::write(&old_path, doc.to_string()).unwrap();
    doc["components"]["schemas"]["PublicGeneration"]["properties"][hostile] =
        serde_json::json!({"type": "string"});
    std::fs::write(&new_path, doc.to_string()).unwrap();
    let (old, new) = (old_path.to_str().unwrap(), new_path.to_str().unwrap());

    let markdown = stdout(&diff(&[old, new, "--format", "markdown"]));
    let rows: Vec<&str> = markdown.lines().filter(|l| l.starts_with("| ")).collect();
    assert!(rows.len() >= 2, "{markdown}");
    for row in rows {
        let unescaped_pipes = row
            .match_indices('|')
            .filter(|(i, _)| !row[..*i].ends_with('\\'))
            .count();
        assert_eq!(unescaped_pipes, 4, "a row keeps exactly three cells: {row}");
    }
    // What GitHub shows: the name is one code span holding the name itself (controls as
    // spaces), and nothing in it became a tag, a link or a fourth cell.
    let html = render_gfm(&markdown);
    let shown_name = hostile.replace(['\n', '\r'], " ");
    assert!(
        html.contains(&format!("<code>{}</code>", html_text(&shown_name))),
        "{html}"
    );
    assert!(!html.contains("<b>") && !html.contains("<a "), "{html}");
    assert_eq!(html.matches("<td>").count() % 3, 0, "{html}");

    let github = stdout(&diff(&[old, new, "--format", "github"]));
    for line in github.lines() {
        assert!(
            line.starts_with("::notice title=")
                || line.starts_with("::warning title=")
                || line.starts_with("::error title="),
            "every line is one annotation: {line}"
        );
    }
    // The forged command stays inside the message: its newline is escaped, so it never starts
    // a line of its own.
    assert!(
        github.contains("%0A::error::forged, 100%25:%0D"),
        "{github}"
    );

    let text = stdout(&diff(&[old, new]));
    assert!(
        !text.contains('\r'),
        "control characters are shown, not sent"
    );
}

#[test]
fn rules_markdown_prints_the_registry() {
    let output = diff(&["--rules-markdown"]);
    assert_eq!(output.status.code(), Some(0));
    assert!(
        stdout(&output).contains("| `model-param-option-removed` | breaking | major |")
    );
}

/// The binary ends with `_exit`, which skips the runtime's own flush of stdout: what it
/// printed must all be there, well past one pipe buffer (64 KiB).
#[test]
fn everything_printed_reaches_a_pipe_before_the_process_ends() {
    let output = bin()
        .args(["ir", "--spec", "fixtures/openapi.json"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        output.stdout.len() > 256 * 1024,
        "{} bytes",
        output.stdout.len()
    );
    let ir: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(ir["warnings"].is_array());
}

#[test]
fn ir_command_still_loads_through_the_shared_loader() {
    let output = bin()
        .args(["ir", "--spec", &case(CASE, "old")])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let ir: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(ir["types"]["MediaKind"].is_object());
}

fn render_gfm(markdown: &str) -> String {
    let mut options = pulldown_cmark::Options::empty();
    options.insert(pulldown_cmark::Options::ENABLE_TABLES);
    options.insert(pulldown_cmark::Options::ENABLE_STRIKETHROUGH);
    let mut html = String::new();
    pulldown_cmark::html::push_html(
        &mut html,
        pulldown_cmark::Parser::new_ext(markdown, options),
    );
    html
}

/// Text as pulldown-cmark escapes it in HTML.
fn html_text(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The Markdown report as GitHub renders it: code spans are code (no literal backticks or
/// backslashes), text around them is plain, a `|` inside a code span does not split the cell.
#[test]
fn markdown_report_renders_code_spans_as_code() {
    let (old, new) = (
        case("model-param-changes", "old"),
        case("model-param-changes", "new"),
    );
    let markdown = stdout(&diff(&[&old, &new, "--format", "markdown"]));
    let html = render_gfm(&markdown);
    assert!(html.contains("<table>"), "{html}");
    assert!(
        !html.contains('`'),
        "no backtick is shown literally: {html}"
    );
    assert!(
        !html.contains('\\'),
        "no backslash is shown literally: {html}"
    );
    assert!(
        html.contains("<code>model-param-option-removed</code>"),
        "{html}"
    );

    let dir = tempfile::tempdir().unwrap();
    let mut doc: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(case("noop-identical", "old")).unwrap(),
    )
    .unwrap();
    let old_path = dir.path().join("old.json");
    std::fs::write(&old_path, doc.to_string()).unwrap();
    doc["components"]["schemas"]["PublicGeneration"]["properties"]["a|b_c"] =
        serde_json::json!({"type": "string"});
    let new_path = dir.path().join("new.json");
    std::fs::write(&new_path, doc.to_string()).unwrap();
    let markdown = stdout(&diff(&[
        old_path.to_str().unwrap(),
        new_path.to_str().unwrap(),
        "--format",
        "markdown",
    ]));
    let html = render_gfm(&markdown);
    assert!(html.contains("<code>a|b_c</code>"), "{markdown}\n{html}");
    let row = html
        .split("<tr>")
        .find(|row| row.contains("a|b_c"))
        .expect("a row names the property");
    assert_eq!(row.matches("<td>").count(), 3, "{row}");
}

/// A team's levels replace the registry's, move the exit code and the bump, and the report
/// says which rules it re-levelled.
#[test]
fn severity_levels_file_overrides_rule_levels_and_is_shown() {
    let (old, new) = (case(CASE, "old"), case(CASE, "new"));
    let dir = tempfile::tempdir().unwrap();
    let levels = dir.path().join("levels.txt");
    let baseline: serde_json::Value =
        serde_json::from_slice(&diff(&[&old, &new, "--format", "json"]).stdout).unwrap();
    let mut lowered = String::from("# every breaking rule this case hits, lowered\n");
    for change in baseline["changes"].as_array().unwrap() {
        if change["level"] == "breaking" {
            lowered.push_str(&format!("{} info\n", change["id"].as_str().unwrap()));
        }
    }
    std::fs::write(&levels, &lowered).unwrap();
    let levels_arg = levels.to_str().unwrap();

    let output = diff(&[
        &old,
        &new,
        "--format",
        "json",
        "--severity-levels",
        levels_arg,
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["breaking"], false);
    assert_ne!(report["semver"], "major");
    let overrides = report["overrides"].as_array().unwrap();
    assert!(!overrides.is_empty());
    assert!(overrides
        .iter()
        .all(|o| o["from"] == "breaking" && o["to"] == "info"));

    let text = stdout(&diff(&[&old, &new, "--severity-levels", levels_arg]));
    assert!(text.contains("Rule levels overridden: `"), "{text}");
    let markdown = stdout(&diff(&[
        &old,
        &new,
        "--format",
        "markdown",
        "--severity-levels",
        levels_arg,
    ]));
    assert!(render_gfm(&markdown).contains("Rule levels overridden"));

    std::fs::write(&levels, "no-such-rule breaking\n").unwrap();
    let output = diff(&[&old, &new, "--severity-levels", levels_arg]);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert_eq!(message.lines().count(), 1, "{message}");
    assert!(
        message.contains("levels.txt") && message.contains("line 1"),
        "{message}"
    );
}
