//! The floor `scripts/bench` compares `generate` with: read a file and parse it into a
//! `serde_json::Value`, nothing else. Run as a whole process, like `generate`, so both pay
//! the same process start-up, file read and exit.
//!
//! It uses the allocator `rivya-codegen` uses (mimalloc) and the same serde_json features
//! (`preserve_order`), so the ratio ours/floor measures the pipeline's work rather than a
//! difference in allocator or map type.
//!
//! `cargo run --release --example parse_floor -- FILE`

use std::hint::black_box;
use std::process::ExitCode;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let Some(path) = std::env::args_os().nth(1) else {
        eprintln!("usage: parse_floor FILE");
        return ExitCode::from(2);
    };
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) => {
            eprintln!("error: {}: {e}", path.to_string_lossy());
            return ExitCode::from(2);
        }
    };
    match serde_json::from_slice::<serde_json::Value>(&bytes) {
        Ok(value) => {
            black_box(&value);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {}: {e}", path.to_string_lossy());
            ExitCode::from(2)
        }
    }
}
