//! `update`: the CI job in one command. It reads the contract the API serves, compares it with
//! the committed snapshot, and either refuses (the change reaches `--fail-on`) or moves the
//! snapshot, the SDK crate, its version, its CHANGELOG and the docs forward together.
//!
//! Everything is read and checked before anything is written, and everything is written by one
//! [`write::write_all`], so a refusal or a bad input leaves the repository exactly as it was.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use semver::{BuildMetadata, Prerelease, Version};

use crate::backends::diff::report::DiffFormat;
use crate::backends::diff::{self, report, FailOn, Level, Report, Semver};
use crate::backends::sdk::krate;
use crate::error::{Error, Location, Result};
use crate::ir;
use crate::load::{self, Limits, Source};
use crate::normalize::{self, Spec};
use crate::write::{self, OutputTree};

/// Where the Rivya API serves its contract.
pub const LIVE_CONTRACT: &str = "https://rivya.ai/api/v1/openapi.json";
/// The SDK's changelog, kept beside its `Cargo.toml` and carried across regenerations.
const CHANGELOG: &str = "CHANGELOG.md";
const CHANGELOG_HEADER: &str = "# Changelog\n\nEvery release of the generated `rivya-sdk` crate, \
newest first, with the contract changes that made it and the rule that rated each one.\n";

/// What `update` is asked to do (the command line's `update` arguments, parsed).
#[derive(Debug, Clone)]
pub struct Update {
    /// The new contract: a path, an http(s) URL, or git:REV:PATH.
    pub from: String,
    /// The committed contract the SDK was generated from; replaced by the new one.
    pub snapshot: PathBuf,
    /// The folder holding `rivya-sdk/` and `docs/`.
    pub out: PathBuf,
    /// The catalog the API serves, which the new contract's `x-rivya-models` must match.
    pub models: Option<String>,
    pub fail_on: FailOn,
    /// Accept the changes `fail_on` would refuse.
    pub allow_breaking: bool,
    /// Also write the Markdown summary (the pull-request body) to this file.
    pub summary: Option<PathBuf>,
    /// The release date in the CHANGELOG; `None` reads it from the contract (or today).
    pub date: Option<NaiveDate>,
    pub format: DiffFormat,
    /// Rule levels that replace the registry's (`--severity-levels`).
    pub severity_levels: Option<PathBuf>,
    /// Accepted findings (`--accept`): they do not refuse the update.
    pub accept: Option<PathBuf>,
    pub limits: Limits,
}

/// A `YYYY-MM-DD` date, as `--date` and the contract's release date give it.
pub fn parse_date(text: &str) -> std::result::Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|e| format!("not a YYYY-MM-DD date: {e}"))
}

