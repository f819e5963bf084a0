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
#[serde_with::apply(
    _ => #[serde(default, deserialize_with = "nullable", skip_serializing_if = "is_zero")]
)]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationSpec {
    /// Display name; `"the app"` stands in for an empty title in KOTS's messages.
    #[serde_with(skip_apply)]
    #[serde(default, deserialize_with = "nullable")]
    pub title: String,
    pub icon: String,
    #[serde_with(skip_apply)]
    #[serde(default, deserialize_with = "nullable")]
    pub branding: ApplicationBranding,
    /// JSON name `ports`.
    #[serde(rename = "ports")]
    pub application_ports: Vec<ApplicationPort>,
    pub release_notes: String,
    pub allow_rollback: bool,
    /// `[namespace/]kind/name` entries, templated by KOTS before use.
    pub status_informers: Vec<String>,
    pub graphs: Vec<MetricGraph>,
    /// Lowest KOTS version that may install or update to this release (§2.2).
    pub min_kots_version: String,
    /// Highest KOTS version that may install this release; not checked on updates (§2.2).
    pub target_kots_version: String,
    pub additional_images: Vec<String>,
    pub excluded_images: Vec<String>,
    pub additional_namespaces: Vec<String>,
    #[serde(rename = "requireMinimalRBACPrivileges")]
    pub require_minimal_rbac_privileges: bool,
    #[serde(rename = "supportMinimalRBACPrivileges")]
    pub support_minimal_rbac_privileges: bool,
    pub proxy_public_images: bool,
    pub console_feature_flags: Vec<String>,
    /// Deprecated override of the replicated registry host.
    pub replicated_registry_domain: String,
    /// Deprecated override of the proxy registry host.
    pub proxy_registry_domain: String,
    /// Fields not modelled here, kept for the round trip (KOTS itself drops them).
    #[serde_with(skip_apply)]
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `spec.branding`: UI stylesheets and fonts.
#[serde_with::apply(
    _ => #[serde(default, deserialize_with = "nullable", skip_serializing_if = "is_zero")]
)]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ApplicationBranding {
    pub css: Vec<String>,
    pub fonts: Vec<ApplicationBrandingFontFile>,
    #[serde_with(skip_apply)]
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One `spec.branding.fonts[]` entry.
#[serde_with::apply(
    _ => #[serde(default, deserialize_with = "nullable", skip_serializing_if = "is_zero")]
)]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationBrandingFontFile {
    pub font_family: String,
    pub sources: Vec<String>,
    #[serde_with(skip_apply)]
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One `spec.ports[]` entry: a service to port-forward.
#[serde_with::apply(
    _ => #[serde(default, deserialize_with = "nullable", skip_serializing_if = "is_zero")]
)]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationPort {
    #[serde_with(skip_apply)]
    #[serde(default, deserialize_with = "nullable")]
    pub service_name: String,
    #[serde_with(skip_apply)]
    #[serde(default, deserialize_with = "nullable")]
    pub service_port: i64,
    pub local_port: i64,
    /// JSON name `applicationUrl`.
    #[serde(rename = "applicationUrl")]
    pub application_url: String,
    #[serde_with(skip_apply)]
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One `spec.graphs[]` entry: a Prometheus graph for the admin console.
#[serde_with::apply(
    _ => #[serde(default, deserialize_with = "nullable", skip_serializing_if = "is_zero")]
)]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MetricGraph {
    #[serde_with(skip_apply)]
    #[serde(default, deserialize_with = "nullable")]
    pub title: String,
    pub query: String,
    pub legend: String,
    pub queries: Vec<MetricQuery>,
    pub duration_seconds: u64,
    pub y_axis_format: String,
    pub y_axis_template: String,
    #[serde_with(skip_apply)]
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One `spec.graphs[].queries[]` entry.
#[serde_with::apply(
    _ => #[serde(default, deserialize_with = "nullable", skip_serializing_if = "is_zero")]
)]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MetricQuery {
    #[serde_with(skip_apply)]
    #[serde(default, deserialize_with = "nullable")]
    pub query: String,
    pub legend: String,
    #[serde_with(skip_apply)]
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
