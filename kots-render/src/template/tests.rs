//! Conformance tests against the corpus in `conformance/go-template/corpus`.
//!
//! Every case's expected result comes from Go: from the Go oracle when Go is installed (the
//! oracle is built into `$CARGO_TARGET_DIR/go`, or taken from `KOTS_GO_TEMPLATE_ORACLE`), and
//! from the case's `expect` field for behaviour of Go releases newer than the oracle's. Without Go,
//! only the `expect` cases run (CI installs Go, so the full comparison always runs there).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::{Options, Providers, Template, Value};

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../conformance/go-template")
}

fn cases() -> Vec<(String, serde_json::Value)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus_dir().join("corpus"))
        .expect("corpus directory")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    files.sort();
    let mut out = vec![];
    for f in files {
        let text = std::fs::read_to_string(&f).expect("corpus file");
        for (i, line) in text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
        {
            let name = format!(
                "{}:{}",
                f.file_name().and_then(|n| n.to_str()).unwrap_or("?"),
                i + 1
            );
            out.push((
                name,
                serde_json::from_str(line).expect("corpus line is JSON"),
            ));
        }
    }
    out
}

fn render(case: &serde_json::Value) -> serde_json::Value {
    let mut opts = Options {
        providers: Providers::deterministic(1),
        ..Options::default()
    };
    if let Some([l, r]) = case
        .get("delims")
        .and_then(|d| d.as_array())
        .map(Vec::as_slice)
    {
        opts.delims = (
            l.as_str().unwrap_or("").into(),
            r.as_str().unwrap_or("").into(),
        );
    }
    let name = case
        .get("name")
        .and_then(|n| n.as_str())
        .unwrap_or("template");
    let data = Value::from_json(case.get("data").unwrap_or(&serde_json::Value::Null));
    match Template::parse_with(name, case["template"].as_str().unwrap_or(""), &opts)
        .and_then(|t| t.render(&data))
    {
        Ok(output) => serde_json::json!({ "output": output }),
        Err(e) => serde_json::json!({ "error": e.to_string() }),
    }
}

/// Builds (or finds) the Go oracle; `None` when Go is not installed.
fn oracle() -> Option<PathBuf> {
    if let Ok(p) = std::env::var("KOTS_GO_TEMPLATE_ORACLE") {
        return Some(PathBuf::from(p));
    }
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"));
    let bin = target.join("go").join("go-template-oracle");
    let status = Command::new("go")
        .args(["build", "-o"])
        .arg(&bin)
        .arg(".")
        .current_dir(corpus_dir())
        .env("GO111MODULE", "off")
        .env("GOPATH", "/usr/share/gocode")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .status()
        .ok()?;
    status.success().then_some(bin)
}

fn run_oracle(bin: &Path, cases: &[(String, serde_json::Value)]) -> Vec<serde_json::Value> {
    use std::io::Write;
    let mut child = Command::new(bin)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("oracle starts");
    let mut input = String::new();
    for (_, c) in cases {
        input.push_str(&c.to_string());
        input.push('\n');
    }
    let mut stdin = child.stdin.take().expect("oracle stdin");
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().expect("oracle output");
    writer
        .join()
        .expect("writer thread")
        .expect("oracle input written");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("oracle line is JSON"))
        .collect()
}

