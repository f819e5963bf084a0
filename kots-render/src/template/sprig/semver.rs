//! sprig's `semver` and `semverCompare`: `Masterminds/semver/v3` v3.3.0 — coercing version
//! parsing (`1.2` is `1.2.0`, a `v` prefix is allowed), and constraints with `||`, `,`/space
//! conjunctions, hyphen ranges, `x`/`*` wildcards, `~` and `^`, where prereleases only match
//! constraints that name one.

use std::sync::{Arc, LazyLock};

use regex::Regex;

use super::super::funcs::{FuncError, FuncMap, Ty};
use super::super::value::{Object, Value};
use super::{add, str_arg};

/// Registers `semver` and `semverCompare`.
pub fn register(map: &mut FuncMap) {
    use Ty::String as S;
    add(map, "semver", &[S], None, |_, a| {
        let v = Version::parse(str_arg(a, 0)).map_err(FuncError::Failed)?;
        Ok(Value::Object(Arc::new(v)))
    });
    add(map, "semverCompare", &[S, S], None, |_, a| {
        let constraints = Constraints::parse(str_arg(a, 0)).map_err(FuncError::Failed)?;
        let version = Version::parse(str_arg(a, 1)).map_err(FuncError::Failed)?;
        Ok(constraints.check(&version).into())
    });
}

const CV: &str = r"v?([0-9|x|X|\*]+)(\.[0-9|x|X|\*]+)?(\.[0-9|x|X|\*]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?";
const OPS: &str = r"=||!=|>|<|>=|=>|<=|=<|~|~>|\^";
/// Go's `\s` (ASCII white space).
const WS: &str = r"[\t\n\f\r ]";

fn re(pattern: &str) -> Regex {
    // The patterns are constants; a failure would be a bug caught by the tests.
    Regex::new(pattern).unwrap_or_else(|_| Regex::new("$^").expect("trivial regex"))
}

static VERSION: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?$",
    )
});
static CONSTRAINT: LazyLock<Regex> =
    LazyLock::new(|| re(&format!("^{WS}*({OPS}){WS}*({CV}){WS}*$")));
static RANGE: LazyLock<Regex> = LazyLock::new(|| re(&format!("{WS}*({CV}){WS}+-{WS}+({CV}){WS}*")));
static FIND: LazyLock<Regex> = LazyLock::new(|| re(&format!("({OPS}){WS}*({CV})")));
static VALID: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        "^({WS}*({OPS}){WS}*({CV}){WS}*)((?:{WS}+|,{WS}*)({OPS}){WS}*({CV}){WS}*)*$"
    ))
});

/// A parsed version (`*semver.Version` in templates).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Version {
    major: u64,
    minor: u64,
    patch: u64,
    pre: String,
    metadata: String,
    original: String,
    /// `*semver.Version` (from `semver`) or a `semver.Version` value (from `IncMajor`...),
    /// which lacks the pointer-receiver methods.
    pointer: bool,
}

impl Version {
    /// `semver.NewVersion`.
    pub fn parse(v: &str) -> Result<Version, String> {
        let m = VERSION.captures(v).ok_or("Invalid Semantic Version")?;
        let segment = |i: usize| -> Result<u64, String> {
            let Some(text) = m.get(i).map(|g| g.as_str().trim_start_matches('.')) else {
                return Ok(0);
            };
            text.parse().map_err(|_| {
                format!("Error parsing version segment: strconv.ParseUint: parsing \"{text}\": value out of range")
            })
        };
        let version = Version {
            major: segment(1)?,
            minor: segment(2)?,
            patch: segment(3)?,
            pre: m.get(5).map_or("", |g| g.as_str()).to_string(),
            metadata: m.get(8).map_or("", |g| g.as_str()).to_string(),
            original: v.to_string(),
            pointer: true,
        };
        for part in version.pre.split('.').filter(|_| !version.pre.is_empty()) {
            if part.len() > 1 && part.starts_with('0') && part.bytes().all(|b| b.is_ascii_digit()) {
                return Err("Version segment starts with 0".into());
            }
        }
        Ok(version)
    }

    /// `Version.String()`.
    fn render(&self) -> String {
        let mut s = format!("{}.{}.{}", self.major, self.minor, self.patch);
        if !self.pre.is_empty() {
            s.push('-');
            s.push_str(&self.pre);
        }
        if !self.metadata.is_empty() {
            s.push('+');
            s.push_str(&self.metadata);
        }
        s
    }

