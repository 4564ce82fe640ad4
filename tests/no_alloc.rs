//! `validate_params` does not allocate when the params are valid (the SDK's hot path).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::json;

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::SeqCst);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

// One test in this binary, so no other test allocates while it counts.
#[test]
fn valid_params_are_checked_without_allocating() {
    let cases = [
        (
            "z-image",
            json!({"aspect_ratio": "16:9", "num_images": 2, "negative_prompt": "blurry",
                   "seed": 42, "guidance_scale": 7.5}),
        ),
        (
            "lumen-video-1",
            json!({"camera": {"motion": "zoom-in", "keyframes": [
                {"at_seconds": 1, "camera_hint": {"note": "close"}}]}}),
        ),
        (
            "foley-sync-1",
            json!({"referenceMediaItems": [{"url": "u", "kind": "video",
                   "mimeType": "video/mp4", "durationToken": "dt"}]}),
        ),
        (
            "voice-tts-2",
            json!({"voice": "sage", "language": "日本語"}),
        ),
    ];
    for (model, params) in &cases {
        let before = ALLOCATIONS.load(Ordering::SeqCst);
        let result = rivya_sdk::catalog::validate_params(model, params);
        let after = ALLOCATIONS.load(Ordering::SeqCst);
        assert_eq!(result, Ok(()), "{model}");
        assert_eq!(after - before, 0, "{model}: validation allocated");
    }
    let body = json!({"message": "hi", "controls": {"temperature": 0.5}});
    let before = ALLOCATIONS.load(Ordering::SeqCst);
    let result = rivya_sdk::catalog::validate_request("gpt-5-2-chat", &body);
    assert_eq!(ALLOCATIONS.load(Ordering::SeqCst) - before, 0);
    assert_eq!(result, Ok(()));
}
