//! `kots gate --app APPLICATION.yaml --kots-version V (--install | --update)`: may this KOTS
//! version install or update to the release? Prints the decision as one JSON line
//! (`{allowed, reason, message, desiredVersion, upgradeRecommended, warnings}`) and exits 0 when
//! allowed, 3 when blocked (1 on unreadable input, 2 on a usage error).

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

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        args: Args,
    }

    fn parse(argv: &[&str]) -> Result<Args, clap::Error> {
        Cli::try_parse_from(std::iter::once("kots-gate").chain(argv.iter().copied()))
            .map(|c| c.args)
    }

    fn app_file(name: &str) -> PathBuf {
        let path =
            std::env::temp_dir().join(format!("kots-cli-gate-{}-{name}.yaml", std::process::id()));
        std::fs::write(
            &path,
            "apiVersion: kots.io/v1beta1\nkind: Application\nspec:\n  minKotsVersion: 1.100.0\n  \
             targetKotsVersion: 1.120.0\n",
        )
        .unwrap();
        path
    }

    #[test]
    fn exactly_one_operation_is_required() {
        assert!(parse(&["--app", "a.yaml", "--kots-version", "1.0.0"]).is_err());
        assert!(parse(&[
            "--app",
            "a.yaml",
            "--kots-version",
            "1",
            "--install",
            "--update"
        ])
        .is_err());
        let args = parse(&["--app", "a.yaml", "--kots-version", "-dev", "--update"]).unwrap();
        assert!(args.update && !args.install && args.kots_version == "-dev");
    }

    #[test]
    fn exit_code_is_zero_when_allowed_and_three_when_blocked() {
        let path = app_file("codes");
        let app = path.to_str().unwrap();
        let run_with = |version: &str, op: &str| {
            run(parse(&["--app", app, "--kots-version", version, op]).unwrap()).unwrap()
        };
        assert_eq!(run_with("1.110.0", "--install"), ExitCode::SUCCESS);
        assert_eq!(run_with("1.99.0", "--install"), ExitCode::from(BLOCKED));
        assert_eq!(run_with("1.130.0", "--install"), ExitCode::from(BLOCKED));
        assert_eq!(run_with("1.130.0", "--update"), ExitCode::SUCCESS);
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn bad_input_is_an_error_naming_the_file() {
        let err = run(parse(&[
            "--app",
            "/nonexistent/app.yaml",
            "--kots-version",
            "1",
            "--install",
        ])
        .unwrap())
        .unwrap_err();
        assert!(
            err.message.starts_with("/nonexistent/app.yaml: "),
            "{}",
            err.message
        );
        assert_eq!(err.code, 1);
    }
}