    /// `Version.Compare`: -1, 0 or 1, ignoring metadata.
    fn compare(&self, o: &Version) -> i32 {
        let cmp = (self.major, self.minor, self.patch).cmp(&(o.major, o.minor, o.patch));
        if cmp != std::cmp::Ordering::Equal {
            return cmp as i32;
        }
        match (self.pre.is_empty(), o.pre.is_empty()) {
            (true, true) => 0,
            (true, false) => 1,
            (false, true) => -1,
            (false, false) => compare_prerelease(&self.pre, &o.pre),
        }
    }

    fn v_prefix(&self) -> &str {
        if self.original.starts_with('v') {
            "v"
        } else {
            ""
        }
    }

    /// The result of `IncPatch`/`IncMinor`/`IncMajor`/`Set*`: a `semver.Version` value.
    fn derived(&self, f: impl FnOnce(&mut Version)) -> Version {
        let mut next = self.clone();
        next.pointer = false;
        f(&mut next);
        next.original = format!("{}{}", self.v_prefix(), next.render());
        next
    }
}

fn compare_prerelease(a: &str, b: &str) -> i32 {
    let (pa, pb): (Vec<&str>, Vec<&str>) = (a.split('.').collect(), b.split('.').collect());
    for i in 0..pa.len().max(pb.len()) {
        let d = compare_pre_part(
            pa.get(i).copied().unwrap_or(""),
            pb.get(i).copied().unwrap_or(""),
        );
        if d != 0 {
            return d;
        }
    }
    0
}

fn compare_pre_part(s: &str, o: &str) -> i32 {
    if s == o {
        return 0;
    }
    if s.is_empty() {
        return -1;
    }
    if o.is_empty() {
        return 1;
    }
    match (s.parse::<u64>(), o.parse::<u64>()) {
        (Err(_), Err(_)) => {
            if s > o {
                1
            } else {
                -1
            }
        }
        (Ok(_), Err(_)) => -1,
        (Err(_), Ok(_)) => 1,
        (Ok(x), Ok(y)) => {
            if x > y {
                1
            } else {
                -1
            }
        }
    }
}

impl Object for Version {
    fn type_name(&self) -> &str {
        if self.pointer {
            "*semver.Version"
        } else {
            "semver.Version"
        }
    }
    fn kind_name(&self) -> &str {
        if self.pointer {
            "ptr"
        } else {
            "struct"
        }
    }
    fn format(&self, out: &mut String) {
        out.push_str(&self.render());
    }
    fn is_method(&self, _name: &str) -> bool {
        true
    }
    fn member(&self, name: &str, args: &[Value]) -> Option<Result<Value, FuncError>> {
        let other = || -> Result<Version, FuncError> {
            let o = args.first().map(Value::to_string).unwrap_or_default();
            Version::parse(&o).map_err(FuncError::Failed)
        };
        let text = |s: &str| Some(Ok(Value::from(s)));
        let obj = |v: Version| Some(Ok(Value::Object(Arc::new(v))));
        let pointer_method = matches!(
            name,
            "Original"
                | "Compare"
                | "LessThan"
                | "LessThanEqual"
                | "GreaterThan"
                | "GreaterThanEqual"
                | "Equal"
        );
        if pointer_method && !self.pointer {
            return None;
        }
        match name {
            "Major" => Some(Ok(Value::Uint(self.major))),
            "Minor" => Some(Ok(Value::Uint(self.minor))),
            "Patch" => Some(Ok(Value::Uint(self.patch))),
            "Prerelease" => text(&self.pre),
            "Metadata" => text(&self.metadata),
            "Original" => text(&self.original),
            "String" => text(&self.render()),
            "IncPatch" => obj(self.derived(|v| {
                if v.pre.is_empty() {
                    v.patch += 1;
                }
                v.pre.clear();
                v.metadata.clear();
            })),
            "IncMinor" => obj(self.derived(|v| {
                v.minor += 1;
                v.patch = 0;
                v.pre.clear();
                v.metadata.clear();
            })),
            "IncMajor" => obj(self.derived(|v| {
                v.major += 1;
                v.minor = 0;
                v.patch = 0;
                v.pre.clear();
                v.metadata.clear();
            })),
            "Compare" => Some(other().map(|o| Value::Int(i64::from(self.compare(&o))))),
            "LessThan" => Some(other().map(|o| Value::Bool(self.compare(&o) < 0))),
            "LessThanEqual" => Some(other().map(|o| Value::Bool(self.compare(&o) <= 0))),
            "GreaterThan" => Some(other().map(|o| Value::Bool(self.compare(&o) > 0))),
            "GreaterThanEqual" => Some(other().map(|o| Value::Bool(self.compare(&o) >= 0))),
            "Equal" => Some(other().map(|o| Value::Bool(self.compare(&o) == 0))),
            _ => None,
        }
    }
}

