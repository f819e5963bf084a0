use super::*;
use serde_json::json;

fn value_of(yaml: &str) -> Value {
    let docs = split_documents(yaml);
    parse_document(&docs[0], &Limits::default()).unwrap()
}

#[test]
fn split_follows_kots_rules() {
    let text = "a: 1\r\n---  # comment\r\nb: 2\n--- \t\nc: 3\n---\n\n  \n---\nd: 4\n";
    let docs = split_documents(text);
    let texts: Vec<&str> = docs.iter().map(|d| d.text.as_str()).collect();
    assert_eq!(texts, ["a: 1", "b: 2", "c: 3", "d: 4\n"]);
    assert_eq!(
        docs.iter().map(|d| d.line).collect::<Vec<_>>(),
        [1, 3, 5, 10]
    );
    assert_eq!(
        docs.iter().map(|d| d.index).collect::<Vec<_>>(),
        [0, 1, 2, 3]
    );
}

#[test]
fn leading_separator_stays_in_first_document() {
    let docs = split_documents("---\na: 1\n---\nb: 2\n");
    assert_eq!(docs.len(), 2);
    assert_eq!(docs[0].text, "---\na: 1");
    assert_eq!(value_of("---\na: 1\n"), json!({"a": 1}));
}

#[test]
fn separator_with_text_after_is_not_a_separator() {
    let docs = split_documents("a: 1\n--- x\nb: 2\n");
    assert_eq!(docs.len(), 1);
    let docs = split_documents("a: |\n  ----\n  b\n");
    assert_eq!(docs.len(), 1);
}

#[test]
fn scalars_type_as_kubernetes_types_them() {
    let v = value_of(
        "b1: yes\nb2: on\nb3: y\nb4: n\nb5: Off\nb6: TRUE\nver: 1.10\nmode: 0777\nhex: 0x1F\n\
         under: 1_000\nplus: +12\nbadoctal: 08\nfloat: 1.5\nintfloat: 1.0\nexp: 1e3\n\
         null1: ~\nnull2: null\ndate: 2001-12-14\nclock: 12:30\nquoted: \"yes\"\nstr: !!str 12\n1: int key\n",
    );
    let expected = json!({
        "b1": true, "b2": true, "b3": true, "b4": false, "b5": false, "b6": true,
        "ver": 1.1, "mode": 511, "hex": 31, "under": 1000, "plus": 12, "badoctal": 8,
        "float": 1.5, "intfloat": 1, "exp": 1000, "null1": null, "null2": null,
        "date": "2001-12-14", "clock": "12:30", "quoted": "yes", "str": "12", "1": "int key"
    });
    for (k, want) in expected.as_object().unwrap() {
        assert_eq!(&v[k], want, "key {k}");
    }
}

#[test]
fn keys_are_typed_then_stringified_as_sigs_k8s_yaml_does() {
    let v = value_of("yes: 1\nOff: 2\n\"on\": 3\n1.0: 4\n0x10: 5\n1.5: 6\nplain: 7\n");
    let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["true", "false", "on", "1", "16", "1.5", "plain"]);
    let err = parse_manifests("apiVersion: v1\nkind: A\n~: 1\n").unwrap_err();
    assert!(err.to_string().contains("unsupported map key"), "{err}");
}

#[test]
fn duplicate_keys_last_wins_as_in_go_yaml_v2() {
    assert_eq!(value_of("a: 1\na: 2\n"), json!({"a": 2}));
}

#[test]
fn yaml_round_trip_keeps_types_and_order() {
    let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  z: \"yes\"\n  a: \"0777\"\n  m: \"1.10\"\n  e: \"\"\n";
    let obj = Object::from_yaml(text).unwrap();
    let again = Object::from_yaml(&obj.to_yaml().unwrap()).unwrap();
    assert_eq!(obj, again);
    let keys: Vec<&String> = again.as_map()["data"].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["z", "a", "m", "e"]);
    assert_eq!(again.as_map()["data"]["z"], json!("yes"));
    assert_eq!(again.as_map()["data"]["a"], json!("0777"));
}

