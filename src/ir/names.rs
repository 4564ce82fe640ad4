//! Rust identifiers, assigned once for the whole pipeline.
//!
//! Every name from the contract goes through here: transliterated to ASCII, split into words,
//! cased, kept off keywords and digits-first, and made unique within its scope. Uniqueness is
//! decided in sorted order of the contract names, so it does not depend on key order in the
//! document, and a collision gets a numeric suffix: two contract names never share one
//! identifier.

use foldhash::{HashMap, HashSet};
use std::cell::RefCell;
use std::collections::BTreeMap;

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Strict and reserved keywords of Rust 2021 and later editions, plus names that would shadow
/// prelude items in generated code.
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else",
    "enum", "extern", "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop",
    "match", "mod", "move", "mut", "pub", "ref", "return", "self", "static", "struct",
    "super", "trait", "true", "type", "unsafe", "use", "where", "while", "abstract",
    "become", "box", "do", "final", "macro", "override", "priv", "try", "typeof",
    "unsized", "virtual", "yield", "union",
];

/// Type names that would collide with what the generated crate imports or the prelude gives.
const RESERVED_TYPES: &[&str] = &[
    "Self", "Option", "Result", "Vec", "String", "Box", "Some", "None", "Ok", "Err",
    "Value", "Client", "Error",
];

/// Splits a contract name into ASCII words: non-ASCII letters are transliterated, anything
/// that is not alphanumeric separates words, and a boundary between two digit runs is kept
/// (so "16:9" stays distinct from "169").
fn words(raw: &str) -> Vec<String> {
    let ascii = deunicode::deunicode(raw);
    let mut words = Vec::new();
    let mut current = String::new();
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            current.push(c);
        } else if !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

thread_local! {
    static CAMEL: RefCell<HashMap<String, String>> = RefCell::default();
    static SNAKE: RefCell<HashMap<String, String>> = RefCell::default();
}

/// `case(raw)`, remembered by this thread. Casing is pure, and a large contract asks for the
/// same few names over and over (GitHub's description cases `url` and `node_id` thousands of
/// times); transliterating and splitting each time was a tenth of building its IR.
fn remembered(
    cache: &'static std::thread::LocalKey<RefCell<HashMap<String, String>>>,
    raw: &str,
    case: fn(&str) -> String,
) -> String {
    /// Bounds what a long-lived thread (a test runner's) keeps.
    const MOST: usize = 1 << 16;
    cache.with(|cache| {
        if let Some(cased) = cache.borrow().get(raw) {
            return cased.clone();
        }
        let cased = case(raw);
        let mut cache = cache.borrow_mut();
        if cache.len() >= MOST {
            cache.clear();
        }
        cache.insert(raw.to_owned(), cased.clone());
        cased
    })
}

/// UpperCamelCase, with `_` kept between two numbers: "16:9" → "16_9", "1:1" → "1_1".
fn camel(raw: &str) -> String {
    remembered(&CAMEL, raw, camel_uncached)
}

fn camel_uncached(raw: &str) -> String {
    let mut out = String::new();
    for word in words(raw) {
        let cased = word.to_upper_camel_case();
        let previous_digit = out.chars().last().is_some_and(|c| c.is_ascii_digit());
        if previous_digit && cased.starts_with(|c: char| c.is_ascii_digit()) {
            out.push('_');
        }
        out.push_str(&cased);
    }
    out
}

/// UpperCamelCase for building contract names of inline schemas (`PublicGeneration` +
/// `status` → `PublicGenerationStatus`); not yet a Rust identifier.
pub fn hint_part(raw: &str) -> String {
    camel(raw)
}

/// A type or variant name: UpperCamelCase, never empty, never starting with a digit.
pub fn type_name(raw: &str) -> String {
    let name = camel(raw);
    let name = if name.is_empty() {
        "Unnamed".to_owned()
    } else if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("V{name}")
    } else {
        name
    };
    if RESERVED_TYPES.contains(&name.as_str()) {
        format!("{name}Type")
    } else {
        name
    }
}

/// An enum variant name for a value: like `type_name`, but "16:9" reads as `V16_9` and signs
/// are spelled out so that "-1" and "1" stay apart.
pub fn variant_name(raw: &str) -> String {
    let spelled = if let Some(rest) = raw.strip_prefix('-') {
        format!("minus {rest}")
    } else if let Some(rest) = raw.strip_prefix('+') {
        format!("plus {rest}")
    } else {
        raw.to_owned()
    };
    let name = camel(&spelled);
    if name.is_empty() {
        return "Empty".to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("V{name}")
    } else if name == "Self" {
        "SelfValue".to_owned()
    } else {
        name
    }
}

/// A field, parameter or method name: snake_case, never a keyword, never starting with a digit.
pub fn field_name(raw: &str) -> String {
    remembered(&SNAKE, raw, field_name_uncached)
}

