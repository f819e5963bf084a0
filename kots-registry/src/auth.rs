//! Registry credentials: anonymous, basic, bearer tokens, and docker `config.json` files with their
//! credential helpers.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;
use oci_client::secrets::RegistryAuth;

use crate::RegistryError;

mod helper;

pub use helper::HELPER_TIMEOUT;

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

/// Where credentials come from: explicit per-registry entries first, then a docker `config.json`
/// (its credential helpers, then its `auths`).
///
/// ```
/// # async fn f() -> Result<(), kots_registry::RegistryError> {
/// use kots_registry::{Auth, Credentials};
/// let auth = Auth::default().with("127.0.0.1:5000", Credentials::basic("u", "p"));
/// assert_eq!(auth.for_registry("127.0.0.1:5000").await?, Credentials::basic("u", "p"));
/// assert_eq!(auth.for_registry("other:5000").await?, Credentials::Anonymous);
/// # Ok(()) }
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

    /// Fall back to a docker config file.
    pub fn with_docker_config(mut self, config: DockerConfig) -> Self {
        self.docker_config = Some(config);
        self
    }

    /// The credentials to use for `registry`; may run a docker credential helper
    /// (see [`DockerConfig::resolve`]).
    pub async fn for_registry(&self, registry: &str) -> Result<Credentials, RegistryError> {
        if let Some(c) = self.explicit.get(registry) {
            return Ok(c.clone());
        }
        match &self.docker_config {
            Some(d) => Ok(d.resolve(registry).await?.unwrap_or_default()),
            None => Ok(Credentials::Anonymous),
        }
    }
}

/// A docker `config.json` (`~/.docker/config.json`, or `$DOCKER_CONFIG/config.json`): its `auths`
/// entries and its credential helpers, used with Docker's precedence.
///
/// For a registry, the helper is `credHelpers[host]`, else `credsStore`; with one, Docker runs
/// `docker-credential-<name> get` with the server URL on stdin (`https://index.docker.io/v1/` for
/// Docker Hub, the `host[:port]` otherwise) and reads `{"ServerURL","Username","Secret"}`. Without
/// a helper, the `auths` entry is used (`auth` as base64 `user:password`, `username`/`password`,
/// or `registrytoken`). See [`DockerConfig::resolve`] for failures.
///
/// ```
/// use kots_registry::{Credentials, DockerConfig};
/// let cfg = DockerConfig::parse(r#"{"auths":{"https://index.docker.io/v1/":{"auth":"dTpw"}},
///     "credHelpers":{"gcr.io":"gcloud"}}"#).unwrap();
/// assert_eq!(cfg.credentials("docker.io"), Some(Credentials::basic("u", "p")));
/// assert_eq!(cfg.helper_for("gcr.io"), Some("gcloud"));
/// assert_eq!(cfg.helper_for("docker.io"), None);
/// ```
#[derive(Clone, Debug)]
pub struct DockerConfig {
    auths: BTreeMap<String, Credentials>,
    creds_store: Option<String>,
    cred_helpers: BTreeMap<String, String>,
    helper_timeout: Duration,
    /// Helper answers by registry: each helper runs once per registry and config.
    answers: Arc<Mutex<BTreeMap<String, Option<Credentials>>>>,
}

impl Default for DockerConfig {
    fn default() -> Self {
        DockerConfig {
            auths: BTreeMap::new(),
            creds_store: None,
            cred_helpers: BTreeMap::new(),
            helper_timeout: HELPER_TIMEOUT,
            answers: Arc::default(),
        }
    }
}

#[derive(serde::Deserialize)]
struct RawConfig {
    #[serde(default)]
    auths: BTreeMap<String, RawEntry>,
    #[serde(default, rename = "credsStore")]
    creds_store: Option<String>,
    #[serde(default, rename = "credHelpers")]
    cred_helpers: BTreeMap<String, String>,
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
        Ok(DockerConfig {
            auths,
            // Docker treats an empty name as "no helper".
            creds_store: raw.creds_store.filter(|s| !s.is_empty()),
            cred_helpers: raw
                .cred_helpers
                .into_iter()
                .map(|(host, helper)| (normalise_host(&host), helper))
                .collect(),
            ..DockerConfig::default()
        })
    }

    /// Kill a credential helper that has not answered after `timeout` (default [`HELPER_TIMEOUT`]).
    pub fn with_helper_timeout(mut self, timeout: Duration) -> Self {
        self.helper_timeout = timeout;
        self
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

    /// The credentials of the `auths` entry for `registry`, if any (no helper is run).
    pub fn credentials(&self, registry: &str) -> Option<Credentials> {
        self.auths.get(&normalise_host(registry)).cloned()
    }

    /// The credential helper Docker would run for `registry` (`credHelpers[host]`, else
    /// `credsStore`), without its `docker-credential-` prefix.
    pub fn helper_for(&self, registry: &str) -> Option<&str> {
        match self.cred_helpers.get(&normalise_host(registry)) {
            // An empty per-registry entry means "no helper" to Docker, even with a credsStore.
            Some(helper) => Some(helper.as_str()).filter(|h| !h.is_empty()),
            None => self.creds_store.as_deref(),
        }
    }

    /// The credentials for `registry`, as Docker finds them:
    ///
    /// - no helper configured: the `auths` entry;
    /// - the helper answers: its credentials (`None` when it says "credentials not found", which
    ///   Docker treats as no credentials, ignoring `auths`);
    /// - the helper program is not installed: the `auths` entry, else `None` — Docker ignores
    ///   credential-store errors when pulling, so a config with `"credsStore": "desktop"` copied to a
    ///   machine without that helper still pulls public images;
    /// - the helper is installed but fails, outlives the timeout, answers something that is not
    ///   credentials, or answers an identity token (`Username` `<token>`, which needs an OAuth2
    ///   refresh-token exchange this client does not do): [`RegistryError::CredentialHelper`],
    ///   naming the helper.
    ///
    /// Answers are cached per registry for the life of this config (and its clones).
    pub async fn resolve(&self, registry: &str) -> Result<Option<Credentials>, RegistryError> {
        let Some(name) = self.helper_for(registry) else {
            return Ok(self.credentials(registry));
        };
        let key = normalise_host(registry);
        if let Some(answer) = self.answers.lock().ok().and_then(|a| a.get(&key).cloned()) {
            return Ok(answer);
        }
        let program = format!("docker-credential-{name}");
        let server_url = if key == "docker.io" {
            helper::DOCKER_HUB_SERVER.to_string()
        } else {
            registry.to_string()
        };
        let (run_program, timeout) = (program.clone(), self.helper_timeout);
        let outcome =
            tokio::task::spawn_blocking(move || helper::get(&run_program, &server_url, timeout))
                .await
                .unwrap_or_else(|e| Err(helper::Failure::Failed(format!("did not finish: {e}"))));
        let answer = match outcome {
            Ok(answer) => answer,
            Err(helper::Failure::Missing) => self.credentials(registry),
            Err(helper::Failure::Failed(reason)) => {
                return Err(RegistryError::CredentialHelper {
                    helper: program,
                    registry: registry.to_string(),
                    reason,
                })
            }
        };
        if let Ok(mut answers) = self.answers.lock() {
            answers.insert(key, answer.clone());
        }
        Ok(answer)
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
