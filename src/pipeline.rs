//! The pipeline as a library: `load → normalize → ir` on a contract, and everything `generate`
//! writes from the IR. The command line, the tests, the fuzz targets and the benchmarks all
//! run it through here, so they exercise the same path.

use crate::backends::{docs, sdk};
use crate::error::Result;
use crate::ir;
use crate::load::{self, Limits, Source};
use crate::normalize;
use crate::write::OutputTree;

/// The contract every command reads when none is named.
pub const DEFAULT_SPEC: &str = "fixtures/openapi.json";

/// Where the contract and the model catalog come from, and how much reading them may take.
#[derive(Debug, Clone)]
pub struct Input {
    /// The OpenAPI document: a path, an http(s) URL, or git:REV:PATH.
    pub spec: String,
    /// A ModelList document used as the catalog instead of the spec's `x-rivya-models`.
    pub models: Option<String>,
    pub limits: Limits,
}

impl Input {
    /// One spec (a path, URL or git:REV:PATH), with the command line's default limits.
    pub fn for_spec(spec: impl Into<String>) -> Self {
        Input {
            spec: spec.into(),
            models: None,
            limits: Limits::default(),
        }
    }

    /// Runs `load → normalize → ir` on these inputs.
    pub fn build_ir(&self) -> Result<ir::Ir> {
        load_ir(&self.spec, self.models.as_deref(), &self.limits)
    }
}

/// Runs `load → normalize → ir` on one contract (and, if given, a separate model catalog).
/// Every command that reads a contract goes through here.
pub fn load_ir(spec: &str, models: Option<&str>, limits: &Limits) -> Result<ir::Ir> {
    let spec = normalize::normalize(load::load(&Source::parse(spec), limits)?)?;
    let models = match models {
        Some(models) => Some(load::load(&Source::parse(models), limits)?),
        None => None,
    };
    build_ir(&spec, models.as_ref())
}

/// `normalize → ir` with the names the backends reserve: how every command turns a
/// normalized contract into the IR.
pub fn build_ir(
    spec: &normalize::Spec,
    models: Option<&load::Document>,
) -> Result<ir::Ir> {
    ir::build(spec, models, sdk::reserved::runtime_type_names())
}

/// Everything `generate` writes, relative to `--out`.
pub fn output(ir: &ir::Ir) -> Result<OutputTree> {
    // The examples and then the docs, which show them, are built on a second thread while
    // the SDK is generated; the SDK takes the examples only at the end.
    let (sdk, docs) = std::thread::scope(|scope| {
        let docs = scope.spawn(|| -> Result<_> {
            let examples = sdk::Examples::new(ir)?;
            Ok((docs::generate(ir, examples.calls())?, examples))
        });
        let sdk = sdk::generate(ir);
        (sdk, docs.join().expect("the docs thread does not panic"))
    });
    let (docs, examples) = docs?;
    let mut sdk = sdk?;
    examples.add_to(&mut sdk)?;
    let mut tree = OutputTree::new();
    tree.nest("rivya-sdk", sdk)?;
    tree.nest("docs", docs)?;
    Ok(tree)
}

/// The docs tree, with each model's Rust call as the SDK backend writes it: the SDK owns how
/// its API is spelled, so the docs take its snippets as data instead of importing the backend.
pub fn docs(ir: &ir::Ir) -> Result<OutputTree> {
    docs::generate(ir, sdk::Examples::new(ir)?.calls())
}

/// Gives each finding the `file:line:column` of its node: in NEW, or in OLD for what only OLD
/// has. Only local files are read again (a URL or a git revision is not fetched twice); a
/// file that cannot be read now simply gives no positions. Both files are scanned at once, OLD
/// for every pointer: on a large contract the scans are a tenth of the diff.
pub fn attach_positions(
    report: &mut crate::backends::diff::Report,
    new: &str,
    old: &str,
) {
    use crate::load::{positions, Source};
    use foldhash::HashMap;
    if report.changes.is_empty() {
        return;
    }
    let pointers: Vec<&str> = report
        .changes
        .iter()
        .filter_map(|change| change.pointer())
        .collect();
    let scan = |source: &str| -> HashMap<String, positions::Position> {
        let Source::File(path) = Source::parse(source) else {
            return HashMap::default();
        };
        let Ok(text) = std::fs::read_to_string(&path) else {
            return HashMap::default();
        };
        positions::locate(&text, &pointers)
            .into_iter()
            .map(|(pointer, position)| (pointer.to_owned(), position))
            .collect()
    };
    let (in_new, in_old) = std::thread::scope(|scope| {
        let in_old = scope.spawn(|| scan(old));
        (scan(new), in_old.join().expect("a scan does not panic"))
    });
    for change in &mut report.changes {
        let Some(pointer) = change.pointer() else {
            continue;
        };
        let found = [(new, &in_new), (old, &in_old)]
            .into_iter()
            .find_map(|(source, found)| Some((source, *found.get(pointer)?)));
        if let Some((source, position)) = found {
            change.position = Some(crate::backends::diff::Position {
                file: source.to_owned(),
                line: position.line,
                column: position.column,
            });
        }
    }
}

/// Applies a team's rule levels (`--severity-levels FILE`) and accepted findings
/// (`--accept FILE`) to a report, as `diff` and `update` both take them. Expiry dates of
/// accepted findings are read against today's local date.
pub fn adjust_report(
    report: &mut crate::backends::diff::Report,
    severity_levels: Option<&std::path::Path>,
    accept: Option<&std::path::Path>,
) -> Result<()> {
    use crate::backends::diff;
    use crate::error::Error;
    let read = |path: &std::path::Path| {
        std::fs::read_to_string(path)
            .map_err(|e| Error::Usage(format!("{}: {e}", path.display())))
    };
    if let Some(path) = severity_levels {
        diff::levels::LevelOverrides::parse(&read(path)?)
            .map_err(|e| Error::Usage(format!("{}: {e}", path.display())))?
            .apply(report);
    }
    if let Some(path) = accept {
        diff::accept::Accepted::parse(&read(path)?)
            .map_err(|e| Error::Usage(format!("{}: {e}", path.display())))?
            .apply(report, chrono::Local::now().date_naive());
    }
    Ok(())
}
