//! KOTS's template contexts (kots-internals §4.2, §4.3): the static, license, kURL, version,
//! identity and config functions, registered into the template engine's [`FuncMap`], and the
//! two-pass [`Builder`] KOTS renders every string with (§4.1).
//!
//! Everything KOTS reads from the cluster or the kotsadm process (namespace, distribution, node
//! count, Kubernetes version, `Lookup`, proxy variables, whether this is kURL) comes from a
//! [`ClusterInfo`] the caller provides; [`NoCluster`] answers as KOTS does when no cluster is
//! reachable.
//!
//! ```
//! use std::sync::Arc;
//! use kots_render::functions::{Builder, TemplateInputs};
//!
//! let inputs = TemplateInputs { app_slug: "my-app".into(), ..TemplateInputs::default() };
//! let builder = Builder::new(inputs.base_funcs(), &inputs);
//! assert_eq!(builder.render("x", "{{repl ToUpper \"a\" }}-repl{{ Add 1 2 }}").unwrap(), "A-3");
//! // Helm's own templates pass through untouched.
//! assert_eq!(builder.render("x", "{{ .Values.a }}").unwrap(), "{{ .Values.a }}");
//! ```

use std::collections::BTreeMap;
use std::sync::Arc;

use kots_core::image::ProxyInfo;
use kots_core::kinds::Application;
use kots_core::license::License;

use crate::template::{FuncMap, Limits, Options, Providers, Template, Value};

mod config_ctx;
mod contexts;
mod kubeseal;
mod license;
mod statics;
mod tls;

pub(crate) use config_ctx::register as register_config;
pub use tls::TlsCache;

/// The cluster and process facts KOTS's static context reads. Every method has KOTS's answer for
/// "no cluster reachable" as its default, so an implementation overrides only what it knows.
pub trait ClusterInfo: Send + Sync {
    /// `Namespace()`: kotsadm's namespace (`DEV_NAMESPACE`, else the pod namespace). `None`
    /// uses the render's target namespace.
    fn namespace(&self) -> Option<String> {
        None
    }
    /// `Distribution()`: `openShift`, or troubleshoot's provider string (`kurl`, `eks`, `k3s`, …).
    fn distribution(&self) -> String {
        String::new()
    }
    /// `IsKurl()`: whether the `kurl-config` configmap exists.
    fn is_kurl(&self) -> bool {
        false
    }
    /// `KubernetesVersion()` source: the server's `gitVersion` (with or without `v`). `None`
    /// renders as `0.0.0+unknown` and makes the major/minor functions empty.
    fn kubernetes_version(&self) -> Option<KubernetesVersion> {
        None
    }
    /// `NodeCount()`.
    fn node_count(&self) -> i64 {
        0
    }
    /// `Lookup(apiVersion, resource, namespace, name)`: the object, or `None` (an empty map).
    fn lookup(
        &self,
        api_version: &str,
        resource: &str,
        namespace: &str,
        name: &str,
    ) -> Option<serde_json::Value> {
        let _ = (api_version, resource, namespace, name);
        None
    }
    /// kotsadm's `HTTP_PROXY`, `HTTPS_PROXY` and `NO_PROXY`.
    fn proxy_env(&self) -> ProxyEnv {
        ProxyEnv::default()
    }
    /// `PrivateCACert()`: the name of the private CA configmap (`SSL_CERT_CONFIGMAP`).
    fn private_ca_configmap(&self) -> String {
        String::new()
    }
}

/// The Kubernetes server version as the discovery API reports it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KubernetesVersion {
    /// `gitVersion`, e.g. `v1.29.3`.
    pub git_version: String,
    /// `major`, e.g. `1`.
    pub major: String,
    /// `minor`, e.g. `29` (`29+` on some distributions).
    pub minor: String,
}

/// The proxy variables of the kotsadm process.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProxyEnv {
    pub http_proxy: String,
    pub https_proxy: String,
    pub no_proxy: String,
}

