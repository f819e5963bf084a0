//! The parts of Go's `strconv` the parser needs: `Unquote`, `UnquoteChar`, and number parsing
//! with Go literal syntax (base prefixes, underscores, hexadecimal floats).

/// Go's `strconv.ErrSyntax` text.
pub(crate) const ERR_SYNTAX: &str = "invalid syntax";

/// `strconv.Unquote` for `"…"`, `` `…` `` and `'…'` literals.
pub(crate) fn unquote(s: &str) -> Result<String, &'static str> {
    let b = s.as_bytes();
    if b.len() < 2 {
        return Err(ERR_SYNTAX);
    }
    let quote = b[0];
    if quote != b[b.len() - 1] {
        return Err(ERR_SYNTAX);
    }
    let body = &s[1..s.len() - 1];
    match quote {
        b'`' => {
            if body.contains('`') {
                return Err(ERR_SYNTAX);
            }
            Ok(body.replace('\r', ""))
        }
        b'"' | b'\'' => {
            if quote == b'\'' && body.is_empty() {
                return Err(ERR_SYNTAX);
            }
            let mut out = String::with_capacity(body.len());
            let mut rest = body;
            while !rest.is_empty() {
                let (c, tail) = unquote_char(rest, quote as char)?;
                out.push(c);
                rest = tail;
                if quote == b'\'' && !rest.is_empty() {
                    return Err(ERR_SYNTAX);
                }
            }
            Ok(out)
        }
        _ => Err(ERR_SYNTAX),
    }
}

/// `strconv.UnquoteChar`: the first character of `s` (an escape or a plain character) and the rest.
/// Byte escapes (`\xff`, `\377`) that are not valid UTF-8 on their own become U+FFFD, since
/// Rust strings are always valid UTF-8.
pub(crate) fn unquote_char(s: &str, quote: char) -> Result<(char, &str), &'static str> {
    let mut chars = s.chars();
    let c = chars.next().ok_or(ERR_SYNTAX)?;
    if c == quote && (quote == '\'' || quote == '"') {
        return Err(ERR_SYNTAX);
    }
    if c != '\\' {
        if c == '\n' && quote == '"' {
            return Err(ERR_SYNTAX);
        }
        return Ok((c, chars.as_str()));
    }
    let e = chars.next().ok_or(ERR_SYNTAX)?;
    let rest = chars.as_str();
    let simple = match e {
        'a' => Some('\u{7}'),
        'b' => Some('\u{8}'),
        'f' => Some('\u{c}'),
        'n' => Some('\n'),
        'r' => Some('\r'),
        't' => Some('\t'),
        'v' => Some('\u{b}'),
        '\\' => Some('\\'),
        '\'' | '"' => {
            if e != quote {
                return Err(ERR_SYNTAX);
            }
            Some(e)
        }
        _ => None,
    };
    if let Some(c) = simple {
        return Ok((c, rest));
    }
    let (n, radix) = match e {
        'x' => (2, 16),
        'u' => (4, 16),
        'U' => (8, 16),
        '0'..='7' => (3, 8),
        _ => return Err(ERR_SYNTAX),
    };
    let digits = if radix == 8 { &s[1..] } else { rest };
    if digits.len() < n || !digits.is_char_boundary(n) {
        return Err(ERR_SYNTAX);
    }
    let v = u32::from_str_radix(&digits[..n], radix).map_err(|_| ERR_SYNTAX)?;
    let tail = &digits[n..];
    match e {
        'x' => Ok((
            if v < 0x80 {
                char::from(v as u8)
            } else {
                '\u{FFFD}'
            },
            tail,
        )),
        '0'..='7' => {
            if v > 255 {
                return Err(ERR_SYNTAX);
            }
            Ok((
                if v < 0x80 {
                    char::from(v as u8)
                } else {
                    '\u{FFFD}'
                },
                tail,
            ))
        }
        _ => char::from_u32(v).map(|c| (c, tail)).ok_or(ERR_SYNTAX),
    }
}

