//! KOTS version gating: may the running KOTS install or update to a release, given the
//! Application's `minKotsVersion` and `targetKotsVersion` (kots-internals §2.2)?
//!
//! This reproduces KOTS's `IsKotsVersionCompatibleWithApp` and `GetIncompatbileKotsVersionMessage`:
//! versions are parsed with blang/semver v3.5.1 `ParseTolerant` ([`Version`]); `minKotsVersion`
//! gates installs and updates, `targetKotsVersion` only installs; a bound that does not parse is
//! ignored (KOTS logs it; here it is a warning); a running version that does not parse allows
//! everything (KOTS returns "compatible" before reading the bounds). Beyond KOTS, an allowed
//! update whose running version is below a valid target sets [`Decision::upgrade_recommended`].
//!
//! ```
//! use kots_core::gate::{check, Operation, Reason};
//! use kots_core::kinds::{Application, KotsResource};
//!
//! let app = Application::from_yaml("apiVersion: kots.io/v1beta1\nkind: Application\n\
//!     spec:\n  title: My App\n  minKotsVersion: v1.100.0\n").unwrap();
//! let decision = check(&app, "1.99.2", Operation::Update);
//! assert!(!decision.allowed);
//! assert_eq!(decision.reason, Reason::BelowMinKotsVersion);
//! assert_eq!(decision.desired_version.as_deref(), Some("v1.100.0"));
//! assert!(decision.message.unwrap().starts_with("This version of My App requires a version of KOTS"));
//! assert!(check(&app, "1.100.0", Operation::Update).allowed);
//! ```

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use crate::kinds::{Application, KindsError, KotsResource};
use crate::manifest::parse_manifests;

mod semver;

pub use semver::{PreRelease, SemverError, Version};

/// What the release is being used for: KOTS checks `targetKotsVersion` only on installs
/// (`isInstall`, which KOTS sets for the first sequence of an app).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Operation {
    Install,
    Update,
}

impl FromStr for Operation {
    type Err = GateError;

    /// `install` or `update`.
    fn from_str(text: &str) -> Result<Operation, GateError> {
        match text {
            "install" => Ok(Operation::Install),
            "update" => Ok(Operation::Update),
            other => Err(GateError::UnknownOperation(other.to_string())),
        }
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Operation::Install => "install",
            Operation::Update => "update",
        })
    }
}

/// Why the decision came out as it did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Reason {
    /// Every bound that parses is satisfied (or there is none).
    Compatible,
    /// The running version does not parse; KOTS allows without reading the bounds.
    RunningVersionInvalid,
    /// The running version is below `minKotsVersion`.
    BelowMinKotsVersion,
    /// On install, the running version is above `targetKotsVersion`.
    AboveTargetKotsVersion,
}

/// The outcome of a check, serialised as
/// `{allowed, reason, message, desiredVersion, upgradeRecommended, warnings}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Decision {
    pub allowed: bool,
    pub reason: Reason,
    /// KOTS's message when blocked; `None` when allowed.
    pub message: Option<String>,
    /// The KOTS version to move to: when blocked, KOTS's choice (`targetKotsVersion`, else
    /// `minKotsVersion`, as written); when an upgrade is recommended, `targetKotsVersion`.
    pub desired_version: Option<String>,
    /// An allowed update whose running version is below a valid `targetKotsVersion`.
    pub upgrade_recommended: bool,
    /// Bounds (or the running version) that did not parse and were ignored, with blang's reason.
    pub warnings: Vec<String>,
}

/// Why a gate request could not be evaluated (the check itself never fails).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GateError {
    /// The Application could not be read.
    #[error("application: {0}")]
    Application(#[from] KindsError),
    /// The operation is neither `install` nor `update`.
    #[error("unknown operation {0:?}: expected \"install\" or \"update\"")]
    UnknownOperation(String),
}

