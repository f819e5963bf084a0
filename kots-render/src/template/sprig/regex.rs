//! sprig's regular expressions (regex.go) with Go's `regexp` semantics on the `regex` crate:
//! both are RE2-style, leftmost-first and linear-time. Go's `\d`, `\w`, `\s` and `\b` are ASCII
//! only, so patterns are rewritten before compiling; match iteration, splitting and `$name`
//! expansion follow Go's code. The plain functions panic on a bad pattern (reported as
//! `regexp: Compile(...): error parsing regexp: ...`), the `must` ones return the error.

use std::cell::RefCell;
use std::collections::HashMap;

use regex::Regex;

use super::super::funcs::{CallContext, FuncError, FuncMap, Ty};
use super::super::gofmt;
use super::super::value::Value;
use super::gostr::{is_digit, is_letter};
use super::{add, int_arg, str_arg};

/// Registers the regular-expression functions.
pub fn register(map: &mut FuncMap) {
    use Ty::{Int, String as S};
    add(map, "regexMatch", &[S, S], None, |_, a| {
        Ok(compile(str_arg(a, 0))
            .is_ok_and(|re| re.is_match(str_arg(a, 1)))
            .into())
    });
    add(map, "mustRegexMatch", &[S, S], None, |_, a| {
        Ok(compile(str_arg(a, 0))
            .map_err(FuncError::Failed)?
            .is_match(str_arg(a, 1))
            .into())
    });
    add(map, "regexFindAll", &[S, S, Int], None, |ctx, a| {
        let re = must(str_arg(a, 0))?;
        find_all(&re, str_arg(a, 1), int_arg(a, 2), max(ctx)).map(strings)
    });
    add(map, "mustRegexFindAll", &[S, S, Int], None, |ctx, a| {
        let re = compile(str_arg(a, 0)).map_err(FuncError::Failed)?;
        find_all(&re, str_arg(a, 1), int_arg(a, 2), max(ctx)).map(strings)
    });
    add(map, "regexFind", &[S, S], None, |_, a| {
        Ok(find(&must(str_arg(a, 0))?, str_arg(a, 1)).into())
    });
    add(map, "mustRegexFind", &[S, S], None, |_, a| {
        let re = compile(str_arg(a, 0)).map_err(FuncError::Failed)?;
        Ok(find(&re, str_arg(a, 1)).into())
    });
    add(map, "regexReplaceAll", &[S, S, S], None, |ctx, a| {
        let re = must(str_arg(a, 0))?;
        replace_all(&re, str_arg(a, 1), str_arg(a, 2), true, max(ctx)).map(Value::from)
    });
    add(map, "mustRegexReplaceAll", &[S, S, S], None, |ctx, a| {
        let re = compile(str_arg(a, 0)).map_err(FuncError::Failed)?;
        replace_all(&re, str_arg(a, 1), str_arg(a, 2), true, max(ctx)).map(Value::from)
    });
    add(map, "regexReplaceAllLiteral", &[S, S, S], None, |ctx, a| {
        let re = must(str_arg(a, 0))?;
        replace_all(&re, str_arg(a, 1), str_arg(a, 2), false, max(ctx)).map(Value::from)
    });
    add(
        map,
        "mustRegexReplaceAllLiteral",
        &[S, S, S],
        None,
        |ctx, a| {
            let re = compile(str_arg(a, 0)).map_err(FuncError::Failed)?;
            replace_all(&re, str_arg(a, 1), str_arg(a, 2), false, max(ctx)).map(Value::from)
        },
    );
    add(map, "regexSplit", &[S, S, Int], None, |ctx, a| {
        let pattern = str_arg(a, 0);
        split(
            &must(pattern)?,
            pattern,
            str_arg(a, 1),
            int_arg(a, 2),
            max(ctx),
        )
        .map(strings)
    });
    add(map, "mustRegexSplit", &[S, S, Int], None, |ctx, a| {
        let pattern = str_arg(a, 0);
        let re = compile(pattern).map_err(FuncError::Failed)?;
        split(&re, pattern, str_arg(a, 1), int_arg(a, 2), max(ctx)).map(strings)
    });
    add(map, "regexQuoteMeta", &[S], None, |_, a| {
        Ok(quote_meta(str_arg(a, 0)).into())
    });
}

