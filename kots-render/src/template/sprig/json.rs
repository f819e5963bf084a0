//! Go's `encoding/json` for template values: `Marshal`/`MarshalIndent` output (sorted map keys,
//! HTML-safe escaping unless disabled, Go's float formatting) and `Unmarshal` into
//! `interface{}` with Go's syntax error messages.

use super::super::gofmt::format_float;
use super::super::value::{Map, Value};

/// How to encode.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    /// Escape `<`, `>` and `&` as `\u003c`... (`json.Marshal`); off for `toRawJson`.
    pub escape_html: bool,
    /// Indent nested values by this string (`MarshalIndent(v, "", "  ")`); `None` for compact.
    pub indent: Option<&'static str>,
    /// The longest output allowed (the render's collection limit).
    pub max_len: usize,
}

/// Why encoding failed.
#[derive(Debug, PartialEq, Eq)]
pub enum EncodeError {
    /// Go's `json: unsupported value: NaN` and the like.
    Unsupported(String),
    /// The output would exceed [`Style::max_len`].
    TooLarge(usize),
    /// The value nests deeper than the encoder allows.
    TooDeep(usize),
}

/// `json.Marshal` (or `MarshalIndent`), failing as Go does on NaN and infinities.
pub fn encode(v: &Value, style: Style) -> Result<String, EncodeError> {
    let mut out = String::new();
    write_value(&mut out, v, style, 0, &mut Vec::new())?;
    Ok(out)
}

fn newline(out: &mut String, style: Style, depth: usize) {
    if let Some(ind) = style.indent {
        out.push('\n');
        for _ in 0..depth {
            out.push_str(ind);
        }
    }
}

/// `maps` holds the maps being encoded around `v`: meeting one again is a cycle, which Go's
/// encoder reports.
fn write_value(
    out: &mut String,
    v: &Value,
    style: Style,
    depth: usize,
    maps: &mut Vec<usize>,
) -> Result<(), EncodeError> {
    if out.len() > style.max_len {
        return Err(EncodeError::TooLarge(style.max_len));
    }
    if depth > MAX_DEPTH {
        return Err(EncodeError::TooDeep(MAX_DEPTH));
    }
    match v {
        Value::Nil => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) | Value::Int64(i) => out.push_str(&i.to_string()),
        Value::Uint(u) => out.push_str(&u.to_string()),
        Value::Float(f) => out.push_str(&float(*f)?),
        Value::String(s) => write_string(out, s, style.escape_html),
        Value::List(items) => {
            if items.is_empty() {
                out.push_str("[]");
                return Ok(());
            }
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, style, depth + 1);
                write_value(out, item, style, depth + 1, maps)?;
            }
            newline(out, style, depth);
            out.push(']');
        }
        Value::Map(map) if map.is_nil() => out.push_str("null"),
        Value::Map(map) => {
            if maps.contains(&map.id()) {
                return Err(EncodeError::Unsupported(
                    "json: unsupported value: encountered a cycle via map[string]interface {}"
                        .into(),
                ));
            }
            maps.push(map.id());
            write_object(
                out,
                map.snapshot().iter().map(|(k, v)| (k.as_str(), v.clone())),
                style,
                depth,
                maps,
            )?;
            maps.pop();
        }
        Value::Object(o) => match o.type_name() {
            "complex128" => {
                return Err(EncodeError::Unsupported(
                    "json: unsupported type: complex128".into(),
                ))
            }
            // Types with a MarshalJSON/MarshalText method encode as a string.
            "time.Time" => {
                let layout = Value::from("2006-01-02T15:04:05.999999999Z07:00");
                let text = o
                    .member("Format", &[layout])
                    .and_then(Result::ok)
                    .unwrap_or(Value::Nil);
                write_string(out, &text.to_string(), style.escape_html);
            }
            "*semver.Version" => write_string(out, &v.to_string(), style.escape_html),
            // Structs encode their exported fields.
            _ => {
                let fields: Vec<(&str, Value)> = ["Cert", "Key"]
                    .into_iter()
                    .filter_map(|f| o.member(f, &[]).and_then(Result::ok).map(|v| (f, v)))
                    .collect();
                write_object(out, fields.into_iter(), style, depth, maps)?;
            }
        },
    }
    Ok(())
}

