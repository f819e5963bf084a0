//! [`RenderSettings`]: the render options as plain data (JSON objects from the CLI and the Python
//! and Node bindings), turned into [`RenderOptions`].

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Deserialize;
use serde_json::Value;

use super::{Finishing, RenderOptions};
use crate::functions::{
    IdentityConfig, KubernetesVersion, ProxyEnv, RegistrySettings, StaticCluster,
};

/// Render options as data. Keys are camelCase; snake_case spellings are accepted too.
///
/// ```
/// use kots_render::release::RenderSettings;
/// let settings: RenderSettings = serde_json::from_value(serde_json::json!({
///     "namespace": "prod", "app_slug": "my-app", "registry": {"hostname": "r.example.com"},
///     "finishing": {"backupLabel": false}, "cluster": {"distribution": "k3s", "kubernetesVersion": "v1.29.3"}
/// })).unwrap();
/// let options = settings.into_options();
/// assert_eq!(options.app_slug, "my-app");
/// assert!(!options.finishing.backup_label && options.finishing.pull_secrets);
/// ```
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct RenderSettings {
    pub namespace: String,
    #[serde(alias = "app_slug")]
    pub app_slug: String,
    pub sequence: i64,
    pub cursor: String,
    #[serde(alias = "channel_name")]
    pub channel_name: String,
    #[serde(alias = "version_label")]
    pub version_label: String,
    #[serde(alias = "release_notes")]
    pub release_notes: String,
    #[serde(alias = "is_required")]
    pub is_required: bool,
    pub airgap: bool,
    #[serde(alias = "kots_version")]
    pub kots_version: Option<String>,
    pub registry: Option<RegistryData>,
    #[serde(alias = "replicated_registry_domain")]
    pub replicated_registry_domain: String,
    #[serde(alias = "replicated_proxy_domain")]
    pub replicated_proxy_domain: String,
    pub identity: Option<IdentityData>,
    pub kurl: BTreeMap<String, Value>,
    #[serde(alias = "encryption_key")]
    pub encryption_key: Option<String>,
    #[serde(alias = "private_images")]
    pub private_images: Vec<String>,
    pub finishing: FinishingData,
    pub threads: Option<usize>,
    pub cluster: ClusterData,
}

/// A private registry (`RegistrySettings`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct RegistryData {
    pub hostname: String,
    pub namespace: String,
    pub username: String,
    pub password: String,
    #[serde(alias = "read_only", alias = "isReadOnly")]
    pub read_only: bool,
}

/// The identity service configuration.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct IdentityData {
    pub enabled: bool,
    #[serde(alias = "client_id")]
    pub client_id: String,
    #[serde(alias = "client_secret")]
    pub client_secret: String,
    pub groups: BTreeMap<String, Vec<String>>,
}

/// Finishing switches; every step is on unless set to `false`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct FinishingData {
    #[serde(alias = "pull_secrets")]
    pub pull_secrets: Option<bool>,
    #[serde(alias = "image_pull_secrets")]
    pub image_pull_secrets: Option<bool>,
    #[serde(alias = "app_slug_labels")]
    pub app_slug_labels: Option<bool>,
    #[serde(alias = "backup_label")]
    pub backup_label: Option<bool>,
    #[serde(alias = "rewrite_images")]
    pub rewrite_images: Option<bool>,
}

/// The cluster facts (see [`crate::functions::ClusterInfo`]).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct ClusterData {
    pub namespace: Option<String>,
    pub distribution: String,
    #[serde(alias = "is_kurl")]
    pub is_kurl: bool,
    /// `gitVersion`, e.g. `v1.29.3`; absent means unknown (`0.0.0+unknown`).
    #[serde(alias = "kubernetes_version")]
    pub kubernetes_version: Option<String>,
    #[serde(alias = "node_count")]
    pub node_count: i64,
    /// Objects `Lookup` finds, keyed `apiVersion/resource/namespace/name`.
    pub objects: BTreeMap<String, Value>,
    #[serde(alias = "http_proxy")]
    pub http_proxy: String,
    #[serde(alias = "https_proxy")]
    pub https_proxy: String,
    #[serde(alias = "no_proxy")]
    pub no_proxy: String,
    #[serde(alias = "private_ca_configmap")]
    pub private_ca_configmap: String,
}

impl RenderSettings {
    /// The [`RenderOptions`] these settings describe (real clock, environment and randomness).
    pub fn into_options(self) -> RenderOptions {
        let defaults = RenderOptions::default();
        let f = &self.finishing;
        let on = |v: Option<bool>| v.unwrap_or(true);
        let registry = self.registry.unwrap_or_default();
        RenderOptions {
            namespace: self.namespace,
            app_slug: self.app_slug,
            sequence: self.sequence,
            cursor: self.cursor,
            channel_name: self.channel_name,
            version_label: self.version_label,
            release_notes: self.release_notes,
            is_required: self.is_required,
            airgap: self.airgap,
            kots_version: self.kots_version.unwrap_or(defaults.kots_version),
            registry: RegistrySettings {
                hostname: registry.hostname,
                namespace: registry.namespace,
                username: registry.username,
                password: registry.password,
                is_read_only: registry.read_only,
            },
            replicated_registry_domain: self.replicated_registry_domain,
            replicated_proxy_domain: self.replicated_proxy_domain,
            identity: self.identity.map(|i| IdentityConfig {
                enabled: i.enabled,
                client_id: i.client_id,
                client_secret: i.client_secret,
                groups: i.groups,
            }),
            kurl: self.kurl,
            encryption_key: self.encryption_key,
            private_images: self.private_images,
            finishing: Finishing {
                pull_secrets: on(f.pull_secrets),
                image_pull_secrets: on(f.image_pull_secrets),
                app_slug_labels: on(f.app_slug_labels),
                backup_label: on(f.backup_label),
                rewrite_images: on(f.rewrite_images),
            },
            threads: self.threads.unwrap_or(1).max(1),
            cluster: Arc::new(self.cluster.into_cluster()),
            ..defaults
        }
    }
}

impl ClusterData {
    fn into_cluster(self) -> StaticCluster {
        let kubernetes_version = self.kubernetes_version.map(|git| {
            let mut parts = git.trim_start_matches('v').split(['.', '-', '+']);
            let major = parts.next().unwrap_or_default().to_string();
            let minor = parts.next().unwrap_or_default().to_string();
            KubernetesVersion {
                git_version: git,
                major,
                minor,
            }
        });
        StaticCluster {
            namespace: self.namespace,
            distribution: self.distribution,
            is_kurl: self.is_kurl,
            kubernetes_version,
            node_count: self.node_count,
            objects: self.objects,
            proxy_env: ProxyEnv {
                http_proxy: self.http_proxy,
                https_proxy: self.https_proxy,
                no_proxy: self.no_proxy,
            },
            private_ca_configmap: self.private_ca_configmap,
        }
    }
}
