//! Cases from kots `pkg/imageutil/image_test.go` and the `taganddigest-rewrite` pull case.

use super::*;

const SHA: &str = "sha256:06b5d462c92fc39303e6363c65e074559f8d6b1363250027ed5053557e3398c5";

fn entry(name: &str, new_name: &str, tag: &str, digest: &str) -> KustomizeImage {
    KustomizeImage {
        name: name.into(),
        new_name: new_name.into(),
        new_tag: tag.into(),
        digest: digest.into(),
    }
}

/// `TestRewriteDockerRegistryImage`.
#[test]
fn rewrite_docker_registry_image() {
    for (src_name, ns_list) in [
        ("alpine", ["", "replicatedcom"]),
        ("quay.io/replicatedhq/alpine", ["", "replicatedcom"]),
    ] {
        for ns in ns_list {
            let registry = Registry::new("private.registry.com", ns);
            let new_name = join(&["private.registry.com", ns, "alpine"]);
            let cases = [
                (src_name.to_string(), "latest", ""),
                (format!("{src_name}:3.14"), "3.14", ""),
                (format!("{src_name}@{SHA}"), "", SHA),
                (format!("{src_name}:3.14@{SHA}"), "", SHA),
            ];
            for (src, tag, digest) in cases {
                assert_eq!(
                    registry.kustomize_image(&src).unwrap(),
                    entry(src_name, &new_name, tag, digest),
                    "{src} ns={ns}"
                );
            }
        }
        let multi = Registry::new("private.registry.com", "replicatedcom/test");
        assert_eq!(
            multi
                .kustomize_image(&format!("{src_name}:3.14@{SHA}"))
                .unwrap(),
            entry(
                src_name,
                "private.registry.com/replicatedcom/test/alpine",
                "",
                SHA
            )
        );
    }
}

use super::super::go_path::join;

/// `Test_DestImage`.
#[test]
fn dest_image() {
    let r = Registry::new("localhost:5000", "somebigbank");
    let digest = "sha256:17c5f462c92fc39303e6363c65e074559f8d6a1354150027ed5053557e3298c5";
    let cases = [
        (
            "411111111111.dkr.ecr.us-west-1.amazonaws.com/myrepo:v0.0.1".to_string(),
            "localhost:5000/somebigbank/myrepo:v0.0.1".to_string(),
        ),
        (
            "quay.io/someorg/debian:0.1".into(),
            "localhost:5000/somebigbank/debian:0.1".into(),
        ),
        (
            format!("quay.io/someorg/debian@{digest}"),
            format!("localhost:5000/somebigbank/debian@{digest}"),
        ),
        (
            format!("quay.io/someorg/debian:0.1@{digest}"),
            format!("localhost:5000/somebigbank/debian@{digest}"),
        ),
    ];
    for (src, want) in cases {
        assert_eq!(r.dest_image(&src).unwrap(), want);
    }
    assert_eq!(
        Registry::new("localhost:5000", "")
            .dest_image("quay.io/someorg/debian:0.1")
            .unwrap(),
        "localhost:5000/debian:0.1"
    );
    assert!(r.dest_image("Not A Ref").is_err());
}

/// `TestDestImageFromKustomizeImage`.
#[test]
fn dest_image_from_kustomize_image() {
    let n = "private.registry.com/replicatedcom/alpine";
    assert_eq!(
        entry("", n, "latest", "").dest_image(),
        format!("{n}:latest")
    );
    assert_eq!(entry("", n, "3.14", "").dest_image(), format!("{n}:3.14"));
    assert_eq!(entry("", n, "", SHA).dest_image(), format!("{n}@{SHA}"));
    assert_eq!(entry("", n, "3.14", SHA).dest_image(), format!("{n}@{SHA}"));
}

/// `Test_BuildImageAltNames`.
#[test]
fn alt_names() {
    let u = |name: &str| entry(name, "unchanged", "unchanged", "unchanged");
    let names = |name: &str| -> Vec<String> {
        build_alt_names(u(name))
            .unwrap()
            .into_iter()
            .map(|i| i.name)
            .collect()
    };
    assert_eq!(
        names("myregistry.com/repo/image:tag"),
        ["myregistry.com/repo/image:tag"]
    );
    assert_eq!(
        names("docker.io/library/image:latest"),
        [
            "docker.io/library/image:latest",
            "library/image:latest",
            "image:latest",
            "docker.io/image:latest"
        ]
    );
    assert_eq!(
        names("docker.io/myrepo/image:tag"),
        ["docker.io/myrepo/image:tag", "myrepo/image:tag"]
    );
    assert_eq!(
        names("myrepo/image:tag"),
        ["myrepo/image:tag", "docker.io/myrepo/image:tag"]
    );
    assert!(build_alt_names(u("docker.io/library/image:latest"))
        .unwrap()
        .iter()
        .all(|i| i.new_name == "unchanged" && i.new_tag == "unchanged" && i.digest == "unchanged"));
}

