//! Differential test of `kots_core::image` against Docker's reference package.
//!
//! `conformance/go-reference/expected.jsonl` is the Go oracle's output for `corpus.txt`; every
//! corpus line must produce the same JSON here. When Go and Debian's
//! golang-github-docker-distribution-dev are installed, the oracle is also rebuilt (outside the
//! repository, under the cargo target dir) and run, so the golden file cannot drift from Go.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use kots_core::image::ReferenceReport;
use serde_json::Value;

fn conformance_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../conformance/go-reference")
}

/// The ways Debian's golang-github-docker-distribution-dev 2.8 (the oracle) and
/// github.com/distribution/reference v0.6.0 (KOTS's `go.mod`, followed by this crate) answer
/// differently. Inputs of these kinds are left out of the comparison; for each, the oracle's
/// answer must be the one 2.8 is known to give and ours must differ from it in the way v0.6.0's
/// does (so the version is the only reason). Their v0.6.0 answers are the table tests of
/// `kots-core/src/image/reference_tests.rs` named below.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KnownDifference {
    /// A bracketed IPv6 host (`[::1]:5000/app`): 2.8's grammar has none and rejects it
    /// (`ipv6_hosts`).
    Ipv6Host,
    /// A first component without `.` or `:`, not `localhost`, and not all lower case
    /// (`Foo/bar`): v0.6.0's `splitDockerDomain` takes it as a domain, 2.8 kept it in the path and
    /// rejected it as upper case (`upper_case_first_component_is_a_domain`).
    UppercaseDomain,
    /// An upper-case repository name: v0.6.0's message names it, `repository name (org/App)
    /// must be lowercase` (`upper_case_error_names_the_repository`).
    LowercaseMessage,
    /// A name longer than 255 characters whose path is not: 2.8 limited domain and path
    /// together, v0.6.0 the path alone (`length_limit_counts_the_path`).
    PathLength,
}

const UPPERCASE_2_8: &str = "invalid reference format: repository name must be lowercase";
const TOO_LONG: &str = "repository name must not be more than 255 characters";

fn compiled(
    cell: &'static std::sync::OnceLock<regex::Regex>,
    pattern: &str,
) -> &'static regex::Regex {
    cell.get_or_init(|| regex::Regex::new(pattern).unwrap())
}

fn is_ipv6_host_input(input: &str) -> bool {
    static HOST: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    compiled(&HOST, r"^\[[a-fA-F0-9:]+\](?::[0-9]+)?/").is_match(input)
}

/// A domain of the reference grammar without IPv6 (the form both versions share).
fn is_domain(component: &str) -> bool {
    static DOMAIN: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let part = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
    compiled(&DOMAIN, &format!(r"^{part}(?:\.{part})*(?::[0-9]+)?$")).is_match(component)
}

/// Go's `strings.ToLower(s) != s`; Rust's mapping differs from Go's only for U+0130, which
/// changes in both.
fn has_upper(s: &str) -> bool {
    s.chars().any(|c| c.to_lowercase().ne(std::iter::once(c)))
}

/// The first `/`-component when v0.6.0's extra `splitDockerDomain` rule makes it a domain.
fn uppercase_domain(input: &str) -> Option<&str> {
    let (first, _) = input.split_once('/')?;
    (first != "localhost" && !first.contains(['.', ':']) && has_upper(first)).then_some(first)
}

/// 2.8's `splitDockerDomain` (the same as v0.6.0's for inputs without an upper-case domain).
fn split_docker_domain_2_8(input: &str) -> (&str, String) {
    let (mut domain, remainder) = match input.split_once('/') {
        Some((first, rest)) if first.contains(['.', ':']) || first == "localhost" => (first, rest),
        _ => ("docker.io", input),
    };
    if domain == "index.docker.io" {
        domain = "docker.io";
    }
    if domain == "docker.io" && !remainder.contains('/') {
        return (domain, format!("library/{remainder}"));
    }
    (domain, remainder.to_string())
}

/// The remote name `ParseNormalizedNamed` checks for upper case: the remainder up to its first `:`.
fn remote(input: &str) -> String {
    let (_, remainder) = split_docker_domain_2_8(input);
    remainder.split(':').next().unwrap_or_default().to_string()
}

/// (name length, path length) of the normalised name, for an input the grammar accepts: the name
/// ends at the digest's `@` or the tag's `:`, and its first component is the domain when it is
/// a valid one (the grammar's leftmost-first choice).
fn name_and_path_length(input: &str) -> (usize, usize) {
    let (domain, remainder) = split_docker_domain_2_8(input);
    let full = format!("{domain}/{remainder}");
    let rest = full.split('@').next().unwrap_or_default();
    let name = match rest.rfind(':') {
        Some(i) if !rest[i..].contains('/') => &rest[..i],
        _ => rest,
    };
    let path = match name.split_once('/') {
        Some((first, path)) if is_domain(first) => path,
        _ => name,
    };
    (name.len(), path.len())
}

