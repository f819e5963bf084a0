//! `parseImageReference`, `destImage`, `kustomizeImages`, `localImageName`, `dockerConfigJson`,
//! `pullSecrets`, `discoverImages`, `rewriteImages`, `airgapPushMappings`.
//!
//! Error codes: `KOTS_IMAGE_INVALID_REFERENCE` (the message ends with Go's text),
//! `KOTS_IMAGE_ARCHIVE_PATH_TOO_SHORT`, `KOTS_IMAGE_FIELD_TYPE`, `KOTS_IMAGE_APPLICATION`,
//! `KOTS_IMAGE_INVALID_OPTIONS`; manifests that do not parse throw `KOTS_MANIFEST_*`.

use std::collections::HashSet;

use kots_core::image::{
    self, DiscoverOptions, DiscoveryMode, ImageError, ImageRewriter, LocalImageContext, ProxyInfo,
    PullSecretOptions, Reference, ReferenceReport, Registry,
};
use kots_core::manifest::{self, Object};
use napi_derive::napi;
use serde_json::Value;

use crate::errors::{js_error, Code};

fn to_js(e: ImageError) -> napi::Error<Code> {
    let code = match &e {
        ImageError::Reference(_) | ImageError::InDocument { .. } => "KOTS_IMAGE_INVALID_REFERENCE",
        ImageError::ArchivePathTooShort { .. } => "KOTS_IMAGE_ARCHIVE_PATH_TOO_SHORT",
        ImageError::FieldType { .. } => "KOTS_IMAGE_FIELD_TYPE",
        ImageError::Application { .. } => "KOTS_IMAGE_APPLICATION",
    };
    js_error(code, e)
}

fn manifest_error(e: manifest::ManifestError) -> napi::Error<Code> {
    js_error("KOTS_MANIFEST_YAML", e)
}

fn options_error(message: impl std::fmt::Display) -> napi::Error<Code> {
    js_error("KOTS_IMAGE_INVALID_OPTIONS", message)
}

fn to_value(value: serde_json::Result<Value>) -> napi::Result<Value, Code> {
    value.map_err(options_error)
}

/// Manifests given as YAML text or as an array of objects.
fn objects(manifests: Value) -> napi::Result<Vec<Object>, Code> {
    match manifests {
        Value::String(text) => manifest::parse_manifests(&text).map_err(manifest_error),
        Value::Array(items) => items
            .into_iter()
            .map(|v| Object::from_value(v).map_err(manifest_error))
            .collect(),
        _ => Err(options_error(
            "manifests must be YAML text or an array of objects",
        )),
    }
}

fn mode(mode: Option<String>) -> napi::Result<DiscoveryMode, Code> {
    match mode.as_deref() {
        None | Some("kots") => Ok(DiscoveryMode::Kots),
        Some("complete") => Ok(DiscoveryMode::Complete),
        Some(other) => Err(options_error(format!(
            "mode must be \"kots\" or \"complete\", not {other:?}"
        ))),
    }
}

/// Parses an image reference as Docker does: `{input, normalized, familiar, domain, path, tag,
/// digest}` (absent keys omitted). Throws `KOTS_IMAGE_INVALID_REFERENCE` when it is invalid.
#[napi]
pub fn parse_image_reference(reference: String) -> napi::Result<Value, Code> {
    Reference::parse_normalized(&reference).map_err(|e| to_js(e.into()))?;
    to_value(serde_json::to_value(ReferenceReport::of(&reference)))
}

/// Where `image` lives in the private registry `registry` (`HOST[/NAMESPACE]`): KOTS's DestImage.
/// Throws `KOTS_IMAGE_INVALID_REFERENCE`.
#[napi]
pub fn dest_image(image: String, registry: String) -> napi::Result<String, Code> {
    Registry::parse(&registry).dest_image(&image).map_err(to_js)
}

/// The kustomization `images` list KOTS writes for `images` moved to `registry`.
/// Throws `KOTS_IMAGE_INVALID_REFERENCE`.
#[napi]
pub fn kustomize_images(images: Vec<String>, registry: String) -> napi::Result<Value, Code> {
    let entries = Registry::parse(&registry)
        .rewrite_images(&images)
        .map_err(to_js)?;
    to_value(serde_json::to_value(image::kustomization_images(entries)))
}

/// Options of `localImageName`.
#[napi(object)]
pub struct LocalImageNameOptions {
    /// Private registry `HOST[/NAMESPACE]`.
    pub registry: Option<String>,
    /// Application `proxyPublicImages`.
    pub proxy_public_images: Option<bool>,
    /// The license's app slug.
    pub app_slug: Option<String>,
    /// The license's `endpoint` (staging endpoints use staging registries).
    pub license_endpoint: Option<String>,
    /// Custom proxy registry domain.
    pub proxy_domain: Option<String>,
    /// Custom Replicated registry domain.
    pub registry_domain: Option<String>,
    /// KOTS's registry probe answer (default true; `null` means the probe failed, rendering "").
    pub is_private: Option<Option<bool>>,
}

