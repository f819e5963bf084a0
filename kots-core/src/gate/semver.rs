//! Semantic versions exactly as `github.com/blang/semver` v3.5.1 parses and orders them, which is
//! what KOTS uses for `minKotsVersion`/`targetKotsVersion` (kots-internals §2.2).
//!
//! Hand-written rather than wrapping the `semver` crate: KOTS's behaviour is blang's, quirks
//! included (which error wins, the exact messages KOTS logs, `ParseTolerant`'s handling of short
//! versions), and the grammar plus ordering are a few dozen lines, whereas the `semver` crate's
//! parser would still need a tolerant front end and a translation of every error.

use std::cmp::Ordering;
use std::fmt;

/// A parsed version: `major.minor.patch[-pre][+build]`.
///
/// Ordering ([`Ord`]) is SemVer precedence as blang compares: numbers first, a version with a
/// pre-release sorts before the same version without one, pre-release identifiers compare
/// pairwise (numeric before alphanumeric, numbers numerically, text byte-wise), the longer list
/// wins a tie, and build metadata is ignored — so two versions differing only in build metadata
/// are equal.
///
/// ```
/// use kots_core::gate::Version;
///
/// let rc = Version::parse_tolerant(" v1.2-0 ").unwrap_err(); // short versions carry no pre-release
/// assert_eq!(rc.to_string(), "Short version cannot contain PreRelease/Build meta data");
/// let a = Version::parse_tolerant("v1.2").unwrap();
/// assert_eq!(a.to_string(), "1.2.0");
/// assert!(Version::parse("1.2.0-rc.1").unwrap() < a);
/// assert_eq!(Version::parse("1.2.0+build.7").unwrap(), a);
/// ```
#[derive(Debug, Clone, Eq)]
pub struct Version {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
    pub pre: Vec<PreRelease>,
    /// Build metadata identifiers; no part in ordering or equality.
    pub build: Vec<String>,
}

/// One dot-separated pre-release identifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PreRelease {
    Numeric(u64),
    Alphanumeric(String),
}

/// Why a version string did not parse; the message is blang's, as KOTS logs it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SemverError(String);

const ALPHANUM: &str = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-0123456789";

impl Version {
    /// blang's `ParseTolerant`: trims white space and one leading lowercase `v` (not `V`), and
    /// pads `1` or `1.2` with `.0` — unless that short version carries `-` or `+`, which is an
    /// error. Leading zeros stay errors.
    pub fn parse_tolerant(text: &str) -> Result<Version, SemverError> {
        let text = text.trim();
        let text = text.strip_prefix('v').unwrap_or(text);
        let parts: Vec<&str> = text.splitn(3, '.').collect();
        if parts.len() < 3 {
            if parts[parts.len() - 1].contains(['+', '-']) {
                return Err(SemverError(
                    "Short version cannot contain PreRelease/Build meta data".into(),
                ));
            }
            let mut padded = parts;
            padded.resize(3, "0");
            return Version::parse(&padded.join("."));
        }
        Version::parse(text)
    }

    /// blang's strict `Parse`: `major.minor.patch`, numbers without leading zeros, optional
    /// `-pre.release` and `+build.meta` identifiers of `[0-9A-Za-z-]`.
    pub fn parse(text: &str) -> Result<Version, SemverError> {
        if text.is_empty() {
            return Err(SemverError("Version string empty".into()));
        }
        let parts: Vec<&str> = text.splitn(3, '.').collect();
        if parts.len() != 3 {
            return Err(SemverError("No Major.Minor.Patch elements found".into()));
        }
        let major = number(parts[0], "major", "Major")?;
        let minor = number(parts[1], "minor", "Minor")?;
        let mut patch = parts[2];
        let mut build = Vec::new();
        if let Some(at) = patch.find('+') {
            build = patch[at + 1..].split('.').collect();
            patch = &patch[..at];
        }
        let mut pre = Vec::new();
        if let Some(at) = patch.find('-') {
            pre = patch[at + 1..].split('.').collect();
            patch = &patch[..at];
        }
        let patch = number(patch, "patch", "Patch")?;
        let pre = pre
            .into_iter()
            .map(PreRelease::parse)
            .collect::<Result<_, _>>()?;
        let build = build
            .into_iter()
            .map(|id| {
                if id.is_empty() {
                    Err(SemverError("Build meta data is empty".into()))
                } else if !contains_only(id, ALPHANUM) {
                    Err(SemverError(format!(
                        "Invalid character(s) found in build meta data {}",
                        go_quote(id)
                    )))
                } else {
                    Ok(id.to_string())
                }
            })
            .collect::<Result<_, _>>()?;
        Ok(Version {
            major,
            minor,
            patch,
            pre,
            build,
        })
    }
}