/// The known difference `input` falls under, if any, given the oracle's answer `want`.
fn known_difference(input: &str, want: &Value) -> Option<KnownDifference> {
    if is_ipv6_host_input(input) {
        return Some(KnownDifference::Ipv6Host);
    }
    if uppercase_domain(input).is_some() {
        return Some(KnownDifference::UppercaseDomain);
    }
    let hex_id = input.len() == 64
        && input
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    if !hex_id && has_upper(&remote(input)) {
        return Some(KnownDifference::LowercaseMessage);
    }
    let (name, path) = name_and_path_length(input);
    let too_long_2_8 = want.get("error").and_then(Value::as_str) == Some(TOO_LONG);
    (name > 255 && path <= 255 && too_long_2_8).then_some(KnownDifference::PathLength)
}

/// Checks an input of a known difference: 2.8's answer is the expected one and ours is v0.6.0's.
fn check_known_difference(kind: KnownDifference, input: &str, want: &Value, got: &Value) {
    let want_error = want.get("error").and_then(Value::as_str);
    let got_error = got.get("error").and_then(Value::as_str);
    match kind {
        KnownDifference::Ipv6Host => {
            assert!(
                want_error.is_some(),
                "2.8 accepted the IPv6 input {input:?}"
            );
        }
        KnownDifference::UppercaseDomain => {
            assert_eq!(
                want_error,
                Some(UPPERCASE_2_8),
                "2.8's answer for {input:?}"
            );
            assert_ne!(got_error, Some(UPPERCASE_2_8), "our answer for {input:?}");
            if got_error.is_none() {
                assert_eq!(got["domain"].as_str(), uppercase_domain(input), "{input:?}");
            }
        }
        KnownDifference::LowercaseMessage => {
            assert_eq!(
                want_error,
                Some(UPPERCASE_2_8),
                "2.8's answer for {input:?}"
            );
            let v0_6 = format!(
                "invalid reference format: repository name ({}) must be lowercase",
                remote(input)
            );
            assert_eq!(got_error, Some(&*v0_6), "our answer for {input:?}");
        }
        KnownDifference::PathLength => {
            assert_ne!(got_error, Some(TOO_LONG), "our answer for {input:?}");
        }
    }
}

/// Compares one input; `None` when the outputs agree or the input is a known difference.
fn mismatch(input: &str, want: &Value) -> Option<String> {
    let got = serde_json::to_value(ReferenceReport::of(input)).unwrap();
    if let Some(kind) = known_difference(input, want) {
        check_known_difference(kind, input, want, &got);
        return None;
    }
    (&got != want).then(|| format!("{input:?}\n  go:   {want}\n  rust: {got}"))
}

/// How many inputs fall under each known difference, for the test's summary line.
fn difference_counts(inputs: &[String], answers: &[Value]) -> String {
    let kinds: Vec<KnownDifference> = inputs
        .iter()
        .zip(answers)
        .filter_map(|(i, w)| known_difference(i, w))
        .collect();
    let count = |k| kinds.iter().filter(|&&x| x == k).count();
    format!(
        "{} left out as 2.8/v0.6.0 differences: {} IPv6, {} upper-case domain, {} lower-case message, {} path length",
        kinds.len(),
        count(KnownDifference::Ipv6Host),
        count(KnownDifference::UppercaseDomain),
        count(KnownDifference::LowercaseMessage),
        count(KnownDifference::PathLength)
    )
}

fn corpus() -> Vec<String> {
    let text = std::fs::read_to_string(conformance_dir().join("corpus.txt")).unwrap();
    text.lines().map(str::to_string).collect()
}

