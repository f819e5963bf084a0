//! Just enough manifest parsing to walk an image: the raw bytes are kept and pushed unchanged, so digests
//! never change.

use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::Digest as _;

/// OCI image manifest media type.
pub const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
/// OCI image index media type.
pub const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
/// Docker image manifest v2 schema 2 media type.
pub const DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";
/// Docker manifest list media type.
pub const DOCKER_LIST: &str = "application/vnd.docker.distribution.manifest.list.v2+json";

/// Media types accepted when pulling manifests.
pub(crate) const ACCEPTED: &[&str] = &[OCI_INDEX, DOCKER_LIST, OCI_MANIFEST, DOCKER_MANIFEST];

/// Largest manifest accepted (the distribution registry's own limit).
pub(crate) const MAX_MANIFEST_BYTES: usize = 4 * 1024 * 1024;

/// An OS/architecture pair, optionally with a variant: `linux/arm64/v8`.
///
/// ```
/// use kots_registry::Platform;
/// let p: Platform = "linux/arm64/v8".parse().unwrap();
/// assert_eq!(p.architecture, "arm64");
/// assert_eq!(p.to_string(), "linux/arm64/v8");
/// assert!("linux".parse::<Platform>().is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Platform {
    /// `linux`, `windows`...
    pub os: String,
    /// `amd64`, `arm64`...
    pub architecture: String,
    /// `v7`, `v8`... when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
}

impl Platform {
    /// `linux/amd64`, the default platform when one image is picked out of an index.
    pub fn linux_amd64() -> Self {
        Platform {
            os: "linux".into(),
            architecture: "amd64".into(),
            variant: None,
        }
    }

    /// Whether an index entry with platform `other` satisfies this request (a request without variant
    /// matches any variant).
    pub(crate) fn matches(&self, other: &Platform) -> bool {
        self.os == other.os
            && self.architecture == other.architecture
            && (self.variant.is_none() || self.variant == other.variant)
    }
}

impl std::str::FromStr for Platform {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let parts: Vec<&str> = s.split('/').collect();
        match parts.as_slice() {
            [os, arch] | [os, arch, _] if !os.is_empty() && !arch.is_empty() => Ok(Platform {
                os: os.to_string(),
                architecture: arch.to_string(),
                variant: parts
                    .get(2)
                    .filter(|v| !v.is_empty())
                    .map(|v| v.to_string()),
            }),
            _ => Err(format!(
                "invalid platform {s:?}: expected os/architecture[/variant]"
            )),
        }
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.os, self.architecture)?;
        if let Some(v) = &self.variant {
            write!(f, "/{v}")?;
        }
        Ok(())
    }
}

/// A content descriptor as found in manifests and indexes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Descriptor {
    /// Media type of the referenced content.
    #[serde(default)]
    pub media_type: String,
    /// `sha256:<hex>`.
    pub digest: String,
    /// Size in bytes.
    pub size: u64,
    /// Platform (index entries).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<Platform>,
    /// Annotations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotations: Option<serde_json::Map<String, serde_json::Value>>,
    /// Foreign-layer URLs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub urls: Option<Vec<String>>,
}

impl Descriptor {
    /// Layers that must not be pushed to other registries (Windows foreign layers).
    pub(crate) fn is_non_distributable(&self) -> bool {
        self.media_type.contains("foreign") || self.media_type.contains("nondistributable")
    }
}

/// What a manifest references.
#[derive(Clone, Debug)]
pub(crate) enum Content {
    Image {
        config: Box<Descriptor>,
        layers: Vec<Descriptor>,
    },
    Index {
        manifests: Vec<Descriptor>,
    },
}

