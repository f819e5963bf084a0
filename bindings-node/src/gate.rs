//! `gate`, `compareKotsVersions`, `normalizeKotsVersion`.

use std::cmp::Ordering;

use kots_core::gate::{self, Decision, GateError, Operation, Reason, Version};
use napi_derive::napi;

use crate::errors::{js_error, Code};

/// Error codes: `KOTS_GATE_UNKNOWN_OPERATION`, `KOTS_GATE_INVALID_VERSION`; a bad Application
/// carries the kinds/manifest codes (`KOTS_KINDS_NOT_FOUND`, `KOTS_MANIFEST_YAML`, …).
fn to_js(e: GateError) -> napi::Error<Code> {
    match e {
        GateError::Application(k) => crate::kinds::to_js(k),
        GateError::UnknownOperation(_) => js_error("KOTS_GATE_UNKNOWN_OPERATION", e),
    }
}

/// The decision of [`gate`].
#[napi(object)]
pub struct GateDecision {
    pub allowed: bool,
    /// `compatible`, `runningVersionInvalid`, `belowMinKotsVersion` or `aboveTargetKotsVersion`.
    pub reason: String,
    /// KOTS's message when blocked.
    pub message: Option<String>,
    /// The KOTS version to move to (blocked: KOTS's target-else-min; recommended: the target).
    pub desired_version: Option<String>,
    /// An allowed update whose running version is below a valid `targetKotsVersion`.
    pub upgrade_recommended: bool,
    /// Bounds (or the running version) that did not parse and were ignored.
    pub warnings: Vec<String>,
}

impl From<Decision> for GateDecision {
    fn from(d: Decision) -> Self {
        let reason = match d.reason {
            Reason::Compatible => "compatible",
            Reason::RunningVersionInvalid => "runningVersionInvalid",
            Reason::BelowMinKotsVersion => "belowMinKotsVersion",
            Reason::AboveTargetKotsVersion => "aboveTargetKotsVersion",
        };
        GateDecision {
            allowed: d.allowed,
            reason: reason.to_string(),
            message: d.message,
            desired_version: d.desired_version,
            upgrade_recommended: d.upgrade_recommended,
            warnings: d.warnings,
        }
    }
}

/// Decides whether KOTS `kotsVersion` may `operation` (`"install"` or `"update"`) the release
/// whose Application is in `applicationYaml` (the first `kots.io/v1beta1 Application`), as KOTS's
/// minKotsVersion/targetKotsVersion check does. Throws `KOTS_GATE_UNKNOWN_OPERATION`, or for a
/// bad Application `KOTS_KINDS_NOT_FOUND`, `KOTS_KINDS_DECODE` or a `KOTS_MANIFEST_*` code.
#[napi]
pub fn gate(
    application_yaml: String,
    kots_version: String,
    operation: String,
) -> napi::Result<GateDecision, Code> {
    let operation: Operation = operation.parse().map_err(to_js)?;
    gate::check_yaml(&application_yaml, &kots_version, operation)
        .map(GateDecision::from)
        .map_err(to_js)
}

fn parse(version: &str) -> napi::Result<Version, Code> {
    Version::parse_tolerant(version).map_err(|e| {
        js_error(
            "KOTS_GATE_INVALID_VERSION",
            format!("invalid version {version:?}: {e}"),
        )
    })
}

/// Compares two KOTS versions as KOTS does (blang/semver ParseTolerant, build metadata ignored):
/// -1, 0 or 1. Throws `KOTS_GATE_INVALID_VERSION`.
#[napi]
pub fn compare_kots_versions(a: String, b: String) -> napi::Result<i32, Code> {
    Ok(match parse(&a)?.cmp(&parse(&b)?) {
        Ordering::Less => -1,
        Ordering::Equal => 0,
        Ordering::Greater => 1,
    })
}

/// The version as blang/semver ParseTolerant reads it, printed in full (`v1.2` → `1.2.0`).
/// Throws `KOTS_GATE_INVALID_VERSION` with blang's reason.
#[napi]
pub fn normalize_kots_version(version: String) -> napi::Result<String, Code> {
    parse(&version).map(|v| v.to_string())
}
