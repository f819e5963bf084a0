//! Conversions sprig applies to `interface{}` arguments: `strval` (`toString`), the
//! `spf13/cast` v1.7.0 number conversions behind `int`, `int64`, `float64` and the arithmetic,
//! Go's `strconv` number parsing, and sprig's `empty`.

use super::super::value::Value;

/// sprig's `strval`: strings as they are, everything else as `%v` prints it (which calls
/// `String()` on types that have it, such as `time.Time`).
pub fn strval(v: &Value) -> String {
    match v {
        Value::String(s) => s.to_string(),
        _ => v.to_string(),
    }
}

/// Go's `int64(f)` on amd64: truncation, with the "integer indefinite" value for NaN and
/// out-of-range floats.
pub fn f64_to_i64(f: f64) -> i64 {
    const LIMIT: f64 = 9_223_372_036_854_775_808.0; // 2^63
    if f.is_nan() || !(-LIMIT..LIMIT).contains(&f) {
        i64::MIN
    } else {
        f as i64
    }
}

/// `cast.ToInt64`: numbers convert (floats truncate), strings parse as Go integer literals
/// (after dropping a `.0…` tail), booleans are 0 or 1, and anything else (nil, lists, maps, other
/// types, unparsable strings) is 0.
pub fn to_int64(v: &Value) -> i64 {
    match v {
        Value::Int(i) | Value::Int64(i) => *i,
        Value::Uint(u) => *u as i64,
        Value::Float(f) => f64_to_i64(*f),
        Value::String(s) => parse_int(trim_zero_decimal(s)).unwrap_or(0),
        Value::Bool(b) => i64::from(*b),
        _ => 0,
    }
}

/// `cast.ToFloat64`: numbers convert, strings parse as Go floats, booleans are 0 or 1, anything
/// else is 0.
pub fn to_float64(v: &Value) -> f64 {
    match v {
        Value::Int(i) | Value::Int64(i) => *i as f64,
        Value::Uint(u) => *u as f64,
        Value::Float(f) => *f,
        Value::String(s) => parse_float(s).unwrap_or(0.0),
        Value::Bool(b) => f64::from(u8::from(*b)),
        _ => 0.0,
    }
}

/// cast's `trimZeroDecimal`: `"5.00"` -> `"5"`; anything else unchanged.
fn trim_zero_decimal(s: &str) -> &str {
    let mut found_zero = false;
    for (i, b) in s.bytes().enumerate().rev() {
        match b {
            b'.' if found_zero => return &s[..i],
            b'.' => {}
            b'0' => found_zero = true,
            _ => return s,
        }
    }
    s
}

/// Go's `strconv.ParseInt(s, 0, 64)`: optional sign, `0x`/`0o`/`0b`/`0` prefixes, underscores
/// between digits. `None` for syntax and range errors.
pub fn parse_int(s: &str) -> Option<i64> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let magnitude = parse_uint(body)?;
    if neg {
        if magnitude > 1u64 << 63 {
            return None;
        }
        Some((magnitude as i64).wrapping_neg())
    } else {
        i64::try_from(magnitude).ok()
    }
}

/// Go's `strconv.ParseInt(s, 10, 64)` as sprig uses it, ignoring the error: 0 for a syntax
/// error, the clamped value for one out of range.
pub fn parse_decimal_lenient(s: &str) -> i64 {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return 0;
    }
    let negative = s.starts_with('-');
    match digits.parse::<u64>() {
        Ok(m) if negative => 0i64.checked_sub_unsigned(m).unwrap_or(i64::MIN),
        Ok(m) => i64::try_from(m).unwrap_or(i64::MAX),
        Err(_) if negative => i64::MIN,
        Err(_) => i64::MAX,
    }
}

