//! Docker image references, parsed and normalised as Docker's `reference` package does.
//!
//! The grammar and normalisation follow `github.com/distribution/reference` v0.6.0, the package
//! KOTS's `go.mod` pins: regular expressions with Go's leftmost-first capture semantics,
//! `splitDockerDomain` for the `docker.io` / `library/` defaults, and digests validated as
//! go-digest does (sha256, sha384 and sha512 registered, as in a KOTS binary). Error messages are
//! Go's, word for word ([`ReferenceError::go_message`]).
//!
//! v0.6.0 differs from `github.com/docker/distribution/reference` 2.8 (Debian's
//! golang-github-docker-distribution-dev, the Go oracle of the conformance tests) in four ways,
//! all followed here:
//! - a domain may be a bracketed IPv6 address with an optional port (`[::1]:5000/app`,
//!   `[2001:db8::1]/org/app`), hex digits (either case) and colons only — zones
//!   (`[fe80::1%eth0]`), embedded IPv4 and unbracketed addresses are invalid. Such a domain is
//!   never Docker Hub, so its familiar form is the full name;
//! - a first component that is not all lower case is a domain (`Foo/bar` has the domain `Foo`
//!   and the path `bar`; 2.8 rejects it as upper case), since a path may not hold upper case;
//! - the upper-case error names the repository (`invalid reference format: repository name
//!   (library/Nginx) must be lowercase`);
//! - the 255-character limit applies to the path alone, not to domain and path.

use std::fmt;
use std::sync::OnceLock;

use regex::Regex;

/// Docker Hub's canonical domain.
pub const DEFAULT_DOMAIN: &str = "docker.io";
/// Docker Hub's legacy domain, normalised to [`DEFAULT_DOMAIN`].
pub const LEGACY_DEFAULT_DOMAIN: &str = "index.docker.io";
/// The namespace of official Docker Hub images.
pub const OFFICIAL_REPO_NAME: &str = "library";
/// The tag [`Reference::tag_name_only`] adds.
pub const DEFAULT_TAG: &str = "latest";
/// Longest path (the name without its domain) a reference may have (Go's
/// `RepositoryNameTotalLengthMax`).
pub const NAME_TOTAL_LENGTH_MAX: usize = 255;

/// Why a string is not a valid image reference. [`ReferenceError::go_message`] is the text Docker's
/// package returns; `Display` adds the offending input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReferenceError {
    /// The string does not match the reference grammar.
    #[error("image reference {input:?}: invalid reference format")]
    InvalidFormat { input: String },
    /// The repository part (after the domain, before any `:`, with `library/` added for an
    /// official image) holds upper-case letters; `remote` is that part.
    #[error("image reference {input:?}: invalid reference format: repository name ({remote}) must be lowercase")]
    RepositoryUppercase { input: String, remote: String },
    /// The string would be valid if it were lower case (found after normalisation).
    #[error("image reference {input:?}: repository name must be lowercase")]
    NameContainsUppercase { input: String },
    /// The path (the name without its domain) is longer than [`NAME_TOTAL_LENGTH_MAX`].
    #[error("image reference {input:?}: repository name must not be more than 255 characters (its path has {length})")]
    NameTooLong { input: String, length: usize },
    /// The string is empty ([`Reference::parse`] only: a normalised name always has a domain).
    #[error("image reference {input:?}: repository name must have at least one component")]
    NameEmpty { input: String },
    /// The whole string is 64 hexadecimal digits: an image id, not a name.
    #[error("image reference {input:?}: invalid repository name, cannot specify 64-byte hexadecimal strings")]
    HexIdentifier { input: String },
    /// The digest's encoded part has the wrong characters for its algorithm.
    #[error("image reference {input:?}: digest {digest:?}: invalid checksum digest format")]
    DigestFormat { input: String, digest: String },
    /// The digest's encoded part has the wrong length for its algorithm.
    #[error("image reference {input:?}: digest {digest:?}: invalid checksum digest length")]
    DigestLength { input: String, digest: String },
    /// The digest algorithm is not sha256, sha384 or sha512.
    #[error("image reference {input:?}: digest {digest:?}: unsupported digest algorithm")]
    DigestUnsupported { input: String, digest: String },
}

