//! Rewriting image references to a private registry, as KOTS's `imageutil` and `base.RewriteImages`
//! do (kots-internals §6.2): only the last path segment of the repository survives, docker.io images
//! get every alternate spelling, and the kustomize `images` list keeps names only.

use serde::{Deserialize, Serialize};

use super::go_path::{join, split_first_segment};
use super::{ImageError, Reference};

/// A destination registry: a host (with optional port) and an optional namespace path.
///
/// ```
/// use kots_core::image::Registry;
///
/// let r = Registry::parse("registry.example.com:5000/team/apps");
/// assert_eq!((r.endpoint.as_str(), r.namespace.as_str()), ("registry.example.com:5000", "team/apps"));
/// assert_eq!(r.dest_image("quay.io/org/sub/img:1").unwrap(), "registry.example.com:5000/team/apps/img:1");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registry {
    /// `host[:port]`.
    pub endpoint: String,
    /// Path under the host; may be empty or hold several segments.
    #[serde(default)]
    pub namespace: String,
}

impl Registry {
    pub fn new(endpoint: impl Into<String>, namespace: impl Into<String>) -> Registry {
        Registry {
            endpoint: endpoint.into(),
            namespace: namespace.into(),
        }
    }

    /// Splits `HOST[/NAMESPACE]` at the first `/`.
    pub fn parse(text: &str) -> Registry {
        let (endpoint, namespace) = split_first_segment(text);
        Registry::new(endpoint, namespace)
    }

    /// KOTS's `DestImage`: where `src` is pushed to and pulled from. The source is normalised with
    /// [`Reference::parse_docker_ref`] and only its last `/`-segment (name with tag or digest) is kept.
    pub fn dest_image(&self, src: &str) -> Result<String, ImageError> {
        Ok(self.dest_of(&Reference::parse_docker_ref(src)?))
    }

    /// `dest_image` for an already normalised reference.
    fn dest_of(&self, parsed: &Reference) -> String {
        let normalized = parsed.to_string();
        let last = normalized.rsplit('/').next().unwrap_or_default();
        join(&[&self.endpoint, &self.namespace, last])
    }

    /// KOTS's `RewriteDockerRegistryImage`: the kustomize image entry for one source image.
    pub fn kustomize_image(&self, src: &str) -> Result<KustomizeImage, ImageError> {
        let parsed = Reference::parse_docker_ref(src)?;
        let dest = self.dest_of(&parsed);
        let mut image = KustomizeImage {
            name: strip_tag_and_digest(src),
            new_name: strip_tag_and_digest(&dest),
            ..KustomizeImage::default()
        };
        match (parsed.digest(), parsed.tag()) {
            (Some(digest), _) => image.digest = digest.into(),
            (None, Some(tag)) => image.new_tag = tag.into(),
            (None, None) => image.new_tag = "latest".into(),
        }
        Ok(image)
    }

    /// KOTS's `KustomizeImage`: the entry for `src` followed by its docker.io alternate spellings.
    pub fn kustomize_images(&self, src: &str) -> Result<Vec<KustomizeImage>, ImageError> {
        build_alt_names(self.kustomize_image(src)?)
    }

    /// KOTS's `RewriteImages`: the entries for every distinct image, in order, with alternate names.
    /// Pass the result through [`kustomization_images`] to get the list KOTS writes.
    pub fn rewrite_images<S: AsRef<str>>(
        &self,
        images: &[S],
    ) -> Result<Vec<KustomizeImage>, ImageError> {
        let mut seen = std::collections::HashSet::new();
        let mut out = Vec::new();
        for image in images.iter().map(AsRef::as_ref) {
            if seen.insert(image) {
                out.extend(self.kustomize_images(image)?);
            }
        }
        Ok(out)
    }

    /// KOTS's `RewriteDockerArchiveImage`: the entry for an image stored in an airgap bundle at
    /// `images/docker-archive/<host>/<org…>/<name>/<tag>` or `…/<name>/sha256/<hex>`; `parts` are
    /// the path segments after `docker-archive/`.
    pub fn docker_archive_image<S: AsRef<str>>(
        &self,
        parts: &[S],
    ) -> Result<KustomizeImage, ImageError> {
        let parts: Vec<&str> = parts.iter().map(AsRef::as_ref).collect();
        let n = parts.len();
        if n < 3 {
            return Err(ImageError::ArchivePathTooShort {
                path: parts.join("/"),
            });
        }
        let mut image = KustomizeImage::default();
        let (name_index, original) = if parts[n - 2] == "sha256" {
            image.digest = format!("sha256:{}", parts[n - 1]);
            (n - 3, &parts[..n - 2])
        } else {
            image.new_tag = parts[n - 1].into();
            (n - 2, &parts[..n - 1])
        };
        image.name = join(original);
        let mut new_parts = vec![self.endpoint.as_str()];
        if !self.namespace.is_empty() {
            new_parts.push(&self.namespace);
        }
        new_parts.push(parts[name_index]);
        image.new_name = join(&new_parts);
        Ok(image)
    }
}

