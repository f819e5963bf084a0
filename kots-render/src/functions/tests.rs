use std::collections::BTreeMap;
use std::sync::Arc;

use super::*;
use crate::template::Providers;

fn builder(inputs: &TemplateInputs) -> Builder {
    Builder::new(inputs.manifest_funcs(), inputs)
}

fn render(inputs: &TemplateInputs, text: &str) -> String {
    builder(inputs).render("t", text).unwrap()
}

#[test]
fn two_passes_and_go_printing() {
    let inputs = TemplateInputs::default();
    // Pass 1 output containing repl{{ }} is evaluated by pass 2.
    assert_eq!(
        render(&inputs, "{{repl print \"repl{{ Add 1 2 }}\" }}"),
        "3"
    );
    assert_eq!(render(&inputs, "repl{{ Mult 1000.0 1000 }}"), "1e+06");
    assert_eq!(render(&inputs, "{{repl- \" x \" -}} y"), " x y");
    let err = builder(&inputs)
        .render("f.yaml", "{{repl Nope }}")
        .unwrap_err();
    assert_eq!(
        err.message,
        "failed to get template: template: f.yaml:1: function \"Nope\" not defined"
    );
}

#[test]
fn version_identity_and_kurl_contexts() {
    let inputs = TemplateInputs {
        app_slug: "app".into(),
        version: VersionInfo {
            sequence: 4,
            cursor: "9".into(),
            is_airgap: true,
            ..VersionInfo::default()
        },
        identity: Some(IdentityConfig {
            enabled: true,
            client_id: "cid".into(),
            ..IdentityConfig::default()
        }),
        kurl: BTreeMap::from([(
            "Kubernetes.Version".to_string(),
            serde_json::json!("1.29.0"),
        )]),
        ..TemplateInputs::default()
    };
    assert_eq!(
        render(
            &inputs,
            "{{repl Sequence }}/{{repl Cursor }}/{{repl IsAirgap }}"
        ),
        "4/9/true"
    );
    assert_eq!(render(&inputs, "{{repl IdentityServiceName }}:{{repl IdentityServicePort }}:{{repl IdentityServiceClientID }}"), "app-dex:5556:cid");
    assert_eq!(
        render(
            &inputs,
            "{{repl KurlString \"Kubernetes.Version\" }}|{{repl KurlInt \"Nope\" }}"
        ),
        "1.29.0|0"
    );
    assert_eq!(
        render(&TemplateInputs::default(), "{{repl Sequence }}"),
        "-1"
    );
}

#[test]
fn cluster_functions_come_from_the_provider() {
    let cluster = StaticCluster {
        distribution: "k3s".into(),
        node_count: 3,
        kubernetes_version: Some(KubernetesVersion {
            git_version: "v1.29.3".into(),
            major: "1".into(),
            minor: "29".into(),
        }),
        objects: BTreeMap::from([(
            "v1/configmaps/ns/cm".to_string(),
            serde_json::json!({"data": {"k": "v"}}),
        )]),
        ..StaticCluster::default()
    };
    let inputs = TemplateInputs {
        cluster: Arc::new(cluster),
        namespace: "ns".into(),
        ..TemplateInputs::default()
    };
    let out = render(
        &inputs,
        "{{repl Distribution }} {{repl NodeCount }} {{repl KubernetesVersion }} {{repl KubernetesMinorVersion }} {{repl Namespace }} {{repl (Lookup \"v1\" \"configmaps\" \"ns\" \"cm\").data.k }}",
    );
    assert_eq!(out, "k3s 3 1.29.3 29 ns v");
    assert_eq!(
        render(&TemplateInputs::default(), "{{repl KubernetesVersion }}"),
        "0.0.0+unknown"
    );
}

#[test]
fn config_context_registry_functions() {
    let inputs = TemplateInputs {
        app_slug: "app".into(),
        registry: RegistrySettings {
            hostname: "r.example.com".into(),
            namespace: "ns".into(),
            username: "u".into(),
            password: "p".into(),
            is_read_only: false,
        },
        ..TemplateInputs::default()
    };
    let mut funcs = inputs.manifest_funcs();
    register_config(&mut funcs, Arc::default(), &inputs);
    let b = Builder::new(funcs, &inputs);
    let out = b
        .render("t", "{{repl HasLocalRegistry }} {{repl LocalRegistryAddress }} {{repl ImagePullSecretName }} {{repl LocalImageName \"quay.io/org/img:1\" }}")
        .unwrap();
    assert_eq!(
        out,
        "true r.example.com/ns app-registry r.example.com/ns/img:1"
    );
    let secret = b
        .render("t", "{{repl LocalRegistryImagePullSecret | b64dec }}")
        .unwrap();
    assert_eq!(secret, r#"{"auths":{"r.example.com":{"auth":"dTpw"}}}"#);
    assert_eq!(
        b.render(
            "t",
            "{{repl ConfigOption \"missing\" }}|{{repl ConfigOptionEquals \"missing\" \"\" }}"
        )
        .unwrap(),
        "|false"
    );
}

#[test]
fn tls_helpers_reuse_their_pairs() {
    let inputs = TemplateInputs {
        providers: Providers::deterministic(7),
        ..TemplateInputs::default()
    };
    let b = builder(&inputs);
    let cert = b
        .render(
            "t",
            "{{repl TLSCert \"web\" \"web.local\" (list) (list) 365 }}",
        )
        .unwrap();
    assert!(cert.contains("BEGIN CERTIFICATE"), "{cert}");
    assert_eq!(
        b.render(
            "t",
            "{{repl TLSCert \"web\" \"web.local\" (list) (list) 365 }}"
        )
        .unwrap(),
        cert
    );
    assert!(b
        .render("t", "{{repl TLSKey \"web\" }}")
        .unwrap()
        .contains("PRIVATE KEY"));
    let ca = b.render("t", "{{repl TLSCACert \"ca\" 365 }}").unwrap();
    assert_eq!(b.render("t", "{{repl TLSCACert \"ca\" 365 }}").unwrap(), ca);
    assert!(b
        .render(
            "t",
            "{{repl TLSCertFromCA \"ca\" \"svc\" \"svc.local\" (list) (list) 365 }}"
        )
        .unwrap()
        .contains("BEGIN CERTIFICATE"));
}