/// Runs `update` and returns its exit code.
pub fn run(args: &Update) -> Result<i32> {
    let limits = args.limits.clone();
    // Reading: every input is loaded and checked before anything is written.
    let (new_document, new_bytes) =
        load::load_with_bytes(&Source::parse(&args.from), &limits)?;
    let contract_date = release_date(&new_document);
    let new_spec = normalize::normalize(new_document)?;
    let new_ir = crate::pipeline::build_ir(&new_spec, None)?;
    let snapshot_origin = args.snapshot.display().to_string();
    let old_spec = normalize::normalize(load::load(
        &Source::File(args.snapshot.clone()),
        &limits,
    )?)?;
    let old_ir = crate::pipeline::build_ir(&old_spec, None)?;
    let drift = match &args.models {
        Some(models) => Some(catalog_drift_of(&new_spec, &new_ir, models, &limits)?),
        None => None,
    };
    let current = current_sdk_version(&args.out)?;
    let old_changelog = read_changelog(&args.out)?;
    let summary_target = args
        .summary
        .as_deref()
        .map(single_file_target)
        .transpose()?;

    if let Some(drift) = drift.filter(|d| !d.changes.is_empty()) {
        let models = args.models.as_deref().unwrap_or_default();
        print_drift(&drift, &args.from, models, args.format)?;
        let summary = drift_summary(&drift, &args.from, models);
        publish_summary(&summary, summary_target.as_ref())?;
        eprintln!(
            "refused: the contract's x-rivya-models and the catalog {models} disagree \
             ({} difference{}); nothing was changed",
            drift.changes.len(),
            plural(drift.changes.len())
        );
        return Ok(1);
    }

    let mut report = diff::diff(&old_ir, &new_ir);
    crate::pipeline::adjust_report(
        &mut report,
        args.severity_levels.as_deref(),
        args.accept.as_deref(),
    )?;
    crate::pipeline::attach_positions(&mut report, &args.from, &snapshot_origin);
    if report.changes.is_empty() {
        eprintln!("{snapshot_origin}: up to date with {}", args.from);
        return Ok(0);
    }
    let labels = report::Labels {
        old: &snapshot_origin,
        new: &args.from,
    };
    report::write(&report, &labels, args.format)?;
    let refused = reaches(&report, args.fail_on) && !args.allow_breaking;
    if refused {
        let summary = refused_summary(&report, &labels, args.fail_on);
        publish_summary(&summary, summary_target.as_ref())?;
        eprintln!(
            "refused: {} change{} at or above --fail-on {}; nothing was changed \
             (rerun with --allow-breaking to accept)",
            count_reaching(&report, args.fail_on),
            plural(count_reaching(&report, args.fail_on)),
            fail_on_name(args.fail_on)
        );
        return Ok(1);
    }

    let next = bump(&current, report.semver());
    let date = args
        .date
        .or(contract_date)
        .unwrap_or_else(|| chrono::Utc::now().date_naive());
    let section = changelog_section(&report, &next, date, &new_ir.api);
    let changelog = prepend_section(old_changelog.as_deref(), &section);

    let mut tree = crate::pipeline::output(&new_ir)?;
    set_sdk_release(&mut tree, &new_ir, &next, Some(changelog))?;
    let (snapshot_dir, snapshot_tree) = single_file(&args.snapshot, new_bytes)?;
    let summary = accepted_summary(&report, &labels, &current, &next);
    let mut targets: Vec<(&OutputTree, &Path)> =
        vec![(&snapshot_tree, &snapshot_dir), (&tree, &args.out)];
    let summary_tree;
    if let Some((dir, name)) = &summary_target {
        let mut one = OutputTree::new();
        one.add(name, summary.as_bytes())?;
        summary_tree = (dir.clone(), one);
        targets.push((&summary_tree.1, &summary_tree.0));
    }
    write::write_all(&targets)?;
    append_step_summary(&summary)?;
    write_step_outputs(&current, &next, report.semver())?;
    eprintln!(
        "updated {snapshot_origin} from {}: {} change{}, {} {current} → {next} ({} bump), \
         wrote {} files under {}",
        args.from,
        report.changes.len(),
        plural(report.changes.len()),
        krate::CRATE_NAME,
        report.semver().as_str(),
        tree.len(),
        args.out.display()
    );
    Ok(0)
}

/// The version a release after `report`'s changes gets, by cargo's reading of semver: below
/// 1.0 the minor number is the compatibility line, so a breaking change bumps it and anything
/// else is a patch.
pub fn bump(current: &Version, required: Semver) -> Version {
    if required == Semver::None {
        return current.clone();
    }
    let mut next = current.clone();
    next.pre = Prerelease::EMPTY;
    next.build = BuildMetadata::EMPTY;
    match (required, next.major) {
        (Semver::Major, 0) => {
            next.minor += 1;
            next.patch = 0;
        }
        (_, 0) => next.patch += 1,
        (Semver::Major, _) => {
            next.major += 1;
            next.minor = 0;
            next.patch = 0;
        }
        (Semver::Minor, _) => {
            next.minor += 1;
            next.patch = 0;
        }
        (Semver::Patch | Semver::None, _) => next.patch += 1,
    }
    next
}

