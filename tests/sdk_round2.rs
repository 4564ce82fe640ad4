//! The generated SDK as a user writes against it: typed params that plug into a request, one
//! media type from upload to params, violations a form can mark, enums from strings, streams
//! collected in one call, response metadata, an HTTP client and headers of one's own, and
//! webhook checks from plain header pairs. Each test runs against an in-process mock server.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rivya_sdk::catalog::{
    NanoBanana2AspectRatio, NanoBanana2Params, ReferenceMediaItem, ViolationRule,
    ZImageAspectRatio, ZImageParams,
};
use rivya_sdk::types::{
    ChatCompletionRequest, CreateGenerationRequest, GenerationStatus, MediaKind,
    PublicApiFile, UploadFileRequest,
};
use rivya_sdk::webhooks::{self, WebhookError, WebhookSecret};
use rivya_sdk::{Client, Error, FilePart};
use serde_json::{json, Value};
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "rvya_sk_test_0123456789abcdef";

fn client(server: &str) -> Client {
    Client::builder()
        .api_key(KEY)
        .base_url(server)
        .backoff(Duration::from_millis(5), Duration::from_millis(20))
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

fn uploaded_file() -> Value {
    json!({
        "id": "file_1", "object": "file", "kind": "image", "name": "cat.png",
        "mime_type": "image/png", "size_bytes": 5,
        "url": "https://files.rivya.ai/tmp/secret-path-cat.png",
        "duration_seconds": null, "duration_token": "dt_secret_token", "model": null,
        "created_at": "2026-05-10T00:00:00Z", "expires_at": null
    })
}

fn generation(model: &str) -> Value {
    json!({
        "id": "task_1", "object": "generation", "status": "queued", "model": model,
        "reserved_credits": 1, "final_credits": 0,
        "created_at": "2026-05-10T00:00:00.000Z", "updated_at": "2026-05-10T00:00:00.000Z",
        "result": null, "error": null
    })
}

/// Items 1, 2, 6: an upload becomes a reference item, typed params carry their model into
/// the request, and the call returns its response's status, headers and request ID.
#[tokio::test]
async fn upload_to_typed_params_to_a_request_with_its_response() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/files"))
        .respond_with(ResponseTemplate::new(201).set_body_json(uploaded_file()))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v1/generations"))
        .and(header("x-trace", "trace-7"))
        .and(query_param("debug", "1"))
        .respond_with(
            ResponseTemplate::new(202)
                .insert_header("x-request-id", "req_42")
                .set_body_json(generation("nano-banana-2")),
        )
        .mount(&server)
        .await;
    let client = client(&server.uri());

    let upload = UploadFileRequest::new(
        FilePart::bytes(&b"image"[..], "cat.png"),
        MediaKind::Image,
    );
    let file: PublicApiFile = client.files().upload(&upload).await.unwrap();
    let item = ReferenceMediaItem::from(&file);
    assert_eq!(item.kind, MediaKind::Image);
    assert_eq!(item.mime_type.as_deref(), Some("image/png"));
    assert_eq!(item.duration_token.as_deref(), Some("dt_secret_token"));

    let aspect: NanoBanana2AspectRatio = "16:9".parse().unwrap();
    let params = NanoBanana2Params::new(vec![item]).aspect_ratio(aspect);
    let request =
        CreateGenerationRequest::for_model(params).prompt("a cat, in watercolour");
    assert_eq!(request.model, "nano-banana-2");

    let response = client
        .generations()
        .create(&request)
        .header("x-trace", "trace-7")
        .query("debug", "1")
        .with_response()
        .await
        .unwrap();
    assert_eq!(response.status(), 202);
    assert_eq!(response.request_id(), Some("req_42"));
    assert_eq!(
        response
            .headers()
            .get("x-request-id")
            .unwrap()
            .to_str()
            .unwrap(),
        "req_42"
    );
    assert_eq!(response.value().status, GenerationStatus::Queued);
    let generation = response.into_inner();
    assert_eq!(generation.id, "task_1");

    let sent = server.received_requests().await.unwrap();
    let body: Value = serde_json::from_slice(&sent[1].body).unwrap();
    assert_eq!(body["model"], "nano-banana-2");
    assert_eq!(body["params"]["aspect_ratio"], "16:9");
    let reference = &body["params"]["referenceMediaItems"][0];
    assert_eq!(
        reference["url"],
        "https://files.rivya.ai/tmp/secret-path-cat.png"
    );
    assert_eq!(reference["durationToken"], "dt_secret_token");
    assert_eq!(reference["mimeType"], "image/png");

    // Item 7: neither the file, nor the item, nor a request whose params carry the item prints
    // its temporary details.
    for printed in [
        format!("{file:?}"),
        format!("{:?}", ReferenceMediaItem::from(&file)),
        format!("{request:?}"),
    ] {
        assert!(!printed.contains("secret-path"), "{printed}");
        assert!(!printed.contains("dt_secret_token"), "{printed}");
        assert!(
            printed.contains("cat.png"),
            "the rest is still shown: {printed}"
        );
    }
}

