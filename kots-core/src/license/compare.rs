//! Outer-vs-signed comparison (kots-internals §1.6), made complete: KOTS stops at the first
//! difference and never compares entitlement values or titles; here every differing field is reported.

use std::fmt;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::Serialize;
use serde_json::{Map, Value};

use super::model::{Channel, Entitlement, License};

/// One field whose outer (unsigned YAML) value differs from the signed data. Field names follow
/// KOTS's `LicenseDataValidationError`: `licenseID`, `channels[0].channelSlug`,
/// `entitlements[seats].value`, ... Values are Go `%v` text (`<missing>` when absent on one side).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldMismatch {
    pub field: String,
    /// The value inside the signature: the one the verified license holds.
    pub signed: String,
    /// The value in the outer YAML, which is ignored.
    pub outer: String,
}

impl fmt::Display for FieldMismatch {
    /// KOTS's wording: `licenseID field has changed to "x" (license) from "y" (within signature)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} field has changed to {:?} (license) from {:?} (within signature)",
            self.field, self.outer, self.signed
        )
    }
}

const MISSING: &str = "<missing>";

#[derive(Default)]
struct Diff(Vec<FieldMismatch>);

impl Diff {
    /// Records `field` when the two values differ; the texts are made only then.
    fn check<T: PartialEq + fmt::Display + ?Sized>(
        &mut self,
        field: impl fmt::Display,
        signed: &T,
        outer: &T,
    ) {
        if signed != outer {
            self.0.push(FieldMismatch {
                field: field.to_string(),
                signed: signed.to_string(),
                outer: outer.to_string(),
            });
        }
    }

    /// Unknown keys of two objects, compared as JSON text.
    fn extras(&mut self, prefix: &str, signed: &Map<String, Value>, outer: &Map<String, Value>) {
        let mut keys: Vec<&String> = signed.keys().chain(outer.keys()).collect();
        keys.sort();
        keys.dedup();
        for key in keys {
            let (s, o) = (signed.get(key), outer.get(key));
            if s != o {
                self.check(format_args!("{prefix}{key}"), &json_text(s), &json_text(o));
            }
        }
    }
}

fn json_text(value: Option<&Value>) -> String {
    match value {
        None => MISSING.into(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

/// Every difference between the outer license and the signed one (the outer `spec.signature` is
/// not part of the signed data and is not compared).
pub(crate) fn compare(outer: &License, signed: &License) -> Vec<FieldMismatch> {
    let mut diff = Diff::default();
    if signed.metadata != outer.metadata {
        diff.check(
            "metadata",
            &Value::Object(signed.metadata.clone()),
            &Value::Object(outer.metadata.clone()),
        );
    }
    let (s, o) = (&signed.spec, &outer.spec);
    for ((name, sv), (_, ov)) in s.strings().zip(o.strings()) {
        diff.check(name, sv, ov);
    }
    diff.check("licenseSequence", &s.license_sequence, &o.license_sequence);
    for ((name, sv), (_, ov)) in s.bools().zip(o.bools()) {
        diff.check(name, &sv, &ov);
    }
    compare_channels(&mut diff, &s.channels, &o.channels);
    diff.check(
        "entitlements length",
        &s.entitlements.len(),
        &o.entitlements.len(),
    );
    let mut names: Vec<&String> = s.entitlements.keys().chain(o.entitlements.keys()).collect();
    names.sort();
    names.dedup();
    for name in names {
        let field = format_args!("entitlements[{name}]");
        match (s.entitlements.get(name), o.entitlements.get(name)) {
            (Some(se), Some(oe)) => {
                compare_entitlement(&mut diff, field, (signed, se), (outer, oe))
            }
            (Some(_), None) => diff.check(field, "<present>", MISSING),
            (None, _) => diff.check(field, MISSING, "<present>"),
        }
    }
    diff.extras("", &s.extra, &o.extra);
    diff.extras("", &signed.extra, &outer.extra);
    diff.0
}

fn compare_channels(diff: &mut Diff, signed: &[Channel], outer: &[Channel]) {
    diff.check("channels length", &signed.len(), &outer.len());
    for (i, (s, o)) in signed.iter().zip(outer).enumerate() {
        for ((name, sv), (_, ov)) in s.strings().into_iter().zip(o.strings()) {
            diff.check(format_args!("channels[{i}].{name}"), sv, ov);
        }
        for ((name, sv), (_, ov)) in s.bools().into_iter().zip(o.bools()) {
            diff.check(format_args!("channels[{i}].{name}"), &sv, &ov);
        }
        diff.extras(&format!("channels[{i}]."), &s.extra, &o.extra);
    }
}

fn compare_entitlement(
    diff: &mut Diff,
    field: fmt::Arguments<'_>,
    (signed, s): (&License, &Entitlement),
    (outer, o): (&License, &Entitlement),
) {
    diff.check(format_args!("{field}.title"), &s.title, &o.title);
    diff.check(
        format_args!("{field}.description"),
        &s.description,
        &o.description,
    );
    diff.check(
        format_args!("{field}.valueType"),
        &s.value_type,
        &o.value_type,
    );
    diff.check(format_args!("{field}.isHidden"), &s.is_hidden, &o.is_hidden);
    let (sv, ov) = (
        s.effective_value(signed.version),
        o.effective_value(outer.version),
    );
    let type_name = |v: &Option<_>| v.as_ref().map_or("nil", super::EntitlementValue::type_name);
    if type_name(&sv) != type_name(&ov) {
        diff.check(
            format_args!("{field}.value.type"),
            type_name(&sv),
            type_name(&ov),
        );
    } else if sv != ov {
        diff.check(
            format_args!("{field}.value"),
            &s.signed_text(signed.version),
            &o.signed_text(outer.version),
        );
    }
    if s.signature != o.signature {
        diff.check(
            format_args!("{field}.signature"),
            &STANDARD.encode(&s.signature),
            &STANDARD.encode(&o.signature),
        );
    }
    diff.extras(
        &format!("{field}.signature."),
        &s.signature_extra,
        &o.signature_extra,
    );
    diff.extras(&format!("{field}."), &s.extra, &o.extra);
}