/// One entry of a kustomization's `images` list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KustomizeImage {
    pub name: String,
    #[serde(rename = "newName", default, skip_serializing_if = "String::is_empty")]
    pub new_name: String,
    #[serde(rename = "newTag", default, skip_serializing_if = "String::is_empty")]
    pub new_tag: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub digest: String,
}

impl KustomizeImage {
    /// KOTS's `DestImageFromKustomizeImage`: `newName` with `@digest`, else `:newTag`.
    pub fn dest_image(&self) -> String {
        if !self.digest.is_empty() {
            format!("{}@{}", self.new_name, self.digest)
        } else if !self.new_tag.is_empty() {
            format!("{}:{}", self.new_name, self.new_tag)
        } else {
            self.new_name.clone()
        }
    }

    fn renamed(&self, name: String) -> KustomizeImage {
        KustomizeImage {
            name,
            ..self.clone()
        }
    }
}

/// KOTS's `StripImageTagAndDigest`: cuts the tag and digest from the last `/`-segment of the
/// original string, without normalising it.
pub fn strip_tag_and_digest(image: &str) -> String {
    let (head, last) = match image.rsplit_once('/') {
        Some((head, last)) => (Some(head), last),
        None => (None, image),
    };
    let last = last.split('@').next().unwrap_or_default();
    let last = last.split(':').next().unwrap_or_default();
    match head {
        Some(head) => format!("{head}/{last}"),
        None => last.to_string(),
    }
}

/// KOTS's `BuildImageAltNames`: kustomize matches names as strings, so a docker.io image is listed
/// under each spelling (`nginx`, `docker.io/library/nginx`, `library/nginx`, `docker.io/nginx`; or
/// `org/img` and `docker.io/org/img`). Other registries keep only the original entry.
pub fn build_alt_names(image: KustomizeImage) -> Result<Vec<KustomizeImage>, ImageError> {
    let host = Reference::parse_docker_ref(&image.name)?
        .domain()
        .to_string();
    if host != "docker.io" && !host.ends_with(".docker.io") {
        return Ok(vec![image]);
    }
    let parts: Vec<&str> = image.name.split('/').collect();
    let names: Vec<String> = match parts.as_slice() {
        ["docker.io", "library", rest @ ..] if !rest.is_empty() => vec![
            join(&parts[1..]),
            join(rest),
            join(&[&["docker.io"], rest].concat()),
        ],
        ["docker.io", one] => vec![
            one.to_string(),
            format!("docker.io/library/{one}"),
            join(&["library", one]),
        ],
        ["docker.io", rest @ ..] if rest.len() > 1 => vec![join(rest)],
        ["library", rest @ ..] if !rest.is_empty() => vec![
            join(rest),
            format!("docker.io/{}", rest.join("/")),
            format!("docker.io/library/{}", rest.join("/")),
        ],
        [one] => vec![
            format!("docker.io/library/{one}"),
            format!("library/{one}"),
            format!("docker.io/{one}"),
        ],
        [org, name] => vec![format!("docker.io/{org}/{name}")],
        _ => Vec::new(),
    };
    let mut out = vec![image.clone()];
    out.extend(names.into_iter().map(|n| image.renamed(n)));
    Ok(out)
}

/// The `images` list as KOTS's `WriteKustomizationToFile` writes it: the first entry for each name
/// wins, and `newTag`/`digest` are cleared so kustomize keeps each reference's own tag or digest.
pub fn kustomization_images(images: Vec<KustomizeImage>) -> Vec<KustomizeImage> {
    let mut seen = std::collections::HashSet::new();
    images
        .into_iter()
        .filter(|image| seen.insert(image.name.clone()))
        .map(|image| KustomizeImage {
            new_tag: String::new(),
            digest: String::new(),
            ..image
        })
        .collect()
}

#[cfg(test)]
#[path = "rewrite_tests.rs"]
mod tests;
