//! `renderRelease`: render a KOTS release as KOTS deploys it.

use std::collections::HashMap;

use kots_core::kinds::{ConfigValues, KotsResource};
use kots_core::license::{Ed25519PublicKey, Verifier};
use kots_render::config::ConfigError;
use kots_render::release::{render_release as render, Release, RenderError, RenderSettings};
use napi::bindgen_prelude::Buffer;
use napi::Either;
use napi_derive::napi;
use serde_json::Value;

use crate::errors::{js_error, Code};

/// Error codes: `KOTS_RENDER_IO`, `KOTS_RENDER_RELEASE_TOO_LARGE`, `KOTS_RENDER_TEMPLATE` (a
/// manifest failed to render; the message names the file and carries Go's message),
/// `KOTS_RENDER_KOTS_KIND`, `KOTS_RENDER_ANNOTATION`, `KOTS_RENDER_KINDS`, `KOTS_RENDER_HELM_CHART`,
/// `KOTS_RENDER_VARIADIC`, `KOTS_RENDER_IMAGE`; config problems `KOTS_CONFIG_CYCLE`, `KOTS_CONFIG_INITIAL_VALUE`,
/// `KOTS_CONFIG_TEMPLATE`, `KOTS_CONFIG_DECODE`, `KOTS_CONFIG_ENCRYPTION_KEY`; a license that
/// does not verify `KOTS_LICENSE_INVALID`; bad arguments `KOTS_RENDER_INVALID_INPUT`.
fn to_js(e: RenderError) -> napi::Error<Code> {
    let code = match &e {
        RenderError::Io { .. } => "KOTS_RENDER_IO",
        RenderError::ReleaseTooLarge { .. } => "KOTS_RENDER_RELEASE_TOO_LARGE",
        RenderError::Template { .. } => "KOTS_RENDER_TEMPLATE",
        RenderError::KotsKind { .. } => "KOTS_RENDER_KOTS_KIND",
        RenderError::Annotation { .. } => "KOTS_RENDER_ANNOTATION",
        RenderError::Kinds { .. } => "KOTS_RENDER_KINDS",
        RenderError::HelmChart { .. } => "KOTS_RENDER_HELM_CHART",
        RenderError::Variadic { .. } => "KOTS_RENDER_VARIADIC",
        RenderError::Image(_) => "KOTS_RENDER_IMAGE",
        RenderError::Config(c) => match c {
            ConfigError::Cycle(_) => "KOTS_CONFIG_CYCLE",
            ConfigError::InitialValue { .. } => "KOTS_CONFIG_INITIAL_VALUE",
            ConfigError::Template(_) => "KOTS_CONFIG_TEMPLATE",
            ConfigError::Decode(_) => "KOTS_CONFIG_DECODE",
            ConfigError::EncryptionKey(_) => "KOTS_CONFIG_ENCRYPTION_KEY",
        },
    };
    js_error(code, e)
}

const INVALID_INPUT: &str = "KOTS_RENDER_INVALID_INPUT";

/// Renders a release: a directory path, or an object of path → text or Buffer (chart archives).
/// The license is verified (KOTS's global keys, plus `options.licenseKey`, a PEM trusted for
/// any key id, and `options.licenseEd25519Keys`, key id → ed25519 public key PEM for
/// vendor-signed licenses) and its signed values are used. `options` are the render settings (`namespace`,
/// `appSlug`, `sequence`, `airgap`, `kotsVersion`, `registry {hostname, namespace, username,
/// password, readOnly}`, `encryptionKey`, `privateImages`, `identity`, `kurl`, `finishing
/// {pullSecrets, imagePullSecrets, appSlugLabels, backupLabel, rewriteImages}`, `cluster
/// {namespace, distribution, isKurl, kubernetesVersion, nodeCount, objects, httpProxy,
/// httpsProxy, noProxy}`, `threads`). Returns `{objects: [{path, object}], summary, kotsKinds,
/// config}`.
#[napi(
    ts_return_type = "{ objects: Array<{ path: string; object: Record<string, any> }>; summary: Record<string, any>; kotsKinds: Array<{ path: string; content: string }>; config: Record<string, any> | null }"
)]
pub fn render_release(
    release: Either<String, HashMap<String, Either<String, Buffer>>>,
    license: String,
    config_values: Option<String>,
    #[napi(ts_arg_type = "Record<string, any>")] options: Option<Value>,
) -> napi::Result<Value, Code> {
    let release = match release {
        Either::A(dir) => Release::from_dir(std::path::Path::new(&dir)).map_err(to_js)?,
        Either::B(files) => Release::from_files(files.into_iter().map(|(path, content)| {
            let bytes = match content {
                Either::A(text) => text.into_bytes(),
                Either::B(buffer) => buffer.to_vec(),
            };
            (path, bytes)
        })),
    };
    let mut options = match options {
        Some(Value::Object(map)) => map,
        None | Some(Value::Null) => serde_json::Map::new(),
        Some(_) => return Err(js_error(INVALID_INPUT, "options must be an object")),
    };
    let mut verifier = Verifier::new();
    if let Some(pem) = options.remove("licenseKey") {
        let pem = pem
            .as_str()
            .ok_or_else(|| js_error(INVALID_INPUT, "licenseKey must be a PEM string"))?
            .to_string();
        verifier
            .trust_rsa_key_for_any_id(&pem)
            .map_err(|e| js_error("KOTS_LICENSE_INVALID", e))?;
    }
    if let Some(keys) = options.remove("licenseEd25519Keys") {
        let keys: HashMap<String, String> = serde_json::from_value(keys).map_err(|_| {
            js_error(
                INVALID_INPUT,
                "licenseEd25519Keys must map key ids to PEM strings",
            )
        })?;
        for (key_id, pem) in keys {
            let key = Ed25519PublicKey::from_pem(&pem).map_err(|e| {
                js_error(
                    "KOTS_LICENSE_INVALID",
                    format!("licenseEd25519Keys[{key_id:?}]: {e}"),
                )
            })?;
            verifier.trust_ed25519_key(key_id, key);
        }
    }
    let verified = verifier
        .verify_yaml(&license)
        .map_err(|e| js_error("KOTS_LICENSE_INVALID", e))?;
    let values = config_values
        .as_deref()
        .map(ConfigValues::from_yaml)
        .transpose()
        .map_err(|e| js_error(INVALID_INPUT, format!("configValues: {e}")))?;
    let settings: RenderSettings = serde_json::from_value(Value::Object(options))
        .map_err(|e| js_error(INVALID_INPUT, format!("invalid render option: {e}")))?;
    let rendered = render(
        &release,
        Some(&verified.license),
        values.as_ref(),
        &settings.into_options(),
    )
    .map_err(to_js)?;
    Ok(rendered.to_json())
}