impl ReferenceError {
    /// The error text Docker's Go package produces for the same input.
    pub fn go_message(&self) -> String {
        match self {
            ReferenceError::InvalidFormat { .. } => "invalid reference format".into(),
            ReferenceError::RepositoryUppercase { remote, .. } => {
                format!("invalid reference format: repository name ({remote}) must be lowercase")
            }
            ReferenceError::NameContainsUppercase { .. } => {
                "repository name must be lowercase".into()
            }
            ReferenceError::NameTooLong { .. } => {
                format!("repository name must not be more than {NAME_TOTAL_LENGTH_MAX} characters")
            }
            ReferenceError::HexIdentifier { input } => format!(
                "invalid repository name ({input}), cannot specify 64-byte hexadecimal strings"
            ),
            ReferenceError::DigestFormat { .. } => "invalid checksum digest format".into(),
            ReferenceError::DigestLength { .. } => "invalid checksum digest length".into(),
            ReferenceError::DigestUnsupported { .. } => "unsupported digest algorithm".into(),
            ReferenceError::NameEmpty { .. } => {
                "repository name must have at least one component".into()
            }
        }
    }

    /// The string that failed to parse.
    pub fn input(&self) -> &str {
        match self {
            ReferenceError::InvalidFormat { input }
            | ReferenceError::RepositoryUppercase { input, .. }
            | ReferenceError::NameContainsUppercase { input }
            | ReferenceError::NameEmpty { input }
            | ReferenceError::NameTooLong { input, .. }
            | ReferenceError::HexIdentifier { input }
            | ReferenceError::DigestFormat { input, .. }
            | ReferenceError::DigestLength { input, .. }
            | ReferenceError::DigestUnsupported { input, .. } => input,
        }
    }
}

/// A parsed image reference: `[domain/]path[:tag][@digest]`.
///
/// ```
/// use kots_core::image::Reference;
///
/// let r = Reference::parse_normalized("nginx:1.25").unwrap();
/// assert_eq!(r.to_string(), "docker.io/library/nginx:1.25");
/// assert_eq!(r.familiar_string(), "nginx:1.25");
/// assert_eq!((r.domain(), r.path(), r.tag()), ("docker.io", "library/nginx", Some("1.25")));
/// assert_eq!(Reference::parse_normalized("quay.io/org/app").unwrap().tag_name_only().to_string(),
///            "quay.io/org/app:latest");
/// assert!(Reference::parse_normalized("Nginx").is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Reference {
    domain: String,
    path: String,
    tag: Option<String>,
    digest: Option<String>,
}

struct Grammar {
    reference: Regex,
    domain: Regex,
    path: Regex,
    identifier: Regex,
}

fn grammar() -> &'static Grammar {
    static GRAMMAR: OnceLock<Grammar> = OnceLock::new();
    GRAMMAR.get_or_init(|| {
        // The expressions of regexp.go, spelled out. `\w` is written as an ASCII class: Go's `\w`
        // is ASCII-only while the regex crate's is Unicode.
        let alpha_numeric = "[a-z0-9]+";
        let separator = "(?:[._]|__|[-]*)";
        let name_component = format!("{alpha_numeric}(?:(?:{separator}{alpha_numeric})+)?");
        let domain_component = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
        // distribution/reference v0.6 (KOTS's go.mod) also accepts a bracketed IPv6 host: hex
        // digits and colons only, so no zone (`%eth0`) and no embedded IPv4 (`::1.2.3.4`).
        let ipv6 = "\\[[a-fA-F0-9:]+\\]";
        let host = format!("(?:{domain_component}(?:(?:\\.{domain_component})+)?|{ipv6})");
        let domain = format!("{host}(?::[0-9]+)?");
        let tag = "[0-9A-Za-z_][0-9A-Za-z_.-]{0,127}";
        let digest = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][[:xdigit:]]{32,}";
        let path = format!("{name_component}(?:(?:/{name_component})+)?");
        let name = format!("(?:{domain}/)?{path}");
        let compile = |pattern: String| Regex::new(&pattern).expect("static reference grammar");
        Grammar {
            reference: compile(format!("^(?:{name})(?::{tag})?(?:@{digest})?$")),
            domain: compile(format!("^(?:{domain})$")),
            path: compile(format!("^(?:{path})$")),
            identifier: compile("^[a-f0-9]{64}$".into()),
        }
    })
}