/// The collection limit of this render.
fn max(ctx: &CallContext<'_>) -> usize {
    ctx.limits.max_collection_len
}

fn too_big(what: &str, max: usize) -> FuncError {
    FuncError::Limit(format!("{what}: result exceeds the limit of {max}"))
}

fn strings(items: Vec<&str>) -> Value {
    Value::list(items.into_iter().map(Value::from).collect())
}

/// `regexp.MustCompile`: the panic message of a bad pattern.
fn must(pattern: &str) -> Result<Regex, FuncError> {
    compile(pattern).map_err(|e| {
        let shown = if can_backquote(pattern) {
            format!("`{pattern}`")
        } else {
            gofmt::quote(pattern)
        };
        FuncError::failed(format!("regexp: Compile({shown}): {e}"))
    })
}

/// Go's `strconv.CanBackquote`.
fn can_backquote(s: &str) -> bool {
    s.chars()
        .all(|c| c != '`' && c != '\u{FEFF}' && (c == '\t' || !(c < ' ' || c == '\u{7f}')))
}

/// `regexp.Compile`, with Go's error text for the common syntax errors. Templates compile the
/// same few patterns over and over (sprig compiles on every call), so compiled patterns are
/// kept in a small per-thread cache.
pub fn compile(pattern: &str) -> Result<Regex, String> {
    const CACHE_SIZE: usize = 64;
    thread_local! {
        static CACHE: RefCell<HashMap<String, Regex>> = RefCell::new(HashMap::new());
    }
    if let Some(re) = CACHE.with(|c| c.borrow().get(pattern).cloned()) {
        return Ok(re);
    }
    let translated = translate(pattern)?;
    let re = Regex::new(&translated).map_err(|e| go_error(pattern, &e))?;
    CACHE.with(|c| {
        let mut cache = c.borrow_mut();
        if cache.len() >= CACHE_SIZE {
            cache.clear();
        }
        cache.insert(pattern.to_string(), re.clone());
    });
    Ok(re)
}

