//! The generated SDK against Prism mocking `fixtures/openapi.json`: every operation is called
//! and Prism (run with `--errors`) must find no request that violates the contract.
//!
//! Prism comes from the committed `package.json`/`package-lock.json`: run `npm ci` at the repo
//! root first. Without it this test fails (it never skips).

mod common;

use std::collections::BTreeSet;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::root;
use futures_util::StreamExt;
use rivya_sdk::types::{
    ChatCompletionRequest, CreateGenerationRequest, CreateWebhookEndpointRequest,
    MediaKind, UploadFileRequest, WebhookEventType,
};
use rivya_sdk::{Client, FilePart};

/// Kills Prism when the test ends, however it ends.
struct PrismGuard {
    child: Child,
    log: PathBuf,
}

impl Drop for PrismGuard {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start_prism(spec: &Path, port: u16, log: PathBuf, errors: bool) -> PrismGuard {
    let prism = root().join("node_modules/.bin/prism");
    assert!(
        prism.exists(),
        "Prism is not installed: run `npm ci` at the repository root ({} is missing)",
        prism.display()
    );
    let out = std::fs::File::create(&log).unwrap();
    let child = Command::new(&prism)
        .arg("mock")
        .arg(spec)
        .args(["-h", "127.0.0.1", "-p", &port.to_string()])
        .args(errors.then_some("--errors"))
        .stdin(Stdio::null())
        .stdout(out.try_clone().unwrap())
        .stderr(out)
        .spawn()
        .unwrap_or_else(|e| {
            panic!("cannot start {}: {e} (run `npm ci`)", prism.display())
        });
    PrismGuard { child, log }
}

async fn wait_until_up(guard: &mut PrismGuard, base: &str) {
    let started = Instant::now();
    loop {
        if let Some(status) = guard.child.try_wait().unwrap() {
            let log = std::fs::read_to_string(&guard.log).unwrap_or_default();
            panic!("Prism exited ({status}) before serving:\n{log}");
        }
        let url = format!("{base}/api/v1/openapi.json");
        let up = tokio::task::spawn_blocking(move || {
            let address = url
                .trim_start_matches("http://")
                .split('/')
                .next()
                .unwrap()
                .to_owned();
            std::net::TcpStream::connect(address).is_ok()
        });
        if up.await.unwrap() {
            // Listening; give the router a moment.
            tokio::time::sleep(Duration::from_millis(300)).await;
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(90),
            "Prism did not start in 90 s"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_passes_prism_validation() {
    let dir = tempfile::tempdir().unwrap();
    let spec = root().join("fixtures/openapi.json");
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut guard = start_prism(&spec, port, dir.path().join("prism.log"), true);
    // Prism validates a `text/event-stream` body as one JSON event, so with `--errors` it
    // refuses its own SSE example: the stream is called on a second Prism without `--errors`,
    // whose log is checked for request violations all the same.
    let stream_port = free_port();
    let stream_base = format!("http://127.0.0.1:{stream_port}");
    let stream_log = dir.path().join("prism-stream.log");
    let mut stream_guard = start_prism(&spec, stream_port, stream_log, false);
    wait_until_up(&mut guard, &base).await;
    wait_until_up(&mut stream_guard, &stream_base).await;

    let client = Client::builder()
        .api_key("rvya_sk_placeholder")
        .base_url(&base)
        .max_retries(0)
        .build()
        .unwrap();
    let mut called = BTreeSet::new();
    let mut check =
        |operation: &str, result: Result<String, rivya_sdk::Error>| match result {
            Ok(_) => {
                called.insert(operation.to_owned());
            }
            Err(error) => panic!("{operation} failed against Prism: {error}\n{error:?}"),
        };

    let models = client.models().list().await;
    check(
        "listModels",
        models.map(|m| format!("{} models", m.data.len())),
    );
    let anonymous = Client::builder()
        .base_url(&base)
        .max_retries(0)
        .build()
        .unwrap();
    check(
        "listModels",
        anonymous.models().list().await.map(|_| String::new()),
    );

    let request = CreateGenerationRequest::new("z-image")
        .prompt("A clean editorial product image on a soft studio background")
        .params(
            serde_json::from_value::<serde_json::Map<_, _>>(
                serde_json::json!({"aspect_ratio": "1:1"}),
            )
            .unwrap(),
        )
        .client_request_id("prism-001");
    let created = client
        .generations()
        .create(&request)
        .idempotency_key("quickstart-001")
        .await;
    check("createGeneration", created.map(|g| g.id));
    check(
        "getGeneration",
        client
            .generations()
            .get("task_public_id")
            .await
            .map(|g| g.id),
    );
    // Options that are numbers and booleans travel as JSON numbers and booleans, which the
    // contract's catalog allows and Prism checks the request body against.
    let video = rivya_sdk::catalog::Veo3_1Params::new()
        .duration(rivya_sdk::catalog::Veo3_1Duration::S4)
        .generate_audio(rivya_sdk::catalog::Veo3_1GenerateAudio::False)
        .frame_rate(rivya_sdk::catalog::Veo3_1FrameRate::V23_976);
    assert_eq!(
        video.to_value(),
        serde_json::json!({"duration": 4, "generate_audio": false, "frame_rate": 23.976})
    );
    let request = CreateGenerationRequest::for_model(video)
        .prompt("A slow dolly shot along a rainy neon street");
    let created = client
        .generations()
        .create(&request)
        .idempotency_key("veo-001")
        .await;
    check("createGeneration", created.map(|g| g.id));
    check(
        "getCredits",
        client
            .credits()
            .get()
            .await
            .map(|c| c.available.to_string()),
    );

    let upload = UploadFileRequest::new(
        FilePart::bytes(&b"\0\0\0 ftypmp42"[..], "clip.mp4"),
        MediaKind::Video,
    )
    .model("motion-transfer-1")
    .client_request_id("upload-clip-001");
    check(
        "uploadFile",
        client.files().upload(&upload).await.map(|f| f.id),
    );
    check(
        "getFile",
        client.files().get("file_9f2c1a7b").await.map(|f| f.id),
    );

    let chat = ChatCompletionRequest::new(
        "gpt-5-2-chat",
        "Write a concise launch plan for a new product image campaign",
    );
    let completion = client.chat().create_completion(&chat).await;
    check("createChatCompletion", completion.map(|c| c.session_id));
    let stream_client = Client::builder()
        .api_key("rvya_sk_placeholder")
        .base_url(&stream_base)
        .max_retries(0)
        .build()
        .unwrap();
    let stream = stream_client
        .chat()
        .stream_completion(&chat)
        .idempotency_key("chat-002")
        .await;
    let mut events = match stream {
        Ok(events) => events,
        Err(error) => panic!("streamChatCompletion failed against Prism: {error}"),
    };
    let mut tags = Vec::new();
    while let Some(event) = events.next().await {
        match event {
            Ok(event) => tags.push(event.tag().to_owned()),
            Err(error) => panic!("stream item failed: {error}"),
        }
    }
    assert_eq!(
        tags.first().map(String::as_str),
        Some("session.created"),
        "{tags:?}"
    );
    assert_eq!(tags.last().map(String::as_str), Some("done"), "{tags:?}");
    check("streamChatCompletion", Ok(tags.join(",")));
    check(
        "getChatSession",
        client.chat().get_session("chs_01hzy8").await.map(|s| s.id),
    );

    let endpoint = CreateWebhookEndpointRequest::new(
        "Production webhook",
        "https://example.com/rivya/webhook",
        vec![
            WebhookEventType::GenerationSucceeded,
            WebhookEventType::GenerationFailed,
        ],
    );
    let created = client.webhooks().create_endpoint(&endpoint).await;
    check("createWebhookEndpoint", created.map(|e| e.id));
    let listed = client.webhooks().list_endpoints().await;
    check(
        "listWebhookEndpoints",
        listed.map(|l| l.data.len().to_string()),
    );
    let tested = client.webhooks().test_endpoint("we_01hzy8").await;
    check("testWebhookEndpoint", tested.map(|t| t.success.to_string()));
    let deleted = client.webhooks().delete_endpoint("we_01hzy8").await;
    check("deleteWebhookEndpoint", deleted.map(|()| String::new()));
    let document = client.meta().get_open_api_document().await;
    check("getOpenApiDocument", document.map(|d| d.len().to_string()));

    // Every operation of the contract was called.
    let spec: serde_json::Value = serde_json::from_slice(
        &std::fs::read(root().join("fixtures/openapi.json")).unwrap(),
    )
    .unwrap();
    let mut all = BTreeSet::new();
    for item in spec["paths"].as_object().unwrap().values() {
        for operation in item.as_object().unwrap().values() {
            if let Some(id) = operation.get("operationId").and_then(|v| v.as_str()) {
                all.insert(id.to_owned());
            }
        }
    }
    let missed: Vec<_> = all.difference(&called).collect();
    assert!(
        missed.is_empty(),
        "operations not exercised against Prism: {missed:?}"
    );

    // Prism logs every request that breaks the contract, even where it still answered.
    for guard in [&guard, &stream_guard] {
        let log = std::fs::read_to_string(&guard.log).unwrap();
        let violations: Vec<&str> = log
            .lines()
            .filter(|line| {
                line.contains("Violation: request") || line.contains("did not pass")
            })
            .collect();
        let shown = violations.join("\n");
        assert!(
            violations.is_empty(),
            "Prism reported request violations:\n{shown}"
        );
        assert!(
            log.contains("Request received"),
            "Prism saw no request:\n{log}"
        );
    }
}
