//! The command line: argument parsing and dispatch to the pipeline stages.

use std::io::Read;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};

use crate::error::{Error, Location, Result};
use crate::ir;
use crate::load::{self, Limits};
use crate::pipeline::{self, Input};
use crate::validators::rules;
use crate::write::{self, OutputTree};

// Callers written before the pipeline had a module of its own still find it here.
pub use crate::pipeline::{load_ir, output, DEFAULT_SPEC};
// The report's forms and the fail level are the library's (`update` uses them too).
pub use crate::backends::diff::report::{write as write_report, DiffFormat};
pub use crate::backends::diff::FailOn;

#[derive(Debug, Parser)]
#[command(
    name = "rivya-codegen",
    version,
    about = "Generates the Rivya Rust SDK, validators, docs and breaking-change reports from the Rivya OpenAPI contract",
    after_help = "Exit codes: 0 success, 1 a check failed, 2 usage or input error."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the normalized IR of the contract as JSON.
    Ir(InputArgs),
    /// Generate the Rust SDK crate (`OUT/rivya-sdk`) and the docs (`OUT/docs`) from the
    /// contract.
    Generate(GenerateArgs),
    /// Compare two versions of the contract and report every change, how it affects clients,
    /// and the SDK version bump it needs.
    Diff(DiffArgs),
    /// Check model parameters against the catalog, with the rules the generated SDK runs.
    ///
    /// Prints one violation per line (JSON pointer, rule, message, tab-separated; `#` is the
    /// checked object itself). Exit code 0: valid; 1: violations (an unknown model included);
    /// 2: usage or input error.
    Validate(ValidateArgs),
    /// Write the model and endpoint docs to OUT/docs/ (replacing that folder atomically).
    Docs(DocsArgs),
    /// Update the snapshot, the SDK (with a version bump and a CHANGELOG section) and the docs
    /// from the contract the API serves, unless the change reaches --fail-on.
    ///
    /// Exit code 0: updated, or already up to date; 1: refused (nothing changed); 2: usage or
    /// input error (nothing changed).
    Update(UpdateArgs),
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// The folder to write into; its `rivya-sdk/` and `docs/` are each replaced as a whole.
    #[arg(long, default_value = "generated", value_name = "DIR")]
    pub out: PathBuf,
    /// Write nothing; exit 1 with a summary if the files in OUT are not what would be
    /// generated.
    #[arg(long)]
    pub check: bool,
    /// The SDK crate's version. Default: the version of the crate already in OUT, so that a
    /// regeneration keeps the release `update` made.
    #[arg(long, value_name = "SEMVER")]
    pub sdk_version: Option<semver::Version>,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// The public model ID.
    #[arg(long, value_name = "ID")]
    pub model: String,
    /// The `params` object as JSON, or @FILE to read it from a file (@- for standard input).
    #[arg(
        long,
        value_name = "JSON|@FILE",
        conflicts_with = "request",
        required_unless_present = "request"
    )]
    pub params: Option<String>,
    /// A whole request body instead (JSON or @FILE): checks the prompt or message, `params`,
    /// `controls` and top-level parameters, each at its location (for chat models).
    #[arg(long, value_name = "JSON|@FILE")]
    pub request: Option<String>,
}

#[derive(Debug, Args)]
pub struct DocsArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// The output folder; the docs go to OUT/docs/.
    #[arg(long, default_value = "generated", value_name = "DIR")]
    pub out: PathBuf,
}

/// Where the contract and the model catalog come from.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// The OpenAPI document (3.0 or 3.1, JSON or YAML): a path, an http(s) URL such as
    /// https://rivya.ai/api/v1/openapi.json, or git:REV:PATH.
    #[arg(long, default_value = DEFAULT_SPEC, value_name = "PATH|URL")]
    pub spec: String,
    /// A ModelList document (as `GET /api/v1/models` returns) to use as the model catalog
    /// instead of the spec's `x-rivya-models`.
    #[arg(long, value_name = "PATH|URL")]
    pub models: Option<String>,
    #[command(flatten)]
    pub limits: LimitArgs,
    /// Fail (exit 1, nothing written) when any part of the contract could only be read by
    /// degrading it, instead of warning; for teams that keep their own contract clean.
    #[arg(long)]
    pub strict: bool,
}

impl InputArgs {
    /// The command line's defaults, for one spec (a path, URL or git:REV:PATH).
    pub fn for_spec(spec: impl Into<String>) -> Self {
        InputArgs {
            spec: spec.into(),
            models: None,
            limits: LimitArgs::default(),
            strict: false,
        }
    }

    /// The pipeline's input these arguments describe.
    pub fn input(&self) -> Input {
        Input {
            spec: self.spec.clone(),
            models: self.models.clone(),
            limits: self.limits.limits(),
        }
    }

