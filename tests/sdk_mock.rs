//! The generated SDK against in-process servers, for what Prism cannot show: retries and
//! `Retry-After`, idempotency keys across retries, typed errors, SSE framing and mid-stream
//! errors, multipart parts, polling, webhook verification and secret redaction.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use futures_util::StreamExt;
use rivya_sdk::types::{
    ChatCompletionRequest, ChatStreamEvent, CreateGenerationRequest, GenerationStatus,
    MediaKind, UploadFileRequest,
};
use rivya_sdk::webhooks::{self, HeaderMap, WebhookError, WebhookSecret};
use rivya_sdk::{ApiKey, Client, Error, ErrorCode, FilePart, WaitOptions};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

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

fn generation(status: &str) -> serde_json::Value {
    json!({
        "id": "task_1", "object": "generation", "status": status, "model": "z-image",
        "reserved_credits": 1, "final_credits": 0,
        "created_at": "2026-05-10T00:00:00.000Z", "updated_at": "2026-05-10T00:00:00.000Z",
        "result": null, "error": null
    })
}

fn api_error(code: &str, status: u16) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(json!({
        "error": {"code": code, "message": format!("{code} happened"), "request_id": "req_9"}
    }))
}

fn idempotency_keys(requests: &[Request]) -> Vec<String> {
    requests
        .iter()
        .map(|r| {
            r.headers
                .get("idempotency-key")
                .unwrap()
                .to_str()
                .unwrap()
                .to_owned()
        })
        .collect()
}

#[tokio::test]
async fn retries_honour_retry_after_and_reuse_one_idempotency_key() {
    let server = MockServer::start().await;
    let route = || Mock::given(method("POST")).and(path("/api/v1/generations"));
    route()
        .respond_with(api_error("rate_limited", 429).insert_header("Retry-After", "1"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    route()
        .respond_with(api_error("internal_error", 503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    route()
        .respond_with(ResponseTemplate::new(202).set_body_json(generation("queued")))
        .mount(&server)
        .await;

    let started = Instant::now();
    let request = CreateGenerationRequest::new("z-image").prompt("a cat");
    let created = client(&server.uri())
        .generations()
        .create(&request)
        .await
        .unwrap();
    assert_eq!(created.status, GenerationStatus::Queued);
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "Retry-After: 1 was not honoured"
    );

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 3);
    let keys = idempotency_keys(&requests);
    assert!(
        keys.iter().all(|k| k == &keys[0]),
        "one key per logical call: {keys:?}"
    );
    assert_eq!(keys[0].len(), 36, "a generated UUID v4: {}", keys[0]);
    let body: serde_json::Value = serde_json::from_slice(&requests[0].body).unwrap();
    assert_eq!(body, json!({"model": "z-image", "prompt": "a cat"}));

    // A second logical call gets a new key.
    server.reset().await;
    route()
        .respond_with(ResponseTemplate::new(202).set_body_json(generation("queued")))
        .mount(&server)
        .await;
    client(&server.uri())
        .generations()
        .create(&request)
        .await
        .unwrap();
    let again = idempotency_keys(&server.received_requests().await.unwrap());
    assert_ne!(again[0], keys[0]);
}

#[tokio::test]
async fn retry_after_as_an_http_date_and_too_long_a_wait() {
    let server = MockServer::start().await;
    let soon = httpdate(SystemTime::now() + Duration::from_secs(2));
    Mock::given(method("GET"))
        .and(path("/api/v1/credits"))
        .respond_with(
            api_error("rate_limited", 429).insert_header("Retry-After", soon.as_str()),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/credits"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "object": "credit_balance", "available": 5, "reserved": 1,
            "currency": "credits", "updated_at": "2026-05-10T00:00:00Z"
        })))
        .mount(&server)
        .await;
    let started = Instant::now();
    let credits = client(&server.uri()).credits().get().await.unwrap();
    assert_eq!(credits.available, 5);
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "{:?}",
        started.elapsed()
    );

    // A Retry-After beyond the SDK's limit is returned to the caller instead of waited for.
    server.reset().await;
    Mock::given(method("GET"))
        .respond_with(
            api_error("rate_limited", 429).insert_header("Retry-After", "3600"),
        )
        .mount(&server)
        .await;
    let error = client(&server.uri()).credits().get().await.unwrap_err();
    let api = error.api().expect("an API error");
    assert_eq!(api.retry_after, Some(Duration::from_secs(3600)));
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

