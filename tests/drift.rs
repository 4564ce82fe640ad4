//! The drift cases: `fixtures/drift/<case>/{old,new}.(json|yaml)`, each with its expected text
//! report as an insta snapshot beside it (`report.snap`), plus the checks that keep the rule
//! registry, the cases and the README in step.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use rivya_codegen::backends::diff::{self, report, rules};
use rivya_codegen::cli::load_ir;
use rivya_codegen::load::Limits;

struct Case {
    name: String,
    dir: PathBuf,
    old: PathBuf,
    new: PathBuf,
    about: String,
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn side(dir: &Path, stem: &str) -> PathBuf {
    ["json", "yaml"]
        .iter()
        .map(|ext| dir.join(format!("{stem}.{ext}")))
        .find(|p| p.exists())
        .unwrap_or_else(|| panic!("{} has no {stem}.json or {stem}.yaml", dir.display()))
}

fn cases() -> Vec<Case> {
    let mut cases: Vec<Case> = std::fs::read_dir(root().join("fixtures/drift"))
        .expect("fixtures/drift exists")
        .map(|entry| entry.expect("readable entry").path())
        .filter(|path| path.is_dir())
        .map(|dir| Case {
            name: dir.file_name().unwrap().to_string_lossy().into_owned(),
            old: side(&dir, "old"),
            new: side(&dir, "new"),
            about: std::fs::read_to_string(dir.join("about.txt"))
                .unwrap_or_default()
                .trim()
                .to_owned(),
            dir,
        })
        .collect();
    cases.sort_by(|a, b| a.name.cmp(&b.name));
    cases
}

fn run(case: &Case) -> diff::Report {
    let load = |path: &Path| {
        load_ir(path.to_str().unwrap(), None, &Limits::default())
            .unwrap_or_else(|e| panic!("case {}: {e}", case.name))
    };
    diff::diff(&load(&case.old), &load(&case.new))
}

#[test]
fn at_least_forty_cases() {
    assert!(cases().len() >= 40, "only {} drift cases", cases().len());
}

#[test]
fn every_case_matches_its_snapshot() {
    for case in cases() {
        let report = run(&case);
        let text = report::text(&report, &report::Labels { old: "old", new: "new" });
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path(&case.dir);
        settings.set_prepend_module_to_snapshot(false);
        settings.set_omit_expression(true);
        settings.set_description(case.about.clone());
        settings.bind(|| insta::assert_snapshot!("report", text));
    }
}

#[test]
fn no_op_cases_report_nothing() {
    for case in cases().iter().filter(|c| c.name.starts_with("noop-")) {
        let report = run(case);
        assert!(
            report.changes.is_empty(),
            "{} reported {:?}",
            case.name,
            report.changes
        );
    }
}

#[test]
fn every_rule_is_exercised_by_a_drift_case() {
    let mut seen = BTreeSet::new();
    for case in cases() {
        seen.extend(run(&case).changes.iter().map(|c| c.id));
    }
    let missing: Vec<&str> = rules::RuleId::ALL
        .iter()
        .filter(|id| !seen.contains(*id))
        .map(|id| id.as_str())
        .collect();
    assert!(
        missing.is_empty(),
        "rules no drift case exercises: {missing:?}"
    );
}

const START: &str = "<!-- rules:start -->";
const END: &str = "<!-- rules:end -->";

/// The README's rule table is generated from the registry. To regenerate it, run this test
/// with RIVYA_UPDATE_README=1 (or paste `rivya-codegen diff --rules-markdown`).
#[test]
fn readme_rule_table_matches_the_registry() {
    let path = root().join("README.md");
    let readme = std::fs::read_to_string(&path).expect("README.md exists");
    let (Some(start), Some(end)) = (readme.find(START), readme.find(END)) else {
        panic!("README.md lacks the {START} … {END} markers");
    };
    let current = &readme[start + START.len()..end];
    let expected = format!("\n{}", rules::markdown_table());
    if current == expected {
        return;
    }
    if std::env::var_os("RIVYA_UPDATE_README").is_some() {
        let updated = format!("{}{START}{expected}{}", &readme[..start], &readme[end..]);
        std::fs::write(&path, updated).unwrap();
        return;
    }
    panic!(
        "README.md's rule table differs from the registry; regenerate it with \
         RIVYA_UPDATE_README=1 cargo test --test drift readme"
    );
}