/// A manifest: its exact bytes, media type, digest, and what it references.
#[derive(Clone, Debug)]
pub(crate) struct RawManifest {
    pub bytes: bytes::Bytes,
    pub media_type: String,
    pub digest: String,
    pub content: Content,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Shape {
    #[serde(default)]
    schema_version: Option<i64>,
    #[serde(default)]
    media_type: Option<String>,
    #[serde(default)]
    config: Option<Descriptor>,
    #[serde(default)]
    layers: Option<Vec<Descriptor>>,
    #[serde(default)]
    manifests: Option<Vec<Descriptor>>,
}

impl RawManifest {
    /// Parse manifest bytes. `content_type` is the transport's type (HTTP header or descriptor), used when
    /// the document has no `mediaType`.
    pub fn parse(bytes: bytes::Bytes, content_type: Option<&str>) -> Result<Self, String> {
        if bytes.len() > MAX_MANIFEST_BYTES {
            return Err(format!(
                "manifest is {} bytes, more than the {MAX_MANIFEST_BYTES} allowed",
                bytes.len()
            ));
        }
        let shape: Shape =
            serde_json::from_slice(&bytes).map_err(|e| format!("not a manifest: {e}"))?;
        if shape.schema_version != Some(2) {
            return Err(format!(
                "unsupported schemaVersion {:?} (only 2 is supported)",
                shape.schema_version
            ));
        }
        let media_type = shape
            .media_type
            .clone()
            .or_else(|| {
                content_type
                    .filter(|t| ACCEPTED.contains(t))
                    .map(str::to_string)
            })
            .unwrap_or_else(|| {
                if shape.manifests.is_some() {
                    OCI_INDEX
                } else {
                    OCI_MANIFEST
                }
                .to_string()
            });
        let content = match media_type.as_str() {
            OCI_INDEX | DOCKER_LIST => Content::Index {
                manifests: shape.manifests.ok_or("index without \"manifests\"")?,
            },
            OCI_MANIFEST | DOCKER_MANIFEST => Content::Image {
                config: Box::new(shape.config.ok_or("image manifest without \"config\"")?),
                layers: shape.layers.unwrap_or_default(),
            },
            other => return Err(format!("unsupported manifest media type {other:?}")),
        };
        let digest = sha256_digest(&bytes);
        for d in referenced(&content) {
            check_digest(&d.digest)?;
        }
        Ok(RawManifest {
            bytes,
            media_type,
            digest,
            content,
        })
    }
}

fn referenced(content: &Content) -> Vec<&Descriptor> {
    match content {
        Content::Image { config, layers } => {
            std::iter::once(config.as_ref()).chain(layers).collect()
        }
        Content::Index { manifests } => manifests.iter().collect(),
    }
}

/// Reject digests that are not `sha256:<64 hex>`: they become URL paths and file names.
pub(crate) fn check_digest(d: &str) -> Result<(), String> {
    match d.strip_prefix("sha256:") {
        Some(hex)
            if hex.len() == 64
                && hex
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) =>
        {
            Ok(())
        }
        _ => Err(format!(
            "unsupported digest {d:?} (expected sha256:<64 lowercase hex>)"
        )),
    }
}

/// `sha256:<hex>` of `bytes`.
pub fn sha256_digest(bytes: &[u8]) -> String {
    hex_digest(sha2::Sha256::digest(bytes).as_slice())
}

pub(crate) fn hex_digest(hash: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut s = String::with_capacity(7 + 64);
    s.push_str("sha256:");
    for b in hash {
        let _ = write!(s, "{b:02x}");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_index_and_image() {
        let d = format!("sha256:{}", "0".repeat(64));
        let idx = format!(
            r#"{{"schemaVersion":2,"manifests":[{{"mediaType":"{OCI_MANIFEST}","digest":"{d}","size":3,"platform":{{"os":"linux","architecture":"arm64","variant":"v8"}}}}]}}"#
        );
        let m = RawManifest::parse(idx.clone().into(), None).unwrap();
        assert_eq!(m.media_type, OCI_INDEX);
        assert_eq!(m.digest, sha256_digest(idx.as_bytes()));
        let Content::Index { manifests } = m.content else {
            panic!()
        };
        let want: Platform = "linux/arm64".parse().unwrap();
        assert!(want.matches(manifests[0].platform.as_ref().unwrap()));

        let img = format!(
            r#"{{"schemaVersion":2,"mediaType":"{DOCKER_MANIFEST}","config":{{"mediaType":"x","digest":"{d}","size":1}},"layers":[]}}"#
        );
        let m = RawManifest::parse(img.into(), None).unwrap();
        assert_eq!(m.media_type, DOCKER_MANIFEST);
    }

    #[test]
    fn rejects_bad_manifests() {
        for (text, want) in [
            ("{", "not a manifest"),
            (r#"{"schemaVersion":1}"#, "schemaVersion"),
            (
                r#"{"schemaVersion":2,"mediaType":"text/plain"}"#,
                "unsupported manifest media type",
            ),
            (
                r#"{"schemaVersion":2,"manifests":[{"digest":"sha256:../../x","size":1}]}"#,
                "unsupported digest",
            ),
        ] {
            let e = RawManifest::parse(bytes::Bytes::from(text), None).unwrap_err();
            assert!(e.contains(want), "{text}: {e}");
        }
    }
}
