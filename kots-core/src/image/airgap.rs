//! Airgap bundles (kots-internals §6.6): the `savedImages` list and where each saved image is
//! pushed.

use serde::{Deserialize, Serialize};

use super::{ImageError, Reference, Registry};

/// The `savedImages` list of a bundle holding `images`: distinct references, sorted.
pub fn saved_images<I, S>(images: I) -> Vec<String>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let set: std::collections::BTreeSet<String> =
        images.into_iter().map(|s| s.as_ref().to_string()).collect();
    set.into_iter().collect()
}

/// One image copy of an airgap push (`format: docker`, KOTS's `PushImagesFromTempRegistry`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PushMapping {
    /// The `savedImages` entry.
    pub image: String,
    /// Where the bundle's temporary registry serves it: `localhost:<port>/<last segment>`.
    pub source: String,
    /// Where it is pushed ([`Registry::dest_image`]).
    pub destination: String,
    /// Digest-pinned images keep their digest (`PreserveDigests`); all architectures are copied
    /// either way.
    pub preserve_digests: bool,
}

/// The source → destination mapping for pushing a bundle's `savedImages` to `registry`, with the
/// bundle's temporary registry listening on `port`. Duplicates are pushed once, in sorted order.
///
/// ```
/// use kots_core::image::{push_mappings, Registry};
///
/// let m = push_mappings(&["quay.io/org/app:1"], &Registry::parse("reg.local/apps"), 5000).unwrap();
/// assert_eq!(m[0].source, "localhost:5000/app:1");
/// assert_eq!(m[0].destination, "reg.local/apps/app:1");
/// ```
pub fn push_mappings<S: AsRef<str>>(
    saved: &[S],
    registry: &Registry,
    port: u16,
) -> Result<Vec<PushMapping>, ImageError> {
    saved_images(saved)
        .into_iter()
        .map(|image| {
            let parsed = Reference::parse_docker_ref(&image)?;
            let normalized = parsed.to_string();
            let last = normalized.rsplit('/').next().unwrap_or_default();
            Ok(PushMapping {
                source: format!("localhost:{port}/{last}"),
                destination: registry.dest_image(&image)?,
                preserve_digests: parsed.digest().is_some(),
                image,
            })
        })
        .collect()
}
