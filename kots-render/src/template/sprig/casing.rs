//! Word and case transformations: the behaviour of `huandu/xstrings` v1.5.0 (`snakecase`,
//! `kebabcase`, `camelcase` = `ToPascalCase`) and `Masterminds/goutils` v1.1.1 (`swapcase`,
//! `untitle`, `initials`, `nospace`, `abbrev`, `wrap`) that sprig v3.3.0 calls.
//!
//! Several goutils functions walk a string byte by byte and turn each byte into a rune, so a
//! multi-byte character comes out as its bytes read as Latin-1; that is kept here.

use super::gostr::{
    byte_slice, is_letter, is_lower, is_number, is_punct, is_space, is_title, is_upper, to_lower,
    to_title, to_upper,
};

/// xstrings' `isConnector`.
fn is_connector(c: char) -> bool {
    c == '-' || c == '_' || is_space(c)
}

/// xstrings' `isAlphabet`: a letter that is not a CJK ideograph.
fn is_alphabet(c: char) -> bool {
    if !is_letter(c) {
        return false;
    }
    !matches!(c,
        '\u{4E00}'..='\u{9FCC}' | '\u{3400}'..='\u{4D85}' | '\u{20000}'..='\u{2B81D}')
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Word {
    Invalid,
    Number,
    Upper,
    Alphabet,
    Connector,
    Punct,
    Other,
}

/// Length in bytes of the leading run of runes matching `keep`.
fn run_len(s: &str, keep: impl Fn(char) -> bool) -> usize {
    s.char_indices()
        .find(|&(_, c)| !keep(c))
        .map_or(s.len(), |(i, _)| i)
}

/// xstrings' `nextWord`: the type of the next word, the word, and what follows it.
fn next_word(s: &str) -> (Word, &str, &str) {
    let Some(first) = s.chars().next() else {
        return (Word::Invalid, "", "");
    };
    let head = first.len_utf8();
    let rest = &s[head..];
    let (kind, len) = if is_connector(first) {
        (Word::Connector, head + run_len(rest, is_connector))
    } else if is_punct(first) {
        (Word::Punct, head + run_len(rest, is_punct))
    } else if is_upper(first) {
        (Word::Upper, head + upper_word_tail(rest))
    } else if is_alphabet(first) {
        (
            Word::Alphabet,
            head + run_len(rest, |c| is_alphabet(c) && !is_upper(c)),
        )
    } else if is_number(first) {
        (Word::Number, head + run_len(rest, is_number))
    } else {
        let other = |c: char| !(is_connector(c) || is_alphabet(c) || is_number(c) || is_punct(c));
        (Word::Other, head + run_len(rest, other))
    };
    (kind, &s[..len], &s[len..])
}

/// After an upper-case rune: `HTTPServer` keeps `HTTP` (the `S` starts the next word), `Server`
/// keeps `erver`.
fn upper_word_tail(rest: &str) -> usize {
    let Some(next) = rest.chars().next() else {
        return 0;
    };
    if is_upper(next) {
        let run = run_len(rest, is_upper);
        let after = &rest[run..];
        match after.chars().next() {
            Some(c) if is_alphabet(c) => {
                let last = rest[..run].chars().next_back().map_or(0, char::len_utf8);
                run - last
            }
            _ => run,
        }
    } else if is_alphabet(next) {
        run_len(rest, |c| is_alphabet(c) && !is_upper(c))
    } else {
        0
    }
}

/// xstrings' `toLower`: upper-case and connector words are lowered and their connectors
/// replaced; other words are copied.
fn push_lower(out: &mut String, kind: Word, word: &str, connector: char) {
    if kind != Word::Upper && kind != Word::Connector {
        out.push_str(word);
        return;
    }
    for c in word.chars() {
        if is_connector(c) {
            out.push(connector);
        } else if is_upper(c) {
            out.push(to_lower(c));
        } else {
            out.push(c);
        }
    }
}

/// `xstrings.ToSnakeCase` (`connector` `_`) and `ToKebabCase` (`-`).
pub fn to_lower_case_words(s: &str, connector: char) -> String {
    if s.is_empty() {
        return String::new();
    }
    let mut out = String::with_capacity(s.len() + 4);
    let (mut wt, mut word, mut rem) = next_word(s);
    while !rem.is_empty() {
        if wt != Word::Connector {
            push_lower(&mut out, wt, word, connector);
        }
        let prev = wt;
        let last = word;
        (wt, word, rem) = next_word(rem);
        match prev {
            Word::Number => {
                while wt == Word::Alphabet || wt == Word::Number {
                    push_lower(&mut out, wt, word, connector);
                    (wt, word, rem) = next_word(rem);
                }
                if !matches!(wt, Word::Invalid | Word::Punct | Word::Connector) {
                    out.push(connector);
                }
            }
            Word::Connector => push_lower(&mut out, prev, last, connector),
            Word::Punct => {}
            _ => {
                if wt != Word::Number {
                    if wt != Word::Connector && wt != Word::Punct {
                        out.push(connector);
                    }
                    continue;
                }
                if rem.is_empty() {
                    continue;
                }
                let number = word;
                (wt, word, rem) = next_word(rem);
                // A number followed by something other than letters belongs to the word
                // before it ("Bld4Floor" -> "bld4_floor").
                if wt != Word::Alphabet {
                    push_lower(&mut out, Word::Number, number, connector);
                    if wt != Word::Connector && wt != Word::Punct {
                        out.push(connector);
                    }
                    continue;
                }
                // Letters after the number start a new word with it ("HTTP2xx" -> "http_2xx").
                out.push(connector);
                push_lower(&mut out, Word::Number, number, connector);
                while wt == Word::Alphabet || wt == Word::Number {
                    push_lower(&mut out, wt, word, connector);
                    (wt, word, rem) = next_word(rem);
                }
                if !matches!(wt, Word::Invalid | Word::Connector | Word::Punct) {
                    out.push(connector);
                }
            }
        }
    }
    push_lower(&mut out, wt, word, connector);
    out
}

/// `xstrings.ToPascalCase` (v1.5.0), which sprig's `camelcase` calls: connectors between words
/// are dropped and each word starts upper case; an all-caps word is lowered after its first
/// rune ("GOLANG_IS_GREAT" -> "GolangIsGreat"); leading and repeated connectors stay.
pub fn to_pascal_case(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    let mut first_upper = false;
    let mut r0 = None;
    for c in chars.by_ref() {
        if !is_connector(c) {
            first_upper = is_upper(c);
            r0 = Some(to_upper(c));
            break;
        }
        out.push(c);
    }
    let Some(mut r0) = r0 else {
        // xstrings writes the last connector of an all-connector string twice.
        if let Some(last) = s.chars().next_back() {
            out.push(last);
        }
        return out;
    };
    for mut c in chars {
        let r1 = r0;
        if is_connector(c) && is_connector(r1) {
            out.push(r1);
            r0 = c;
            continue;
        }
        if is_connector(r1) {
            first_upper = is_upper(c);
            c = to_upper(c);
        } else {
            if first_upper {
                if is_upper(c) {
                    c = to_lower(c);
                } else {
                    first_upper = false;
                }
            }
            out.push(r1);
        }
        r0 = c;
    }
    out.push(r0);
    out
}

/// `goutils.SwapCase`: upper and title case become lower; lower case becomes title case at the
/// start of a word and upper case elsewhere.
pub fn swap_case(s: &str) -> String {
    let mut after_space = true;
    s.chars()
        .map(|c| {
            if is_upper(c) || is_title(c) {
                after_space = false;
                to_lower(c)
            } else if is_lower(c) {
                if after_space {
                    after_space = false;
                    to_title(c)
                } else {
                    to_upper(c)
                }
            } else {
                after_space = is_space(c);
                c
            }
        })
        .collect()
}

/// `goutils.Uncapitalize`: lowers the first rune of each space-separated word.
pub fn uncapitalize(s: &str) -> String {
    let mut next = true;
    s.chars()
        .map(|c| {
            if is_space(c) {
                next = true;
                c
            } else if next {
                next = false;
                to_lower(c)
            } else {
                c
            }
        })
        .collect()
}

/// `goutils.Initials`: the first byte of each space-separated word (bytes read as Latin-1).
pub fn initials(s: &str) -> String {
    let mut out = String::new();
    let mut gap = true;
    for b in s.bytes() {
        let c = char::from(b);
        if is_space(c) {
            gap = true;
        } else if gap {
            out.push(c);
            gap = false;
        }
    }
    out
}

/// `goutils.DeleteWhiteSpace`: drops white-space bytes (bytes read as Latin-1).
pub fn delete_white_space(s: &str) -> String {
    if !s.bytes().any(|b| is_space(char::from(b))) {
        return s.to_string();
    }
    s.bytes()
        .map(char::from)
        .filter(|c| !is_space(*c))
        .collect()
}

/// `goutils.AbbreviateFull` with sprig's guards; widths and offsets count bytes.
pub fn abbreviate(s: &str, offset: i64, max_width: i64) -> String {
    let len = s.len() as i64;
    if s.is_empty() || max_width < 4 || len <= max_width {
        return s.to_string();
    }
    let mut offset = offset.min(len);
    if len - offset < max_width - 3 {
        offset = len - (max_width - 3);
    }
    let keep = (max_width - 3) as usize;
    if offset <= 4 {
        return byte_slice(s, 0, keep) + "...";
    }
    if max_width < 7 {
        return String::new();
    }
    if offset + max_width - 3 < len {
        let tail = byte_slice(s, offset as usize, s.len());
        return "...".to_string() + &abbreviate(&tail, 0, max_width - 3);
    }
    "...".to_string() + &byte_slice(s, s.len() - keep, s.len())
}

/// `goutils.WrapCustom`: wraps at spaces to lines of `width` bytes, joining with `newline`
/// (`"\n"` when empty); long words are cut when `wrap_long` is set.
pub fn wrap(s: &str, width: i64, newline: &str, wrap_long: bool) -> String {
    if s.is_empty() {
        return String::new();
    }
    let newline = if newline.is_empty() { "\n" } else { newline };
    let width = usize::try_from(width.max(1)).unwrap_or(usize::MAX);
    let b = s.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(b.len() + 8);
    let mut offset = 0usize;
    while b.len() - offset > width {
        if b[offset] == b' ' {
            offset += 1;
            continue;
        }
        let end = width + offset + 1;
        match b[offset..end].iter().rposition(|&c| c == b' ') {
            Some(at) => {
                out.extend_from_slice(&b[offset..offset + at]);
                out.extend_from_slice(newline.as_bytes());
                offset += at + 1;
            }
            None if wrap_long => {
                out.extend_from_slice(&b[offset..offset + width]);
                out.extend_from_slice(newline.as_bytes());
                offset += width;
            }
            None => match b[offset + width..].iter().position(|&c| c == b' ') {
                None => {
                    out.extend_from_slice(&b[offset..]);
                    offset = b.len();
                }
                Some(at) => {
                    let space = offset + width + at;
                    out.extend_from_slice(&b[offset..space]);
                    out.extend_from_slice(newline.as_bytes());
                    offset = space + 1;
                }
            },
        }
    }
    out.extend_from_slice(&b[offset..]);
    match String::from_utf8(out) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_and_kebab_follow_xstrings_samples() {
        let cases = [
            ("FirstName", "first_name"),
            ("HTTPServer", "http_server"),
            ("NoHTTPS", "no_https"),
            ("GO_PATH", "go_path"),
            ("GO PATH", "go_path"),
            ("GO-PATH", "go_path"),
            ("http2xx", "http_2xx"),
            ("HTTP20xOK", "http_20x_ok"),
            ("Duration2m3s", "duration_2m3s"),
            ("Bld4Floor3rd", "bld4_floor_3rd"),
            ("a__b", "a__b"),
            ("__a", "__a"),
            ("", ""),
        ];
        for (input, want) in cases {
            assert_eq!(to_lower_case_words(input, '_'), want, "{input}");
        }
        assert_eq!(to_lower_case_words("FirstName", '-'), "first-name");
    }

    #[test]
    fn pascal_case_follows_xstrings_samples() {
        let cases = [
            ("some_words", "SomeWords"),
            ("http_server", "HttpServer"),
            ("no_https", "NoHttps"),
            ("_complex__case_", "_Complex_Case_"),
            ("some words", "SomeWords"),
            ("GOLANG_IS_GREAT", "GolangIsGreat"),
            ("a", "A"),
            ("__", "___"),
        ];
        for (input, want) in cases {
            assert_eq!(to_pascal_case(input), want, "{input}");
        }
    }

    #[test]
    fn goutils_word_functions() {
        assert_eq!(swap_case("This Is A.test"), "tHIS iS a.TEST");
        assert_eq!(uncapitalize("Hello World"), "hello world");
        assert_eq!(initials("first name  last"), "fnl");
        assert_eq!(initials("émile"), "Ã");
        assert_eq!(delete_white_space(" a b\tc\n"), "abc");
    }

    #[test]
    fn abbreviations() {
        assert_eq!(abbreviate("hello world", 0, 5), "he...");
        assert_eq!(abbreviate("abcdefghijklmno", 5, 10), "...fghi...");
        assert_eq!(abbreviate("abcdefghijklmno", 12, 10), "...ijklmno");
        assert_eq!(abbreviate("abc", 0, 3), "abc");
    }

    #[test]
    fn wrapping() {
        assert_eq!(
            wrap("Here is some text", 10, "", false),
            "Here is\nsome text"
        );
        assert_eq!(wrap("abcdefghijkl mno", 5, "", false), "abcdefghijkl\nmno");
        assert_eq!(wrap("abcdefghij", 4, "<br>", true), "abcd<br>efgh<br>ij");
    }
}