fn httpdate(at: SystemTime) -> String {
    let seconds = at.duration_since(UNIX_EPOCH).unwrap().as_secs() as i64;
    chrono_free_httpdate(seconds)
}

/// RFC 7231 IMF-fixdate without a date library.
fn chrono_free_httpdate(unix: i64) -> String {
    let days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400);
    let (h, m, s) = (secs / 3600, secs % 3600 / 60, secs % 60);
    // Civil from days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let weekday =
        ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][days.rem_euclid(7) as usize];
    let months = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
        "Dec",
    ];
    let month = months[(month - 1) as usize];
    format!("{weekday}, {day:02} {month} {year} {h:02}:{m:02}:{s:02} GMT")
}

#[tokio::test]
async fn caller_key_is_sent_and_idempotency_conflict_is_never_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/chat/completions"))
        .and(header("idempotency-key", "quickstart-chat-001"))
        .respond_with(api_error("idempotency_conflict", 409))
        .mount(&server)
        .await;
    let request = ChatCompletionRequest::new("gpt-5-2-chat", "hello");
    let error = client(&server.uri())
        .chat()
        .create_completion(&request)
        .idempotency_key("quickstart-chat-001")
        .await
        .unwrap_err();
    assert_eq!(error.code(), Some(&ErrorCode::IdempotencyConflict));
    assert_eq!(error.status(), Some(409));
    let api = error.api().unwrap();
    assert_eq!(api.idempotency_key.as_deref(), Some("quickstart-chat-001"));
    assert_eq!(api.request_id.as_deref(), Some("req_9"));
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        1,
        "409 conflict retried"
    );
    let text = error.to_string();
    assert!(
        text.contains("409") && text.contains("idempotency_conflict"),
        "{text}"
    );
}

#[tokio::test]
async fn other_conflicts_and_server_errors_are_retried_for_safe_calls_only() {
    let server = MockServer::start().await;
    // An unknown 409 code (a request with the same key still running) is retried.
    Mock::given(method("POST"))
        .and(path("/api/v1/chat/completions"))
        .respond_with(api_error("request_in_progress", 409))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v1/chat/completions"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "cmpl_1", "object": "chat.completion", "session_id": "chs_1",
            "model": "gpt-5-2-chat",
            "message": {"id": "msg_1", "role": "assistant", "content": "hi", "attachments": [],
                        "created_at": "2026-05-10T00:00:00Z"},
            "usage": {"input_tokens": 1, "output_tokens": 1, "total_tokens": 2,
                      "credits": {"reserved": 1, "final": 1, "unit": "credits"}},
            "created_at": "2026-05-10T00:00:00Z",
            "a_field_from_the_future": {"nested": true}
        })))
        .mount(&server)
        .await;
    let request = ChatCompletionRequest::new("gpt-5-2-chat", "hello");
    let completion = client(&server.uri())
        .chat()
        .create_completion(&request)
        .await
        .unwrap();
    assert_eq!(completion.message.content, "hi");
    assert_eq!(server.received_requests().await.unwrap().len(), 2);

    // DELETE carries no idempotency key: a 503 is returned, not retried.
    server.reset().await;
    Mock::given(method("DELETE"))
        .respond_with(api_error("internal_error", 503))
        .mount(&server)
        .await;
    let error = client(&server.uri())
        .webhooks()
        .delete_endpoint("we_1")
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(503));
    assert_eq!(server.received_requests().await.unwrap().len(), 1);

    // GET is retried (max_retries + 1 attempts), then the last error is returned.
    server.reset().await;
    Mock::given(method("GET"))
        .respond_with(api_error("internal_error", 500))
        .mount(&server)
        .await;
    let error = client(&server.uri())
        .generations()
        .get("task_1")
        .max_retries(3)
        .await
        .unwrap_err();
    assert_eq!(error.code(), Some(&ErrorCode::InternalError));
    assert_eq!(server.received_requests().await.unwrap().len(), 4);
    // Path parameters stay one segment.
    server.reset().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/generations/a%2Fb%20c"))
        .respond_with(ResponseTemplate::new(200).set_body_json(generation("queued")))
        .mount(&server)
        .await;
    client(&server.uri())
        .generations()
        .get("a/b c")
        .await
        .unwrap();
}

