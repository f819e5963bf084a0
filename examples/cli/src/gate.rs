//! `kots gate --app APPLICATION.yaml --kots-version V (--install | --update)`: may this KOTS
//! version install or update to the release? Prints the decision as one JSON line
//! (`{allowed, reason, message, desiredVersion, upgradeRecommended, warnings}`) and exits 0 when
//! allowed, 3 when blocked (1 on bad input).

use std::path::PathBuf;
use std::process::ExitCode;

use kots_core::gate::{check_yaml, Operation};

use crate::output::{print_json, read_file, CliError};

/// Exit code of a blocked install or update.
const BLOCKED: u8 = 3;

#[derive(clap::Args)]
#[command(group(clap::ArgGroup::new("operation").required(true).args(["install", "update"])))]
pub struct Args {
    /// YAML file holding the release's `kots.io/v1beta1 Application` (the first one is used).
    #[arg(long, value_name = "APPLICATION.yaml")]
    app: PathBuf,
    /// The running KOTS version, e.g. `v1.124.0` (parsed as KOTS does, blang/semver ParseTolerant).
    #[arg(long, value_name = "V", allow_hyphen_values = true)]
    kots_version: String,
    /// Check a first install: `minKotsVersion` and `targetKotsVersion` apply.
    #[arg(long)]
    install: bool,
    /// Check an update: only `minKotsVersion` applies.
    #[arg(long)]
    update: bool,
}

pub fn run(args: Args) -> Result<ExitCode, CliError> {
    let operation = if args.install {
        Operation::Install
    } else {
        Operation::Update
    };
    let text = read_file(&args.app)?;
    let decision = check_yaml(&text, &args.kots_version, operation)
        .map_err(|e| CliError::new(format!("{}: {e}", args.app.display())))?;
    print_json(&decision)?;
    Ok(if decision.allowed {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(BLOCKED)
    })
}
