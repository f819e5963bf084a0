//! KOTS's static context (`StaticCtx.FuncMap`, kots-internals §4.3) on top of sprig.

use std::sync::Arc;
use std::time::UNIX_EPOCH;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use super::{ClusterInfo, TemplateInputs};
use crate::template::gofmt::format_float;
use crate::template::{CallContext, Func, FuncError, FuncMap, Map, Ty, Value};

const RFC3339: &str = "2006-01-02T15:04:05Z07:00";
const DEFAULT_CHARSET: &str = "[_A-Za-z0-9]";

fn strings1(f: fn(&str) -> String) -> Func {
    Func::new(&[Ty::String], None, move |_, a| {
        Ok(Value::from(f(str_arg(&a[0]))))
    })
}

fn str_arg(v: &Value) -> &str {
    v.as_str().unwrap_or_default()
}

pub(super) fn register(map: &mut FuncMap, inputs: &TemplateInputs) {
    register_strings(map);
    register_numbers(map);
    register_time(map);
    register_random(map);
    register_cluster(map, inputs);
    let kots_version = inputs.kots_version.trim_start_matches('v').to_string();
    map.insert(
        "KotsVersion",
        Func::new(&[], None, move |_, _| Ok(kots_version.as_str().into())),
    );
    map.insert("KubeSeal", super::kubeseal::func());
    for name in [
        "TLSCert",
        "TLSKey",
        "TLSCACert",
        "TLSCertFromCA",
        "TLSKeyFromCA",
    ] {
        map.insert(
            name,
            Func::new(&[], Some(Ty::Any), move |_, _| {
                Err(FuncError::failed(format!(
                    "{name} is not supported by the kots SDK yet"
                )))
            }),
        );
    }
}

fn register_strings(map: &mut FuncMap) {
    map.insert("ToLower", strings1(|s| s.to_lowercase()));
    map.insert("ToUpper", strings1(|s| s.to_uppercase()));
    map.insert("TrimSpace", strings1(|s| s.trim().to_string()));
    map.insert(
        "Trim",
        Func::new(&[Ty::String], Some(Ty::String), |_, a| {
            let s = str_arg(&a[0]);
            Ok(match a.get(1) {
                None => s.trim().to_string(),
                Some(cut) => {
                    let cut = str_arg(cut);
                    s.trim_matches(|c| cut.contains(c)).to_string()
                }
            }
            .into())
        }),
    );
    map.insert("UrlEncode", strings1(query_escape));
    map.insert("Base64Encode", strings1(|s| STANDARD.encode(s)));
    map.insert(
        "Base64Decode",
        strings1(|s| {
            STANDARD
                .decode(s)
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .unwrap_or_default()
        }),
    );
    map.insert(
        "Split",
        Func::new(&[Ty::String, Ty::String], None, |_, a| {
            let (s, sep) = (str_arg(&a[0]), str_arg(&a[1]));
            let parts: Vec<Value> = if sep.is_empty() {
                s.chars().map(|c| Value::from(c.to_string())).collect()
            } else {
                s.split(sep).map(Value::from).collect()
            };
            Ok(Value::list(parts))
        }),
    );
    map.insert("YamlEscape", strings1(yaml_escape));
}

/// Go's `url.QueryEscape`.
fn query_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// `YamlEscape`: the string as a YAML scalar (yaml.v3 styles), every line indented by 20 spaces.
fn yaml_escape(s: &str) -> String {
    let marshalled = crate::config::yaml_scalar_document(s);
    let pad = " ".repeat(20);
    format!("{pad}{}", marshalled.replace('\n', &format!("\n{pad}")))
}

fn register_numbers(map: &mut FuncMap) {
    for (name, op) in [
        ("Add", Arith::Add),
        ("Sub", Arith::Sub),
        ("Mult", Arith::Mult),
        ("Div", Arith::Div),
    ] {
        map.insert(
            name,
            Func::new(&[Ty::Any, Ty::Any], None, move |_, a| {
                arith(op, &a[0], &a[1])
            }),
        );
    }
    map.insert(
        "ParseBool",
        Func::new(&[Ty::String], None, |_, a| {
            Ok(kots_core::kinds::parse_bool(str_arg(&a[0]))
                .unwrap_or(false)
                .into())
        }),
    );
    map.insert(
        "ParseFloat",
        Func::new(&[Ty::String], None, |_, a| {
            Ok(Value::Float(parse_go_float(str_arg(&a[0])).unwrap_or(0.0)))
        }),
    );
    map.insert(
        "ParseInt",
        Func::new(&[Ty::String], Some(Ty::Int), |_, a| {
            let base = a.get(1).and_then(Value::as_i64).unwrap_or(10);
            let v = parse_go_int(str_arg(&a[0]), base).and_then(|(neg, m)| signed(neg, m));
            Ok(Value::Int64(v.unwrap_or(0)))
        }),
    );
    map.insert(
        "ParseUint",
        Func::new(&[Ty::String], Some(Ty::Int), |_, a| {
            let base = a.get(1).and_then(Value::as_i64).unwrap_or(10);
            let v = parse_go_int(str_arg(&a[0]), base)
                .filter(|(neg, _)| !neg && !str_arg(&a[0]).starts_with('+'));
            Ok(Value::Uint(v.map_or(0, |(_, m)| m)))
        }),
    );
    map.insert(
        "HumanSize",
        Func::new(&[Ty::Any], None, |_, a| {
            Ok(human_size(to_float(&a[0])).into())
        }),
    );
}

