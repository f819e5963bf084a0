//! Running a docker credential helper: `docker-credential-<name> get`, the server URL on stdin, a
//! JSON answer on stdout (the protocol of github.com/docker/docker-credential-helpers).

use std::io::{Read, Write};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use super::Credentials;

/// How long a credential helper may run before it is killed (Docker itself waits forever).
pub const HELPER_TIMEOUT: Duration = Duration::from_secs(30);

/// The server URL Docker asks helpers about for Docker Hub.
pub(super) const DOCKER_HUB_SERVER: &str = "https://index.docker.io/v1/";

/// What a helper prints (with a failing exit) when it has nothing for the server.
const NOT_FOUND: &str = "credentials not found in native keychain";

/// The `Username` with which a helper hands back an identity token instead of a password.
const TOKEN_USERNAME: &str = "<token>";

/// Most bytes read from a helper's stdout or stderr; more is an error, not a bigger buffer.
const OUTPUT_MAX: u64 = 1 << 20;

/// How often a running helper is checked for having exited.
const POLL: Duration = Duration::from_millis(5);

/// Why no answer came from the helper.
#[derive(Debug)]
pub(super) enum Failure {
    /// The program is not on `PATH`.
    Missing,
    /// It ran and failed, timed out or answered badly; the text says which.
    Failed(String),
}

#[derive(serde::Deserialize)]
struct Answer {
    #[serde(rename = "Username", default)]
    username: String,
    #[serde(rename = "Secret", default)]
    secret: String,
}

/// Asks `program` for the credentials of `server_url`. `Ok(None)`: the helper has none.
pub(super) fn get(
    program: &str,
    server_url: &str,
    timeout: Duration,
) -> Result<Option<Credentials>, Failure> {
    let (status, stdout, stderr) = run(program, server_url, timeout)?;
    if !status.success() {
        let out = String::from_utf8_lossy(&stdout);
        if out.trim() == NOT_FOUND {
            return Ok(None);
        }
        let err = String::from_utf8_lossy(&stderr);
        let message = [out.trim(), err.trim()]
            .into_iter()
            .filter(|m| !m.is_empty())
            .collect::<Vec<_>>()
            .join("; ");
        return Err(Failure::Failed(format!(
            "`get` failed ({status}){}",
            if message.is_empty() {
                String::new()
            } else {
                format!(": {}", shorten(&message))
            }
        )));
    }
    // The answer holds the secret: a parse error must not quote it.
    let answer: Answer = serde_json::from_slice(&stdout).map_err(|e| {
        Failure::Failed(format!(
            "`get` answered {} bytes that are not a credentials JSON object (line {}, column {})",
            stdout.len(),
            e.line(),
            e.column()
        ))
    })?;
    match (answer.username.as_str(), answer.secret) {
        (TOKEN_USERNAME, _) => Err(Failure::Failed(
            "answered an identity token (Username \"<token>\"), which needs the OAuth2 \
             refresh-token exchange; this client supports passwords and registry tokens only"
                .into(),
        )),
        ("", secret) if secret.is_empty() => Ok(None),
        (username, secret) => Ok(Some(Credentials::basic(username, secret))),
    }
}

/// Runs `program get` with `input` on stdin; its exit status, stdout and stderr. Killed after
/// `timeout`; outputs past [`OUTPUT_MAX`] are an error.
fn run(
    program: &str,
    input: &str,
    timeout: Duration,
) -> Result<(ExitStatus, Vec<u8>, Vec<u8>), Failure> {
    let mut child = Command::new(program)
        .arg("get")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Failure::Missing,
            _ => Failure::Failed(format!("cannot be started: {e}")),
        })?;
    if let Some(mut stdin) = child.stdin.take() {
        // A helper that exits without reading stdin closes the pipe: its answer still counts.
        let _ = stdin.write_all(input.as_bytes());
    }
    let deadline = Instant::now() + timeout;
    let stdout = reader(child.stdout.take());
    let stderr = reader(child.stderr.take());
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(Failure::Failed(format!(
                    "`get` did not answer within {timeout:?} and was killed"
                )));
            }
            Ok(None) => std::thread::sleep(POLL),
            Err(e) => return Err(Failure::Failed(format!("cannot be waited for: {e}"))),
        }
    };
    // A process the helper left behind may hold the pipes open: wait for them until the deadline.
    let collect = |rx: mpsc::Receiver<std::io::Result<Vec<u8>>>, name: &str| {
        let left = deadline.saturating_duration_since(Instant::now()).max(POLL);
        match rx.recv_timeout(left) {
            Ok(Ok(bytes)) if bytes.len() as u64 > OUTPUT_MAX => Err(Failure::Failed(format!(
                "`get` wrote more than {OUTPUT_MAX} bytes to {name}"
            ))),
            Ok(Ok(bytes)) => Ok(bytes),
            Ok(Err(e)) => Err(Failure::Failed(format!("reading its {name}: {e}"))),
            Err(_) => Err(Failure::Failed(format!(
                "its {name} stayed open after it exited, past {timeout:?}"
            ))),
        }
    };
    Ok((
        status,
        collect(stdout, "stdout")?,
        collect(stderr, "stderr")?,
    ))
}

/// Reads a pipe to its end on a thread, keeping at most `OUTPUT_MAX + 1` bytes.
fn reader(pipe: Option<impl Read + Send + 'static>) -> mpsc::Receiver<std::io::Result<Vec<u8>>> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let result = match pipe {
            Some(pipe) => pipe
                .take(OUTPUT_MAX + 1)
                .read_to_end(&mut bytes)
                .map(|_| bytes),
            None => Ok(bytes),
        };
        let _ = tx.send(result);
    });
    rx
}

/// The first 300 characters of a helper's message.
fn shorten(message: &str) -> String {
    match message.char_indices().nth(300) {
        Some((at, _)) => format!("{}…", &message[..at]),
        None => message.to_string(),
    }
}
