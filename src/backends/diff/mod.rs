//! Breaking-change detection between two versions of the contract.
//!
//! Two IRs are compared, never two texts, so key order, formatting, JSON against YAML and the
//! order of catalog entries mean nothing. Every finding names a rule of the registry in
//! [`rules`]; the rule, not the check, decides its level, so the README's table and the
//! behaviour cannot drift apart.

pub mod accept;
mod catalog;
pub mod levels;
mod operations;
pub mod report;
pub mod rules;
mod schema;
mod subsume;

use serde::Serialize;

use crate::ir::Ir;
pub use rules::RuleId;

/// The level of change at which `diff` and `update` fail (`--fail-on`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    /// Any breaking finding, whether it breaks the wire contract or only the generated SDK.
    Breaking,
    /// Only findings that break the wire contract (what the API's versioning policy forbids).
    Wire,
    /// Breaking findings and warnings.
    Warning,
    Never,
}

impl FailOn {
    /// Whether `change` fails a job gated at this level; an accepted finding never does.
    pub fn counts(self, change: &Change) -> bool {
        change.accepted.is_none()
            && match self {
                FailOn::Breaking => change.level >= Level::Breaking,
                FailOn::Wire => {
                    change.level >= Level::Breaking
                        && change.breaks == Some(Breaks::Wire)
                }
                FailOn::Warning => change.level >= Level::Warning,
                FailOn::Never => false,
            }
    }

    /// The spelling `--fail-on` takes.
    pub fn as_str(self) -> &'static str {
        match self {
            FailOn::Breaking => "breaking",
            FailOn::Wire => "wire",
            FailOn::Warning => "warning",
            FailOn::Never => "never",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Info,
    Warning,
    Breaking,
}

impl Level {
    pub fn parse(name: &str) -> Option<Level> {
        [Level::Info, Level::Warning, Level::Breaking]
            .into_iter()
            .find(|level| level.as_str() == name)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Info => "info",
            Level::Warning => "warning",
            Level::Breaking => "breaking",
        }
    }
}

/// What a breaking finding breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Breaks {
    /// The wire contract: a request valid before is refused, or a response a client could
    /// read before is different. The API's policy calls it breaking; it needs a new API version.
    Wire,
    /// Only the generated SDK: a type, variant or method renamed or retyped while the wire
    /// accepts and sends what it did. The crate's semver-major, not the API's.
    Sdk,
}

impl Breaks {
    pub fn as_str(self) -> &'static str {
        match self {
            Breaks::Wire => "wire",
            Breaks::Sdk => "sdk",
        }
    }

    /// What a finding of this rule at this level breaks; `None` below breaking.
    pub fn of(id: RuleId, level: Level) -> Option<Breaks> {
        (level == Level::Breaking).then(|| {
            if id.rule().sdk_only() {
                Breaks::Sdk
            } else {
                Breaks::Wire
            }
        })
    }
}

/// The SDK version bump a report calls for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Semver {
    None,
    Patch,
    Minor,
    Major,
}

impl Semver {
    pub fn as_str(self) -> &'static str {
        match self {
            Semver::None => "none",
            Semver::Patch => "patch",
            Semver::Minor => "minor",
            Semver::Major => "major",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Change {
    pub id: RuleId,
    pub level: Level,
    /// `METHOD /path #/json/pointer`, `webhook NAME #/pointer`, or `model ID params.NAME`.
    pub location: String,
    pub message: String,
    /// For breaking findings, whether they break the wire contract or only the SDK.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub breaks: Option<Breaks>,
    /// The reason a team accepted this finding (see [`accept`]); it then fails no job.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accepted: Option<String>,
    /// Where the changed node stands: in the new document, or in the old one for what was
    /// removed. Only documents read from files have positions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<Position>,
}

/// `file:line:column` of a finding, 1-based.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Position {
    pub file: String,
    pub line: usize,
    pub column: usize,
}

impl Change {
    /// The JSON pointer of the finding's location, when it has one.
    pub fn pointer(&self) -> Option<&str> {
        self.location.split_once(" #").map(|(_, pointer)| pointer)
    }
}

impl Change {
    pub fn rule(&self) -> &'static rules::Rule {
        self.id.rule()
    }

