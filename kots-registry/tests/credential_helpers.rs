//! Docker credential helpers (`credsStore`, `credHelpers`), with fake `docker-credential-*` scripts
//! this test writes into a temporary directory put first on `PATH` (no real helper is needed).
//! The last test also authenticates against the TLS + htpasswd registry of
//! `scripts/registry-test-env.sh` when its variables are set.

use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use kots_registry::{
    Auth, Cancel, Credentials, DockerConfig, Registry, RegistryError, RegistryOptions,
};

/// `docker-credential-fake`: answers `user-for-<server URL>` / `s3cret` and logs each call; a few
/// server names make it fail in each way a helper can.
const FAKE: &str = r#"#!/bin/sh
read -r url || true
echo "$url" >>"$(dirname "$0")/calls"
case "$url" in
  none.example.com) echo "credentials not found in native keychain"; exit 1 ;;
  broken.example.com) echo "keychain is locked" >&2; exit 3 ;;
  slow.example.com) exec sleep 10 ;;
  garbage.example.com) echo "{not json: s3cret" ;;
  token.example.com) echo '{"ServerURL":"x","Username":"<token>","Secret":"refresh"}' ;;
  empty.example.com) echo '{"ServerURL":"x","Username":"","Secret":""}' ;;
  *) printf '{"ServerURL":"%s","Username":"user-for-%s","Secret":"s3cret"}\n' "$url" "$url" ;;
esac
"#;

/// `docker-credential-other`: fixed credentials, for `credHelpers` entries.
const OTHER: &str = r#"#!/bin/sh
cat >/dev/null
echo '{"ServerURL":"x","Username":"other","Secret":"pw"}'
"#;

/// `docker-credential-testenv`: the test registry's user and password, from the environment.
const TESTENV: &str = r#"#!/bin/sh
cat >/dev/null
printf '{"Username":"%s","Secret":"%s"}\n' "$KOTS_TEST_REGISTRY_USER" "$KOTS_TEST_REGISTRY_PASSWORD"
"#;

/// The helper directory, put first on `PATH` once for the whole test binary (before any test
/// starts a process, since every test calls this first).
fn helpers() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap().keep();
        for (name, script) in [("fake", FAKE), ("other", OTHER), ("testenv", TESTENV)] {
            let path = dir.join(format!("docker-credential-{name}"));
            std::fs::write(&path, script).unwrap();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        let path = std::env::var_os("PATH").unwrap_or_default();
        let mut paths = vec![dir.clone()];
        paths.extend(std::env::split_paths(&path));
        std::env::set_var("PATH", std::env::join_paths(paths).unwrap());
        dir
    })
}

fn config(json: &str) -> DockerConfig {
    helpers();
    DockerConfig::parse(json).unwrap()
}

fn calls(server: &str) -> usize {
    let log = std::fs::read_to_string(helpers().join("calls")).unwrap_or_default();
    log.lines().filter(|l| *l == server).count()
}

/// base64 of `file:pw`.
const FILE_AUTH: &str = "ZmlsZTpwdw==";

#[tokio::test]
async fn precedence_is_cred_helpers_then_creds_store_then_auths() {
    let cfg = config(&format!(
        r#"{{"auths":{{"a.example.com":{{"auth":"{FILE_AUTH}"}},"b.example.com":{{"auth":"{FILE_AUTH}"}}}},
            "credsStore":"fake","credHelpers":{{"b.example.com":"other","c.example.com":""}}}}"#
    ));
    // credsStore wins over auths.
    assert_eq!(
        cfg.resolve("a.example.com").await.unwrap(),
        Some(Credentials::basic("user-for-a.example.com", "s3cret"))
    );
    // credHelpers[host] wins over credsStore.
    assert_eq!(cfg.helper_for("b.example.com"), Some("other"));
    assert_eq!(
        cfg.resolve("b.example.com").await.unwrap(),
        Some(Credentials::basic("other", "pw"))
    );
    // An empty credHelpers entry means no helper at all, as in Docker.
    assert_eq!(cfg.helper_for("c.example.com"), None);
    assert_eq!(cfg.resolve("c.example.com").await.unwrap(), None);
    // The server URL on stdin: Docker Hub's v1 URL, else host[:port].
    assert_eq!(
        cfg.resolve("docker.io").await.unwrap(),
        Some(Credentials::basic(
            "user-for-https://index.docker.io/v1/",
            "s3cret"
        ))
    );
    assert_eq!(
        cfg.resolve("localhost:5000").await.unwrap(),
        Some(Credentials::basic("user-for-localhost:5000", "s3cret"))
    );
    // Without a helper, auths.
    let plain = config(&format!(
        r#"{{"auths":{{"a.example.com":{{"auth":"{FILE_AUTH}"}}}}}}"#
    ));
    assert_eq!(
        plain.resolve("a.example.com").await.unwrap(),
        Some(Credentials::basic("file", "pw"))
    );
}

