//! sprig's `urlParse` and `urlJoin` (url.go) with Go's `net/url` parsing, escaping and
//! `URL.String()`.

use super::super::funcs::{FuncError, FuncMap, Ty};
use super::super::value::{Map, Value};
use super::lists::NIL_DEREF;
use super::{add, str_arg};

/// Registers the URL functions.
pub fn register(map: &mut FuncMap) {
    add(map, "urlParse", &[Ty::String], None, |_, a| {
        let raw = str_arg(a, 0);
        let u = parse(raw).map_err(|e| FuncError::failed(format!("unable to parse url: {e}")))?;
        Ok(u.to_dict())
    });
    add(map, "urlJoin", &[Ty::Map], None, |_, a| {
        join(&a[0].as_map().unwrap_or_default()).map(Value::from)
    });
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Path,
    Host,
    Zone,
    UserPassword,
    Fragment,
}

/// Go's `shouldEscape`.
fn should_escape(c: u8, mode: Mode) -> bool {
    if c.is_ascii_alphanumeric() {
        return false;
    }
    if matches!(mode, Mode::Host | Mode::Zone)
        && matches!(
            c,
            b'!' | b'$'
                | b'&'
                | b'\''
                | b'('
                | b')'
                | b'*'
                | b'+'
                | b','
                | b';'
                | b'='
                | b':'
                | b'['
                | b']'
                | b'<'
                | b'>'
                | b'"'
        )
    {
        return false;
    }
    match c {
        b'-' | b'_' | b'.' | b'~' => return false,
        b'$' | b'&' | b'+' | b',' | b'/' | b':' | b';' | b'=' | b'?' | b'@' => match mode {
            Mode::Path => return c == b'?',
            Mode::UserPassword => return matches!(c, b'@' | b'/' | b'?' | b':'),
            Mode::Fragment => return false,
            Mode::Host | Mode::Zone => {}
        },
        _ => {}
    }
    if mode == Mode::Fragment && matches!(c, b'!' | b'(' | b')' | b'*') {
        return false;
    }
    true
}

/// Go's `escape`.
fn escape(s: &str, mode: Mode) -> String {
    let mut out = String::with_capacity(s.len());
    for &c in s.as_bytes() {
        if should_escape(c, mode) {
            out.push_str(&format!("%{c:02X}"));
        } else {
            out.push(char::from(c));
        }
    }
    out
}

/// Go's `unescape` (no `+` handling: sprig never unescapes query components).
fn unescape(s: &str, mode: Mode) -> Result<String, String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' => {
                let hex = |j: usize| b.get(j).and_then(|c| char::from(*c).to_digit(16));
                let (Some(hi), Some(lo)) = (hex(i + 1), hex(i + 2)) else {
                    let end = (i + 3).min(b.len());
                    let shown = String::from_utf8_lossy(&b[i..end]);
                    return Err(format!("invalid URL escape {}", go_quote(&shown)));
                };
                let v = (hi << 4 | lo) as u8;
                let seq = &s[i..i + 3];
                if mode == Mode::Host && hi < 8 && seq != "%25" {
                    return Err(format!("invalid URL escape {}", go_quote(seq)));
                }
                if mode == Mode::Zone && seq != "%25" && v != b' ' && should_escape(v, Mode::Host) {
                    return Err(format!("invalid URL escape {}", go_quote(seq)));
                }
                out.push(v);
                i += 3;
            }
            c => {
                if matches!(mode, Mode::Host | Mode::Zone) && c < 0x80 && should_escape(c, mode) {
                    return Err(format!(
                        "invalid character {} in host name",
                        go_quote(&s[i..i + 1])
                    ));
                }
                out.push(c);
                i += 1;
            }
        }
    }
    Ok(String::from_utf8_lossy(&out).into_owned())
}

fn go_quote(s: &str) -> String {
    super::super::gofmt::quote(s)
}

/// The parts of a URL sprig exposes.
#[derive(Default)]
struct Url {
    scheme: String,
    opaque: String,
    user: Option<(String, Option<String>)>,
    host: String,
    path: String,
    raw_query: String,
    fragment: String,
}

/// Go's `url.Parse`; the error reads as Go's `*url.Error`.
fn parse(raw: &str) -> Result<Url, String> {
    let (u, frag) = raw.split_once('#').unwrap_or((raw, ""));
    let wrap = |url: &str, e: String| format!("parse {}: {e}", go_quote(url));
    let mut url = parse_no_fragment(u).map_err(|e| wrap(u, e))?;
    if !frag.is_empty() {
        url.fragment = unescape(frag, Mode::Fragment).map_err(|e| wrap(raw, e))?;
    }
    Ok(url)
}