/// The SDK crate's version as `OUT/rivya-sdk/Cargo.toml` has it; the generator's initial
/// version when there is no crate yet.
pub fn current_sdk_version(out: &Path) -> Result<Version> {
    let path = out.join(krate::CRATE_NAME).join("Cargo.toml");
    let origin = path.display().to_string();
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(Version::parse(krate::CRATE_VERSION).expect("a valid version"))
        }
        Err(e) => return Err(Error::input(&origin, Location::Whole, e.to_string())),
    };
    #[derive(serde::Deserialize)]
    struct Manifest {
        package: Package,
    }
    #[derive(serde::Deserialize)]
    struct Package {
        version: String,
    }
    let manifest: Manifest = toml::from_str(&text).map_err(|e| {
        Error::at_pointer(
            &origin,
            "/package/version",
            format!("not readable: {}", e.message()),
        )
    })?;
    Version::parse(&manifest.package.version).map_err(|e| {
        Error::at_pointer(
            &origin,
            "/package/version",
            format!("not a semver version: {e}"),
        )
    })
}

fn read_changelog(out: &Path) -> Result<Option<String>> {
    let path = out.join(krate::CRATE_NAME).join(CHANGELOG);
    match std::fs::read_to_string(&path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::input(
            &path.display().to_string(),
            Location::Whole,
            e.to_string(),
        )),
    }
}

/// Gives the generated crate its release: the version in `Cargo.toml` and the CHANGELOG, which
/// the generator does not produce and which must survive the crate folder being replaced.
pub fn set_sdk_release(
    tree: &mut OutputTree,
    ir: &ir::Ir,
    version: &Version,
    changelog: Option<String>,
) -> Result<()> {
    let prefix = krate::CRATE_NAME;
    tree.replace(
        &format!("{prefix}/Cargo.toml"),
        krate::cargo_toml_at_version(ir, &version.to_string()),
    )?;
    if let Some(changelog) = changelog {
        tree.replace(&format!("{prefix}/{CHANGELOG}"), changelog)?;
    }
    Ok(())
}

/// What `generate` does so that a plain regeneration keeps the release `update` made: the
/// version given, or the one already in `out`, and the CHANGELOG already there.
pub fn keep_sdk_release(
    tree: &mut OutputTree,
    ir: &ir::Ir,
    out: &Path,
    version: Option<&Version>,
) -> Result<()> {
    let version = match version {
        Some(version) => version.clone(),
        None => current_sdk_version(out)?,
    };
    set_sdk_release(tree, ir, &version, read_changelog(out)?)
}

/// A date the contract states for itself: `info.x-release-date`, or `info.version` when the
/// API versions by date.
fn release_date(document: &load::Document) -> Option<NaiveDate> {
    let info = document.value.get("info")?;
    ["x-release-date", "version"]
        .iter()
        .filter_map(|key| info.get(*key)?.as_str())
        .find_map(|text| parse_date(text.get(..10).unwrap_or(text)).ok())
}

fn reaches(report: &Report, fail_on: FailOn) -> bool {
    report.fails(fail_on)
}

fn count_reaching(report: &Report, fail_on: FailOn) -> usize {
    report.changes.iter().filter(|c| fail_on.counts(c)).count()
}

fn fail_on_name(fail_on: FailOn) -> &'static str {
    fail_on.as_str()
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn level_heading(level: Level) -> &'static str {
    match level {
        Level::Breaking => "Breaking",
        Level::Warning => "Warnings",
        Level::Info => "Compatible",
    }
}

/// One CHANGELOG section: the version and date, the contract it was generated from, and every
/// change grouped by level with the rule that rated it.
pub fn changelog_section(
    report: &Report,
    version: &Version,
    date: NaiveDate,
    api: &ir::ApiInfo,
) -> String {
    let mut out = format!(
        "## {version} — {}\n\nGenerated from {} {}; SDK version bump: **{}**.\n",
        date.format("%Y-%m-%d"),
        report::markdown_escape(&api.title),
        report::markdown_escape(&api.version),
        report.semver().as_str()
    );
    for level in [Level::Breaking, Level::Warning, Level::Info] {
        let changes: Vec<_> =
            report.changes.iter().filter(|c| c.level == level).collect();
        if changes.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n### {} ({})\n", level_heading(level), changes.len());
        for change in changes {
            let _ =
                writeln!(out, "- `{}` {}", change.id, report::changelog_item(change));
        }
    }
    out
}