/// Item 3: the violations found before sending keep their pointer and rule; the server's
/// `error.param` is read too.
#[tokio::test]
async fn violations_and_the_servers_param_can_mark_a_field() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/generations"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "error": {"code": "invalid_params", "message": "seed is out of range",
                      "param": "params.seed", "request_id": "req_5"}
        })))
        .mount(&server)
        .await;
    let client = client(&server.uri());

    let params = ZImageParams::new().num_images(9);
    let request = CreateGenerationRequest::new("z-image")
        .prompt("a cat")
        .params(params);
    let error = client.generations().create(&request).await.unwrap_err();
    let violations = error.violations();
    assert_eq!(violations.len(), 1, "{error}");
    assert_eq!(violations[0].pointer, "/params/num_images");
    assert_eq!(violations[0].rule, ViolationRule::AboveMaximum);
    assert!(!violations[0].message.is_empty());
    assert!(server.received_requests().await.unwrap().is_empty());

    // A JSON map still plugs in, and other errors have no violations.
    let map = json!({"seed": 1}).as_object().unwrap().clone();
    let request = CreateGenerationRequest::new("z-image")
        .prompt("a cat")
        .params(map);
    let error = client.generations().create(&request).await.unwrap_err();
    assert!(error.violations().is_empty());
    assert_eq!(error.api().unwrap().param(), Some("params.seed"));

    // A chat model on the generation route says so in plain English.
    let request = CreateGenerationRequest::new("gpt-5-2-chat").prompt("hi");
    let error = client.generations().create(&request).await.unwrap_err();
    assert!(error.to_string().contains("is a chat model"), "{error}");
    let request = ChatCompletionRequest::new("z-image", "hi");
    let error = client.chat().create_completion(&request).await.unwrap_err();
    assert!(
        error.to_string().contains("z-image is an image model"),
        "{error}"
    );
}

/// Item 4: enums parse from their wire value and display as it; a wrong value lists the
/// options.
#[test]
fn enums_parse_and_display_their_wire_values() {
    let ratio: ZImageAspectRatio = "16:9".parse().unwrap();
    assert_eq!(ratio, ZImageAspectRatio::V16_9);
    assert_eq!(ratio.to_string(), "16:9");
    let error = "2:1".parse::<ZImageAspectRatio>().unwrap_err();
    assert_eq!(error.value(), "2:1");
    assert_eq!(error.expected(), ["1:1", "4:3", "3:4", "16:9", "9:16"]);
    assert!(
        error.to_string().contains("\"2:1\" is not one of \"1:1\""),
        "{error}"
    );

    let status: GenerationStatus = "succeeded".parse().unwrap();
    assert_eq!(status.to_string(), "succeeded");
    // Received enums keep unknown values on receipt, but a typed-in value must be known.
    assert!("paused".parse::<GenerationStatus>().is_err());
    assert_eq!(MediaKind::from("hologram").as_str(), "hologram");
}