    /// The SDK bump this finding calls for. Its level decides whether that is major, so a team
    /// that raises or lowers a rule moves the bump with it.
    pub fn bump(&self) -> Semver {
        match (self.level, self.rule().section) {
            (Level::Breaking, _) => Semver::Major,
            (_, rules::Section::Breaking) => Semver::Minor,
            (_, section) => section.bump(),
        }
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    /// Most severe first, then by location: the order never depends on document order.
    pub changes: Vec<Change>,
    /// Rules whose level a team changed for this report.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub overrides: Vec<levels::Override>,
    /// Acceptances whose expiry date has passed: they accept nothing any more.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub expired: Vec<accept::Expired>,
}

impl Report {
    pub fn breaking(&self) -> bool {
        self.changes.iter().any(|c| c.level == Level::Breaking)
    }

    pub fn semver(&self) -> Semver {
        self.changes
            .iter()
            .map(Change::bump)
            .max()
            .unwrap_or(Semver::None)
    }

    pub fn count(&self, level: Level) -> usize {
        self.changes.iter().filter(|c| c.level == level).count()
    }

    /// Breaking findings of one kind.
    pub fn count_breaks(&self, breaks: Breaks) -> usize {
        self.changes
            .iter()
            .filter(|c| c.breaks == Some(breaks))
            .count()
    }

    /// Some finding that no one accepted breaks the wire contract.
    pub fn breaks_wire(&self) -> bool {
        self.changes
            .iter()
            .any(|c| c.breaks == Some(Breaks::Wire) && c.accepted.is_none())
    }

    /// Some finding fails a job gated at `fail_on`.
    pub fn fails(&self, fail_on: FailOn) -> bool {
        self.changes.iter().any(|c| fail_on.counts(c))
    }

    pub fn count_accepted(&self) -> usize {
        self.changes.iter().filter(|c| c.accepted.is_some()).count()
    }
}

/// Compares two versions of the contract.
pub fn diff(old: &Ir, new: &Ir) -> Report {
    let mut out = Changes::default();
    operations::compare(old, new, &mut out);
    catalog::compare(old.catalog.as_ref(), new.catalog.as_ref(), &mut out);
    out.finish()
}

/// Collects changes; the level of each comes from its rule.
#[derive(Default)]
pub(crate) struct Changes {
    changes: Vec<Change>,
}

impl Changes {
    pub fn emit(
        &mut self,
        id: RuleId,
        location: impl Into<String>,
        message: impl Into<String>,
    ) {
        let rule = id.rule();
        self.changes.push(Change {
            id: rule.id,
            level: rule.level,
            location: location.into(),
            message: message.into(),
            breaks: Breaks::of(rule.id, rule.level),
            accepted: None,
            position: None,
        });
    }

    fn finish(mut self) -> Report {
        sort(&mut self.changes);
        self.changes.dedup();
        Report {
            changes: shared_once(self.changes),
            overrides: Vec::new(),
            expired: Vec::new(),
        }
    }
}

/// Most severe first, then by location, rule and message.
fn sort(changes: &mut [Change]) {
    changes.sort_by(|a, b| {
        (b.level, &a.location, a.id, &a.message).cmp(&(
            a.level,
            &b.location,
            b.id,
            &b.message,
        ))
    });
}

/// A change inside a shared component (a parameter or response used by many operations) is
/// one edit: it is reported at the first operation that uses it, with the number of others.
fn shared_once(changes: Vec<Change>) -> Vec<Change> {
    fn shared_key(change: &Change) -> Option<(RuleId, String, String)> {
        let (_, pointer) = change.location.split_once(" #")?;
        pointer
            .starts_with("/components/")
            .then(|| (change.id, pointer.to_owned(), change.message.clone()))
    }
    let mut others: foldhash::HashMap<(RuleId, String, String), usize> =
        foldhash::HashMap::default();
    for key in changes.iter().filter_map(shared_key) {
        *others.entry(key).or_insert(0) += 1;
    }
    let mut out = Vec::with_capacity(changes.len());
    for mut change in changes {
        if let Some(key) = shared_key(&change) {
            match others.remove(&key) {
                Some(1) => {}
                Some(count) => {
                    let more = count - 1;
                    let s = if more == 1 { "" } else { "s" };
                    change.message =
                        format!("{} (and {more} other operation{s})", change.message);
                }
                None => continue,
            }
        }
        out.push(change);
    }
    out
}

/// "a required", "an optional".
pub(crate) fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

/// Quotes a name from the contract for a message, as a Markdown code span: a name holding
/// backticks gets a longer fence (and the padding CommonMark strips), so reports can render
/// the span without guessing where it ends.
pub(crate) fn q(name: &str) -> String {
    if !name.contains('`') {
        return format!("`{name}`");
    }
    let longest_run = name.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest_run + 1);
    format!("{fence} {name} {fence}")
}
