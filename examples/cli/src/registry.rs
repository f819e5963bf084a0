//! `kots registry …`: OCI registry operations (the only network-using subcommands).
//!
//! - `kots registry digest REF`: the manifest digest a tag points to (`{"reference","digest"}`).
//! - `kots registry exists REF`: `{"reference","exists"}` (404 is `false`; other failures are errors).
//! - `kots registry private REF`: KOTS's anonymous public/private probe (`{"image","private","reason"}`).
//! - `kots registry tags REPO`: `{"repository","tags"}`.
//! - `kots registry copy SRC DST [--all-platforms]`: copy an image (or a whole index) between registries,
//!   digests preserved; prints the copy report.
//! - `kots registry push-layout DIR DST_REPO`: push every named image of an OCI layout (airgap bundle).
//! - `kots registry export-layout REF DIR`: save an image into an OCI layout.
//!
//! The result is one JSON line on stdout. Transfers draw a progress bar on stderr when it is a terminal;
//! with `--json` they print each progress event as a JSON line on stderr instead. Errors name the
//! registry, the repository and the HTTP status. `localhost`/loopback registries are reached over plain
//! HTTP when they do not speak TLS; `--plain-http` forces it for all registries.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use kots_registry::blocking::Registry;
use kots_registry::{
    Auth, Cancel, Credentials, DockerConfig, ImageRef, Platform, Progress, ProgressEvent,
    ProgressFn, RegistryOptions, TransferOptions,
};

use crate::output::{print_json, CliError};

#[derive(clap::Subcommand)]
pub enum Command {
    /// Resolve REF (tag) to the digest of its manifest or index.
    Digest {
        /// Image reference, e.g. `127.0.0.1:5000/app/api:1.0`.
        reference: String,
        #[command(flatten)]
        conn: Connection,
    },
    /// Whether REF exists (HTTP 404 is `false`).
    Exists {
        /// Image reference.
        reference: String,
        #[command(flatten)]
        conn: Connection,
    },
    /// KOTS's public/private probe: an anonymous manifest fetch that fails means private.
    Private {
        /// Image reference.
        reference: String,
        #[command(flatten)]
        conn: Connection,
    },
    /// List the tags of a repository.
    Tags {
        /// Repository, e.g. `127.0.0.1:5000/app/api`.
        repository: String,
        #[command(flatten)]
        conn: Connection,
    },
    /// Copy an image between registries (skips existing blobs, mounts within one registry).
    Copy {
        /// Source image reference.
        src: String,
        /// Destination reference (without a tag it takes the source's).
        dst: String,
        /// Copy a multi-platform index with every platform (the digest is preserved).
        #[arg(long)]
        all_platforms: bool,
        /// Platform picked out of an index without --all-platforms.
        #[arg(long, value_name = "OS/ARCH[/VARIANT]", default_value = "linux/amd64")]
        platform: String,
        #[command(flatten)]
        conn: Connection,
    },
    /// Push every image named in an OCI image layout (an airgap bundle) to DST_REPO.
    PushLayout {
        /// The layout directory (`oci-layout`, `index.json`, `blobs/`).
        dir: PathBuf,
        /// Destination repository; each image keeps its ref-name tag.
        dst_repo: String,
        #[command(flatten)]
        conn: Connection,
    },
    /// Save an image (with every platform) into an OCI image layout directory.
    ExportLayout {
        /// Image reference.
        reference: String,
        /// Layout directory (created if missing).
        dir: PathBuf,
        #[command(flatten)]
        conn: Connection,
    },
}

/// How to reach and authenticate to registries.
#[derive(clap::Args)]
pub struct Connection {
    /// Credentials for one registry: `HOST[:PORT]=USER:PASSWORD` (repeatable).
    #[arg(long, value_name = "HOST=USER:PASSWORD")]
    creds: Vec<String>,
    /// A bearer token for one registry: `HOST[:PORT]=TOKEN` (repeatable).
    #[arg(long, value_name = "HOST=TOKEN")]
    bearer: Vec<String>,
    /// Docker config file: its `credHelpers`/`credsStore` credential helpers, then `auths`
    /// (default: $DOCKER_CONFIG/config.json or ~/.docker/config.json).
    #[arg(long, value_name = "PATH")]
    docker_config: Option<PathBuf>,
    /// How long a docker credential helper may run.
    #[arg(long, value_name = "SECONDS", default_value_t = 30.0, value_parser = positive_seconds)]
    helper_timeout: f64,
    /// Extra CA certificates (PEM) to trust.
    #[arg(long, value_name = "PATH")]
    ca_file: Option<PathBuf>,
    /// Use plain HTTP for every registry.
    #[arg(long)]
    plain_http: bool,
    /// Blobs transferred at once.
    #[arg(long, default_value_t = 4)]
    concurrency: usize,
    /// Retries on 5xx answers and dropped connections.
    #[arg(long, default_value_t = 3)]
    retries: u32,
    /// Progress as JSON lines on stderr instead of a progress bar.
    #[arg(long)]
    json: bool,
}

