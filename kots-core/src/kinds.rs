//! Typed KOTS kinds: Application, Config, ConfigValues, HelmChart (v1beta1 and v1beta2),
//! Installation and Airgap, and KOTS's `IsKotsKind` classification (kots-internals §2, §3.1–3.2,
//! §5.3–5.5, §6.6). The License kind lives in [`crate::license`].
//!
//! Decoding follows KOTS's path: YAML is typed as Kubernetes types it ([`crate::manifest`]), then
//! the JSON value is decoded into the structs with case-sensitive field names. Go's zero-value
//! rules apply: a missing or `null` field is empty, a field of the wrong type is an error naming
//! its path (and the config item or group it sits in). Unlike KOTS, fields these structs do not
//! model are kept in an `extra` map on every struct, so a decode/encode round trip loses nothing.
//! Encoding follows the Go `json` tags: `omitempty` fields are left out when empty.
//!
//! ```
//! use kots_core::kinds::{self, Config, Kind, KotsKind, KotsResource};
//! use kots_core::manifest::parse_manifests;
//!
//! let objects = parse_manifests(r#"
//! apiVersion: kots.io/v1beta1
//! kind: Config
//! metadata: {name: c}
//! spec:
//!   groups:
//!   - name: setup
//!     title: Setup
//!     items:
//!     - {name: port, type: text, default: "8080"}
//! "#).unwrap();
//! assert_eq!(KotsKind::of(objects[0].api_version(), objects[0].kind()), Some(KotsKind::Config));
//! let Some(Kind::Config(config)) = kinds::decode(&objects[0]).unwrap() else { panic!() };
//! assert_eq!(config.spec.groups[0].items[0].default.to_string(), "8080");
//! assert!(Config::from_yaml(&config.to_yaml().unwrap()).unwrap() == *config);
//! ```

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::manifest::{ManifestError, Object};