impl Reference {
    /// Parses a reference as Docker's `ParseNormalizedNamed`: a familiar name such as `nginx` or
    /// `org/app` gets the `docker.io` domain (and `library/` for single-component paths), and
    /// `index.docker.io` becomes `docker.io`. No default tag is added; see [`Reference::tag_name_only`].
    pub fn parse_normalized(input: &str) -> Result<Reference, ReferenceError> {
        if grammar().identifier.is_match(input) {
            return Err(ReferenceError::HexIdentifier {
                input: input.into(),
            });
        }
        let (domain, remainder) = split_docker_domain(input);
        let remote = remainder.split(':').next().unwrap_or_default();
        if !is_go_lower(remote) {
            return Err(ReferenceError::RepositoryUppercase {
                input: input.into(),
                remote: remote.into(),
            });
        }
        Reference::parse_with_input(&format!("{domain}/{remainder}"), input)
    }

    /// Parses a reference as Docker's `Parse`: the string must already be in its final form, and
    /// nothing is added (`nginx` has no domain and the path `nginx`).
    pub fn parse(input: &str) -> Result<Reference, ReferenceError> {
        Reference::parse_with_input(input, input)
    }

    /// Parses as KOTS's `ParseDockerRef`: normalised, `:latest` added to a bare name, and the tag
    /// dropped when a digest is also present.
    pub fn parse_docker_ref(input: &str) -> Result<Reference, ReferenceError> {
        let mut reference = Reference::parse_normalized(input)?;
        if reference.digest.is_some() {
            reference.tag = None;
            Ok(reference)
        } else {
            Ok(reference.tag_name_only())
        }
    }

    /// `text` is what the grammar sees; `input` is what the caller gave, for error messages.
    ///
    /// The grammar is checked with a DFA (`is_match`); the captures Go takes with
    /// `FindStringSubmatch` are then found by plain string splitting, which gives the same result:
    /// `@` appears only before the digest, a tag holds no `:` or `/` while a name holds `:` only in
    /// its domain, and the optional domain group is exactly the first `/`-component when that
    /// component is a valid domain and the rest a valid path (leftmost-first prefers the group).
    fn parse_with_input(text: &str, input: &str) -> Result<Reference, ReferenceError> {
        let grammar = grammar();
        if !grammar.reference.is_match(text) {
            // Go checks the empty string first (unreachable through ParseNormalizedNamed, which
            // always prefixes a domain).
            if text.is_empty() {
                return Err(ReferenceError::NameEmpty {
                    input: input.into(),
                });
            }
            let lowered = go_to_lower(text);
            return Err(if grammar.reference.is_match(&lowered) {
                ReferenceError::NameContainsUppercase {
                    input: input.into(),
                }
            } else {
                ReferenceError::InvalidFormat {
                    input: input.into(),
                }
            });
        }
        let (rest, digest) = match text.split_once('@') {
            Some((rest, digest)) => (rest, Some(digest)),
            None => (text, None),
        };
        let (name, tag) = match rest.rfind(':') {
            Some(i) if !rest[i..].contains('/') => (&rest[..i], Some(&rest[i + 1..])),
            _ => (rest, None),
        };
        let (domain, path) = match name.split_once('/') {
            Some((first, path))
                if grammar.domain.is_match(first) && grammar.path.is_match(path) =>
            {
                (first, path)
            }
            _ => ("", name),
        };
        // v0.6.0 limits the path only (2.8 limited domain and path together), and checks it
        // before the digest.
        if path.len() > NAME_TOTAL_LENGTH_MAX {
            return Err(ReferenceError::NameTooLong {
                input: input.into(),
                length: path.len(),
            });
        }
        let digest = match digest {
            Some(d) => Some(validate_digest(d, input)?),
            None => None,
        };
        Ok(Reference {
            domain: domain.into(),
            path: path.into(),
            tag: tag.map(str::to_string),
            digest,
        })
    }

