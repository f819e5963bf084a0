use std::path::{Path, PathBuf};

use serde_json::json;

use super::*;
use crate::manifest::parse_manifests;

fn config_with_item(item_yaml: &str) -> String {
    format!(
        "apiVersion: kots.io/v1beta1\nkind: Config\nmetadata:\n  name: my-app\nspec:\n  groups:\n  \
         - name: setup\n    title: Setup\n    items:\n    - name: first\n      type: text\n    \
         - name: port\n{item_yaml}"
    )
}

fn item_field(field_yaml: &str) -> Result<ConfigItem, KindsError> {
    let config = Config::from_yaml(&config_with_item(&format!("      {field_yaml}\n")))?;
    Ok(config.spec.groups[0].items[1].clone())
}

#[test]
fn bool_or_string_follows_kots_token_rules() {
    let cases: &[(&str, BoolOrString, &str)] = &[
        ("default: \"5\"", BoolOrString::from("5"), "5"),
        ("default: hello", BoolOrString::from("hello"), "hello"),
        ("default: true", BoolOrString::Bool(true), "1"),
        ("default: false", BoolOrString::Bool(false), "0"),
        // YAML 1.1 booleans, as Kubernetes reads them.
        ("default: yes", BoolOrString::Bool(true), "1"),
        ("default: off", BoolOrString::Bool(false), "0"),
        // An empty value is JSON null: Go leaves the bool unset, so Bool(false).
        ("default:", BoolOrString::Bool(false), "0"),
        ("default: ''", BoolOrString::from(""), ""),
    ];
    for (yaml, expected, shown) in cases {
        let item = item_field(yaml).unwrap_or_else(|e| panic!("{yaml}: {e}"));
        assert_eq!(&item.default, expected, "{yaml}");
        assert_eq!(item.default.to_string(), *shown, "{yaml}");
    }
    // A missing default is the empty string.
    assert!(item_field("type: text").unwrap().default.is_empty());
}

#[test]
fn bare_number_default_is_an_error_naming_the_item() {
    for yaml in ["default: 5", "default: 1.5", "value: 0", "default: -3"] {
        let err = item_field(yaml).unwrap_err();
        let KindsError::Decode {
            kind,
            name,
            path,
            context,
            message,
        } = &err
        else {
            panic!("{yaml}: {err:?}")
        };
        assert_eq!((kind.as_str(), name.as_str()), ("Config", "my-app"));
        let field = yaml.split(':').next().unwrap();
        assert_eq!(path, &format!("spec.groups[0].items[1].{field}"), "{yaml}");
        assert_eq!(context.as_deref(), Some("group \"setup\", item \"port\""));
        assert!(message.contains("quote it"), "{message}");
        let shown = err.to_string();
        assert!(
            shown.starts_with("Config \"my-app\": spec.groups[0].items[1]."),
            "{shown}"
        );
        assert!(shown.contains("item \"port\""), "{shown}");
    }
    assert!(item_field("default: [a]").is_err());
}

#[test]
fn child_item_errors_name_the_child() {
    let err =
        item_field("type: radio\n      items:\n      - name: a\n        default: 7").unwrap_err();
    let KindsError::Decode { path, context, .. } = err else {
        panic!()
    };
    assert_eq!(path, "spec.groups[0].items[1].items[0].default");
    assert_eq!(
        context.as_deref(),
        Some("group \"setup\", item \"port\", child item \"a\"")
    );
}

#[test]
fn quoted_bool_follows_kots_token_rules() {
    let cases = [
        ("when: true", "true"),
        ("when: false", "false"),
        ("when: 'false'", "false"),
        ("when: 'False'", "False"),
        ("when: no", "false"),
        ("when: 1", "true"),
        ("when: 0", "false"),
        ("when:", ""),
        (
            "when: 'repl{{ ConfigOptionEquals \"a\" \"1\" }}'",
            "repl{{ ConfigOptionEquals \"a\" \"1\" }}",
        ),
    ];
    for (yaml, expected) in cases {
        let item = item_field(yaml).unwrap_or_else(|e| panic!("{yaml}: {e}"));
        assert_eq!(item.when.as_str(), expected, "{yaml}");
    }
    assert!(item_field("when: false").unwrap().when.is_false());
    assert!(!item_field("when: 'False'").unwrap().when.is_false());
    let err = item_field("when: 5").unwrap_err().to_string();
    assert!(
        err.contains("unable to unmarshal \"5\" as bool or string"),
        "{err}"
    );
}

