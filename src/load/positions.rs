//! Where JSON pointers stand in a document's text (`line:column`, both 1-based), for reports
//! that pin a finding to the changed line.
//!
//! Only the pointers asked for are located: the scan descends into a member only when some
//! pointer asked for goes through it, so a 13 MB document costs one pass with almost nothing
//! kept. JSON is read exactly; YAML in block style (what OpenAPI documents are written in) by
//! its indentation, with flow collections (`[a, b]`, `{a: b}`) taken as leaves. A pointer the
//! scan cannot place is left out: a position helps, it is never required.

use foldhash::{HashMap, HashSet};

/// A position in a text: 1-based line and column (in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// Locates `pointers` in `text`; JSON when the text starts with `{` or `[`, YAML otherwise.
/// A member's position is that of its key; an array item's, that of the item.
pub fn locate<'p>(text: &str, pointers: &[&'p str]) -> HashMap<&'p str, Position> {
    let wanted: HashSet<&str> = pointers.iter().copied().collect();
    let mut through: HashSet<&str> = HashSet::default();
    for pointer in pointers {
        let mut at = 0;
        while let Some(slash) = pointer[at..].find('/') {
            through.insert(&pointer[..at + slash]);
            at += slash + 1;
        }
        through.insert(pointer);
    }
    let mut found: HashMap<String, Position> = HashMap::default();
    if text.trim_start().starts_with(['{', '[']) {
        let mut scan = Json {
            bytes: text.as_bytes(),
            at: 0,
            line: 1,
            line_start: 0,
            text,
        };
        scan.value(&mut String::new(), &through, &wanted, &mut found);
    } else {
        yaml(text, &through, &wanted, &mut found);
    }
    if wanted.contains("") {
        found.insert(String::new(), Position { line: 1, column: 1 });
    }
    pointers
        .iter()
        .filter_map(|p| found.get(*p).map(|pos| (*p, *pos)))
        .collect()
}

/// A JSON pointer token for a member name.
fn escape(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

struct Json<'t> {
    text: &'t str,
    bytes: &'t [u8],
    at: usize,
    line: usize,
    line_start: usize,
}

impl Json<'_> {
    fn position(&self) -> Position {
        Position {
            line: self.line,
            column: self.text[self.line_start..self.at].chars().count() + 1,
        }
    }

    fn skip_space(&mut self) {
        while let Some(&b) = self.bytes.get(self.at) {
            match b {
                b'\n' => {
                    self.at += 1;
                    self.line += 1;
                    self.line_start = self.at;
                }
                b' ' | b'\t' | b'\r' => self.at += 1,
                _ => break,
            }
        }
    }

    /// Reads a string at the cursor (which is on its `"`) and returns its raw contents. Strings
    /// are most of a description's bytes (and hold no raw line breaks), so the scan jumps from
    /// one quote or backslash to the next.
    fn string(&mut self) -> &str {
        let start = self.at + 1;
        self.at += 1;
        while let Some(found) =
            memchr::memchr2(b'"', b'\\', &self.bytes[self.at.min(self.bytes.len())..])
        {
            self.at += found;
            if self.bytes[self.at] == b'\\' {
                self.at += 2;
                continue;
            }
            self.at += 1;
            return self.text.get(start..self.at - 1).unwrap_or("");
        }
        self.at = self.bytes.len();
        ""
    }

    /// Skips one value without recording anything.
    fn skip(&mut self) {
        let mut depth = 0usize;
        loop {
            self.skip_space();
            let Some(&b) = self.bytes.get(self.at) else {
                return;
            };
            match b {
                b'"' => {
                    self.string();
                }
                b'{' | b'[' => {
                    depth += 1;
                    self.at += 1;
                }
                b'}' | b']' => {
                    depth = depth.saturating_sub(1);
                    self.at += 1;
                }
                b',' | b':' => self.at += 1,
                _ => {
                    while self
                        .bytes
                        .get(self.at)
                        .is_some_and(|b| !b",:]} \t\r\n".contains(b))
                    {
                        self.at += 1;
                    }
                }
            }
            if depth == 0 && !matches!(b, b',' | b':') {
                return;
            }
        }
    }

    fn value(
        &mut self,
        path: &mut String,
        through: &HashSet<&str>,
        wanted: &HashSet<&str>,
        found: &mut HashMap<String, Position>,
    ) {
        self.skip_space();
        match self.bytes.get(self.at) {
            Some(b'{') => {
                self.at += 1;
                loop {
                    self.skip_space();
                    match self.bytes.get(self.at) {
                        Some(b'"') => {}
                        Some(b',') => {
                            self.at += 1;
                            continue;
                        }
                        Some(b'}') => {
                            self.at += 1;
                            return;
                        }
                        _ => return,
                    }
                    let position = self.position();
                    let key = self.string().to_owned();
                    self.skip_space();
                    if self.bytes.get(self.at) == Some(&b':') {
                        self.at += 1;
                    }
                    let len = path.len();
                    path.push('/');
                    // Keys with escapes are rare in OpenAPI; their raw text is used as is.
                    path.push_str(&escape(&key));
                    self.member(path, position, through, wanted, found);
                    path.truncate(len);
                }
            }
            Some(b'[') => {
                self.at += 1;
                let mut index = 0usize;
                loop {
                    self.skip_space();
                    match self.bytes.get(self.at) {
                        Some(b',') => {
                            self.at += 1;
                            continue;
                        }
                        Some(b']') => {
                            self.at += 1;
                            return;
                        }
                        None => return,
                        _ => {}
                    }
                    let position = self.position();
                    let len = path.len();
                    path.push('/');
                    path.push_str(&index.to_string());
                    self.member(path, position, through, wanted, found);
                    path.truncate(len);
                    index += 1;
                }
            }
            _ => self.skip(),
        }
    }

    fn member(
        &mut self,
        path: &mut String,
        position: Position,
        through: &HashSet<&str>,
        wanted: &HashSet<&str>,
        found: &mut HashMap<String, Position>,
    ) {
        if wanted.contains(path.as_str()) {
            found.insert(path.clone(), position);
        }
        if through.contains(path.as_str()) {
            self.value(path, through, wanted, found);
        } else {
            self.skip();
        }
    }
}

