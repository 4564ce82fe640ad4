//! The diff's precision on changes reduced from real contract histories, the wire/SDK split,
//! its gate, and accepted findings, through the command CI runs.

use std::path::Path;
use std::process::{Command, Output};

fn case(name: &str, side: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/drift")
        .join(name)
        .join(format!("{side}.json"))
        .to_string_lossy()
        .into_owned()
}

fn diff(name: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rivya-codegen"))
        .arg("diff")
        .arg(case(name, "old"))
        .arg(case(name, "new"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn json(name: &str, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["--format", "json", "--fail-on", "never"];
    all.extend_from_slice(args);
    let output = diff(name, &all);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    serde_json::from_slice(&output.stdout).expect("a JSON report")
}

fn findings(report: &serde_json::Value, id: &str) -> Vec<serde_json::Value> {
    report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["id"] == id)
        .cloned()
        .collect()
}

/// Writes a temporary accept file; the name carries the test's name so tests do not collide.
fn accept_file(test: &str, text: &str) -> String {
    let path = std::env::temp_dir().join(format!(
        "rivya-diff-accept-{test}-{}.toml",
        std::process::id()
    ));
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn a_ref_swapped_for_a_nullable_copy_is_a_nullable_response() {
    let report = json("nullable-through-ref", &[]);
    let nullable = findings(&report, "response-nullable-added");
    assert_eq!(nullable.len(), 1, "{report:#}");
    assert!(nullable[0]["location"]
        .as_str()
        .unwrap()
        .ends_with("/PublicGeneration/properties/owner"));
    assert_eq!(nullable[0]["breaks"], "wire");
    // The rename is real too, but for the SDK only.
    assert_eq!(findings(&report, "type-renamed")[0]["breaks"], "sdk");
}

#[test]
fn alternatives_inserted_in_the_middle_are_additions_not_a_cascade() {
    let report = json("union-variant-inserted-anonymous", &[]);
    let added = findings(&report, "response-union-variant-added");
    let labels: Vec<&str> = added
        .iter()
        .map(|c| c["message"].as_str().unwrap())
        .collect();
    assert_eq!(labels.len(), 2, "{labels:?}");
    assert!(
        labels[0].contains("\"code_scanning\"") && labels[1].contains("\"copilot\"")
    );
    for rule in [
        "response-type-changed",
        "response-required-property-removed",
        "response-union-variant-removed",
    ] {
        assert!(findings(&report, rule).is_empty(), "{rule}: {report:#}");
    }
    // Nothing breaks the wire: positional Rust names moved, which only the SDK sees.
    assert_eq!(report["breaks_wire"], false);
}

#[test]
fn request_widenings_are_not_wire_breaks() {
    let report = json("request-widenings", &[]);
    assert!(
        findings(&report, "request-type-changed").is_empty(),
        "{report:#}"
    );
    assert!(findings(&report, "request-union-variant-removed").is_empty());
    assert_eq!(
        findings(&report, "request-type-widened").len(),
        3,
        "{report:#}"
    );
    let sdk = findings(&report, "sdk-type-changed");
    assert_eq!(sdk.len(), 4);
    assert!(sdk.iter().all(|c| c["breaks"] == "sdk"));
    assert_eq!(report["breaks_wire"], false);
    assert_eq!(report["semver"], "major");
    // No message names one type on both sides without saying what changed inside it.
    for change in report["changes"].as_array().unwrap() {
        let message = change["message"].as_str().unwrap();
        if let Some((from, to)) = message
            .strip_prefix("the type widened from ")
            .and_then(|m| m.split_once(" to "))
        {
            assert_ne!(from, to, "{message}");
        }
    }
}

#[test]
fn fail_on_wire_ignores_breaks_of_the_sdk_alone() {
    // type-renamed: the wire is unchanged, the SDK type is renamed.
    assert_eq!(
        diff("type-renamed", &["--fail-on", "wire"]).status.code(),
        Some(0)
    );
    assert_eq!(
        diff("type-renamed", &["--fail-on", "breaking"])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(diff("type-renamed", &[]).status.code(), Some(1));
    // A removed operation breaks the wire.
    let removed = "operation-removed-and-added";
    assert_eq!(diff(removed, &["--fail-on", "wire"]).status.code(), Some(1));
    let text = String::from_utf8(diff("type-renamed", &[]).stdout).unwrap();
    assert!(text.contains("1 breaking (0 wire, 1 SDK only)"), "{text}");
}

#[test]
fn accepted_findings_are_shown_and_fail_nothing_until_they_expire() {
    let report = json("type-renamed", &[]);
    let location = findings(&report, "type-renamed")[0]["location"]
        .as_str()
        .unwrap()
        .to_owned();
    let prefix = format!("{}*", &location[..location.len() - 6]);
    let file = |expires: &str| {
        format!(
            "[[accept]]\nrule = \"type-renamed\"\nlocation = {prefix:?}\nreason = \"renamed for SDK 2.0\"\n{expires}\n"
        )
    };
    let open = accept_file("open", &file("expires = \"2999-12-31\""));
    let output = diff("type-renamed", &["--accept", &open]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("(accepted: renamed for SDK 2.0)"), "{text}");
    assert!(text.contains("1 change (1 accepted)"), "{text}");
    let report = json("type-renamed", &["--accept", &open]);
    assert_eq!(report["changes"][0]["accepted"], "renamed for SDK 2.0");
    // The break is real: the bump still counts it.
    assert_eq!(report["semver"], "major");

    let expired = accept_file("expired", &file("expires = \"2000-01-01\""));
    let output = diff("type-renamed", &["--accept", &expired]);
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("expired 2000-01-01"), "{text}");
    assert!(!text.contains("(accepted:"), "{text}");

    // Another rule at the same place accepts nothing.
    let other = accept_file(
        "other",
        &file("").replace("type-renamed", "operation-removed"),
    );
    assert_eq!(
        diff("type-renamed", &["--accept", &other]).status.code(),
        Some(1)
    );

    let bad = accept_file(
        "bad",
        "[[accept]]\nrule = \"no-such-rule\"\nlocation = \"x\"\nreason = \"r\"\n",
    );
    let output = diff("type-renamed", &["--accept", &bad]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no-such-rule"));
    for path in [open, expired, other, bad] {
        let _ = std::fs::remove_file(path);
    }
}

#[test]
fn findings_carry_positions_in_json_and_yaml_documents() {
    // A removal is placed in the old document (YAML here), an addition in the new one.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/drift");
    let old = dir.join("noop-json-to-yaml/new.yaml");
    let new = dir.join("operation-removed-and-added/new.json");
    let output = Command::new(env!("CARGO_BIN_EXE_rivya-codegen"))
        .args(["diff", "--format", "json", "--fail-on", "never"])
        .arg(&old)
        .arg(&new)
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    for change in report["changes"].as_array().unwrap() {
        let position = &change["position"];
        let file = position["file"].as_str().unwrap();
        let line = position["line"].as_u64().unwrap() as usize;
        let column = position["column"].as_u64().unwrap() as usize;
        let text = std::fs::read_to_string(file).unwrap();
        let at: String = text
            .lines()
            .nth(line - 1)
            .unwrap()
            .chars()
            .skip(column - 1)
            .collect();
        // The pointer's last token is the key written at that place.
        let pointer = change["location"]
            .as_str()
            .unwrap()
            .split_once(" #")
            .unwrap()
            .1;
        let key = pointer.rsplit('/').next().unwrap();
        assert!(
            at.trim_start_matches('"').starts_with(key),
            "{file}:{line}:{column} is {at:?}, not {key}"
        );
        let expected = if change["id"] == "operation-removed" {
            &old
        } else {
            &new
        };
        assert_eq!(file, expected.to_str().unwrap());
    }
    let github = Command::new(env!("CARGO_BIN_EXE_rivya-codegen"))
        .args(["diff", "--format", "github", "--fail-on", "never"])
        .arg(&old)
        .arg(&new)
        .output()
        .unwrap();
    let github = String::from_utf8(github.stdout).unwrap();
    let first = github.lines().next().unwrap();
    assert!(first.starts_with("::error title="), "{first}");
    assert!(
        first.contains(",file=") && first.contains(",line=") && first.contains(",col="),
        "{first}"
    );
}

/// A report with every kind of finding: breaking (wire and SDK only), accepted, warnings, info.
fn report_in(format: &str) -> String {
    let accept = accept_file(
        &format!("format-{format}"),
        "[[accept]]\nrule = \"operation-id-changed\"\nlocation = \"*\"\nreason = \"method renamed <on purpose> & documented\"\n",
    );
    let output = diff(
        "operation-id-and-tag-changed",
        &[
            "--format",
            format,
            "--fail-on",
            "never",
            "--accept",
            &accept,
        ],
    );
    let _ = std::fs::remove_file(accept);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn sarif_validates_against_the_sarif_2_1_0_schema() {
    // The published schema (pinned verbatim, from the npm package @microsoft/jest-sarif) has
    // one pattern with a stray `]` that a strict regex engine refuses; only `run.language`
    // uses it, and the report sets no language, so it is read as the pattern it means.
    let text = include_str!("data/sarif-2.1.0-rtm.5.json").replace(
        "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$",
        "^[a-zA-Z]{2}(-[a-zA-Z]{2})?$",
    );
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    let validator = jsonschema::draft4::new(&schema).expect("the SARIF schema compiles");
    let log: serde_json::Value = serde_json::from_str(&report_in("sarif")).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert!(!results.is_empty());
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    for result in results {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        let region = &result["locations"][0]["physicalLocation"]["region"];
        assert!(region["startLine"].as_u64().unwrap() > 0);
    }
    assert!(results
        .iter()
        .any(|r| r["suppressions"][0]["kind"] == "external"));
    // A broken log is refused: the check can fail.
    let mut broken = log.clone();
    broken["version"] = "2.0".into();
    assert!(!validator.is_valid(&broken));
}

#[test]
fn junit_is_well_formed_and_counts_failures() {
    let text = report_in("junit");
    let doc = roxmltree::Document::parse(&text).expect("well-formed XML");
    let suite = doc
        .descendants()
        .find(|n| n.has_tag_name("testsuite"))
        .unwrap();
    let cases: Vec<_> = suite
        .children()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(suite.attribute("tests").unwrap(), cases.len().to_string());
    let failures = cases
        .iter()
        .filter(|c| c.children().any(|n| n.has_tag_name("failure")))
        .count();
    assert_eq!(suite.attribute("failures").unwrap(), failures.to_string());
    let skipped: Vec<_> = cases
        .iter()
        .filter_map(|c| c.children().find(|n| n.has_tag_name("skipped")))
        .collect();
    assert_eq!(skipped.len(), 1);
    assert_eq!(
        skipped[0].attribute("message"),
        Some("accepted: method renamed <on purpose> & documented")
    );
    assert!(failures > 0);
    assert!(cases
        .iter()
        .all(|c| c.attribute("file").is_some() && c.attribute("line").is_some()));
}

#[test]
fn html_is_self_contained_and_parses() {
    let text = report_in("html");
    assert!(text.starts_with("<!DOCTYPE html>"));
    let doc = roxmltree::Document::parse_with_options(
        &text,
        roxmltree::ParsingOptions {
            allow_dtd: true,
            ..Default::default()
        },
    )
    .expect("the page is well-formed");
    for node in doc.descendants().filter(|n| n.is_element()) {
        assert!(!["script", "link", "img", "iframe"].contains(&node.tag_name().name()));
        assert!(node.attribute("src").is_none() && node.attribute("href").is_none());
    }
    let rows = doc.descendants().filter(|n| n.has_tag_name("tr")).count();
    let report = json("operation-id-and-tag-changed", &[]);
    let headers = doc
        .descendants()
        .filter(|n| n.has_tag_name("table"))
        .count();
    assert_eq!(rows - headers, report["changes"].as_array().unwrap().len());
    let summary = doc
        .descendants()
        .find(|n| n.attribute("id") == Some("summary"))
        .unwrap();
    assert!(summary
        .descendants()
        .any(|n| n.text().is_some_and(|t| t.contains("1 accepted"))));
}