    /// The registry host, with its port (`docker.io`, `localhost:5000`); may be empty for a
    /// reference parsed with [`Reference::parse`].
    pub fn domain(&self) -> &str {
        &self.domain
    }

    /// The repository path without the domain (`library/nginx`).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The tag, without `:`.
    pub fn tag(&self) -> Option<&str> {
        self.tag.as_deref()
    }

    /// The digest, `algorithm:hex`.
    pub fn digest(&self) -> Option<&str> {
        self.digest.as_deref()
    }

    /// `domain/path` (or just the path when there is no domain): Go's `Name()`.
    pub fn name(&self) -> String {
        if self.domain.is_empty() {
            self.path.clone()
        } else {
            format!("{}/{}", self.domain, self.path)
        }
    }

    /// The reference with `:latest` added when it has neither tag nor digest (`TagNameOnly`).
    pub fn tag_name_only(mut self) -> Reference {
        if self.tag.is_none() && self.digest.is_none() {
            self.tag = Some(DEFAULT_TAG.into());
        }
        self
    }

    /// The name as Docker's UI shows it: `docker.io/` removed, and `library/` removed from
    /// single-level official images.
    pub fn familiar_name(&self) -> String {
        if self.domain != DEFAULT_DOMAIN {
            return self.name();
        }
        match self.path.strip_prefix("library/") {
            Some(rest) if !rest.contains('/') => rest.to_string(),
            _ => self.path.clone(),
        }
    }

    /// The familiar name with the tag and digest (`FamiliarString`).
    pub fn familiar_string(&self) -> String {
        self.with_suffix(self.familiar_name())
    }

    /// The reference without its tag and digest (`TrimNamed`).
    pub fn trimmed(&self) -> Reference {
        Reference {
            domain: self.domain.clone(),
            path: self.path.clone(),
            tag: None,
            digest: None,
        }
    }

    fn with_suffix(&self, mut name: String) -> String {
        if let Some(tag) = &self.tag {
            name.push(':');
            name.push_str(tag);
        }
        if let Some(digest) = &self.digest {
            name.push('@');
            name.push_str(digest);
        }
        name
    }
}

impl fmt::Display for Reference {
    /// Go's `String()`: `name[:tag][@digest]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.with_suffix(self.name()))
    }
}

impl std::str::FromStr for Reference {
    type Err = ReferenceError;

    /// Same as [`Reference::parse_normalized`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Reference::parse_normalized(s)
    }
}

/// Everything `kots image parse` reports about one input, as Docker's package computes it:
/// `normalized` is `TagNameOnly(ParseNormalizedNamed(s)).String()`, `familiar` is `FamiliarString`
/// of the parsed name (no tag added), `tag` is the tag of the `TagNameOnly` form. Empty fields are
/// `None`; on failure only `input` and `error` (Go's message) are set.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ReferenceReport {
    pub input: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub normalized: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub familiar: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl ReferenceReport {
    /// Parses `input` and reports the result.
    ///
    /// ```
    /// use kots_core::image::ReferenceReport;
    ///
    /// let r = ReferenceReport::of("redis");
    /// assert_eq!(r.normalized.as_deref(), Some("docker.io/library/redis:latest"));
    /// assert_eq!(r.familiar.as_deref(), Some("redis"));
    /// assert_eq!(ReferenceReport::of("Redis").error.as_deref(),
    ///            Some("invalid reference format: repository name (library/Redis) must be lowercase"));
    /// ```
    pub fn of(input: &str) -> ReferenceReport {
        let non_empty = |s: &str| (!s.is_empty()).then(|| s.to_string());
        match Reference::parse_normalized(input) {
            Ok(reference) => {
                let tagged = reference.clone().tag_name_only();
                ReferenceReport {
                    input: input.into(),
                    normalized: Some(tagged.to_string()),
                    familiar: Some(reference.familiar_string()),
                    domain: non_empty(reference.domain()),
                    path: non_empty(reference.path()),
                    tag: tagged.tag().map(str::to_string),
                    digest: reference.digest().map(str::to_string),
                    error: None,
                }
            }
            Err(e) => ReferenceReport {
                input: input.into(),
                error: Some(e.go_message()),
                ..ReferenceReport::default()
            },
        }
    }
}