/// `Test_KustomizeImage`.
#[test]
fn kustomize_image_alt_names() {
    let big = Registry::new("localhost:5000", "somebigbank");
    let redis =
        |r: &Registry, image: &str| -> Vec<KustomizeImage> { r.kustomize_images(image).unwrap() };
    let four = |names: [&str; 4], new_name: &str, tag: &str, digest: &str| -> Vec<KustomizeImage> {
        names
            .iter()
            .map(|n| entry(n, new_name, tag, digest))
            .collect()
    };
    let std_order = [
        "redis",
        "docker.io/library/redis",
        "library/redis",
        "docker.io/redis",
    ];
    assert_eq!(
        redis(&big, "redis"),
        four(std_order, "localhost:5000/somebigbank/redis", "latest", "")
    );
    assert_eq!(
        redis(&big, "redis:v1"),
        four(std_order, "localhost:5000/somebigbank/redis", "v1", "")
    );
    let small = Registry::new("localhost:5000", "somesmallcorp");
    let d = "sha256:ae39a6f5c07297d7ab64dbd4f82c77c874cc6a94cea29fdec309d0992574b4f7";
    assert_eq!(
        redis(&small, &format!("redis@{d}")),
        four(std_order, "localhost:5000/somesmallcorp/redis", "", d)
    );
    assert_eq!(
        redis(&big, "library/redis:v1"),
        four(
            [
                "library/redis",
                "redis",
                "docker.io/redis",
                "docker.io/library/redis"
            ],
            "localhost:5000/somebigbank/redis",
            "v1",
            ""
        )
    );
    assert_eq!(
        redis(&big, "quay.io/library/redis:v1"),
        vec![entry(
            "quay.io/library/redis",
            "localhost:5000/somebigbank/redis",
            "v1",
            ""
        )]
    );
    assert_eq!(
        redis(&big, &format!("quay.io/library/alpine:3.14@{SHA}")),
        vec![entry(
            "quay.io/library/alpine",
            "localhost:5000/somebigbank/alpine",
            "",
            SHA
        )]
    );
    assert_eq!(
        redis(&big, "example.com:5000/library/redis:v1"),
        vec![entry(
            "example.com:5000/library/redis",
            "localhost:5000/somebigbank/redis",
            "v1",
            ""
        )]
    );
    assert_eq!(
        redis(&big, "example.com:5000/library/redis"),
        vec![entry(
            "example.com:5000/library/redis",
            "localhost:5000/somebigbank/redis",
            "latest",
            ""
        )]
    );
    assert_eq!(
        redis(&big, "fluent/fluentd:v1.7"),
        vec![
            entry(
                "fluent/fluentd",
                "localhost:5000/somebigbank/fluentd",
                "v1.7",
                ""
            ),
            entry(
                "docker.io/fluent/fluentd",
                "localhost:5000/somebigbank/fluentd",
                "v1.7",
                ""
            ),
        ]
    );
    assert_eq!(
        redis(
            &big,
            "111122222333.dkr.ecr.us-east-1.amazonaws.com/frontend:v1.0.1"
        ),
        vec![entry(
            "111122222333.dkr.ecr.us-east-1.amazonaws.com/frontend",
            "localhost:5000/somebigbank/frontend",
            "v1.0.1",
            ""
        )]
    );
    assert_eq!(
        redis(&Registry::new("localhost:5000", ""), "docker.io/redis:v1"),
        four(
            [
                "docker.io/redis",
                "redis",
                "docker.io/library/redis",
                "library/redis"
            ],
            "localhost:5000/redis",
            "v1",
            ""
        )
    );
}