fn write_object<'a>(
    out: &mut String,
    fields: impl Iterator<Item = (&'a str, Value)>,
    style: Style,
    depth: usize,
    maps: &mut Vec<usize>,
) -> Result<(), EncodeError> {
    out.push('{');
    let mut any = false;
    for (i, (k, v)) in fields.enumerate() {
        any = true;
        if i > 0 {
            out.push(',');
        }
        newline(out, style, depth + 1);
        write_string(out, k, style.escape_html);
        out.push(':');
        if style.indent.is_some() {
            out.push(' ');
        }
        write_value(out, &v, style, depth + 1, maps)?;
    }
    if any {
        newline(out, style, depth);
    }
    out.push('}');
    Ok(())
}

/// Go's float encoding: shortest digits, exponent form below 1e-6 and from 1e21.
fn float(f: f64) -> Result<String, EncodeError> {
    if !f.is_finite() {
        let shown = format_float(f, 'g', None);
        return Err(EncodeError::Unsupported(format!(
            "json: unsupported value: {shown}"
        )));
    }
    let abs = f.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        let s = format_float(f, 'e', None);
        // Go trims "e-07" to "e-7".
        if let Some(i) = s.find("e-0") {
            return Ok(format!("{}e-{}", &s[..i], &s[i + 3..]));
        }
        return Ok(s);
    }
    Ok(format_float(f, 'f', None))
}