#[test]
fn every_item_field_decodes() {
    let yaml = "apiVersion: kots.io/v1beta1
kind: Config
metadata: {name: full}
spec:
  groups:
  - name: g
    title: G
    description: all fields
    when: 'true'
    items:
    - name: every
      type: select_one
      title: Every
      help_text: help
      recommended: true
      default: a
      value: b
      data: d
      error: e
      multi_value: [x, z]
      readonly: true
      write_once: true
      when: 'false'
      multiple: true
      hidden: true
      affix: left
      required: true
      items:
      - {name: a, title: A, recommended: true, default: true, value: 'x'}
      filename: f.txt
      repeatable: true
      minimumCount: 2
      countByGroup: {g: 3}
      templates:
      - {apiVersion: v1, kind: ConfigMap, name: cm, namespace: ns, yamlPath: 'spec.x'}
      valuesByGroup:
        g: {every-1: one, every-2: two}
      validation:
        regex: {pattern: '^[a-z]+$', message: lower case only}
";
    let config = Config::from_yaml(yaml).unwrap();
    let group = &config.spec.groups[0];
    assert_eq!(
        (group.description.as_str(), group.when.as_str()),
        ("all fields", "true")
    );
    let item = &group.items[0];
    assert_eq!(item.item_type(), ItemType::SelectOne);
    assert_eq!(item.help_text, "help");
    assert!(item.recommended && item.read_only && item.write_once && item.multiple);
    assert!(item.hidden && item.required && item.repeatable && item.is_read_only());
    assert_eq!(
        (item.default.to_string(), item.value.to_string()),
        ("a".into(), "b".into())
    );
    assert_eq!((item.data.as_str(), item.error.as_str()), ("d", "e"));
    assert_eq!(item.multi_value, ["x", "z"]);
    assert!(item.when.is_false());
    assert_eq!(
        (item.affix.as_str(), item.filename.as_str()),
        ("left", "f.txt")
    );
    assert_eq!(item.items[0].name, "a");
    assert_eq!(item.items[0].default, BoolOrString::Bool(true));
    assert_eq!(item.items[0].value.to_string(), "x");
    assert!(item.items[0].recommended);
    assert_eq!(item.minimum_count, 2);
    assert_eq!(item.count_by_group["g"], 3);
    let template = &item.templates[0];
    assert_eq!(
        (
            template.api_version.as_str(),
            template.kind.as_str(),
            template.name.as_str()
        ),
        ("v1", "ConfigMap", "cm")
    );
    assert_eq!(
        (template.namespace.as_str(), template.yaml_path.as_str()),
        ("ns", "spec.x")
    );
    assert_eq!(item.values_by_group["g"]["every-2"], "two");
    let regex = item.validation.as_ref().unwrap().regex.as_ref().unwrap();
    assert_eq!(
        (regex.pattern.as_str(), regex.message.as_str()),
        ("^[a-z]+$", "lower case only")
    );
    // Every field is modelled: nothing lands in `extra`.
    assert!(item.extra.is_empty() && group.extra.is_empty() && item.items[0].extra.is_empty());
    // And the round trip is lossless.
    assert_eq!(
        Config::from_yaml(&config.to_yaml().unwrap()).unwrap(),
        config
    );
}

#[test]
fn item_types_and_read_only() {
    let editable = [
        "",
        "text",
        "textarea",
        "password",
        "bool",
        "file",
        "select_one",
        "radio",
    ];
    let editable = editable
        .iter()
        .chain(&["dropdown", "select", "select_many"]);
    for t in editable {
        assert!(ItemType::parse(t).is_editable(), "{t}");
    }
    for t in ["label", "heading", "Text", "number"] {
        assert!(!ItemType::parse(t).is_editable(), "{t}");
    }
    assert_eq!(ItemType::parse(""), ItemType::Text);
    assert_eq!(ItemType::parse("x"), ItemType::Other("x".into()));
    assert!(!item_field("type: text").unwrap().is_read_only());
    assert!(item_field("type: text\n      readonly: true")
        .unwrap()
        .is_read_only());
}

