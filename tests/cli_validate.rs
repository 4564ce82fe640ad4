//! The `validate` and `docs` commands, run as a user would.

mod common;

use common::{run, stderr, stdout};

#[test]
fn valid_params_exit_0() {
    let output = run(&[
        "validate",
        "--model",
        "z-image",
        "--params",
        r#"{"aspect_ratio": "16:9", "num_images": 2, "guidance_scale": 8.5}"#,
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), "");
}

#[test]
fn violations_exit_1_one_per_line() {
    let output = run(&[
        "validate",
        "--model",
        "foley-sync-1",
        "--params",
        r#"{"referenceMediaItems": [{"url": "u", "kind": "video"}], "mix": true}"#,
    ]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    let lines: Vec<Vec<&str>> = text.lines().map(|l| l.split('\t').collect()).collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert_eq!(lines[0][0], "#/referenceMediaItems/0/durationToken");
    assert_eq!(lines[0][1], "missing_duration_token");
    assert_eq!(lines[1][..2], ["#/mix", "unknown_param"]);
    assert!(lines.iter().all(|l| l.len() == 3 && !l[2].is_empty()));
    assert!(stderr(&output).contains("2 violations"));
}

#[test]
fn unknown_model_exits_1() {
    let output = run(&["validate", "--model", "no-such-model", "--params", "{}"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).starts_with("#\tunknown_model\t"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn malformed_json_exits_2_naming_the_source() {
    let output = run(&["validate", "--model", "z-image", "--params", "{\"seed\": }"]);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(
        message.contains("--params") && message.contains("line 1"),
        "{message}"
    );

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("params.json");
    std::fs::write(&file, "{\n  \"seed\": 1,\n}").unwrap();
    let at = format!("@{}", file.display());
    let output = run(&["validate", "--model", "z-image", "--params", &at]);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(
        message.contains("params.json") && message.contains("line 3"),
        "{message}"
    );

    let missing = format!("@{}", dir.path().join("missing.json").display());
    let output = run(&["validate", "--model", "z-image", "--params", &missing]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("missing.json"));
}

#[test]
fn params_from_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("params.json");
    std::fs::write(&file, r#"{"voice": "aria", "speed": 1.25}"#).unwrap();
    let at = format!("@{}", file.display());
    let output = run(&["validate", "--model", "voice-tts-2", "--params", &at]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));

    std::fs::write(&file, r#"{"speed": 1.27}"#).unwrap();
    let output = run(&["validate", "--model", "voice-tts-2", "--params", &at]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(text.contains("#/speed\tnot_on_step\t"), "{text}");
    assert!(text.contains("#/voice\tmissing_required\t"), "{text}");
}

#[test]
fn whole_chat_requests() {
    let output = run(&[
        "validate",
        "--model",
        "vision-chat-mini",
        "--request",
        r#"{"model": "vision-chat-mini", "message": "What is in this image?",
            "controls": {"temperature": 0.2},
            "attachments": [{"file_id": "file_1", "kind": "image"}]}"#,
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    let output = run(&[
        "validate",
        "--model",
        "vision-chat-mini",
        "--request",
        r#"{"message": "hi", "controls": {"max_output_tokens": 0}}"#,
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).starts_with("#/controls/max_output_tokens\tbelow_minimum\t"));
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(
        run(&["validate", "--model", "z-image"]).status.code(),
        Some(2)
    );
    assert_eq!(
        run(&["validate", "--params", "{}"]).status.code(),
        Some(2),
        "--model is required"
    );
    let output = run(&[
        "validate",
        "--spec",
        "no/such/spec.json",
        "--model",
        "z-image",
        "--params",
        "{}",
    ]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn docs_command_writes_the_docs_folder() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    let output = run(&["docs", "--out", out]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    for file in [
        "index.md",
        "endpoints.md",
        "models/z-image.md",
        "schemas/z-image.params.json",
    ] {
        assert!(dir.path().join("docs").join(file).is_file(), "{file}");
    }
    // Run again: the folder is replaced, nothing is left over.
    std::fs::write(dir.path().join("docs/stale.md"), "old").unwrap();
    assert_eq!(run(&["docs", "--out", out]).status.code(), Some(0));
    assert!(!dir.path().join("docs/stale.md").exists());
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(leftovers, ["docs"]);
}