/// One comparison of a constraint string.
#[derive(Debug)]
struct Constraint {
    con: Version,
    op: String,
    minor_dirty: bool,
    patch_dirty: bool,
    dirty: bool,
}

/// `semver.Constraints`: alternatives (`||`) of conjunctions.
#[derive(Debug)]
pub struct Constraints(Vec<Vec<Constraint>>);

fn is_x(s: &str) -> bool {
    matches!(s, "x" | "X" | "*")
}

impl Constraints {
    /// `semver.NewConstraint`.
    pub fn parse(c: &str) -> Result<Constraints, String> {
        let c = rewrite_range(c);
        let mut alternatives = Vec::new();
        for part in c.split("||") {
            if !VALID.is_match(part) {
                return Err(format!("improper constraint: {part}"));
            }
            let mut found: Vec<&str> = FIND.find_iter(part).map(|m| m.as_str()).collect();
            if found.is_empty() {
                found.push(part);
            }
            alternatives.push(
                found
                    .into_iter()
                    .map(Constraint::parse)
                    .collect::<Result<_, _>>()?,
            );
        }
        Ok(Constraints(alternatives))
    }

    /// `Constraints.Check`.
    pub fn check(&self, v: &Version) -> bool {
        self.0.iter().any(|and| and.iter().all(|c| c.check(v)))
    }
}

/// `rewriteRange`: `1.2 - 1.4` becomes `>= 1.2, <= 1.4 `.
fn rewrite_range(c: &str) -> String {
    let mut out = c.to_string();
    for m in RANGE.captures_iter(c) {
        let (Some(whole), Some(lo), Some(hi)) = (m.get(0), m.get(1), m.get(11)) else {
            continue;
        };
        out = out.replacen(
            whole.as_str(),
            &format!(">= {}, <= {} ", lo.as_str(), hi.as_str()),
            1,
        );
    }
    out
}

impl Constraint {
    fn parse(c: &str) -> Result<Constraint, String> {
        if c.is_empty() {
            let con = Version::parse("0.0.0")?;
            return Ok(Constraint {
                con,
                op: String::new(),
                minor_dirty: false,
                patch_dirty: false,
                dirty: true,
            });
        }
        let m = CONSTRAINT
            .captures(c)
            .ok_or_else(|| format!("improper constraint: {c}"))?;
        let g = |i: usize| m.get(i).map_or("", |x| x.as_str());
        let (major, minor, patch, pre) = (g(3), g(4), g(5), g(6));
        let (mut minor_dirty, mut patch_dirty, mut dirty) = (false, false, false);
        let ver = if is_x(major) || major.is_empty() {
            dirty = true;
            format!("0.0.0{pre}")
        } else if is_x(minor.trim_start_matches('.')) || minor.is_empty() {
            minor_dirty = true;
            dirty = true;
            format!("{major}.0.0{pre}")
        } else if is_x(patch.trim_start_matches('.')) || patch.is_empty() {
            dirty = true;
            patch_dirty = true;
            format!("{major}{minor}.0{pre}")
        } else {
            g(2).to_string()
        };
        let con = Version::parse(&ver).map_err(|_| "constraint Parser Error".to_string())?;
        Ok(Constraint {
            con,
            op: g(1).to_string(),
            minor_dirty,
            patch_dirty,
            dirty,
        })
    }

    fn check(&self, v: &Version) -> bool {
        // Prereleases only satisfy constraints that name one (the != case checks it itself).
        let pre_blocked = !v.pre.is_empty() && self.con.pre.is_empty();
        match self.op.as_str() {
            "" | "=" => {
                !pre_blocked
                    && if self.dirty {
                        self.tilde(v)
                    } else {
                        v.compare(&self.con) == 0
                    }
            }
            "!=" => self.not_equal(v),
            ">" => !pre_blocked && self.greater(v),
            "<" => !pre_blocked && v.compare(&self.con) < 0,
            ">=" | "=>" => !pre_blocked && v.compare(&self.con) >= 0,
            "<=" | "=<" => !pre_blocked && self.less_equal(v),
            "~" | "~>" => !pre_blocked && self.tilde(v),
            "^" => !pre_blocked && self.caret(v),
            _ => false,
        }
    }

    fn not_equal(&self, v: &Version) -> bool {
        let c = &self.con;
        if self.dirty {
            if !v.pre.is_empty() && c.pre.is_empty() {
                return false;
            }
            if c.major != v.major {
                return true;
            }
            if c.minor != v.minor && !self.minor_dirty {
                return true;
            } else if self.minor_dirty {
                return false;
            } else if c.patch != v.patch && !self.patch_dirty {
                return true;
            } else if self.patch_dirty {
                if !v.pre.is_empty() || !c.pre.is_empty() {
                    return compare_prerelease(&v.pre, &c.pre) != 0;
                }
                return false;
            }
        }
        v.compare(c) != 0
    }

