//! The command line: argument parsing and dispatch to the pipeline stages.

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};

use crate::backends::sdk;
use crate::error::{Error, Result};
use crate::load::{self, Limits, Source};
use crate::write::{self, OutputTree};
use crate::{ir, normalize};

pub const DEFAULT_SPEC: &str = "fixtures/openapi.json";
pub const PUBLISHED_SPEC: &str = "https://rivya.ai/api/v1/openapi.json";

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
    /// Generate the Rust SDK crate (`OUT/rivya-sdk`) from the contract.
    Generate(GenerateArgs),
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// The folder to write into; its `rivya-sdk/` is replaced as a whole.
    #[arg(long, default_value = "generated", value_name = "DIR")]
    pub out: PathBuf,
    /// Write nothing; exit 1 with a summary if the files in OUT are not what would be
    /// generated.
    #[arg(long)]
    pub check: bool,
}

/// Where the contract and the model catalog come from.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// The OpenAPI document (3.0 or 3.1, JSON or YAML): a path, or an http(s) URL such as
    /// https://rivya.ai/api/v1/openapi.json.
    #[arg(long, default_value = DEFAULT_SPEC, value_name = "PATH|URL")]
    pub spec: String,
    /// A ModelList document (as `GET /api/v1/models` returns) to use as the model catalog
    /// instead of the spec's `x-rivya-models`.
    #[arg(long, value_name = "PATH|URL")]
    pub models: Option<String>,
    /// Refuse documents larger than this many bytes.
    #[arg(long, default_value_t = load::DEFAULT_MAX_BYTES, value_name = "BYTES")]
    pub max_bytes: u64,
    /// Give up on a URL after this many seconds.
    #[arg(long, default_value_t = load::DEFAULT_TIMEOUT.as_secs(), value_name = "SECONDS")]
    pub timeout: u64,
}

impl InputArgs {
    fn limits(&self) -> Limits {
        Limits {
            max_bytes: self.max_bytes,
            timeout: Duration::from_secs(self.timeout),
        }
    }

    /// Runs `load → normalize → ir` on the inputs.
    pub fn build_ir(&self) -> Result<ir::Ir> {
        let limits = self.limits();
        let spec = normalize::normalize(load::load(&Source::parse(&self.spec), &limits)?)?;
        let models = match &self.models {
            Some(models) => Some(load::load(&Source::parse(models), &limits)?),
            None => None,
        };
        ir::build(&spec, models.as_ref())
    }
}

/// Runs a command and returns its exit code.
pub fn run(cli: Cli) -> Result<i32> {
    match cli.command {
        Command::Ir(input) => {
            let ir = input.build_ir()?;
            let mut json = serde_json::to_string_pretty(&ir).expect("the IR always serializes");
            json.push('\n');
            write_stdout(json.as_bytes())?;
            Ok(0)
        }
        Command::Generate(args) => generate(&args),
    }
}

/// Everything `generate` writes, relative to `--out`.
pub fn output(ir: &ir::Ir) -> Result<OutputTree> {
    let mut tree = OutputTree::new();
    // INTEGRATION POINT (validators backend): pass
    // `crate::backends::validators::catalog_module(ir)` as `catalog_module`, so that the SDK
    // carries `src/catalog.rs` and checks requests against it before sending.
    let options = sdk::Options {
        catalog_module: None,
    };
    tree.nest("rivya-sdk", sdk::generate(ir, &options)?)?;
    // INTEGRATION POINT (docs backend): `tree.nest("docs", crate::backends::docs::generate(ir)?)?`
    // once that backend is merged; this branch writes no `docs/`.
    Ok(tree)
}

fn generate(args: &GenerateArgs) -> Result<i32> {
    let ir = args.input.build_ir()?;
    let tree = output(&ir)?;
    if args.check {
        let drift = write::check(&tree, &args.out)?;
        if drift.is_empty() {
            eprintln!("{}: up to date ({} files)", args.out.display(), tree.len());
            return Ok(0);
        }
        eprintln!(
            "{}: {} of the generated files differ from what the contract generates:",
            args.out.display(),
            drift.len()
        );
        for item in drift.iter().take(20) {
            eprintln!("  {item}");
        }
        if drift.len() > 20 {
            eprintln!("  … and {} more", drift.len() - 20);
        }
        eprintln!("run `rivya-codegen generate` (without --check) and commit the result");
        return Ok(1);
    }
    write::write(&tree, &args.out)?;
    eprintln!("wrote {} files under {}", tree.len(), args.out.display());
    Ok(0)
}

fn write_stdout(bytes: &[u8]) -> Result<()> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|_| stdout.flush()) {
        // A closed pipe (`| head`) is the reader's choice, not an error of ours.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(source) => Err(Error::Output {
            path: "<stdout>".into(),
            source,
        }),
        Ok(()) => Ok(()),
    }
}