#[tokio::test]
async fn not_found_means_no_credentials_even_with_an_auths_entry() {
    let cfg = config(&format!(
        r#"{{"auths":{{"none.example.com":{{"auth":"{FILE_AUTH}"}}}},"credsStore":"fake"}}"#
    ));
    assert_eq!(cfg.resolve("none.example.com").await.unwrap(), None);
    assert_eq!(cfg.resolve("empty.example.com").await.unwrap(), None);
}

#[tokio::test]
async fn a_missing_helper_falls_back_to_auths_or_anonymous_as_docker_does() {
    let cfg = config(&format!(
        r#"{{"auths":{{"c.example.com":{{"auth":"{FILE_AUTH}"}}}},"credsStore":"kots-not-installed"}}"#
    ));
    assert_eq!(
        cfg.resolve("c.example.com").await.unwrap(),
        Some(Credentials::basic("file", "pw"))
    );
    assert_eq!(cfg.resolve("d.example.com").await.unwrap(), None);
    let auth = Auth::default().with_docker_config(cfg);
    assert_eq!(
        auth.for_registry("d.example.com").await.unwrap(),
        Credentials::Anonymous
    );
}

fn helper_error(e: RegistryError) -> (String, String, String) {
    match e {
        RegistryError::CredentialHelper {
            helper,
            registry,
            reason,
        } => (helper, registry, reason),
        other => panic!("expected CredentialHelper, got {other:?}"),
    }
}

#[tokio::test]
async fn a_failing_helper_is_a_typed_error_naming_it() {
    let cfg = config(r#"{"credsStore":"fake"}"#);
    let err = cfg.resolve("broken.example.com").await.unwrap_err();
    let text = err.to_string();
    let (helper, registry, reason) = helper_error(err);
    assert_eq!(
        (helper.as_str(), registry.as_str()),
        ("docker-credential-fake", "broken.example.com")
    );
    assert!(reason.contains("keychain is locked"), "{reason}");
    assert!(reason.contains("exit status: 3"), "{reason}");
    assert!(
        text.starts_with("registry broken.example.com: credential helper docker-credential-fake:"),
        "{text}"
    );
}

#[tokio::test]
async fn bad_answers_are_errors_that_do_not_quote_the_secret() {
    let cfg = config(r#"{"credsStore":"fake"}"#);
    let (_, _, reason) = helper_error(cfg.resolve("garbage.example.com").await.unwrap_err());
    assert!(reason.contains("not a credentials JSON object"), "{reason}");
    assert!(!reason.contains("s3cret"), "{reason}");
    let (_, _, reason) = helper_error(cfg.resolve("token.example.com").await.unwrap_err());
    assert!(reason.contains("identity token"), "{reason}");
    assert!(!reason.contains("refresh\""), "{reason}");
}

#[tokio::test]
async fn a_hanging_helper_is_killed_at_the_timeout() {
    let cfg = config(r#"{"credsStore":"fake"}"#).with_helper_timeout(Duration::from_millis(300));
    let start = Instant::now();
    let (_, _, reason) = helper_error(cfg.resolve("slow.example.com").await.unwrap_err());
    assert!(reason.contains("did not answer within 300ms"), "{reason}");
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
}

#[tokio::test]
async fn answers_are_cached_and_explicit_credentials_win() {
    let cfg = config(r#"{"credsStore":"fake"}"#);
    let auth = Auth::default()
        .with("explicit.example.com", Credentials::basic("me", "pw"))
        .with_docker_config(cfg);
    for _ in 0..3 {
        assert_eq!(
            auth.for_registry("cached.example.com").await.unwrap(),
            Credentials::basic("user-for-cached.example.com", "s3cret")
        );
    }
    assert_eq!(calls("cached.example.com"), 1);
    assert_eq!(
        auth.for_registry("explicit.example.com").await.unwrap(),
        Credentials::basic("me", "pw")
    );
    assert_eq!(calls("explicit.example.com"), 0);
}

/// The helper's credentials reach the registry: the htpasswd registry answers 404 (not 401) for
/// a missing tag only when they are right.
#[tokio::test]
async fn helper_credentials_authenticate_against_the_tls_registry() {
    let (Ok(tls), Ok(ca)) = (
        std::env::var("KOTS_TEST_REGISTRY_TLS"),
        std::env::var("KOTS_TEST_REGISTRY_CA"),
    ) else {
        eprintln!("SKIP: KOTS_TEST_REGISTRY_* not set; run under scripts/registry-test-env.sh run");
        return;
    };
    let registry = |store: &str| {
        let cfg = config(&format!(r#"{{"credHelpers":{{"{tls}":"{store}"}}}}"#));
        Registry::new(RegistryOptions {
            auth: Auth::default().with_docker_config(cfg),
            ca_file: Some(ca.clone().into()),
            ..Default::default()
        })
        .unwrap()
    };
    let image = format!("{tls}/kots-test/helper-{}:none", std::process::id())
        .parse()
        .unwrap();
    let found = registry("testenv")
        .exists(&image, &Cancel::default())
        .await
        .unwrap();
    assert!(!found);
    let err = registry("other")
        .exists(&image, &Cancel::default())
        .await
        .unwrap_err();
    assert!(matches!(err, RegistryError::Unauthorized { .. }), "{err}");
}
