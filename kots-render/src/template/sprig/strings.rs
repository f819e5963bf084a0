//! sprig's string functions (strings.go and the string entries of functions.go).
//!
//! Lengths and offsets (`trunc`, `substr`, `abbrev`, `wrap`) count bytes, as Go's do.

use super::super::funcs::{CallContext, FuncError, FuncMap, Ty};
use super::super::gofmt;
use super::super::value::{Map, Value};
use super::casing;
use super::conv::strval;
use super::gostr::{self, byte_slice};
use super::{add, int_arg, str_arg};

/// Registers the string functions.
pub fn register(map: &mut FuncMap) {
    use Ty::{Any, Int, String as S};
    add(map, "hello", &[], None, |_, _| Ok("Hello!".into()));
    add(map, "abbrev", &[Int, S], None, |_, a| {
        let (width, s) = (int_arg(a, 0), str_arg(a, 1));
        Ok(if width < 4 {
            s.into()
        } else {
            casing::abbreviate(s, 0, width).into()
        })
    });
    add(map, "abbrevboth", &[Int, Int, S], None, |_, a| {
        let (left, right, s) = (int_arg(a, 0), int_arg(a, 1), str_arg(a, 2));
        if right < 4 || (left > 0 && right < 7) {
            return Ok(s.into());
        }
        Ok(casing::abbreviate(s, left, right).into())
    });
    add(map, "trunc", &[Int, S], None, |_, a| {
        Ok(trunc(int_arg(a, 0), str_arg(a, 1)).into())
    });
    add(map, "trim", &[S], None, |_, a| {
        Ok(gostr::trim_space(str_arg(a, 0)).into())
    });
    add(map, "upper", &[S], None, |_, a| {
        Ok(gostr::upper(str_arg(a, 0)).into())
    });
    add(map, "lower", &[S], None, |_, a| {
        Ok(gostr::lower(str_arg(a, 0)).into())
    });
    add(map, "title", &[S], None, |_, a| {
        Ok(gostr::title(str_arg(a, 0)).into())
    });
    add(map, "untitle", &[S], None, |_, a| {
        Ok(casing::uncapitalize(str_arg(a, 0)).into())
    });
    add(map, "substr", &[Int, Int, S], None, |_, a| {
        substr(int_arg(a, 0), int_arg(a, 1), str_arg(a, 2)).map(Value::from)
    });
    add(map, "repeat", &[Int, S], None, |ctx, a| {
        repeat(ctx, int_arg(a, 0), str_arg(a, 1)).map(Value::from)
    });
    for name in ["trimall", "trimAll"] {
        add(map, name, &[S, S], None, |_, a| {
            Ok(gostr::trim_cutset(str_arg(a, 1), str_arg(a, 0)).into())
        });
    }
    add(map, "trimSuffix", &[S, S], None, |_, a| {
        let (suffix, s) = (str_arg(a, 0), str_arg(a, 1));
        Ok(s.strip_suffix(suffix).unwrap_or(s).into())
    });
    add(map, "trimPrefix", &[S, S], None, |_, a| {
        let (prefix, s) = (str_arg(a, 0), str_arg(a, 1));
        Ok(s.strip_prefix(prefix).unwrap_or(s).into())
    });
    add(map, "nospace", &[S], None, |_, a| {
        Ok(casing::delete_white_space(str_arg(a, 0)).into())
    });
    add(map, "initials", &[S], None, |_, a| {
        Ok(casing::initials(str_arg(a, 0)).into())
    });
    add(map, "swapcase", &[S], None, |_, a| {
        Ok(casing::swap_case(str_arg(a, 0)).into())
    });
    add(map, "snakecase", &[S], None, |_, a| {
        Ok(casing::to_lower_case_words(str_arg(a, 0), '_').into())
    });
    add(map, "kebabcase", &[S], None, |_, a| {
        Ok(casing::to_lower_case_words(str_arg(a, 0), '-').into())
    });
    add(map, "camelcase", &[S], None, |_, a| {
        Ok(casing::to_pascal_case(str_arg(a, 0)).into())
    });
    add(map, "wrap", &[Int, S], None, |ctx, a| {
        let s = str_arg(a, 1);
        grown(ctx, "wrap", s.len(), s.len(), 1)?;
        Ok(casing::wrap(s, int_arg(a, 0), "", false).into())
    });
    add(map, "wrapWith", &[Int, S, S], None, |ctx, a| {
        let (sep, s) = (str_arg(a, 1), str_arg(a, 2));
        grown(ctx, "wrapWith", s.len(), s.len(), sep.len().max(1))?;
        Ok(casing::wrap(s, int_arg(a, 0), sep, true).into())
    });
    add(map, "contains", &[S, S], None, |_, a| {
        Ok(str_arg(a, 1).contains(str_arg(a, 0)).into())
    });
    add(map, "hasPrefix", &[S, S], None, |_, a| {
        Ok(str_arg(a, 1).starts_with(str_arg(a, 0)).into())
    });
    add(map, "hasSuffix", &[S, S], None, |_, a| {
        Ok(str_arg(a, 1).ends_with(str_arg(a, 0)).into())
    });
    add(map, "quote", &[], Some(Any), |_, a| {
        let parts: Vec<String> = a
            .iter()
            .filter(|v| !matches!(v, Value::Nil))
            .map(|v| gofmt::quote(&strval(v)))
            .collect();
        Ok(parts.join(" ").into())
    });
    add(map, "squote", &[], Some(Any), |_, a| {
        let parts: Vec<String> = a
            .iter()
            .filter(|v| !matches!(v, Value::Nil))
            .map(|v| format!("'{v}'"))
            .collect();
        Ok(parts.join(" ").into())
    });
    add(map, "cat", &[], Some(Any), |_, a| {
        let parts: Vec<String> = a
            .iter()
            .filter(|v| !matches!(v, Value::Nil))
            .map(Value::to_string)
            .collect();
        Ok(parts.join(" ").into())
    });
    add(map, "indent", &[Int, S], None, |ctx, a| {
        indent(ctx, int_arg(a, 0), str_arg(a, 1)).map(Value::from)
    });
    add(map, "nindent", &[Int, S], None, |ctx, a| {
        indent(ctx, int_arg(a, 0), str_arg(a, 1)).map(|s| Value::from(format!("\n{s}")))
    });
    add(map, "replace", &[S, S, S], None, |ctx, a| {
        let (old, new, src) = (str_arg(a, 0), str_arg(a, 1), str_arg(a, 2));
        let count = if old.is_empty() {
            src.chars().count() + 1
        } else {
            src.matches(old).count()
        };
        grown(ctx, "replace", src.len(), count, new.len())?;
        Ok(go_replace(src, old, new).into())
    });
    add(map, "plural", &[S, S, Int], None, |_, a| {
        Ok(if int_arg(a, 2) == 1 {
            a[0].clone()
        } else {
            a[1].clone()
        })
    });
    add(map, "toString", &[Any], None, |_, a| {
        Ok(strval(&a[0]).into())
    });
    add(map, "split", &[S, S], None, |ctx, a| {
        parts_limit(ctx, str_arg(a, 1), str_arg(a, 0))?;
        Ok(indexed(gostr::split(str_arg(a, 1), str_arg(a, 0))))
    });
    add(map, "splitList", &[S, S], None, |ctx, a| {
        parts_limit(ctx, str_arg(a, 1), str_arg(a, 0))?;
        Ok(Value::list(
            gostr::split(str_arg(a, 1), str_arg(a, 0))
                .into_iter()
                .map(Value::from)
                .collect(),
        ))
    });
    add(map, "splitn", &[S, Int, S], None, |ctx, a| {
        parts_limit(ctx, str_arg(a, 2), str_arg(a, 0))?;
        Ok(indexed(gostr::splitn(
            str_arg(a, 2),
            str_arg(a, 0),
            int_arg(a, 1),
        )))
    });
    add(map, "toStrings", &[Any], None, |_, a| {
        Ok(string_list(&strslice(&a[0])))
    });
    add(map, "join", &[S, Any], None, |ctx, a| {
        let (sep, items) = (str_arg(a, 0), strslice(&a[1]));
        let total: usize = items.iter().map(String::len).sum();
        grown(ctx, "join", total, items.len().saturating_sub(1), sep.len())?;
        Ok(items.join(sep).into())
    });
    add(map, "sortAlpha", &[Any], None, |_, a| {
        let mut items = match &a[0] {
            Value::List(_) => strslice(&a[0]),
            other => vec![strval(other)],
        };
        items.sort();
        Ok(string_list(&items))
    });
    add(map, "fail", &[S], None, |_, a| {
        Err(FuncError::failed(str_arg(a, 0)))
    });
}

