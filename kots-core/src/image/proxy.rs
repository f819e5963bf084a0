//! Online installs without a private registry: private images are pulled through the Replicated
//! proxy registry (kots-internals §6.3, §6.4), and `LocalImageName` picks the right form.

use serde::{Deserialize, Serialize};

use super::rewrite::{build_alt_names, strip_tag_and_digest, KustomizeImage, Registry};
use super::{ImageError, Reference};

/// Replicated's default registry host.
pub const DEFAULT_REGISTRY_DOMAIN: &str = "registry.replicated.com";
/// Replicated's default proxy registry host.
pub const DEFAULT_PROXY_DOMAIN: &str = "proxy.replicated.com";

/// The Replicated registry hosts in effect (KOTS's `RegistryProxyInfo`).
///
/// ```
/// use kots_core::image::ProxyInfo;
///
/// let info = ProxyInfo::from_license_endpoint("https://replicated.app")
///     .with_overrides(Some("proxy.example.com"), None);
/// assert_eq!(info.proxy, "proxy.example.com");
/// assert_eq!(info.rewrite_private_image("quay.io/org/app:1", "myapp").unwrap(),
///            "proxy.example.com/proxy/myapp/quay.io/org/app:1");
/// assert_eq!(info.rewrite_private_image("registry.replicated.com/myapp/api:2", "myapp").unwrap(),
///            "registry.replicated.com/myapp/api:2");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProxyInfo {
    /// The Replicated registry images are served from (possibly a custom domain).
    pub registry: String,
    /// The proxy registry private third-party images are pulled through.
    pub proxy: String,
    /// The real Replicated registry host; images on it are moved to `registry` when that differs.
    pub upstream: String,
}

impl Default for ProxyInfo {
    fn default() -> Self {
        ProxyInfo {
            registry: DEFAULT_REGISTRY_DOMAIN.into(),
            proxy: DEFAULT_PROXY_DOMAIN.into(),
            upstream: DEFAULT_REGISTRY_DOMAIN.into(),
        }
    }
}

impl ProxyInfo {
    /// The hosts for a license whose `spec.endpoint` is `endpoint` (`""` means the default
    /// `https://replicated.app`): staging and okteto endpoints have their own registries.
    pub fn from_license_endpoint(endpoint: &str) -> ProxyInfo {
        let endpoint = if endpoint.is_empty() {
            "https://replicated.app"
        } else {
            endpoint
        };
        let host = url_hostname(endpoint);
        if host == "staging.replicated.app" {
            return ProxyInfo {
                registry: "registry.staging.replicated.com".into(),
                proxy: "proxy.staging.replicated.com".into(),
                upstream: "registry.staging.replicated.com".into(),
            };
        }
        if host.ends_with(".okteto.repldev.com") {
            let labels: Vec<&str> = host.split('.').collect();
            let parts: Vec<&str> = labels[0].split('-').collect();
            if let ([_, _, _, _], [_, _, namespace]) = (labels.as_slice(), parts.as_slice()) {
                let registry = format!("vendor-registry-v2-{namespace}.okteto.repldev.com");
                return ProxyInfo {
                    upstream: registry.clone(),
                    registry,
                    proxy: format!("registry-proxy-{namespace}.okteto.repldev.com"),
                };
            }
        }
        ProxyInfo::default()
    }

    /// Embedded-cluster installs take both hosts from the environment
    /// (`REPLICATED_REGISTRY_DOMAIN`, `PROXY_REGISTRY_DOMAIN`); the upstream stays the default.
    pub fn embedded_cluster(registry: &str, proxy: &str) -> ProxyInfo {
        ProxyInfo {
            registry: registry.into(),
            proxy: proxy.into(),
            upstream: DEFAULT_REGISTRY_DOMAIN.into(),
        }
    }

    /// Applies custom domains; call once with the Application's deprecated `proxyRegistryDomain` /
    /// `replicatedRegistryDomain`, then with the Installation's `replicatedProxyDomain` /
    /// `replicatedRegistryDomain`. Empty or absent values change nothing, so the last one set wins.
    pub fn with_overrides(mut self, proxy: Option<&str>, registry: Option<&str>) -> ProxyInfo {
        if let Some(proxy) = proxy.filter(|p| !p.is_empty()) {
            self.proxy = proxy.into();
        }
        if let Some(registry) = registry.filter(|r| !r.is_empty()) {
            self.registry = registry.into();
        }
        self
    }

    /// The hosts a license pull secret authenticates against, in KOTS's order (`ToSlice`).
    pub fn pull_secret_registries(&self) -> [&str; 2] {
        [&self.proxy, &self.registry]
    }