/// KOTS's `LocalImageName` template function. Throws `KOTS_IMAGE_INVALID_REFERENCE` (KOTS renders
/// `""` in that case).
#[napi]
pub fn local_image_name(
    image: String,
    options: Option<LocalImageNameOptions>,
) -> napi::Result<String, Code> {
    let o = options.unwrap_or(LocalImageNameOptions {
        registry: None,
        proxy_public_images: None,
        app_slug: None,
        license_endpoint: None,
        proxy_domain: None,
        registry_domain: None,
        is_private: None,
    });
    let ctx = LocalImageContext {
        registry: o.registry.as_deref().map(Registry::parse),
        proxy_public_images: o.proxy_public_images.unwrap_or(false),
        proxy: ProxyInfo::from_license_endpoint(o.license_endpoint.as_deref().unwrap_or_default())
            .with_overrides(o.proxy_domain.as_deref(), o.registry_domain.as_deref()),
        app_slug: o.app_slug.unwrap_or_default(),
    };
    let is_private = o.is_private.unwrap_or(Some(true));
    image::local_image_name(&ctx, &image, |_| is_private).map_err(to_js)
}

/// The `.dockerconfigjson` KOTS writes, byte for byte.
#[napi]
pub fn docker_config_json(registries: Vec<String>, username: String, password: String) -> String {
    image::docker_config_json(&registries, &username, &password)
}

/// The pull secrets KOTS writes: `[<prefix>-registry (when a prefix is given), kotsadm-replicated-registry]`.
#[napi]
pub fn pull_secrets(
    registries: Vec<String>,
    username: String,
    password: String,
    namespace: String,
    name_prefix: String,
    embedded_cluster: Option<bool>,
) -> Vec<Value> {
    let secrets = image::pull_secrets(&PullSecretOptions {
        registries: &registries,
        username: &username,
        password: &password,
        namespace: &namespace,
        name_prefix: &name_prefix,
        embedded_cluster: embedded_cluster.unwrap_or(false),
    });
    secrets
        .app
        .into_iter()
        .chain([secrets.admin_console])
        .map(Object::into_value)
        .collect()
}

/// Options of `discoverImages` and `rewriteImages`.
#[napi(object)]
pub struct ImageOptions {
    /// `kots` (default) or `complete`.
    pub mode: Option<String>,
    /// Private registry `HOST[/NAMESPACE]`.
    pub registry: Option<String>,
    /// Proxy mode (rewriteImages): the app slug.
    pub proxy_app_slug: Option<String>,
    pub proxy_domain: Option<String>,
    pub registry_domain: Option<String>,
    /// Proxy mode: the private images (default: all).
    pub private_images: Option<Vec<String>>,
}

fn discover_options(options: Option<&ImageOptions>) -> napi::Result<DiscoverOptions, Code> {
    Ok(DiscoverOptions {
        mode: mode(options.and_then(|o| o.mode.clone()))?,
        registry: options
            .and_then(|o| o.registry.as_deref())
            .map(Registry::parse),
    })
}

/// Finds the images of manifests (YAML text or objects): `{images: [{image, documents,
/// locations}], workloadImages, kotsKindsImages, documentsWithImages}`. Throws
/// `KOTS_MANIFEST_YAML`, `KOTS_IMAGE_FIELD_TYPE`, `KOTS_IMAGE_APPLICATION`,
/// `KOTS_IMAGE_INVALID_REFERENCE` or `KOTS_IMAGE_INVALID_OPTIONS`.
#[napi(ts_args_type = "manifests: string | object[], options?: ImageOptions")]
pub fn discover_images(
    manifests: Value,
    options: Option<ImageOptions>,
) -> napi::Result<Value, Code> {
    let objects = objects(manifests)?;
    let found = image::discover(&objects, &discover_options(options.as_ref())?).map_err(to_js)?;
    to_value(serde_json::to_value(found))
}

/// Rewrites the images of manifests for a private registry (`registry`) or the Replicated proxy
/// (`proxyAppSlug`): `{manifests, images (kustomize entries), rewritten}`. Throws the codes of
/// `discoverImages`.
#[napi(ts_args_type = "manifests: string | object[], options: ImageOptions")]
pub fn rewrite_images(manifests: Value, options: ImageOptions) -> napi::Result<Value, Code> {
    let mut objects = objects(manifests)?;
    let discover_options = discover_options(Some(&options))?;
    let found = image::discover(&objects, &discover_options).map_err(to_js)?;
    let entries = match (&discover_options.registry, &options.proxy_app_slug) {
        (Some(registry), _) => registry.rewrite_images(&found.kots_image_list()),
        (None, Some(slug)) => {
            let private: Option<HashSet<String>> =
                options.private_images.map(|p| p.into_iter().collect());
            ProxyInfo::default()
                .with_overrides(
                    options.proxy_domain.as_deref(),
                    options.registry_domain.as_deref(),
                )
                .rewrite_private_images(
                    &found.workload_images,
                    |i| private.as_ref().is_none_or(|p| p.contains(i)),
                    slug,
                )
        }
        (None, None) => return Err(options_error("give registry or proxyAppSlug")),
    };
    let images = image::kustomization_images(entries.map_err(to_js)?);
    let rewritten =
        ImageRewriter::new(images.clone()).rewrite_objects(&mut objects, discover_options.mode);
    let manifests: Vec<Value> = objects.into_iter().map(Object::into_value).collect();
    let images = to_value(serde_json::to_value(images))?;
    Ok(serde_json::json!({"manifests": manifests, "images": images, "rewritten": rewritten}))
}

/// The source → destination copies of an airgap push: `[{image, source, destination,
/// preserveDigests}]`, the bundle's temporary registry listening on `port`.
/// Throws `KOTS_IMAGE_INVALID_REFERENCE`.
#[napi]
pub fn airgap_push_mappings(
    saved_images: Vec<String>,
    registry: String,
    port: u16,
) -> napi::Result<Value, Code> {
    let mappings =
        image::push_mappings(&saved_images, &Registry::parse(&registry), port).map_err(to_js)?;
    to_value(serde_json::to_value(mappings))
}