impl PreRelease {
    /// blang's `NewPRVersion`.
    fn parse(id: &str) -> Result<PreRelease, SemverError> {
        if id.is_empty() {
            return Err(SemverError("Prerelease is empty".into()));
        }
        if contains_only(id, "0123456789") {
            if has_leading_zero(id) {
                return Err(SemverError(format!(
                    "Numeric PreRelease version must not contain leading zeroes {}",
                    go_quote(id)
                )));
            }
            return parse_uint(id).map(PreRelease::Numeric);
        }
        if contains_only(id, ALPHANUM) {
            return Ok(PreRelease::Alphanumeric(id.to_string()));
        }
        Err(SemverError(format!(
            "Invalid character(s) found in prerelease {}",
            go_quote(id)
        )))
    }
}

impl Ord for PreRelease {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (PreRelease::Numeric(a), PreRelease::Numeric(b)) => a.cmp(b),
            (PreRelease::Numeric(_), PreRelease::Alphanumeric(_)) => Ordering::Less,
            (PreRelease::Alphanumeric(_), PreRelease::Numeric(_)) => Ordering::Greater,
            (PreRelease::Alphanumeric(a), PreRelease::Alphanumeric(b)) => {
                a.as_bytes().cmp(b.as_bytes())
            }
        }
    }
}

impl PartialOrd for PreRelease {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Version {
    /// blang's `Compare`.
    fn cmp(&self, other: &Self) -> Ordering {
        let numbers =
            (self.major, self.minor, self.patch).cmp(&(other.major, other.minor, other.patch));
        if numbers != Ordering::Equal {
            return numbers;
        }
        match (self.pre.is_empty(), other.pre.is_empty()) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Greater,
            (false, true) => Ordering::Less,
            // Pairwise, then the longer list wins: exactly slice ordering.
            (false, false) => self.pre.cmp(&other.pre),
        }
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Version {
    /// Precedence equality: build metadata is ignored, as blang's `Equals`.
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl fmt::Display for PreRelease {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PreRelease::Numeric(n) => write!(f, "{n}"),
            PreRelease::Alphanumeric(s) => f.write_str(s),
        }
    }
}

/// blang's `String()`: `1.2.3-rc.1+build.5`.
impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)?;
        for (i, pre) in self.pre.iter().enumerate() {
            f.write_str(if i == 0 { "-" } else { "." })?;
            write!(f, "{pre}")?;
        }
        if !self.build.is_empty() {
            write!(f, "+{}", self.build.join("."))?;
        }
        Ok(())
    }
}

/// A major/minor/patch number: digits only, no leading zero, fits in u64.
fn number(text: &str, what: &str, capitalised: &str) -> Result<u64, SemverError> {
    if !contains_only(text, "0123456789") {
        return Err(SemverError(format!(
            "Invalid character(s) found in {what} number {}",
            go_quote(text)
        )));
    }
    if has_leading_zero(text) {
        return Err(SemverError(format!(
            "{capitalised} number must not contain leading zeroes {}",
            go_quote(text)
        )));
    }
    parse_uint(text)
}

/// Go's `strconv.ParseUint(text, 10, 64)` on a string of ASCII digits (possibly empty).
fn parse_uint(text: &str) -> Result<u64, SemverError> {
    if text.is_empty() {
        return Err(SemverError(
            "strconv.ParseUint: parsing \"\": invalid syntax".into(),
        ));
    }
    text.parse().map_err(|_| {
        SemverError(format!(
            "strconv.ParseUint: parsing {}: value out of range",
            go_quote(text)
        ))
    })
}

/// Go's `containsOnly`: true for the empty string.
fn contains_only(text: &str, set: &str) -> bool {
    text.chars().all(|c| set.contains(c))
}

fn has_leading_zero(text: &str) -> bool {
    text.len() > 1 && text.starts_with('0')
}

/// Go's `%q` for the strings blang quotes in its messages.
fn go_quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
