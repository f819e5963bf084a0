//! `kots.io/v1beta1 Application` (kotskinds `application_types.go`, kots-internals §2.1).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::go::{is_zero, nullable};

kots_resource! {
    /// The vendor's `kots.io/v1beta1 Application`: title, branding, ports, status informers, and the
    /// KOTS version bounds that [`crate::gate`] checks.
    ///
    /// ```
    /// use kots_core::kinds::{Application, KotsResource};
    ///
    /// let app = Application::from_yaml("apiVersion: kots.io/v1beta1\nkind: Application\n\
    ///     metadata: {name: my-app}\nspec:\n  title: My App\n  minKotsVersion: 1.90.0\n").unwrap();
    /// assert_eq!(app.spec.title, "My App");
    /// assert_eq!(app.spec.min_kots_version, "1.90.0");
    /// ```
    Application, ApplicationSpec, "kots.io/v1beta1", "Application"
}

/// `spec` of an [`Application`]. Field names are the JSON names in camelCase.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationSpec {
    /// Display name; `"the app"` stands in for an empty title in KOTS's messages.
    #[serde(default, deserialize_with = "nullable")]
    pub title: String,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "is_zero"
    )]
    pub icon: String,
    #[serde(default, deserialize_with = "nullable")]
    pub branding: ApplicationBranding,
    /// JSON name `ports`.
    #[serde(
        rename = "ports",
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "is_zero"
    )]
    pub application_ports: Vec<ApplicationPort>,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "is_zero"
    )]
    pub release_notes: String,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "is_zero"
    )]
    pub allow_rollback: bool,
    /// `[namespace/]kind/name` entries, templated by KOTS before use.
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "is_zero"
    )]
    pub status_informers: Vec<String>,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "is_zero"
    )]
    pub graphs: Vec<MetricGraph>,
    /// Lowest KOTS version that may install or update to this release (§2.2).
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "is_zero"
    )]
    pub min_kots_version: String,
    /// Highest KOTS version that may install this release; not checked on updates (§2.2).
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "is_zero"
    )]
    pub target_kots_version: String,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "is_zero"
    )]
    pub additional_images: Vec<String>,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "is_zero"
    )]
    pub excluded_images: Vec<String>,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "is_zero"
    )]
    pub additional_namespaces: Vec<String>,
    #[serde(
        rename = "requireMinimalRBACPrivileges",
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "is_zero"
    )]
    pub require_minimal_rbac_privileges: bool,
    #[serde(
        rename = "supportMinimalRBACPrivileges",
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "is_zero"
    )]
    pub support_minimal_rbac_privileges: bool,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "is_zero"
    )]
    pub proxy_public_images: bool,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "is_zero"
    )]
    pub console_feature_flags: Vec<String>,
    /// Deprecated override of the replicated registry host.
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "is_zero"
    )]
    pub replicated_registry_domain: String,
    /// Deprecated override of the proxy registry host.
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "is_zero"
    )]
    pub proxy_registry_domain: String,
    /// Fields not modelled here, kept for the round trip (KOTS itself drops them).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `spec.branding`: UI stylesheets and fonts.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ApplicationBranding {
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "is_zero"
    )]
    pub css: Vec<String>,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "is_zero"
    )]
    pub fonts: Vec<ApplicationBrandingFontFile>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One `spec.branding.fonts[]` entry.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationBrandingFontFile {
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "is_zero"
    )]
    pub font_family: String,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "is_zero"
    )]
    pub sources: Vec<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One `spec.ports[]` entry: a service to port-forward.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationPort {
    #[serde(default, deserialize_with = "nullable")]
    pub service_name: String,
    #[serde(default, deserialize_with = "nullable")]
    pub service_port: i64,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "is_zero"
    )]
    pub local_port: i64,
    /// JSON name `applicationUrl`.
    #[serde(
        rename = "applicationUrl",
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "is_zero"
    )]
    pub application_url: String,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One `spec.graphs[]` entry: a Prometheus graph for the admin console.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MetricGraph {
    #[serde(default, deserialize_with = "nullable")]
    pub title: String,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "is_zero"
    )]
    pub query: String,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "is_zero"
    )]
    pub legend: String,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "is_zero"
    )]
    pub queries: Vec<MetricQuery>,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "is_zero"
    )]
    pub duration_seconds: u64,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "is_zero"
    )]
    pub y_axis_format: String,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "is_zero"
    )]
    pub y_axis_template: String,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One `spec.graphs[].queries[]` entry.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MetricQuery {
    #[serde(default, deserialize_with = "nullable")]
    pub query: String,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "is_zero"
    )]
    pub legend: String,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