    /// KOTS's `RewritePrivateImage`: the reference a private image is pulled from.
    /// Images on `registry` are unchanged; images on `upstream` move to `registry` (first
    /// occurrence of the host replaced); anything else goes through the proxy with its tag or
    /// digest (a bare name gets `:latest`).
    pub fn rewrite_private_image(&self, image: &str, app_slug: &str) -> Result<String, ImageError> {
        let parsed = Reference::parse_docker_ref(image)?;
        let host = parsed.domain();
        if host == self.registry {
            return Ok(image.into());
        }
        if host == self.upstream {
            return Ok(image.replacen(host, &self.registry, 1));
        }
        let proxied = make_proxied_image_url(&self.proxy, app_slug, image);
        Ok(match (parsed.digest(), parsed.tag()) {
            (Some(digest), _) => format!("{proxied}@{digest}"),
            (None, Some(tag)) => format!("{proxied}:{tag}"),
            (None, None) => proxied,
        })
    }

    /// KOTS's `RewritePrivateImages`: kustomize entries (with alternate names) for the base images
    /// that `is_private` reports private. Names are the **normalised** names here, unlike
    /// [`Registry::rewrite_images`].
    pub fn rewrite_private_images<S: AsRef<str>>(
        &self,
        images: &[S],
        is_private: impl Fn(&str) -> bool,
        app_slug: &str,
    ) -> Result<Vec<KustomizeImage>, ImageError> {
        let mut out = Vec::new();
        for image in images.iter().map(AsRef::as_ref).filter(|i| is_private(i)) {
            let parsed = Reference::parse_docker_ref(image)?;
            let host = parsed.domain();
            if host == self.registry {
                continue;
            }
            let name = parsed.name();
            let new_name = if host == self.upstream {
                name.replacen(host, &self.registry, 1)
            } else {
                make_proxied_image_url(&self.proxy, app_slug, image)
            };
            let mut entry = KustomizeImage {
                name,
                new_name,
                ..KustomizeImage::default()
            };
            match (parsed.digest(), parsed.tag()) {
                (Some(digest), _) => entry.digest = digest.into(),
                (None, tag) => entry.new_tag = tag.unwrap_or("latest").into(),
            }
            out.extend(build_alt_names(entry)?);
        }
        Ok(out)
    }
}

/// KOTS's `MakeProxiedImageURL`: `<proxy>/proxy/<appSlug>/<image without tag or digest>`, or the
/// untagged image itself when its first segment already is the proxy host.
pub fn make_proxied_image_url(proxy_host: &str, app_slug: &str, image: &str) -> String {
    let untagged = strip_tag_and_digest(image);
    if untagged.split('/').next() == Some(proxy_host) {
        return untagged;
    }
    format!("{proxy_host}/proxy/{app_slug}/{untagged}")
}

/// What `LocalImageName` needs to know about the install.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LocalImageContext {
    /// The private registry, when one is configured (airgap or `--registry`).
    pub registry: Option<Registry>,
    /// Application `spec.proxyPublicImages`: every image counts as private.
    pub proxy_public_images: bool,
    /// The Replicated hosts in effect.
    pub proxy: ProxyInfo,
    /// The license's app slug (`""` without a license).
    pub app_slug: String,
}

/// KOTS's `LocalImageName` template function (kots-internals §6.3).
///
/// With a private registry the image moves there ([`Registry::dest_image`]). Otherwise a public
/// image is unchanged; `is_private` answers the registry probe KOTS does over the network (it is
/// not called when `proxy_public_images` is set) and returns `None` when the probe fails. KOTS
/// renders `""` whenever this returns an error or the probe fails; this function returns `Ok("")`
/// for a failed probe and the error otherwise, so callers can report it.
///
/// ```
/// use kots_core::image::{local_image_name, LocalImageContext, Registry};
///
/// let ctx = LocalImageContext {
///     registry: Some(Registry::new("my.registry.com", "my_namespace")),
///     ..LocalImageContext::default()
/// };
/// let got = local_image_name(&ctx, "registry.replicated.com/kots/myimage:abcd123", |_| Some(true));
/// assert_eq!(got.unwrap(), "my.registry.com/my_namespace/myimage:abcd123");
/// ```
pub fn local_image_name(
    ctx: &LocalImageContext,
    image: &str,
    is_private: impl FnOnce(&str) -> Option<bool>,
) -> Result<String, ImageError> {
    if let Some(registry) = ctx.registry.as_ref().filter(|r| !r.endpoint.is_empty()) {
        return registry.dest_image(image);
    }
    if !ctx.proxy_public_images {
        match is_private(image) {
            None => return Ok(String::new()),
            Some(false) => return Ok(image.into()),
            Some(true) => {}
        }
    }
    ctx.proxy.rewrite_private_image(image, &ctx.app_slug)
}

/// The host of a URL as Go's `url.URL.Hostname` gives it, or `""` when there is no authority.
fn url_hostname(url: &str) -> &str {
    let rest = match url.split_once("://") {
        Some((scheme, rest)) if !scheme.is_empty() && !scheme.contains('/') => rest,
        _ => match url.strip_prefix("//") {
            Some(rest) => rest,
            None => return "",
        },
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if let Some(v6) = host.strip_prefix('[') {
        return v6.split(']').next().unwrap_or_default();
    }
    host.split(':').next().unwrap_or_default()
}

#[cfg(test)]
#[path = "proxy_tests.rs"]
mod tests;
