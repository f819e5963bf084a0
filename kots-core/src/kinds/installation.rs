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
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InstallationSpec {
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "is_zero"
    )]
    pub update_cursor: String,
    #[serde(
        rename = "channelID",
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "is_zero"
    )]
    pub channel_id: String,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "is_zero"
    )]
    pub channel_name: String,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "is_zero"
    )]
    pub version_label: String,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "is_zero"
    )]
    pub is_required: bool,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "is_zero"
    )]
    pub release_notes: String,
    /// An RFC 3339 timestamp, checked as Kubernetes' `metav1.Time` parses it and kept as written.
    #[serde(
        default,
        deserialize_with = "time::deserialize",
        skip_serializing_if = "Option::is_none"
    )]
    pub released_at: Option<String>,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "is_zero"
    )]
    pub replicated_registry_domain: String,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "is_zero"
    )]
    pub replicated_proxy_domain: String,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "is_zero"
    )]
    pub replicated_chart_names: Vec<String>,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "is_zero"
    )]
    pub encryption_key: String,
    /// Images KOTS found in the release, and whether each is private (§6.1).
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "is_zero"
    )]
    pub known_images: Vec<InstallationImage>,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "Option::is_none"
    )]
    pub embedded_cluster_artifacts: Option<EmbeddedClusterArtifacts>,
    /// Files KOTS could not parse (JSON name `yamlErrors`, §5.3).
    #[serde(
        rename = "yamlErrors",
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "is_zero"
    )]
    pub yaml_errors: Vec<InstallationYamlError>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One `spec.knownImages[]` entry.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InstallationImage {
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "is_zero"
    )]
    pub image: String,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "is_zero"
    )]
    pub is_private: bool,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One `spec.yamlErrors[]` entry: a file KOTS skipped, and why.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct InstallationYamlError {
    #[serde(default, deserialize_with = "nullable")]
    pub path: String,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "is_zero"
    )]
    pub error: String,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
