//! `validate_params` throughput on a typical 5-parameter object (valid, the SDK's hot path),
//! on a nested object, and on an invalid object (allocates its report).
//!
//! `cargo bench --bench validate`; the goal is at least 1,000,000 valid checks per second on
//! one core.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rivya_sdk::catalog::validate_params;
use serde_json::json;

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("validate_params");
    group.throughput(Throughput::Elements(1));

    let typical = json!({
        "aspect_ratio": "16:9",
        "num_images": 2,
        "negative_prompt": "blurry, low contrast",
        "seed": 42,
        "guidance_scale": 7.5
    });
    assert!(validate_params("z-image", &typical).is_ok());
    group.bench_function("z-image, 5 params, valid", |b| {
        b.iter(|| validate_params(black_box("z-image"), black_box(&typical)))
    });

    let nested = json!({
        "duration_seconds": 8,
        "resolution": "1080p",
        "camera": {"motion": "pan-left", "intensity": 0.3, "keyframes": [
            {"at_seconds": 0, "camera_hint": {"note": "wide"}},
            {"at_seconds": 4.5, "camera_hint": {"note": "push in"}}
        ]}
    });
    assert!(validate_params("lumen-video-1", &nested).is_ok());
    group.bench_function("lumen-video-1, nested camera, valid", |b| {
        b.iter(|| validate_params(black_box("lumen-video-1"), black_box(&nested)))
    });

    let media = json!({"referenceMediaItems": [{
        "url": "https://files.rivya.ai/tmp/file_3b7d/input.mp4",
        "kind": "video",
        "mimeType": "video/mp4",
        "durationToken": "dt_v1.placeholder"
    }], "mix_original_audio": true});
    assert!(validate_params("foley-sync-1", &media).is_ok());
    group.bench_function("foley-sync-1, media item, valid", |b| {
        b.iter(|| validate_params(black_box("foley-sync-1"), black_box(&media)))
    });

    let invalid = json!({
        "aspect_ratio": "2:1",
        "num_images": 9,
        "negative_prompt": "",
        "seed": -1,
        "guidance_scale": 7.25
    });
    assert_eq!(validate_params("z-image", &invalid).unwrap_err().len(), 5);
    group.bench_function("z-image, 5 params, 5 violations", |b| {
        b.iter(|| validate_params(black_box("z-image"), black_box(&invalid)))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
