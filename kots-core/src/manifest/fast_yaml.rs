//! A fast reader for the plain block-style YAML that almost every Kubernetes manifest and
//! license is written in. It exists for speed only: serde-saphyr costs about 30 ns a byte, which
//! made YAML most of the cost of verifying a license and of rendering a release.
//!
//! It accepts a strict subset: block mappings and sequences (including the compact `- key: v`
//! form), single-line plain and quoted scalars, block scalars (`|` and `>` with any chomping;
//! folding only in its simple form), the empty flow collections `{}` and `[]`, and comments. On
//! anything else (anchors, tags, flow collections with content, multi-line plain or quoted
//! scalars, tabs, numbers in unusual spellings, documents near the parsing limits, ...) it gives
//! up and returns `None`, and the caller parses the document with serde-saphyr. Whenever it
//! returns a value, that value is the one serde-saphyr and our go-yaml typing would produce: the
//! differential tests in `fast_yaml/tests.rs` and the `manifest` fuzz target check exactly that.

use serde_json::{Map, Value};

use super::go_yaml::float_value;
use super::Limits;

/// Parses one document, or `None` when it is outside the subset this reader handles.
pub(crate) fn parse(text: &str, limits: &Limits) -> Option<Value> {
    // Folded without an early exit, so that the compiler vectorises it.
    let ascii = text.bytes().fold(true, |ok, b| {
        ok & (b == b'\n' || (b' '..=b'~').contains(&b))
    });
    if !ascii && !text.chars().all(plain_char) {
        return None;
    }
    let mut reader = Reader {
        lines: text.split('\n').map(Line::new).collect(),
        pos: 0,
        nodes: 0,
        // Stay well inside serde-saphyr's budget, so a document it would refuse is never
        // accepted here.
        max_nodes: limits.max_nodes / 2,
        max_depth: limits.max_depth / 2,
    };
    reader.skip_insignificant();
    if reader
        .peek()
        .is_some_and(|l| l.indent == 0 && l.text == "---")
    {
        reader.pos += 1;
        reader.skip_insignificant();
    }
    if reader.lines[reader.pos..]
        .iter()
        .any(|l| document_marker(l.raw))
    {
        return None;
    }
    let Some(first) = reader.peek() else {
        return Some(Value::Null);
    };
    let value = reader.block_node(first.indent, 0)?;
    reader.skip_insignificant();
    (reader.pos == reader.lines.len()).then_some(value)
}

/// `---` or `...` at the start of a line, alone or before a space: YAML's document markers.
fn document_marker(raw: &str) -> bool {
    (raw.starts_with("---") || raw.starts_with("..."))
        && matches!(raw.as_bytes().get(3), None | Some(b' '))
}

/// Characters this reader lets through: printable ASCII, newlines, and non-ASCII text other than
/// the characters YAML treats as line breaks, byte-order marks or non-printable.
fn plain_char(c: char) -> bool {
    match c {
        '\n' | ' '..='~' => true,
        '\u{0}'..='\u{a0}' | '\u{2028}' | '\u{2029}' | '\u{feff}' => false,
        '\u{fffe}' | '\u{ffff}' => false,
        _ => true,
    }
}

#[derive(Clone, Copy)]
struct Line<'a> {
    /// Leading spaces.
    indent: usize,
    /// The line after its indentation.
    text: &'a str,
    /// The whole line, for block scalars.
    raw: &'a str,
}

impl<'a> Line<'a> {
    fn new(raw: &'a str) -> Line<'a> {
        let text = raw.trim_start_matches(' ');
        Line {
            indent: raw.len() - text.len(),
            text,
            raw,
        }
    }

    /// Blank or comment only.
    fn insignificant(&self) -> bool {
        self.text.is_empty() || self.text.starts_with('#')
    }
}

struct Reader<'a> {
    lines: Vec<Line<'a>>,
    pos: usize,
    nodes: usize,
    max_nodes: usize,
    max_depth: usize,
}

/// A typed plain or quoted scalar.
enum Scalar {
    Value(Value),
    /// Outside the subset: let serde-saphyr decide.
    Unknown,
}

