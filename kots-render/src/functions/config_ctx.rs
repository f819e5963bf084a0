//! The config context (`ConfigCtx.FuncMap`, kots-internals §4.3): config item values and the
//! local registry.

use std::sync::{Arc, RwLock};

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use kots_core::image::{docker_config_json, local_image_name, LocalImageContext, Registry};

use super::TemplateInputs;
use crate::config::ItemValues;
use crate::template::{Func, FuncMap, Ty, Value};

/// Item values shared with the config resolution loop, which fills them while it renders.
pub(crate) type SharedValues = Arc<RwLock<ItemValues>>;

fn read(values: &SharedValues) -> std::sync::RwLockReadGuard<'_, ItemValues> {
    // A poisoned lock only means another render panicked; the map itself is intact.
    values.read().unwrap_or_else(|e| e.into_inner())
}

/// `getConfigOptionValue`: the value, else the default; `None` for an unknown item.
fn option_value(values: &SharedValues, name: &str) -> Option<String> {
    read(values)
        .get(name)
        .map(|v| v.value_or_default().to_string())
}

fn name_arg(args: &[Value]) -> &str {
    args[0].as_str().unwrap_or_default()
}

pub(crate) fn register(map: &mut FuncMap, values: SharedValues, inputs: &TemplateInputs) {
    let v = values.clone();
    map.insert(
        "ConfigOption",
        Func::new(&[Ty::String], None, move |_, a| {
            Ok(option_value(&v, name_arg(a)).unwrap_or_default().into())
        }),
    );
    map.insert(
        "ConfigOptionName",
        Func::new(&[Ty::String], None, |_, a| Ok(name_arg(a).into())),
    );
    map.insert(
        "ConfigOptionIndex",
        Func::new(&[Ty::String], None, |_, _| Ok("".into())),
    );
    let v = values.clone();
    map.insert(
        "ConfigOptionData",
        Func::new(&[Ty::String], None, move |_, a| {
            let decoded = option_value(&v, name_arg(a))
                .and_then(|s| STANDARD.decode(s).ok())
                .map(|b| String::from_utf8_lossy(&b).into_owned());
            Ok(decoded.unwrap_or_default().into())
        }),
    );
    let v = values.clone();
    map.insert(
        "ConfigOptionFilename",
        Func::new(&[Ty::String], None, move |_, a| {
            Ok(read(&v)
                .get(name_arg(a))
                .map(|i| i.filename.clone())
                .unwrap_or_default()
                .into())
        }),
    );
    let v = values.clone();
    map.insert(
        "ConfigOptionEquals",
        Func::new(&[Ty::String, Ty::String], None, move |_, a| {
            let expected = a[1].as_str().unwrap_or_default();
            Ok(option_value(&v, name_arg(a))
                .is_some_and(|s| s == expected)
                .into())
        }),
    );
    map.insert(
        "ConfigOptionNotEquals",
        Func::new(&[Ty::String, Ty::String], None, move |_, a| {
            let expected = a[1].as_str().unwrap_or_default();
            Ok(option_value(&values, name_arg(a))
                .is_some_and(|s| s != expected)
                .into())
        }),
    );
    register_registry(map, inputs);
}

fn register_registry(map: &mut FuncMap, inputs: &TemplateInputs) {
    let registry = inputs.registry.clone();
    let (address, host, namespace) = (
        registry.address(),
        registry.hostname.clone(),
        registry.namespace.clone(),
    );
    map.insert(
        "LocalRegistryAddress",
        Func::new(&[], None, move |_, _| Ok(address.as_str().into())),
    );
    map.insert(
        "LocalRegistryHost",
        Func::new(&[], None, move |_, _| Ok(host.as_str().into())),
    );
    map.insert(
        "LocalRegistryNamespace",
        Func::new(&[], None, move |_, _| Ok(namespace.as_str().into())),
    );
    let has = registry.is_set();
    map.insert(
        "HasLocalRegistry",
        Func::new(&[], None, move |_, _| Ok(has.into())),
    );
    let secret_name =
        kots_core::image::secret_name_from_prefix(&inputs.app_slug).unwrap_or_default();
    map.insert(
        "ImagePullSecretName",
        Func::new(&[], None, move |_, _| Ok(secret_name.as_str().into())),
    );

    let proxy = inputs.proxy_info();
    let pull_secret = if registry.is_set() {
        docker_config_json(
            std::slice::from_ref(&registry.hostname),
            &registry.username,
            &registry.password,
        )
    } else {
        let license_id = inputs
            .license
            .as_deref()
            .map_or("", |l| l.spec.license_id.as_str());
        docker_config_json(&proxy.pull_secret_registries(), "LICENSE_ID", license_id)
    };
    let pull_secret = STANDARD.encode(pull_secret);
    map.insert(
        "LocalRegistryImagePullSecret",
        Func::new(&[], None, move |_, _| Ok(pull_secret.as_str().into())),
    );

    let context = Arc::new(LocalImageContext {
        registry: registry
            .is_set()
            .then(|| Registry::new(registry.hostname.clone(), registry.namespace.clone())),
        proxy_public_images: inputs
            .application
            .as_deref()
            .is_some_and(|a| a.spec.proxy_public_images),
        proxy,
        app_slug: inputs
            .license
            .as_deref()
            .map(|l| l.spec.app_slug.clone())
            .unwrap_or_default(),
    });
    let private: Arc<Vec<String>> = Arc::new(inputs.private_images.clone());
    map.insert(
        "LocalImageName",
        Func::new(&[Ty::String], None, move |_, a| {
            let image = name_arg(a);
            let is_private = |i: &str| Some(inputs_private(&private, i));
            // KOTS logs a rewrite failure and renders "".
            Ok(local_image_name(&context, image, is_private)
                .unwrap_or_default()
                .into())
        }),
    );
}

fn inputs_private(private: &[String], image: &str) -> bool {
    private.iter().any(|p| p == image)
}