    fn greater(&self, v: &Version) -> bool {
        let c = &self.con;
        if !self.dirty {
            return v.compare(c) == 1;
        }
        if v.major != c.major {
            return v.major > c.major;
        }
        if self.minor_dirty {
            return false;
        }
        if self.patch_dirty {
            return v.minor > c.minor;
        }
        v.compare(c) == 1
    }

    fn less_equal(&self, v: &Version) -> bool {
        let c = &self.con;
        if !self.dirty {
            return v.compare(c) <= 0;
        }
        !(v.major > c.major || (v.major == c.major && v.minor > c.minor && !self.minor_dirty))
    }

    fn tilde(&self, v: &Version) -> bool {
        let c = &self.con;
        if !v.pre.is_empty() && c.pre.is_empty() || v.compare(c) < 0 {
            return false;
        }
        if c.major == 0 && c.minor == 0 && c.patch == 0 && !self.minor_dirty && !self.patch_dirty {
            return true;
        }
        v.major == c.major && (v.minor == c.minor || self.minor_dirty)
    }

    fn caret(&self, v: &Version) -> bool {
        let c = &self.con;
        if v.compare(c) < 0 {
            return false;
        }
        if c.major > 0 || self.minor_dirty {
            return v.major == c.major;
        }
        if v.major > 0 {
            return false;
        }
        if c.minor > 0 || self.patch_dirty {
            return v.minor == c.minor;
        }
        if v.minor > 0 {
            return false;
        }
        c.patch == v.patch
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(c: &str, v: &str) -> bool {
        Constraints::parse(c)
            .unwrap()
            .check(&Version::parse(v).unwrap())
    }

    #[test]
    fn parses_and_coerces_versions() {
        let v = Version::parse("v1.2").unwrap();
        assert_eq!(v.render(), "1.2.0");
        assert_eq!(
            Version::parse("1.2.3-beta.1+b5").unwrap().render(),
            "1.2.3-beta.1+b5"
        );
        assert_eq!(
            Version::parse("1.2.3.4").unwrap_err(),
            "Invalid Semantic Version"
        );
        assert_eq!(
            Version::parse("1.0.0-01").unwrap_err(),
            "Version segment starts with 0"
        );
        assert!(Version::parse("99999999999999999999")
            .unwrap_err()
            .starts_with("Error parsing version segment"));
    }

    #[test]
    fn constraints_like_masterminds() {
        assert!(ok(">= 1.2.3", "1.2.3"));
        assert!(ok(">=1.2, <2", "1.9.9"));
        assert!(!ok(">=1.2 <2", "2.0.0"));
        assert!(ok("~1.2.3", "1.2.9"));
        assert!(!ok("~1.2.3", "1.3.0"));
        assert!(ok("^1.2.3", "1.9.0"));
        assert!(!ok("^0.2.3", "0.3.0"));
        assert!(ok("^0.0.3", "0.0.3"));
        assert!(ok("1.2.x", "1.2.7"));
        assert!(ok("*", "4.5.6"));
        assert!(!ok(">1.0", "1.0.5"));
        assert!(ok(">1.0", "1.1.0"));
        assert!(ok("<=1.2", "1.2.9"));
        assert!(ok("1.1 - 1.3", "1.3.0"));
        assert!(ok("1.1 - 1.3", "1.3.1"));
        assert!(!ok("1.1 - 1.3", "1.4.0"));
        assert!(ok("<1.0 || >=2.0", "2.1.0"));
        assert!(!ok(">=1.0", "1.5.0-beta"));
        assert!(ok(">=1.0-0", "1.5.0-beta"));
        assert!(ok("!=1.2.3", "1.2.4"));
        assert!(!ok("!=1.2.x", "1.2.4"));
        assert_eq!(
            Constraints::parse("foo").unwrap_err(),
            "improper constraint: foo"
        );
    }

    #[test]
    fn version_methods() {
        let v = Version::parse("v1.2.3-rc1").unwrap();
        assert_eq!(v.member("Major", &[]).unwrap().unwrap().to_string(), "1");
        let next = v.member("IncPatch", &[]).unwrap().unwrap();
        assert_eq!(next.to_string(), "1.2.3");
        let Value::Object(next) = next else {
            panic!("not an object")
        };
        assert_eq!(next.type_name(), "semver.Version");
        assert!(next.member("Original", &[]).is_none());
        assert!(matches!(
            v.member("LessThan", &["1.2.3".into()]),
            Some(Ok(Value::Bool(true)))
        ));
    }
}
