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

/// Inputs whose first component is a bracketed IPv6 host (`[::1]:5000/…`). The oracle is Debian's
/// golang-github-docker-distribution-dev 2.8, whose grammar has no IPv6 and rejects them all;
/// KOTS's `go.mod` pins github.com/distribution/reference v0.6.0, which accepts them, and so do
/// we. They are left out of the comparison (the oracle must still reject them, which shows the
/// version is the only reason) and checked by the `ipv6_hosts` table test of
/// `kots-core/src/image/reference_tests.rs` instead.
fn is_ipv6_host_input(input: &str) -> bool {
    static HOST: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    HOST.get_or_init(|| regex::Regex::new(r"^\[[a-fA-F0-9:]+\](?::[0-9]+)?/").unwrap())
        .is_match(input)
}

/// Compares one input; `None` when the outputs agree or the input is excluded as IPv6.
fn mismatch(input: &str, want: &Value) -> Option<String> {
    if is_ipv6_host_input(input) {
        assert!(
            want.get("error").is_some(),
            "the 2.8 oracle accepted the IPv6 input {input:?}"
        );
        return None;
    }
    let got = serde_json::to_value(ReferenceReport::of(input)).unwrap();
    (&got != want).then(|| format!("{input:?}\n  go:   {want}\n  rust: {got}"))
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
    let ipv6 = corpus.iter().filter(|i| is_ipv6_host_input(i)).count();
    let errors = expected.iter().filter(|v| v.get("error").is_some()).count();
    eprintln!(
        "go-reference oracle: {} of {} inputs agree ({} valid, {} invalid, {} IPv6 left out)",
        corpus.len() - mismatches.len() - ipv6,
        corpus.len(),
        corpus.len() - errors,
        errors,
        ipv6
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
    let ipv6 = inputs.iter().filter(|i| is_ipv6_host_input(i)).count();
    eprintln!(
        "go-reference oracle, random corpus: {} of {} agree ({} invalid, {} IPv6 left out)",
        inputs.len() - mismatches.len() - ipv6,
        inputs.len(),
        errors,
        ipv6
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