fn parse_no_fragment(raw: &str) -> Result<Url, String> {
    if raw.bytes().any(|b| b < b' ' || b == 0x7f) {
        return Err("net/url: invalid control character in URL".into());
    }
    let mut url = Url::default();
    if raw == "*" {
        url.path = "*".into();
        return Ok(url);
    }
    let (scheme, rest) = scheme(raw)?;
    url.scheme = scheme.to_ascii_lowercase();
    let mut rest = rest;
    if rest.ends_with('?') && rest.matches('?').count() == 1 {
        rest = &rest[..rest.len() - 1];
    } else if let Some((r, q)) = rest.split_once('?') {
        rest = r;
        url.raw_query = q.to_string();
    }
    if !rest.starts_with('/') {
        if !url.scheme.is_empty() {
            url.opaque = rest.to_string();
            return Ok(url);
        }
        if rest.split('/').next().is_some_and(|seg| seg.contains(':')) {
            return Err("first path segment in URL cannot contain colon".into());
        }
    }
    if (!url.scheme.is_empty() || !rest.starts_with("///")) && rest.starts_with("//") {
        let authority = &rest[2..];
        let (authority, path) = match authority.find('/') {
            Some(i) => (&authority[..i], &authority[i..]),
            None => (authority, ""),
        };
        let (user, host) = parse_authority(authority)?;
        url.user = user;
        url.host = host;
        rest = path;
    }
    url.path = unescape(rest, Mode::Path)?;
    Ok(url)
}

/// Go's `getScheme`.
fn scheme(raw: &str) -> Result<(&str, &str), String> {
    for (i, c) in raw.bytes().enumerate() {
        match c {
            b'a'..=b'z' | b'A'..=b'Z' => {}
            b'0'..=b'9' | b'+' | b'-' | b'.' if i > 0 => {}
            b':' if i == 0 => return Err("missing protocol scheme".into()),
            b':' => return Ok((&raw[..i], &raw[i + 1..])),
            _ => return Ok(("", raw)),
        }
    }
    Ok(("", raw))
}

type UserInfo = Option<(String, Option<String>)>;

fn parse_authority(authority: &str) -> Result<(UserInfo, String), String> {
    let at = authority.rfind('@');
    let host = parse_host(at.map_or(authority, |i| &authority[i + 1..]))?;
    let Some(i) = at else {
        return Ok((None, host));
    };
    let info = &authority[..i];
    let valid = info.chars().all(|c| {
        c.is_ascii_alphanumeric()
            || matches!(
                c,
                '-' | '.'
                    | '_'
                    | ':'
                    | '~'
                    | '!'
                    | '$'
                    | '&'
                    | '\''
                    | '('
                    | ')'
                    | '*'
                    | '+'
                    | ','
                    | ';'
                    | '='
                    | '%'
                    | '@'
            )
    });
    if !valid {
        return Err("net/url: invalid userinfo".into());
    }
    let user = match info.split_once(':') {
        None => (unescape(info, Mode::UserPassword)?, None),
        Some((u, p)) => (
            unescape(u, Mode::UserPassword)?,
            Some(unescape(p, Mode::UserPassword)?),
        ),
    };
    Ok((Some(user), host))
}

fn valid_optional_port(port: &str) -> bool {
    port.is_empty() || (port.starts_with(':') && port[1..].bytes().all(|b| b.is_ascii_digit()))
}

/// Go's `parseHost`.
fn parse_host(host: &str) -> Result<String, String> {
    if host.starts_with('[') {
        let i = host.rfind(']').ok_or("missing ']' in host")?;
        let port = &host[i + 1..];
        if !valid_optional_port(port) {
            return Err(format!("invalid port {} after host", go_quote(port)));
        }
        if let Some(zone) = host[..i].find("%25") {
            return Ok(unescape(&host[..zone], Mode::Host)?
                + &unescape(&host[zone..i], Mode::Zone)?
                + &unescape(&host[i..], Mode::Host)?);
        }
    } else if let Some(i) = host.rfind(':') {
        let port = &host[i..];
        if !valid_optional_port(port) {
            return Err(format!("invalid port {} after host", go_quote(port)));
        }
    }
    unescape(host, Mode::Host)
}

impl Url {
    /// `URL.Hostname()`.
    fn hostname(&self) -> &str {
        let mut host = self.host.as_str();
        if let Some(colon) = host.rfind(':') {
            if valid_optional_port(&host[colon..]) {
                host = &host[..colon];
            }
        }
        host.strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .unwrap_or(host)
    }

    /// `Userinfo.String()`.
    fn userinfo(&self) -> String {
        match &self.user {
            None => String::new(),
            Some((u, None)) => escape(u, Mode::UserPassword),
            Some((u, Some(p))) => format!(
                "{}:{}",
                escape(u, Mode::UserPassword),
                escape(p, Mode::UserPassword)
            ),
        }
    }

