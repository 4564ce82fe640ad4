//! The SDK's `tracing` feature, recorded by a subscriber of the test's own: one span per call
//! with its operation, method and path template, one event per attempt with its status and
//! request ID, one per retry with its delay — and never the API key, nor the server's URL.

use std::fmt::Debug;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rivya_sdk::Client;
use serde_json::json;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "rvya_sk_test_tracing_0123456789";

/// Every span and event of the SDK as one line: its name or message, then `field=value` pairs.
#[derive(Clone, Default)]
struct Recorder {
    lines: Arc<Mutex<Vec<String>>>,
    next_id: Arc<AtomicU64>,
}

struct Line(String);

impl Visit for Line {
    fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
        self.0.push_str(&format!(" {}={value:?}", field.name()));
    }
}

impl Subscriber for Recorder {
    // The SDK's own spans and events; hyper's and reqwest's (which name the host) are theirs.
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.target().starts_with("rivya_sdk")
    }

    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let mut line = Line(format!("span {}", span.metadata().name()));
        span.record(&mut line);
        self.lines.lock().unwrap().push(line.0);
        Id::from_u64(self.next_id.fetch_add(1, Ordering::Relaxed) + 1)
    }

    fn record(&self, _: &Id, values: &Record<'_>) {
        let mut line = Line("record".to_owned());
        values.record(&mut line);
        self.lines.lock().unwrap().push(line.0);
    }

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut line = Line("event".to_owned());
        event.record(&mut line);
        self.lines.lock().unwrap().push(line.0);
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

#[tokio::test]
async fn a_call_is_one_span_with_an_event_per_attempt_and_no_secret() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/credits"))
        .respond_with(
            ResponseTemplate::new(503).insert_header("x-request-id", "req_first"),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/credits"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-request-id", "req_second")
                .set_body_json(json!({
                    "object": "credit_balance", "available": 5, "reserved": 1,
                    "currency": "credits", "updated_at": "2026-05-10T00:00:00Z"
                })),
        )
        .mount(&server)
        .await;
    let client = Client::builder()
        .api_key(KEY)
        .base_url(server.uri())
        .backoff(Duration::from_millis(5), Duration::from_millis(10))
        .build()
        .unwrap();

    let recorder = Recorder::default();
    let guard = tracing::subscriber::set_default(recorder.clone());
    let credits = client.credits().get().await.unwrap();
    drop(guard);
    assert_eq!(credits.available, 5);

    let lines = recorder.lines.lock().unwrap().clone();
    let text = lines.join("\n");
    let spans: Vec<&String> = lines.iter().filter(|l| l.starts_with("span ")).collect();
    assert_eq!(spans.len(), 1, "{text}");
    assert!(spans[0].contains("method=GET"), "{text}");
    assert!(spans[0].contains("path=\"/api/v1/credits\""), "{text}");
    let attempts: Vec<&String> = lines
        .iter()
        .filter(|l| l.contains("rivya_sdk: attempt") && !l.contains("failed"))
        .collect();
    assert_eq!(attempts.len(), 2, "{text}");
    assert!(
        attempts[0].contains("status=503") && attempts[0].contains("req_first"),
        "{text}"
    );
    assert!(
        attempts[1].contains("status=200") && attempts[1].contains("req_second"),
        "{text}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains("rivya_sdk: retrying") && l.contains("retry_delay_ms")),
        "{text}"
    );
    for secret in [KEY, "rvya_sk_", &server.uri(), "127.0.0.1"] {
        assert!(!text.contains(secret), "{secret} in the trace:\n{text}");
    }
}