#[tokio::test]
async fn typed_errors_unknown_codes_and_undecodable_bodies() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(api_error("insufficient_credits", 402))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(api_error("brand_new_code", 400))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    let html = format!("<html>{}</html>", "x".repeat(10_000));
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(502).set_body_string(html))
        .mount(&server)
        .await;
    let client = client(&server.uri());
    let request = CreateGenerationRequest::new("z-image").prompt("a cat");
    let send = || client.generations().create(&request).max_retries(0);

    let error = send().await.unwrap_err();
    assert_eq!(error.code(), Some(&ErrorCode::InsufficientCredits));
    assert_eq!(
        error.api().unwrap().message(),
        Some("insufficient_credits happened")
    );

    let error = send().await.unwrap_err();
    assert_eq!(
        error.code(),
        Some(&ErrorCode::Unknown("brand_new_code".into()))
    );
    assert_eq!(error.code().unwrap().as_str(), "brand_new_code");

    let error = send().await.unwrap_err();
    let api = error.api().unwrap();
    assert_eq!(api.status, 502);
    assert!(api.body.is_none());
    assert!(api.raw_body.starts_with("<html>xxx"));
    assert!(
        api.raw_body.len() < 4200,
        "the kept body is cut: {}",
        api.raw_body.len()
    );

    // A success body that does not match the contract is a Decode error with the body.
    server.reset().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{\"id\": 5}"))
        .mount(&server)
        .await;
    match client.generations().get("task_1").await.unwrap_err() {
        Error::Decode(decode) => {
            assert_eq!(decode.status, 200);
            assert_eq!(decode.body, "{\"id\": 5}");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn unknown_enum_values_and_fields_decode() {
    let server = MockServer::start().await;
    let mut body = generation("paused_for_review");
    body["new_member"] = json!([1, 2, 3]);
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    let task = client(&server.uri())
        .generations()
        .get("task_1")
        .await
        .unwrap();
    assert_eq!(
        task.status,
        GenerationStatus::Unknown("paused_for_review".into())
    );
    let back = serde_json::to_value(&task).unwrap();
    assert_eq!(back["status"], "paused_for_review");
    assert_eq!(back["object"], "generation");
}

#[tokio::test]
async fn the_key_is_sent_but_never_shown() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .respond_with(api_error("unauthorized", 401))
        .mount(&server)
        .await;
    let client = client(&server.uri());
    let error = client.credits().get().await.unwrap_err();
    assert_eq!(error.code(), Some(&ErrorCode::Unauthorized));
    for shown in [
        format!("{error}"),
        format!("{error:?}"),
        format!("{client:?}"),
        format!("{:?}", ApiKey::new(KEY)),
    ] {
        assert!(
            !shown.contains("0123456789abcdef"),
            "the key leaked: {shown}"
        );
    }
    assert_eq!(format!("{:?}", ApiKey::new(KEY)), "rvya_sk_***");
    assert!(format!("{client:?}").contains("rvya_sk_***"));
    assert_eq!(format!("{:?}", ApiKey::new("other-format")), "***");
}

#[tokio::test]
async fn client_from_env() {
    // The only test that touches these variables.
    std::env::remove_var("RIVYA_API_KEY");
    assert!(matches!(Client::from_env(), Err(Error::Config(_))));
    std::env::set_var("RIVYA_API_KEY", KEY);
    std::env::set_var("RIVYA_BASE_URL", "http://127.0.0.1:9/");
    let client = Client::from_env().unwrap();
    assert_eq!(client.base_url(), "http://127.0.0.1:9");
    std::env::remove_var("RIVYA_BASE_URL");
    assert_eq!(Client::from_env().unwrap().base_url(), "https://rivya.ai");
    std::env::remove_var("RIVYA_API_KEY");
    assert!(Client::builder().base_url("ftp://x").build().is_err());
}

/// A raw HTTP/1.1 server: answers each connection with the next of `responses`, each a list
/// of chunks written with a pause between them (`None` closes the connection unanswered).
async fn raw_server(responses: Vec<Option<Vec<Vec<u8>>>>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        for response in responses {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut request = Vec::new();
            let mut buffer = [0u8; 4096];
            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                let n = socket.read(&mut buffer).await.unwrap();
                if n == 0 {
                    break;
                }
                request.extend_from_slice(&buffer[..n]);
            }
            let Some(chunks) = response else {
                drop(socket);
                continue;
            };
            for chunk in chunks {
                socket.write_all(&chunk).await.unwrap();
                socket.flush().await.unwrap();
                tokio::time::sleep(Duration::from_millis(30)).await;
            }
            let _ = socket.shutdown().await;
        }
    });
    address
}