    /// Runs `load → normalize → ir` on these inputs.
    pub fn build_ir(&self) -> Result<ir::Ir> {
        self.input().build_ir()
    }
}

/// How much reading a document may take; shared by every command that reads contracts.
#[derive(Debug, Clone, Args)]
pub struct LimitArgs {
    /// Refuse documents larger than this many bytes.
    #[arg(long, default_value_t = load::DEFAULT_MAX_BYTES, value_name = "BYTES")]
    pub max_bytes: u64,
    /// Give up on a URL after this many seconds.
    #[arg(long, default_value_t = load::DEFAULT_TIMEOUT.as_secs(), value_name = "SECONDS")]
    pub timeout: u64,
}

impl Default for LimitArgs {
    fn default() -> Self {
        LimitArgs {
            max_bytes: load::DEFAULT_MAX_BYTES,
            timeout: load::DEFAULT_TIMEOUT.as_secs(),
        }
    }
}

impl LimitArgs {
    pub fn limits(&self) -> Limits {
        Limits {
            max_bytes: self.max_bytes,
            timeout: Duration::from_secs(self.timeout),
        }
    }
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The old contract: a path, an http(s) URL, or git:REV:PATH (e.g.
    /// git:origin/main:fixtures/openapi.json).
    #[arg(value_name = "OLD", required_unless_present = "rules_markdown")]
    pub old: Option<String>,
    /// The new contract, in any of the forms OLD accepts.
    #[arg(value_name = "NEW", required_unless_present = "rules_markdown")]
    pub new: Option<String>,
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    pub format: DiffFormat,
    /// Exit 1 when a change at or above this level is found: `breaking` counts breaks of the
    /// wire contract and of the generated SDK alike, `wire` only those of the wire contract.
    #[arg(long, value_enum, default_value_t = FailOn::Breaking)]
    pub fail_on: FailOn,
    /// Print a Markdown section for the SDK's CHANGELOG instead of the report.
    #[arg(long)]
    pub changelog: bool,
    /// A served catalog (`GET /api/v1/models`) that NEW's `x-rivya-models` must agree with;
    /// exit 1 when they differ, naming the models and parameters.
    #[arg(long, value_name = "PATH|URL")]
    pub models: Option<String>,
    /// A file of `rule-id level` lines (level: breaking, warning or info; `#` comments) that
    /// replace the registry's levels for this report; the report lists every override.
    #[arg(long, value_name = "FILE")]
    pub severity_levels: Option<std::path::PathBuf>,
    /// A TOML file of accepted findings (`[[accept]]` entries: `rule`, `location` — as the
    /// report prints it after `at`, or either half of it (`GET /path` or its `#/pointer`),
    /// exactly or as a prefix ending in `*` —, `reason`, optional `expires = "YYYY-MM-DD"`).
    /// Accepted findings are shown with their reason and fail no job; expired entries accept
    /// nothing.
    #[arg(long, value_name = "FILE")]
    pub accept: Option<std::path::PathBuf>,
    /// Print the table of rules (the README's rule table) and exit.
    #[arg(long, conflicts_with_all = ["old", "new", "changelog"])]
    pub rules_markdown: bool,
    #[command(flatten)]
    pub limits: LimitArgs,
}

/// Runs a command and returns its exit code.
pub fn run(cli: Cli) -> Result<i32> {
    match cli.command {
        Command::Ir(input) => {
            let ir = input.build_ir()?;
            if input.strict && report_warnings(&ir) > 0 {
                return Ok(1);
            }
            let mut json =
                serde_json::to_string_pretty(&ir).expect("the IR always serializes");
            json.push('\n');
            write_stdout(json.as_bytes())?;
            Ok(0)
        }
        Command::Generate(args) => generate(&args),
        Command::Update(args) => crate::update::run(&args.update()),
        Command::Diff(args) => run_diff(args),
        Command::Validate(args) => validate(args),
        Command::Docs(args) => {
            let ir = args.input.build_ir()?;
            if args.input.strict && report_warnings(&ir) > 0 {
                return Ok(1);
            }
            let mut tree = OutputTree::new();
            tree.nest("docs", pipeline::docs(&ir)?)?;
            let written = write::write(&tree, &args.out)?;
            eprintln!(
                "{}",
                written_summary(written, tree.len(), &args.out.join("docs"))
            );
            Ok(0)
        }
    }
}

/// Reads `--params`/`--request`: inline JSON, or @FILE (@- for standard input).
fn read_json_arg(flag: &str, raw: &str) -> Result<serde_json::Value> {
    let (origin, text) = match raw.strip_prefix('@') {
        Some("-") => {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .map_err(|e| Error::input("<stdin>", Location::Whole, e.to_string()))?;
            ("<stdin>".to_owned(), text)
        }
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| Error::input(path, Location::Whole, e.to_string()))?;
            (path.to_owned(), text)
        }
        None => (format!("--{flag}"), raw.to_owned()),
    };
    serde_json::from_str(&text).map_err(|e| {
        Error::input(
            &origin,
            Location::Line {
                line: e.line(),
                column: e.column(),
            },
            format!("not valid JSON: {e}"),
        )
    })
}