#[test]
fn corpus_matches_go() {
    let cases = cases();
    assert!(cases.len() >= 600, "corpus has {} cases", cases.len());
    let go = oracle().map(|bin| run_oracle(&bin, &cases));
    let mut failures = vec![];
    let mut compared = 0;
    for (i, (name, case)) in cases.iter().enumerate() {
        let want = match (case.get("expect"), &go) {
            (Some(e), _) => e.clone(),
            (None, Some(go)) => go[i].clone(),
            (None, None) => continue,
        };
        compared += 1;
        let got = render(case);
        let file = name.split(':').next().unwrap_or("");
        let known = KNOWN.iter().any(|(f, t, n)| {
            *f == file
                && *t == case["template"]
                && n.is_none_or(|n| case.get("name").and_then(|v| v.as_str()) == Some(n))
        });
        if got != want && !known {
            failures.push(format!(
                "{name}: {}\n  want {want}\n  got  {got}",
                case["template"]
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {compared} cases differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Known differences (file, template, name), each explained in the corpus README.
const KNOWN: &[(&str, &str, Option<&str>)] = &[
    ("builtins.jsonl", "{{slice .c 0 4}}", None),
    ("errors.jsonl", "{{ .a.b }}", Some("100%")),
    ("errors.jsonl", "{{ if }}", Some("100%")),
    (
        "errors.jsonl",
        "{{define \"x\"}}{{.q.w}}{{end}}{{template \"x\" 1}}",
        Some("100%"),
    ),
];

#[test]
fn nil_data_and_missing_keys() {
    let t = Template::parse("t", "{{.}}|{{.a}}|{{print .a}}|{{.a.b}}").expect("parses");
    assert_eq!(
        t.render(&Value::Nil).expect("renders"),
        "<no value>|<no value>|<nil>|<no value>"
    );
}

#[test]
fn limits_are_errors() {
    let mut opts = Options::default();
    opts.limits.max_steps = 1000;
    let t =
        Template::parse_with("t", "{{range .}}{{range $}}x{{end}}{{end}}", &opts).expect("parses");
    let data = Value::list((0..100).map(Value::Int).collect());
    let err = t.render(&data).expect_err("step limit");
    assert!(matches!(err, super::TemplateError::Limit { .. }), "{err}");
    opts.limits.max_nesting = 10;
    let deep = format!("{{{{{}1{}}}}}", "(".repeat(20), ")".repeat(20));
    let err = Template::parse_with("t", &deep, &opts).expect_err("nesting limit");
    assert!(err.to_string().contains("nesting too deep"), "{err}");
}

/// The evaluator's shortcuts (a map's string printed from under its lock, print/printf writing
/// into the output) count the same steps as the general path: the step limit falls at the same
/// action, with the same error, whichever path the value takes.
#[test]
fn shortcuts_count_steps_like_the_general_path() {
    let template = "{{.a}}-{{$.a}}-{{range $x := .l}}{{$x.a}}{{printf \"%v\" $x.a}}{{end}}";
    let data = |a: Value| {
        let map = |a: &Value| {
            let mut m = super::Map::new();
            m.insert("a".into(), a.clone());
            Value::Map(super::MapRef::new(m))
        };
        let mut top = super::Map::new();
        top.insert("a".into(), a.clone());
        top.insert("l".into(), Value::list(vec![map(&a), map(&a)]));
        Value::Map(super::MapRef::new(top))
    };
    let (string, int) = (data(Value::from("s")), data(Value::Int(7)));
    let mut ends = vec![];
    for max_steps in 0..40 {
        let mut opts = Options::default();
        opts.limits.max_steps = max_steps;
        let t = Template::parse_with("t", template, &opts).expect("parses");
        let (s, i) = (t.render(&string), t.render(&int));
        assert_eq!(s.is_ok(), i.is_ok(), "max_steps {max_steps}: {s:?} / {i:?}");
        if let (Err(s), Err(i)) = (&s, &i) {
            assert_eq!(s.to_string(), i.to_string(), "max_steps {max_steps}");
        }
        ends.push(s.is_ok());
    }
    // The limit is reached somewhere in the middle of the range, not at either end.
    assert!(!ends[0] && ends[39], "{ends:?}");
}

#[test]
fn deeply_nested_values_are_freed_without_recursion() {
    // Found by hand: 500,000 levels of `dict`/`list` overflowed the stack when freed.
    std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(|| {
            for make in ["dict \"x\" $d", "list $d", "list (dict \"x\" $d)"] {
                let source = format!(
                    "{{{{ $d := list }}}}{{{{ range until 300000 }}}}{{{{ $d = {make} }}}}{{{{ end }}}}ok"
                );
                let template = Template::parse("t", &source).expect("parses");
                assert_eq!(template.render(&Value::Nil).expect(&source), "ok");
            }
        })
        .expect("thread starts")
        .join()
        .expect("no stack overflow");
}

#[test]
fn cycles_are_freed_when_the_render_ends() {
    let data = Value::from_json(&serde_json::json!({"d": {"a": 1}, "kept": {"b": 2}}));
    let template = Template::parse(
        "t",
        "{{ $_ := set .d \"self\" .d }}{{ $_ := set .kept \"d\" .d }}{{ len .d }} {{ .d.self.self.a }}",
    )
    .expect("parses");
    let d = data.as_map().expect("a map")["d"].clone();
    let Value::Map(d) = d else {
        panic!("d is a map")
    };
    assert_eq!(template.render(&data).expect("renders"), "2 1");
    // The map that held itself was emptied (the cycle is gone, so it can be freed); the map that
    // only pointed into the cycle keeps its entries.
    assert!(d.is_empty());
    let kept = data.as_map().expect("a map")["kept"].to_string();
    assert_eq!(kept, "map[b:2 d:map[]]");
}

#[test]
fn deep_input_hits_limits_not_the_stack() {
    // Run on a thread with a 2 MiB stack (the smallest a binding's caller may give us).
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(|| {
            let t = Template::parse(
                "t",
                r#"{{define "loop"}}{{template "loop" .}}{{end}}{{template "loop"}}"#,
            )
            .expect("parses");
            let err = t.render(&Value::Nil).expect_err("depth limit");
            assert!(
                err.to_string()
                    .ends_with("exceeded maximum template depth (200)"),
                "{err}"
            );
            let n = super::Limits::default().max_nesting;
            let parens = format!("{{{{{}1{}}}}}", "(".repeat(n - 1), ")".repeat(n - 1));
            assert_eq!(
                Template::parse("t", &parens)
                    .expect("at the limit")
                    .render(&Value::Nil)
                    .expect("renders"),
                "1"
            );
            let ifs = format!("{}x{}", "{{if 1}}".repeat(n - 1), "{{end}}".repeat(n - 1));
            assert_eq!(
                Template::parse("t", &ifs)
                    .expect("at the limit")
                    .render(&Value::Nil)
                    .expect("renders"),
                "x"
            );
            let too_deep = format!("{}x{}", "{{if 1}}".repeat(n + 1), "{{end}}".repeat(n + 1));
            assert!(Template::parse("t", &too_deep).is_err());
            // Each limit alone is safe; together (deep nesting in every one of 200 recursive
            // calls) they need far more than 2 MiB, and execution moves to heap stack segments.
            let nested_calls = format!(
                r#"{{{{define "loop"}}}}{}{{{{template "loop" {}.{}}}}}{}{{{{end}}}}{{{{template "loop" 1}}}}"#,
                "{{range $i := (list 1)}}".repeat(n / 2),
                "(".repeat(n / 2 - 2),
                ")".repeat(n / 2 - 2),
                "{{end}}".repeat(n / 2),
            );
            let err = Template::parse("t", &nested_calls)
                .expect("within the limits")
                .render(&Value::Nil)
                .expect_err("depth limit");
            assert!(
                err.to_string()
                    .ends_with("exceeded maximum template depth (200)"),
                "{err}"
            );
        })
        .expect("thread starts")
        .join()
        .expect("no stack overflow");
}

#[test]
fn values_are_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Value>();
    check::<Template>();
}

#[test]
fn maps_containing_themselves_fail_clearly() {
    // Go overflows its stack printing these; we stop at `value::MAX_DEPTH`, on a small stack.
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(|| {
            let cycle = r#"{{ $d := dict "a" 1 }}{{ $_ := set $d "self" $d }}"#;
            let render = |body: &str| {
                Template::parse("t", &format!("{cycle}{body}"))
                    .expect("parses")
                    .render(&Value::Nil)
            };
            for body in [
                "{{ $d }}",
                "{{ print $d }}",
                "{{ printf \"%v\" $d }}",
                "{{ println (list $d) }}",
                "{{ deepCopy $d }}",
            ] {
                let err = render(body).expect_err(body);
                assert!(
                    matches!(err, super::TemplateError::Limit { .. })
                        && err.to_string().contains("a map contains itself"),
                    "{body}: {err}"
                );
            }
            // Functions that stringify cut the value off; comparisons and merges terminate.
            assert_eq!(
                render("{{ toString $d }}").expect("toString"),
                "map[a:1 self:...]"
            );
            assert_eq!(
                render("{{ has $d (list $d) }}|{{ len (merge $d $d) }}|{{ $d.self.self.a }}")
                    .expect("renders"),
                "true|2|1"
            );
            // Go's encoder detects the cycle: toJson swallows the error, mustToJson reports it.
            assert_eq!(render("{{ toJson $d }}").expect("lenient"), "");
            let err = render("{{ mustToJson $d }}").expect_err("cycle");
            assert!(
                err.to_string().ends_with(
                    "json: unsupported value: encountered a cycle via map[string]interface {}"
                ),
                "{err}"
            );
        })
        .expect("thread starts")
        .join()
        .expect("no stack overflow");
}

#[test]
fn set_changes_the_callers_data() {
    let data = Value::from_json(&serde_json::json!({"x": {"a": 1}}));
    let t = Template::parse("t", r#"{{ $_ := set .x "b" 2 }}"#).expect("parses");
    t.render(&data).expect("renders");
    assert_eq!(data.to_string(), "map[x:map[a:1 b:2]]");
}