/// Declares a top-level kind: `apiVersion`, `kind`, `metadata`, `spec`, `status` and the kept
/// unknown fields, plus its [`KotsResource`] identity.
macro_rules! kots_resource {
    ($(#[$doc:meta])* $name:ident, $spec:ty, $api_version:literal, $kind:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "camelCase")]
        pub struct $name {
            #[serde(default, deserialize_with = "crate::kinds::go::nullable")]
            pub api_version: String,
            #[serde(default, deserialize_with = "crate::kinds::go::nullable")]
            pub kind: String,
            #[serde(default, deserialize_with = "crate::kinds::go::nullable")]
            pub metadata: crate::kinds::ObjectMeta,
            #[serde(default, deserialize_with = "crate::kinds::go::nullable")]
            pub spec: $spec,
            /// Always empty in KOTS (an empty Go struct), written as `status: {}`.
            #[serde(default, deserialize_with = "crate::kinds::go::nullable")]
            pub status: serde_json::Map<String, serde_json::Value>,
            /// Top-level fields not modelled here, kept for the round trip.
            #[serde(flatten)]
            pub extra: serde_json::Map<String, serde_json::Value>,
        }

        impl Default for $name {
            fn default() -> Self {
                $name {
                    api_version: $api_version.into(),
                    kind: $kind.into(),
                    metadata: Default::default(),
                    spec: Default::default(),
                    status: Default::default(),
                    extra: Default::default(),
                }
            }
        }

        impl crate::kinds::KotsResource for $name {
            const API_VERSION: &'static str = $api_version;
            const KIND: &'static str = $kind;
        }
    };
}

mod airgap;
mod application;
mod config;
mod config_values;
mod decode;
mod go;
mod helm_chart;
mod installation;
mod meta;
mod multitype;

pub use airgap::{
    Airgap, AirgapReleaseMeta, AirgapSpec, EmbeddedClusterArtifacts, EmbeddedClusterRegistry,
};
pub use application::{
    Application, ApplicationBranding, ApplicationBrandingFontFile, ApplicationPort,
    ApplicationSpec, MetricGraph, MetricQuery,
};
pub use config::{
    Config, ConfigChildItem, ConfigGroup, ConfigItem, ConfigItemValidation, ConfigSpec, ItemType,
    RegexValidator, RepeatTemplate,
};
pub use config_values::{ConfigValue, ConfigValues, ConfigValuesSpec};
pub use helm_chart::{
    helm_values, ChartIdentifier, ChartIdentifierV1Beta1, HelmChartSpecV1Beta1,
    HelmChartSpecV1Beta2, HelmChartV1Beta1, HelmChartV1Beta2, OptionalValue,
};
pub use installation::{Installation, InstallationImage, InstallationSpec, InstallationYamlError};
pub use meta::ObjectMeta;
pub use multitype::{parse_bool, BoolOrString, ParseBoolError, QuotedBool};

/// Why a kind could not be read or written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KindsError {
    /// The YAML itself could not be read.
    #[error(transparent)]
    Manifest(#[from] ManifestError),
    /// The document is another kind than the one asked for.
    #[error("expected {expected}, found {found}")]
    WrongKind { expected: String, found: String },
    /// A field has a type KOTS cannot decode. `path` is the JSON path of the field
    /// (`spec.groups[0].items[2].default`), `context` names the groups/items around it.
    #[error("{kind} {name:?}: {path}{}: {message}", context.as_ref().map(|c| format!(" ({c})")).unwrap_or_default())]
    Decode {
        kind: String,
        name: String,
        path: String,
        context: Option<String>,
        message: String,
    },
    /// No document of the kind asked for is in the input.
    #[error("no {expected} document found")]
    NotFound { expected: String },
    /// The kind could not be written.
    #[error("cannot write {kind}: {message}")]
    Serialize { kind: String, message: String },
}

/// A typed KOTS kind: its fixed `apiVersion` and `kind`, decoding from an [`Object`] or YAML, and
/// encoding back.
///
/// ```
/// use kots_core::kinds::{ConfigValues, KotsResource};
///
/// let values = ConfigValues::from_yaml("apiVersion: kots.io/v1beta1\nkind: ConfigValues\n\
///     spec:\n  values:\n    hostname: {value: example.com}\n").unwrap();
/// assert_eq!(values.spec.values["hostname"].value, "example.com");
/// assert!(values.to_yaml().unwrap().contains("hostname"));
/// ```
pub trait KotsResource: Serialize + DeserializeOwned {
    /// The `apiVersion` this type decodes, e.g. `kots.io/v1beta1`.
    const API_VERSION: &'static str;
    /// The `kind` this type decodes, e.g. `Application`.
    const KIND: &'static str;

    /// Decodes an object, which must have this type's `apiVersion` and `kind`.
    fn from_object(object: &Object) -> Result<Self, KindsError> {
        decode::typed(object)
    }

    /// Decodes a YAML text holding exactly one document of this kind.
    fn from_yaml(text: &str) -> Result<Self, KindsError> {
        Self::from_object(&Object::from_yaml(text)?)
    }

    /// The first document of this kind in a multi-document stream (KOTS takes the first
    /// Application of a release; pass the objects reversed for "last wins", as with Config).
    fn find_in(objects: &[Object]) -> Result<Self, KindsError> {
        objects
            .iter()
            .find(|o| o.api_version() == Self::API_VERSION && o.kind() == Self::KIND)
            .map_or_else(
                || {
                    Err(KindsError::NotFound {
                        expected: format!("{} {}", Self::API_VERSION, Self::KIND),
                    })
                },
                Self::from_object,
            )
    }

    /// The JSON value KOTS would marshal (Go `omitempty` rules), with the kept unknown fields.
    fn to_value(&self) -> Result<Value, KindsError> {
        serde_json::to_value(self).map_err(|e| KindsError::Serialize {
            kind: Self::KIND.into(),
            message: e.to_string(),
        })
    }

    /// The kind as a Kubernetes [`Object`].
    fn to_object(&self) -> Result<Object, KindsError> {
        Ok(Object::from_value(self.to_value()?)?)
    }

    /// The kind as one YAML document.
    fn to_yaml(&self) -> Result<String, KindsError> {
        Ok(crate::manifest::to_yaml(&self.to_value()?)?)
    }
}

/// The groups of documents KOTS treats as its own kinds (`IsKotsKind`, kots-internals §5.3).
/// KOTS keeps them out of the deployed manifests when it excludes kots kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub enum KotsKind {
    /// `kots.io/v1beta1 Application`.
    Application,
    /// `kots.io/v1beta1 Config`.
    Config,
    /// `kots.io/v1beta1 ConfigValues`.
    ConfigValues,
    /// `kots.io/v1beta1 HelmChart`.
    HelmChartV1Beta1,
    /// `kots.io/v1beta2 HelmChart`.
    HelmChartV1Beta2,
    /// `kots.io/v1beta1 Installation`.
    Installation,
    /// `kots.io/v1beta1 Airgap`.
    Airgap,
    /// `kots.io/v1beta1` or `kots.io/v1beta2 License` (see [`crate::license`]).
    License,
    /// Any other `kots.io/v1beta1` or `kots.io/v1beta2` kind (Identity, LintConfig, …).
    OtherKots,
    /// `troubleshoot.sh/v1beta2` or `troubleshoot.replicated.com/v1beta1` (preflights, support bundles…).
    Troubleshoot,
    /// `velero.io/v1` Backup or Restore.
    Velero,
    /// `kurl.sh/v1beta1` or `cluster.kurl.sh/v1beta1` (the kURL Installer).
    Kurl,
    /// `embeddedcluster.replicated.com/v1beta1` (the Embedded Cluster Config).
    EmbeddedCluster,
    /// `app.k8s.io/v1beta1` (the SIG-apps Application).
    SigApplication,
}

