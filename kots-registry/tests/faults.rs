//! Retries and the bearer-token flow, through a small proxy on 127.0.0.1 in front of the plain test registry
//! (`KOTS_TEST_REGISTRY_PLAIN`, started by `scripts/registry-test-env.sh run ...`). The proxy adds
//! `Connection: close` to what it forwards, so every request arrives on a new connection and is inspected.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use kots_registry::blocking::Registry;
use kots_registry::{
    Auth, Cancel, Credentials, ImageRef, Progress, ProgressEvent, RegistryError, RegistryOptions,
    TransferOptions,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

#[derive(Clone, Copy)]
enum Mode {
    /// The first `n` connections whose first request is a blob GET get a 503 or are dropped (alternating).
    FailBlobGets(u32),
    /// Every connection fails with 503.
    AlwaysFail,
    /// Blob GETs answer 404 BLOB_UNKNOWN.
    MissingBlobs,
    /// Docker token auth: requests need `Authorization: Bearer good-token`, issued by /token for kots:secret.
    Bearer,
}

struct Proxy {
    addr: String,
    _runtime: tokio::runtime::Runtime,
}

fn start_proxy(upstream: String, mode: Mode) -> Proxy {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let listener = runtime.block_on(TcpListener::bind("127.0.0.1:0")).unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let failures = Arc::new(AtomicU32::new(0));
    let me = addr.clone();
    runtime.spawn(async move {
        while let Ok((conn, _)) = listener.accept().await {
            let (upstream, failures, me) = (upstream.clone(), failures.clone(), me.clone());
            tokio::spawn(async move {
                let _ = handle(conn, &upstream, mode, &failures, &me).await;
            });
        }
    });
    Proxy {
        addr,
        _runtime: runtime,
    }
}

async fn handle(
    mut conn: TcpStream,
    upstream: &str,
    mode: Mode,
    failures: &AtomicU32,
    me: &str,
) -> std::io::Result<()> {
    let mut head = Vec::new();
    let mut buf = [0u8; 8192];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = conn.read(&mut buf).await?;
        if n == 0 || head.len() > 65536 {
            return Ok(());
        }
        head.extend_from_slice(&buf[..n]);
    }
    let text = String::from_utf8_lossy(&head).to_ascii_lowercase();
    let first_line = text.lines().next().unwrap_or_default().to_string();
    let respond = |status: &str, extra: &str, body: &str| {
        format!(
            "HTTP/1.1 {status}\r\n{extra}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
    };
    match mode {
        Mode::AlwaysFail => {
            conn.write_all(respond("503 Service Unavailable", "", "").as_bytes())
                .await?;
            return Ok(());
        }
        Mode::FailBlobGets(n)
            if first_line.starts_with("get ") && first_line.contains("/blobs/") =>
        {
            let k = failures.fetch_add(1, Ordering::SeqCst);
            if k < n {
                if k.is_multiple_of(2) {
                    conn.write_all(respond("503 Service Unavailable", "", "").as_bytes())
                        .await?;
                }
                return Ok(()); // odd failures: drop the connection without an answer
            }
        }
        Mode::MissingBlobs if first_line.starts_with("get ") && first_line.contains("/blobs/") => {
            let body =
                r#"{"errors":[{"code":"BLOB_UNKNOWN","message":"blob unknown to registry"}]}"#;
            conn.write_all(
                respond("404 Not Found", "Content-Type: application/json\r\n", body).as_bytes(),
            )
            .await?;
            return Ok(());
        }
        Mode::Bearer if first_line.contains(" /token") => {
            // base64("kots:secret") = a290czpzZWNyZXQ=
            let reply =
                if text.contains(&"authorization: basic a290czpzZWNyZXQ=".to_ascii_lowercase()) {
                    respond(
                        "200 OK",
                        "Content-Type: application/json\r\n",
                        r#"{"token":"good-token"}"#,
                    )
                } else {
                    respond("401 Unauthorized", "", "")
                };
            conn.write_all(reply.as_bytes()).await?;
            return Ok(());
        }
        Mode::Bearer if !text.contains("authorization: bearer good-token") => {
            let challenge = format!(
                "WWW-Authenticate: Bearer realm=\"http://{me}/token\",service=\"kots-test\"\r\n"
            );
            conn.write_all(respond("401 Unauthorized", &challenge, "").as_bytes())
                .await?;
            return Ok(());
        }
        _ => {}
    }
    let mut up = TcpStream::connect(upstream).await?;
    up.write_all(&close_after_response(&head)).await?;
    tokio::io::copy_bidirectional(&mut conn, &mut up).await?;
    Ok(())
}

/// The request head with `Connection: close`, so the upstream ends the connection after answering.
fn close_after_response(head: &[u8]) -> Vec<u8> {
    let end = head
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or(head.len());
    let text = String::from_utf8_lossy(&head[..end]);
    let mut out: String = text
        .split("\r\n")
        .filter(|l| !l.to_ascii_lowercase().starts_with("connection:"))
        .map(|l| format!("{l}\r\n"))
        .collect();
    out.push_str("Connection: close\r\n");
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(&head[end + 2..]);
    bytes
}

fn plain() -> Option<String> {
    let v = std::env::var("KOTS_TEST_REGISTRY_PLAIN")
        .ok()
        .filter(|v| !v.is_empty());
    if v.is_none() {
        eprintln!("SKIP: KOTS_TEST_REGISTRY_PLAIN not set; run under scripts/registry-test-env.sh run (needs docker-registry)");
    }
    v
}

fn r(s: &str) -> ImageRef {
    s.parse().unwrap()
}

/// A one-layer image pushed through the library itself to `repo:1`, returning its digest.
fn seed(reg: &Registry, repo: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::create_dir_all(p.join("blobs/sha256")).unwrap();
    std::fs::write(p.join("oci-layout"), r#"{"imageLayoutVersion":"1.0.0"}"#).unwrap();
    let put = |data: &[u8]| {
        let d = kots_registry::sha256_digest(data);
        std::fs::write(p.join("blobs/sha256").join(&d[7..]), data).unwrap();
        (d, data.len())
    };
    let layer: Vec<u8> = (0..200_000u32).map(|i| (i * 7 % 251) as u8).collect();
    let (ld, ls) = put(&layer);
    let (cd, cs) = put(br#"{"architecture":"amd64","os":"linux"}"#);
    let manifest = format!(
        r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{cd}","size":{cs}}},"layers":[{{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"{ld}","size":{ls}}}]}}"#
    );
    let (md, ms) = put(manifest.as_bytes());
    std::fs::write(
        p.join("index.json"),
        format!(
            r#"{{"schemaVersion":2,"manifests":[{{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{md}","size":{ms},"annotations":{{"org.opencontainers.image.ref.name":"1"}}}}]}}"#
        ),
    )
    .unwrap();
    reg.push_layout(p, &r(repo), &TransferOptions::default())
        .unwrap();
    md
}

fn options() -> RegistryOptions {
    RegistryOptions {
        plain_http: true,
        retry_delay: std::time::Duration::from_millis(10),
        ..Default::default()
    }
}

#[test]
fn retries_5xx_and_dropped_connections() {
    let Some(upstream) = plain() else { return };
    let reg = Registry::new(options()).unwrap();
    let repo = format!("{upstream}/kots-test/faults-{}", std::process::id());
    let digest = seed(&reg, &repo);

    let proxy = start_proxy(upstream.clone(), Mode::FailBlobGets(3));
    let retries = Arc::new(Mutex::new(Vec::new()));
    let sink = retries.clone();
    let opts = TransferOptions {
        progress: Some(Arc::new(move |p: &Progress| {
            if let ProgressEvent::Retry { error, .. } = &p.event {
                sink.lock().unwrap().push(error.clone());
            }
        })),
        ..Default::default()
    };
    let src = format!("{}/kots-test/faults-{}:1", proxy.addr, std::process::id());
    let dst = format!("{upstream}/kots-test/faults-copy-{}:1", std::process::id());
    // Different registry hosts (proxy vs upstream): blobs are streamed, not mounted.
    let report = reg.copy(&r(&src), &r(&dst), &opts).unwrap();
    assert_eq!(report.digest, digest);
    assert_eq!(report.blobs_copied, 2);
    let seen = retries.lock().unwrap().clone();
    assert_eq!(seen.len(), 3, "{seen:?}");
    assert!(seen.iter().any(|e| e.contains("HTTP 503")), "{seen:?}");
    assert!(
        seen.iter().any(|e| e.contains("connection failed")),
        "{seen:?}"
    );
}

#[test]
fn gives_up_after_the_retries() {
    let Some(upstream) = plain() else { return };
    let proxy = start_proxy(upstream, Mode::AlwaysFail);
    let reg = Registry::new(RegistryOptions {
        retries: 2,
        ..options()
    })
    .unwrap();
    let err = reg
        .digest(&r(&format!("{}/a/b:1", proxy.addr)), &Cancel::new())
        .unwrap_err();
    assert!(
        matches!(err, RegistryError::Http { status: 503, .. }),
        "{err}"
    );
    assert!(
        err.to_string().contains(&format!(
            "registry {}, repository a/b: HTTP 503",
            proxy.addr
        )),
        "{err}"
    );
}

#[test]
fn bearer_token_flow() {
    let Some(upstream) = plain() else { return };
    let seeder = Registry::new(options()).unwrap();
    let repo = format!("kots-test/bearer-{}", std::process::id());
    let digest = seed(&seeder, &format!("{upstream}/{repo}"));
    let proxy = start_proxy(upstream, Mode::Bearer);
    let image = format!("{}/{repo}:1", proxy.addr);

    let good = Registry::new(RegistryOptions {
        auth: Auth::default().with(proxy.addr.clone(), Credentials::basic("kots", "secret")),
        ..options()
    })
    .unwrap();
    assert_eq!(good.digest(&r(&image), &Cancel::new()).unwrap(), digest);

    let token = Registry::new(RegistryOptions {
        auth: Auth::default().with(proxy.addr.clone(), Credentials::Bearer("good-token".into())),
        ..options()
    })
    .unwrap();
    assert_eq!(token.digest(&r(&image), &Cancel::new()).unwrap(), digest);

    let bad = Registry::new(RegistryOptions {
        auth: Auth::default().with(proxy.addr.clone(), Credentials::basic("kots", "wrong")),
        ..options()
    })
    .unwrap();
    let err = bad.digest(&r(&image), &Cancel::new()).unwrap_err();
    assert_eq!(err.http_status(), Some(401), "{err}");
}

#[test]
fn missing_blob_errors_name_the_blob() {
    let Some(upstream) = plain() else { return };
    let reg = Registry::new(options()).unwrap();
    let repo = format!("kots-test/missing-blob-{}", std::process::id());
    seed(&reg, &format!("{upstream}/{repo}"));
    let proxy = start_proxy(upstream.clone(), Mode::MissingBlobs);
    let src = format!("{}/{repo}:1", proxy.addr);
    let dst = format!("{upstream}/{repo}-copy:1");
    let err = reg
        .copy(&r(&src), &r(&dst), &TransferOptions::default())
        .unwrap_err();
    assert!(matches!(err, RegistryError::NotFound { .. }), "{err}");
    let text = err.to_string();
    assert!(
        text.starts_with(&format!(
            "registry {}, repository {repo}: HTTP 404: sha256:",
            proxy.addr
        )),
        "{text}"
    );
}