#[derive(Clone, Copy)]
enum Arith {
    Add,
    Sub,
    Mult,
    Div,
}

fn is_float(v: &Value) -> bool {
    matches!(v, Value::Float(_))
}

fn to_float(v: &Value) -> f64 {
    match v {
        Value::Float(f) => *f,
        Value::Int(i) | Value::Int64(i) => *i as f64,
        Value::Uint(u) => *u as f64,
        _ => 0.0,
    }
}

/// `reflectToInt`: a uint argument panics in Go (`reflect.Value.Int` on a uint).
fn to_int(v: &Value) -> Result<i64, FuncError> {
    match v {
        Value::Float(f) => Ok(*f as i64),
        Value::Int(i) | Value::Int64(i) => Ok(*i),
        Value::Uint(_) => Err(FuncError::failed(
            "reflect: call of reflect.Value.Int on uint64 Value",
        )),
        _ => Ok(0),
    }
}

/// `reflectToUint`: an int argument panics in Go (`reflect.Value.Uint` on an int).
fn to_uint(v: &Value) -> Result<u64, FuncError> {
    match v {
        Value::Float(f) => Ok(*f as u64),
        Value::Uint(u) => Ok(*u),
        Value::Int(_) => Err(FuncError::failed(
            "reflect: call of reflect.Value.Uint on int Value",
        )),
        Value::Int64(_) => Err(FuncError::failed(
            "reflect: call of reflect.Value.Uint on int64 Value",
        )),
        _ => Ok(0),
    }
}

/// `add`/`sub`/`mult`/`div`: float if either side is a float, else by the kind of `a`; `0` otherwise.
fn arith(op: Arith, a: &Value, b: &Value) -> Result<Value, FuncError> {
    if is_float(a) || is_float(b) {
        let (x, y) = (to_float(a), to_float(b));
        return Ok(Value::Float(match op {
            Arith::Add => x + y,
            Arith::Sub => x - y,
            Arith::Mult => x * y,
            Arith::Div => x / y,
        }));
    }
    let divide_by_zero = || FuncError::failed("runtime error: integer divide by zero");
    match a {
        Value::Int(x) | Value::Int64(x) => {
            let y = to_int(b)?;
            Ok(Value::Int64(match op {
                Arith::Add => x.wrapping_add(y),
                Arith::Sub => x.wrapping_sub(y),
                Arith::Mult => x.wrapping_mul(y),
                Arith::Div if y == 0 => return Err(divide_by_zero()),
                Arith::Div => x.wrapping_div(y),
            }))
        }
        Value::Uint(x) => {
            let y = to_uint(b)?;
            Ok(Value::Uint(match op {
                Arith::Add => x.wrapping_add(y),
                Arith::Sub => x.wrapping_sub(y),
                Arith::Mult => x.wrapping_mul(y),
                Arith::Div if y == 0 => return Err(divide_by_zero()),
                Arith::Div => x / y,
            }))
        }
        _ => Ok(Value::Int(0)),
    }
}

fn signed(negative: bool, magnitude: u64) -> Option<i64> {
    if negative {
        if magnitude <= i64::MAX as u64 + 1 {
            Some((magnitude as i128).wrapping_neg() as i64)
        } else {
            None
        }
    } else {
        i64::try_from(magnitude).ok()
    }
}

