//! `kots.io/v1beta1 Airgap` (kotskinds `airgap_types.go`, kots-internals §6.6): the `airgap.yaml`
//! of an airgap bundle.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::go::{bytes, is_zero, nullable};

kots_resource! {
    /// The metadata of an airgap bundle: release, channel, and the images saved in it.
    ///
    /// ```
    /// use kots_core::kinds::{Airgap, KotsResource};
    ///
    /// let airgap = Airgap::from_yaml(r#"
    /// apiVersion: kots.io/v1beta1
    /// kind: Airgap
    /// spec:
    ///   versionLabel: 1.2.0
    ///   format: docker-archive
    ///   savedImages: ['nginx:1.25']
    ///   signature: aGVsbG8=
    /// "#).unwrap();
    /// assert_eq!(airgap.spec.version_label, "1.2.0");
    /// assert_eq!(airgap.spec.signature, b"hello");
    /// assert!(airgap.spec.is_docker_archive());
    /// ```
    Airgap, AirgapSpec, "kots.io/v1beta1", "Airgap"
}

/// `spec` of an [`Airgap`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AirgapSpec {
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
    pub release_notes: String,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "is_zero"
    )]
    pub update_cursor: String,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "is_zero"
    )]
    pub embedded_cluster_version: String,
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
    /// Decoded from base64; KOTS never verifies it.
    #[serde(default, with = "bytes", skip_serializing_if = "is_zero")]
    pub signature: Vec<u8>,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "is_zero"
    )]
    pub app_slug: String,
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
    pub required_releases: Vec<AirgapReleaseMeta>,
    /// The image references saved in the bundle.
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "is_zero"
    )]
    pub saved_images: Vec<String>,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "Option::is_none"
    )]
    pub embedded_cluster_artifacts: Option<EmbeddedClusterArtifacts>,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "is_zero"
    )]
    pub uncompressed_size: i64,
    /// `docker` (registry storage) or `docker-archive`; empty means `docker-archive`.
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "is_zero"
    )]
    pub format: String,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "is_zero"
    )]
    pub replicated_chart_names: Vec<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl AirgapSpec {
    /// Whether images are one archive per image (`docker-archive`, or an empty `format`).
    pub fn is_docker_archive(&self) -> bool {
        self.format.is_empty() || self.format == "docker-archive"
    }
}

/// Release metadata of each `requiredReleases[]` entry (Go inlines the same struct in
/// [`AirgapSpec`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AirgapReleaseMeta {
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
    pub release_notes: String,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "is_zero"
    )]
    pub update_cursor: String,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "is_zero"
    )]
    pub embedded_cluster_version: String,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Embedded Cluster files shipped in the bundle.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EmbeddedClusterArtifacts {
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "is_zero"
    )]
    pub charts: String,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "is_zero"
    )]
    pub images_amd64: String,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "is_zero"
    )]
    pub binary_amd64: String,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "is_zero"
    )]
    pub metadata: String,
    #[serde(default, deserialize_with = "nullable")]
    pub registry: EmbeddedClusterRegistry,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "is_zero"
    )]
    pub additional_artifacts: BTreeMap<String, String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `embeddedClusterArtifacts.registry`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EmbeddedClusterRegistry {
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "is_zero"
    )]
    pub dir: String,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "is_zero"
    )]
    pub saved_images: Vec<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
