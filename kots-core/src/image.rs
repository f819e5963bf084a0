//! Container image references and KOTS's image rules (kots-internals §6): Docker's reference
//! grammar and normalisation, rewriting to a private registry, the Replicated proxy registry,
//! `LocalImageName`, pull secrets and airgap push mappings. Pure functions; the registry probe
//! KOTS does to tell private images from public ones is left to the caller.
//!
//! ```
//! use kots_core::image::{kustomization_images, Reference, Registry};
//!
//! let r = Reference::parse_normalized("nginx:1@sha256:f26fbadb0acab4a21ecb4e337a326907e61fbec36c9a9b52e725669d99ed1261").unwrap();
//! assert_eq!(r.domain(), "docker.io");
//! let registry = Registry::parse("ttl.sh/test");
//! let images = kustomization_images(registry.rewrite_images(&["nginx:1.23", "nginx:1"]).unwrap());
//! let names: Vec<_> = images.iter().map(|i| i.name.as_str()).collect();
//! assert_eq!(names, ["nginx", "docker.io/library/nginx", "library/nginx", "docker.io/nginx"]);
//! assert!(images.iter().all(|i| i.new_name == "ttl.sh/test/nginx" && i.new_tag.is_empty()));
//! ```

mod airgap;
mod discover;
mod go_path;
mod kustomize;
mod proxy;
mod pull_secret;
mod reference;
mod rewrite;

pub use airgap::{push_mappings, saved_images, PushMapping};
pub use discover::{
    discover, DiscoverOptions, Discovery, DiscoveryMode, FoundImage, ImageLocation, ImageSource,
};
pub use kustomize::ImageRewriter;
pub use proxy::{
    local_image_name, make_proxied_image_url, LocalImageContext, ProxyInfo, DEFAULT_PROXY_DOMAIN,
    DEFAULT_REGISTRY_DOMAIN,
};
pub use pull_secret::{
    docker_config_json, pull_secrets, secret_name_from_prefix, PullSecretOptions, PullSecrets,
    ADMIN_CONSOLE_SECRET_NAME, DOCKERHUB_SECRET_NAME,
};
pub use reference::{
    Reference, ReferenceError, ReferenceReport, DEFAULT_DOMAIN, DEFAULT_TAG, LEGACY_DEFAULT_DOMAIN,
    NAME_TOTAL_LENGTH_MAX, OFFICIAL_REPO_NAME,
};
pub use rewrite::{
    build_alt_names, kustomization_images, strip_tag_and_digest, KustomizeImage, Registry,
};

/// Why an image operation failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImageError {
    /// An image reference is invalid; the error names it.
    #[error(transparent)]
    Reference(#[from] ReferenceError),
    /// An airgap `docker-archive` image path has fewer than the 3 segments host/name/tag.
    #[error("docker-archive image path {path:?}: not enough parts in image name (need host, name and tag)")]
    ArchivePathTooShort { path: String },
    /// An image reference found in a document is invalid.
    #[error("document {document}, {pointer}: {source}")]
    InDocument {
        document: usize,
        pointer: String,
        source: ReferenceError,
    },
    /// A field KOTS decodes has the wrong type.
    #[error("document {document}, {pointer}: expected {expected}, found {found}")]
    FieldType {
        document: usize,
        pointer: String,
        expected: &'static str,
        found: &'static str,
    },
    /// The Application could not be decoded.
    #[error("document {document}: {source}")]
    Application {
        document: usize,
        source: Box<crate::kinds::KindsError>,
    },
}
