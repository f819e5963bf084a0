use kots_core::kinds::{Config, ConfigValues, KotsResource};

use super::*;

fn config(items: &str) -> Config {
    Config::from_yaml(&format!(
        "apiVersion: kots.io/v1beta1\nkind: Config\nmetadata: {{name: c}}\nspec:\n  groups:\n  - name: g\n    title: G\n    items:\n{items}"
    ))
    .unwrap()
}

fn values(yaml: &str) -> ConfigValues {
    ConfigValues::from_yaml(&format!(
        "apiVersion: kots.io/v1beta1\nkind: ConfigValues\nspec:\n  values:\n{yaml}"
    ))
    .unwrap()
}

fn resolve(c: &Config, v: Option<&ConfigValues>) -> Result<ResolvedConfig, ConfigError> {
    resolve_config(c, v, &TemplateInputs::default(), &ConfigOptions::default())
}

#[test]
fn items_resolve_in_dependency_order() {
    // Declared in reverse order: charlie needs bravo needs alpha.
    let c = config(
        "    - {name: charlie, type: text, default: 'repl{{ ConfigOption \"bravo\" }}c'}\n    \
         - {name: bravo, type: text, default: 'repl{{ ConfigOption \"alpha\" }}b'}\n    \
         - {name: alpha, type: text, default: a}\n",
    );
    let r = resolve(&c, None).unwrap();
    assert_eq!(r.values["charlie"].value_or_default(), "abc");
    assert!(r.dependencies["charlie"].contains("bravo"));
}

#[test]
fn fallback_regex_finds_dependencies_hidden_behind_other_functions() {
    // `upper` is not a mock function, so the mock render fails and the regex finds the call.
    let c = config(
        "    - {name: b, type: text, default: 'repl{{ ConfigOption \"a\" | upper }}'}\n    \
         - {name: a, type: text, default: x}\n",
    );
    let r = resolve(&c, None).unwrap();
    assert_eq!(r.values["b"].default, "X");
}

#[test]
fn cycles_are_errors() {
    let c = config(
        "    - {name: a, type: text, default: 'repl{{ ConfigOption \"b\" }}'}\n    \
         - {name: b, type: text, default: 'repl{{ ConfigOption \"a\" }}'}\n",
    );
    let err = resolve(&c, None).unwrap_err().to_string();
    assert!(
        err.contains("no config options exist with 0 dependencies"),
        "{err}"
    );
    assert!(err.contains("\"a\" depends on \"b\""), "{err}");
}

#[test]
fn user_values_win_for_editable_items_only_and_empty_falls_back() {
    let c = config(
        "    - {name: t, type: text, default: d, value: v}\n    \
         - {name: l, type: label, value: vendor}\n    \
         - {name: e, type: text, default: fallback}\n",
    );
    let v = values("    t: {value: user}\n    l: {value: user}\n    e: {value: ''}\n");
    let r = resolve(&c, Some(&v)).unwrap();
    assert_eq!(r.values["t"].value, "user");
    assert_eq!(r.values["l"].value, "vendor");
    assert_eq!(r.values["e"].value_or_default(), "fallback");
}

#[test]
fn render_errors_are_swallowed_in_the_context_but_fatal_for_initial_values() {
    let c = config("    - {name: a, type: text, default: 'repl{{ Nope }}'}\n");
    let inputs = TemplateInputs::default();
    let options = ConfigOptions::default();
    let graph = DepGraph::parse(&c.spec.groups, &inputs);
    let values =
        resolve_values(&c.spec.groups, ItemValues::new(), &inputs, &options, &graph).unwrap();
    assert_eq!(values["a"].default, "");
    let err = resolve(&c, None).unwrap_err().to_string();
    assert!(
        err.contains("failed to render default for config item \"a\""),
        "{err}"
    );
}

#[test]
fn when_hidden_and_required() {
    let c = config(
        "    - {name: toggle, type: bool, default: '0'}\n    \
         - {name: shown, type: text, required: true, title: Shown, when: 'repl{{ ConfigOptionEquals \"toggle\" \"0\" }}'}\n    \
         - {name: gone, type: text, required: true, when: 'repl{{ ConfigOptionEquals \"toggle\" \"1\" }}'}\n    \
         - {name: hidden, type: text, required: true, hidden: true}\n",
    );
    let r = resolve(&c, None).unwrap();
    let items = &r.rendered.spec.groups[0].items;
    assert_eq!(items[1].when.as_str(), "true");
    assert_eq!(items[2].when.as_str(), "false");
    assert_eq!(
        r.missing_required,
        vec![MissingItem {
            name: "shown".into(),
            title: "Shown".into()
        }]
    );
}

#[test]
fn regex_validation_is_grouped() {
    let c = config(
        "    - {name: port, type: text, value: abc, validation: {regex: {pattern: '^[0-9]+$', message: not a port}}}\n    \
         - {name: ok, type: text, value: '80', validation: {regex: {pattern: '^[0-9]+$'}}}\n    \
         - {name: empty, type: text, validation: {regex: {pattern: '^[0-9]+$'}}}\n",
    );
    let r = resolve(&c, None).unwrap();
    assert_eq!(r.validation.len(), 1);
    assert_eq!(r.validation[0].name, "g");
    assert_eq!(r.validation[0].item_errors[0].name, "port");
    assert_eq!(
        r.validation[0].item_errors[0].validation_errors[0].message,
        "not a port"
    );
}

#[test]
fn passwords_are_decrypted_with_the_key() {
    use base64::Engine;
    let key_text = base64::engine::general_purpose::STANDARD.encode([3u8; 36]);
    let key = EncryptionKey::parse(&key_text).unwrap();
    let stored = key.encrypt("hunter2", [9; 12]);
    let c = config("    - {name: pw, type: password}\n");
    let v = values(&format!("    pw: {{value: '{stored}'}}\n"));
    let options = ConfigOptions {
        encryption_key: Some(key),
    };
    let r = resolve_config(&c, Some(&v), &TemplateInputs::default(), &options).unwrap();
    assert_eq!(r.values["pw"].value, "hunter2");
    // Without the key the stored value is kept as is.
    assert_eq!(resolve(&c, Some(&v)).unwrap().values["pw"].value, stored);
}

#[test]
fn repeatable_items_are_padded_and_listed() {
    let c = config("    - {name: port, type: text, repeatable: true, minimumCount: 2}\n");
    let v = values("    port-abc: {value: '80', repeatableItem: port}\n");
    let r = resolve(&c, Some(&v)).unwrap();
    let item = &r.rendered.spec.groups[0].items[0];
    let copies = &item.values_by_group["g"];
    assert_eq!(copies.len(), 2);
    assert_eq!(copies["port-abc"], "80");
    assert_eq!(item.count_by_group["g"], 2);
}

#[test]
fn initial_values_keep_user_values_and_refresh_defaults() {
    let c = config(
        "    - {name: a, type: text, default: 'repl{{ print \"d\" }}'}\n    \
         - {name: b, type: text, value: 'repl{{ print \"v\" }}'}\n",
    );
    let v = values("    a: {value: user, default: stale}\n");
    let r = resolve(&c, Some(&v)).unwrap();
    assert_eq!(r.config_values.spec.values["a"].value, "user");
    assert_eq!(r.config_values.spec.values["a"].default, "d");
    assert_eq!(r.config_values.spec.values["b"].value, "v");
}