fn write_string(out: &mut String, s: &str, escape_html: bool) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            // Go 1.22+ (KOTS's toolchain) writes these two short escapes.
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' if escape_html => out.push_str(&format!("\\u00{:02x}", c as u32)),
            '\u{2028}' | '\u{2029}' => out.push_str(&format!("\\u{:04x}", c as u32)),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u00{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// `json.Unmarshal` into `interface{}`: numbers become `float64`, objects maps, arrays lists.
pub fn decode(text: &str) -> Result<Value, String> {
    let mut p = Parser {
        s: text.as_bytes(),
        i: 0,
        depth: 0,
        range_error: None,
    };
    p.skip_ws();
    let v = p.value()?;
    p.skip_ws();
    if p.i < p.s.len() {
        return Err(p.invalid("after top-level value"));
    }
    // Go checks the syntax of the whole input before it decodes numbers.
    match p.range_error {
        Some(e) => Err(e),
        None => Ok(v),
    }
}

/// Nesting allowed when decoding and encoding. Go's decoder allows 10000 levels; values that deep
/// would overflow the stack of a small thread here (in this recursive parser and when the value
/// is printed or dropped), so the limit is lower and the error is Go's.
const MAX_DEPTH: usize = 1_000;

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
    depth: usize,
    range_error: Option<String>,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    /// Go's `invalid character 'x' CONTEXT`. At the end of the input Go's scanner feeds a space:
    /// where a space may appear the error is `unexpected end of JSON input`, elsewhere (inside a
    /// literal, number or escape) it is about the space.
    fn invalid(&self, context: &str) -> String {
        let rest = std::str::from_utf8(&self.s[self.i..]).unwrap_or_default();
        match rest.chars().next() {
            Some(c) => format!("invalid character {} {context}", quote_char(c)),
            None if context.starts_with("in ") || context.contains("numeric") => {
                format!("invalid character ' ' {context}")
            }
            None => "unexpected end of JSON input".into(),
        }
    }

    fn expect(&mut self, b: u8, context: &str) -> Result<(), String> {
        if self.peek() == Some(b) {
            self.i += 1;
            Ok(())
        } else {
            Err(self.invalid(context))
        }
    }

    fn value(&mut self) -> Result<Value, String> {
        match self.peek() {
            Some(b'{') => self.object(),
            Some(b'[') => self.array(),
            Some(b'"') => Ok(Value::from(self.string()?)),
            Some(b't') => self.literal("true", Value::Bool(true)),
            Some(b'f') => self.literal("false", Value::Bool(false)),
            Some(b'n') => self.literal("null", Value::Nil),
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => Err(self.invalid("looking for beginning of value")),
        }
    }

    fn nest(&mut self) -> Result<(), String> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err("exceeded max depth".into());
        }
        Ok(())
    }

    fn object(&mut self) -> Result<Value, String> {
        self.nest()?;
        self.i += 1;
        let mut map = Map::new();
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.i += 1;
            self.depth -= 1;
            return Ok(Value::map(map));
        }
        loop {
            if self.peek() != Some(b'"') {
                return Err(self.invalid("looking for beginning of object key string"));
            }
            let key = self.string()?;
            self.skip_ws();
            self.expect(b':', "after object key")?;
            self.skip_ws();
            let v = self.value()?;
            map.insert(key, v);
            self.skip_ws();
            match self.peek() {
                Some(b',') => {
                    self.i += 1;
                    self.skip_ws();
                }
                Some(b'}') => {
                    self.i += 1;
                    self.depth -= 1;
                    return Ok(Value::map(map));
                }
                _ => return Err(self.invalid("after object key:value pair")),
            }
        }
    }

    fn array(&mut self) -> Result<Value, String> {
        self.nest()?;
        self.i += 1;
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.i += 1;
            self.depth -= 1;
            return Ok(Value::list(items));
        }
        loop {
            items.push(self.value()?);
            self.skip_ws();
            match self.peek() {
                Some(b',') => {
                    self.i += 1;
                    self.skip_ws();
                }
                Some(b']') => {
                    self.i += 1;
                    self.depth -= 1;
                    return Ok(Value::list(items));
                }
                _ => return Err(self.invalid("after array element")),
            }
        }
    }

    fn literal(&mut self, word: &str, v: Value) -> Result<Value, String> {
        for (n, expected) in word.bytes().enumerate() {
            if n > 0 && self.peek() != Some(expected) {
                let ctx = format!(
                    "in literal {word} (expecting {})",
                    quote_char(char::from(expected))
                );
                return Err(self.invalid(&ctx));
            }
            self.i += 1;
        }
        Ok(v)
    }

    fn digits(&mut self) -> usize {
        let start = self.i;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.i += 1;
        }
        self.i - start
    }

    fn number(&mut self) -> Result<Value, String> {
        let start = self.i;
        if self.peek() == Some(b'-') {
            self.i += 1;
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.invalid("in numeric literal"));
            }
        }
        if self.peek() == Some(b'0') {
            self.i += 1;
        } else {
            self.digits();
        }
        if self.peek() == Some(b'.') {
            self.i += 1;
            if self.digits() == 0 {
                return Err(self.invalid("after decimal point in numeric literal"));
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if self.digits() == 0 {
                return Err(self.invalid("in exponent of numeric literal"));
            }
        }
        let text = std::str::from_utf8(&self.s[start..self.i]).unwrap_or_default();
        match text.parse::<f64>() {
            Ok(f) if f.is_finite() => Ok(Value::Float(f)),
            _ => {
                let e =
                    format!("json: cannot unmarshal number {text} into Go value of type float64");
                self.range_error.get_or_insert(e);
                Ok(Value::Nil)
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, String> {
        let mut v = 0;
        for _ in 0..4 {
            let d = self.peek().and_then(|b| char::from(b).to_digit(16));
            match d {
                Some(d) => v = v * 16 + d,
                None => return Err(self.invalid("in \\u hexadecimal character escape")),
            }
            self.i += 1;
        }
        Ok(v)
    }

    fn string(&mut self) -> Result<String, String> {
        self.i += 1;
        let mut out = Vec::new();
        loop {
            let Some(b) = self.peek() else {
                return Err("unexpected end of JSON input".into());
            };
            match b {
                b'"' => {
                    self.i += 1;
                    return Ok(String::from_utf8_lossy(&out).into_owned());
                }
                b'\\' => {
                    self.i += 1;
                    let esc = self.peek();
                    self.i += 1;
                    let c = match esc {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => self.unicode_escape()?,
                        Some(_) => {
                            self.i -= 1;
                            return Err(self.invalid("in string escape code"));
                        }
                        None => return Err(self.invalid("in string escape code")),
                    };
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                }
                b if b < 0x20 => return Err(self.invalid("in string literal")),
                _ => {
                    out.push(b);
                    self.i += 1;
                }
            }
        }
    }

    /// `\uXXXX`, pairing surrogates as Go does (a lone surrogate becomes U+FFFD).
    fn unicode_escape(&mut self) -> Result<char, String> {
        let hi = self.hex4()?;
        if (0xD800..0xDC00).contains(&hi) && self.s[self.i..].starts_with(b"\\u") {
            let save = self.i;
            self.i += 2;
            let lo = self.hex4()?;
            if (0xDC00..0xE000).contains(&lo) {
                let c = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                return Ok(char::from_u32(c).unwrap_or('\u{FFFD}'));
            }
            self.i = save;
        }
        Ok(char::from_u32(hi).unwrap_or('\u{FFFD}'))
    }
}

/// encoding/json's `quoteChar`.
fn quote_char(c: char) -> String {
    match c {
        '\'' => "'\\''".into(),
        '"' => "'\"'".into(),
        _ => {
            let q = super::super::gofmt::quote(&c.to_string());
            format!("'{}'", &q[1..q.len() - 1])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const COMPACT: Style = Style {
        escape_html: true,
        indent: None,
        max_len: 1 << 20,
    };

    #[test]
    fn encodes_like_go() {
        let v = Value::from_json(
            &serde_json::json!({"b": [1.5, 1e21, 1e-7, 100000.0], "a": "<&>", "c": {}}),
        );
        assert_eq!(
            encode(&v, COMPACT).unwrap(),
            r#"{"a":"\u003c\u0026\u003e","b":[1.5,1e+21,1e-7,100000],"c":{}}"#
        );
        let raw = Style {
            escape_html: false,
            indent: None,
            max_len: 1 << 20,
        };
        assert_eq!(encode(&Value::from("<a>"), raw).unwrap(), "\"<a>\"");
        assert_eq!(
            encode(&Value::Float(f64::NAN), COMPACT).unwrap_err(),
            EncodeError::Unsupported("json: unsupported value: NaN".into())
        );
        let tiny = Style {
            max_len: 4,
            ..COMPACT
        };
        let long = Value::from_json(&serde_json::json!([1, 2, 3, 4, 5]));
        assert_eq!(encode(&long, tiny), Err(EncodeError::TooLarge(4)));
    }

    #[test]
    fn deep_nesting_is_bounded_without_overflowing_the_stack() {
        // Test threads have small stacks; Go's decoder allows 10000 levels.
        let deep = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        let v = decode(&deep).unwrap();
        let style = Style {
            escape_html: true,
            indent: Some("  "),
            max_len: 1 << 20,
        };
        assert!(encode(&v, style).is_ok());
        let wrapped = Value::list(vec![Value::list(vec![v])]);
        assert_eq!(
            encode(&wrapped, style),
            Err(EncodeError::TooDeep(MAX_DEPTH))
        );
        let deeper = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        assert_eq!(decode(&deeper).unwrap_err(), "exceeded max depth");
    }

    #[test]
    fn pretty_prints_like_marshal_indent() {
        let v = Value::from_json(&serde_json::json!({"a": [1, {"b": 2}], "e": []}));
        let pretty = Style {
            escape_html: true,
            indent: Some("  "),
            max_len: 1 << 20,
        };
        assert_eq!(
            encode(&v, pretty).unwrap(),
            "{\n  \"a\": [\n    1,\n    {\n      \"b\": 2\n    }\n  ],\n  \"e\": []\n}"
        );
    }

    #[test]
    fn decodes_with_go_errors() {
        assert_eq!(
            decode(r#"{"a":[1,"x",null,true]}"#).unwrap().to_string(),
            "map[a:[1 x <nil> true]]"
        );
        assert_eq!(decode("").unwrap_err(), "unexpected end of JSON input");
        assert_eq!(decode("{").unwrap_err(), "unexpected end of JSON input");
        assert_eq!(
            decode("x").unwrap_err(),
            "invalid character 'x' looking for beginning of value"
        );
        assert_eq!(
            decode("{\"a\" 1}").unwrap_err(),
            "invalid character '1' after object key"
        );
        assert_eq!(
            decode("[1 2]").unwrap_err(),
            "invalid character '2' after array element"
        );
        assert_eq!(
            decode("tru").unwrap_err(),
            "invalid character ' ' in literal true (expecting 'e')"
        );
        assert_eq!(
            decode("1.").unwrap_err(),
            "invalid character ' ' after decimal point in numeric literal"
        );
        assert_eq!(decode("\"a").unwrap_err(), "unexpected end of JSON input");
        assert_eq!(
            decode("trux").unwrap_err(),
            "invalid character 'x' in literal true (expecting 'e')"
        );
        assert_eq!(
            decode("1 2").unwrap_err(),
            "invalid character '2' after top-level value"
        );
        assert_eq!(
            decode("{1:2}").unwrap_err(),
            "invalid character '1' looking for beginning of object key string"
        );
        assert_eq!(
            decode("\"\\ud83d\\ude00\"").unwrap().to_string(),
            "\u{1F600}"
        );
    }
}