/// v0.6.0's `splitDockerDomain`: a single component is an official Docker Hub image; otherwise
/// the first `/`-component is a domain when it is `localhost`, holds `.` or `:`, or is not all
/// lower case (a path may not hold upper case; 2.8 left such a component in the path), and
/// `index.docker.io` becomes `docker.io`. Anything else is a Docker Hub path.
fn split_docker_domain(name: &str) -> (&str, String) {
    let Some((first, rest)) = name.split_once('/') else {
        return (DEFAULT_DOMAIN, format!("{OFFICIAL_REPO_NAME}/{name}"));
    };
    let (domain, remote) = if first == LEGACY_DEFAULT_DOMAIN {
        (DEFAULT_DOMAIN, rest)
    } else if first == "localhost" || first.contains(['.', ':']) || !is_go_lower(first) {
        (first, rest)
    } else {
        (DEFAULT_DOMAIN, name)
    };
    if domain == DEFAULT_DOMAIN && !remote.contains('/') {
        return (domain, format!("{OFFICIAL_REPO_NAME}/{remote}"));
    }
    (domain, remote.to_string())
}

/// go-digest's `Parse`/`Validate` for a string the reference grammar already accepted, with the
/// algorithms a KOTS binary registers.
fn validate_digest(digest: &str, input: &str) -> Result<String, ReferenceError> {
    let (algorithm, encoded) = digest.split_once(':').unwrap_or((digest, ""));
    let hex_len = match algorithm {
        "sha256" => 64,
        "sha384" => 96,
        "sha512" => 128,
        // go-digest reports an unknown algorithm as unsupported only when the digest matches its
        // own (lower-case) digest pattern; the reference grammar already checked the rest.
        _ if algorithm.bytes().any(|b| b.is_ascii_uppercase()) => {
            return Err(ReferenceError::DigestFormat {
                input: input.into(),
                digest: digest.into(),
            })
        }
        _ => {
            return Err(ReferenceError::DigestUnsupported {
                input: input.into(),
                digest: digest.into(),
            })
        }
    };
    if encoded.len() != hex_len {
        return Err(ReferenceError::DigestLength {
            input: input.into(),
            digest: digest.into(),
        });
    }
    if !encoded
        .bytes()
        .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    {
        return Err(ReferenceError::DigestFormat {
            input: input.into(),
            digest: digest.into(),
        });
    }
    Ok(digest.into())
}

/// Go's `strings.ToLower(s) == s`.
fn is_go_lower(s: &str) -> bool {
    go_to_lower(s) == s
}

/// Go's `strings.ToLower`: per-character simple case mapping. Rust's full mapping differs only for
/// U+0130 (`İ`), which Go maps to a plain `i`.
fn go_to_lower(s: &str) -> String {
    if s.is_ascii() {
        return s.to_ascii_lowercase();
    }
    s.chars()
        .map(|c| match c {
            '\u{130}' => 'i',
            c => c.to_lowercase().next().unwrap_or(c),
        })
        .collect()
}

#[cfg(test)]
#[path = "reference_tests.rs"]
mod tests;
