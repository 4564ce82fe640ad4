//! Known breaks a team has accepted, read from a TOML file:
//!
//! ```toml
//! [[accept]]
//! rule = "type-renamed"
//! # The finding's location as the report prints it, or a prefix of it ending in `*`.
//! location = "POST /api/v1/generations #/components/schemas/GenerationResult*"
//! reason = "renamed on purpose for SDK 2.0"
//! expires = "2027-01-31"   # optional: from the day after, the finding counts again
//! ```
//!
//! An accepted finding stays in the report, marked with its reason, and does not fail the job;
//! the SDK bump still counts it, since the break is real. An expired entry accepts nothing and
//! is named in the report, so an acceptance never outlives its review silently.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::rules::RuleId;
use super::Report;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    accept: Vec<Entry>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    rule: String,
    location: String,
    reason: String,
    #[serde(default)]
    expires: Option<String>,
}

#[derive(Debug, Clone)]
struct Acceptance {
    rule: RuleId,
    location: String,
    reason: String,
    expires: Option<NaiveDate>,
}

/// An acceptance whose date has passed, as the report names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Expired {
    pub rule: RuleId,
    pub location: String,
    pub expired: String,
}

#[derive(Debug, Clone, Default)]
pub struct Accepted {
    entries: Vec<Acceptance>,
}

impl Accepted {
    /// Reads the file's text; the error says which entry is wrong and why.
    pub fn parse(text: &str) -> Result<Accepted, String> {
        let file: File = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut entries = Vec::with_capacity(file.accept.len());
        for (index, entry) in file.accept.into_iter().enumerate() {
            let which = format!("accept entry {}", index + 1);
            let rule = RuleId::parse(&entry.rule).ok_or_else(|| {
                format!("{which}: no diff rule is called {:?}", entry.rule)
            })?;
            if entry.reason.trim().is_empty() {
                return Err(format!("{which}: an acceptance needs a reason"));
            }
            let expires = match &entry.expires {
                Some(date) => {
                    Some(NaiveDate::parse_from_str(date, "%Y-%m-%d").map_err(|e| {
                        format!(
                            "{which}: expires {date:?} is not a YYYY-MM-DD date: {e}"
                        )
                    })?)
                }
                None => None,
            };
            entries.push(Acceptance {
                rule,
                location: entry.location,
                reason: entry.reason,
                expires,
            });
        }
        Ok(Accepted { entries })
    }

    /// Marks the report's findings that an entry in force on `today` accepts, and lists the
    /// entries that expired before it.
    pub fn apply(&self, report: &mut Report, today: NaiveDate) {
        for entry in &self.entries {
            if let Some(date) = entry.expires.filter(|d| *d < today) {
                report.expired.push(Expired {
                    rule: entry.rule,
                    location: entry.location.clone(),
                    expired: date.format("%Y-%m-%d").to_string(),
                });
                continue;
            }
            for change in report
                .changes
                .iter_mut()
                .filter(|c| c.id == entry.rule && c.accepted.is_none())
            {
                if matches(&entry.location, &change.location) {
                    change.accepted = Some(entry.reason.clone());
                }
            }
        }
    }
}

/// Whether an entry's location names a finding's. A finding's location reads `PLACE #POINTER`
/// (`GET /api/v1/credits #/paths/~1api~1v1~1credits/get`), or one of the two alone; an entry
/// may name the whole or either half, exactly or by a prefix ending in `*`.
fn matches(pattern: &str, location: &str) -> bool {
    let mut names = vec![location];
    if let Some((place, _)) = location.split_once(" #") {
        // The pointer half keeps its `#`.
        names.extend([place, &location[place.len() + 1..]]);
    }
    names
        .into_iter()
        .any(|name| match pattern.strip_suffix('*') {
            Some(prefix) => name.starts_with(prefix),
            None => pattern == name,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_unknown_rules_missing_reasons_and_bad_dates() {
        let entry = |rule: &str, reason: &str, expires: &str| {
            format!("[[accept]]\nrule = {rule:?}\nlocation = \"x\"\nreason = {reason:?}\n{expires}")
        };
        assert!(Accepted::parse(&entry("type-renamed", "ok", "")).is_ok());
        let unknown = Accepted::parse(&entry("type-renamd", "ok", "")).unwrap_err();
        assert!(unknown.contains("\"type-renamd\""), "{unknown}");
        let no_reason = Accepted::parse(&entry("type-renamed", " ", "")).unwrap_err();
        assert!(no_reason.contains("reason"), "{no_reason}");
        let bad_date =
            Accepted::parse(&entry("type-renamed", "ok", "expires = \"2027-13-01\""))
                .unwrap_err();
        assert!(bad_date.contains("2027-13-01"), "{bad_date}");
    }

    #[test]
    fn a_prefix_ends_in_a_star() {
        assert!(matches("GET /a #/x*", "GET /a #/x/y"));
        assert!(!matches("GET /a #/x", "GET /a #/x/y"));
        assert!(matches("GET /a", "GET /a #/x/y"));
        assert!(matches("#/x/y", "GET /a #/x/y"));
        assert!(matches("#/x*", "GET /a #/x/y"));
        assert!(!matches("GET /a/b", "GET /a #/x/y"));
    }
}
