//! Image references as the registry operations use them.
//!
//! Parsing is Docker's `ParseNormalizedNamed` (`kots_core::image::Reference`): `nginx` is
//! `docker.io/library/nginx` (tag `latest` when none is written), `localhost:5000/a/b:1` keeps its host.
//! The parsed parts are handed to `oci-client` as its `Reference`.

use std::fmt;
use std::net::IpAddr;

use crate::RegistryError;

/// A parsed, normalised image reference: registry host, repository, and a tag and/or digest.
///
/// ```
/// use kots_registry::ImageRef;
/// let r: ImageRef = "localhost:5000/app/api:1.2".parse().unwrap();
/// assert_eq!(r.registry(), "localhost:5000");
/// assert_eq!(r.repository(), "app/api");
/// assert_eq!(r.tag(), Some("1.2"));
/// assert!(r.is_loopback());
/// let n: ImageRef = "nginx".parse().unwrap();
/// assert_eq!(n.to_string(), "docker.io/library/nginx:latest");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ImageRef {
    inner: oci_client::Reference,
    /// Whether a tag was written (`latest` is implied otherwise).
    tag_written: bool,
}

impl ImageRef {
    /// Registry host as written (`docker.io` for Docker Hub), with its port.
    pub fn registry(&self) -> &str {
        self.inner.registry()
    }

    /// The host the requests go to (`index.docker.io` for Docker Hub).
    pub fn resolved_registry(&self) -> &str {
        self.inner.resolve_registry()
    }

    /// Repository path, e.g. `library/nginx`.
    pub fn repository(&self) -> &str {
        self.inner.repository()
    }

    /// The tag, if any (`latest` when neither tag nor digest was written).
    pub fn tag(&self) -> Option<&str> {
        self.inner.tag()
    }

    /// The tag as written, `None` when it was left out (and `latest` is implied).
    pub fn written_tag(&self) -> Option<&str> {
        self.tag().filter(|_| self.tag_written)
    }

    /// The digest, if the reference pins one.
    pub fn digest(&self) -> Option<&str> {
        self.inner.digest()
    }

    /// The tag or digest a manifest request would use (digest first).
    pub fn reference(&self) -> &str {
        self.digest().or(self.tag()).unwrap_or("latest")
    }

    /// Same repository, pinned to `digest` (the tag is dropped).
    pub fn with_digest(&self, digest: &str) -> ImageRef {
        ImageRef {
            inner: oci_client::Reference::with_digest(
                self.registry().to_string(),
                self.repository().to_string(),
                digest.to_string(),
            ),
            tag_written: false,
        }
    }

    /// Same repository with tag `tag` (any digest is dropped).
    pub fn with_tag(&self, tag: &str) -> ImageRef {
        ImageRef {
            inner: oci_client::Reference::with_tag(
                self.registry().to_string(),
                self.repository().to_string(),
                tag.to_string(),
            ),
            tag_written: true,
        }
    }

    /// A repository reference without tag or digest, from `host[:port]/path` (`latest` is implied).
    pub fn parse_repository(text: &str) -> Result<ImageRef, RegistryError> {
        let r: ImageRef = text.parse()?;
        if r.digest().is_some()
            || text
                .rsplit('/')
                .next()
                .is_some_and(|last| last.contains(':'))
        {
            return Err(RegistryError::InvalidReference {
                reference: text.to_string(),
                reason: "expected a repository without tag or digest".into(),
            });
        }
        Ok(r)
    }

    /// Whether the registry host is `localhost` or a loopback address, which Docker reaches over plain
    /// HTTP when it does not speak TLS.
    pub fn is_loopback(&self) -> bool {
        is_loopback_host(self.registry())
    }

    pub(crate) fn oci(&self) -> &oci_client::Reference {
        &self.inner
    }
}

/// `localhost`, `127.0.0.0/8` or `::1`, with or without a port.
pub(crate) fn is_loopback_host(host_port: &str) -> bool {
    let host = if let Some(rest) = host_port.strip_prefix('[') {
        rest.split(']').next().unwrap_or(rest)
    } else {
        host_port.rsplit_once(':').map_or(host_port, |(h, _)| h)
    };
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

impl std::str::FromStr for ImageRef {
    type Err = RegistryError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let parsed = kots_core::image::Reference::parse_normalized(s).map_err(|e| {
            RegistryError::InvalidReference {
                reference: s.to_string(),
                reason: e.to_string(),
            }
        })?;
        let (domain, path) = (parsed.domain().to_string(), parsed.path().to_string());
        let inner = match (parsed.tag(), parsed.digest()) {
            (Some(t), Some(d)) => {
                oci_client::Reference::with_tag_and_digest(domain, path, t.into(), d.into())
            }
            (None, Some(d)) => oci_client::Reference::with_digest(domain, path, d.into()),
            (t, None) => oci_client::Reference::with_tag(
                domain,
                path,
                t.unwrap_or(kots_core::image::DEFAULT_TAG).into(),
            ),
        };
        Ok(ImageRef {
            inner,
            tag_written: parsed.tag().is_some(),
        })
    }
}

impl fmt::Display for ImageRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.inner.whole())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts() {
        for h in [
            "localhost",
            "localhost:5000",
            "127.0.0.1:1",
            "127.1.2.3",
            "[::1]:5000",
        ] {
            assert!(is_loopback_host(h), "{h}");
        }
        for h in [
            "docker.io",
            "10.0.0.1:5000",
            "localhost.example.com",
            "[fe80::1]:1",
        ] {
            assert!(!is_loopback_host(h), "{h}");
        }
    }

    #[test]
    fn repository_only() {
        let r = ImageRef::parse_repository("127.0.0.1:5000/a/b").unwrap();
        assert_eq!(r.repository(), "a/b");
        assert!(ImageRef::parse_repository("127.0.0.1:5000/a/b:1").is_err());
        // An upper-case first component is a domain (distribution/reference v0.6.0); an
        // upper-case repository path is not valid.
        assert!(ImageRef::parse_repository("registry/Upper").is_err());
        assert!(ImageRef::parse_repository("127.0.0.1:5000/a/b@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef").is_err());
    }

    #[test]
    fn docker_normalisation() {
        let r: ImageRef = "index.docker.io/nginx".parse().unwrap();
        assert_eq!(
            (r.registry(), r.repository(), r.tag(), r.written_tag()),
            ("docker.io", "library/nginx", Some("latest"), None)
        );
        assert_eq!(r.resolved_registry(), "index.docker.io");
        let e = "a/b:".parse::<ImageRef>().unwrap_err();
        assert!(matches!(e, RegistryError::InvalidReference { .. }), "{e}");
    }

    #[test]
    fn pinning_drops_the_tag() {
        let r: ImageRef = "quay.io/org/img:1".parse().unwrap();
        let d = format!("sha256:{}", "a".repeat(64));
        let p = r.with_digest(&d);
        assert_eq!(p.to_string(), format!("quay.io/org/img@{d}"));
        assert_eq!(p.reference(), d);
    }
}
