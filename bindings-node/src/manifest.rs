//! `parseManifests`, `splitDocuments`.

use kots_core::manifest::{self, ManifestError};
use napi_derive::napi;
use serde_json::Value;

use crate::errors::{js_error, Code};

fn to_js(e: ManifestError) -> napi::Error<Code> {
    let code = match &e {
        ManifestError::Yaml { .. } => "KOTS_MANIFEST_YAML",
        ManifestError::NotAMapping { .. } => "KOTS_MANIFEST_NOT_A_MAPPING",
        ManifestError::MissingField { .. } => "KOTS_MANIFEST_MISSING_FIELD",
        ManifestError::TooLarge { .. } => "KOTS_MANIFEST_TOO_LARGE",
        ManifestError::TooManyDocuments { .. } => "KOTS_MANIFEST_TOO_MANY_DOCUMENTS",
        ManifestError::Serialize(_) => "KOTS_MANIFEST_SERIALIZE",
    };
    js_error(code, e)
}

/// Splits a multi-document YAML stream as KOTS does and parses each document into an object.
/// Throws an error with `code` `KOTS_MANIFEST_YAML`, `KOTS_MANIFEST_NOT_A_MAPPING`,
/// `KOTS_MANIFEST_MISSING_FIELD`, `KOTS_MANIFEST_TOO_LARGE` or `KOTS_MANIFEST_TOO_MANY_DOCUMENTS`.
#[napi]
pub fn parse_manifests(text: String) -> napi::Result<Vec<Value>, Code> {
    manifest::parse_manifests(&text)
        .map(|objects| objects.into_iter().map(|o| o.into_value()).collect())
        .map_err(to_js)
}

/// Splits a stream into the documents' texts, as KOTS's ConvertToSingleDocs does.
#[napi]
pub fn split_documents(text: String) -> Vec<String> {
    manifest::split_documents(&text)
        .into_iter()
        .map(|d| d.text)
        .collect()
}