/// Puts `section` above the newest release, below the file's heading and introduction.
fn prepend_section(existing: Option<&str>, section: &str) -> String {
    let existing = existing.unwrap_or(CHANGELOG_HEADER);
    let split = if existing.starts_with("## ") {
        0
    } else {
        existing.find("\n## ").map_or(existing.len(), |i| i + 1)
    };
    let (head, releases) = existing.split_at(split);
    let mut out = head.trim_end().to_owned();
    if !out.is_empty() {
        out.push_str("\n\n");
    }
    out.push_str(section);
    if !releases.is_empty() {
        out.push('\n');
        out.push_str(releases);
    }
    out
}

fn accepted_summary(
    report: &Report,
    labels: &report::Labels,
    current: &Version,
    next: &Version,
) -> String {
    let accepted = if report.breaking() {
        " (breaking changes accepted)"
    } else {
        ""
    };
    format!(
        "# Contract update: `{}` {current} → {next}{accepted}\n\n{}",
        krate::CRATE_NAME,
        report::markdown(report, labels)
    )
}

fn refused_summary(report: &Report, labels: &report::Labels, fail_on: FailOn) -> String {
    format!(
        "# Contract update refused\n\n{} change{} at or above `--fail-on {}`: nothing was \
         changed. Review them, then rerun `rivya-codegen update --allow-breaking` to accept.\n\n{}",
        count_reaching(report, fail_on),
        plural(count_reaching(report, fail_on)),
        fail_on_name(fail_on),
        report::markdown(report, labels)
    )
}

/// Compares a contract's `x-rivya-models` with a served catalog (a ModelList document) by the
/// catalog rules: the report holds what the served catalog has that the contract does not say
/// (and the reverse), by model and parameter.
pub fn catalog_drift(
    spec_source: &str,
    models: &str,
    limits: &Limits,
) -> Result<Report> {
    let spec = normalize::normalize(load::load(&Source::parse(spec_source), limits)?)?;
    let contract = crate::pipeline::build_ir(&spec, None)?;
    catalog_drift_of(&spec, &contract, models, limits)
}

fn catalog_drift_of(
    spec: &Spec,
    contract: &ir::Ir,
    models: &str,
    limits: &Limits,
) -> Result<Report> {
    let served = load::load(&Source::parse(models), limits)?;
    let served = crate::pipeline::build_ir(spec, Some(&served))?;
    // Same spec on both sides: only the catalogs can differ.
    Ok(diff::diff(contract, &served))
}

/// Prints a catalog drift report: annotations on standard output for `github`, text on
/// standard error otherwise (standard output stays the diff report alone).
pub fn print_drift(
    drift: &Report,
    contract: &str,
    models: &str,
    format: DiffFormat,
) -> Result<()> {
    let old = format!("x-rivya-models of {contract}");
    let labels = report::Labels { old: &old, new: models };
    if format == DiffFormat::Github {
        report::write(drift, &labels, DiffFormat::Github)
    } else {
        eprint!(
            "catalog drift: the served catalog differs from the contract's x-rivya-models\n{}",
            report::text(drift, &labels)
        );
        Ok(())
    }
}

fn drift_summary(drift: &Report, contract: &str, models: &str) -> String {
    let old = format!("x-rivya-models of {contract}");
    format!(
        "# Contract update refused: catalog drift\n\nThe catalog served at {} and the \
         contract's `x-rivya-models` should be the same; they differ, so nothing was \
         changed.\n\n{}",
        report::markdown_escape(models),
        report::markdown(drift, &report::Labels { old: &old, new: models })
    )
}

/// `(parent folder, file name)` of a file that is written as a one-file tree.
fn single_file_target(path: &Path) -> Result<(PathBuf, String)> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| Error::Usage(format!("{} is not a file path", path.display())))?;
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    Ok((dir, name))
}

fn single_file(path: &Path, contents: Vec<u8>) -> Result<(PathBuf, OutputTree)> {
    let (dir, name) = single_file_target(path)?;
    let mut tree = OutputTree::new();
    tree.add(&name, contents)?;
    Ok((dir, tree))
}

