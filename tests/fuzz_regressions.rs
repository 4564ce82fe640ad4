//! Inputs that broke a guarantee of tests/bad_input.rs (one-line input error or success, never
//! a panic, a stack overflow, unbounded memory or a hang), found by the cargo-fuzz targets in
//! fuzz/ or while fixing what they found. Each test runs the binary with a time limit, so a
//! regression fails here instead of hanging the suite.
//!
//! Inputs the fuzzers found are kept, minimized, under tests/data/fuzz/; inputs that are large
//! by nature (long chains) are generated here.

mod common;

use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::*;

/// Generous for a debug build on a busy 2-core machine; every input here ran for seconds, or
/// forever, before its fix, and runs in well under a second after it.
const LIMIT: Duration = Duration::from_secs(20);

fn data(name: &str) -> PathBuf {
    root().join("tests/data/fuzz").join(name)
}

/// Runs `ir --spec PATH`, killing it past `LIMIT`.
fn ir(path: &std::path::Path) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_rivya-codegen"))
        .args(["ir", "--spec", path.to_str().unwrap()])
        .current_dir(root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    // Drain stdout while waiting: the IR can be larger than a pipe's buffer.
    let mut stdout_pipe = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        stdout_pipe.read_to_end(&mut bytes).map(|_| bytes)
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > LIMIT {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("{}: still running after {LIMIT:?}", path.display());
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stderr = Vec::new();
    child.stderr.take().unwrap().read_to_end(&mut stderr).unwrap();
    Output {
        status,
        stdout: reader.join().unwrap().unwrap(),
        stderr,
    }
}

/// Found by `load`: serde's "unknown variant" and the version check quote the document, so a
/// value with a line break made the error two lines. Control characters are now escaped.
#[test]
fn an_error_quoting_a_line_break_stays_on_one_line() {
    let path = data("multiline-version.yaml");
    let stderr = assert_input_error(
        &ir(&path),
        "multiline-version.yaml",
        &["#/openapi", "OpenAPI n\\nn is not supported"],
    );
    assert!(!stderr.trim_end().contains('\n'));
}
