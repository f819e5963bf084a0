//! Registry credentials: anonymous, basic, bearer tokens, and docker `config.json` files.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use oci_client::secrets::RegistryAuth;

use crate::RegistryError;

/// Credentials for one registry.
///
/// Basic credentials are sent as HTTP basic auth when the registry asks for it, and to the token service
/// when it answers with a bearer challenge (the Docker token flow). A bearer token is sent as is.
///
/// ```
/// use kots_registry::Credentials;
/// let c = Credentials::basic("user", "secret");
/// assert!(!format!("{c:?}").contains("secret"));
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub enum Credentials {
    /// No credentials (anonymous token flow when the registry offers one).
    #[default]
    Anonymous,
    /// Username and password (or identity/PAT).
    Basic {
        /// User name.
        username: String,
        /// Password or token.
        password: String,
    },
    /// A registry bearer token obtained elsewhere.
    Bearer(String),
}

impl Credentials {
    /// Basic credentials.
    pub fn basic(username: impl Into<String>, password: impl Into<String>) -> Self {
        Credentials::Basic {
            username: username.into(),
            password: password.into(),
        }
    }

    pub(crate) fn to_oci(&self) -> RegistryAuth {
        match self {
            Credentials::Anonymous => RegistryAuth::Anonymous,
            Credentials::Basic { username, password } => {
                RegistryAuth::Basic(username.clone(), password.clone())
            }
            Credentials::Bearer(t) => RegistryAuth::Bearer(t.clone()),
        }
    }
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Credentials::Anonymous => f.write_str("Anonymous"),
            Credentials::Basic { username, .. } => write!(f, "Basic({username}, ***)"),
            Credentials::Bearer(_) => f.write_str("Bearer(***)"),
        }
    }
}

/// Where credentials come from: explicit per-registry entries first, then a docker `config.json`.
///
/// ```
/// use kots_registry::{Auth, Credentials};
/// let auth = Auth::default().with("127.0.0.1:5000", Credentials::basic("u", "p"));
/// assert_eq!(auth.for_registry("127.0.0.1:5000"), Credentials::basic("u", "p"));
/// assert_eq!(auth.for_registry("other:5000"), Credentials::Anonymous);
/// ```
#[derive(Clone, Debug, Default)]
pub struct Auth {
    explicit: BTreeMap<String, Credentials>,
    docker_config: Option<DockerConfig>,
}

impl Auth {
    /// Use `credentials` for `registry` (host with port, as written in references).
    pub fn with(mut self, registry: impl Into<String>, credentials: Credentials) -> Self {
        self.explicit.insert(registry.into(), credentials);
        self
    }

    /// Fall back to the entries of a docker config file.
    pub fn with_docker_config(mut self, config: DockerConfig) -> Self {
        self.docker_config = Some(config);
        self
    }

    /// The credentials to use for `registry`.
    pub fn for_registry(&self, registry: &str) -> Credentials {
        if let Some(c) = self.explicit.get(registry) {
            return c.clone();
        }
        self.docker_config
            .as_ref()
            .and_then(|d| d.credentials(registry))
            .unwrap_or_default()
    }
}

/// The `auths` section of a docker `config.json` (`~/.docker/config.json`, or `$DOCKER_CONFIG/config.json`).
///
/// Entries with `auth` (base64 `user:password`), `username`/`password`, or `registrytoken` are used.
/// Credential helpers (`credsStore`, `credHelpers`) are not run.
///
/// ```
/// use kots_registry::{Credentials, DockerConfig};
/// let cfg = DockerConfig::parse(r#"{"auths":{"https://index.docker.io/v1/":{"auth":"dTpw"}}}"#).unwrap();
/// assert_eq!(cfg.credentials("docker.io"), Some(Credentials::basic("u", "p")));
/// ```
#[derive(Clone, Debug, Default)]
pub struct DockerConfig {
    auths: BTreeMap<String, Credentials>,
}

#[derive(serde::Deserialize)]
struct RawConfig {
    #[serde(default)]
    auths: BTreeMap<String, RawEntry>,
}

#[derive(serde::Deserialize, Default)]
struct RawEntry {
    #[serde(default)]
    auth: Option<String>,
    #[serde(default)]
    username: Option<String>,
    #[serde(default)]
    password: Option<String>,
    #[serde(default)]
    registrytoken: Option<String>,
}

