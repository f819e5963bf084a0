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
#[serde_with::apply(
    _ => #[serde(default, deserialize_with = "nullable", skip_serializing_if = "is_zero")]
)]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AirgapSpec {
    pub version_label: String,
    pub release_notes: String,
    pub update_cursor: String,
    pub embedded_cluster_version: String,
    #[serde(rename = "channelID")]
    pub channel_id: String,
    pub channel_name: String,
    /// Decoded from base64; KOTS never verifies it.
    #[serde_with(skip_apply)]
    #[serde(default, with = "bytes", skip_serializing_if = "is_zero")]
    pub signature: Vec<u8>,
    pub app_slug: String,
    pub is_required: bool,
    pub required_releases: Vec<AirgapReleaseMeta>,
    /// The image references saved in the bundle.
    pub saved_images: Vec<String>,
    pub embedded_cluster_artifacts: Option<EmbeddedClusterArtifacts>,
    pub uncompressed_size: i64,
    /// `docker` (registry storage) or `docker-archive`; empty means `docker-archive`.
    pub format: String,
    pub replicated_chart_names: Vec<String>,
    #[serde_with(skip_apply)]
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
#[serde_with::apply(
    _ => #[serde(default, deserialize_with = "nullable", skip_serializing_if = "is_zero")]
)]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AirgapReleaseMeta {
    pub version_label: String,
    pub release_notes: String,
    pub update_cursor: String,
    pub embedded_cluster_version: String,
    #[serde_with(skip_apply)]
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Embedded Cluster files shipped in the bundle.
#[serde_with::apply(
    _ => #[serde(default, deserialize_with = "nullable", skip_serializing_if = "is_zero")]
)]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EmbeddedClusterArtifacts {
    pub charts: String,
    pub images_amd64: String,
    pub binary_amd64: String,
    pub metadata: String,
    #[serde_with(skip_apply)]
    #[serde(default, deserialize_with = "nullable")]
    pub registry: EmbeddedClusterRegistry,
    pub additional_artifacts: BTreeMap<String, String>,
    #[serde_with(skip_apply)]
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `embeddedClusterArtifacts.registry`.
#[serde_with::apply(
    _ => #[serde(default, deserialize_with = "nullable", skip_serializing_if = "is_zero")]
)]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EmbeddedClusterRegistry {
    pub dir: String,
    pub saved_images: Vec<String>,
    #[serde_with(skip_apply)]
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
