//! Rust identifiers, assigned once for the whole pipeline.
//!
//! Every name from the contract goes through here: transliterated to ASCII, split into words,
//! cased, kept off keywords and digits-first, and made unique within its scope. Uniqueness is
//! decided in sorted order of the contract names, so it does not depend on key order in the
//! document, and a collision gets a numeric suffix: two contract names never share one
//! identifier.

use foldhash::{HashMap, HashSet};
use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::BTreeMap;

use heck::ToSnakeCase;

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

/// A contract name in ASCII: non-ASCII letters are transliterated.
fn ascii(raw: &str) -> Cow<'_, str> {
    if raw.is_ascii() {
        Cow::Borrowed(raw)
    } else {
        Cow::Owned(deunicode::deunicode(raw))
    }
}

/// Splits an ASCII name into words: anything that is not alphanumeric separates words, and a
/// boundary between two digit runs is kept (so "16:9" stays distinct from "169").
fn words(ascii: &str) -> impl Iterator<Item = &str> {
    ascii
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
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
    let ascii = ascii(raw);
    let mut out = String::with_capacity(ascii.len());
    for word in words(&ascii) {
        let previous_digit = out.ends_with(|c: char| c.is_ascii_digit());
        if previous_digit && word.starts_with(|c: char| c.is_ascii_digit()) {
            out.push('_');
        }
        push_upper_camel(word, &mut out);
    }
    out
}

/// Appends heck's UpperCamelCase of `word`, a run of ASCII letters and digits, to `out`. heck
/// cases any Unicode text one `char` at a time through `fmt`, some 4,500 instructions a word,
/// and its IR build cases tens of thousands of words on one core; its rules are kept to the
/// letter (the test below compares the two on every short word and many long ones): a word
/// ends before an uppercase letter that follows a lowercase one (digits after a lowercase
/// letter count as lowercase), and before the last of a run of uppercase letters followed by a
/// lowercase one, so `HTTPServer` is `HttpServer` and `v2Beta` is `V2Beta`.
fn push_upper_camel(word: &str, out: &mut String) {
    #[derive(Clone, Copy, PartialEq)]
    enum Run {
        Start,
        Lower,
        Upper,
    }
    let bytes = word.as_bytes();
    let mut start = 0;
    let mut run = Run::Start;
    for (i, &c) in bytes.iter().enumerate() {
        let Some(&next) = bytes.get(i + 1) else {
            push_capitalized(&word[start..], out);
            break;
        };
        let with_c = if c.is_ascii_lowercase() {
            Run::Lower
        } else if c.is_ascii_uppercase() {
            Run::Upper
        } else {
            run
        };
        if with_c == Run::Lower && next.is_ascii_uppercase() {
            push_capitalized(&word[start..=i], out);
            start = i + 1;
            run = Run::Start;
        } else if run == Run::Upper
            && c.is_ascii_uppercase()
            && next.is_ascii_lowercase()
        {
            push_capitalized(&word[start..i], out);
            start = i;
            run = Run::Start;
        } else {
            run = with_c;
        }
    }
}

fn push_capitalized(part: &str, out: &mut String) {
    let mut chars = part.chars();
    if let Some(first) = chars.next() {
        out.push(first.to_ascii_uppercase());
        out.extend(chars.map(|c| c.to_ascii_lowercase()));
    }
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
    let joined = words(&ascii(raw)).collect::<Vec<_>>().join("_");
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

    /// `push_upper_camel` is heck's UpperCamelCase on ASCII words: on every word of up to
    /// six characters over lower and upper letters and a digit, and on long pseudo-random
    /// words over all of them.
    #[test]
    fn upper_camel_is_hecks() {
        use heck::ToUpperCamelCase;
        fn ours(word: &str) -> String {
            let mut out = String::new();
            push_upper_camel(word, &mut out);
            out
        }
        let alphabet = ['a', 'b', 'A', 'B', '1'];
        let mut words = vec![String::new()];
        let mut checked = 0;
        for _ in 0..6 {
            words = words
                .iter()
                .flat_map(|word| alphabet.iter().map(move |c| format!("{word}{c}")))
                .collect();
            for word in &words {
                assert_eq!(ours(word), word.to_upper_camel_case(), "{word}");
                checked += 1;
            }
        }
        assert_eq!(checked, 5 + 25 + 125 + 625 + 3125 + 15625);
        let all: Vec<char> = ('a'..='z').chain('A'..='Z').chain('0'..='9').collect();
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..20_000 {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let len = 1 + (state >> 59) as usize;
            let word: String = (0..len)
                .map(|k| {
                    let pick = state.rotate_left(7 * k as u32 + 3) % 100;
                    // Mostly letters of one case at a time, as real names are.
                    all[if pick < 45 {
                        pick % 26
                    } else if pick < 90 {
                        26 + pick % 26
                    } else {
                        52 + pick % 10
                    } as usize]
                })
                .collect();
            assert_eq!(ours(&word), word.to_upper_camel_case(), "{word}");
        }
        for word in [
            "HTTPServer",
            "v2Beta",
            "ABC",
            "aB1c",
            "OAuth2Token",
            "iOS",
            "x",
        ] {
            assert_eq!(ours(word), word.to_upper_camel_case(), "{word}");
        }
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