impl DockerConfig {
    /// Parse the JSON text of a config file.
    pub fn parse(text: &str) -> Result<Self, String> {
        let raw: RawConfig = serde_json::from_str(text).map_err(|e| e.to_string())?;
        let mut auths = BTreeMap::new();
        for (key, entry) in raw.auths {
            let creds = entry_credentials(&entry).map_err(|e| format!("auths.{key:?}: {e}"))?;
            if let Some(c) = creds {
                auths.insert(normalise_host(&key), c);
            }
        }
        Ok(DockerConfig { auths })
    }

    /// Read a config file.
    pub fn load(path: &Path) -> Result<Self, RegistryError> {
        let text = std::fs::read_to_string(path).map_err(|e| RegistryError::io(path, e))?;
        Self::parse(&text).map_err(|reason| RegistryError::Config {
            path: path.to_path_buf(),
            reason,
        })
    }

    /// Read `$DOCKER_CONFIG/config.json` or `~/.docker/config.json`; `Ok(None)` when neither exists.
    pub fn load_default() -> Result<Option<Self>, RegistryError> {
        let path = match std::env::var_os("DOCKER_CONFIG") {
            Some(dir) => PathBuf::from(dir).join("config.json"),
            None => match std::env::var_os("HOME") {
                Some(home) => PathBuf::from(home).join(".docker/config.json"),
                None => return Ok(None),
            },
        };
        if !path.exists() {
            return Ok(None);
        }
        Self::load(&path).map(Some)
    }

    /// The credentials stored for `registry`, if any.
    pub fn credentials(&self, registry: &str) -> Option<Credentials> {
        self.auths.get(&normalise_host(registry)).cloned()
    }
}

fn entry_credentials(e: &RawEntry) -> Result<Option<Credentials>, String> {
    if let Some(token) = e.registrytoken.as_deref().filter(|t| !t.is_empty()) {
        return Ok(Some(Credentials::Bearer(token.to_string())));
    }
    if let Some(auth) = e.auth.as_deref().filter(|a| !a.is_empty()) {
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(auth.trim())
            .map_err(|err| format!("auth is not base64: {err}"))?;
        let text = String::from_utf8(decoded).map_err(|_| "auth is not UTF-8".to_string())?;
        let (u, p) = text
            .split_once(':')
            .ok_or_else(|| "auth is not \"user:password\"".to_string())?;
        return Ok(Some(Credentials::basic(u, p)));
    }
    match (&e.username, &e.password) {
        (Some(u), Some(p)) if !u.is_empty() => Ok(Some(Credentials::basic(u, p))),
        _ => Ok(None),
    }
}

/// Docker keys entries by host, sometimes with a scheme and path (`https://index.docker.io/v1/`).
fn normalise_host(key: &str) -> String {
    let host = key
        .strip_prefix("https://")
        .or_else(|| key.strip_prefix("http://"))
        .unwrap_or(key);
    let host = host.split('/').next().unwrap_or(host);
    match host {
        "index.docker.io" | "registry-1.docker.io" | "docker.io" => "docker.io".to_string(),
        h => h.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_entries() {
        let cfg = DockerConfig::parse(
            r#"{"auths":{
                "localhost:5000":{"username":"a","password":"b"},
                "https://r.example.com/v2/":{"auth":"eDp5OnoK"},
                "tok.example.com":{"registrytoken":"T"},
                "empty.example.com":{}
            },"credsStore":"desktop"}"#,
        )
        .unwrap();
        assert_eq!(
            cfg.credentials("localhost:5000"),
            Some(Credentials::basic("a", "b"))
        );
        assert_eq!(
            cfg.credentials("r.example.com"),
            Some(Credentials::basic("x", "y:z\n"))
        );
        assert_eq!(
            cfg.credentials("tok.example.com"),
            Some(Credentials::Bearer("T".into()))
        );
        assert_eq!(cfg.credentials("empty.example.com"), None);
        assert_eq!(cfg.credentials("index.docker.io"), None);
    }

    #[test]
    fn bad_entries_name_the_key() {
        let e = DockerConfig::parse(r#"{"auths":{"h":{"auth":"!!"}}}"#).unwrap_err();
        assert!(e.contains("auths.\"h\""), "{e}");
        let e = DockerConfig::parse(r#"{"auths":{"h":{"auth":"bm9jb2xvbg=="}}}"#).unwrap_err();
        assert!(e.contains("user:password"), "{e}");
    }
}