/// An SSE response whose body arrives in the given pieces (HTTP chunked encoding).
fn sse_response(pieces: &[&[u8]]) -> Vec<Vec<u8>> {
    let mut chunks = vec![b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n\
transfer-encoding: chunked\r\n\r\n"
        .to_vec()];
    for piece in pieces {
        let mut chunk = format!("{:x}\r\n", piece.len()).into_bytes();
        chunk.extend_from_slice(piece);
        chunk.extend_from_slice(b"\r\n");
        chunks.push(chunk);
    }
    chunks.push(b"0\r\n\r\n".to_vec());
    chunks
}

#[tokio::test]
async fn sse_events_split_across_chunks_and_a_mid_stream_error() {
    let delta = "data: {\"type\":\"message.delta\",\"message_id\":\"m\",\"delta\":\"caf\u{e9} \u{1F600}\"}\n\n";
    let (first, second) = delta.as_bytes().split_at(delta.len() - 6); // inside the emoji
    let pieces: Vec<&[u8]> = vec![
        b"event: session.created\ndata: {\"type\":\"session.cre",
        b"ated\",\"session_id\":\"chs_1\",\"model\":\"gpt-5-2-chat\"}\n",
        b"\n: keep-alive comment\n\n",
        first,
        second,
        // No `type` in the data: the SSE event name fills it in.
        b"event: heartbeat\ndata: {}\n\n",
        b"data: {\"type\":\"reasoning.delta\",\"text\":\"new in a later API\"}\n\n",
        b"event: error\ndata: {\"type\":\"error\",\"error\":{\"code\":\"insufficient_credits\",",
        b"\"message\":\"out of credits\"}}\n\n",
        b"data: {\"type\":\"done\"}\n\n",
        b"data: {\"type\":\"heartbeat\"}\n\n",
    ];
    let base = raw_server(vec![Some(sse_response(&pieces))]).await;
    let request = ChatCompletionRequest::new("gpt-5-2-chat", "hello");
    let stream = client(&base)
        .chat()
        .stream_completion(&request)
        .await
        .unwrap();
    let items: Vec<_> = stream.collect().await;
    assert_eq!(items.len(), 6, "{items:#?}");
    match &items[0] {
        Ok(ChatStreamEvent::SessionCreated(created)) => {
            assert_eq!(created.session_id, "chs_1")
        }
        other => panic!("{other:?}"),
    }
    match &items[1] {
        Ok(ChatStreamEvent::MessageDelta(delta)) => {
            assert_eq!(delta.delta, "caf\u{e9} \u{1F600}")
        }
        other => panic!("{other:?}"),
    }
    assert!(
        matches!(items[2], Ok(ChatStreamEvent::Heartbeat(_))),
        "{:?}",
        items[2]
    );
    match &items[3] {
        Ok(event @ ChatStreamEvent::Unknown(_)) => {
            assert_eq!(event.tag(), "reasoning.delta")
        }
        other => panic!("{other:?}"),
    }
    match &items[4] {
        Err(Error::Stream(error)) => {
            assert_eq!(error.code, Some(ErrorCode::InsufficientCredits));
            assert_eq!(error.message, "out of credits");
        }
        other => panic!("{other:?}"),
    }
    assert!(
        matches!(items[5], Ok(ChatStreamEvent::Done(_))),
        "`done` ends the stream"
    );
}