#[test]
fn unknown_fields_survive_the_round_trip() {
    let yaml = "apiVersion: kots.io/v1beta1
kind: Application
metadata:
  name: app
  uid: abc
  labels: {a: b}
spec:
  title: App
  futureField: {nested: [1, 2]}
  ports:
  - {serviceName: web, servicePort: 80, protocol: TCP}
  branding: {css: [a.css], theme: dark}
somethingElse: 1
";
    let app = Application::from_yaml(yaml).unwrap();
    assert_eq!(app.metadata.extra["uid"], "abc");
    assert_eq!(app.spec.extra["futureField"], json!({"nested": [1, 2]}));
    assert_eq!(app.spec.application_ports[0].extra["protocol"], "TCP");
    assert_eq!(app.spec.branding.extra["theme"], "dark");
    assert_eq!(app.extra["somethingElse"], 1);
    let again = Application::from_yaml(&app.to_yaml().unwrap()).unwrap();
    assert_eq!(again, app);
    let value = app.to_value().unwrap();
    assert_eq!(value["spec"]["futureField"]["nested"][1], 2);
    assert_eq!(value["status"], json!({}));
}

#[test]
fn encoding_follows_go_json_tags() {
    let config = Config::from_yaml(&config_with_item("      type: text\n")).unwrap();
    let value = config.to_value().unwrap();
    let item = &value["spec"]["groups"][0]["items"][1];
    // BoolOrString is a Go struct, so `omitempty` does not drop it; empty strings are dropped.
    assert_eq!(
        item,
        &json!({"name": "port", "type": "text", "default": "", "value": ""})
    );
    assert_eq!(value["status"], json!({}));
    let app = Application::from_yaml("apiVersion: kots.io/v1beta1\nkind: Application\n").unwrap();
    // `title` has no omitempty; `branding` is a struct.
    assert_eq!(
        app.to_value().unwrap()["spec"],
        json!({"title": "", "branding": {}})
    );
}

#[test]
fn null_fields_take_go_zero_values() {
    let app = Application::from_yaml(
        "apiVersion: kots.io/v1beta1\nkind: Application\nmetadata:\nspec:\n  title:\n  \
         additionalImages:\n  allowRollback:\n  ports:\n",
    )
    .unwrap();
    assert_eq!(app.spec, ApplicationSpec::default());
}