#[test]
fn resource_id_and_accessors() {
    let objs = parse_manifests(
        "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\n  namespace: ns\n  labels: {a: b}\n",
    )
    .unwrap();
    let id = objs[0].id();
    assert_eq!(id.group, "networking.k8s.io");
    assert_eq!(id.version, "v1");
    assert_eq!(id.to_string(), "Ingress.networking.k8s.io/ns/web");
    assert_eq!(objs[0].labels().unwrap()["a"], json!("b"));
    let core = Object::from_yaml("apiVersion: v1\nkind: Service\nmetadata: {name: s}\n").unwrap();
    assert_eq!((core.group(), core.version()), ("", "v1"));
    assert_eq!(core.id().namespace, None);
}

#[test]
fn errors_name_document_line_and_column() {
    let text = "apiVersion: v1\nkind: A\n---\napiVersion: v1\nkind: B\nmetadata: {name: [}\n";
    match parse_manifests(text).unwrap_err() {
        ManifestError::Yaml { document, line, .. } => {
            assert_eq!(document, 1);
            assert_eq!(line, 6);
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn non_mappings_and_missing_fields_are_typed_errors() {
    let err = parse_manifests("apiVersion: v1\nkind: A\n---\n- a\n- b\n").unwrap_err();
    assert_eq!(
        err,
        ManifestError::NotAMapping {
            document: 1,
            line: 4,
            found: "a list"
        }
    );
    let err = parse_manifests("kind: A\n").unwrap_err();
    assert_eq!(
        err,
        ManifestError::MissingField {
            document: 0,
            line: 1,
            field: "apiVersion"
        }
    );
    let err = parse_manifests("apiVersion: v1\nkind: 3\n").unwrap_err();
    assert_eq!(
        err,
        ManifestError::MissingField {
            document: 0,
            line: 1,
            field: "kind"
        }
    );
}

#[test]
fn comment_only_documents_are_empty() {
    let objs = parse_manifests("# nothing\n---\napiVersion: v1\nkind: A\n").unwrap();
    assert_eq!(objs.len(), 1);
    assert_eq!(objs[0].kind(), "A");
}

#[test]
fn limits_bound_hostile_input() {
    let deep = format!("a: {}1{}\n", "[".repeat(500), "]".repeat(500));
    assert!(matches!(
        parse_manifests(&deep),
        Err(ManifestError::Yaml { .. })
    ));
    let limits = Limits {
        max_bytes: 10,
        ..Limits::default()
    };
    assert!(matches!(
        parse_manifests_with_limits("apiVersion: v1\nkind: A\n", &limits),
        Err(ManifestError::TooLarge {
            size: 23,
            limit: 10
        })
    ));
    let limits = Limits {
        max_documents: 2,
        ..Limits::default()
    };
    let many = "a: 1\n---\n".repeat(3);
    assert!(matches!(
        parse_manifests_with_limits(&many, &limits),
        Err(ManifestError::TooManyDocuments { limit: 2 })
    ));
    let bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n\
                c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n\
                e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n\
                g: [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n";
    assert!(parse_manifests(bomb).is_err());
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn scalar() -> impl Strategy<Value = Value> {
        prop_oneof![
            any::<i64>().prop_map(Value::from),
            any::<bool>().prop_map(Value::from),
            "[ -~]{0,12}".prop_map(Value::from),
            Just(Value::Null),
        ]
    }

    fn tree() -> impl Strategy<Value = Value> {
        scalar().prop_recursive(4, 32, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
                prop::collection::vec(("[a-z0-9 .:-]{1,8}", inner), 0..5)
                    .prop_map(|kv| Value::Object(kv.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn object_to_yaml_and_back(body in tree()) {
            let value = json!({"apiVersion": "v1", "kind": "Thing", "metadata": {"name": "x"}, "body": body});
            let obj = Object::from_value(value).unwrap();
            let text = obj.to_yaml().unwrap();
            let again = Object::from_yaml(&text).unwrap();
            prop_assert_eq!(obj, again, "yaml was:\n{}", text);
        }

        #[test]
        fn split_never_panics(text in "(?s).{0,200}") {
            let _ = parse_manifests(&text);
        }
    }
}