fn validate(args: ValidateArgs) -> Result<i32> {
    // Read the document before the spec, so that a typo in it is reported without waiting.
    let (flag, raw) = match (&args.params, &args.request) {
        (Some(params), _) => ("params", params),
        (None, Some(request)) => ("request", request),
        (None, None) => return Err(Error::Usage("give --params or --request".into())),
    };
    let document = read_json_arg(flag, raw)?;
    let ir = args.input.build_ir()?;
    let Some(catalog) = &ir.catalog else {
        return Err(Error::Usage(
            "the contract has no model catalog (x-rivya-models); give one with --models"
                .into(),
        ));
    };
    let models = rules::catalog_rules(catalog);
    let result = if flag == "params" {
        rules::validate_params(models, &args.model, &document)
    } else {
        rules::validate_request(models, &args.model, &document)
    };
    match result {
        Ok(()) => {
            eprintln!("valid {flag} for model {:?}", args.model);
            Ok(0)
        }
        Err(violations) => {
            if flag == "params"
                && rules::find(models, &args.model).is_some_and(|m| m.is_chat())
            {
                eprintln!(
                    "note: {:?} is a chat model: its parameters go in `controls` or at the top \
                     level of a Chat API request; check one with --request",
                    args.model
                );
            }
            let mut text = String::new();
            for v in &violations {
                text.push_str(&format!("#{}\t{}\t{}\n", v.pointer, v.rule, v.message));
            }
            write_stdout(text.as_bytes())?;
            eprintln!(
                "{} violation{} for model {:?}",
                violations.len(),
                if violations.len() == 1 { "" } else { "s" },
                args.model
            );
            Ok(1)
        }
    }
}

fn run_diff(args: DiffArgs) -> Result<i32> {
    use crate::backends::diff::{self, report};
    if args.rules_markdown {
        write_stdout(diff::rules::markdown_table().as_bytes())?;
        return Ok(0);
    }
    let (Some(old_source), Some(new_source)) =
        (args.old.as_deref(), args.new.as_deref())
    else {
        return Err(Error::Usage("diff needs OLD and NEW".into()));
    };
    let limits = args.limits.limits();
    // The two documents are independent; on a large contract loading is most of the work.
    let (old, new) = std::thread::scope(|scope| {
        let old = scope.spawn(|| pipeline::load_ir(old_source, None, &limits));
        let new = pipeline::load_ir(new_source, None, &limits);
        (old.join().expect("loading does not panic"), new)
    });
    let (old, new) = (old?, new?);
    let drift = match args.models.as_deref() {
        Some(models) => Some(crate::update::catalog_drift(new_source, models, &limits)?),
        None => None,
    };
    let mut report = diff::diff(&old, &new);
    pipeline::adjust_report(
        &mut report,
        args.severity_levels.as_deref(),
        args.accept.as_deref(),
    )?;
    crate::pipeline::attach_positions(&mut report, new_source, old_source);
    let labels = report::Labels {
        old: old_source,
        new: new_source,
    };
    if args.changelog {
        write_stdout(report::changelog(&report).as_bytes())?;
    } else {
        write_report(&report, &labels, args.format)?;
    }
    let mut failed = report.fails(args.fail_on);
    if let (Some(drift), Some(models)) = (drift, args.models.as_deref()) {
        if !drift.changes.is_empty() {
            crate::update::print_drift(&drift, new_source, models, args.format)?;
            failed = true;
        }
    }
    // Freeing two large IRs takes measurable time and the process ends right after.
    std::mem::forget((old, new));
    Ok(i32::from(failed))
}

/// Says on stderr where the contract could only be read by degrading it (the first 20, then a
/// one-line summary); returns how many places that was.
fn report_warnings(ir: &ir::Ir) -> usize {
    for warning in ir.warnings.iter().take(20) {
        eprintln!("warning: #{}: {}", warning.pointer, warning.message);
    }
    if ir.warnings.len() > 20 {
        eprintln!(
            "warning: … and {} more (see `rivya-codegen ir`)",
            ir.warnings.len() - 20
        );
    }
    let degraded = ir.warnings.len();
    if degraded > 0 {
        eprintln!(
            "degraded: {degraded} place{} of the contract read leniently (exit 1 with --strict)",
            if degraded == 1 { "" } else { "s" }
        );
    }
    degraded
}