#[test]
fn wrong_types_are_errors_with_paths() {
    let err = Application::from_yaml(
        "apiVersion: kots.io/v1beta1\nkind: Application\nmetadata: {name: a}\nspec:\n  \
         ports:\n  - {serviceName: web, servicePort: '80'}\n",
    )
    .unwrap_err();
    let KindsError::Decode { path, context, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(path, "spec.ports[0].servicePort");
    assert_eq!(context, &None);
    // An unquoted boolean annotation does not decode into Kubernetes' string map.
    let err = Application::from_yaml(
        "apiVersion: kots.io/v1beta1\nkind: Application\nmetadata:\n  annotations:\n    \
         kots.io/exclude: true\n",
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .contains("metadata.annotations.kots.io/exclude"),
        "{err}"
    );
}

#[test]
fn wrong_kind_and_not_found() {
    let err = Config::from_yaml("apiVersion: kots.io/v1beta1\nkind: Application\n").unwrap_err();
    assert_eq!(
        err,
        KindsError::WrongKind {
            expected: "kots.io/v1beta1 Config".into(),
            found: "kots.io/v1beta1 Application".into()
        }
    );
    let err =
        HelmChartV1Beta2::from_yaml("apiVersion: kots.io/v1beta1\nkind: HelmChart\n").unwrap_err();
    assert!(matches!(err, KindsError::WrongKind { .. }));
    let objects = parse_manifests("apiVersion: v1\nkind: ConfigMap\n").unwrap();
    assert_eq!(
        Application::find_in(&objects).unwrap_err().to_string(),
        "no kots.io/v1beta1 Application document found"
    );
    assert!(matches!(
        Config::from_yaml("a: [").unwrap_err(),
        KindsError::Manifest(_)
    ));
}

#[test]
fn find_in_takes_the_first() {
    let objects = parse_manifests(
        "apiVersion: v1\nkind: ConfigMap\n---\napiVersion: kots.io/v1beta1\nkind: Application\n\
         spec: {title: one}\n---\napiVersion: kots.io/v1beta1\nkind: Application\nspec: {title: two}\n",
    )
    .unwrap();
    assert_eq!(Application::find_in(&objects).unwrap().spec.title, "one");
}

#[test]
fn is_kots_kind_matches_kots() {
    let cases = [
        ("kots.io/v1beta1", "Anything", Some(KotsKind::OtherKots)),
        ("kots.io/v1beta1", "Config", Some(KotsKind::Config)),
        ("kots.io/v1beta1", "License", Some(KotsKind::License)),
        ("kots.io/v1beta2", "License", Some(KotsKind::License)),
        (
            "kots.io/v1beta2",
            "HelmChart",
            Some(KotsKind::HelmChartV1Beta2),
        ),
        (
            "kots.io/v1beta1",
            "HelmChart",
            Some(KotsKind::HelmChartV1Beta1),
        ),
        ("kots.io/v1beta2", "Config", Some(KotsKind::OtherKots)),
        ("kots.io/v1", "Config", None),
        (
            "troubleshoot.sh/v1beta2",
            "Preflight",
            Some(KotsKind::Troubleshoot),
        ),
        ("troubleshoot.sh/v1beta3", "Preflight", None),
        (
            "troubleshoot.replicated.com/v1beta1",
            "Collector",
            Some(KotsKind::Troubleshoot),
        ),
        ("velero.io/v1", "Backup", Some(KotsKind::Velero)),
        ("velero.io/v1", "Restore", Some(KotsKind::Velero)),
        ("velero.io/v1", "Schedule", None),
        ("cluster.kurl.sh/v1beta1", "Installer", Some(KotsKind::Kurl)),
        ("kurl.sh/v1beta1", "Installer", Some(KotsKind::Kurl)),
        (
            "embeddedcluster.replicated.com/v1beta1",
            "Config",
            Some(KotsKind::EmbeddedCluster),
        ),
        (
            "app.k8s.io/v1beta1",
            "Application",
            Some(KotsKind::SigApplication),
        ),
        ("app.k8s.io/v1", "Application", None),
        ("apps/v1", "Deployment", None),
        ("KOTS.io/v1beta1", "Config", None),
    ];
    for (api_version, kind, expected) in cases {
        assert_eq!(
            KotsKind::of(api_version, kind),
            expected,
            "{api_version} {kind}"
        );
        assert_eq!(is_kots_kind(api_version, kind), expected.is_some());
    }
}

#[test]
fn decode_dispatches_on_kind() {
    let objects = parse_manifests(
        "apiVersion: kots.io/v1beta2\nkind: HelmChart\nspec: {chart: {name: c}}\n---\n\
         apiVersion: apps/v1\nkind: Deployment\n---\napiVersion: kots.io/v1beta1\nkind: Identity\n",
    )
    .unwrap();
    let Some(Kind::HelmChartV1Beta2(chart)) = decode(&objects[0]).unwrap() else {
        panic!()
    };
    assert_eq!(chart.release_name(), "c");
    assert_eq!(decode(&objects[1]).unwrap(), None);
    assert_eq!(decode(&objects[2]).unwrap(), None);
}

#[test]
fn helm_chart_names_exclude_and_optional_values() {
    let v1 = HelmChartV1Beta1::from_yaml(
        "apiVersion: kots.io/v1beta1\nkind: HelmChart\nmetadata: {name: meta}\nspec:\n  \
         chart: {name: nginx, chartVersion: 1.0.0, releaseName: rel}\n  exclude: true\n  \
         helmVersion: v2\n  useHelmInstall: true\n  weight: -5\n  builder: {a: 1}\n",
    )
    .unwrap();
    assert_eq!((v1.release_name(), v1.dir_name()), ("rel", "rel"));
    assert_eq!(v1.is_excluded(), Ok(true));
    assert_eq!(v1.spec.weight, -5);
    assert!(v1.spec.use_helm_install);
    let v2 = HelmChartV1Beta2::from_yaml(
        "apiVersion: kots.io/v1beta2\nkind: HelmChart\nmetadata: {name: meta}\nspec:\n  \
         chart: {name: nginx, chartVersion: 1.0.0}\n  exclude: 'maybe'\n  docs: {a: b}\n  \
         optionalValues:\n  - when: 'false'\n    recursiveMerge: true\n    values: {x: {y: 1}}\n",
    )
    .unwrap();
    assert_eq!((v2.release_name(), v2.dir_name()), ("nginx", "meta"));
    assert!(v2.is_excluded().is_err());
    assert_eq!(v2.helm_version(), "v3");
    assert_eq!(v2.spec.docs["a"], "b");
    assert_eq!(v2.spec.optional_values[0].applies(), Ok(false));
    assert!(v2.spec.optional_values[0].recursive_merge);
    // `when` is a Go string: an unquoted boolean does not decode.
    let err = HelmChartV1Beta2::from_yaml(
        "apiVersion: kots.io/v1beta2\nkind: HelmChart\nspec:\n  optionalValues:\n  - when: true\n",
    )
    .unwrap_err();
    let KindsError::Decode { path, .. } = err else {
        panic!()
    };
    assert_eq!(path, "spec.optionalValues[0].when");
    // `values` must be a mapping in the pinned KOTS.
    assert!(HelmChartV1Beta2::from_yaml(
        "apiVersion: kots.io/v1beta2\nkind: HelmChart\nspec:\n  optionalValues:\n  - values: 'a: b'\n",
    )
    .is_err());
    // An empty exclude is not excluded.
    let plain =
        HelmChartV1Beta2::from_yaml("apiVersion: kots.io/v1beta2\nkind: HelmChart\n").unwrap();
    assert_eq!(plain.is_excluded(), Ok(false));
    // Encoding keeps `when` and `recursiveMerge` (no omitempty) and `exclude` (a struct).
    let value = v2.to_value().unwrap();
    assert_eq!(value["spec"]["optionalValues"][0]["recursiveMerge"], true);
    assert_eq!(value["spec"]["exclude"], "maybe");
}

#[test]
fn helm_values_are_floats() {
    let values = json!({"a": 1, "b": {"c": [2, "x", true, null]}, "d": 1.5});
    let helm = helm_values(values.as_object().unwrap());
    assert_eq!(
        Value::Object(helm),
        json!({"a": 1.0, "b": {"c": [2.0, "x", true, null]}, "d": 1.5})
    );
}

#[test]
fn airgap_fields_and_signature() {
    let airgap = Airgap::from_yaml(
        "apiVersion: kots.io/v1beta1\nkind: Airgap\nspec:\n  versionLabel: '1.0'\n  releaseNotes: notes\n  \
         updateCursor: '12'\n  embeddedClusterVersion: ec\n  channelID: c1\n  channelName: Stable\n  \
         signature: \"aGVs\\nbG8=\"\n  appSlug: app\n  isRequired: true\n  requiredReleases:\n  \
         - {versionLabel: '0.9', updateCursor: '10'}\n  savedImages: [nginx]\n  uncompressedSize: 42\n  \
         format: docker\n  replicatedChartNames: [c]\n  embeddedClusterArtifacts:\n    charts: ch\n    \
         registry: {dir: reg, savedImages: [a]}\n    additionalArtifacts: {x: z}\n  newField: 1\n",
    )
    .unwrap();
    let spec = &airgap.spec;
    assert_eq!(spec.version_label, "1.0");
    assert_eq!(spec.embedded_cluster_version, "ec");
    assert_eq!(spec.signature, b"hello");
    assert_eq!(spec.required_releases[0].update_cursor, "10");
    assert_eq!(
        (spec.uncompressed_size, spec.format.as_str()),
        (42, "docker")
    );
    assert!(!spec.is_docker_archive());
    let artifacts = spec.embedded_cluster_artifacts.as_ref().unwrap();
    assert_eq!(artifacts.registry.saved_images, ["a"]);
    assert_eq!(artifacts.additional_artifacts["x"], "z");
    assert_eq!(spec.extra["newField"], 1);
    let again = Airgap::from_yaml(&airgap.to_yaml().unwrap()).unwrap();
    assert_eq!(again, airgap);
    assert_eq!(airgap.to_value().unwrap()["spec"]["signature"], "aGVsbG8=");
    let bad =
        Airgap::from_yaml("apiVersion: kots.io/v1beta1\nkind: Airgap\nspec: {signature: '!!'}\n");
    assert!(bad.unwrap_err().to_string().contains("illegal base64 data"));
}

#[test]
fn installation_and_config_values() {
    let inst = Installation::from_yaml(
        "apiVersion: kots.io/v1beta1\nkind: Installation\nspec:\n  releasedAt: '2024-01-02T03:04:05Z'\n  \
         yamlErrors: [{path: a.yaml, error: bad}]\n  encryptionKey: k\n",
    )
    .unwrap();
    assert_eq!(
        inst.spec.released_at.as_deref(),
        Some("2024-01-02T03:04:05Z")
    );
    assert_eq!(inst.spec.yaml_errors[0].path, "a.yaml");
    let err = Installation::from_yaml(
        "apiVersion: kots.io/v1beta1\nkind: Installation\nspec: {releasedAt: yesterday}\n",
    )
    .unwrap_err();
    let KindsError::Decode { path, .. } = err else {
        panic!()
    };
    assert_eq!(path, "spec.releasedAt");
    let unset = Installation::from_yaml(
        "apiVersion: kots.io/v1beta1\nkind: Installation\nspec: {releasedAt: null}\n",
    )
    .unwrap();
    assert_eq!(unset.spec.released_at, None);
    let values = ConfigValues::from_yaml(
        "apiVersion: kots.io/v1beta1\nkind: ConfigValues\nspec:\n  values:\n    b: {valuePlaintext: p, \
         repeatableItem: r, dataPlaintext: d}\n    a: {default: '1'}\n",
    )
    .unwrap();
    assert_eq!(values.spec.values.keys().collect::<Vec<_>>(), ["a", "b"]);
    assert_eq!(values.spec.values["b"].value_plaintext, "p");
    assert_eq!(values.spec.values["b"].repeatable_item, "r");
    // A number where KOTS has a string fails.
    assert!(ConfigValues::from_yaml(
        "apiVersion: kots.io/v1beta1\nkind: ConfigValues\nspec:\n  values:\n    a: {value: 5}\n"
    )
    .is_err());
}

fn testdata() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/testdata/kots/pull-cases");
    assert!(dir.is_dir(), "KOTS test data missing at {}", dir.display());
    dir
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            yaml_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(path);
        }
    }
}