/// Go's `underscoreOK`: underscores only between digits (or after a base prefix).
fn underscore_ok(s: &str) -> bool {
    let mut b = s.as_bytes();
    if let Some(b'+' | b'-') = b.first() {
        b = &b[1..];
    }
    let mut saw = b'^';
    let mut i = 0;
    let mut hex = false;
    if b.len() >= 2 && b[0] == b'0' && matches!(b[1].to_ascii_lowercase(), b'b' | b'o' | b'x') {
        i = 2;
        saw = b'0';
        hex = b[1].eq_ignore_ascii_case(&b'x');
    }
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_digit() || hex && c.is_ascii_hexdigit() {
            saw = b'0';
        } else if c == b'_' {
            if saw != b'0' {
                return false;
            }
            saw = b'_';
        } else {
            if saw == b'_' {
                return false;
            }
            saw = b'!';
        }
        i += 1;
    }
    saw != b'_'
}

/// `strconv.ParseUint(s, 0, 64)`.
pub(crate) fn parse_uint(s: &str) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    let (digits, radix) = if let Some(r) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        (r, 16)
    } else if let Some(r) = s.strip_prefix("0o").or_else(|| s.strip_prefix("0O")) {
        (r, 8)
    } else if let Some(r) = s.strip_prefix("0b").or_else(|| s.strip_prefix("0B")) {
        (r, 2)
    } else if s.len() > 1 && s.starts_with('0') {
        (&s[1..], 8)
    } else {
        (s, 10)
    };
    if s.contains('_') && !underscore_ok(s) {
        return None;
    }
    let mut n: u64 = 0;
    let mut any = false;
    for c in digits.chars() {
        if c == '_' {
            continue;
        }
        let d = c.to_digit(radix)? as u64;
        n = n.checked_mul(radix as u64)?.checked_add(d)?;
        any = true;
    }
    any.then_some(n)
}

/// `strconv.ParseInt(s, 0, 64)`.
pub(crate) fn parse_int(s: &str) -> Option<i64> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let u = parse_uint(body)?;
    if neg {
        if u > 1 << 63 {
            return None;
        }
        Some((u as i64).wrapping_neg())
    } else {
        i64::try_from(u).ok()
    }
}

/// `strconv.ParseFloat(s, 64)` for literal syntax (decimal and hexadecimal, with underscores).
/// Out-of-range values are errors, as in Go.
pub(crate) fn parse_float(s: &str) -> Option<f64> {
    if s.contains('_') && !underscore_ok(s) {
        return None;
    }
    let clean: String = s.chars().filter(|&c| c != '_').collect();
    let (neg, body) = match clean.as_bytes().first() {
        Some(b'-') => (true, &clean[1..]),
        Some(b'+') => (false, &clean[1..]),
        _ => (false, clean.as_str()),
    };
    let v = if let Some(hex) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
        parse_hex_float(hex)?
    } else {
        if body.is_empty()
            || !body
                .bytes()
                .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+' | b'-'))
        {
            return None;
        }
        body.parse::<f64>().ok()?
    };
    if v.is_infinite() {
        return None;
    }
    Some(if neg { -v } else { v })
}

fn parse_hex_float(s: &str) -> Option<f64> {
    let (mant, exp) = match s.find(['p', 'P']) {
        Some(i) => (&s[..i], s[i + 1..].parse::<i32>().ok()?),
        None => return None,
    };
    let mut value = 0f64;
    let mut frac_digits = 0i32;
    let mut seen_point = false;
    let mut any = false;
    for c in mant.chars() {
        if c == '.' {
            if seen_point {
                return None;
            }
            seen_point = true;
            continue;
        }
        let d = c.to_digit(16)?;
        value = value * 16.0 + d as f64;
        any = true;
        if seen_point {
            frac_digits += 1;
        }
    }
    if !any {
        return None;
    }
    Some(value * 2f64.powi(exp - 4 * frac_digits))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(parse_uint("0x1F"), Some(31));
        assert_eq!(parse_uint("017"), Some(15));
        assert_eq!(parse_uint("1_000"), Some(1000));
        assert_eq!(parse_uint("1__0"), None);
        assert_eq!(parse_int("-0b101"), Some(-5));
        assert_eq!(parse_float("0x1p-2"), Some(0.25));
        assert_eq!(parse_float("1e3"), Some(1000.0));
        assert_eq!(parse_uint("08"), None);
    }

    #[test]
    fn quotes() {
        assert_eq!(unquote(r#""a\tb\u00e9""#).as_deref(), Ok("a\tbé"));
        assert_eq!(unquote("`a\r\nb`").as_deref(), Ok("a\nb"));
        assert_eq!(unquote(r#""\'""#), Err(ERR_SYNTAX));
        assert_eq!(unquote("'a'").as_deref(), Ok("a"));
    }
}