/// Fails when a string of `base` bytes plus `count` insertions of `each` bytes would exceed
/// the collection limit.
fn grown(
    ctx: &CallContext<'_>,
    what: &str,
    base: usize,
    count: usize,
    each: usize,
) -> Result<(), FuncError> {
    let total = (base as u64).saturating_add((count as u64).saturating_mul(each as u64));
    ctx.check_len(what, total)
}

/// Fails when splitting `s` at `sep` would make more parts than the collection limit allows.
fn parts_limit(ctx: &CallContext<'_>, s: &str, sep: &str) -> Result<(), FuncError> {
    let parts = if sep.is_empty() {
        s.chars().count()
    } else {
        s.matches(sep).count() + 1
    };
    ctx.check_len("split", parts as u64)
}

/// sprig's `trunc`: a positive count keeps that many leading bytes, a negative one that many
/// trailing bytes.
fn trunc(c: i64, s: &str) -> String {
    let len = s.len() as i64;
    if c < 0 && len + c > 0 {
        return byte_slice(s, (len + c) as usize, s.len());
    }
    if c >= 0 && len > c {
        return byte_slice(s, 0, c as usize);
    }
    s.to_string()
}

/// sprig's `substr`, including the runtime panics of its unchecked slicing.
fn substr(start: i64, end: i64, s: &str) -> Result<String, FuncError> {
    let len = s.len() as i64;
    let oob =
        |msg: String| FuncError::failed(format!("runtime error: slice bounds out of range {msg}"));
    if start < 0 {
        if end < 0 {
            return Err(oob(format!("[:{end}]")));
        }
        if end > len {
            return Err(oob(format!("[:{end}] with length {len}")));
        }
        return Ok(byte_slice(s, 0, end as usize));
    }
    if end < 0 || end > len {
        if start > len {
            return Err(oob(format!("[{start}:{len}]")));
        }
        return Ok(byte_slice(s, start as usize, s.len()));
    }
    if start > end {
        return Err(oob(format!("[{start}:{end}]")));
    }
    Ok(byte_slice(s, start as usize, end as usize))
}