/// Rewrites Go syntax into the `regex` crate's: ASCII-only Perl classes and word boundaries,
/// `\Q...\E` quoting, and escaped punctuation that the crate reads differently (`\<`).
fn translate(pattern: &str) -> Result<String, String> {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut chars = pattern.char_indices().peekable();
    let mut class_depth = 0usize;
    // The repetition operator just written (Go forbids stacking them: `a**`).
    let mut last_repeat: Option<String> = None;
    while let Some((i, c)) = chars.next() {
        if class_depth == 0 && matches!(c, '*' | '+' | '?') {
            match last_repeat.take() {
                // A `?` right after an operator makes it non-greedy (`*?`, `??`).
                Some(prev) if c == '?' && (!prev.ends_with('?') || prev == "?") => {
                    out.push(c);
                    last_repeat = Some(format!("{prev}?"));
                }
                Some(prev) => {
                    return Err(format!(
                        "error parsing regexp: invalid nested repetition operator: `{prev}{c}`"
                    ))
                }
                None => {
                    out.push(c);
                    last_repeat = Some(c.to_string());
                }
            }
            continue;
        }
        if !(class_depth == 0 && c == '{') {
            last_repeat = None;
        }
        match c {
            '\\' => {
                let Some((_, e)) = chars.next() else {
                    return Err(
                        "error parsing regexp: trailing backslash at end of expression: ``"
                            .to_string(),
                    );
                };
                match e {
                    'd' => out.push_str("[0-9]"),
                    'D' => out.push_str("[^0-9]"),
                    'w' => out.push_str("[0-9A-Za-z_]"),
                    'W' => out.push_str("[^0-9A-Za-z_]"),
                    's' => out.push_str("[\\t\\n\\f\\r ]"),
                    'S' => out.push_str("[^\\t\\n\\f\\r ]"),
                    'b' if class_depth == 0 => out.push_str("(?-u:\\b)"),
                    'B' if class_depth == 0 => out.push_str("(?-u:\\B)"),
                    'Q' => {
                        let rest = &pattern[i + 2..];
                        let (lit, skip) = match rest.find("\\E") {
                            Some(end) => (&rest[..end], end + 2),
                            None => (rest, rest.len()),
                        };
                        out.push_str(&regex::escape(lit));
                        for _ in 0..lit.chars().count() + (skip - lit.len()).min(2) {
                            chars.next();
                        }
                    }
                    e if e.is_ascii() && !e.is_ascii_alphanumeric() => {
                        out.push_str(&regex::escape(&e.to_string()))
                    }
                    e => {
                        out.push('\\');
                        out.push(e);
                    }
                }
            }
            '[' if class_depth > 0 => {
                // Inside a Go class `[` is a literal, except for a POSIX class `[:alpha:]`.
                let posix = pattern[i..]
                    .starts_with("[:")
                    .then(|| pattern[i..].find(":]"))
                    .flatten();
                match posix {
                    Some(end) => {
                        let class = &pattern[i..i + end + 2];
                        let name = class[2..class.len() - 2].trim_start_matches('^');
                        const NAMES: [&str; 14] = [
                            "alnum", "alpha", "ascii", "blank", "cntrl", "digit", "graph", "lower",
                            "print", "punct", "space", "upper", "word", "xdigit",
                        ];
                        if !NAMES.contains(&name) {
                            return Err(format!(
                                "error parsing regexp: invalid character class range: `{class}`"
                            ));
                        }
                        out.push_str(class);
                        for _ in 1..class.chars().count() {
                            chars.next();
                        }
                    }
                    None => out.push_str("\\["),
                }
            }
            '[' => {
                class_depth = 1;
                out.push('[');
                // A leading `]` (after an optional `^`) is a literal in Go.
                if chars.peek().is_some_and(|&(_, n)| n == '^') {
                    out.push('^');
                    chars.next();
                }
                if chars.peek().is_some_and(|&(_, n)| n == ']') {
                    out.push_str("\\]");
                    chars.next();
                }
            }
            ']' if class_depth > 0 => {
                class_depth = 0;
                out.push(']');
            }
            // Go reads a `{` that does not start a valid repetition as a literal.
            '{' if class_depth == 0 => match repetition_len(&pattern[i..])? {
                Some(len) => {
                    let op = &pattern[i..i + len];
                    if let Some(prev) = last_repeat.take() {
                        return Err(format!("error parsing regexp: invalid nested repetition operator: `{prev}{op}`"));
                    }
                    out.push_str(op);
                    last_repeat = Some(op.to_string());
                    for _ in 1..len {
                        chars.next();
                    }
                }
                None => {
                    last_repeat = None;
                    out.push_str("\\{");
                }
            },
            '}' if class_depth == 0 => out.push_str("\\}"),
            // Set operators of the crate's classes are plain characters in Go's.
            '&' | '~' if class_depth > 0 => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    Ok(out)
}

/// The length of a repetition `{n}`, `{n,}` or `{n,m}` at the start of `s`, if it is one.
fn repetition_len(s: &str) -> Result<Option<usize>, String> {
    let body = &s[1..];
    let Some(close) = body.find('}') else {
        return Ok(None);
    };
    let inner = &body[..close];
    let (lo, hi) = match inner.split_once(',') {
        Some((lo, hi)) => (lo, Some(hi)),
        None => (inner, None),
    };
    let digits = |d: &str| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit());
    if !digits(lo) || hi.is_some_and(|h| !h.is_empty() && !digits(h)) {
        return Ok(None);
    }
    // Go caps counts at 1000 and wants min <= max.
    let count = |d: &str| d.parse::<u64>().unwrap_or(u64::MAX);
    let (min, max) = (count(lo), hi.filter(|h| !h.is_empty()).map(count));
    if min > 1000 || max.is_some_and(|m| m > 1000 || m < min) {
        return Err(format!(
            "error parsing regexp: invalid repeat count: `{}`",
            &s[..close + 2]
        ));
    }
    Ok(Some(close + 2))
}

/// Go's `error parsing regexp: CODE: `FRAGMENT``. The syntax shared with the crate is checked
/// by parsing the original pattern, whose error span gives Go's fragment.
fn go_error(pattern: &str, err: &regex::Error) -> String {
    use regex_syntax::ast::ErrorKind as K;
    let whole = |code: &str| format!("error parsing regexp: {code}: `{pattern}`");
    let ast_err = match regex_syntax::ast::parse::Parser::new().parse(pattern) {
        Err(e) => e,
        Ok(_) => {
            let text = err.to_string();
            if text.contains("Unicode") || text.contains("unicode") {
                return whole("invalid character class range");
            }
            if text.contains("exceeds size limit") {
                return whole("expression too large");
            }
            return whole("invalid regular expression");
        }
    };
    let span = ast_err.span();
    let (start, end) = (
        span.start.offset.min(pattern.len()),
        span.end.offset.min(pattern.len()),
    );
    let piece = pattern.get(start..end).unwrap_or(pattern);
    let fragment = |code: &str, frag: &str| format!("error parsing regexp: {code}: `{frag}`");
    match ast_err.kind() {
        K::ClassUnclosed => fragment("missing closing ]", pattern.get(start..).unwrap_or(pattern)),
        K::GroupUnclosed => whole("missing closing )"),
        K::GroupUnopened => whole("unexpected )"),
        K::RepetitionMissing => {
            let rest = &pattern[start..];
            let op = match rest.chars().next() {
                Some('{') => rest.find('}').map_or(rest, |close| &rest[..close + 1]),
                Some(c) => &rest[..c.len_utf8()],
                None => piece,
            };
            fragment(
                "missing argument to repetition operator",
                if piece.is_empty() { op } else { piece },
            )
        }
        K::EscapeUnrecognized
        | K::EscapeHexInvalid
        | K::EscapeHexInvalidDigit
        | K::EscapeHexEmpty
        | K::UnsupportedBackreference => fragment("invalid escape sequence", piece),
        K::ClassRangeInvalid | K::ClassRangeLiteral | K::ClassEscapeInvalid => {
            fragment("invalid character class range", piece)
        }
        K::RepetitionCountInvalid
        | K::RepetitionCountUnclosed
        | K::RepetitionCountDecimalEmpty
        | K::DecimalInvalid
        | K::DecimalEmpty => fragment("invalid repeat count", piece),
        K::GroupNameEmpty
        | K::GroupNameInvalid
        | K::GroupNameUnexpectedEof
        | K::GroupNameDuplicate { .. } => {
            let open = pattern[..start].rfind("(?").unwrap_or(start);
            let frag = match pattern[open..].find('>') {
                Some(gt) => &pattern[open..open + gt + 1],
                None => &pattern[open..],
            };
            fragment("invalid named capture", frag)
        }
        K::UnsupportedLookAround => fragment("invalid or unsupported Perl syntax", piece),
        K::FlagUnexpectedEof
        | K::FlagUnrecognized
        | K::FlagDanglingNegation
        | K::FlagDuplicate { .. }
        | K::FlagRepeatedNegation { .. } => {
            let open = pattern[..start].rfind("(?").unwrap_or(start);
            fragment("invalid or unsupported Perl syntax", &pattern[open..])
        }
        K::EscapeUnexpectedEof => {
            "error parsing regexp: trailing backslash at end of expression: ``".into()
        }
        _ => whole("invalid regular expression"),
    }
}

/// `FindString`.
fn find<'a>(re: &Regex, s: &'a str) -> &'a str {
    re.find(s).map_or("", |m| m.as_str())
}

