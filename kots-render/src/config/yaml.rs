//! A block-style YAML writer for JSON values that keeps KOTS template text parseable: scalars
//! holding `repl{{` or `{{repl` are written single-quoted (or as a literal block when multi-line),
//! as KOTS's `normalizeTemplateStyles` does, so the whole document can be rendered as one
//! template and read back.

use serde_json::Value;

/// The value as a YAML document (block style, 2-space indent, ending in a newline).
pub(crate) fn to_yaml(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::Object(map) if !map.is_empty() => write_map(&mut out, map, 0),
        Value::Array(list) if !list.is_empty() => write_list(&mut out, list, 0),
        scalar => {
            write_scalar(&mut out, scalar, 0);
            out.push('\n');
        }
    }
    out
}

/// A string as yaml.v3's `Marshal` writes a lone string scalar (for `YamlEscape`).
pub(crate) fn yaml_scalar_document(s: &str) -> String {
    to_yaml(&Value::String(s.to_string()))
}

fn indent(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

fn write_map(out: &mut String, map: &serde_json::Map<String, Value>, level: usize) {
    for (key, value) in map {
        indent(out, level);
        write_string(out, key, level, true);
        out.push(':');
        write_child(out, value, level);
    }
}

fn write_list(out: &mut String, list: &[Value], level: usize) {
    for item in list {
        indent(out, level);
        out.push('-');
        match item {
            Value::Object(map) if !map.is_empty() => {
                // The first key goes on the dash line; the rest align under it.
                out.push(' ');
                let mut first = String::new();
                write_map(&mut first, map, level + 2);
                out.push_str(first.trim_start_matches(' '));
            }
            _ => write_child(out, item, level),
        }
    }
}

/// Writes what follows `key:` or `-`: a nested block on the next lines, or ` scalar\n`.
fn write_child(out: &mut String, value: &Value, level: usize) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            out.push('\n');
            write_map(out, map, level + 2);
        }
        Value::Array(list) if !list.is_empty() => {
            out.push('\n');
            write_list(out, list, level + 2);
        }
        scalar => {
            out.push(' ');
            write_scalar(out, scalar, level + 2);
            out.push('\n');
        }
    }
}

fn write_scalar(out: &mut String, value: &Value, level: usize) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::String(s) => write_string(out, s, level, false),
        Value::Object(_) => out.push_str("{}"),
        Value::Array(_) => out.push_str("[]"),
    }
}

fn has_template(s: &str) -> bool {
    s.contains("repl{{") || s.contains("{{repl")
}

fn write_string(out: &mut String, s: &str, level: usize, is_key: bool) {
    if !is_key && s.contains('\n') && literal_ok(s) {
        write_literal(out, s, level);
    } else if !has_template(s) && is_plain_safe(s) {
        out.push_str(s);
    } else if !s.contains('\n') && s.chars().all(|c| !c.is_control() || c == '\t') {
        out.push('\'');
        out.push_str(&s.replace('\'', "''"));
        out.push('\'');
    } else {
        // JSON string syntax is valid YAML double-quoted syntax.
        out.push_str(&serde_json::Value::String(s.to_string()).to_string());
    }
}

/// Literal blocks cannot keep a first line that starts with a space, control characters, or
/// trailing blanks at the end of the text.
fn literal_ok(s: &str) -> bool {
    !s.starts_with([' ', '\t', '\n'])
        && !s.contains('\r')
        && s.chars().all(|c| !c.is_control() || c == '\n' || c == '\t')
        && !s.trim_end_matches('\n').ends_with([' ', '\t'])
}

fn write_literal(out: &mut String, s: &str, level: usize) {
    let body = s.trim_end_matches('\n');
    let trailing = s.len() - body.len();
    out.push_str(match trailing {
        0 => "|-",
        1 => "|",
        _ => "|+",
    });
    for line in s[..body.len() + trailing.saturating_sub(1)].split('\n') {
        out.push('\n');
        if !line.is_empty() {
            indent(out, level);
            out.push_str(line);
        }
    }
}

/// Plain scalars only when YAML 1.1 reads them back as this exact string.
fn is_plain_safe(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    let lower = s.to_ascii_lowercase();
    let keyword = matches!(
        lower.as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n" | "null" | "~"
    );
    !keyword
        && (first.is_alphabetic() || first == '_' || first == '/')
        && !s.ends_with([' ', ':'])
        && !s.contains(": ")
        && !s.contains(" #")
        && s.chars()
            .all(|c| c.is_alphanumeric() || " _-./:=+@()".contains(c))
        && !s.starts_with(['.', '+', '-'])
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn round_trip(value: &Value) -> Value {
        let doc = kots_core::manifest::Document {
            index: 0,
            line: 1,
            text: to_yaml(value),
        };
        kots_core::manifest::parse_document(&doc, &kots_core::manifest::Limits::default()).unwrap()
    }

    #[test]
    fn values_round_trip() {
        let value = json!({
            "a": "plain text", "b": "true", "c": "1", "d": "multi\nline\n", "e": "x: y",
            "f": "it's", "g": "", "h": [{"k": 1, "l": [true, null]}, "s"], "i": {}, "j": [],
            "k": "tab\tand \u{1}", "l": "two\n\nblank\n\n", "m": " lead\nx", "n": "end\n   ",
            "key with: colon": 1.5, "o": "-x", "p": "0777", "q": "null"
        });
        assert_eq!(round_trip(&value), value);
    }

    #[test]
    fn templates_are_single_quoted_or_literal() {
        let yaml = to_yaml(
            &json!({"when": "repl{{ ConfigOptionEquals \"a\" \"1\" }}", "v": "{{repl X }}\nb"}),
        );
        assert!(
            yaml.contains("when: 'repl{{ ConfigOptionEquals \"a\" \"1\" }}'"),
            "{yaml}"
        );
        assert!(yaml.contains("v: |-\n  {{repl X }}\n  b"), "{yaml}");
    }
}