#[tokio::test]
async fn a_stream_cut_before_done_ends_with_an_error() {
    let pieces: Vec<&[u8]> = vec![b"data: {\"type\":\"heartbeat\"}\n\n"];
    let base = raw_server(vec![Some(sse_response(&pieces))]).await;
    let request = ChatCompletionRequest::new("gpt-5-2-chat", "hello");
    let items: Vec<_> = client(&base)
        .chat()
        .stream_completion(&request)
        .await
        .unwrap()
        .collect()
        .await;
    assert_eq!(items.len(), 2);
    assert!(items[1].is_err());
}

#[tokio::test]
async fn a_dropped_connection_is_retried() {
    let body = serde_json::to_vec(&generation("queued")).unwrap();
    let mut ok = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    ok.extend_from_slice(&body);
    let base = raw_server(vec![None, Some(vec![ok])]).await;
    let task = client(&base).generations().get("task_1").await.unwrap();
    assert_eq!(task.id, "task_1");

    // With nothing listening, the error says so (and carries no key).
    let closed = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let error = client(&address)
        .credits()
        .get()
        .max_retries(1)
        .await
        .unwrap_err();
    match &error {
        Error::Transport(transport) => assert!(transport.connect, "{error:?}"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_slow_answer_times_out() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(generation("queued"))
                .set_delay(Duration::from_secs(3)),
        )
        .mount(&server)
        .await;
    let error = client(&server.uri())
        .generations()
        .get("task_1")
        .timeout(Duration::from_millis(200))
        .max_retries(0)
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
}

fn part<'a>(body: &'a str, name: &str) -> &'a str {
    let marker = format!("name=\"{name}\"");
    let start = body
        .find(&marker)
        .unwrap_or_else(|| panic!("no part {name} in {body}"));
    let rest = &body[start..];
    &rest[..rest.find("\r\n--").unwrap()]
}