fn generate(args: &GenerateArgs) -> Result<i32> {
    let ir = args.input.build_ir()?;
    if report_warnings(&ir) > 0 && args.input.strict {
        return Ok(1);
    }
    let mut tree = pipeline::output(&ir)?;
    crate::update::keep_sdk_release(
        &mut tree,
        &ir,
        &args.out,
        args.sdk_version.as_ref(),
    )?;
    let code = if args.check {
        check_drift(&tree, &args.out)?
    } else {
        let written = write::write(&tree, &args.out)?;
        eprintln!("{}", written_summary(written, tree.len(), &args.out));
        0
    };
    // Freeing the IR and the output takes measurable time and the process ends right after.
    std::mem::forget((ir, tree));
    Ok(code)
}

/// `generate --check`: exit 1, listing what differs, unless `out` holds what the tree has.
fn check_drift(tree: &OutputTree, out: &std::path::Path) -> Result<i32> {
    let drift = write::check(tree, out)?;
    if drift.is_empty() {
        eprintln!("{}: up to date ({} files)", out.display(), tree.len());
        return Ok(0);
    }
    eprintln!(
        "{}: {} of the generated files differ from what the contract generates:",
        out.display(),
        drift.len()
    );
    for item in drift.iter().take(20) {
        eprintln!("  {item}");
    }
    if drift.len() > 20 {
        eprintln!("  … and {} more", drift.len() - 20);
    }
    eprintln!("run `rivya-codegen generate` (without --check) and commit the result");
    Ok(1)
}

/// What a write did, in one line: folders already as generated are not written again.
fn written_summary(written: usize, total: usize, out: &std::path::Path) -> String {
    let out = out.display();
    match total - written {
        0 => format!("wrote {total} files under {out}"),
        same if written == 0 => {
            format!("{out}: up to date ({same} files), nothing written")
        }
        same => format!("wrote {written} files under {out} ({same} were up to date)"),
    }
}

fn write_stdout(bytes: &[u8]) -> Result<()> {
    write::to_stdout(bytes)
}

#[derive(Debug, Args)]
pub struct UpdateArgs {
    /// The new contract: a path, an http(s) URL, or git:REV:PATH.
    #[arg(long, default_value = crate::update::LIVE_CONTRACT, value_name = "PATH|URL")]
    pub from: String,
    /// The committed contract the SDK was generated from; replaced by the new one.
    #[arg(long, default_value = DEFAULT_SPEC, value_name = "PATH")]
    pub snapshot: PathBuf,
    /// The folder holding `rivya-sdk/` and `docs/`, as for `generate`.
    #[arg(long, default_value = "generated", value_name = "DIR")]
    pub out: PathBuf,
    /// The catalog the API serves (a `GET /api/v1/models` document). When given, the new
    /// contract's `x-rivya-models` must describe the same models, or nothing is updated.
    #[arg(long, value_name = "PATH|URL")]
    pub models: Option<String>,
    /// Refuse the update (exit 1, nothing written) when a change at or above this level is found
    /// (`wire`: only breaks of the wire contract, not those of the generated SDK alone).
    #[arg(long, value_enum, default_value_t = FailOn::Breaking)]
    pub fail_on: FailOn,
    /// Accept the changes `--fail-on` would refuse (a breaking change bumps the major version).
    #[arg(long)]
    pub allow_breaking: bool,
    /// Also write the Markdown summary (the pull-request body) to this file.
    #[arg(long, value_name = "FILE")]
    pub summary: Option<PathBuf>,
    /// The release date in the CHANGELOG (YYYY-MM-DD). Default: the contract's
    /// `info.x-release-date`, or its `info.version` when that is a date, or today (UTC).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = crate::update::parse_date)]
    pub date: Option<chrono::NaiveDate>,
    /// How the report is printed on standard output (`github`: workflow annotations).
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    pub format: DiffFormat,
    /// A file of `rule-id level` lines that replace the registry's levels, as for `diff`.
    #[arg(long, value_name = "FILE")]
    pub severity_levels: Option<PathBuf>,
    /// A TOML file of accepted findings, as for `diff`: an accepted breaking change does not
    /// refuse the update, and still bumps the version as the change requires.
    #[arg(long, value_name = "FILE")]
    pub accept: Option<PathBuf>,
    #[command(flatten)]
    pub limits: LimitArgs,
}

impl UpdateArgs {
    fn update(&self) -> crate::update::Update {
        crate::update::Update {
            from: self.from.clone(),
            snapshot: self.snapshot.clone(),
            out: self.out.clone(),
            models: self.models.clone(),
            fail_on: self.fail_on,
            allow_breaking: self.allow_breaking,
            summary: self.summary.clone(),
            date: self.date,
            format: self.format,
            severity_levels: self.severity_levels.clone(),
            accept: self.accept.clone(),
            limits: self.limits.limits(),
        }
    }
}