impl<'a> Reader<'a> {
    fn peek(&self) -> Option<Line<'a>> {
        self.lines.get(self.pos).copied()
    }

    fn skip_insignificant(&mut self) {
        while self.peek().is_some_and(|l| l.insignificant()) {
            self.pos += 1;
        }
    }

    fn count_node(&mut self, depth: usize) -> Option<()> {
        self.nodes += 1;
        (self.nodes <= self.max_nodes && depth <= self.max_depth).then_some(())
    }

    /// A block mapping or sequence whose first line is the current one, at `indent`.
    fn block_node(&mut self, indent: usize, depth: usize) -> Option<Value> {
        let line = self.peek()?;
        if is_sequence_entry(line.text) {
            self.sequence(indent, depth)
        } else {
            self.mapping(indent, depth)
        }
    }

    fn mapping(&mut self, indent: usize, depth: usize) -> Option<Value> {
        self.count_node(depth)?;
        // Collected first, so that the map is built at its final size (no rehashing as it grows);
        // a repeated key keeps its first position and its last value, as inserting would.
        let mut entries = Vec::new();
        loop {
            self.skip_insignificant();
            let Some(line) = self.peek() else { break };
            if line.indent < indent || (line.indent == indent && is_sequence_entry(line.text)) {
                break;
            }
            if line.indent > indent {
                return None;
            }
            let (key, rest) = split_key(line.text)?;
            let value = self.value_after_indicator(rest, Parent::Mapping(indent), depth + 1)?;
            entries.push((key, value));
        }
        Some(Value::Object(entries.into_iter().collect::<Map<_, _>>()))
    }

    fn sequence(&mut self, indent: usize, depth: usize) -> Option<Value> {
        self.count_node(depth)?;
        let mut items = Vec::new();
        loop {
            self.skip_insignificant();
            let Some(line) = self.peek() else { break };
            if line.indent < indent || (line.indent == indent && !is_sequence_entry(line.text)) {
                break;
            }
            if line.indent > indent {
                return None;
            }
            let rest = line.text[1..].trim_start_matches(' ');
            if rest.starts_with('-') && is_sequence_entry(rest) {
                return None; // `- - x`
            }
            if split_key(rest).is_some() {
                // `- key: value`: a mapping whose keys line up with this first key.
                let column = line.raw.len() - rest.len();
                self.lines[self.pos] = Line {
                    indent: column,
                    text: rest,
                    raw: line.raw,
                };
                items.push(self.mapping(column, depth + 1)?);
            } else {
                items.push(self.value_after_indicator(
                    rest,
                    Parent::Sequence(indent),
                    depth + 1,
                )?);
            }
        }
        Some(Value::Array(items))
    }

    /// The value after `key:` or `- ` on the current line (`rest`): inline, a block scalar, or a
    /// block node on the following lines.
    fn value_after_indicator(&mut self, rest: &str, parent: Parent, depth: usize) -> Option<Value> {
        self.count_node(depth)?;
        let indent = parent.indent();
        self.pos += 1;
        if rest.is_empty() || rest.starts_with('#') {
            return self.nested_block(parent, depth);
        }
        if rest.starts_with(['|', '>']) {
            return self.block_scalar(rest, indent);
        }
        let value = match inline_value(rest)? {
            Scalar::Value(value) => value,
            Scalar::Unknown => return None,
        };
        // A more indented line after an inline value would continue a multi-line scalar.
        self.skip_insignificant();
        match self.peek() {
            Some(next) if next.indent > indent => None,
            _ => Some(value),
        }
    }

    /// The block node on the lines after `key:` or `-`, or null when there is none.
    fn nested_block(&mut self, parent: Parent, depth: usize) -> Option<Value> {
        self.skip_insignificant();
        let indent = parent.indent();
        match self.peek() {
            Some(next) if next.indent > indent => self.block_node(next.indent, depth),
            // A mapping's sequence value may sit at its key's indentation (`key:\n- a`).
            Some(next)
                if matches!(parent, Parent::Mapping(_))
                    && next.indent == indent
                    && is_sequence_entry(next.text) =>
            {
                self.sequence(indent, depth)
            }
            _ => Some(Value::Null),
        }
    }

    /// A block scalar (`|` or `>`, then `-`, `+` or nothing) whose content is more indented
    /// than `parent`.
    fn block_scalar(&mut self, header: &str, parent: usize) -> Option<Value> {
        let folded = header.starts_with('>');
        let chomp = match &header[1..] {
            "" => Chomp::Clip,
            "-" => Chomp::Strip,
            "+" => Chomp::Keep,
            _ => return None,
        };
        let lines = self.block_lines(parent)?;
        let body = if folded {
            fold(&lines, &chomp)?
        } else {
            lines.iter().fold(String::new(), |acc, l| acc + l + "\n")
        };
        let content = body.trim_end_matches('\n');
        let text = match chomp {
            Chomp::Strip => content.to_string(),
            Chomp::Clip if content.is_empty() => String::new(),
            Chomp::Clip if content.len() < body.len() => format!("{content}\n"),
            Chomp::Clip => content.to_string(),
            Chomp::Keep => body,
        };
        Some(Value::String(text))
    }

    /// The lines of a block scalar, without their indentation: the first line's indentation,
    /// which must be deeper than `parent`, sets it; blank lines belong to the scalar.
    fn block_lines(&mut self, parent: usize) -> Option<Vec<&'a str>> {
        let start = self.pos;
        let first_content = start
            + self.lines[start..]
                .iter()
                .position(|l| !l.text.is_empty())?;
        let indent = self.lines[first_content].indent;
        // Blank lines only, then the scalar ends: serde-saphyr's rules for this are subtle.
        if indent <= parent
            || self.lines[start..first_content]
                .iter()
                .any(|l| l.raw.len() > indent)
        {
            return None;
        }
        let mut lines = Vec::new();
        while let Some(line) = self.peek() {
            if !line.text.is_empty() && line.indent < indent {
                break;
            }
            self.pos += 1;
            if self.pos == self.lines.len() {
                // The empty text after a final newline is no line, and a final line of spaces
                // alone is read differently by serde-saphyr. A last line with text and no
                // newline still ends with one, as serde-saphyr reads it.
                if line.text.is_empty() && !line.raw.is_empty() {
                    return None;
                }
                if line.raw.is_empty() {
                    break;
                }
            }
            lines.push(line.raw.get(indent..).unwrap_or(""));
        }
        Some(lines)
    }
}

