//! Differential tests: whenever the fast reader accepts a document, serde-saphyr (with our
//! go-yaml typing) must accept it too and give the same value.

use std::path::Path;

use proptest::prelude::*;
use serde_json::{json, Value};

use super::super::{parse_document_general, split_documents, Document, Limits};
use super::parse;

/// The fast reader's answer, checked against the general parser. Returns whether it answered.
fn check(text: &str) -> bool {
    let limits = Limits::default();
    let Some(fast) = parse(text, &limits) else {
        return false;
    };
    let doc = Document {
        index: 0,
        line: 1,
        text: text.to_string(),
    };
    match parse_document_general(&doc, &limits) {
        Ok(general) => assert_eq!(fast, general, "fast and general parsers differ on {text:?}"),
        Err(e) => panic!("fast reader accepted {text:?}, which the general parser refuses: {e}"),
    }
    true
}

fn fast(text: &str) -> Value {
    assert!(check(text), "the fast reader should handle {text:?}");
    parse(text, &Limits::default()).unwrap()
}

#[test]
fn reads_a_typical_manifest() {
    let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web # the name\n  labels:\n    \
        app.kubernetes.io/version: 1.2.3\n    tier: \"front\"\nspec:\n  replicas: 3\n  template:\n    spec:\n      \
        containers:\n      - name: web\n        image: nginx:1.25\n        args: [] \n        ports:\n        \
        - containerPort: 80\n          protocol: TCP\n        resources: {}\n        env:\n        - name: A\n          \
        value: 'it''s'\n        - name: B\n      volumes:\n      -   name: v\n          emptyDir: {}\n";
    assert_eq!(
        fast(text),
        json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "labels": {"app.kubernetes.io/version": "1.2.3", "tier": "front"}},
            "spec": {"replicas": 3, "template": {"spec": {
                "containers": [{"name": "web", "image": "nginx:1.25", "args": [],
                    "ports": [{"containerPort": 80, "protocol": "TCP"}], "resources": {},
                    "env": [{"name": "A", "value": "it's"}, {"name": "B"}]}],
                "volumes": [{"name": "v", "emptyDir": {}}]}}}})
    );
}

#[test]
fn types_scalars_as_go_yaml_does() {
    let text = "a: yes\nb: Off\nc: ~\nd:\ne: 0\nf: -12\ng: 1.50\nh: 100Mi\ni: inf\nj: \"1\"\nk: 10.0.0.1\n\
        l: -Xmx512m\nm: .dockerconfigjson\n1: int key\ny: bool key\nnum: 18446744073709551615\n";
    assert_eq!(
        fast(text),
        json!({"a": true, "b": false, "c": null, "d": null, "e": 0, "f": -12, "g": 1.5, "h": "100Mi",
            "i": "inf", "j": "1", "k": "10.0.0.1", "l": "-Xmx512m", "m": ".dockerconfigjson",
            "1": "int key", "true": "bool key", "num": 18446744073709551615u64})
    );
}

#[test]
fn reads_literal_block_scalars() {
    for text in [
        "a: |\n  x\n  y\nb: 1\n",
        "a: |-\n  x\n\n  y\n\nb: 1\n",
        "a: |+\n  x\n\n\nb: 1\n",
        "a: |\n    indented\n  # not a comment\n",
        "a: |\n  no final newline",
        "a: |+\n  keep at the end\n\n",
        "a: |+\n  keep without newline",
        "a: |-\n  strip at the end\n\n",
        "a: |\n  x\n   \n  \n",
        "a: >-\n  long\n  folded\nb: >\n  x\n\n",
        "a: >+\n  kept\n",
        "- |\n  item\n- b\n",
        "a:\n- k: |\n    v\n  j: 2\n",
    ] {
        fast(text);
    }
    assert_eq!(fast("a: |-\n  x\n\n  y\n\nb: 1\n")["a"], json!("x\n\ny"));
}

