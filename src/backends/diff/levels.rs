//! A team's own levels for rules, read from a file (as oasdiff's `--severity-levels`): one
//! `rule-id level` per line, `#` starting a comment. The registry stays the default; every
//! override in effect is listed in the report, so a relaxed gate is never silent.

use std::collections::BTreeMap;

use serde::Serialize;

use super::rules::RuleId;
use super::{Level, Report};

#[derive(Debug, Clone, Default)]
pub struct LevelOverrides {
    levels: BTreeMap<RuleId, Level>,
}

/// One rule whose level the team changed, as the report shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Override {
    pub rule: RuleId,
    pub from: Level,
    pub to: Level,
}

impl LevelOverrides {
    /// Reads the file's text; the error names the line (1-based) and what is wrong with it.
    pub fn parse(text: &str) -> Result<LevelOverrides, String> {
        let mut levels = BTreeMap::new();
        for (index, line) in text.lines().enumerate() {
            let line_number = index + 1;
            let content = line.split('#').next().unwrap_or("").trim();
            if content.is_empty() {
                continue;
            }
            let mut words = content.split_whitespace();
            let (Some(id), Some(level), None) =
                (words.next(), words.next(), words.next())
            else {
                return Err(format!(
                    "line {line_number}: expected `rule-id level`, found {content:?}"
                ));
            };
            let rule = RuleId::parse(id).ok_or_else(|| {
                format!("line {line_number}: no diff rule is called {id:?}")
            })?;
            let level = Level::parse(level).ok_or_else(|| {
                format!(
                    "line {line_number}: {level:?} is not a level (breaking, warning or info)"
                )
            })?;
            if levels.insert(rule, level).is_some() {
                return Err(format!("line {line_number}: {id} is set twice"));
            }
        }
        Ok(LevelOverrides { levels })
    }

    /// The overrides that differ from the registry, in rule order.
    pub fn effective(&self) -> Vec<Override> {
        self.levels
            .iter()
            .filter(|(rule, level)| rule.rule().level != **level)
            .map(|(&rule, &to)| Override {
                rule,
                from: rule.rule().level,
                to,
            })
            .collect()
    }

    /// Re-levels the report's findings and records the overrides in it.
    pub fn apply(&self, report: &mut Report) {
        report.overrides = self.effective();
        if report.overrides.is_empty() {
            return;
        }
        for change in &mut report.changes {
            if let Some(&level) = self.levels.get(&change.id) {
                change.level = level;
                change.breaks = super::Breaks::of(change.id, level);
            }
        }
        super::sort(&mut report.changes);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_lines_comments_and_refuses_what_it_cannot_read() {
        let overrides = LevelOverrides::parse(
            "# our gate\nresponse-enum-value-added warning\n\nsse-event-type-added breaking # strict readers\n",
        )
        .unwrap();
        assert_eq!(
            overrides.effective(),
            vec![
                Override {
                    rule: RuleId::ResponseEnumValueAdded,
                    from: Level::Breaking,
                    to: Level::Warning
                },
                Override {
                    rule: RuleId::SseEventTypeAdded,
                    from: Level::Warning,
                    to: Level::Breaking
                },
            ]
        );
        let unknown =
            LevelOverrides::parse("x\nresponse-enum-valu-added info").unwrap_err();
        assert!(unknown.starts_with("line 1:"), "{unknown}");
        let bad_level = LevelOverrides::parse("model-added fatal").unwrap_err();
        assert!(bad_level.contains("\"fatal\""), "{bad_level}");
        let twice =
            LevelOverrides::parse("model-added info\nmodel-added warning").unwrap_err();
        assert!(twice.starts_with("line 2:"), "{twice}");
    }

    #[test]
    fn an_override_equal_to_the_registry_is_not_reported() {
        let same = LevelOverrides::parse("operation-removed breaking").unwrap();
        assert!(same.effective().is_empty());
    }
}