fn sse(events: &[&str]) -> ResponseTemplate {
    let body: String = events.iter().map(|e| format!("data: {e}\n\n")).collect();
    ResponseTemplate::new(200).set_body_raw(body, "text/event-stream")
}

/// Item 5 and the stream's Accept header: the text and final message in one call; a stream
/// that ends before `done` is a transport error whose source says so.
#[tokio::test]
async fn streams_collect_their_text_and_end_early_as_transport_errors() {
    let events = [
        r#"{"type":"session.created","session_id":"chs_1","model":"gpt-5-2-chat"}"#,
        r#"{"type":"message.delta","message_id":"m_1","delta":"Hello, "}"#,
        r#"{"type":"message.delta","message_id":"m_1","delta":"world"}"#,
        r#"{"type":"message.completed","message":{"id":"m_1","role":"assistant","content":"Hello, world","attachments":[],"created_at":"2026-05-10T00:00:00Z"}}"#,
        r#"{"type":"done"}"#,
    ];
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/chat/completions/stream"))
        .and(header("accept", "text/event-stream"))
        .respond_with(sse(&events))
        .mount(&server)
        .await;
    let client = client(&server.uri());
    let request = ChatCompletionRequest::new("gpt-5-2-chat", "hello");

    let stream = client.chat().stream_completion(&request).await.unwrap();
    assert_eq!(stream.text().await.unwrap(), "Hello, world");
    let stream = client.chat().stream_completion(&request).await.unwrap();
    let message = stream.final_message().await.unwrap().unwrap();
    assert_eq!(message.content, "Hello, world");

    let cut = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/chat/completions/stream"))
        .respond_with(sse(&events[..2]))
        .mount(&cut)
        .await;
    let stream = self::client(&cut.uri())
        .chat()
        .stream_completion(&request)
        .await
        .unwrap();
    let error = stream.text().await.unwrap_err();
    let Error::Transport(transport) = &error else {
        panic!("{error:?}");
    };
    let source =
        std::error::Error::source(&error).expect("a transport error has a source");
    let io = source
        .downcast_ref::<std::io::Error>()
        .expect("an io::Error");
    assert_eq!(io.kind(), std::io::ErrorKind::UnexpectedEof);
    assert!(!transport.connect);
}

/// Item 6: an HTTP client of one's own and default headers; a bad default header fails
/// `build` naming the header, never its value.
#[tokio::test]
async fn own_http_client_and_default_headers() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/models"))
        .and(header("x-gateway", "edge-1"))
        .and(header("user-agent", "my-app/2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "object": "list", "data": []
        })))
        .mount(&server)
        .await;
    let http = rivya_sdk::reqwest::Client::builder()
        .user_agent("my-app/2")
        .build()
        .unwrap();
    let client = Client::builder()
        .api_key(KEY)
        .base_url(server.uri())
        .http_client(http)
        .default_header("x-gateway", "edge-1")
        .build()
        .unwrap();
    let models = client.models().list().await.unwrap();
    assert!(models.data.is_empty());
    let sent = server.received_requests().await.unwrap();
    let auth = sent[0]
        .headers
        .get("authorization")
        .unwrap()
        .to_str()
        .unwrap();
    assert_eq!(auth, format!("Bearer {KEY}"));

    let error = Client::builder()
        .default_header("x-token", "bad\nvalue-s3cr3t")
        .build()
        .unwrap_err();
    let message = error.to_string();
    assert!(message.contains("x-token"), "{message}");
    assert!(!message.contains("s3cr3t"), "{message}");
    assert!(!format!("{error:?}").contains("s3cr3t"));
    let error = Client::builder()
        .default_header("bad header", "v")
        .build()
        .unwrap_err();
    assert!(error.to_string().contains("bad header"), "{error}");
}