/// Go's `strconv.ParseUint(s, 0, 64)`.
pub fn parse_uint(s: &str) -> Option<u64> {
    let lower = s.to_ascii_lowercase();
    let (base, digits, prefixed) = if let Some(d) = lower.strip_prefix("0x") {
        (16, d, true)
    } else if let Some(d) = lower.strip_prefix("0o") {
        (8, d, true)
    } else if let Some(d) = lower.strip_prefix("0b") {
        (2, d, true)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, &lower[1..], true)
    } else {
        (10, lower.as_str(), false)
    };
    if digits.contains('_') && !underscores_ok(s) {
        return None;
    }
    let _ = prefixed;
    let clean: String = digits.chars().filter(|&c| c != '_').collect();
    if clean.is_empty() {
        return None;
    }
    u64::from_str_radix(&clean, base)
        .ok()
        .filter(|_| !clean.starts_with('+'))
}

/// Go's `underscoreOK`: underscores only between digits (or after a base prefix).
fn underscores_ok(s: &str) -> bool {
    let s = s.strip_prefix(['+', '-']).unwrap_or(s);
    let b = s.as_bytes();
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
        if c.is_ascii_digit() || (hex && c.is_ascii_hexdigit()) {
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

/// Go's `strconv.ParseFloat(s, 64)`: decimal and hexadecimal (`0x1p-2`) forms, underscores
/// between digits, `inf`/`infinity`/`nan` in any case. `None` for syntax errors and for values
/// out of range (Go returns an error for those, which cast turns into 0).
pub fn parse_float(s: &str) -> Option<f64> {
    let lower = s.to_ascii_lowercase();
    let (sign, unsigned) = match lower.as_bytes().first() {
        Some(b'-') => (-1.0, &lower[1..]),
        Some(b'+') => (1.0, &lower[1..]),
        _ => (1.0, lower.as_str()),
    };
    match unsigned {
        "inf" | "infinity" => return Some(sign * f64::INFINITY),
        "nan" if lower.len() == 3 => return Some(f64::NAN),
        _ => {}
    }
    if lower.contains('_') && !underscores_ok(&lower) {
        return None;
    }
    let clean: String = unsigned.chars().filter(|&c| c != '_').collect();
    let value = if let Some(hex) = clean.strip_prefix("0x") {
        parse_hex_float(hex)?
    } else {
        if !is_decimal_float(&clean) {
            return None;
        }
        clean.parse::<f64>().ok()?
    };
    if value.is_infinite() {
        return None;
    }
    Some(sign * value)
}

/// Digits with at most one dot, then an optional exponent with digits.
fn is_decimal_float(s: &str) -> bool {
    let (mantissa, exponent) = match s.find('e') {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let digits = mantissa.bytes().filter(u8::is_ascii_digit).count();
    let dots = mantissa.bytes().filter(|&b| b == b'.').count();
    if digits == 0 || dots > 1 || digits + dots != mantissa.len() {
        return false;
    }
    match exponent {
        None => true,
        Some(e) => {
            let e = e.strip_prefix(['+', '-']).unwrap_or(e);
            !e.is_empty() && e.bytes().all(|b| b.is_ascii_digit())
        }
    }
}

/// A hexadecimal float body (after `0x`): hex digits with an optional dot, then the mandatory
/// binary exponent `p±N`.
fn parse_hex_float(s: &str) -> Option<f64> {
    let p = s.find('p')?;
    let (mantissa, exponent) = (&s[..p], &s[p + 1..]);
    let exp: i32 = {
        let digits = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        exponent.parse::<i64>().ok()?.clamp(-10_000, 10_000) as i32
    };
    let mut value = 0f64;
    let mut frac_digits = 0i32;
    let mut seen_dot = false;
    let mut any = false;
    for c in mantissa.chars() {
        if c == '.' {
            if seen_dot {
                return None;
            }
            seen_dot = true;
            continue;
        }
        let d = c.to_digit(16)?;
        any = true;
        value = value * 16.0 + f64::from(d);
        if seen_dot {
            frac_digits += 1;
        }
    }
    if !any {
        return None;
    }
    Some(value * 2f64.powi(exp - 4 * frac_digits))
}

/// sprig's `empty`: nil, false, zero numbers, and empty strings, lists and maps are empty;
/// other values (structs such as `time.Time`) are not.
pub fn is_empty(v: &Value) -> bool {
    match v {
        Value::Object(_) => false,
        _ => !v.is_true(),
    }
}

/// Go's `reflect.DeepEqual` on template values: same type and equal contents. Iterative, so
/// deeply nested values cannot overflow the stack; a pair of maps already being compared counts
/// as equal, as in Go, so maps containing themselves terminate.
pub fn deep_equal(a: &Value, b: &Value) -> bool {
    let mut pending = vec![(a.clone(), b.clone())];
    let mut visited = std::collections::HashSet::new();
    while let Some((a, b)) = pending.pop() {
        let same = match (&a, &b) {
            (Value::Nil, Value::Nil) => true,
            (Value::Bool(x), Value::Bool(y)) => x == y,
            (Value::Int(x), Value::Int(y)) | (Value::Int64(x), Value::Int64(y)) => x == y,
            (Value::Uint(x), Value::Uint(y)) => x == y,
            (Value::Float(x), Value::Float(y)) => x == y,
            (Value::String(x), Value::String(y)) => x == y,
            (Value::List(x), Value::List(y)) => {
                pending.extend(x.iter().cloned().zip(y.iter().cloned()));
                x.len() == y.len()
            }
            (Value::Map(x), Value::Map(y)) => {
                if x.is_nil() != y.is_nil() {
                    return false;
                }
                if x.same(y) || !visited.insert((x.id(), y.id())) {
                    continue;
                }
                let (x, y) = (x.snapshot(), y.snapshot());
                for (k, v) in x.iter() {
                    match y.get(k) {
                        Some(w) => pending.push((v.clone(), w.clone())),
                        None => return false,
                    }
                }
                x.len() == y.len()
            }
            (Value::Object(x), Value::Object(y)) => {
                x.type_name() == y.type_name() && a.to_string() == b.to_string()
            }
            _ => false,
        };
        if !same {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn int_parsing_follows_strconv() {
        assert_eq!(parse_int("42"), Some(42));
        assert_eq!(parse_int("-0x1F"), Some(-31));
        assert_eq!(parse_int("0o17"), Some(15));
        assert_eq!(parse_int("017"), Some(15));
        assert_eq!(parse_int("0b101"), Some(5));
        assert_eq!(parse_int("1_000"), Some(1000));
        assert_eq!(parse_int("_1"), None);
        assert_eq!(parse_int("9223372036854775808"), None);
        assert_eq!(parse_int("-9223372036854775808"), Some(i64::MIN));
        assert_eq!(parse_int(""), None);
        assert_eq!(parse_int("0"), Some(0));
        assert_eq!(parse_int("08"), None);
        assert_eq!(parse_decimal_lenient("08"), 8);
        assert_eq!(parse_decimal_lenient("-99999999999999999999"), i64::MIN);
        assert_eq!(parse_decimal_lenient("99999999999999999999"), i64::MAX);
        assert_eq!(parse_decimal_lenient("0x1"), 0);
    }

    #[test]
    fn cast_to_int64() {
        assert_eq!(to_int64(&Value::from("5.00")), 5);
        assert_eq!(to_int64(&Value::from("5.5")), 0);
        assert_eq!(to_int64(&Value::Float(-3.9)), -3);
        assert_eq!(to_int64(&Value::Float(f64::NAN)), i64::MIN);
        assert_eq!(to_int64(&Value::Bool(true)), 1);
        assert_eq!(to_int64(&Value::Nil), 0);
        assert_eq!(to_int64(&Value::from(".0")), 0);
    }

    #[test]
    fn float_parsing_follows_strconv() {
        assert_eq!(parse_float("1.5"), Some(1.5));
        assert_eq!(parse_float("1_000.5"), Some(1000.5));
        assert_eq!(parse_float(".5e1"), Some(5.0));
        assert_eq!(parse_float("0x1p-2"), Some(0.25));
        assert_eq!(parse_float("-Inf"), Some(f64::NEG_INFINITY));
        assert!(parse_float("NaN").is_some_and(f64::is_nan));
        assert_eq!(parse_float("+nan"), None);
        assert_eq!(parse_float("1e400"), None);
        assert_eq!(parse_float("abc"), None);
        assert_eq!(parse_float("1e"), None);
        assert_eq!(to_float64(&Value::from("x")), 0.0);
    }
}