impl KotsKind {
    /// Classifies a document as KOTS's `IsKotsKind(apiVersion, kind)` does; `None` for a document
    /// KOTS deploys. Both strings are compared exactly (case-sensitive).
    pub fn of(api_version: &str, kind: &str) -> Option<KotsKind> {
        match api_version {
            "kots.io/v1beta1" => Some(match kind {
                "Application" => KotsKind::Application,
                "Config" => KotsKind::Config,
                "ConfigValues" => KotsKind::ConfigValues,
                "HelmChart" => KotsKind::HelmChartV1Beta1,
                "Installation" => KotsKind::Installation,
                "Airgap" => KotsKind::Airgap,
                "License" => KotsKind::License,
                _ => KotsKind::OtherKots,
            }),
            "kots.io/v1beta2" => Some(match kind {
                "HelmChart" => KotsKind::HelmChartV1Beta2,
                "License" => KotsKind::License,
                _ => KotsKind::OtherKots,
            }),
            "troubleshoot.sh/v1beta2" | "troubleshoot.replicated.com/v1beta1" => {
                Some(KotsKind::Troubleshoot)
            }
            "velero.io/v1" if kind == "Backup" || kind == "Restore" => Some(KotsKind::Velero),
            "cluster.kurl.sh/v1beta1" | "kurl.sh/v1beta1" => Some(KotsKind::Kurl),
            "embeddedcluster.replicated.com/v1beta1" => Some(KotsKind::EmbeddedCluster),
            "app.k8s.io/v1beta1" => Some(KotsKind::SigApplication),
            _ => None,
        }
    }
}

/// KOTS's `IsKotsKind`: whether a document is one of KOTS's own kinds rather than a manifest to deploy.
///
/// ```
/// assert!(kots_core::kinds::is_kots_kind("velero.io/v1", "Restore"));
/// assert!(!kots_core::kinds::is_kots_kind("velero.io/v1", "Schedule"));
/// assert!(!kots_core::kinds::is_kots_kind("apps/v1", "Deployment"));
/// ```
pub fn is_kots_kind(api_version: &str, kind: &str) -> bool {
    KotsKind::of(api_version, kind).is_some()
}

/// A decoded KOTS kind, for the kinds this module types.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Application(Box<Application>),
    Config(Box<Config>),
    ConfigValues(Box<ConfigValues>),
    HelmChartV1Beta1(Box<HelmChartV1Beta1>),
    HelmChartV1Beta2(Box<HelmChartV1Beta2>),
    Installation(Box<Installation>),
    Airgap(Box<Airgap>),
}

/// Decodes an object into its typed kind; `Ok(None)` when the object is not one of the kinds this
/// module types (a License, a preflight, a Deployment…).
pub fn decode(object: &Object) -> Result<Option<Kind>, KindsError> {
    let Some(kind) = KotsKind::of(object.api_version(), object.kind()) else {
        return Ok(None);
    };
    Ok(Some(match kind {
        KotsKind::Application => Kind::Application(Box::new(decode::typed(object)?)),
        KotsKind::Config => Kind::Config(Box::new(decode::typed(object)?)),
        KotsKind::ConfigValues => Kind::ConfigValues(Box::new(decode::typed(object)?)),
        KotsKind::HelmChartV1Beta1 => Kind::HelmChartV1Beta1(Box::new(decode::typed(object)?)),
        KotsKind::HelmChartV1Beta2 => Kind::HelmChartV1Beta2(Box::new(decode::typed(object)?)),
        KotsKind::Installation => Kind::Installation(Box::new(decode::typed(object)?)),
        KotsKind::Airgap => Kind::Airgap(Box::new(decode::typed(object)?)),
        _ => return Ok(None),
    }))
}

impl Kind {
    /// The kind's JSON value (see [`KotsResource::to_value`]).
    pub fn to_value(&self) -> Result<Value, KindsError> {
        match self {
            Kind::Application(k) => k.to_value(),
            Kind::Config(k) => k.to_value(),
            Kind::ConfigValues(k) => k.to_value(),
            Kind::HelmChartV1Beta1(k) => k.to_value(),
            Kind::HelmChartV1Beta2(k) => k.to_value(),
            Kind::Installation(k) => k.to_value(),
            Kind::Airgap(k) => k.to_value(),
        }
    }
}

#[cfg(test)]
mod tests;