/// Item 10: webhook checks take plain header pairs, and a stale delivery says which way.
#[test]
fn webhooks_from_header_pairs_and_stale_messages() {
    let secret = WebhookSecret::new("whsec_test");
    let body = br#"{"id":"evt_1","object":"event","type":"generation.succeeded","created_at":"2026-05-10T00:00:00Z","data":{}}"#;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let signature = webhooks::sign(&secret, now, body);
    let timestamp = now.to_string();
    let pairs = [
        ("rivya-webhook-signature", signature.as_str()),
        ("Rivya-Webhook-Timestamp", timestamp.as_str()),
    ];
    webhooks::verify(&pairs, body, &secret, webhooks::DEFAULT_TOLERANCE).unwrap();
    let owned: Vec<(String, String)> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    webhooks::verify(&owned, body, &secret, webhooks::DEFAULT_TOLERANCE).unwrap();
    let missing =
        webhooks::verify(&pairs[..1], body, &secret, webhooks::DEFAULT_TOLERANCE);
    assert!(matches!(missing, Err(WebhookError::MissingHeader(_))));

    let at = |offset: i64| {
        let signed = (now as i64 + offset) as u64;
        let signature = webhooks::sign(&secret, signed, body);
        webhooks::verify_at(
            &signature,
            &signed.to_string(),
            body,
            &secret,
            webhooks::DEFAULT_TOLERANCE,
            UNIX_EPOCH + Duration::from_secs(now),
        )
        .unwrap_err()
    };
    let past = at(-600);
    assert_eq!(past.to_string(), "the delivery was signed 600s ago");
    let future = at(600);
    assert_eq!(
        future.to_string(),
        "the delivery is dated 600s in the future"
    );
}

/// Item 8: a strict client refuses what the contract does not declare, naming the pointer;
/// the default client reads it leniently.
#[tokio::test]
async fn strict_mode_names_the_undeclared_member_or_value() {
    let server = MockServer::start().await;
    let mut drifted = generation("z-image");
    drifted["surprise"] = json!(true);
    Mock::given(method("GET"))
        .and(path("/api/v1/generations/task_1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(drifted))
        .mount(&server)
        .await;
    let mut paused = generation("z-image");
    paused["status"] = json!("paused");
    Mock::given(method("GET"))
        .and(path("/api/v1/generations/task_2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(paused))
        .mount(&server)
        .await;
    let lenient = client(&server.uri());
    assert_eq!(
        lenient.generations().get("task_1").await.unwrap().id,
        "task_1"
    );
    let status = lenient.generations().get("task_2").await.unwrap().status;
    assert_eq!(status.as_str(), "paused");

    let strict = Client::builder()
        .api_key(KEY)
        .base_url(server.uri())
        .strict(true)
        .build()
        .unwrap();
    let error = strict.generations().get("task_1").await.unwrap_err();
    assert!(matches!(error, Error::Decode(_)), "{error:?}");
    assert!(error.to_string().contains("/surprise"), "{error}");
    let error = strict.generations().get("task_2").await.unwrap_err();
    let message = error.to_string();
    assert!(
        message.contains("/status") && message.contains("\"paused\""),
        "{message}"
    );
}

/// `examples/models.rs` (compiled with the crate) has the typed call of every generation model.
#[test]
fn every_generation_model_has_a_compiled_example() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let examples =
        std::fs::read_to_string(root.join("generated/rivya-sdk/examples/models.rs"))
            .unwrap();
    let models: Vec<_> = rivya_sdk::catalog::models()
        .iter()
        .filter(|m| m.kind != "chat")
        .collect();
    assert!(models.len() >= 10);
    for model in models {
        let page = format!("/// The request of `{}`'s page.", model.id);
        let at = examples
            .find(&page)
            .unwrap_or_else(|| panic!("no example for {}", model.id));
        let function = &examples[at..];
        let end = function.find("\n}\n").unwrap();
        assert!(
            function[..end].contains("CreateGenerationRequest::for_model(params)"),
            "{}",
            &function[..end]
        );
    }
}