fn field_name_uncached(raw: &str) -> String {
    let joined = words(raw).join("_");
    let name = joined.to_snake_case();
    let name = if name.is_empty() {
        "value".to_owned()
    } else if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("n{name}")
    } else {
        name
    };
    if KEYWORDS.contains(&name.as_str()) {
        format!("{name}_")
    } else {
        name
    }
}

/// A scope in which identifiers must be unique (the types of a crate, the fields of a struct).
#[derive(Debug, Default, Clone)]
pub struct Namespace {
    taken: HashSet<String>,
    /// Per identifier already taken, the suffix to try next: every smaller one was taken when
    /// last tried, and nothing is ever freed, so n names colliding on one identifier cost n
    /// probes rather than n²/2.
    next_suffix: HashMap<String, usize>,
}

impl Namespace {
    pub fn new() -> Self {
        Self::default()
    }

    /// Marks identifiers as unavailable (for example, names the generated code itself uses).
    pub fn reserve<'a>(&mut self, names: impl IntoIterator<Item = &'a str>) {
        self.taken.extend(names.into_iter().map(str::to_owned));
    }

    /// Assigns identifiers to a set of contract names at once. Names are resolved in a fixed
    /// order: first those whose identifier is spelled exactly like the contract name, then by
    /// contract name, so `mime_type` keeps `mime_type` and `mimeType` becomes `mime_type_2`.
    pub fn assign_all<'a>(
        &mut self,
        raw_names: impl IntoIterator<Item = &'a str>,
        to_ident: fn(&str) -> String,
    ) -> BTreeMap<String, String> {
        let mut candidates: Vec<(bool, &str, String)> = raw_names
            .into_iter()
            .map(|raw| {
                let ident = to_ident(raw);
                (ident != raw, raw, ident)
            })
            .collect();
        candidates.sort();
        candidates.dedup_by(|a, b| a.1 == b.1);
        let mut assigned = BTreeMap::new();
        for (_, raw, ident) in candidates {
            let unique = self.claim(&ident);
            assigned.insert(raw.to_owned(), unique);
        }
        assigned
    }

    /// Takes `ident`, or `ident` with the smallest free numeric suffix.
    pub fn claim(&mut self, ident: &str) -> String {
        if self.taken.insert(ident.to_owned()) {
            return ident.to_owned();
        }
        // `self_` (a keyword kept off) takes `self_2`: a second underscore would make
        // `self__2`, which rustc's non_snake_case lint rejects.
        let separator = if ident.ends_with('_') {
            ""
        } else if ident.contains('_') || ident.chars().all(|c| !c.is_uppercase()) {
            "_"
        } else {
            ""
        };
        let start = self.next_suffix.get(ident).copied().unwrap_or(2);
        let (n, name) = (start..)
            .map(|n| (n, format!("{ident}{separator}{n}")))
            .find(|(_, candidate)| self.taken.insert(candidate.clone()))
            .expect("an unbounded range always yields a free name");
        self.next_suffix.insert(ident.to_owned(), n + 1);
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_digits_and_unicode() {
        assert_eq!(field_name("type"), "type_");
        assert_eq!(field_name("self"), "self_");
        assert_eq!(field_name("in"), "in_");
        assert_eq!(field_name("mimeType"), "mime_type");
        assert_eq!(field_name("2fa"), "n2fa");
        assert_eq!(field_name("café"), "cafe");
        assert_eq!(field_name("日本"), "ri_ben");
        assert_eq!(field_name("$$$"), "value");
        assert_eq!(type_name("public_api-model"), "PublicApiModel");
        assert_eq!(type_name("Self"), "SelfType");
        assert_eq!(type_name("1st"), "V1st");
        assert_eq!(variant_name("16:9"), "V16_9");
        assert_eq!(variant_name("169"), "V169");
        assert_eq!(variant_name("message.delta"), "MessageDelta");
        assert_eq!(variant_name("-1"), "Minus1");
        assert_eq!(variant_name(""), "Empty");
    }

    #[test]
    fn collisions_get_suffixes_independent_of_order() {
        let forward = Namespace::new().assign_all(["mimeType", "mime_type"], field_name);
        let backward =
            Namespace::new().assign_all(["mime_type", "mimeType"], field_name);
        assert_eq!(forward, backward);
        assert_eq!(forward["mime_type"], "mime_type");
        assert_eq!(forward["mimeType"], "mime_type_2");

        let types =
            Namespace::new().assign_all(["FooBar", "foo_bar", "foo-bar"], type_name);
        let mut idents: Vec<_> = types.values().cloned().collect();
        idents.sort();
        assert_eq!(idents, ["FooBar", "FooBar2", "FooBar3"]);

        // A keyword kept off with `_` takes no second underscore (non_snake_case).
        let fields = Namespace::new().assign_all(["self", "Self", "SELF"], field_name);
        let mut idents: Vec<_> = fields.values().cloned().collect();
        idents.sort();
        assert_eq!(idents, ["self_", "self_2", "self_3"]);
    }
}
