//! `parseApplication`, `parseConfig`, `parseConfigValues`, `parseHelmChart`, `parseInstallation`,
//! `parseAirgap`, `kotsKind`, `isKotsKind`.

use kots_core::kinds::{
    self, Airgap, Application, Config, ConfigValues, HelmChartV1Beta1, HelmChartV1Beta2,
    Installation, KindsError, KotsKind, KotsResource,
};
use kots_core::manifest::{ManifestError, Object};
use napi_derive::napi;
use serde_json::Value;

use crate::errors::{js_error, Code};

/// Error codes: `KOTS_KINDS_WRONG_KIND`, `KOTS_KINDS_DECODE` (the message names the field path
/// and the config group/item), `KOTS_KINDS_NOT_FOUND`, `KOTS_KINDS_SERIALIZE`; YAML problems
/// carry the manifest codes (`KOTS_MANIFEST_YAML`, …).
pub fn to_js(e: KindsError) -> napi::Error<Code> {
    let code = match &e {
        KindsError::Manifest(m) => match m {
            ManifestError::Yaml { .. } => "KOTS_MANIFEST_YAML",
            ManifestError::NotAMapping { .. } => "KOTS_MANIFEST_NOT_A_MAPPING",
            ManifestError::MissingField { .. } => "KOTS_MANIFEST_MISSING_FIELD",
            ManifestError::TooLarge { .. } => "KOTS_MANIFEST_TOO_LARGE",
            ManifestError::TooManyDocuments { .. } => "KOTS_MANIFEST_TOO_MANY_DOCUMENTS",
            ManifestError::Serialize(_) => "KOTS_MANIFEST_SERIALIZE",
        },
        KindsError::WrongKind { .. } => "KOTS_KINDS_WRONG_KIND",
        KindsError::Decode { .. } => "KOTS_KINDS_DECODE",
        KindsError::NotFound { .. } => "KOTS_KINDS_NOT_FOUND",
        KindsError::Serialize { .. } => "KOTS_KINDS_SERIALIZE",
    };
    js_error(code, e)
}

/// Decodes one YAML document as `T` and returns the object KOTS would marshal (unknown fields kept).
fn parse<T: KotsResource>(yaml: &str) -> napi::Result<Value, Code> {
    T::from_yaml(yaml).and_then(|k| k.to_value()).map_err(to_js)
}

/// Parses a `kots.io/v1beta1 Application` document. Like every `parse*` function, throws
/// `KOTS_KINDS_WRONG_KIND`, `KOTS_KINDS_DECODE` (the message names the field path and the config
/// group/item) or, for YAML problems, a `KOTS_MANIFEST_*` code.
#[napi]
pub fn parse_application(yaml: String) -> napi::Result<Value, Code> {
    parse::<Application>(&yaml)
}

/// Parses a `kots.io/v1beta1 Config` document; a bare number as an item's `default`/`value`
/// throws `KOTS_KINDS_DECODE` naming the item, as KOTS fails.
#[napi]
pub fn parse_config(yaml: String) -> napi::Result<Value, Code> {
    parse::<Config>(&yaml)
}

/// Parses a `kots.io/v1beta1 ConfigValues` document.
#[napi]
pub fn parse_config_values(yaml: String) -> napi::Result<Value, Code> {
    parse::<ConfigValues>(&yaml)
}

/// Parses a `HelmChart` document, `kots.io/v1beta1` or `kots.io/v1beta2`.
#[napi]
pub fn parse_helm_chart(yaml: String) -> napi::Result<Value, Code> {
    let object = Object::from_yaml(&yaml).map_err(|e| to_js(e.into()))?;
    match object.api_version() {
        "kots.io/v1beta2" => HelmChartV1Beta2::from_object(&object).and_then(|c| c.to_value()),
        _ => HelmChartV1Beta1::from_object(&object).and_then(|c| c.to_value()),
    }
    .map_err(to_js)
}

/// Parses a `kots.io/v1beta1 Installation` document.
#[napi]
pub fn parse_installation(yaml: String) -> napi::Result<Value, Code> {
    parse::<Installation>(&yaml)
}

/// Parses a `kots.io/v1beta1 Airgap` document (`airgap.yaml`).
#[napi]
pub fn parse_airgap(yaml: String) -> napi::Result<Value, Code> {
    parse::<Airgap>(&yaml)
}

/// KOTS's classification of a document (`IsKotsKind`): e.g. `"config"`, `"helmChartV1Beta2"`,
/// `"troubleshoot"`; `null` for a document KOTS deploys.
#[napi]
pub fn kots_kind(api_version: String, kind: String) -> Option<String> {
    KotsKind::of(&api_version, &kind).and_then(|k| {
        serde_json::to_value(k)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
    })
}

/// KOTS's `IsKotsKind`: whether the document is one of KOTS's own kinds.
#[napi]
pub fn is_kots_kind(api_version: String, kind: String) -> bool {
    kinds::is_kots_kind(&api_version, &kind)
}
