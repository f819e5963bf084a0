//! Cases from kots `Test_localImageName` (pkg/template/config_context_test.go),
//! `pkg/docker/registry/images_test.go` and `GetRegistryProxyInfo`.

use super::*;

const SHA: &str = "sha256:45b23dee08af5e43a7fea6c4cf9c25ccf269ee113168c19722f87876677c5cb2";

/// kots' test double: only quay.io images are private.
fn mock_is_private(image: &str) -> Option<bool> {
    Some(image.starts_with("quay.io/"))
}

#[test]
fn kots_local_image_name_cases() {
    let with_registry = LocalImageContext {
        registry: Some(Registry::new("my.registry.com", "my_namespace")),
        ..LocalImageContext::default()
    };
    let without_registry = LocalImageContext {
        app_slug: "myslug".into(),
        ..LocalImageContext::default()
    };
    let proxy_all = LocalImageContext {
        proxy_public_images: true,
        ..without_registry.clone()
    };
    let custom = LocalImageContext {
        proxy: ProxyInfo::default()
            .with_overrides(Some("custom.proxy.com"), Some("custom.registry.com")),
        ..without_registry.clone()
    };
    let nothing = LocalImageContext::default();
    let quay = format!("quay.io/replicated/myimage@{SHA}");
    let cases: [(&LocalImageContext, &str, String); 9] = [
        (
            &with_registry,
            "nginx:latest",
            "my.registry.com/my_namespace/nginx:latest".into(),
        ),
        (
            &with_registry,
            "registry.replicated.com/kots/myimage:abcd123",
            "my.registry.com/my_namespace/myimage:abcd123".into(),
        ),
        (&without_registry, "redis:latest", "redis:latest".into()),
        (
            &proxy_all,
            "redis:latest",
            "proxy.replicated.com/proxy/myslug/redis:latest".into(),
        ),
        (
            &without_registry,
            &quay,
            format!("proxy.replicated.com/proxy/myslug/{quay}"),
        ),
        (
            &without_registry,
            "registry.replicated.com/kots/myimage:v1.13.0",
            "registry.replicated.com/kots/myimage:v1.13.0".into(),
        ),
        (
            &custom,
            &quay,
            format!("custom.proxy.com/proxy/myslug/{quay}"),
        ),
        (
            &custom,
            "custom.registry.com/kots/myimage:v1.13.0",
            "custom.registry.com/kots/myimage:v1.13.0".into(),
        ),
        (
            &nothing,
            &quay,
            format!("proxy.replicated.com/proxy//{quay}"),
        ),
    ];
    for (ctx, image, want) in cases {
        assert_eq!(
            local_image_name(ctx, image, mock_is_private).unwrap(),
            want,
            "{image}"
        );
    }
}

#[test]
fn local_image_name_failures() {
    let ctx = LocalImageContext::default();
    // A failed privacy probe renders "" in KOTS.
    assert_eq!(local_image_name(&ctx, "quay.io/a/b", |_| None).unwrap(), "");
    assert!(local_image_name(&ctx, "quay.io/A/b", |_| Some(true)).is_err());
    let with_registry = LocalImageContext {
        registry: Some(Registry::new("r.local", "")),
        ..ctx
    };
    assert!(local_image_name(&with_registry, "Bad Ref", |_| Some(true)).is_err());
}

#[test]
fn upstream_registry_moves_to_custom_domain() {
    let info = ProxyInfo::default().with_overrides(None, Some("images.vendor.com"));
    assert_eq!(
        info.rewrite_private_image("registry.replicated.com/app/api:1", "app")
            .unwrap(),
        "images.vendor.com/app/api:1"
    );
}

/// `pkg/docker/registry/images_test.go (TestMakeProxiedImageURL)`.
#[test]
fn make_proxied_image_url_cases() {
    assert_eq!(
        make_proxied_image_url("host", "slug", "registry:5000/image:tag"),
        "host/proxy/slug/registry:5000/image"
    );
    assert_eq!(
        make_proxied_image_url("proxy.replicated.com", "myslug", "redis:latest"),
        "proxy.replicated.com/proxy/myslug/redis"
    );
    assert_eq!(
        make_proxied_image_url("host", "slug", "host/proxy/slug/app:1"),
        "host/proxy/slug/app"
    );
    assert_eq!(make_proxied_image_url("host", "", "a/b"), "host/proxy//a/b");
}

#[test]
fn registry_proxy_info_from_license() {
    assert_eq!(ProxyInfo::from_license_endpoint(""), ProxyInfo::default());
    assert_eq!(
        ProxyInfo::from_license_endpoint("replicated.registry.com"),
        ProxyInfo::default()
    );
    let staging = ProxyInfo::from_license_endpoint("https://staging.replicated.app");
    assert_eq!(staging.proxy, "proxy.staging.replicated.com");
    assert_eq!(staging.registry, "registry.staging.replicated.com");
    let okteto =
        ProxyInfo::from_license_endpoint("https://replicated-app-alice.okteto.repldev.com");
    assert_eq!(
        okteto.registry,
        "vendor-registry-v2-alice.okteto.repldev.com"
    );
    assert_eq!(okteto.proxy, "registry-proxy-alice.okteto.repldev.com");
    let app_then_installation = ProxyInfo::default()
        .with_overrides(Some("app.proxy"), Some("app.registry"))
        .with_overrides(Some("inst.proxy"), None);
    assert_eq!(
        app_then_installation.pull_secret_registries(),
        ["inst.proxy", "app.registry"]
    );
}

#[test]
fn rewrite_private_images_uses_normalised_names() {
    let info = ProxyInfo::default();
    let images = [
        "nginx:1".to_string(),
        format!("quay.io/org/app@{SHA}"),
        "registry.replicated.com/app/x:1".into(),
    ];
    let list = info
        .rewrite_private_images(&images, |_| true, "slug")
        .unwrap();
    let names: Vec<(&str, &str)> = list
        .iter()
        .map(|i| (i.name.as_str(), i.new_name.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            (
                "docker.io/library/nginx",
                "proxy.replicated.com/proxy/slug/nginx"
            ),
            ("library/nginx", "proxy.replicated.com/proxy/slug/nginx"),
            ("nginx", "proxy.replicated.com/proxy/slug/nginx"),
            ("docker.io/nginx", "proxy.replicated.com/proxy/slug/nginx"),
            (
                "quay.io/org/app",
                "proxy.replicated.com/proxy/slug/quay.io/org/app"
            ),
        ]
    );
    assert_eq!(list[0].new_tag, "1");
    assert_eq!(list[4].digest, SHA);
}