/// Go's `strconv.ParseUint` digits with `ParseInt`'s sign: `(negative, magnitude)`. Base 0 reads
/// the `0x`/`0o`/`0b`/`0` prefixes and allows `_` separators.
fn parse_go_int(s: &str, base: i64) -> Option<(bool, u64)> {
    let (negative, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let (base, digits, underscores) = if base == 0 {
        let lower = digits.to_ascii_lowercase();
        if lower.starts_with("0x") {
            (16, &digits[2..], true)
        } else if lower.starts_with("0o") {
            (8, &digits[2..], true)
        } else if lower.starts_with("0b") {
            (2, &digits[2..], true)
        } else if digits.starts_with('0') && digits.len() > 1 {
            (8, &digits[1..], true)
        } else {
            (10, digits, true)
        }
    } else if (2..=36).contains(&base) {
        (base as u32, digits, false)
    } else {
        return None;
    };
    let cleaned: String = if underscores {
        digits.replace('_', "")
    } else {
        digits.to_string()
    };
    if cleaned.is_empty() || cleaned.starts_with(['+', '-']) {
        return None;
    }
    u64::from_str_radix(&cleaned, base)
        .ok()
        .map(|m| (negative, m))
}

/// Go's `strconv.ParseFloat(s, 64)` for decimal input, `inf`/`infinity`/`nan` and `_`-free text.
fn parse_go_float(s: &str) -> Option<f64> {
    let body = s.trim_start_matches(['+', '-']);
    let lower = body.to_ascii_lowercase();
    if matches!(lower.as_str(), "inf" | "infinity" | "nan") {
        return s.parse::<f64>().ok();
    }
    if body.is_empty()
        || !body
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'))
    {
        return None;
    }
    s.parse::<f64>().ok()
}

/// docker/go-units `HumanSize`: decimal units, `%.4g`.
fn human_size(mut size: f64) -> String {
    const UNITS: [&str; 9] = ["B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"];
    let mut i = 0;
    while size >= 1000.0 && i < UNITS.len() - 1 {
        size /= 1000.0;
        i += 1;
    }
    format!("{}{}", format_float(size, 'g', Some(4)), UNITS[i])
}

fn register_time(map: &mut FuncMap) {
    let date = map.get("date").cloned();
    let now_fmt = move |ctx: &mut CallContext<'_>, layout: &str| -> Result<Value, FuncError> {
        let layout = if layout.is_empty() { RFC3339 } else { layout };
        let secs = ctx
            .clock
            .now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        let date = date
            .as_ref()
            .ok_or_else(|| FuncError::failed("sprig's date function is not available"))?;
        // sprig's `date` formats in time.Local; KOTS formats in UTC, as the clock's zone is.
        date.call(ctx, &[Value::from(layout), Value::Int64(secs)])
    };
    let now_fmt = Arc::new(now_fmt);
    let now = now_fmt.clone();
    map.insert("Now", Func::new(&[], None, move |ctx, _| now(ctx, "")));
    map.insert(
        "NowFmt",
        Func::new(&[Ty::String], None, move |ctx, a| {
            now_fmt(ctx, str_arg(&a[0]))
        }),
    );
}

fn register_random(map: &mut FuncMap) {
    map.insert(
        "RandomString",
        Func::new(&[Ty::Uint], Some(Ty::String), |ctx, a| {
            let length = match &a[0] {
                Value::Uint(n) => *n,
                _ => 0,
            };
            let charset = a.get(1).map_or(DEFAULT_CHARSET, str_arg);
            let Some(ranges) = char_class_ranges(charset) else {
                return Ok("".into());
            };
            ctx.check_len("RandomString", length)?;
            let total: u64 = ranges
                .iter()
                .map(|(lo, hi)| u64::from(*hi) - u64::from(*lo) + 1)
                .sum();
            let mut out = String::new();
            for _ in 0..length {
                let mut nth = ctx.random.below(total);
                for (lo, hi) in &ranges {
                    let span = u64::from(*hi) - u64::from(*lo) + 1;
                    if nth < span {
                        out.extend(char::from_u32(*lo + nth as u32));
                        break;
                    }
                    nth -= span;
                }
            }
            Ok(out.into())
        }),
    );
    map.insert(
        "RandomBytes",
        Func::new(&[Ty::Uint], None, |ctx, a| {
            let length = match &a[0] {
                Value::Uint(n) => *n,
                _ => 0,
            };
            ctx.check_len("RandomBytes", length)?;
            let mut buf = vec![0u8; length as usize];
            ctx.random.fill(&mut buf);
            Ok(STANDARD.encode(buf).into())
        }),
    );
}

/// The rune ranges of a regex that parses to one character class (Go `syntax.Parse` with Perl
/// flags, then `Simplify`); `None` for anything else, a one-rune class included (Go parses it as a
/// literal), and KOTS then returns `""`.
fn char_class_ranges(pattern: &str) -> Option<Vec<(u32, u32)>> {
    use regex_syntax::hir::{Class, HirKind};
    let hir = regex_syntax::ParserBuilder::new()
        .build()
        .parse(pattern)
        .ok()?;
    match hir.kind() {
        HirKind::Class(Class::Unicode(class)) => Some(
            class
                .ranges()
                .iter()
                .map(|r| (r.start() as u32, r.end() as u32))
                .collect(),
        ),
        _ => None,
    }
}