    fn to_dict(&self) -> Value {
        let mut d = Map::new();
        for (k, v) in [
            ("scheme", self.scheme.as_str()),
            ("host", &self.host),
            ("hostname", self.hostname()),
            ("path", &self.path),
            ("query", &self.raw_query),
            ("opaque", &self.opaque),
            ("fragment", &self.fragment),
            ("userinfo", &self.userinfo()),
        ] {
            d.insert(k.to_string(), Value::from(v));
        }
        Value::map(d)
    }

    /// `URL.String()`.
    fn render(&self) -> String {
        let mut out = String::new();
        if !self.scheme.is_empty() {
            out.push_str(&self.scheme);
            out.push(':');
        }
        if !self.opaque.is_empty() {
            out.push_str(&self.opaque);
        } else {
            if !self.scheme.is_empty() || !self.host.is_empty() || self.user.is_some() {
                if !self.host.is_empty() || !self.path.is_empty() || self.user.is_some() {
                    out.push_str("//");
                }
                if self.user.is_some() {
                    out.push_str(&self.userinfo());
                    out.push('@');
                }
                out.push_str(&escape(&self.host, Mode::Host));
            }
            let path = if self.path == "*" {
                "*".to_string()
            } else {
                escape(&self.path, Mode::Path)
            };
            if !path.is_empty() && !path.starts_with('/') && !self.host.is_empty() {
                out.push('/');
            }
            if out.is_empty() && path.split('/').next().is_some_and(|seg| seg.contains(':')) {
                out.push_str("./");
            }
            out.push_str(&path);
        }
        if !self.raw_query.is_empty() {
            out.push('?');
            out.push_str(&self.raw_query);
        }
        if !self.fragment.is_empty() {
            out.push('#');
            out.push_str(&escape(&self.fragment, Mode::Fragment));
        }
        out
    }
}

/// sprig's `dictGetOrEmpty`: a string value, "" when missing, a panic otherwise.
fn field(d: &Map, key: &str) -> Result<String, FuncError> {
    match d.get(key) {
        None => Ok(String::new()),
        Some(Value::String(s)) => Ok(s.to_string()),
        Some(Value::Nil) => Err(FuncError::failed(NIL_DEREF)),
        Some(other) => Err(FuncError::failed(format!(
            "unable to parse {key} key, must be of type string, but {} found",
            other.kind_name()
        ))),
    }
}

/// sprig's `urlJoin`.
fn join(d: &Map) -> Result<String, FuncError> {
    let mut url = Url {
        scheme: field(d, "scheme")?,
        host: field(d, "host")?,
        path: field(d, "path")?,
        raw_query: field(d, "query")?,
        opaque: field(d, "opaque")?,
        fragment: field(d, "fragment")?,
        user: None,
    };
    let userinfo = field(d, "userinfo")?;
    if !userinfo.is_empty() {
        let probe = parse(&format!("proto://{userinfo}@host"))
            .map_err(|e| FuncError::failed(format!("unable to parse userinfo in dict: {e}")))?;
        url.user = probe.user;
    }
    Ok(url.render())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_like_net_url() {
        let u = parse("https://user:p%40ss@example.com:8443/a%20b/c?x=1&y=2#frag%21").unwrap();
        assert_eq!(u.scheme, "https");
        assert_eq!(u.host, "example.com:8443");
        assert_eq!(u.hostname(), "example.com");
        assert_eq!(u.path, "/a b/c");
        assert_eq!(u.raw_query, "x=1&y=2");
        assert_eq!(u.fragment, "frag!");
        assert_eq!(u.userinfo(), "user:p%40ss");
        assert_eq!(parse("mailto:joe@x.org").unwrap().opaque, "joe@x.org");
        assert_eq!(parse("http://[::1]:80/").unwrap().hostname(), "::1");
        assert_eq!(
            parse(":x").err().unwrap(),
            "parse \":x\": missing protocol scheme"
        );
        assert_eq!(
            parse("http://a b").err().unwrap(),
            "parse \"http://a b\": invalid character \" \" in host name"
        );
        assert_eq!(parse("a:b/c").unwrap().opaque, "b/c");
        assert_eq!(
            parse("1a:b").err().unwrap(),
            "parse \"1a:b\": first path segment in URL cannot contain colon"
        );
    }

    #[test]
    fn joins_like_url_string() {
        let d = Value::from_json(
            &serde_json::json!({"scheme": "https", "host": "h:1", "path": "/a b", "query": "q=1", "fragment": "f g", "userinfo": "u:p"}),
        );
        assert_eq!(
            join(&d.as_map().unwrap()).unwrap(),
            "https://u:p@h:1/a%20b?q=1#f%20g"
        );
        let d = Value::from_json(&serde_json::json!({"path": "a:b"}));
        assert_eq!(join(&d.as_map().unwrap()).unwrap(), "./a:b");
        let d = Value::from_json(&serde_json::json!({"host": 1}));
        assert_eq!(
            join(&d.as_map().unwrap()).unwrap_err().to_string(),
            "unable to parse host key, must be of type string, but float64 found"
        );
    }
}