impl Connection {
    fn client(&self) -> Result<Registry, CliError> {
        let docker = match &self.docker_config {
            Some(path) => Some(DockerConfig::load(path).map_err(CliError::new)?),
            None => DockerConfig::load_default().map_err(CliError::new)?,
        };
        let mut auth = Auth::default();
        if let Some(d) = docker {
            let timeout = Duration::from_secs_f64(self.helper_timeout);
            auth = auth.with_docker_config(d.with_helper_timeout(timeout));
        }
        for entry in &self.creds {
            let (host, userpass) = split_entry(entry, "--creds", "HOST=USER:PASSWORD")?;
            let (user, password) = userpass.split_once(':').ok_or_else(|| {
                CliError::new(format!("--creds {host}=…: expected USER:PASSWORD"))
            })?;
            auth = auth.with(host, Credentials::basic(user, password));
        }
        for entry in &self.bearer {
            let (host, token) = split_entry(entry, "--bearer", "HOST=TOKEN")?;
            auth = auth.with(host, Credentials::Bearer(token.to_string()));
        }
        Registry::new(RegistryOptions {
            auth,
            ca_file: self.ca_file.clone(),
            plain_http: self.plain_http,
            concurrency: self.concurrency.max(1),
            retries: self.retries,
            ..Default::default()
        })
        .map_err(CliError::new)
    }
}

fn split_entry<'a>(
    entry: &'a str,
    flag: &str,
    shape: &str,
) -> Result<(&'a str, &'a str), CliError> {
    entry
        .split_once('=')
        .filter(|(h, v)| !h.is_empty() && !v.is_empty())
        .ok_or_else(|| CliError::new(format!("{flag}: expected {shape}")))
}

fn image(text: &str) -> Result<ImageRef, CliError> {
    text.parse().map_err(CliError::new)
}

pub fn run(command: Command) -> Result<ExitCode, CliError> {
    let cancel = Cancel::new();
    match command {
        Command::Digest { reference, conn } => {
            let r = image(&reference)?;
            let digest = conn.client()?.digest(&r, &cancel).map_err(CliError::new)?;
            print_json(&serde_json::json!({"reference": r.to_string(), "digest": digest}))?;
        }
        Command::Exists { reference, conn } => {
            let r = image(&reference)?;
            let exists = conn.client()?.exists(&r, &cancel).map_err(CliError::new)?;
            print_json(&serde_json::json!({"reference": r.to_string(), "exists": exists}))?;
        }
        Command::Private { reference, conn } => {
            let r = image(&reference)?;
            print_json(
                &conn
                    .client()?
                    .probe_private(&r, &cancel)
                    .map_err(CliError::new)?,
            )?;
        }
        Command::Tags { repository, conn } => {
            let r = ImageRef::parse_repository(&repository).map_err(CliError::new)?;
            let tags = conn
                .client()?
                .list_tags(&r, &cancel)
                .map_err(CliError::new)?;
            print_json(&serde_json::json!({"repository": repository, "tags": tags}))?;
        }
        Command::Copy {
            src,
            dst,
            all_platforms,
            platform,
            conn,
        } => {
            let platform: Platform = platform.parse().map_err(CliError::new)?;
            let (src, dst) = (image(&src)?, image(&dst)?);
            let reg = conn.client()?;
            let progress = Reporter::new(conn.json);
            let opts = TransferOptions {
                all_platforms,
                platform: Some(platform),
                progress: progress.callback(),
                cancel,
            };
            let report = reg.copy(&src, &dst, &opts);
            progress.finish();
            print_json(&report.map_err(CliError::new)?)?;
        }
        Command::PushLayout {
            dir,
            dst_repo,
            conn,
        } => {
            let repo = ImageRef::parse_repository(&dst_repo).map_err(CliError::new)?;
            let reg = conn.client()?;
            let progress = Reporter::new(conn.json);
            let opts = TransferOptions {
                progress: progress.callback(),
                cancel,
                ..Default::default()
            };
            let reports = reg.push_layout(&dir, &repo, &opts);
            progress.finish();
            print_json(&serde_json::json!({"images": reports.map_err(CliError::new)?}))?;
        }
        Command::ExportLayout {
            reference,
            dir,
            conn,
        } => {
            let r = image(&reference)?;
            let reg = conn.client()?;
            let progress = Reporter::new(conn.json);
            let opts = TransferOptions {
                all_platforms: true,
                progress: progress.callback(),
                cancel,
                ..Default::default()
            };
            let report = reg.export_layout(&r, &dir, &opts);
            progress.finish();
            print_json(&report.map_err(CliError::new)?)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Progress on stderr: a bar on a terminal, JSON lines with `--json`, nothing otherwise.
enum Reporter {
    Bar(ProgressBar),
    Json,
    Quiet,
}

impl Reporter {
    fn new(json: bool) -> Self {
        if json {
            return Reporter::Json;
        }
        if !std::io::stderr().is_terminal() {
            return Reporter::Quiet;
        }
        let bar = ProgressBar::new(0);
        let style = ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} ({bytes_per_sec}) {msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar());
        bar.set_style(style);
        Reporter::Bar(bar)
    }

    fn callback(&self) -> Option<Arc<ProgressFn>> {
        match self {
            Reporter::Bar(bar) => {
                let bar = bar.clone();
                Some(Arc::new(move |p: &Progress| {
                    bar.set_length(p.bytes_total);
                    bar.set_position(p.bytes_done);
                    bar.set_message(format!("{}/{} blobs", p.blobs_done, p.blobs_total));
                    if let ProgressEvent::Retry { error, .. } = &p.event {
                        bar.println(format!("retrying: {error}"));
                    }
                }))
            }
            Reporter::Json => Some(Arc::new(|p: &Progress| {
                if let Ok(line) = serde_json::to_string(p) {
                    eprintln!("{line}");
                }
            })),
            Reporter::Quiet => None,
        }
    }

    fn finish(&self) {
        if let Reporter::Bar(bar) = self {
            bar.finish_and_clear();
        }
    }
}

/// A `--helper-timeout`: a positive, finite number of seconds.
fn positive_seconds(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(s) if s > 0.0 && Duration::try_from_secs_f64(s).is_ok() => Ok(s),
        _ => Err(format!(
            "expected a positive number of seconds, got {text:?}"
        )),
    }
}