#[tokio::test]
async fn multipart_uploads_from_bytes_path_and_stream() {
    let server = MockServer::start().await;
    let file = json!({
        "id": "file_1", "object": "file", "kind": "video", "name": "clip.mp4",
        "mime_type": "video/mp4", "size_bytes": 5, "url": "https://files.rivya.ai/f",
        "duration_seconds": 1.5, "duration_token": "dt_1", "model": null,
        "created_at": "2026-05-10T00:00:00Z", "expires_at": null
    });
    Mock::given(method("POST"))
        .and(path("/api/v1/files"))
        .respond_with(ResponseTemplate::new(201).set_body_json(file))
        .mount(&server)
        .await;
    let client = client(&server.uri());

    let upload = UploadFileRequest::new(
        FilePart::bytes(&b"video"[..], "clip.mp4"),
        MediaKind::Video,
    )
    .model("motion-transfer-1")
    .client_request_id("upload-clip-001");
    let uploaded = client.files().upload(&upload).await.unwrap();
    assert_eq!(uploaded.duration_token.as_deref(), Some("dt_1"));

    let dir = tempfile::tempdir().unwrap();
    let on_disk = dir.path().join("still.png");
    std::fs::write(&on_disk, b"\x89PNG-bytes").unwrap();
    let upload = UploadFileRequest::new(FilePart::path(&on_disk), MediaKind::Image);
    client.files().upload(&upload).await.unwrap();

    let chunks =
        futures_util::stream::iter(vec![Ok(bytes_of("so")), Ok(bytes_of("und"))]);
    let streamed = FilePart::stream(chunks, Some(5), "voice").mime_type("audio/wav");
    client
        .files()
        .upload(&UploadFileRequest::new(streamed, MediaKind::Audio))
        .await
        .unwrap();

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 3);
    let bodies: Vec<String> = requests
        .iter()
        .map(|r| String::from_utf8_lossy(&r.body).into_owned())
        .collect();
    for request in &requests {
        let content_type = request
            .headers
            .get("content-type")
            .unwrap()
            .to_str()
            .unwrap();
        assert!(
            content_type.starts_with("multipart/form-data; boundary="),
            "{content_type}"
        );
        assert!(request.headers.get("idempotency-key").is_some());
    }
    let file = part(&bodies[0], "file");
    assert!(file.contains("filename=\"clip.mp4\""), "{file}");
    assert!(file.contains("Content-Type: video/mp4"), "{file}");
    assert!(file.ends_with("\r\n\r\nvideo"), "{file:?}");
    assert!(part(&bodies[0], "kind").ends_with("\r\n\r\nvideo"));
    assert!(part(&bodies[0], "model").ends_with("\r\n\r\nmotion-transfer-1"));
    assert!(part(&bodies[0], "client_request_id").ends_with("upload-clip-001"));
    let file = part(&bodies[1], "file");
    assert!(
        file.contains("filename=\"still.png\"")
            && file.contains("Content-Type: image/png")
    );
    assert!(file.ends_with("PNG-bytes"), "{file:?}");
    assert!(
        !bodies[1].contains("name=\"model\""),
        "absent optional parts are left out"
    );
    let file = part(&bodies[2], "file");
    assert!(
        file.contains("filename=\"voice\"") && file.contains("Content-Type: audio/wav")
    );
    assert!(file.ends_with("\r\n\r\nsound"), "{file:?}");

    // A stream can be read once: an upload from a stream is not retried.
    server.reset().await;
    Mock::given(method("POST"))
        .respond_with(api_error("internal_error", 503))
        .mount(&server)
        .await;
    let streamed = FilePart::stream(
        futures_util::stream::iter(vec![Ok(bytes_of("x"))]),
        None,
        "x",
    );
    let error = client
        .files()
        .upload(&UploadFileRequest::new(streamed, MediaKind::Audio))
        .await;
    assert_eq!(error.unwrap_err().status(), Some(503));
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
    // A missing file is an Io error, not a panic.
    let missing = UploadFileRequest::new(
        FilePart::path(dir.path().join("nope")),
        MediaKind::Image,
    );
    assert!(matches!(
        client.files().upload(&missing).await,
        Err(Error::Io(_))
    ));
}

fn bytes_of(text: &'static str) -> rivya_sdk::Bytes {
    rivya_sdk::Bytes::from_static(text.as_bytes())
}