/// Go's `allMatches` loop: non-overlapping matches, skipping an empty match right after a
/// match; at most `n` when `n >= 0`.
fn match_spans(re: &Regex, s: &str, n: i64, max: usize) -> Result<Vec<(usize, usize)>, FuncError> {
    let mut out = Vec::new();
    let mut pos = 0;
    let mut prev_end: Option<usize> = None;
    while (n < 0 || (out.len() as i64) < n) && pos <= s.len() {
        let Some(m) = re.find_at(s, pos) else { break };
        let mut accept = true;
        if m.end() == pos {
            if Some(m.start()) == prev_end {
                accept = false;
            }
            pos += s[pos..].chars().next().map_or(1, char::len_utf8);
        } else {
            pos = m.end();
        }
        prev_end = Some(m.end());
        if accept {
            if out.len() >= max {
                return Err(too_big("regex matches", max));
            }
            out.push((m.start(), m.end()));
        }
    }
    Ok(out)
}

/// `FindAllString(s, n)`.
fn find_all<'a>(re: &Regex, s: &'a str, n: i64, max: usize) -> Result<Vec<&'a str>, FuncError> {
    Ok(match_spans(re, s, n, max)?
        .into_iter()
        .map(|(a, b)| &s[a..b])
        .collect())
}

/// `Regexp.Split(s, n)`.
fn split<'a>(
    re: &Regex,
    pattern: &str,
    s: &'a str,
    n: i64,
    max: usize,
) -> Result<Vec<&'a str>, FuncError> {
    if n == 0 {
        return Ok(Vec::new());
    }
    if !pattern.is_empty() && s.is_empty() {
        return Ok(vec![""]);
    }
    let mut out = Vec::new();
    let (mut beg, mut end) = (0, 0);
    for (start, stop) in match_spans(re, s, n, max)? {
        if n > 0 && out.len() as i64 == n - 1 {
            break;
        }
        end = start;
        if stop != 0 {
            out.push(&s[beg..end]);
        }
        beg = stop;
    }
    if end != s.len() {
        out.push(&s[beg..]);
    }
    Ok(out)
}