/// `strings.Repeat`, bounded by the collection limit.
fn repeat(ctx: &CallContext<'_>, count: i64, s: &str) -> Result<String, FuncError> {
    if count < 0 {
        return Err(FuncError::failed("strings: negative Repeat count"));
    }
    let total = (s.len() as u64).saturating_mul(count as u64);
    ctx.check_len("repeat", total)?;
    Ok(s.repeat(count as usize))
}

/// sprig's `indent`: pads the first line and every line after a newline.
fn indent(ctx: &CallContext<'_>, spaces: i64, s: &str) -> Result<String, FuncError> {
    let pad = repeat(ctx, spaces, " ")?;
    let lines = s.matches('\n').count() as u64 + 1;
    ctx.check_len(
        "indent",
        (s.len() as u64).saturating_add(lines.saturating_mul(pad.len() as u64)),
    )?;
    Ok(format!("{pad}{}", s.replace('\n', &format!("\n{pad}"))))
}

/// `strings.Replace(src, old, new, -1)`: an empty `old` inserts `new` around every rune.
fn go_replace(src: &str, old: &str, new: &str) -> String {
    if !old.is_empty() {
        return src.replace(old, new);
    }
    let mut out = String::with_capacity(src.len() + new.len() * (src.len() + 1));
    out.push_str(new);
    for c in src.chars() {
        out.push(c);
        out.push_str(new);
    }
    out
}

/// sprig's `strslice`: a list's non-nil items as strings; nil is empty; anything else is one
/// string.
pub fn strslice(v: &Value) -> Vec<String> {
    match v {
        Value::List(items) => items
            .iter()
            .filter(|i| !matches!(i, Value::Nil))
            .map(strval)
            .collect(),
        Value::Nil => Vec::new(),
        other => vec![strval(other)],
    }
}

/// A list of strings as a template value.
pub fn string_list(items: &[String]) -> Value {
    Value::list(items.iter().map(|s| Value::from(s.as_str())).collect())
}

/// `split`/`splitn` results: a map from `_0`, `_1`, ... to the parts.
fn indexed(parts: Vec<String>) -> Value {
    let map: Map = parts
        .into_iter()
        .enumerate()
        .map(|(i, p)| (format!("_{i}"), Value::from(p)))
        .collect();
    Value::map(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trunc_counts_bytes_from_either_end() {
        assert_eq!(trunc(5, "hello world"), "hello");
        assert_eq!(trunc(-5, "hello world"), "world");
        assert_eq!(trunc(-20, "hello"), "hello");
        assert_eq!(trunc(20, "hello"), "hello");
    }

    #[test]
    fn substr_matches_go_slicing_and_panics() {
        assert_eq!(substr(0, 5, "hello world").unwrap(), "hello");
        assert_eq!(substr(-1, 5, "hello world").unwrap(), "hello");
        assert_eq!(substr(6, -1, "hello world").unwrap(), "world");
        assert_eq!(substr(6, 99, "hello world").unwrap(), "world");
        assert_eq!(
            substr(-1, 10, "abc").unwrap_err().to_string(),
            "runtime error: slice bounds out of range [:10] with length 3"
        );
        assert_eq!(
            substr(5, -1, "abc").unwrap_err().to_string(),
            "runtime error: slice bounds out of range [5:3]"
        );
        assert_eq!(
            substr(2, 1, "abc").unwrap_err().to_string(),
            "runtime error: slice bounds out of range [2:1]"
        );
    }

    #[test]
    fn replace_with_empty_old_like_go() {
        assert_eq!(go_replace("ab", "", "-"), "-a-b-");
        assert_eq!(go_replace("a b c", " ", "-"), "a-b-c");
    }

    #[test]
    fn strslice_skips_nil() {
        let v = Value::list(vec![Value::from("a"), Value::Nil, Value::Int(1)]);
        assert_eq!(strslice(&v), vec!["a", "1"]);
        assert!(strslice(&Value::Nil).is_empty());
        assert_eq!(strslice(&Value::Int(3)), vec!["3"]);
    }
}