/// Folds the lines of a `>` scalar into one line, each line break a space. Only the plain case:
/// lines at the block's indentation without trailing spaces, and no blank lines but trailing
/// ones that chomping drops.
fn fold(lines: &[&str], chomp: &Chomp) -> Option<String> {
    let content_end = lines.iter().rposition(|l| !l.is_empty())? + 1;
    let simple = |l: &&str| !l.is_empty() && !l.starts_with(' ') && !l.ends_with(' ');
    if !lines[..content_end].iter().all(simple) {
        return None;
    }
    if content_end < lines.len() && matches!(chomp, Chomp::Keep) {
        return None;
    }
    Some(lines[..content_end].join(" ") + "\n")
}

/// The collection an entry belongs to, and the indentation of its entries.
#[derive(Clone, Copy)]
enum Parent {
    Mapping(usize),
    Sequence(usize),
}

impl Parent {
    fn indent(self) -> usize {
        let (Parent::Mapping(indent) | Parent::Sequence(indent)) = self;
        indent
    }
}

enum Chomp {
    Clip,
    Strip,
    Keep,
}

/// `-` alone or followed by a space: a block sequence entry.
fn is_sequence_entry(text: &str) -> bool {
    text == "-" || text.starts_with("- ")
}

/// Splits `key: rest` into the key, typed and stringified as Kubernetes does, and the text after
/// the separator. `None` for anything that is not a simple key.
fn split_key(text: &str) -> Option<(String, &str)> {
    let (key, after) = if text.starts_with(['"', '\'']) {
        let (key, after) = quoted(text)?;
        (key, after.strip_prefix(':')?)
    } else {
        let end = key_end(text)?;
        let key = text[..end].trim_end_matches(' ');
        if key.is_empty() || key.len() > 1024 || starts_with_indicator(key) || key == "<<" {
            return None;
        }
        (key_string(key)?, &text[end + 1..])
    };
    if !(after.is_empty() || after.starts_with(' ')) {
        return None;
    }
    Some((key, after.trim_start_matches(' ')))
}

/// The byte offset of the `:` that ends a plain key, when it comes before any comment.
fn key_end(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b':' if bytes.get(i + 1).is_none_or(|&n| n == b' ') => return Some(i),
            b'#' if i > 0 && bytes[i - 1] == b' ' => return None,
            _ => {}
        }
    }
    None
}

/// A plain key typed as go-yaml types it, then written as sigs.k8s.io/yaml writes map keys.
fn key_string(key: &str) -> Option<String> {
    match plain_scalar(key) {
        Scalar::Value(Value::String(s)) => Some(s),
        Scalar::Value(Value::Bool(b)) => Some(b.to_string()),
        Scalar::Value(Value::Number(n)) if n.is_i64() => Some(n.to_string()),
        _ => None,
    }
}

/// An inline value: a quoted scalar, `{}`, `[]` or a plain scalar, with an optional comment.
fn inline_value(rest: &str) -> Option<Scalar> {
    if rest.starts_with(['"', '\'']) {
        let (text, after) = quoted(rest)?;
        let trimmed = after.trim_start_matches(' ');
        let ends = trimmed.is_empty() || (trimmed.starts_with('#') && trimmed.len() < after.len());
        return ends.then_some(Scalar::Value(Value::String(text)));
    }
    let text = strip_comment(rest);
    match text {
        "{}" => return Some(Scalar::Value(Value::Object(Map::new()))),
        "[]" => return Some(Scalar::Value(Value::Array(Vec::new()))),
        _ => {}
    }
    if starts_with_indicator(text) || contains(text, b": ") || text.ends_with(':') {
        return None;
    }
    Some(plain_scalar(text))
}