/// `ReplaceAllString` (`expand`) or `ReplaceAllLiteralString`, with Go's rule that an empty
/// match right after a match is not replaced.
fn replace_all(
    re: &Regex,
    src: &str,
    repl: &str,
    expand_template: bool,
    max: usize,
) -> Result<String, FuncError> {
    let mut out = String::with_capacity(src.len());
    let mut last_end = 0;
    let mut search = 0;
    let mut locs = re.capture_locations();
    while search <= src.len() {
        let Some(m) = re.captures_read_at(&mut locs, src, search) else {
            break;
        };
        let (a0, a1) = (m.start(), m.end());
        out.push_str(&src[last_end..a0]);
        if a1 > last_end || a0 == 0 {
            if expand_template {
                expand(&mut out, re, &locs, src, repl);
            } else {
                out.push_str(repl);
            }
        }
        last_end = a1;
        if out.len() > max {
            return Err(too_big("regex replacement", max));
        }
        let width = src[search..].chars().next().map_or(1, char::len_utf8);
        search = if search + width > a1 {
            search + width
        } else if search + 1 > a1 {
            search + 1
        } else {
            a1
        };
    }
    out.push_str(&src[last_end.min(src.len())..]);
    Ok(out)
}

/// Go's `Regexp.expand`: `$1`, `${1}`, `$name`, `${name}`, `$$`; unknown groups expand to
/// nothing and a malformed reference keeps its `$`.
fn expand(out: &mut String, re: &Regex, locs: &regex::CaptureLocations, src: &str, template: &str) {
    let mut rest = template;
    while let Some(dollar) = rest.find('$') {
        out.push_str(&rest[..dollar]);
        rest = &rest[dollar + 1..];
        if let Some(after) = rest.strip_prefix('$') {
            out.push('$');
            rest = after;
            continue;
        }
        let Some((name, after)) = extract(rest) else {
            out.push('$');
            continue;
        };
        rest = after;
        let group = match group_number(name) {
            Some(n) => Some(n),
            None => re.capture_names().position(|n| n == Some(name)),
        };
        if let Some((a, b)) = group.and_then(|g| locs.get(g)) {
            out.push_str(&src[a..b]);
        }
    }
    out.push_str(rest);
}

/// Go's `extract`: the group name after a `$` and what follows it.
fn extract(s: &str) -> Option<(&str, &str)> {
    let (brace, body) = match s.strip_prefix('{') {
        Some(b) => (true, b),
        None => (false, s),
    };
    let len = body
        .char_indices()
        .find(|&(_, c)| !(is_letter(c) || is_digit(c) || c == '_'))
        .map_or(body.len(), |(i, _)| i);
    if len == 0 {
        return None;
    }
    let name = &body[..len];
    if brace {
        return body[len..].strip_prefix('}').map(|after| (name, after));
    }
    Some((name, &body[len..]))
}

/// A group number as Go's `extract` reads one: ASCII digits, below 10^8, no leading zero.
fn group_number(name: &str) -> Option<usize> {
    if !name.bytes().all(|b| b.is_ascii_digit())
        || name.len() > 9
        || (name.len() > 1 && name.starts_with('0'))
    {
        return None;
    }
    name.parse().ok().filter(|&n: &usize| n < 100_000_000 + 10)
}

