use super::*;

const DIGEST: &str = "sha256:e6693c20186f837fc393390135d8a598a96a833917917789d63766cab6c59582";

fn normalized(s: &str) -> String {
    Reference::parse_normalized(s).unwrap().to_string()
}

/// The report of a valid reference, checked against its normalized, familiar, domain and path.
fn valid_report(input: &str, [normalized, familiar, domain, path]: [&str; 4]) -> ReferenceReport {
    let r = ReferenceReport::of(input);
    assert_eq!(r.error, None, "{input}");
    assert_eq!(r.normalized.as_deref(), Some(normalized), "{input}");
    assert_eq!(r.familiar.as_deref(), Some(familiar), "{input}");
    assert_eq!(r.domain.as_deref(), Some(domain), "{input}");
    assert_eq!(r.path.as_deref(), Some(path), "{input}");
    r
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
        "invalid reference format: repository name (library/Nginx) must be lowercase"
    );
    assert_eq!(
        go_error("example.com/Org/app"),
        "invalid reference format: repository name (Org/app) must be lowercase"
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

/// v0.6.0's `ParseNormalizedNamed` takes a first component that is not all lower case as a
/// domain (2.8 kept it in the path and rejected it as upper case): the cases of its
/// `TestValidateReferenceName` and `TestParseRepositoryInfo`, and their consequences.
#[test]
fn upper_case_first_component_is_a_domain() {
    // (input, normalized, familiar, domain, path)
    let valid = [
        ("Foo/bar", "Foo/bar:latest", "Foo/bar", "Foo", "bar"),
        ("FOO/bar", "FOO/bar:latest", "FOO/bar", "FOO", "bar"),
        (
            "Docker/docker",
            "Docker/docker:latest",
            "Docker/docker",
            "Docker",
            "docker",
        ),
        (
            "DOCKER/docker",
            "DOCKER/docker:latest",
            "DOCKER/docker",
            "DOCKER",
            "docker",
        ),
        (
            "LOCALDOMAIN/fooo",
            "LOCALDOMAIN/fooo:latest",
            "LOCALDOMAIN/fooo",
            "LOCALDOMAIN",
            "fooo",
        ),
        (
            "LOCALDOMAIN/fooo/bar",
            "LOCALDOMAIN/fooo/bar:latest",
            "LOCALDOMAIN/fooo/bar",
            "LOCALDOMAIN",
            "fooo/bar",
        ),
        (
            "LOCALDOMAIN/library/debian",
            "LOCALDOMAIN/library/debian:latest",
            "LOCALDOMAIN/library/debian",
            "LOCALDOMAIN",
            "library/debian",
        ),
        // Not `localhost`, so not special, but a domain all the same; no `library/` is added.
        (
            "LOCALHOST/app",
            "LOCALHOST/app:latest",
            "LOCALHOST/app",
            "LOCALHOST",
            "app",
        ),
        // The case v0.6.0's TestReferenceParse marks FIXME: accepted, with a domain.
        (
            "Uppercase/lowercase:tag",
            "Uppercase/lowercase:tag",
            "Uppercase/lowercase:tag",
            "Uppercase",
            "lowercase",
        ),
        ("A-b/c:V1", "A-b/c:V1", "A-b/c:V1", "A-b", "c"),
    ];
    for (input, normalized, familiar, domain, path) in valid {
        valid_report(input, [normalized, familiar, domain, path]);
    }
    assert_eq!(
        Reference::parse_docker_ref(&format!("Foo/bar:1@{DIGEST}"))
            .unwrap()
            .to_string(),
        format!("Foo/bar@{DIGEST}")
    );
    // The rest of the name is still checked for upper case, and named in the error.
    assert_eq!(
        go_error("Foo/Bar"),
        "invalid reference format: repository name (Bar) must be lowercase"
    );
    assert_eq!(
        go_error("Foo/FarB"),
        "invalid reference format: repository name (FarB) must be lowercase"
    );
    // A component that lower-cases to a valid domain but is not one (`_`, non-ASCII) fails the
    // grammar: Parse's "must be lowercase" when the lower-cased string would parse, else the
    // plain format error.
    for input in ["Foo_x/bar", "\u{130}stanbul/x", "\u{212A}/bar"] {
        assert_eq!(
            go_error(input),
            "repository name must be lowercase",
            "{input}"
        );
    }
    assert_eq!(go_error("\u{c9}/bar"), "invalid reference format");
    // A lower-case first component without `.`, `:` or `localhost` stays in the Docker Hub path.
    assert_eq!(
        go_error("a/B/c"),
        "invalid reference format: repository name (a/B/c) must be lowercase"
    );
}

/// v0.6.0's upper-case error names the remote name: the text after the domain up to the first
/// `:`, with `library/` added for single-component Docker Hub names (2.8 had no name in it).
#[test]
fn upper_case_error_names_the_repository() {
    let d = &DIGEST["sha256:".len()..];
    let cases = [
        ("Nginx", "library/Nginx"),
        ("Uppercase:tag", "library/Uppercase"),
        ("docker.io/Nginx:1", "library/Nginx"),
        ("index.docker.io/Nginx", "library/Nginx"),
        ("docker.io/docker/Docker", "docker/Docker"),
        ("org/App:tag", "org/App"),
        ("localhost/App", "App"),
        ("test:5000/Uppercase/lowercase:tag", "Uppercase/lowercase"),
        ("[::1]:5000/App", "App"),
        (&*format!("app@SHA256:{d}"), "library/app@SHA256"),
        ("K", "library/K"),
    ];
    for (input, remote) in cases {
        let err = Reference::parse_normalized(input).unwrap_err();
        assert_eq!(
            err,
            ReferenceError::RepositoryUppercase {
                input: input.into(),
                remote: remote.into()
            },
            "{input}"
        );
        assert_eq!(
            err.go_message(),
            format!("invalid reference format: repository name ({remote}) must be lowercase")
        );
    }
}

/// v0.6.0 limits the path to 255 characters, not domain and path together as 2.8 did: the
/// cases of its `TestReferenceParse`, `TestWithNameFailure` and `TestValidateRemoteName`.
#[test]
fn length_limit_counts_the_path() {
    let too_long = "repository name must not be more than 255 characters";
    let a = |n: usize| "a".repeat(n);
    // Parse: "domain" is a valid domain, so the path is the 256 `a`s.
    let err = Reference::parse(&format!("domain/{}:tag", a(256))).unwrap_err();
    assert_eq!(err.go_message(), too_long);
    assert_eq!(
        err,
        ReferenceError::NameTooLong {
            input: format!("domain/{}:tag", a(256)),
            length: 256
        }
    );
    let r = Reference::parse(&format!("example.com/{}:tag", a(255))).unwrap();
    assert_eq!((r.domain(), r.path().len()), ("example.com", 255));
    // 2.8's own too-long case: the domain `a` leaves a path of 255.
    let r = Reference::parse(&format!("{}a:tag", "a/".repeat(128))).unwrap();
    assert_eq!(
        (r.domain(), r.path().len(), r.tag()),
        ("a", 255, Some("tag"))
    );
    assert_eq!(
        Reference::parse(&format!("example.com/{}", a(256)))
            .unwrap_err()
            .go_message(),
        too_long
    );

    // Normalised: `library/` counts, `docker.io/` does not.
    let path_of = |s: &str| Reference::parse_normalized(s).map(|r| r.path().len());
    assert_eq!(path_of(&a(247)), Ok(255));
    assert_eq!(path_of(&format!("org/{}", a(251))), Ok(255));
    assert_eq!(path_of(&format!("example.com/{}", a(255))), Ok(255));
    for input in [
        a(248),
        format!("org/{}", a(252)),
        format!("example.com:5000/{}", a(256)),
        format!("{}x/docker", "this_is_not_a_valid_namespace_".repeat(9)),
    ] {
        let err = Reference::parse_normalized(&input).unwrap_err();
        assert_eq!(err.go_message(), too_long, "{input}");
    }
    // A path that does not start with a valid domain is counted whole.
    assert_eq!(go_error(&format!("a_b.com/{}", a(248))), too_long);
    // The limit is checked before the digest.
    let md5 = format!("@md5:{}", "0".repeat(32));
    assert_eq!(go_error(&format!("example.com/{}{md5}", a(256))), too_long);
    assert_eq!(
        go_error(&format!("example.com/{}{md5}", a(255))),
        "unsupported digest algorithm"
    );
}

#[test]
fn empty_name() {
    let err = Reference::parse("").unwrap_err();
    assert_eq!(err, ReferenceError::NameEmpty { input: "".into() });
    assert_eq!(
        err.go_message(),
        "repository name must have at least one component"
    );
}

#[test]
fn tag_limit_and_unicode() {
    assert!(Reference::parse_normalized(&format!("a:{}", "t".repeat(128))).is_ok());
    assert!(Reference::parse_normalized(&format!("a:{}", "t".repeat(129))).is_err());
    // Kelvin sign lower-cases to ASCII `k` in Go too.
    assert_eq!(
        go_error("example.com/\u{212A}"),
        "invalid reference format: repository name (\u{212A}) must be lowercase"
    );
    assert_eq!(go_error("a:é"), "invalid reference format");
}

/// Bracketed IPv6 hosts, as `github.com/distribution/reference` v0.6.0 (KOTS's `go.mod`) parses
/// them: the cases of its `TestReferenceParse`, `TestValidateReferenceName`,
/// `TestValidateRemoteName` and `TestDomainRegexp`. Debian's 2.8 (the Go oracle) has no IPv6, so
/// these are checked here instead of against the oracle.
#[test]
fn ipv6_hosts() {
    // (input, normalized, familiar, domain, path, tag)
    let ffff = format!("sha256:{}", "f".repeat(64));
    let valid = [
        (
            "[2001:db8::1]/repo",
            "[2001:db8::1]/repo:latest",
            "[2001:db8::1]/repo",
            "[2001:db8::1]",
            "repo",
            "latest",
        ),
        (
            "[2001:db8:1:2:3:4:5:6]/repo:tag",
            "[2001:db8:1:2:3:4:5:6]/repo:tag",
            "[2001:db8:1:2:3:4:5:6]/repo:tag",
            "[2001:db8:1:2:3:4:5:6]",
            "repo",
            "tag",
        ),
        (
            "[2001:db8::1]:5000/repo",
            "[2001:db8::1]:5000/repo:latest",
            "[2001:db8::1]:5000/repo",
            "[2001:db8::1]:5000",
            "repo",
            "latest",
        ),
        (
            "[2001:db8::1]:5000/repo:tag",
            "[2001:db8::1]:5000/repo:tag",
            "[2001:db8::1]:5000/repo:tag",
            "[2001:db8::1]:5000",
            "repo",
            "tag",
        ),
        (
            "[2001:db8::]:5000/repo",
            "[2001:db8::]:5000/repo:latest",
            "[2001:db8::]:5000/repo",
            "[2001:db8::]:5000",
            "repo",
            "latest",
        ),
        (
            "[::1]:5000/repo",
            "[::1]:5000/repo:latest",
            "[::1]:5000/repo",
            "[::1]:5000",
            "repo",
            "latest",
        ),
        (
            "[::1]/app",
            "[::1]/app:latest",
            "[::1]/app",
            "[::1]",
            "app",
            "latest",
        ),
        (
            "[fc00::1]:5000/docker/docker",
            "[fc00::1]:5000/docker/docker:latest",
            "[fc00::1]:5000/docker/docker",
            "[fc00::1]:5000",
            "docker/docker",
            "latest",
        ),
        (
            "[fc00:1:2:3:4:5:6:7]:5000/library/debian",
            "[fc00:1:2:3:4:5:6:7]:5000/library/debian:latest",
            "[fc00:1:2:3:4:5:6:7]:5000/library/debian",
            "[fc00:1:2:3:4:5:6:7]:5000",
            "library/debian",
            "latest",
        ),
        (
            "[2001:0db8:85a3:0000:0000:8a2e:0370:7334]:443/org/app:1",
            "[2001:0db8:85a3:0000:0000:8a2e:0370:7334]:443/org/app:1",
            "[2001:0db8:85a3:0000:0000:8a2e:0370:7334]:443/org/app:1",
            "[2001:0db8:85a3:0000:0000:8a2e:0370:7334]:443",
            "org/app",
            "1",
        ),
        // Upper-case hex is allowed (the host is not part of the lower-case rule) and kept as written.
        (
            "[2001:DB8::1]/foo",
            "[2001:DB8::1]/foo:latest",
            "[2001:DB8::1]/foo",
            "[2001:DB8::1]",
            "foo",
            "latest",
        ),
        // The grammar checks the characters, not the address: Go also accepts these.
        (
            "[fd00123123123]:5000/x",
            "[fd00123123123]:5000/x:latest",
            "[fd00123123123]:5000/x",
            "[fd00123123123]:5000",
            "x",
            "latest",
        ),
        (
            "[:]:1/x",
            "[:]:1/x:latest",
            "[:]:1/x",
            "[:]:1",
            "x",
            "latest",
        ),
    ];
    for (input, normalized, familiar, domain, path, tag) in valid {
        let r = valid_report(input, [normalized, familiar, domain, path]);
        assert_eq!(r.tag.as_deref(), Some(tag), "{input}");
    }
    let pinned = ReferenceReport::of(&format!("[2001:db8::1]:5000/repo:tag@{ffff}"));
    assert_eq!(
        (
            pinned.domain.as_deref(),
            pinned.tag.as_deref(),
            pinned.digest.as_deref()
        ),
        (Some("[2001:db8::1]:5000"), Some("tag"), Some(&*ffff))
    );
    let docker_ref = Reference::parse_docker_ref(&format!("[::1]:5000/repo:tag@{ffff}")).unwrap();
    assert_eq!(docker_ref.to_string(), format!("[::1]:5000/repo@{ffff}"));
    assert_eq!(
        Reference::parse("[::1]:5000/a/b").unwrap().domain(),
        "[::1]:5000"
    );

    let invalid = [
        "[2001:db8::1]",
        "[2001:db8::1]:5000",
        "[2001:db8::1]:tag",
        "[fc00::1]",
        "[fe80::1%eth0]:5000/repo",
        "[fe80::1%25eth0]:5000/app",
        "[fe80::1%@invalidzone]:5000/repo",
        "[2001:db8:3:4::192.0.2.33]:5000/debian",
        "[fd00:1:2::3]75050/x",
        "[fd00:1:2::3]::75050/x",
        "fd00:1:2::3:75050/x",
        "::1/x",
        "[]/x",
        "[::1/x",
        "::1]/x",
        "[g::1]/x",
        "[::1]:/x",
        "[::1]:5000/App",
        // No `:` or `.` in the first component: not a domain, and `[` is not a path character.
        "[a]/x",
    ];
    for input in invalid {
        let err = Reference::parse_normalized(input).unwrap_err();
        assert!(
            err.go_message().starts_with("invalid reference format"),
            "{input}: {err}"
        );
    }
    assert_eq!(
        go_error("[::1]:5000/App"),
        "invalid reference format: repository name (App) must be lowercase"
    );
}