/// Block-style YAML by indentation: each line's key (or `-` item) is placed under the nearest
/// less-indented open node.
fn yaml(
    text: &str,
    through: &HashSet<&str>,
    wanted: &HashSet<&str>,
    found: &mut HashMap<String, Position>,
) {
    // Open nodes: indent of their key or dash, pointer, next item index, whether an item.
    let mut stack: Vec<(isize, String, usize, bool)> =
        vec![(-1, String::new(), 0, false)];
    let mut block_scalar: Option<isize> = None;
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let trimmed = raw.trim_start();
        let mut indent = (raw.len() - trimmed.len()) as isize;
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if let Some(scalar_indent) = block_scalar {
            if indent > scalar_indent {
                continue;
            }
            block_scalar = None;
        }
        if trimmed == "---" || trimmed.starts_with("--- ") {
            continue;
        }
        let mut rest = trimmed;
        // `- ` items, possibly `- - x` or `- key: value` on the same line.
        loop {
            let after = match rest.strip_prefix("- ") {
                Some(after) => after,
                None if rest == "-" => "",
                None => break,
            };
            while stack.len() > 1 && {
                let top = stack.last().unwrap();
                top.0 > indent || (top.0 == indent && top.3)
            } {
                stack.pop();
            }
            let top = stack.last_mut().unwrap();
            let pointer = format!("{}/{}", top.1, top.2);
            top.2 += 1;
            if wanted.contains(pointer.as_str()) {
                let column = raw.len() - rest.len() + 1;
                found.insert(pointer.clone(), Position { line, column });
            }
            stack.push((indent, pointer, 0, true));
            let content = after.trim_start();
            indent += (rest.len() - content.len()) as isize;
            rest = content;
        }
        if rest.is_empty() {
            continue;
        }
        let Some((key, value)) = split_key(rest) else {
            continue;
        };
        while stack.len() > 1 && stack.last().unwrap().0 >= indent {
            stack.pop();
        }
        let parent = stack.last().map(|top| top.1.clone()).unwrap_or_default();
        let pointer = format!("{parent}/{}", escape(&key));
        if wanted.contains(pointer.as_str()) {
            let column = raw[..raw.len() - rest.len()].chars().count() + 1;
            found.insert(pointer.clone(), Position { line, column });
        }
        let value = value.trim();
        if value.starts_with('|') || value.starts_with('>') {
            block_scalar = Some(indent);
        }
        if through.contains(pointer.as_str()) || value.is_empty() {
            stack.push((indent, pointer, 0, false));
        }
    }
}

/// `key: value` (or `"key": value`, `'key': value`) → the key unquoted and the rest.
fn split_key(text: &str) -> Option<(String, &str)> {
    if let Some(quote) = text.chars().next().filter(|c| *c == '"' || *c == '\'') {
        let end = text[1..].find(quote)? + 1;
        let key = text[1..end].to_owned();
        let rest = text[end + 1..].trim_start().strip_prefix(':')?;
        return Some((key, rest));
    }
    let mut search = 0;
    while let Some(colon) = text[search..].find(':') {
        let at = search + colon;
        let after = &text[at + 1..];
        if after.is_empty() || after.starts_with([' ', '\t']) {
            return Some((text[..at].trim_end().to_owned(), after));
        }
        search = at + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str, pointer: &str) -> Option<(usize, usize)> {
        locate(text, &[pointer])
            .get(pointer)
            .map(|p| (p.line, p.column))
    }

    const JSON: &str = "{\n  \"paths\": {\n    \"/a/{b}\": {\n      \"get\": {\"x\": [1, {\"y\": 2}]}\n    }\n  },\n  \"k~\": 1\n}\n";

    #[test]
    fn json_members_and_items() {
        assert_eq!(at(JSON, "/paths"), Some((2, 3)));
        assert_eq!(at(JSON, "/paths/~1a~1{b}/get"), Some((4, 7)));
        assert_eq!(at(JSON, "/paths/~1a~1{b}/get/x/1/y"), Some((4, 25)));
        assert_eq!(at(JSON, "/k~0"), Some((7, 3)));
        assert_eq!(at(JSON, "/paths/nowhere"), None);
    }

    const YAML: &str = "openapi: 3.1.0\npaths:\n  /a/{b}:\n    get:\n      description: |\n        x: not a key\n      tags:\n        - one\n        - name: two\n          x: 1\n      'q': 2\n";

    #[test]
    fn yaml_keys_items_and_block_scalars() {
        assert_eq!(at(YAML, "/paths"), Some((2, 1)));
        assert_eq!(at(YAML, "/paths/~1a~1{b}/get"), Some((4, 5)));
        assert_eq!(at(YAML, "/paths/~1a~1{b}/get/description/x"), None);
        assert_eq!(at(YAML, "/paths/~1a~1{b}/get/tags/0"), Some((8, 9)));
        assert_eq!(at(YAML, "/paths/~1a~1{b}/get/tags/1/name"), Some((9, 11)));
        assert_eq!(at(YAML, "/paths/~1a~1{b}/get/tags/1/x"), Some((10, 11)));
        assert_eq!(at(YAML, "/paths/~1a~1{b}/get/q"), Some((11, 7)));
    }
}