#[tokio::test]
async fn wait_polls_until_terminal_or_deadline() {
    let server = MockServer::start().await;
    for status in ["queued", "processing"] {
        Mock::given(method("GET"))
            .and(path("/api/v1/generations/task_1"))
            .respond_with(ResponseTemplate::new(200).set_body_json(generation(status)))
            .up_to_n_times(1)
            .mount(&server)
            .await;
    }
    Mock::given(method("GET"))
        .and(path("/api/v1/generations/task_1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(generation("succeeded")))
        .mount(&server)
        .await;
    let options = WaitOptions::default()
        .interval(Duration::from_millis(10), Duration::from_millis(40))
        .timeout(Duration::from_secs(5));
    let client = client(&server.uri());
    let done = client.generations().wait("task_1", options).await.unwrap();
    assert_eq!(done.status, GenerationStatus::Succeeded);
    assert_eq!(server.received_requests().await.unwrap().len(), 3);

    server.reset().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(generation("processing")))
        .mount(&server)
        .await;
    let options = options.timeout(Duration::from_millis(150));
    match client
        .generations()
        .wait("task_1", options)
        .await
        .unwrap_err()
    {
        Error::WaitTimeout { id, last_status, .. } => {
            assert_eq!(
                (id.as_str(), last_status.as_str()),
                ("task_1", "processing")
            );
        }
        other => panic!("{other:?}"),
    }
}

fn signed_headers(secret: &WebhookSecret, timestamp: u64, body: &[u8]) -> HeaderMap {
    let mut headers = HeaderMap::new();
    let signature = webhooks::sign(secret, timestamp, body);
    headers.insert(webhooks::SIGNATURE_HEADER, signature.parse().unwrap());
    headers.insert(
        webhooks::TIMESTAMP_HEADER,
        timestamp.to_string().parse().unwrap(),
    );
    headers
}

#[test]
fn webhook_verification_valid_tampered_stale() {
    let secret = WebhookSecret::new("whsec_test_secret_value");
    let body = serde_json::to_vec(&json!({
        "id": "evt_1", "object": "event", "type": "generation.succeeded", "api_version": "v1",
        "created_at": "2026-05-10T00:00:22.000Z", "data": {"generation": generation("succeeded")}
    }))
    .unwrap();
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let tolerance = webhooks::DEFAULT_TOLERANCE;

    let headers = signed_headers(&secret, now, &body);
    let event = webhooks::construct_event(&headers, &body, &secret, tolerance).unwrap();
    assert_eq!(event.data.generation.status, GenerationStatus::Succeeded);

    // The signature is the contract's: v1= + hex HMAC-SHA256(secret, "{timestamp}.{body}").
    let known = webhooks::sign(&WebhookSecret::new("secret"), 1_778_371_222, b"{}");
    // Computed independently (Python's hmac module).
    assert_eq!(
        known,
        "v1=080d34e7d4a2778f74d39a92ed57c2ca662e8e6f9266b17b3c3dc75f3ec3c32f"
    );

    let mut tampered = body.clone();
    tampered[10] ^= 1;
    let error =
        webhooks::construct_event(&headers, &tampered, &secret, tolerance).unwrap_err();
    assert_eq!(error, WebhookError::SignatureMismatch);
    let wrong_secret = WebhookSecret::new("another");
    assert!(webhooks::verify(&headers, &body, &wrong_secret, tolerance).is_err());

    let stale = signed_headers(&secret, now - 301, &body);
    let error = webhooks::verify(&stale, &body, &secret, tolerance).unwrap_err();
    assert!(
        matches!(error, WebhookError::Stale { age_seconds, in_future: false } if age_seconds >= 301)
    );
    let future = signed_headers(&secret, now + 301, &body);
    assert!(webhooks::verify(&future, &body, &secret, tolerance).is_err());

    let mut missing = headers.clone();
    missing.remove(webhooks::SIGNATURE_HEADER);
    assert_eq!(
        webhooks::verify(&missing, &body, &secret, tolerance),
        Err(WebhookError::MissingHeader(webhooks::SIGNATURE_HEADER))
    );
    // Rotation: any of several signatures verifies.
    let both = format!(
        "v1={}, {}",
        "0".repeat(64),
        webhooks::sign(&secret, now, &body)
    );
    let at = now.to_string();
    assert!(webhooks::verify_signature(&both, &at, &body, &secret, tolerance).is_ok());

    assert_eq!(format!("{secret:?}"), "Secret(***)");
    assert!(!format!("{error:?}{error}").contains("whsec_test"));
}

#[tokio::test]
async fn signing_secrets_are_typed_redacted_and_usable() {
    let server = MockServer::start().await;
    let endpoint = json!({
        "id": "we_1", "object": "webhook_endpoint", "name": "Production webhook",
        "url": "https://example.com/rivya/webhook", "event_types": ["generation.succeeded"],
        "status": "enabled", "signing_secret": "whsec_only_shown_once",
        "created_at": "2026-05-10T00:00:00Z"
    });
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_json(endpoint))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    // The same body with a member of the wrong type: a decode error that keeps the body.
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({
            "id": 7, "signing_secret": "whsec_only_shown_once"
        })))
        .mount(&server)
        .await;
    let client = client(&server.uri());
    let request = rivya_sdk::types::CreateWebhookEndpointRequest::new(
        "Production webhook",
        "https://example.com/rivya/webhook",
        vec![rivya_sdk::types::WebhookEventType::GenerationSucceeded],
    );
    let created = client.webhooks().create_endpoint(&request).await.unwrap();
    assert!(
        !format!("{created:?}").contains("whsec_only_shown_once"),
        "{created:?}"
    );
    let secret = created.signing_secret.clone().unwrap();
    assert_eq!(secret.expose_secret(), "whsec_only_shown_once");
    // The endpoint's secret is the type deliveries are verified with.
    let body = b"{}";
    let headers = signed_headers(&secret, 1_778_371_222, body);
    let at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_778_371_222);
    let signature = headers
        .get(webhooks::SIGNATURE_HEADER)
        .unwrap()
        .to_str()
        .unwrap();
    let tolerance = webhooks::DEFAULT_TOLERANCE;
    webhooks::verify_at(signature, "1778371222", body, &secret, tolerance, at).unwrap();

    let error = client
        .webhooks()
        .create_endpoint(&request)
        .await
        .unwrap_err();
    let shown = format!("{error}{error:?}");
    assert!(matches!(error, Error::Decode(_)), "{error:?}");
    assert!(!shown.contains("whsec_only_shown_once"), "{shown}");
    assert!(shown.contains(r#"\"signing_secret\":\"***\""#), "{shown}");
}

#[test]
fn reference_media_go_in_params_with_their_wire_names() {
    let item = rivya_sdk::types::ReferenceMediaItem::new(
        "https://files.rivya.ai/tmp/file_1/clip.mp4",
        MediaKind::Video,
    )
    .mime_type("video/mp4")
    .duration_token("dt_v1.placeholder");
    let mut params = serde_json::Map::new();
    params.insert("referenceMediaItems".into(), json!([item]));
    let request = CreateGenerationRequest::new("nano-banana-2").params(params);
    assert_eq!(
        serde_json::to_value(&request).unwrap(),
        json!({"model": "nano-banana-2", "params": {"referenceMediaItems": [{
            "url": "https://files.rivya.ai/tmp/file_1/clip.mp4", "kind": "video",
            "mimeType": "video/mp4", "durationToken": "dt_v1.placeholder"
        }]}})
    );
}

/// With the real catalog module: a generation's request is checked before anything is sent,
/// chat and non-chat models are kept on their own APIs, and `skip_validation()` opts out.
#[tokio::test]
async fn the_catalog_checks_requests_before_sending() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(202).set_body_json(generation("queued")))
        .mount(&server)
        .await;
    let client = client(&server.uri());
    let params = |value: serde_json::Value| value.as_object().unwrap().clone();

    let bad = CreateGenerationRequest::new("z-image")
        .prompt("a cat")
        .params(params(json!({"aspect_ratio": "2:1", "num_images": 9})));
    let error = client.generations().create(&bad).await.unwrap_err();
    let Error::InvalidRequest { message, .. } = &error else {
        panic!("{error:?}")
    };
    assert!(
        message.contains("/aspect_ratio") && message.contains("/num_images"),
        "{message}"
    );

    let typed = rivya_sdk::catalog::ZImageParams::new()
        .aspect_ratio(rivya_sdk::catalog::ZImageAspectRatio::V16_9)
        .num_images(2);
    let good = CreateGenerationRequest::new("z-image")
        .prompt("a cat")
        .params(params(typed.to_value()));
    client.generations().create(&good).await.unwrap();

    let chat_on_generations = CreateGenerationRequest::new("gpt-5-2-chat").prompt("hi");
    let error = client
        .generations()
        .create(&chat_on_generations)
        .await
        .unwrap_err();
    assert!(error.to_string().contains("chat model"), "{error}");
    let image_on_chat = ChatCompletionRequest::new("z-image", "hello");
    let error = client
        .chat()
        .create_completion(&image_on_chat)
        .await
        .unwrap_err();
    assert!(error.to_string().contains("image model"), "{error}");

    assert_eq!(
        server.received_requests().await.unwrap().len(),
        1,
        "refused calls are not sent"
    );
    client
        .generations()
        .create(&bad)
        .skip_validation()
        .await
        .unwrap();
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        2,
        "the opt-out sends it"
    );
}