/// The text before a ` #` comment, without trailing spaces.
fn strip_comment(text: &str) -> &str {
    let end = memchr::memmem::find(text.as_bytes(), b" #").unwrap_or(text.len());
    text[..end].trim_end_matches(' ')
}

/// `text.contains(needle)` with SIMD search: values such as a license's signature are
/// kilobytes long, and `str::contains` with a two-byte pattern dominated reading them.
fn contains(text: &str, needle: &[u8]) -> bool {
    memchr::memmem::find(text.as_bytes(), needle).is_some()
}

/// Characters that cannot begin a plain scalar here (YAML indicators, or `-`, `?`, `:` that
/// this reader leaves to serde-saphyr).
fn starts_with_indicator(text: &str) -> bool {
    text.starts_with([
        '-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@',
        '`',
    ]) && !(text.starts_with('-') && text.len() > 1 && !text.starts_with("- "))
}

/// A single-line quoted scalar at the start of `text`, and the text after its closing quote.
fn quoted(text: &str) -> Option<(String, &str)> {
    let quote = text.as_bytes()[0];
    let body = &text[1..];
    let mut out = String::new();
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        match (quote, c) {
            (b'\'', '\'') => {
                if body[i + 1..].starts_with('\'') {
                    out.push('\'');
                    chars.next();
                } else {
                    return Some((out, &body[i + 1..]));
                }
            }
            (b'"', '"') => return Some((out, &body[i + 1..])),
            (b'"', '\\') => out.push(escape(chars.next()?.1)?),
            _ => out.push(c),
        }
    }
    None // continues on the next line
}

/// The common double-quoted escapes; the rest go to serde-saphyr.
fn escape(c: char) -> Option<char> {
    Some(match c {
        '\\' => '\\',
        '"' => '"',
        '/' => '/',
        'n' => '\n',
        't' => '\t',
        'r' => '\r',
        '0' => '\0',
        ' ' => ' ',
        _ => return None,
    })
}

/// Types a plain scalar as go-yaml v2 does through serde-saphyr with legacy octal numbers:
/// null, YAML 1.1 booleans, decimal integers, simple decimal fractions, else a string.
fn plain_scalar(text: &str) -> Scalar {
    if matches!(text, "" | "~" | "null" | "Null" | "NULL") {
        return Scalar::Value(Value::Null);
    }
    if let Some(b) = yaml11_bool(text) {
        return Scalar::Value(Value::Bool(b));
    }
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    if matches!(
        unsigned,
        ".nan" | ".NaN" | ".NAN" | ".inf" | ".Inf" | ".INF"
    ) {
        return Scalar::Unknown;
    }
    let numberish = |c: char| c.is_ascii_hexdigit() || "xXoO.+-_:".contains(c);
    let first_is_letter = text.starts_with(|c: char| c.is_ascii_alphabetic());
    if !text.chars().all(numberish) || first_is_letter {
        return Scalar::Value(Value::String(text.to_string()));
    }
    number(text)
}

fn yaml11_bool(text: &str) -> Option<bool> {
    const TRUE: [&str; 4] = ["true", "yes", "y", "on"];
    const FALSE: [&str; 4] = ["false", "no", "n", "off"];
    let is = |words: &[&str]| words.iter().any(|w| text.eq_ignore_ascii_case(w));
    if is(&TRUE) {
        Some(true)
    } else if is(&FALSE) {
        Some(false)
    } else {
        None
    }
}

/// `0`, `123`, `-45`, `1.5`, `-0.25`, or dotted digits such as `1.2.3` (a string); anything else
/// made of number characters is left to serde-saphyr.
fn number(text: &str) -> Scalar {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if all_digits(digits) && (digits == "0" || !digits.starts_with('0')) {
        let parsed = if text.starts_with('-') {
            text.parse::<i64>().ok().map(Value::from)
        } else {
            text.parse::<u64>().ok().map(Value::from)
        };
        return parsed.map_or(Scalar::Unknown, Scalar::Value);
    }
    let parts: Vec<&str> = digits.split('.').collect();
    if !parts.iter().all(|p| all_digits(p)) {
        return Scalar::Unknown;
    }
    match parts.len() {
        2 => match text.parse::<f64>() {
            Ok(f) if f.is_finite() => Scalar::Value(float_value(f)),
            _ => Scalar::Unknown,
        },
        n if n > 2 && !text.starts_with('-') => Scalar::Value(Value::String(text.to_string())),
        _ => Scalar::Unknown,
    }
}

#[cfg(test)]
mod tests;
