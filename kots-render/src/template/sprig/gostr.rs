//! Go's `unicode` and `strings` behaviour that sprig's string functions build on.
//!
//! Rust's `char` methods use full Unicode case mappings (`ß` uppercases to `SS`) and the
//! `Uppercase`/`Lowercase` derived properties; Go uses simple one-rune mappings and general
//! categories. These helpers follow Go.

use unicode_general_category::{get_general_category, GeneralCategory as Gc};

/// `unicode.IsUpper`: general category Lu.
pub fn is_upper(c: char) -> bool {
    get_general_category(c) == Gc::UppercaseLetter
}

/// `unicode.IsLower`: general category Ll.
pub fn is_lower(c: char) -> bool {
    get_general_category(c) == Gc::LowercaseLetter
}

/// `unicode.IsTitle`: general category Lt.
pub fn is_title(c: char) -> bool {
    get_general_category(c) == Gc::TitlecaseLetter
}

/// `unicode.IsLetter`: general category L.
pub fn is_letter(c: char) -> bool {
    matches!(
        get_general_category(c),
        Gc::UppercaseLetter
            | Gc::LowercaseLetter
            | Gc::TitlecaseLetter
            | Gc::ModifierLetter
            | Gc::OtherLetter
    )
}

/// `unicode.IsDigit`: general category Nd.
pub fn is_digit(c: char) -> bool {
    get_general_category(c) == Gc::DecimalNumber
}

/// `unicode.IsNumber`: general category N.
pub fn is_number(c: char) -> bool {
    matches!(
        get_general_category(c),
        Gc::DecimalNumber | Gc::LetterNumber | Gc::OtherNumber
    )
}

/// `unicode.IsPunct`: general category P.
pub fn is_punct(c: char) -> bool {
    matches!(
        get_general_category(c),
        Gc::ConnectorPunctuation
            | Gc::DashPunctuation
            | Gc::OpenPunctuation
            | Gc::ClosePunctuation
            | Gc::InitialPunctuation
            | Gc::FinalPunctuation
            | Gc::OtherPunctuation
    )
}

/// `unicode.IsSpace`: the White_Space property (which includes U+0085 and U+00A0).
pub fn is_space(c: char) -> bool {
    c.is_whitespace()
}

/// A full case mapping reduced to Go's simple one-rune mapping: when the full mapping expands
/// to several runes there is (almost always) no simple mapping, and Go keeps the rune.
fn single(mut it: impl Iterator<Item = char>, c: char) -> char {
    match (it.next(), it.next()) {
        (Some(m), None) => m,
        _ => c,
    }
}

/// `unicode.ToUpper`.
pub fn to_upper(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_uppercase();
    }
    single(c.to_uppercase(), c)
}

/// `unicode.ToLower`.
pub fn to_lower(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    single(c.to_lowercase(), c)
}

/// `unicode.ToTitle`: the upper case, except for the Latin digraphs that have a title form.
pub fn to_title(c: char) -> char {
    match c {
        '\u{01C4}'..='\u{01C6}' => '\u{01C5}',
        '\u{01C7}'..='\u{01C9}' => '\u{01C8}',
        '\u{01CA}'..='\u{01CC}' => '\u{01CB}',
        '\u{01F1}'..='\u{01F3}' => '\u{01F2}',
        _ => to_upper(c),
    }
}

/// `strings.ToUpper`.
pub fn upper(s: &str) -> String {
    s.chars().map(to_upper).collect()
}

/// `strings.ToLower`.
pub fn lower(s: &str) -> String {
    s.chars().map(to_lower).collect()
}

/// `strings.TrimSpace`.
pub fn trim_space(s: &str) -> &str {
    s.trim_matches(is_space)
}

/// `strings.Title`: the first letter of each word in title case.
pub fn title(s: &str) -> String {
    let mut prev = ' ';
    s.chars()
        .map(|c| {
            let out = if is_separator(prev) { to_title(c) } else { c };
            prev = c;
            out
        })
        .collect()
}

/// The word separators of `strings.Title`.
fn is_separator(c: char) -> bool {
    if c.is_ascii() {
        return !(c.is_ascii_alphanumeric() || c == '_');
    }
    if is_letter(c) || is_digit(c) {
        return false;
    }
    is_space(c)
}

/// `strings.Trim(s, cutset)`.
pub fn trim_cutset<'a>(s: &'a str, cutset: &str) -> &'a str {
    if s.is_empty() || cutset.is_empty() {
        return s;
    }
    s.trim_matches(|c| cutset.contains(c))
}

/// `strings.Split(s, sep)`, including Go's splitting into UTF-8 sequences for an empty `sep`.
pub fn split(s: &str, sep: &str) -> Vec<String> {
    splitn(s, sep, -1)
}

/// `strings.SplitN(s, sep, n)`.
pub fn splitn(s: &str, sep: &str, n: i64) -> Vec<String> {
    if n == 0 {
        return Vec::new();
    }
    if sep.is_empty() {
        // Explode into runes; with a limit the last piece holds the rest.
        let mut out = Vec::new();
        let mut rest = s;
        while let Some(c) = rest.chars().next() {
            if n > 0 && out.len() as i64 == n - 1 {
                break;
            }
            out.push(c.to_string());
            rest = &rest[c.len_utf8()..];
        }
        if !rest.is_empty() {
            out.push(rest.to_string());
        }
        return out;
    }
    if n < 0 {
        return s.split(sep).map(str::to_string).collect();
    }
    s.splitn(usize::try_from(n).unwrap_or(usize::MAX), sep)
        .map(str::to_string)
        .collect()
}

/// Takes the bytes `start..end` of `s` as Go's `s[start:end]` does, even inside a UTF-8
/// sequence. Go would keep the broken bytes; they print as U+FFFD here, which is what Go's
/// JSON encoder writes for them too.
pub fn byte_slice(s: &str, start: usize, end: usize) -> String {
    match s.get(start..end) {
        Some(sub) => sub.to_string(),
        None => String::from_utf8_lossy(&s.as_bytes()[start..end]).into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_case_mapping_is_simple() {
        assert_eq!(upper("straße"), "STRAßE");
        assert_eq!(lower("ÀB"), "àb");
        assert_eq!(to_title('ǆ'), 'ǅ');
    }

    #[test]
    fn title_like_go() {
        assert_eq!(title("hello wOrld-foo_bar x.y"), "Hello WOrld-Foo_bar X.Y");
        assert_eq!(title("élan vital"), "Élan Vital");
    }

    #[test]
    fn split_like_go() {
        assert_eq!(split("a,b,,c", ","), vec!["a", "b", "", "c"]);
        assert_eq!(split("abc", ""), vec!["a", "b", "c"]);
        assert_eq!(splitn("a,b,c", ",", 2), vec!["a", "b,c"]);
        assert_eq!(splitn("abc", "", 2), vec!["a", "bc"]);
        assert!(splitn("abc", ",", 0).is_empty());
        assert_eq!(split("", ","), vec![""]);
    }

    #[test]
    fn trims() {
        assert_eq!(trim_space("\u{85} a b\u{a0}\n"), "a b");
        assert_eq!(trim_cutset("$$a$b$", "$"), "a$b");
    }

    #[test]
    fn byte_slices_inside_runes() {
        assert_eq!(byte_slice("héllo", 0, 2), "h\u{fffd}");
        assert_eq!(byte_slice("hello", 1, 3), "el");
    }
}