#[test]
fn leaves_everything_else_to_the_general_parser() {
    for text in [
        "a: &x 1\nb: *x\n",
        "a: !!str 1\n",
        "a: {b: 1}\n",
        "a: [1, 2]\n",
        "a: >\n  folded\n\n  paragraphs\n",
        "a: >\n  folded\n    more indented\n",
        "a: multi\n  line\n",
        "a: \"multi\n  line\"\n",
        "a:\tb\n",
        "a: 0x1F\n",
        "a: 1e3\n",
        "a: 0777\n",
        "a: .inf\n",
        "1.5: float key\n",
        "~: null key\n",
        "<<: {a: 1}\n",
        "? complex\n: key\n",
        "- - nested\n",
        "just a scalar\n",
        "a: b: c\n",
        "a: 1\n...\n",
        "%YAML 1.1\n---\na: 1\n",
        "a: 99999999999999999999\n",
        // Found by the yaml_reader fuzz target: a last line of spaces without a newline.
        "data: |+\n   0x\n  ",
    ] {
        assert!(!check(text), "the fast reader should leave {text:?} alone");
    }
}

#[test]
fn stays_inside_the_nesting_limit() {
    let deep = (0..40).fold(String::new(), |acc, i| {
        format!("{acc}{}k:\n", "  ".repeat(i))
    });
    let limits = Limits {
        max_depth: 20,
        ..Limits::default()
    };
    assert_eq!(parse(&deep, &limits), None);
}

/// Every document in KOTS's test data and this repository's examples.
#[test]
fn agrees_with_the_general_parser_on_real_documents() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut dirs = vec![root.join("examples"), root.join("conformance")];
    let shared = root.join("../shared/testdata");
    if shared.is_dir() {
        dirs.push(shared);
    } else {
        eprintln!("skipping KOTS's test data: {} not found", shared.display());
    }
    let (mut total, mut handled) = (0, 0);
    for dir in dirs {
        for path in yaml_files(&dir) {
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            for doc in split_documents(&text) {
                total += 1;
                handled += usize::from(check(&doc.text));
            }
        }
    }
    eprintln!("fast reader handled {handled} of {total} documents");
    assert!(handled * 2 > total, "only {handled} of {total} documents");
}

fn yaml_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(yaml_files(&path));
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(path);
        }
    }
    out
}

/// Lines built from the pieces manifests are made of, so that structure, indentation and
/// scalars all vary.
fn line_soup() -> impl Strategy<Value = String> {
    let piece = prop::sample::select(vec![
        "a:",
        "b: 1",
        "- ",
        "-",
        "c: |",
        "d: |-",
        "  ",
        "    ",
        "x",
        "'q''s'",
        "\"e\\n\"",
        "# c",
        " #c",
        "yes",
        "No",
        "~",
        "1.5",
        "-3",
        "0",
        "07",
        "1.2.3",
        "{}",
        "[]",
        "e: f",
        "g:h",
        "k: v #",
        "100Mi",
        ".5",
        ":",
        "?",
        "&a",
        "*a",
        "\"k\": v",
        "'",
        "\"",
        "|",
        "--- ",
        "...",
        "1: 2",
        "f: >",
        "f: >-",
        "- >+",
        "long words",
        "  z",
    ]);
    prop::collection::vec(prop::collection::vec(piece, 1..4), 1..12).prop_map(|lines| {
        lines
            .into_iter()
            .map(|pieces| pieces.concat())
            .collect::<Vec<_>>()
            .join("\n")
    })
}

fn json_value() -> impl Strategy<Value = Value> {
    let scalar = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        (-1e6f64..1e6).prop_map(Value::from),
        "[ -~]{0,12}".prop_map(Value::String),
        "(yes|no|on|off|y|n|null|~|[0-9]{1,3}(\\.[0-9]{1,2}){0,3})".prop_map(Value::String),
    ];
    scalar.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::btree_map("[a-z0-9.]{1,6}", inner, 0..5)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #[test]
    fn agrees_with_the_general_parser_on_line_soup(text in line_soup()) {
        check(&text);
    }

    #[test]
    fn agrees_with_the_general_parser_on_emitted_yaml(value in json_value()) {
        let text = super::super::to_yaml(&json!({"root": value})).unwrap();
        check(&text);
    }
}