/// `Test_StripImageTagAndDigest`.
#[test]
fn strip() {
    for (image, want) in [
        ("myimage", "myimage"),
        ("example.com:5000/myimage", "example.com:5000/myimage"),
        ("myimage:abc", "myimage"),
        ("example.com:5000/myimage:abc", "example.com:5000/myimage"),
        ("myimage@sha256:abc", "myimage"),
        (
            "example.com:5000/myimage@sha256:abc",
            "example.com:5000/myimage",
        ),
        ("myimage:1@sha256:abc", "myimage"),
        (
            "example.com:5000/myimage:1@sha256:abc",
            "example.com:5000/myimage",
        ),
    ] {
        assert_eq!(strip_tag_and_digest(image), want);
    }
}

/// `Test_RewriteDockerArchiveImage`.
#[test]
fn docker_archive_image() {
    let r = Registry::new("localhost:5000", "somebigbank");
    assert!(r.docker_archive_image(&["quay.io", "latest"]).is_err());
    assert_eq!(
        r.docker_archive_image(&[
            "411111111111.dkr.ecr.us-west-1.amazonaws.com",
            "myrepo",
            "v0.0.1"
        ])
        .unwrap(),
        entry(
            "411111111111.dkr.ecr.us-west-1.amazonaws.com/myrepo",
            "localhost:5000/somebigbank/myrepo",
            "v0.0.1",
            ""
        )
    );
    assert_eq!(
        r.docker_archive_image(&["quay.io", "someorg", "debian", "0.1"])
            .unwrap(),
        entry(
            "quay.io/someorg/debian",
            "localhost:5000/somebigbank/debian",
            "0.1",
            ""
        )
    );
    assert_eq!(
        r.docker_archive_image(&["quay.io", "someorg", "debian", "sha256", "1234567890abcdef"])
            .unwrap(),
        entry(
            "quay.io/someorg/debian",
            "localhost:5000/somebigbank/debian",
            "",
            "sha256:1234567890abcdef"
        )
    );
    assert_eq!(
        Registry::new("localhost:5000", "")
            .docker_archive_image(&["quay.io", "someorg", "debian", "0.1"])
            .unwrap(),
        entry("quay.io/someorg/debian", "localhost:5000/debian", "0.1", "")
    );
}

/// The midstream `images` list of kots `pkg/tests/pull/cases/taganddigest-rewrite`.
#[test]
fn taganddigest_rewrite_kustomization_images() {
    let d1 = "sha256:f26fbadb0acab4a21ecb4e337a326907e61fbec36c9a9b52e725669d99ed1261";
    let d2 = "sha256:790711e34858c9b0741edffef6ed3d8199d8faa33f2870dea5db70f16384df79";
    let mut images = vec![
        format!("nginx:1@{d1}"),
        format!("nginx@{d2}"),
        format!("nginx@{d1}"),
        "nginx:1.23".into(),
        "nginx:1".into(),
    ];
    images.sort();
    let list = kustomization_images(
        Registry::parse("ttl.sh/test")
            .rewrite_images(&images)
            .unwrap(),
    );
    let want: Vec<KustomizeImage> = [
        "nginx",
        "docker.io/library/nginx",
        "library/nginx",
        "docker.io/nginx",
    ]
    .iter()
    .map(|n| entry(n, "ttl.sh/test/nginx", "", ""))
    .collect();
    assert_eq!(list, want);
}

/// A private registry on a bracketed IPv6 host (`--registry [::1]:5000/ns`): the host is split at
/// the first `/` and kept as written, and the rewritten references parse back with that domain.
#[test]
fn ipv6_registry_host() {
    let registry = Registry::parse("[::1]:5000/ns");
    assert_eq!(
        (registry.endpoint.as_str(), registry.namespace.as_str()),
        ("[::1]:5000", "ns")
    );
    let dest = registry.dest_image("quay.io/org/app:1").unwrap();
    assert_eq!(dest, "[::1]:5000/ns/app:1");
    assert_eq!(
        Reference::parse_normalized(&dest).unwrap().domain(),
        "[::1]:5000"
    );
    let entries = registry.kustomize_images("nginx").unwrap();
    assert_eq!(entries[0].new_name, "[::1]:5000/ns/nginx");
    assert_eq!(entries[0].new_tag, "latest");
    // An image already on an IPv6 registry moves like any other.
    assert_eq!(
        Registry::parse("[2001:db8::1]")
            .dest_image("[::1]:5000/a/b@sha256:e6693c20186f837fc393390135d8a598a96a833917917789d63766cab6c59582")
            .unwrap(),
        "[2001:db8::1]/b@sha256:e6693c20186f837fc393390135d8a598a96a833917917789d63766cab6c59582"
    );
}