/// No cluster: every cluster function answers as KOTS does when it cannot reach one.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoCluster;

impl ClusterInfo for NoCluster {}

/// A cluster described by plain values (for the CLI, the bindings and tests).
///
/// ```
/// use kots_render::functions::{ClusterInfo, StaticCluster};
/// let cluster = StaticCluster { distribution: "k3s".into(), node_count: 3, ..StaticCluster::default() };
/// assert_eq!(cluster.node_count(), 3);
/// ```
#[derive(Debug, Clone, Default)]
pub struct StaticCluster {
    pub namespace: Option<String>,
    pub distribution: String,
    pub is_kurl: bool,
    pub kubernetes_version: Option<KubernetesVersion>,
    pub node_count: i64,
    /// Objects `Lookup` finds, keyed by `apiVersion/resource/namespace/name`.
    pub objects: BTreeMap<String, serde_json::Value>,
    pub proxy_env: ProxyEnv,
    pub private_ca_configmap: String,
}

impl ClusterInfo for StaticCluster {
    fn namespace(&self) -> Option<String> {
        self.namespace.clone()
    }
    fn distribution(&self) -> String {
        self.distribution.clone()
    }
    fn is_kurl(&self) -> bool {
        self.is_kurl
    }
    fn kubernetes_version(&self) -> Option<KubernetesVersion> {
        self.kubernetes_version.clone()
    }
    fn node_count(&self) -> i64 {
        self.node_count
    }
    fn lookup(
        &self,
        api_version: &str,
        resource: &str,
        namespace: &str,
        name: &str,
    ) -> Option<serde_json::Value> {
        self.objects
            .get(&format!("{api_version}/{resource}/{namespace}/{name}"))
            .cloned()
    }
    fn proxy_env(&self) -> ProxyEnv {
        self.proxy_env.clone()
    }
    fn private_ca_configmap(&self) -> String {
        self.private_ca_configmap.clone()
    }
}

/// A private registry the images are pushed to (`RegistrySettings`).
///
/// ```
/// use kots_render::functions::RegistrySettings;
/// let r = RegistrySettings { hostname: "registry.example.com".into(), namespace: "app".into(), ..Default::default() };
/// assert_eq!(r.address(), "registry.example.com/app");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RegistrySettings {
    pub hostname: String,
    pub namespace: String,
    pub username: String,
    pub password: String,
    /// Images are already in the registry; KOTS does not push them.
    pub is_read_only: bool,
}

impl RegistrySettings {
    /// Whether a registry is configured (`HasLocalRegistry`).
    pub fn is_set(&self) -> bool {
        !self.hostname.is_empty()
    }

    /// `LocalRegistryAddress`: `host` or `host/namespace`.
    pub fn address(&self) -> String {
        if self.namespace.is_empty() {
            self.hostname.clone()
        } else {
            format!("{}/{}", self.hostname, self.namespace)
        }
    }
}

/// The version context's data (`VersionInfo`): where this release comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionInfo {
    /// `Sequence()`; KOTS answers −1 when it has no version information.
    pub sequence: i64,
    pub cursor: String,
    pub channel_name: String,
    pub version_label: String,
    pub is_required: bool,
    pub release_notes: String,
    pub is_airgap: bool,
    /// Installation `replicatedRegistryDomain` (custom registry domain).
    pub replicated_registry_domain: String,
    /// Installation `replicatedProxyDomain` (custom proxy domain).
    pub replicated_proxy_domain: String,
}

impl Default for VersionInfo {
    fn default() -> Self {
        VersionInfo {
            sequence: -1,
            cursor: String::new(),
            channel_name: String::new(),
            version_label: String::new(),
            is_required: false,
            release_notes: String::new(),
            is_airgap: false,
            replicated_registry_domain: String::new(),
            replicated_proxy_domain: String::new(),
        }
    }
}

