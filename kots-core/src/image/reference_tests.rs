use super::*;

const DIGEST: &str = "sha256:e6693c20186f837fc393390135d8a598a96a833917917789d63766cab6c59582";

fn normalized(s: &str) -> String {
    Reference::parse_normalized(s).unwrap().to_string()
}

fn go_error(s: &str) -> String {
    Reference::parse_normalized(s).unwrap_err().go_message()
}

/// distribution's `TestParseDockerRef`.
#[test]
fn parse_docker_ref_cases() {
    let cases = [
        ("busybox", "docker.io/library/busybox:latest".to_string()),
        ("busybox:latest", "docker.io/library/busybox:latest".into()),
        (
            &*format!("busybox@{DIGEST}"),
            format!("docker.io/library/busybox@{DIGEST}"),
        ),
        ("library/busybox", "docker.io/library/busybox:latest".into()),
        (
            "docker.io/busybox",
            "docker.io/library/busybox:latest".into(),
        ),
        (
            "docker.io/library/busybox",
            "docker.io/library/busybox:latest".into(),
        ),
        (
            "docker.io/busybox:latest",
            "docker.io/library/busybox:latest".into(),
        ),
        (
            "gcr.io/library/busybox",
            "gcr.io/library/busybox:latest".into(),
        ),
        (
            &*format!("gcr.io/library/busybox:latest@{DIGEST}"),
            format!("gcr.io/library/busybox@{DIGEST}"),
        ),
    ];
    for (input, want) in cases {
        let got = Reference::parse_docker_ref(input).unwrap().to_string();
        assert_eq!(got, want, "{input}");
        Reference::parse(&got).unwrap();
    }
}

#[test]
fn domain_detection() {
    assert_eq!(normalized("localhost/app"), "localhost/app");
    assert_eq!(normalized("localhost:5000/app:1"), "localhost:5000/app:1");
    assert_eq!(
        normalized("index.docker.io/redis"),
        "docker.io/library/redis"
    );
    assert_eq!(
        normalized("index.docker.io/org/redis"),
        "docker.io/org/redis"
    );
    assert_eq!(normalized("org/app"), "docker.io/org/app");
    // A bare `localhost:5000` is a repository `localhost` with tag `5000`.
    assert_eq!(
        normalized("localhost:5000"),
        "docker.io/library/localhost:5000"
    );
    // A first component that is not a valid domain is part of the path.
    let odd = Reference::parse_normalized("a_b.com/x").unwrap();
    assert_eq!((odd.domain(), odd.path()), ("", "a_b.com/x"));
}

#[test]
fn familiar_forms() {
    let f = |s: &str| Reference::parse_normalized(s).unwrap().familiar_string();
    assert_eq!(f("docker.io/library/redis:7"), "redis:7");
    assert_eq!(f("docker.io/org/redis"), "org/redis");
    assert_eq!(f("docker.io/library/a/b"), "library/a/b");
    assert_eq!(f("quay.io/org/app"), "quay.io/org/app");
}

#[test]
fn errors_match_go() {
    assert_eq!(go_error(""), "invalid reference format");
    assert_eq!(
        go_error("Nginx"),
        "invalid reference format: repository name must be lowercase"
    );
    assert_eq!(
        go_error("Org/app"),
        "invalid reference format: repository name must be lowercase"
    );
    assert_eq!(
        go_error("example.com/Org/app"),
        "invalid reference format: repository name must be lowercase"
    );
    assert_eq!(go_error("nginx:"), "invalid reference format");
    assert_eq!(go_error("nginx@sha256:abc"), "invalid reference format");
    let hex = "a".repeat(64);
    assert_eq!(
        go_error(&hex),
        format!("invalid repository name ({hex}), cannot specify 64-byte hexadecimal strings")
    );
    assert_eq!(
        go_error(&format!("a@sha256:{}", "A".repeat(64))),
        "invalid checksum digest format"
    );
    assert_eq!(
        go_error(&format!("a@sha256:{}", "a".repeat(63))),
        "invalid checksum digest length"
    );
    assert_eq!(
        go_error(&format!("a@md5:{}", "a".repeat(32))),
        "unsupported digest algorithm"
    );
    assert!(Reference::parse_normalized(&format!("a@sha512:{}", "a".repeat(128))).is_ok());
}

#[test]
fn length_limit_counts_the_domain() {
    // 2.8: the limit applies to domain + path.
    let path = "a".repeat(NAME_TOTAL_LENGTH_MAX - "docker.io/library/".len());
    assert!(Reference::parse_normalized(&path).is_ok());
    let err = Reference::parse_normalized(&format!("{path}a")).unwrap_err();
    assert_eq!(
        err.go_message(),
        "repository name must not be more than 255 characters"
    );
}

#[test]
fn tag_limit_and_unicode() {
    assert!(Reference::parse_normalized(&format!("a:{}", "t".repeat(128))).is_ok());
    assert!(Reference::parse_normalized(&format!("a:{}", "t".repeat(129))).is_err());
    // Kelvin sign lower-cases to ASCII `k` in Go too.
    assert_eq!(
        go_error("example.com/\u{212A}"),
        "invalid reference format: repository name must be lowercase"
    );
    assert_eq!(go_error("a:é"), "invalid reference format");
}