/// Decides whether KOTS `running_version` may install or update to the release of `app`.
pub fn check(app: &Application, running_version: &str, operation: Operation) -> Decision {
    let spec = &app.spec;
    let mut decision = Decision {
        allowed: true,
        reason: Reason::Compatible,
        message: None,
        desired_version: None,
        upgrade_recommended: false,
        warnings: Vec::new(),
    };
    let running = match Version::parse_tolerant(running_version) {
        Ok(v) => v,
        Err(e) => {
            decision.reason = Reason::RunningVersionInvalid;
            decision.warnings.push(format!(
                "running kots version {running_version:?} is invalid: {e}; the version check is skipped"
            ));
            return decision;
        }
    };
    let min = bound(&spec.min_kots_version, "minimum", &mut decision.warnings);
    let target = match operation {
        Operation::Install => bound(&spec.target_kots_version, "target", &mut decision.warnings),
        // KOTS does not read the target on updates; parse it only to recommend an upgrade.
        Operation::Update => Version::parse_tolerant(&spec.target_kots_version).ok(),
    };
    let blocked = if min.as_ref().is_some_and(|min| running < *min) {
        Some(Reason::BelowMinKotsVersion)
    } else if operation == Operation::Install && target.as_ref().is_some_and(|t| running > *t) {
        Some(Reason::AboveTargetKotsVersion)
    } else {
        None
    };
    if let Some(reason) = blocked {
        decision.allowed = false;
        decision.reason = reason;
        decision.message = Some(incompatible_message(app, operation));
        decision.desired_version = Some(desired_version(app).to_string());
    } else if operation == Operation::Update && target.as_ref().is_some_and(|t| running < *t) {
        decision.upgrade_recommended = true;
        decision.desired_version = Some(spec.target_kots_version.clone());
    }
    decision
}

/// Parses a non-empty bound; an invalid one is ignored with KOTS's log line as a warning.
fn bound(text: &str, which: &str, warnings: &mut Vec<String>) -> Option<Version> {
    if text.is_empty() {
        return None;
    }
    Version::parse_tolerant(text)
        .map_err(|e| {
            warnings.push(format!(
                "{which} kots version specified in the application spec is invalid: {e}"
            ))
        })
        .ok()
}

/// KOTS's desired version: `targetKotsVersion`, else `minKotsVersion`, as written.
fn desired_version(app: &Application) -> &str {
    let spec = &app.spec;
    if spec.target_kots_version.is_empty() {
        &spec.min_kots_version
    } else {
        &spec.target_kots_version
    }
}

/// KOTS's `GetIncompatbileKotsVersionMessage` for a blocked install or update.
pub fn incompatible_message(app: &Application, operation: Operation) -> String {
    let title = if app.spec.title.is_empty() {
        "the app"
    } else {
        &app.spec.title
    };
    let desired = desired_version(app);
    match operation {
        Operation::Install => format!(
            "This version of {title} requires a different version of KOTS from what you currently \
             have installed.\nInstall KOTS version {desired} and try again."
        ),
        Operation::Update => format!(
            "This version of {title} requires a version of KOTS that is different than what you \
             currently have installed. Upgrade KOTS to version {desired}, and then download this \
             application version again in the admin console or with the 'kots upstream download' \
             command."
        ),
    }
}

/// Reads the first `kots.io/v1beta1 Application` of a YAML stream and checks it.
///
/// ```
/// use kots_core::gate::{check_yaml, Operation};
///
/// let yaml = "apiVersion: kots.io/v1beta1\nkind: Application\nspec: {targetKotsVersion: 1.2.0}\n";
/// let decision = check_yaml(yaml, "v1.3.0", Operation::Install).unwrap();
/// assert!(!decision.allowed);
/// assert!(check_yaml("kind: x", "1.0.0", Operation::Install).is_err());
/// ```
pub fn check_yaml(
    application_yaml: &str,
    running_version: &str,
    operation: Operation,
) -> Result<Decision, GateError> {
    let objects = parse_manifests(application_yaml).map_err(KindsError::from)?;
    let app = Application::find_in(&objects)?;
    Ok(check(&app, running_version, operation))
}

#[cfg(test)]
mod tests;
