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
    let code = match run(cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error}");
            error.exit_code()
        }
    };
    exit_now(code as u8)
}

/// Ends the process once what it printed is flushed, without the exit handlers: the only one
/// is mimalloc's, which walks and frees every heap page just before the kernel drops them all
/// anyway (about 6 ms of a 350 ms `generate` on Stripe). Everything the commands write is
/// written and closed before `run` returns, and stderr is unbuffered. Linkers end the same
/// way, for the same reason.
fn exit_now(code: u8) -> ExitCode {
    use std::io::Write;
    // As the runtime's own exit does, a failed flush (a closed pipe) does not change the code.
    let _ = std::io::stdout().flush();
    #[cfg(unix)]
    // SAFETY: `_exit` only ends the process; nothing after this point needs a destructor or
    // an exit handler to run (see above).
    unsafe {
        libc::_exit(i32::from(code));
    }
    #[cfg(not(unix))]
    return ExitCode::from(code);
}