/// The identity service configuration (`IdentityConfig` spec) the identity context reads.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IdentityConfig {
    pub enabled: bool,
    pub client_id: String,
    /// The client secret in plain text.
    pub client_secret: String,
    /// Group id → role ids (`IdentityServiceRoles`).
    pub groups: BTreeMap<String, Vec<String>>,
}

/// Everything KOTS's template contexts read, as the caller hands it in.
#[derive(Clone)]
pub struct TemplateInputs {
    /// The verified license (its signed values); `None` makes the license functions empty.
    pub license: Option<Arc<License>>,
    /// The release's Application (registry domain overrides, `proxyPublicImages`).
    pub application: Option<Arc<Application>>,
    pub version: VersionInfo,
    /// The app slug (`ImagePullSecretName`, `IdentityServiceName`, proxied image paths).
    pub app_slug: String,
    /// The target namespace (the `Namespace()` fallback).
    pub namespace: String,
    /// A local registry images are pushed to, if any.
    pub registry: RegistrySettings,
    /// The identity service configuration, if any.
    pub identity: Option<IdentityConfig>,
    /// kURL Installer values keyed `<Category>.<Field>` as KOTS reflects them
    /// (e.g. `Kubernetes.Version`); empty without kURL.
    pub kurl: BTreeMap<String, serde_json::Value>,
    /// The KOTS version `KotsVersion()` reports (without the leading `v`).
    pub kots_version: String,
    /// Images known to be private, for `LocalImageName` without a local registry (KOTS probes the
    /// registry; the SDK does no network I/O). Images not listed are public.
    pub private_images: Vec<String>,
    pub cluster: Arc<dyn ClusterInfo>,
    /// Clock, environment and randomness of template functions.
    pub providers: Providers,
    pub limits: Limits,
    /// The certificates `TLSCert` and friends generated in this render (KOTS caches them per
    /// process, so the same name gives the same pair everywhere).
    pub tls: Arc<std::sync::Mutex<tls::TlsCache>>,
}

impl Default for TemplateInputs {
    fn default() -> Self {
        TemplateInputs {
            license: None,
            application: None,
            version: VersionInfo::default(),
            app_slug: String::new(),
            namespace: String::new(),
            registry: RegistrySettings::default(),
            identity: None,
            kurl: BTreeMap::new(),
            kots_version: "0.0.0-unknown".into(),
            private_images: Vec::new(),
            cluster: Arc::new(NoCluster),
            providers: Providers::default(),
            limits: Limits::default(),
            tls: Arc::default(),
        }
    }
}

impl std::fmt::Debug for TemplateInputs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TemplateInputs")
            .field("app_slug", &self.app_slug)
            .field("namespace", &self.namespace)
            .field("version", &self.version)
            .finish_non_exhaustive()
    }
}

impl TemplateInputs {
    /// sprig plus KOTS's static, license, kURL and version contexts: the functions every KOTS
    /// builder has (the config-item builder of §3.4 uses exactly these plus the config context).
    pub fn base_funcs(&self) -> FuncMap {
        let mut map = FuncMap::with_sprig();
        statics::register(&mut map, self);
        tls::register(&mut map, self.tls.clone());
        license::register(&mut map, self);
        contexts::register_kurl(&mut map, &self.kurl);
        contexts::register_version(&mut map, &self.version);
        map
    }

    /// [`TemplateInputs::base_funcs`] plus the identity context: the functions manifests are
    /// rendered with, before the config context is added.
    pub fn manifest_funcs(&self) -> FuncMap {
        let mut map = self.base_funcs();
        contexts::register_identity(&mut map, self.identity.as_ref(), &self.app_slug);
        map
    }