fn expected() -> Vec<Value> {
    let text = std::fs::read_to_string(conformance_dir().join("expected.jsonl")).unwrap();
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn rust_matches_go_oracle_output() {
    let corpus = corpus();
    let expected = expected();
    assert_eq!(
        corpus.len(),
        expected.len(),
        "corpus and golden file differ in length"
    );
    let mismatches: Vec<String> = corpus
        .iter()
        .zip(&expected)
        .filter_map(|(input, want)| mismatch(input, want))
        .collect();
    let errors = expected.iter().filter(|v| v.get("error").is_some()).count();
    eprintln!(
        "go-reference oracle: {} inputs, {} mismatches ({} valid, {} invalid in 2.8); {}",
        corpus.len(),
        mismatches.len(),
        corpus.len() - errors,
        errors,
        difference_counts(&corpus, &expected)
    );
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

/// Builds the oracle outside the repository; `None` (and a note) when Go or the package is missing.
fn oracle() -> Option<PathBuf> {
    let gopath = Path::new("/usr/share/gocode/src/github.com/docker/distribution/reference");
    let go_ok = Command::new("go")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !go_ok || !gopath.is_dir() {
        eprintln!("skipped: go or golang-github-docker-distribution-dev is not installed");
        return None;
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"));
    let binary = target.join("go-reference/kots-reference-oracle");
    let build = Command::new("go")
        .args(["build", "-o"])
        .arg(&binary)
        .arg(".")
        .current_dir(conformance_dir())
        .env("GO111MODULE", "off")
        .env("GOPATH", "/usr/share/gocode")
        .env("GOCACHE", target.join("go-reference/cache"))
        .output()
        .unwrap();
    assert!(
        build.status.success(),
        "{}",
        String::from_utf8_lossy(&build.stderr)
    );
    Some(binary)
}

fn run_oracle(binary: &Path, input: &str) -> Vec<Value> {
    let mut child = Command::new(binary)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_string();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn golden_file_is_the_oracle_output() {
    let Some(binary) = oracle() else { return };
    let input = std::fs::read_to_string(conformance_dir().join("corpus.txt")).unwrap();
    let fresh = run_oracle(&binary, &input);
    assert_eq!(
        fresh,
        expected(),
        "expected.jsonl is stale: regenerate it with the oracle"
    );
}

/// Random reference-like strings (deterministic), checked against the live oracle.
#[test]
fn random_references_match_go_oracle() {
    let Some(binary) = oracle() else { return };
    let inputs = random_references(20_000);
    let fresh = run_oracle(&binary, &(inputs.join("\n") + "\n"));
    assert_eq!(fresh.len(), inputs.len());
    let mismatches: Vec<String> = inputs
        .iter()
        .zip(&fresh)
        .filter_map(|(input, want)| mismatch(input, want))
        .collect();
    let errors = fresh.iter().filter(|v| v.get("error").is_some()).count();
    eprintln!(
        "go-reference oracle, random corpus: {} inputs, {} mismatches ({} invalid in 2.8); {}",
        inputs.len(),
        mismatches.len(),
        errors,
        difference_counts(&inputs, &fresh)
    );
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

/// Strings built from the grammar's pieces with random mistakes mixed in.
fn random_references(n: usize) -> Vec<String> {
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move |bound: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % bound as u64) as usize
    };
    let pieces = [
        "a",
        "b",
        "z9",
        "nginx",
        "library",
        "docker.io",
        "index.docker.io",
        "localhost",
        "Local",
        "x.io",
        "quay.io",
        "127.0.0.1",
        "[::1]",
        "[fe80::1]",
        ":5000",
        ":",
        "/",
        "/",
        "/",
        "//",
        ".",
        "..",
        "_",
        "__",
        "___",
        "-",
        "--",
        "@",
        ":latest",
        ":V1.0",
        ":-x",
        "@sha256:",
        "@sha512:",
        "@md5:",
        "Ab",
        "\u{e9}",
        "\u{212a}",
        "\u{130}",
        " ",
        "e6693c20186f837f",
        "c393390135d8a598",
        "A",
        "9",
    ];
    let domains = [
        "",
        "",
        "docker.io/",
        "index.docker.io/",
        "localhost/",
        "localhost:5000/",
        "quay.io/",
        "Reg.Example.com:443/",
        "10.0.0.1:5000/",
        "my-reg.io/",
        "a.b.c/",
        "[::1]:5000/",
        "x_y.io/",
    ];
    let components = [
        "a", "nginx", "library", "org", "a.b", "a_b", "a__b", "a-b", "a---b", "z9", "x1.y2-z3",
    ];
    let tags = ["", "", ":latest", ":1", ":1.23", ":V_1-x.2", ":-bad", ":é"];
    let digest = "e6693c20186f837fc393390135d8a598a96a833917917789d63766cab6c59582";
    (0..n)
        .map(|i| {
            if i % 2 == 0 {
                let mut s = domains[next(domains.len())].to_string();
                for k in 0..1 + next(4) {
                    if k > 0 {
                        s.push('/');
                    }
                    s.push_str(components[next(components.len())]);
                }
                s.push_str(tags[next(tags.len())]);
                match next(6) {
                    0 => s.push_str(&format!("@sha256:{digest}")),
                    1 => s.push_str(&format!("@sha256:{}", &digest[..32 + next(33)])),
                    _ => {}
                }
                if next(10) == 0 {
                    let at = next(s.len() + 1);
                    if s.is_char_boundary(at) {
                        s.insert(at, ['A', '/', ':', '@', '.', '-'][next(6)]);
                    }
                }
                return s;
            }
            let mut s = String::new();
            for _ in 0..1 + next(12) {
                s.push_str(pieces[next(pieces.len())]);
                if next(8) == 0 {
                    s.push_str(&"e6693c20186f837fc393390135d8a598"[..next(33)]);
                }
            }
            if next(50) == 0 {
                s.push_str(&"a".repeat(200 + next(80)));
            }
            s
        })
        .collect()
}