fn publish_summary(summary: &str, target: Option<&(PathBuf, String)>) -> Result<()> {
    if let Some((dir, name)) = target {
        let mut tree = OutputTree::new();
        tree.add(name, summary.as_bytes())?;
        write::write(&tree, dir)?;
    }
    append_step_summary(summary)
}

/// GitHub Actions shows what a step appends to this file on the run's page.
fn append_step_summary(summary: &str) -> Result<()> {
    append_to_env_file("GITHUB_STEP_SUMMARY", summary)
}

/// Step outputs for the workflow: the release it should name its pull request after.
fn write_step_outputs(current: &Version, next: &Version, bump: Semver) -> Result<()> {
    append_to_env_file(
        "GITHUB_OUTPUT",
        &format!(
            "previous-version={current}\nversion={next}\nbump={}\n",
            bump.as_str()
        ),
    )
}

fn append_to_env_file(variable: &str, text: &str) -> Result<()> {
    use std::io::Write;
    let Some(path) = std::env::var_os(variable).filter(|p| !p.is_empty()) else {
        return Ok(());
    };
    let error = |source| Error::Output {
        path: format!("${variable}"),
        source,
    };
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .map_err(error)?;
    file.write_all(text.as_bytes()).map_err(error)?;
    if !text.ends_with('\n') {
        file.write_all(b"\n").map_err(error)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> Version {
        Version::parse(text).unwrap()
    }

    #[test]
    fn bumps_follow_cargo_semver() {
        let cases = [
            ("1.2.3", Semver::Major, "2.0.0"),
            ("1.2.3", Semver::Minor, "1.3.0"),
            ("1.2.3", Semver::Patch, "1.2.4"),
            ("1.2.3", Semver::None, "1.2.3"),
            ("0.1.0", Semver::Major, "0.2.0"),
            ("0.3.7", Semver::Major, "0.4.0"),
            ("0.1.0", Semver::Minor, "0.1.1"),
            ("0.1.4", Semver::Patch, "0.1.5"),
            ("1.0.0-rc.1+build.5", Semver::Patch, "1.0.1"),
        ];
        for (current, required, expected) in cases {
            assert_eq!(
                bump(&v(current), required).to_string(),
                expected,
                "{current} + {required:?}"
            );
        }
    }

    #[test]
    fn sections_go_above_the_newest_release() {
        let first = prepend_section(None, "## 0.1.1 — 2026-01-02\n\nA\n");
        assert!(first.starts_with("# Changelog\n\n"));
        assert!(first.ends_with("## 0.1.1 — 2026-01-02\n\nA\n"));
        let second = prepend_section(Some(&first), "## 0.2.0 — 2026-02-03\n\nB\n");
        let newer = second.find("## 0.2.0").unwrap();
        let older = second.find("## 0.1.1").unwrap();
        assert!(second.starts_with("# Changelog\n\n"));
        assert!(newer < older, "{second}");
        assert_eq!(second.matches("# Changelog").count(), 1);
        // A file that is only releases keeps them below the new one.
        let bare = prepend_section(Some("## 1.0.0 — x\n"), "## 1.1.0 — y\n");
        assert_eq!(bare, "## 1.1.0 — y\n\n## 1.0.0 — x\n");
    }

    #[test]
    fn release_date_comes_from_the_contract_info() {
        let doc = |info: serde_json::Value| load::Document {
            origin: "x".into(),
            value: serde_json::json!({ "info": info }),
        };
        let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
        assert_eq!(
            release_date(&doc(
                serde_json::json!({"version": "1.0.0", "x-release-date": "2026-03-04"})
            )),
            date(2026, 3, 4)
        );
        assert_eq!(
            release_date(&doc(serde_json::json!({"version": "2024-06-20"}))),
            date(2024, 6, 20)
        );
        assert_eq!(
            release_date(&doc(serde_json::json!({"version": "1.0.0"}))),
            None
        );
        assert_eq!(
            release_date(&doc(
                serde_json::json!({"version": "1.0.0", "x-release-date": "soon"})
            )),
            None
        );
    }
}