    /// The registry and proxy hosts KOTS pulls through (`GetRegistryProxyInfo` outside embedded
    /// clusters, §6.4): from the license endpoint, then the Application's deprecated domains, then
    /// the installation's custom domains.
    pub fn proxy_info(&self) -> ProxyInfo {
        let endpoint = self
            .license
            .as_deref()
            .map_or("", |l| l.spec.endpoint.as_str());
        let app = self.application.as_deref().map(|a| &a.spec);
        ProxyInfo::from_license_endpoint(endpoint)
            .with_overrides(
                app.map(|a| a.proxy_registry_domain.as_str()),
                app.map(|a| a.replicated_registry_domain.as_str()),
            )
            .with_overrides(
                Some(&self.version.replicated_proxy_domain),
                Some(&self.version.replicated_registry_domain),
            )
    }
}

/// Renders text as KOTS's `Builder.RenderTemplate` does: Go text/template with delimiters
/// `{{repl … }}`, then again with `repl{{ … }}` on the output, data `nil`.
#[derive(Clone)]
pub struct Builder {
    first: Options,
    second: Options,
}

/// A template that failed to parse or execute, with Go's message as KOTS wraps it
/// (`failed to get template: template: NAME:LINE: …` or `failed to execute template: …`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct TemplateError {
    pub message: String,
}

impl From<crate::template::TemplateError> for TemplateError {
    fn from(e: crate::template::TemplateError) -> Self {
        let prefix = match e {
            crate::template::TemplateError::Parse { .. } => "failed to get template",
            _ => "failed to execute template",
        };
        TemplateError {
            message: format!("{prefix}: {e}"),
        }
    }
}

impl Builder {
    /// A builder with these functions and the providers/limits of `inputs`.
    pub fn new(funcs: FuncMap, inputs: &TemplateInputs) -> Builder {
        let options = Options {
            delims: ("{{repl".into(), "}}".into()),
            funcs: Arc::new(funcs),
            limits: inputs.limits.clone(),
            providers: inputs.providers.clone(),
        };
        Builder {
            second: options.clone().delims("repl{{", "}}"),
            first: options,
        }
    }

    /// The functions this builder renders with.
    pub fn funcs(&self) -> &FuncMap {
        &self.first.funcs
    }

    /// Both passes over `text`; `name` names the template in error messages.
    pub fn render(&self, name: &str, text: &str) -> Result<String, TemplateError> {
        let first = pass(name, text, &self.first, &Value::Nil)?;
        pass(name, &first, &self.second, &Value::Nil)
    }

    /// `Builder.String`: empty text renders to empty without parsing.
    pub fn string(&self, text: &str) -> Result<String, TemplateError> {
        if text.is_empty() {
            return Ok(String::new());
        }
        self.render(text, text)
    }
}

/// One template pass. Text without the left delimiter is Go's output unchanged, so it is not parsed.
fn pass(name: &str, text: &str, options: &Options, data: &Value) -> Result<String, TemplateError> {
    if !text.contains(options.delims.0.as_str()) {
        return Ok(text.to_string());
    }
    Ok(Template::parse_with(name, text, options)?.render(data)?)
}

/// `parseVariadicTarget`: `[[repl … ]]` then `repl[[ … ]]` with `{item: valueName}` as data and
/// only Go's built-in functions.
pub(crate) fn substitute_variadic(
    item: &str,
    value_name: &str,
    text: &str,
) -> Result<String, String> {
    let options = Options {
        funcs: Arc::new(FuncMap::new()),
        ..Options::default()
    };
    let data = Value::map(
        [(item.to_string(), Value::from(value_name))]
            .into_iter()
            .collect(),
    );
    let first =
        pass(item, text, &options.clone().delims("[[repl", "]]"), &data).map_err(|e| e.message)?;
    pass(item, &first, &options.delims("repl[[", "]]"), &data).map_err(|e| e.message)
}

impl std::fmt::Debug for Builder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Builder")
            .field("funcs", &self.first.funcs.len())
            .finish()
    }
}

#[cfg(test)]
mod tests;
