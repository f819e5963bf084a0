//! The license context: `LicenseFieldValue` and `LicenseDockerCfg` (kots-internals §4.3).

use std::sync::Arc;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use kots_core::license::License;

use kots_core::image::{docker_config_json, ProxyInfo};

use super::TemplateInputs;
use crate::template::{Func, FuncMap, Ty, Value};

pub(super) fn register(map: &mut FuncMap, inputs: &TemplateInputs) {
    let license = inputs.license.clone();
    map.insert(
        "LicenseFieldValue",
        Func::new(&[Ty::String], None, move |_, args| {
            let name = args[0].as_str().unwrap_or_default();
            Ok(Value::from(
                license
                    .as_deref()
                    .map(|l| field_value(l, name))
                    .unwrap_or_default(),
            ))
        }),
    );
    let docker_cfg: Arc<str> = inputs
        .license
        .as_deref()
        .map(|l| license_docker_cfg(l, &inputs.proxy_info()))
        .unwrap_or_default()
        .into();
    map.insert(
        "LicenseDockerCfg",
        Func::new(&[], None, move |_, _| Ok(Value::String(docker_cfg.clone()))),
    );
}

/// `licenseFieldValue`: the fixed fields, else the entitlement printed with `%v`, else `""`.
pub(crate) fn field_value(license: &License, name: &str) -> String {
    let spec = &license.spec;
    let flag = |b: bool| b.to_string();
    match name {
        "appSlug" => spec.app_slug.clone(),
        "channelID" => spec.channel_id.clone(),
        "channelName" => spec.channel_name.clone(),
        "customerEmail" => spec.customer_email.clone(),
        "endpoint" if spec.endpoint.is_empty() => "https://replicated.app".into(),
        "endpoint" => spec.endpoint.clone(),
        "licenseID" | "licenseId" => spec.license_id.clone(),
        "licenseSequence" => spec.license_sequence.to_string(),
        "customerName" => spec.customer_name.clone(),
        "signature" => String::from_utf8_lossy(&spec.signature).into_owned(),
        "licenseType" => spec.license_type.clone(),
        "replicatedProxyDomain" => spec.replicated_proxy_domain.clone(),
        "isEmbeddedClusterDownloadEnabled" => flag(spec.is_embedded_cluster_download_enabled),
        "isAirgapSupported" => flag(spec.is_airgap_supported),
        "isEmbeddedClusterMultiNodeEnabled" => flag(spec.is_embedded_cluster_multi_node_enabled),
        "IsDisasterRecoverySupported" | "isDisasterRecoverySupported" => {
            flag(spec.is_disaster_recovery_supported)
        }
        "isGeoaxisSupported" => flag(spec.is_geoaxis_supported),
        "isGitOpsSupported" => flag(spec.is_git_ops_supported),
        "isIdentityServiceSupported" => flag(spec.is_identity_service_supported),
        "isSemverRequired" => flag(spec.is_semver_required),
        "isSnapshotSupported" => flag(spec.is_snapshot_supported),
        "isSupportBundleUploadSupported" => flag(spec.is_support_bundle_upload_supported),
        _ => license.entitlement_text(name).unwrap_or_default(),
    }
}

/// `licenseDockercfg`: base64 of `{"auths":{proxy:{auth},registry:{auth}}}` with
/// `auth = base64("LICENSE_ID:<licenseID>")`.
fn license_docker_cfg(license: &License, info: &ProxyInfo) -> String {
    let json = docker_config_json(
        &info.pull_secret_registries(),
        "LICENSE_ID",
        &license.spec.license_id,
    );
    STANDARD.encode(json)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn license() -> License {
        License::from_yaml(
            "apiVersion: kots.io/v1beta1\nkind: License\nmetadata: {name: x}\nspec:\n  appSlug: my-app\n  \
             licenseID: abc\n  licenseSequence: 7\n  isAirgapSupported: true\n  entitlements:\n    \
             int_field: {value: 123}\n    bool_field: {value: true}\n    missing: {title: M}\n",
        )
        .unwrap()
    }

    #[test]
    fn fields_and_entitlements() {
        let l = license();
        assert_eq!(field_value(&l, "appSlug"), "my-app");
        assert_eq!(field_value(&l, "licenseId"), "abc");
        assert_eq!(field_value(&l, "licenseSequence"), "7");
        assert_eq!(field_value(&l, "endpoint"), "https://replicated.app");
        assert_eq!(field_value(&l, "isAirgapSupported"), "true");
        assert_eq!(field_value(&l, "isGitOpsSupported"), "false");
        assert_eq!(field_value(&l, "int_field"), "123");
        assert_eq!(field_value(&l, "bool_field"), "true");
        assert_eq!(field_value(&l, "missing"), "<nil>");
        assert_eq!(field_value(&l, "nope"), "");
    }
}