fn register_cluster(map: &mut FuncMap, inputs: &TemplateInputs) {
    let cluster: Arc<dyn ClusterInfo> = inputs.cluster.clone();
    let namespace = cluster
        .namespace()
        .unwrap_or_else(|| inputs.namespace.clone());
    map.insert(
        "Namespace",
        Func::new(&[], None, move |_, _| Ok(namespace.as_str().into())),
    );
    let c = cluster.clone();
    map.insert(
        "IsKurl",
        Func::new(&[], None, move |_, _| Ok(c.is_kurl().into())),
    );
    let c = cluster.clone();
    map.insert(
        "Distribution",
        Func::new(&[], None, move |_, _| Ok(c.distribution().into())),
    );
    let c = cluster.clone();
    map.insert(
        "NodeCount",
        Func::new(&[], None, move |_, _| Ok(Value::Int(c.node_count()))),
    );
    let proxy = cluster.proxy_env();
    let (http, https, no) = (proxy.http_proxy, proxy.https_proxy, proxy.no_proxy);
    map.insert(
        "HTTPProxy",
        Func::new(&[], None, move |_, _| Ok(http.as_str().into())),
    );
    map.insert(
        "HTTPSProxy",
        Func::new(&[], None, move |_, _| Ok(https.as_str().into())),
    );
    map.insert(
        "NoProxy",
        Func::new(&[], None, move |_, _| Ok(no.as_str().into())),
    );
    let version = cluster.kubernetes_version();
    let git = version.as_ref().map_or_else(
        || "0.0.0+unknown".to_string(),
        |v| v.git_version.trim_start_matches('v').to_string(),
    );
    let (major, minor) = version.map_or((String::new(), String::new()), |v| (v.major, v.minor));
    map.insert(
        "KubernetesVersion",
        Func::new(&[], None, move |_, _| Ok(git.as_str().into())),
    );
    map.insert(
        "KubernetesMajorVersion",
        Func::new(&[], None, move |_, _| Ok(major.as_str().into())),
    );
    map.insert(
        "KubernetesMinorVersion",
        Func::new(&[], None, move |_, _| Ok(minor.as_str().into())),
    );
    let c = cluster.clone();
    map.insert(
        "Lookup",
        Func::new(
            &[Ty::String, Ty::String, Ty::String, Ty::String],
            None,
            move |_, a| {
                let found = c.lookup(
                    str_arg(&a[0]),
                    str_arg(&a[1]),
                    str_arg(&a[2]),
                    str_arg(&a[3]),
                );
                Ok(found.map_or_else(|| Value::map(Map::new()), |v| Value::from_json(&v)))
            },
        ),
    );
    let ca = cluster.private_ca_configmap();
    map.insert(
        "PrivateCACert",
        Func::new(&[], None, move |_, _| Ok(ca.as_str().into())),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_number_parsing() {
        assert_eq!(parse_go_int("ff", 16), Some((false, 255)));
        assert_eq!(
            parse_go_int("-12", 10).and_then(|(n, m)| signed(n, m)),
            Some(-12)
        );
        assert_eq!(parse_go_int("0x1_0", 0), Some((false, 16)));
        assert_eq!(parse_go_int("1_0", 10), None);
        assert_eq!(parse_go_int("", 10), None);
        assert_eq!(parse_go_float("1.5e3"), Some(1500.0));
        assert_eq!(parse_go_float("abc"), None);
    }

    #[test]
    fn arithmetic_follows_kots() {
        assert!(matches!(
            arith(Arith::Add, &Value::Int(1), &Value::Int(2)),
            Ok(Value::Int64(3))
        ));
        assert!(
            matches!(arith(Arith::Mult, &Value::Float(1000.0), &Value::Int(1000)), Ok(Value::Float(f)) if f == 1e6)
        );
        assert!(matches!(
            arith(Arith::Div, &Value::Int(7), &Value::Int(2)),
            Ok(Value::Int64(3))
        ));
        assert!(arith(Arith::Div, &Value::Int(7), &Value::Int(0)).is_err());
        assert!(arith(Arith::Add, &Value::Int(1), &Value::Uint(1)).is_err());
        assert!(matches!(
            arith(Arith::Add, &Value::from("a"), &Value::Int(1)),
            Ok(Value::Int(0))
        ));
    }

    #[test]
    fn human_sizes_and_escapes() {
        assert_eq!(human_size(387346587344.0), "387.3GB");
        assert_eq!(human_size(12.0), "12B");
        assert_eq!(
            query_escape("?some url unsafe=%value"),
            "%3Fsome+url+unsafe%3D%25value"
        );
        assert_eq!(char_class_ranges("[a-c]"), Some(vec![(97, 99)]));
        assert_eq!(char_class_ranges("abc"), None);
        assert_eq!(char_class_ranges("[a]"), None);
    }
}
