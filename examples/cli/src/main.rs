//! `kots`: the kots SDK from a shell. Every subcommand prints machine-readable JSON; bad input gives
//! one line on stderr and a non-zero exit code.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod demo;
mod gate;
mod images;
mod license;
mod manifests;
mod output;
mod plan;
mod registry;
mod render;
mod template;

#[derive(Parser)]
#[command(
    name = "kots",
    version,
    about = "Ship Kubernetes apps off the shelf: licenses, rendering, images, upgrade plans."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// The whole SDK on the embedded sample release: sign, verify, gate, config, render, images, plan.
    Demo(demo::Args),
    /// Check the Application's min/target KOTS version for an install or update (exit 3: blocked).
    Gate(gate::Args),
    /// Verify licenses offline (KOTS RSA or vendor ed25519), make signing keys, sign licenses.
    #[command(subcommand)]
    License(license::Command),
    /// Split and inspect multi-document manifests.
    #[command(subcommand)]
    Manifests(manifests::Command),
    /// Plan an upgrade offline: creates, updates, replaces, deletes, with safety ratings (exit 4: refused operations).
    Plan(plan::Args),
    /// Render a KOTS release as KOTS deploys it (exit 2: render error; 3: required config missing).
    Render(render::Args),
    /// Print a release's resolved config: items, values, when/hidden, validation (exit 2: config error).
    Config(render::ConfigArgs),
    /// Render Go templates from JSON lines on stdin (the conformance runner).
    Template(template::Args),
    /// Parse image references as Docker's reference package does.
    #[command(subcommand)]
    Image(images::ImageCommand),
    /// Find and rewrite the images of rendered manifests (private registry, Replicated proxy).
    #[command(subcommand)]
    Images(images::Command),
    /// OCI registry operations: digests, tags, copies, airgap layout push/export.
    #[command(subcommand)]
    Registry(registry::Command),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Demo(args) => demo::run(args),
        Command::Gate(args) => gate::run(args),
        Command::License(command) => license::run(command),
        Command::Manifests(command) => manifests::run(command),
        Command::Plan(args) => plan::run(args),
        Command::Render(args) => render::run(args),
        Command::Config(args) => render::run_config(args),
        Command::Template(args) => template::run(args),
        Command::Registry(command) => registry::run(command),
        Command::Image(command) => images::run_image(command),
        Command::Images(command) => images::run(command),
    };
    result.unwrap_or_else(|e| e.report())
}