/// `regexp.QuoteMeta`.
fn quote_meta(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 2);
    for c in s.chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn re(p: &str) -> Regex {
        compile(p).unwrap()
    }

    #[test]
    fn perl_classes_are_ascii_like_go() {
        assert!(!re(r"^\d$").is_match("٣"));
        assert!(re(r"^\w+$").is_match("ab_9"));
        assert!(!re(r"^\w$").is_match("é"));
        assert!(re(r"[\d\s]").is_match(" "));
        assert!(re(r"a\<b").is_match("a<b"));
        assert!(re(r"\Qa.b\E").is_match("a.b"));
        assert!(!re(r"\Qa.b\E").is_match("axb"));
        assert!(re("a{2").is_match("a{2"));
        assert!(re("^a{2}$").is_match("aa"));
        assert!(re("x{,3}").is_match("x{,3}"));
    }

    #[test]
    fn find_all_skips_empty_match_after_match() {
        assert_eq!(
            find_all(&re("a*"), "baaac", -1, 100).unwrap(),
            vec!["", "aaa", ""]
        );
        assert_eq!(find_all(&re("a"), "aaa", 2, 100).unwrap(), vec!["a", "a"]);
        assert!(find_all(&re("a"), "aaa", 0, 100).unwrap().is_empty());
    }

    #[test]
    fn replace_and_expand_like_go() {
        assert_eq!(
            replace_all(&re("a(x*)b"), "-ab-axxb-", "${1}W", true, 100).unwrap(),
            "-W-xxW-"
        );
        assert_eq!(
            replace_all(&re("a(x*)b"), "-ab-axxb-", "$1W", true, 100).unwrap(),
            "---"
        );
        assert_eq!(
            replace_all(&re("a(?P<x>x*)b"), "axxb", "[$x][$$][$]", true, 100).unwrap(),
            "[xx][$][$]"
        );
        assert_eq!(
            replace_all(&re("a*"), "baaac", "-", true, 100).unwrap(),
            "-b-c-"
        );
        assert_eq!(
            replace_all(&re("a(x*)b"), "axb", "${1}", false, 100).unwrap(),
            "${1}"
        );
    }

    #[test]
    fn results_are_bounded() {
        assert!(find_all(&re("a"), "aaaa", -1, 3).is_err());
        assert!(replace_all(&re(""), "aaaa", "xxxxxxxx", true, 10).is_err());
    }

    #[test]
    fn split_like_go() {
        assert_eq!(
            split(&re("a"), "a", "banana", -1, 100).unwrap(),
            vec!["b", "n", "n", ""]
        );
        assert_eq!(
            split(&re("a"), "a", "banana", 2, 100).unwrap(),
            vec!["b", "nana"]
        );
        assert_eq!(
            split(&re(""), "", "abc", -1, 100).unwrap(),
            vec!["a", "b", "c"]
        );
        assert_eq!(split(&re("x*"), "x*", "", -1, 100).unwrap(), vec![""]);
    }

    #[test]
    fn errors_read_like_go() {
        assert_eq!(
            compile("(").unwrap_err(),
            "error parsing regexp: missing closing ): `(`"
        );
        let e = must("a(").unwrap_err().to_string();
        assert_eq!(
            e,
            "regexp: Compile(`a(`): error parsing regexp: missing closing ): `a(`"
        );
        assert_eq!(quote_meta("1.5*[x]"), r"1\.5\*\[x\]");
        for (pattern, want) in [
            ("x[a", "missing closing ]: `[a`"),
            ("a**", "invalid nested repetition operator: `**`"),
            ("a*?+", "invalid nested repetition operator: `*?+`"),
            ("*a", "missing argument to repetition operator: `*`"),
            ("x\\qy", "invalid escape sequence: `\\q`"),
            ("[z-a]", "invalid character class range: `z-a`"),
            ("a{1001}", "invalid repeat count: `{1001}`"),
            ("a{2,1}", "invalid repeat count: `{2,1}`"),
            ("[[:foo:]]", "invalid character class range: `[:foo:]`"),
            ("(?P<>a)", "invalid named capture: `(?P<>`"),
            ("(?=a)", "invalid or unsupported Perl syntax: `(?=`"),
        ] {
            assert_eq!(
                compile(pattern).unwrap_err(),
                format!("error parsing regexp: {want}"),
                "{pattern}"
            );
        }
        assert!(
            compile("a*?").is_ok() && compile("a??").is_ok() && compile("(?i)a+?b{2}?").is_ok()
        );
    }
}
