//! Image pull secrets as KOTS writes them (kots-internals §6.5): the `.dockerconfigjson` bytes are
//! byte-identical to Go's `json.Marshal` output.

use std::collections::BTreeMap;

use base64::Engine;
use serde_json::{json, Map, Value};

use crate::manifest::Object;

/// The secret KOTS always writes.
pub const ADMIN_CONSOLE_SECRET_NAME: &str = "kotsadm-replicated-registry";
/// The DockerHub credentials secret KOTS copies into the app namespace when it exists.
pub const DOCKERHUB_SECRET_NAME: &str = "kotsadm-dockerhub";

/// The `.dockerconfigjson` content: `{"auths":{<host>:{"auth":base64("user:pass")}}}`, hosts
/// being each registry up to its first `/`, sorted, duplicates merged (Go map semantics).
///
/// ```
/// use kots_core::image::docker_config_json;
///
/// assert_eq!(docker_config_json(&["ttl.sh/test"], "test", "fake-pass"),
///            r#"{"auths":{"ttl.sh":{"auth":"dGVzdDpmYWtlLXBhc3M="}}}"#);
/// assert_eq!(docker_config_json::<&str>(&[], "LICENSE_ID", ""), r#"{"auths":{}}"#);
/// ```
pub fn docker_config_json<S: AsRef<str>>(
    registries: &[S],
    username: &str,
    password: &str,
) -> String {
    let auth = base64::engine::general_purpose::STANDARD.encode(format!("{username}:{password}"));
    let hosts: BTreeMap<&str, ()> = registries
        .iter()
        .map(|r| (r.as_ref().split('/').next().unwrap_or_default(), ()))
        .collect();
    let entries: Vec<String> = hosts
        .keys()
        .map(|host| {
            format!(
                "{}:{{\"auth\":{}}}",
                go_json_string(host),
                go_json_string(&auth)
            )
        })
        .collect();
    format!("{{\"auths\":{{{}}}}}", entries.join(","))
}

/// KOTS's `SecretNameFromPrefix`: `<prefix>-registry`, none for an empty prefix.
pub fn secret_name_from_prefix(prefix: &str) -> Option<String> {
    (!prefix.is_empty()).then(|| format!("{prefix}-registry"))
}

/// The pull secrets of one app (KOTS's `PullSecretForRegistries`).
#[derive(Debug, Clone, PartialEq)]
pub struct PullSecrets {
    /// `kotsadm-replicated-registry`, always present.
    pub admin_console: Object,
    /// `<prefix>-registry`, present when the name prefix (normally the app slug) is not empty.
    pub app: Option<Object>,
}

/// Options of [`pull_secrets`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PullSecretOptions<'a> {
    /// Registries the credentials are for (`host[/namespace]`).
    pub registries: &'a [String],
    pub username: &'a str,
    pub password: &'a str,
    /// Namespace the secrets are written to.
    pub namespace: &'a str,
    /// The app slug, or `<slug>-<chartDir>` for v1beta1 `useHelmInstall` chart midstreams.
    pub name_prefix: &'a str,
    /// Embedded-cluster installs label the app secret for disaster recovery.
    pub embedded_cluster: bool,
}

/// Builds the secrets KOTS writes to `overlays/midstream/secret.yaml`, fields in the order
/// Kubernetes' JSON marshalling gives them.
///
/// ```
/// use kots_core::image::{pull_secrets, PullSecretOptions};
///
/// let registries = vec!["ttl.sh".to_string()];
/// let s = pull_secrets(&PullSecretOptions { registries: &registries, username: "test",
///     password: "fake-pass", namespace: "app-namespace", name_prefix: "my-app", ..Default::default() });
/// assert_eq!(s.app.unwrap().name(), Some("my-app-registry"));
/// assert_eq!(s.admin_console.name(), Some("kotsadm-replicated-registry"));
/// ```
pub fn pull_secrets(options: &PullSecretOptions<'_>) -> PullSecrets {
    let config = docker_config_json(options.registries, options.username, options.password);
    let data = base64::engine::general_purpose::STANDARD.encode(config);
    let admin_console = secret(ADMIN_CONSOLE_SECRET_NAME, options.namespace, &data, None);
    let app = secret_name_from_prefix(options.name_prefix).map(|name| {
        let labels = options.embedded_cluster.then(|| {
            json!({"replicated.com/disaster-recovery": "infra",
                   "replicated.com/disaster-recovery-chart": "admin-console"})
        });
        secret(&name, options.namespace, &data, labels)
    });
    PullSecrets { admin_console, app }
}

fn secret(name: &str, namespace: &str, data: &str, labels: Option<Value>) -> Object {
    let mut metadata = Map::new();
    metadata.insert(
        "annotations".into(),
        json!({"helm.sh/hook": "pre-install,pre-upgrade", "helm.sh/hook-weight": "-9999",
               "kots.io/creation-phase": "-9999"}),
    );
    if let Some(labels) = labels {
        metadata.insert("labels".into(), labels);
    }
    metadata.insert("name".into(), name.into());
    if !namespace.is_empty() {
        metadata.insert("namespace".into(), namespace.into());
    }
    let value = json!({
        "apiVersion": "v1",
        "data": {".dockerconfigjson": data},
        "kind": "Secret",
        "metadata": metadata,
        "type": "kubernetes.io/dockerconfigjson",
    });
    Object::from_value(value).expect("a Secret has apiVersion and kind")
}

/// A JSON string as Go's `encoding/json` writes it: `<`, `>`, `&`, U+2028 and U+2029 are escaped.
fn go_json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// kots `TestConfigCtx_localRegistryImagePullSecret`.
    #[test]
    fn kots_local_registry_pull_secret_cases() {
        let default = ["proxy.replicated.com", "registry.replicated.com"];
        assert_eq!(
            docker_config_json(&default, "LICENSE_ID", ""),
            r#"{"auths":{"proxy.replicated.com":{"auth":"TElDRU5TRV9JRDo="},"registry.replicated.com":{"auth":"TElDRU5TRV9JRDo="}}}"#
        );
        assert_eq!(
            docker_config_json(&default, "LICENSE_ID", "abc"),
            r#"{"auths":{"proxy.replicated.com":{"auth":"TElDRU5TRV9JRDphYmM="},"registry.replicated.com":{"auth":"TElDRU5TRV9JRDphYmM="}}}"#
        );
        assert_eq!(
            docker_config_json(
                &["custom.proxy.com", "custom.registry.com"],
                "LICENSE_ID",
                "abc"
            ),
            r#"{"auths":{"custom.proxy.com":{"auth":"TElDRU5TRV9JRDphYmM="},"custom.registry.com":{"auth":"TElDRU5TRV9JRDphYmM="}}}"#
        );
        assert_eq!(
            docker_config_json(&["example.com:5000"], "user", "password"),
            r#"{"auths":{"example.com:5000":{"auth":"dXNlcjpwYXNzd29yZA=="}}}"#
        );
    }

    #[test]
    fn go_escaping_and_sorting() {
        assert_eq!(
            docker_config_json(&["b<&>/ns", "a\u{2028}", "b<&>"], "u", "p"),
            r#"{"auths":{"a\u2028":{"auth":"dTpw"},"b\u003c\u0026\u003e":{"auth":"dTpw"}}}"#
        );
    }
}
