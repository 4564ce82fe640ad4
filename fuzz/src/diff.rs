//! What the diff target checks, on two versions of a contract that both build an IR:
//!
//! - comparing never panics, in either direction;
//! - a document compared with itself reports nothing, also when it was read from other text
//!   (pretty-printed instead of compact: the diff compares IRs, never texts);
//! - the two directions agree on what was added and what was removed: every operation,
//!   webhook, server, model, request body, media type and status code that `diff A B` reports
//!   added, `diff B A` reports removed at the same place, and the reverse.

use std::collections::BTreeMap;

use rivya_codegen::backends::diff::{self, Report, RuleId};
use rivya_codegen::ir::Ir;

/// Rules that report one thing appearing, with the rule that reports it disappearing.
const MIRRORED: &[(RuleId, RuleId)] = &[
    (RuleId::OperationAdded, RuleId::OperationRemoved),
    (RuleId::WebhookAdded, RuleId::WebhookRemoved),
    (RuleId::ServerAdded, RuleId::ServerRemoved),
    (RuleId::ModelAdded, RuleId::ModelRemoved),
    (RuleId::RequestBodyAdded, RuleId::RequestBodyRemoved),
    (
        RuleId::RequestMediaTypeAdded,
        RuleId::RequestMediaTypeRemoved,
    ),
    (
        RuleId::ResponseMediaTypeAdded,
        RuleId::ResponseMediaTypeRemoved,
    ),
    (
        RuleId::ResponseSuccessStatusAdded,
        RuleId::ResponseSuccessStatusRemoved,
    ),
    (
        RuleId::ResponseErrorStatusAdded,
        RuleId::ResponseErrorStatusRemoved,
    ),
];

fn build(text: &str) -> Option<Ir> {
    let spec = super::load_and_normalize(text.as_bytes())?;
    match rivya_codegen::pipeline::build_ir(&spec, None) {
        Ok(ir) => Some(ir),
        Err(error) => {
            super::check_error(&error);
            None
        }
    }
}

/// How many times `rule` reports each place (the location without its JSON pointer, which
/// points into one side's document).
fn places(report: &Report, rule: RuleId) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for change in report.changes.iter().filter(|c| c.id == rule) {
        let place = change
            .location
            .split_once(" #")
            .map_or(change.location.as_str(), |(place, _)| place);
        *out.entry(place.to_owned()).or_insert(0) += 1;
    }
    out
}

pub fn diff_and_check(old_text: &str, new_text: &str) {
    let Some(old) = build(old_text) else { return };

    let same = diff::diff(&old, &old);
    assert!(
        same.changes.is_empty(),
        "a document against itself: {:?}",
        same.changes
    );
    let reread: serde_json::Value =
        serde_json::from_str(old_text).expect("the target's own JSON");
    let pretty = serde_json::to_string_pretty(&reread).expect("a JSON value serializes");
    if let Some(again) = build(&pretty) {
        let same = diff::diff(&old, &again);
        assert!(
            same.changes.is_empty(),
            "the same document, pretty-printed: {:?}",
            same.changes
        );
    }

    let Some(new) = build(new_text) else { return };
    let forward = diff::diff(&old, &new);
    let backward = diff::diff(&new, &old);
    for &(added, removed) in MIRRORED {
        assert_eq!(
            places(&forward, added),
            places(&backward, removed),
            "`{added}` old → new is `{removed}` new → old"
        );
        assert_eq!(
            places(&forward, removed),
            places(&backward, added),
            "`{removed}` old → new is `{added}` new → old"
        );
    }
}
