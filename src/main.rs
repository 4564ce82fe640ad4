use std::process::ExitCode;

use clap::Parser;
use rivya_codegen::cli::{run, Cli};

/// Loading a large contract is mostly allocation (openapiv3's untagged deserialization buffers
/// every schema); on GitHub's 13 MB description mimalloc halves the CPU time of glibc malloc.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            // clap prints help and version on stdout with success; everything else is usage.
            let code = if error.use_stderr() { 2 } else { 0 };
            let _ = error.print();
            return ExitCode::from(code);
        }
    };
    match run(cli) {
        Ok(code) => ExitCode::from(code as u8),
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(error.exit_code() as u8)
        }
    }
}
