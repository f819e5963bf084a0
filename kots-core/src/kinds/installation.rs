//! `kots.io/v1beta1 Installation` (kotskinds `installation_types.go`).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::go::{is_zero, nullable, time};
use super::EmbeddedClusterArtifacts;

kots_resource! {
    /// What KOTS records about the installed release (`upstream/userdata/installation.yaml`):
    /// channel, cursor, known images and the YAML files it skipped.
    ///
    /// ```
    /// use kots_core::kinds::{Installation, KotsResource};
    ///
    /// let inst = Installation::from_yaml("apiVersion: kots.io/v1beta1\nkind: Installation\n\
    ///     spec:\n  channelName: Stable\n  knownImages:\n  - {image: 'nginx:1', isPrivate: true}\n").unwrap();
    /// assert!(inst.spec.known_images[0].is_private);
    /// ```
    Installation, InstallationSpec, "kots.io/v1beta1", "Installation"
}

/// `spec` of an [`Installation`].
#[serde_with::apply(
    _ => #[serde(default, deserialize_with = "nullable", skip_serializing_if = "is_zero")]
)]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InstallationSpec {
    pub update_cursor: String,
    #[serde(rename = "channelID")]
    pub channel_id: String,
    pub channel_name: String,
    pub version_label: String,
    pub is_required: bool,
    pub release_notes: String,
    /// An RFC 3339 timestamp, checked as Kubernetes' `metav1.Time` parses it and kept as written.
    #[serde_with(skip_apply)]
    #[serde(
        default,
        deserialize_with = "time::deserialize",
        skip_serializing_if = "Option::is_none"
    )]
    pub released_at: Option<String>,
    pub replicated_registry_domain: String,
    pub replicated_proxy_domain: String,
    pub replicated_chart_names: Vec<String>,
    pub encryption_key: String,
    /// Images KOTS found in the release, and whether each is private (§6.1).
    pub known_images: Vec<InstallationImage>,
    pub embedded_cluster_artifacts: Option<EmbeddedClusterArtifacts>,
    /// Files KOTS could not parse (JSON name `yamlErrors`, §5.3).
    #[serde(rename = "yamlErrors")]
    pub yaml_errors: Vec<InstallationYamlError>,
    #[serde_with(skip_apply)]
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One `spec.knownImages[]` entry.
#[serde_with::apply(
    _ => #[serde(default, deserialize_with = "nullable", skip_serializing_if = "is_zero")]
)]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InstallationImage {
    pub image: String,
    pub is_private: bool,
    #[serde_with(skip_apply)]
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One `spec.yamlErrors[]` entry: a file KOTS skipped, and why.
#[serde_with::apply(
    _ => #[serde(default, deserialize_with = "nullable", skip_serializing_if = "is_zero")]
)]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct InstallationYamlError {
    #[serde_with(skip_apply)]
    #[serde(default, deserialize_with = "nullable")]
    pub path: String,
    pub error: String,
    #[serde_with(skip_apply)]
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