/// Every kind KOTS itself wrote to `kotsKinds/` (rendered, so typed values) decodes, and encodes
/// back to the same typed value.
#[test]
fn kots_written_kinds_decode_and_round_trip() {
    let mut files = Vec::new();
    yaml_files(&testdata(), &mut files);
    let mut decoded = std::collections::BTreeMap::<String, usize>::new();
    for path in files
        .iter()
        .filter(|p| p.to_string_lossy().contains("/wantResults/kotsKinds/"))
    {
        let text = std::fs::read_to_string(path).unwrap();
        for object in parse_manifests(&text).unwrap() {
            let kind = decode(&object).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let Some(kind) = kind else { continue };
            *decoded
                .entry(format!("{} {}", object.api_version(), object.kind()))
                .or_default() += 1;
            let again = decode(&Object::from_value(kind.to_value().unwrap()).unwrap()).unwrap();
            assert_eq!(again.as_ref(), Some(&kind), "{}", path.display());
        }
    }
    for expected in [
        "kots.io/v1beta1 Application",
        "kots.io/v1beta1 Config",
        "kots.io/v1beta1 ConfigValues",
        "kots.io/v1beta1 HelmChart",
        "kots.io/v1beta2 HelmChart",
        "kots.io/v1beta1 Installation",
    ] {
        assert!(
            decoded.contains_key(expected),
            "no {expected} decoded: {decoded:?}"
        );
    }
}

/// The files KOTS marshals itself (rendered Config, ConfigValues, Installation) have exactly the
/// shape our encoder produces (Go field rules).
#[test]
fn encoding_matches_kots_output() {
    let files = [
        "simple/wantResults/kotsKinds/config.yaml",
        "kotskinds/wantResults/kotsKinds/kots-config.yaml",
        "needsconfig/wantResults/kotsKinds/kots-config.yaml",
        "simple/wantResults/kotsKinds/userdata/config.yaml",
        "kotskinds/wantResults/kotsKinds/userdata/config.yaml",
        "simple/wantResults/kotsKinds/userdata/installation.yaml",
        "kotskinds/wantResults/kotsKinds/userdata/installation.yaml",
    ];
    for file in files {
        let text = std::fs::read_to_string(testdata().join(file)).unwrap();
        let object = Object::from_yaml(&text).unwrap();
        let kind = decode(&object).unwrap().unwrap();
        assert_eq!(kind.to_value().unwrap(), object.into_value(), "{file}");
    }
}
