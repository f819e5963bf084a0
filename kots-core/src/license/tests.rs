//! Tests of the license module: KOTS's real vectors (read from ../shared when present), our own
//! RSA vectors signed with the test keys in `testdata/`, ed25519, and byte-flip properties.

use std::path::{Path, PathBuf};

use ::rsa::pkcs8::{DecodePrivateKey, EncodePublicKey, LineEnding};
use ::rsa::signature::{RandomizedSigner, SignatureEncoding};
use ::rsa::RsaPrivateKey;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use md5::Md5;
use proptest::prelude::*;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::*;

// ---------------------------------------------------------------------------------------------
// Helpers

fn shared_licenses() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/testdata/kots/licenses");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "skipping: KOTS license vectors not found at {}",
            dir.display()
        );
        None
    }
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn test_key(name: &str) -> RsaPrivateKey {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("src/license/testdata")
        .join(name);
    let pem = std::fs::read_to_string(&path).unwrap();
    RsaPrivateKey::from_pkcs8_pem(&pem).unwrap()
}

fn public_pem(key: &RsaPrivateKey) -> String {
    key.to_public_key()
        .to_public_key_pem(LineEnding::LF)
        .unwrap()
}

const TEST_GLOBAL_ID: &str = "0123456789abcdef0123456789abcdef";

/// The PSS salt length a test signature uses.
#[derive(Clone, Copy)]
enum Salt {
    HashLen,
    Zero,
    Max,
}

fn pss_sign(key: &RsaPrivateKey, version: LicenseVersion, salt: Salt, message: &[u8]) -> Vec<u8> {
    let h_len = match version {
        LicenseVersion::V1Beta1 => 16,
        LicenseVersion::V1Beta2 => 32,
    };
    let salt_len = match salt {
        Salt::HashLen => h_len,
        Salt::Zero => 0,
        Salt::Max => 256 - h_len - 2,
    };
    let mut rng = rand_core::OsRng;
    match version {
        LicenseVersion::V1Beta1 => {
            ::rsa::pss::SigningKey::<Md5>::new_with_salt_len(key.clone(), salt_len)
                .sign_with_rng(&mut rng, message)
                .to_vec()
        }
        LicenseVersion::V1Beta2 => {
            ::rsa::pss::SigningKey::<Sha256>::new_with_salt_len(key.clone(), salt_len)
                .sign_with_rng(&mut rng, message)
                .to_vec()
        }
    }
}

/// Signs a license exactly as Replicated's vendor portal lays out the blobs (kots-internals §1.3).
fn kots_sign(
    unsigned: &License,
    global: &RsaPrivateKey,
    app: &RsaPrivateKey,
    salt: Salt,
) -> License {
    let version = unsigned.version;
    let mut license = unsigned.clone();
    for entitlement in license.spec.entitlements.values_mut() {
        let text = entitlement.signed_text(version);
        entitlement.signature = pss_sign(app, version, salt, text.as_bytes());
    }
    let app_pem = public_pem(app);
    let key_sig = json!({
        "signature": STANDARD.encode(pss_sign(global, version, salt, app_pem.as_bytes())),
        "globalKeyId": TEST_GLOBAL_ID,
    });
    let data = serde_json::to_vec(&license.to_value_with_signature(false)).unwrap();
    let license_sig = STANDARD.encode(pss_sign(app, version, salt, &data));
    let key_sig = STANDARD.encode(key_sig.to_string());
    let inner = match version {
        LicenseVersion::V1Beta1 => {
            json!({"licenseSignature": license_sig, "publicKey": app_pem, "keySignature": key_sig})
        }
        LicenseVersion::V1Beta2 => {
            json!({"v2LicenseSignature": license_sig, "publicKey": app_pem, "v2KeySignature": key_sig})
        }
    };
    let outer = json!({
        "licenseData": STANDARD.encode(&data),
        "innerSignature": STANDARD.encode(inner.to_string()),
    });
    license.spec.signature = outer.to_string().into_bytes();
    license
}

fn unsigned(version: LicenseVersion) -> License {
    let yaml = format!(
        "apiVersion: {}\nkind: License\nmetadata:\n  name: acme\nspec:\n  appSlug: my-app\n  licenseID: lic-1\n  \
         licenseSequence: 3\n  customerName: Acme\n  channelID: ch-1\n  channelName: Stable\n  isAirgapSupported: true\n  \
         isKotsInstallEnabled: true\n  channels:\n  - channelID: ch-1\n    channelSlug: stable\n    isDefault: true\n  \
         entitlements:\n    expires_at: {{title: Expiration, value: \"2030-01-01T00:00:00Z\", valueType: String}}\n    \
         seats: {{title: Seats, value: 25, valueType: Integer}}\n    \
         gpu: {{title: GPU, value: false, valueType: Boolean}}\n    \
         empty: {{title: Empty, value: \"\", valueType: String}}\n    \
         unset: {{title: Unset, valueType: Integer}}\n",
        version.api_version()
    );
    License::from_yaml(&yaml).unwrap()
}

fn test_verifier() -> Verifier {
    let mut verifier = Verifier::without_embedded_keys();
    verifier
        .trust_rsa_key(
            TEST_GLOBAL_ID,
            &public_pem(&test_key("test-global-rsa.key")),
        )
        .unwrap();
    verifier
}

fn signed_rsa(version: LicenseVersion, salt: Salt) -> License {
    kots_sign(
        &unsigned(version),
        &test_key("test-global-rsa.key"),
        &test_key("test-app-rsa.key"),
        salt,
    )
}

/// Rebuilds `spec.signature` after editing the decoded blobs.
fn edit_blobs(license: &License, edit: impl FnOnce(&mut Value, &mut Value)) -> License {
    let mut outer: Value = serde_json::from_slice(&license.spec.signature).unwrap();
    let inner_bytes = STANDARD
        .decode(outer["innerSignature"].as_str().unwrap())
        .unwrap();
    let mut inner: Value = serde_json::from_slice(&inner_bytes).unwrap();
    edit(&mut outer, &mut inner);
    outer["innerSignature"] = STANDARD.encode(inner.to_string()).into();
    let mut edited = license.clone();
    edited.spec.signature = outer.to_string().into_bytes();
    edited
}

fn field_names(warnings: &[FieldMismatch]) -> Vec<&str> {
    warnings.iter().map(|w| w.field.as_str()).collect()
}

// ---------------------------------------------------------------------------------------------
// KOTS's own vectors

#[test]
fn embedded_global_keys_match_kots() {
    let expected = [
        "40f58021eb073600a4216ebe76c3719a5395f77df04f131e48bd58820a1928ea",
        "44f2770497b822b1fbbe0d854808536225db1c07e42291dfc62cf8b47f7c040b",
        "bdc3d36223cfbf14f8fcd1be8bace0610f2cd750bcc624dafb2741e16b689f48",
    ];
    for ((id, _, pem), want) in GLOBAL_KEYS.iter().zip(expected) {
        let der = super::rsa::pem_block(pem).unwrap();
        let got: String = Sha256::digest(&der)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(got, want, "sha256(DER) of global key {id}");
        if let Some(dir) = shared_licenses() {
            let file = read(&dir, &format!("global-keys/{id}.pem"));
            assert_eq!(
                super::rsa::pem_block(&file).unwrap(),
                der,
                "global key {id}"
            );
        }
    }
}

#[test]
fn kots_valid_vectors_verify_with_embedded_keys() {
    let Some(dir) = shared_licenses() else { return };
    let cases = [
        (
            "kots/valid.yaml",
            "bdee56560cfb43c9b28bf98eacafa646",
            SignatureScheme::RsaPssMd5,
        ),
        (
            "kots/valid-without-entitlement-signature.yaml",
            "1d3f7f6b50714fe7b895554dd65773b0",
            SignatureScheme::RsaPssMd5,
        ),
        (
            "kots/valid-with-entitlement-signature.yaml",
            "1d3f7f6b50714fe7b895554dd65773b0",
            SignatureScheme::RsaPssMd5,
        ),
        (
            "kotskinds/v1beta1.yaml",
            "bdee56560cfb43c9b28bf98eacafa646",
            SignatureScheme::RsaPssMd5,
        ),
        (
            "kotskinds/v1beta2.yaml",
            "bdee56560cfb43c9b28bf98eacafa646",
            SignatureScheme::RsaPssSha256,
        ),
        (
            "kotskinds/missing-values.yaml",
            "bdee56560cfb43c9b28bf98eacafa646",
            SignatureScheme::RsaPssMd5,
        ),
        (
            "kotskinds/blank-values.yaml",
            "bdee56560cfb43c9b28bf98eacafa646",
            SignatureScheme::RsaPssMd5,
        ),
    ];
    let mut strict = Verifier::new();
    strict.set_strict(true);
    for (file, key_id, scheme) in cases {
        let verified = strict
            .verify_yaml(&read(&dir, file))
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(verified.key_id, key_id, "{file}");
        assert_eq!(verified.scheme, scheme, "{file}");
        assert!(
            verified.warnings.is_empty(),
            "{file}: {:?}",
            verified.warnings
        );
    }
}

#[test]
fn kots_valid_vector_fields() {
    let Some(dir) = shared_licenses() else { return };
    let verified = Verifier::new()
        .verify_yaml(&read(&dir, "kots/valid.yaml"))
        .unwrap();
    let l = &verified.license;
    assert_eq!(l.spec.license_sequence, 7);
    assert_eq!(l.spec.app_slug, "my-app");
    assert_eq!(l.spec.license_id, "1vusOokxAVp1tkRGuyxnF23PJcq");
    assert!(l.spec.is_airgap_supported && l.spec.is_snapshot_supported);
    assert_eq!(
        l.entitlement_value("int_field"),
        Some(EntitlementValue::Int(123))
    );
    assert_eq!(
        l.entitlement_value("bool_field"),
        Some(EntitlementValue::Bool(true))
    );
    assert_eq!(
        l.entitlement_text("text_field").as_deref(),
        Some("multi\nline\ntext")
    );
    assert!(l.entitlement("hidden_field").unwrap().is_hidden);
    let expires = l.expires_at().unwrap().unwrap();
    assert_eq!(expires.to_string(), "2030-07-27T00:00:00Z");
    let now = Timestamp::parse_rfc3339("2026-12-01T00:00:00Z").unwrap();
    assert!(!l.is_expired_at(now).unwrap());
}

#[test]
fn kots_entitlement_signature_vector_signs_integral_float_as_int() {
    let Some(dir) = shared_licenses() else { return };
    let outer =
        License::from_yaml(&read(&dir, "kots/valid-with-entitlement-signature.yaml")).unwrap();
    assert_eq!(
        outer.entitlement_value("testing"),
        Some(EntitlementValue::Int(1_232_435))
    );
    assert!(!outer.entitlement("testing").unwrap().signature.is_empty());
    let verified = Verifier::new().verify(&outer).unwrap();
    assert!(verified
        .license
        .spec
        .extra
        .contains_key("isKotsInstallEnabled"));
    let before = Timestamp::parse_rfc3339("2025-09-28T23:59:59Z").unwrap();
    let after = Timestamp::parse_rfc3339("2025-09-29T00:00:00.000000001Z").unwrap();
    assert!(!verified.license.is_expired_at(before).unwrap());
    assert!(verified.license.is_expired_at(after).unwrap());
    // Changing the signed entitlement value in the outer YAML breaks its signature (KOTS checks
    // outer entitlement signatures).
    let mut tampered = outer.clone();
    let testing = tampered.spec.entitlements.get_mut("testing").unwrap();
    testing.value = Some(EntitlementValue::Int(1_232_436));
    assert_eq!(
        Verifier::new().verify(&tampered).unwrap_err(),
        LicenseError::EntitlementSignatureInvalid {
            scheme: "v1",
            name: "testing".into()
        }
    );
}

#[test]
fn kots_missing_values_sign_nil() {
    let Some(dir) = shared_licenses() else { return };
    let l = License::from_yaml(&read(&dir, "kotskinds/missing-values.yaml")).unwrap();
    for name in ["again", "Test Field"] {
        assert_eq!(l.entitlement(name).unwrap().value, None, "{name}");
        assert_eq!(l.entitlement_text(name).as_deref(), Some("<nil>"));
    }
    let blank = License::from_yaml(&read(&dir, "kotskinds/blank-values.yaml")).unwrap();
    assert_eq!(blank.entitlement_text("again").as_deref(), Some(""));
}

#[test]
fn kots_invalid_signature_vectors_fail() {
    let Some(dir) = shared_licenses() else { return };
    let err = Verifier::new()
        .verify_yaml(&read(&dir, "kots/invalid-signature.yaml"))
        .unwrap_err();
    assert_eq!(err, LicenseError::LicenseSignatureInvalid { scheme: "v1" });

    let mut trusted = Verifier::new();
    trusted
        .trust_rsa_key_for_any_id(&read(&dir, "test-global-key.pem"))
        .unwrap();
    let err = trusted
        .verify_yaml(&read(&dir, "kots/invalid-v1beta2-signature.yaml"))
        .unwrap_err();
    assert!(
        matches!(&err, LicenseError::SignatureBlob { reason } if reason.contains("inner")),
        "{err}"
    );
}

#[test]
fn kots_changed_field_vectors_verify_with_warnings() {
    let Some(dir) = shared_licenses() else { return };
    let mut verifier = Verifier::new();
    verifier
        .trust_rsa_key_for_any_id(&read(&dir, "test-global-key.pem"))
        .unwrap();
    let cases = [
        ("kots/invalid-changed-licenseID.yaml", "licenseID"),
        ("kots/invalid-changed-endpoint.yaml", "endpoint"),
        (
            "kots/invalid-changed-isEmbeddedClusterMultiNodeEnabled.yaml",
            "isEmbeddedClusterMultiNodeEnabled",
        ),
        ("kots/invalid-v1beta2-changed-licenseID.yaml", "licenseID"),
    ];
    for (file, field) in cases {
        let text = read(&dir, file);
        let verified = verifier
            .verify_yaml(&text)
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        let warning = verified.warnings.iter().find(|w| w.field == field);
        let warning = warning.unwrap_or_else(|| panic!("{file}: {:?}", verified.warnings));
        assert_ne!(warning.signed, warning.outer);
        // The verified license holds the signed value.
        let signed = verified.license.to_value()["spec"][field].clone();
        let signed_text = match signed {
            Value::String(s) => s,
            Value::Bool(b) => b.to_string(),
            other => other.to_string(),
        };
        assert_eq!(signed_text, warning.signed, "{file}");

        let mut strict = verifier.clone();
        strict.set_strict(true);
        let err = strict.verify_yaml(&text).unwrap_err();
        assert!(
            matches!(&err, LicenseError::DataMismatch { mismatches } if mismatches.iter().any(|m| m.field == field))
        );
    }
}

#[test]
fn kots_v1beta2_vector_needs_its_test_key() {
    let Some(dir) = shared_licenses() else { return };
    let text = read(&dir, "kots/valid-v1beta2.yaml");
    let err = Verifier::new().verify_yaml(&text).unwrap_err();
    assert_eq!(
        err,
        LicenseError::UnknownGlobalKey {
            key_id: "test-global-key-id".into()
        }
    );

    let mut verifier = Verifier::new();
    verifier
        .trust_rsa_key_for_any_id(&read(&dir, "test-global-key.pem"))
        .unwrap();
    let verified = verifier.verify_yaml(&text).unwrap();
    assert_eq!(verified.scheme, SignatureScheme::RsaPssSha256);
    assert!(verified.warnings.is_empty(), "{:?}", verified.warnings);
    let l = &verified.license;
    let signed: Vec<_> = l
        .spec
        .entitlements
        .iter()
        .filter(|(_, e)| !e.signature.is_empty())
        .collect();
    assert_eq!(signed.len(), 4);
    assert_eq!(
        l.entitlement_text("int_default_0_set_587").as_deref(),
        Some("587")
    );

    // Trusted under its own id it verifies too; under another id it does not.
    let mut by_id = Verifier::without_embedded_keys();
    by_id
        .trust_rsa_key("test-global-key-id", &read(&dir, "test-global-key.pem"))
        .unwrap();
    assert!(by_id.verify_yaml(&text).is_ok());
    let mut wrong = Verifier::without_embedded_keys();
    wrong
        .trust_rsa_key("test-global-key-id", GLOBAL_KEYS[1].2)
        .unwrap();
    assert_eq!(
        wrong.verify_yaml(&text).unwrap_err(),
        LicenseError::KeySignatureInvalid {
            scheme: "v2",
            key_id: "test-global-key-id".into()
        }
    );
}

#[test]
fn kots_vectors_round_trip() {
    let Some(dir) = shared_licenses() else { return };
    for file in [
        "kots/valid-with-entitlement-signature.yaml",
        "kotskinds/v1beta2.yaml",
        "kotskinds/missing-values.yaml",
    ] {
        let license = License::from_yaml(&read(&dir, file)).unwrap();
        let again = License::from_yaml(&license.to_yaml().unwrap()).unwrap();
        assert_eq!(again, license, "{file}");
        assert!(Verifier::new().verify(&again).is_ok(), "{file}");
    }
}

// ---------------------------------------------------------------------------------------------
// Our RSA vectors

#[test]
fn rsa_salt_lengths_are_auto_detected() {
    let verifier = test_verifier();
    for version in [LicenseVersion::V1Beta1, LicenseVersion::V1Beta2] {
        for salt in [Salt::HashLen, Salt::Zero, Salt::Max] {
            let license = signed_rsa(version, salt);
            let verified = verifier.verify(&license).unwrap();
            assert!(verified.warnings.is_empty(), "{:?}", verified.warnings);
            assert_eq!(verified.key_id, TEST_GLOBAL_ID);
            assert_eq!(
                verified.license.spec.extra["isKotsInstallEnabled"],
                Value::Bool(true)
            );
            assert_eq!(
                verified.license.entitlement_text("unset").unwrap(),
                match version {
                    LicenseVersion::V1Beta1 => "<nil>",
                    LicenseVersion::V1Beta2 => "0",
                }
            );
        }
    }
}

#[test]
fn rsa_wrong_global_key_fails() {
    let license = signed_rsa(LicenseVersion::V1Beta1, Salt::Max);
    // Signed by the right key but the verifier trusts another key for that id.
    let mut other = Verifier::without_embedded_keys();
    other
        .trust_rsa_key(TEST_GLOBAL_ID, &public_pem(&test_key("test-other-rsa.key")))
        .unwrap();
    assert_eq!(
        other.verify(&license).unwrap_err(),
        LicenseError::KeySignatureInvalid {
            scheme: "v1",
            key_id: TEST_GLOBAL_ID.into()
        }
    );
    // Signed by an untrusted global key under a trusted id.
    let forged = kots_sign(
        &unsigned(LicenseVersion::V1Beta1),
        &test_key("test-other-rsa.key"),
        &test_key("test-app-rsa.key"),
        Salt::Max,
    );
    assert!(matches!(
        test_verifier().verify(&forged),
        Err(LicenseError::KeySignatureInvalid { .. })
    ));
    // The embedded keys do not know the test id.
    assert_eq!(
        Verifier::new().verify(&license).unwrap_err(),
        LicenseError::UnknownGlobalKey {
            key_id: TEST_GLOBAL_ID.into()
        }
    );
}

#[test]
fn rsa_swapped_app_key_fails() {
    let license = signed_rsa(LicenseVersion::V1Beta2, Salt::HashLen);
    // Another app key in the blob: the global key never signed it.
    let other_pem = public_pem(&test_key("test-other-rsa.key"));
    let swapped = edit_blobs(&license, |_, inner| {
        inner["publicKey"] = other_pem.clone().into()
    });
    assert!(matches!(
        test_verifier().verify(&swapped),
        Err(LicenseError::KeySignatureInvalid { scheme: "v2", .. })
    ));
    // A license signed by another app key, wearing the genuine key signature.
    let other_app = kots_sign(
        &unsigned(LicenseVersion::V1Beta2),
        &test_key("test-global-rsa.key"),
        &test_key("test-other-rsa.key"),
        Salt::HashLen,
    );
    let genuine: Value = serde_json::from_slice(&license.spec.signature).unwrap();
    let genuine_inner: Value = serde_json::from_slice(
        &STANDARD
            .decode(genuine["innerSignature"].as_str().unwrap())
            .unwrap(),
    )
    .unwrap();
    let mixed = edit_blobs(&other_app, |_, inner| {
        inner["v2KeySignature"] = genuine_inner["v2KeySignature"].clone();
    });
    assert!(matches!(
        test_verifier().verify(&mixed),
        Err(LicenseError::KeySignatureInvalid { .. })
    ));
}

#[test]
fn rsa_tampered_license_data_fails() {
    let license = signed_rsa(LicenseVersion::V1Beta1, Salt::Max);
    let tampered = edit_blobs(&license, |outer, _| {
        let data = STANDARD
            .decode(outer["licenseData"].as_str().unwrap())
            .unwrap();
        let text = String::from_utf8(data)
            .unwrap()
            .replace("\"seats\"", "\"Seats\"");
        outer["licenseData"] = STANDARD.encode(text).into();
    });
    assert_eq!(
        test_verifier().verify(&tampered).unwrap_err(),
        LicenseError::LicenseSignatureInvalid { scheme: "v1" }
    );
    let missing = edit_blobs(&license, |_, inner| {
        inner.as_object_mut().unwrap().remove("licenseSignature");
    });
    assert_eq!(
        test_verifier().verify(&missing).unwrap_err(),
        LicenseError::LicenseSignatureMissing { scheme: "v1" }
    );
    let no_key_sig = edit_blobs(&license, |_, inner| {
        inner.as_object_mut().unwrap().remove("keySignature");
    });
    assert_eq!(
        test_verifier().verify(&no_key_sig).unwrap_err(),
        LicenseError::KeySignatureMissing { scheme: "v1" }
    );
}

#[test]
fn rsa_tampered_entitlements_fail_each() {
    let license = signed_rsa(LicenseVersion::V1Beta2, Salt::Max);
    let replacements = [
        (
            "expires_at",
            EntitlementValue::String("2099-01-01T00:00:00Z".into()),
        ),
        ("seats", EntitlementValue::Int(26)),
        ("gpu", EntitlementValue::Bool(true)),
        ("empty", EntitlementValue::String(" ".into())),
        ("unset", EntitlementValue::Int(1)),
    ];
    for (name, value) in replacements {
        let mut tampered = license.clone();
        tampered.spec.entitlements.get_mut(name).unwrap().value = Some(value);
        assert_eq!(
            test_verifier().verify(&tampered).unwrap_err(),
            LicenseError::EntitlementSignatureInvalid {
                scheme: "v2",
                name: name.into()
            },
        );
    }
    // Without its own signature, a changed value is caught by the data comparison instead.
    let mut unsigned_field = license.clone();
    let seats = unsigned_field.spec.entitlements.get_mut("seats").unwrap();
    seats.signature.clear();
    seats.value = Some(EntitlementValue::Int(1000));
    seats.title = "Lots".into();
    let verified = test_verifier().verify(&unsigned_field).unwrap();
    assert_eq!(
        field_names(&verified.warnings),
        [
            "entitlements[seats].title",
            "entitlements[seats].value",
            "entitlements[seats].signature"
        ]
    );
    assert_eq!(
        verified.license.entitlement_value("seats"),
        Some(EntitlementValue::Int(25))
    );
}

#[test]
fn rsa_outer_changes_are_all_reported() {
    let mut license = signed_rsa(LicenseVersion::V1Beta1, Salt::HashLen);
    license.spec.customer_name = "Mallory".into();
    license.spec.is_snapshot_supported = true;
    license.spec.channels[0].channel_slug = "beta".into();
    license.spec.extra.remove("isKotsInstallEnabled");
    license.metadata.insert("name".into(), "other".into());
    license.spec.entitlements.remove("gpu");
    let verified = test_verifier().verify(&license).unwrap();
    assert_eq!(
        field_names(&verified.warnings),
        [
            "metadata",
            "customerName",
            "isSnapshotSupported",
            "channels[0].channelSlug",
            "entitlements length",
            "entitlements[gpu]",
            "isKotsInstallEnabled",
        ]
    );
    let w = &verified.warnings[1];
    assert_eq!(
        w.to_string(),
        r#"customerName field has changed to "Mallory" (license) from "Acme" (within signature)"#
    );
    let l = &verified.license;
    assert_eq!(l.spec.customer_name, "Acme");
    assert!(!l.spec.is_snapshot_supported);
    assert_eq!(l.spec.channels[0].channel_slug, "stable");
    assert_eq!(l.metadata["name"], "acme");
    assert!(l.entitlement("gpu").is_some() && l.spec.extra.contains_key("isKotsInstallEnabled"));
}

#[test]
fn rsa_signature_blob_errors_name_the_blob() {
    let mut license = unsigned(LicenseVersion::V1Beta1);
    let err = test_verifier().verify(&license).unwrap_err();
    assert!(
        matches!(&err, LicenseError::SignatureBlob { reason } if reason.contains("outer signature")),
        "{err}"
    );
    license.spec.signature = br#"{"licenseData":"e30=","innerSignature":"bm90IGpzb24="}"#.to_vec();
    let err = test_verifier().verify(&license).unwrap_err();
    assert!(
        matches!(&err, LicenseError::SignatureBlob { reason } if reason.contains("inner signature")),
        "{err}"
    );
    license.spec.signature = br#"{"licenseData":"e30=","innerSignature":"e30="}"#.to_vec();
    let err = test_verifier().verify(&license).unwrap_err();
    assert!(
        matches!(&err, LicenseError::SignatureBlob { reason } if reason.contains("app public key")),
        "{err}"
    );
}

#[test]
fn rsa_blob_keys_match_case_insensitively_like_go() {
    let license = signed_rsa(LicenseVersion::V1Beta1, Salt::HashLen);
    let renamed = edit_blobs(&license, |outer, inner| {
        let data = outer
            .as_object_mut()
            .unwrap()
            .remove("licenseData")
            .unwrap();
        outer["LICENSEDATA"] = data;
        let key = inner.as_object_mut().unwrap().remove("publicKey").unwrap();
        inner["PublicKey"] = key;
    });
    assert!(test_verifier().verify(&renamed).is_ok());
}

// ---------------------------------------------------------------------------------------------
// Model and typing

fn entitlement_yaml(version: &str, entry: &str) -> Result<License, LicenseError> {
    License::from_yaml(&format!(
        "apiVersion: kots.io/{version}\nkind: License\nspec:\n  entitlements:\n    f: {entry}\n"
    ))
}

#[test]
fn entitlement_values_are_typed_like_kots() {
    let value = |entry: &str| entitlement_yaml("v1beta1", entry).map(|l| l.entitlement_value("f"));
    assert_eq!(
        value("{value: 1.232435e+06}").unwrap(),
        Some(EntitlementValue::Int(1_232_435))
    );
    assert_eq!(
        value("{value: 1e3}").unwrap(),
        Some(EntitlementValue::Int(1000))
    );
    assert_eq!(
        value("{value: 1.0e+18}").unwrap(),
        Some(EntitlementValue::Int(1_000_000_000_000_000_000))
    );
    assert_eq!(
        value("{value: '12'}").unwrap(),
        Some(EntitlementValue::String("12".into()))
    );
    assert_eq!(
        value("{value: yes}").unwrap(),
        Some(EntitlementValue::Bool(true))
    );
    assert_eq!(
        value("{value: -7}").unwrap(),
        Some(EntitlementValue::Int(-7))
    );
    assert_eq!(value("{title: t}").unwrap(), None);
    for bad in [
        "{value: 1.5}",
        "{value: null}",
        "{value: ~}",
        "{value: [1]}",
        "{value: {a: 1}}",
        "{value: 1e21}",
        "{value: 9223372036854775808}",
    ] {
        let err = value(bad).unwrap_err();
        assert!(
            matches!(&err, LicenseError::InvalidField { field, reason } if field == "spec.entitlements[f].value" && reason.starts_with("unknown license value type")),
            "{bad}: {err}"
        );
    }
    let v2 = entitlement_yaml("v1beta2", "{title: t}").unwrap();
    assert_eq!(v2.entitlement_value("f"), Some(EntitlementValue::Int(0)));
    assert_eq!(v2.entitlement_text("f").as_deref(), Some("0"));
    // Raw JSON keeps its tokens: a fraction or exponent is not an int64.
    let json = |v: &str| {
        License::from_yaml(&format!(
            r#"{{"apiVersion":"kots.io/v1beta1","kind":"License","spec":{{"entitlements":{{"f":{{"value":{v}}}}}}}}}"#
        ))
    };
    assert_eq!(
        json("12").unwrap().entitlement_value("f"),
        Some(EntitlementValue::Int(12))
    );
    assert!(json("12.0").is_err());
    assert!(json("1e3").is_err());
}

#[test]
fn load_errors_name_the_problem() {
    let err = License::from_yaml("apiVersion: v1\nkind: ConfigMap\n").unwrap_err();
    assert!(matches!(err, LicenseError::NotALicense { .. }));
    let err = License::from_yaml("apiVersion: kots.io/v1beta3\nkind: License\n").unwrap_err();
    assert_eq!(
        err,
        LicenseError::UnsupportedVersion {
            version: "v1beta3".into()
        }
    );
    let err = License::from_yaml(
        "apiVersion: kots.io/v1beta1\nkind: License\nspec: {licenseSequence: 1.5}\n",
    )
    .unwrap_err();
    assert!(
        matches!(&err, LicenseError::InvalidField { field, .. } if field == "spec.licenseSequence"),
        "{err}"
    );
    let err = License::from_yaml(
        "apiVersion: kots.io/v1beta1\nkind: License\nspec: {channels: [{isDefault: 1}]}\n",
    )
    .unwrap_err();
    assert!(
        matches!(&err, LicenseError::InvalidField { field, .. } if field == "spec.channels[0].isDefault"),
        "{err}"
    );
    let err = License::from_yaml(
        "apiVersion: kots.io/v1beta1\nkind: License\nspec: {signature: 'abc'}\n",
    )
    .unwrap_err();
    assert!(
        matches!(&err, LicenseError::InvalidField { field, .. } if field == "spec.signature"),
        "{err}"
    );
    let two = "apiVersion: kots.io/v1beta1\nkind: License\n---\napiVersion: kots.io/v1beta1\nkind: License\n";
    assert_eq!(
        License::from_yaml(two).unwrap_err(),
        LicenseError::DocumentCount { count: 2 }
    );
    assert!(matches!(
        License::from_yaml("a: [").unwrap_err(),
        LicenseError::Yaml(_)
    ));
    // Null is Go's zero value.
    let l = License::from_yaml(
        "apiVersion: kots.io/v1beta1\nkind: License\nspec: {appSlug: null, isAirgapSupported: ~}\n",
    )
    .unwrap();
    assert_eq!(l.spec.app_slug, "");
}

#[test]
fn unknown_fields_survive_round_trips() {
    let yaml = "apiVersion: kots.io/v1beta2\nkind: License\nmetadata: {name: n, labels: {a: b}}\nstatus: {x: 1}\n\
                spec:\n  appSlug: a\n  futureFlag: true\n  channels: [{channelID: c, newField: 2}]\n  \
                entitlements:\n    e: {value: 1, extra: x, signature: {v1: abc, v2: AAAA}}\n";
    let license = License::from_yaml(yaml).unwrap();
    assert_eq!(license.extra["status"], json!({"x": 1}));
    assert_eq!(license.spec.extra["futureFlag"], json!(true));
    assert_eq!(license.spec.channels[0].extra["newField"], json!(2));
    let e = license.entitlement("e").unwrap();
    assert_eq!(e.signature, vec![0, 0, 0]);
    assert_eq!(e.signature_extra["v1"], json!("abc"));
    let value = license.to_value();
    assert_eq!(
        value["spec"]["entitlements"]["e"]["signature"],
        json!({"v1": "abc", "v2": "AAAA"})
    );
    assert_eq!(License::from_value(value).unwrap(), license);
}

// ---------------------------------------------------------------------------------------------
// Expiry and channels

#[test]
fn expiry_follows_kots_rules() {
    let at = |entry: &str| entitlement_yaml("v1beta1", entry).unwrap();
    let expires = |entry: &str| {
        let yaml = format!("apiVersion: kots.io/v1beta1\nkind: License\nspec:\n  entitlements:\n    expires_at: {entry}\n");
        License::from_yaml(&yaml).unwrap()
    };
    let now = Timestamp::parse_rfc3339("2026-06-01T00:00:00Z").unwrap();
    assert!(
        !at("{value: 1}").is_expired_at(now).unwrap(),
        "no expires_at"
    );
    assert!(!expires("{value: ''}").is_expired_at(now).unwrap());
    assert!(expires("{value: '2026-05-31T23:59:59Z'}")
        .is_expired_at(now)
        .unwrap());
    assert!(
        !expires("{value: '2026-06-01T00:00:00Z'}")
            .is_expired_at(now)
            .unwrap(),
        "expired only strictly before now"
    );
    assert!(
        expires("{value: '2026-06-01T01:00:00+02:00', valueType: String}")
            .is_expired_at(now)
            .unwrap()
    );
    let err = |entry: &str| expires(entry).is_expired_at(now).unwrap_err().to_string();
    assert_eq!(
        err("{value: '2030-01-01T00:00:00Z', valueType: Integer}"),
        "expires_at must be type String: Integer"
    );
    assert_eq!(
        err("{valueType: String}"),
        "expires_at value is not a string"
    );
    assert_eq!(err("{value: 5}"), "expires_at value is not a string");
    assert!(err("{value: 'tomorrow'}").starts_with("failed to parse expiration time"));
}

#[test]
fn channels_follow_kots_helpers() {
    let legacy = License::from_yaml(
        "apiVersion: kots.io/v1beta1\nkind: License\nspec: {channelID: c1, channelName: Stable, isSemverRequired: true}\n",
    )
    .unwrap();
    assert_eq!(legacy.default_channel_id(), "c1");
    assert_eq!(legacy.channel_id_for_slug("anything").unwrap(), "c1");
    let channel = legacy.find_channel("c1").unwrap();
    assert!(channel.is_default && channel.is_semver_required && channel.channel_name == "Stable");
    assert_eq!(
        legacy.find_channel("c2").unwrap_err(),
        LicenseError::ChannelNotFound { id: "c2".into() }
    );
    assert!(legacy.is_channel_slug_allowed("anything"));
    assert_eq!(legacy.endpoint(), DEFAULT_ENDPOINT);

    let multi = unsigned(LicenseVersion::V1Beta1);
    assert_eq!(multi.default_channel_id(), "ch-1");
    assert_eq!(multi.channel_id_for_slug("stable").unwrap(), "ch-1");
    assert_eq!(
        multi.channel_id_for_slug("beta").unwrap_err().to_string(),
        r#"requested install channel slug "beta" not found in license channels"#
    );
    assert_eq!(multi.find_channel("ch-1").unwrap().channel_slug, "stable");
    assert_eq!(
        multi
            .check_channel_slug_allowed("beta")
            .unwrap_err()
            .to_string(),
        r#"channel slug "beta" is not allowed by license"#
    );
}

// ---------------------------------------------------------------------------------------------
// ed25519

#[test]
fn ed25519_sign_and_verify_with_rotation() {
    let old = generate_ed25519_key().unwrap();
    let new = generate_ed25519_key().unwrap();
    let mut verifier = Verifier::without_embedded_keys();
    verifier.trust_ed25519_key("2025", old.verifying_key());
    verifier.trust_ed25519_key("2026", new.verifying_key());
    verifier.set_strict(true);
    for version in [LicenseVersion::V1Beta1, LicenseVersion::V1Beta2] {
        let license = unsigned(version);
        for (id, key) in [("2025", &old), ("2026", &new)] {
            let signed = sign_license(&license, key, id).unwrap();
            let reread = License::from_yaml(&signed.to_yaml().unwrap()).unwrap();
            let verified = verifier.verify(&reread).unwrap();
            assert_eq!(verified.scheme, SignatureScheme::Ed25519);
            assert_eq!(verified.key_id, id);
            assert_eq!(
                verified.license.spec,
                LicenseSpec {
                    signature: reread.spec.signature.clone(),
                    ..license.spec.clone()
                }
            );
        }
    }
}

#[test]
fn ed25519_rejects_unknown_id_wrong_key_and_changes() {
    let key = generate_ed25519_key().unwrap();
    let other = generate_ed25519_key().unwrap();
    let signed = sign_license(&unsigned(LicenseVersion::V1Beta2), &key, "k1").unwrap();
    let mut verifier = Verifier::new();
    assert_eq!(
        verifier.verify(&signed).unwrap_err(),
        LicenseError::UnknownKeyId {
            key_id: "k1".into()
        }
    );
    verifier.trust_ed25519_key("k1", other.verifying_key());
    assert_eq!(
        verifier.verify(&signed).unwrap_err(),
        LicenseError::Ed25519SignatureInvalid {
            key_id: "k1".into()
        }
    );
    verifier.trust_ed25519_key("k1", key.verifying_key()); // replaces the wrong key
    assert!(verifier.verify(&signed).is_ok());

    // The key id is signed: moving the signature to another trusted id fails.
    verifier.trust_ed25519_key("k2", key.verifying_key());
    let mut envelope: Value = serde_json::from_slice(&signed.spec.signature).unwrap();
    envelope["keyId"] = "k2".into();
    let mut moved = signed.clone();
    moved.spec.signature = envelope.to_string().into_bytes();
    assert_eq!(
        verifier.verify(&moved).unwrap_err(),
        LicenseError::Ed25519SignatureInvalid {
            key_id: "k2".into()
        }
    );

    envelope["keyId"] = "k1".into();
    envelope["envelope"] = "kots-sdk/ed25519/v9".into();
    moved.spec.signature = envelope.to_string().into_bytes();
    assert!(matches!(
        verifier.verify(&moved),
        Err(LicenseError::UnsupportedEnvelope { .. })
    ));

    // Outer changes are warnings (errors when strict); the signed data wins.
    let mut changed = signed.clone();
    changed.spec.license_id = "stolen".into();
    let verified = verifier.verify(&changed).unwrap();
    assert_eq!(field_names(&verified.warnings), ["licenseID"]);
    assert_eq!(verified.license.spec.license_id, "lic-1");
    assert!(sign_license(&signed, &key, "bad id").is_err());
}

#[test]
fn ed25519_keys_round_trip_as_pem() {
    let key = generate_ed25519_key().unwrap();
    let pem = key.to_pem();
    assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----"));
    let public = key.verifying_key().to_pem();
    assert!(public.starts_with("-----BEGIN PUBLIC KEY-----"));
    assert_eq!(
        Ed25519PrivateKey::from_pem(&pem).unwrap().verifying_key(),
        key.verifying_key()
    );
    assert_eq!(
        Ed25519PublicKey::from_pem(&public).unwrap(),
        key.verifying_key()
    );
    assert_eq!(
        Ed25519PublicKey::from_bytes(&key.verifying_key().to_bytes()).unwrap(),
        key.verifying_key()
    );
    assert!(matches!(
        Ed25519PublicKey::from_pem(GLOBAL_KEYS[0].2),
        Err(LicenseError::InvalidKey { .. })
    ));
    assert!(matches!(
        Ed25519PrivateKey::from_pem("junk"),
        Err(LicenseError::InvalidKey { .. })
    ));
    assert!(!format!("{key:?}").contains(&pem));
}

// ---------------------------------------------------------------------------------------------
// Properties: any changed byte fails, nothing panics

fn flip(bytes: &mut [u8], index: usize, mask: u8) {
    let i = index % bytes.len();
    bytes[i] ^= mask;
}

fn rsa_fixture() -> &'static License {
    static FIXTURE: std::sync::OnceLock<License> = std::sync::OnceLock::new();
    FIXTURE.get_or_init(|| signed_rsa(LicenseVersion::V1Beta2, Salt::Max))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn rsa_any_flipped_signature_or_data_byte_fails(index in any::<usize>(), mask in 1u8..=255, in_data in any::<bool>()) {
        let license = rsa_fixture();
        let tampered = edit_blobs(license, |outer, inner| {
            if in_data {
                let mut data = STANDARD.decode(outer["licenseData"].as_str().unwrap()).unwrap();
                flip(&mut data, index, mask);
                outer["licenseData"] = STANDARD.encode(data).into();
            } else {
                let mut sig = STANDARD.decode(inner["v2LicenseSignature"].as_str().unwrap()).unwrap();
                flip(&mut sig, index, mask);
                inner["v2LicenseSignature"] = STANDARD.encode(sig).into();
            }
        });
        prop_assert_eq!(
            test_verifier().verify(&tampered).unwrap_err(),
            LicenseError::LicenseSignatureInvalid { scheme: "v2" }
        );
    }

    #[test]
    fn rsa_any_flipped_blob_byte_never_panics(index in any::<usize>(), mask in 1u8..=255) {
        let license = rsa_fixture();
        let mut tampered = license.clone();
        flip(&mut tampered.spec.signature, index, mask);
        // A flip may land in base64 padding bits Go ignores; then the signed data is unchanged.
        if let Ok(verified) = test_verifier().verify(&tampered) {
            prop_assert_eq!(verified.license.spec.license_id.as_str(), "lic-1");
            prop_assert!(verified.warnings.is_empty());
        }
    }

    #[test]
    fn ed25519_any_flipped_byte_fails(index in any::<usize>(), mask in 1u8..=255, in_data in any::<bool>()) {
        static KEY: std::sync::OnceLock<Ed25519PrivateKey> = std::sync::OnceLock::new();
        let key = KEY.get_or_init(|| generate_ed25519_key().unwrap());
        let signed = sign_license(&unsigned(LicenseVersion::V1Beta1), key, "k").unwrap();
        let mut envelope: Value = serde_json::from_slice(&signed.spec.signature).unwrap();
        let field = if in_data { "licenseData" } else { "signature" };
        let mut bytes = STANDARD.decode(envelope[field].as_str().unwrap()).unwrap();
        flip(&mut bytes, index, mask);
        envelope[field] = STANDARD.encode(bytes).into();
        let mut tampered = signed.clone();
        tampered.spec.signature = envelope.to_string().into_bytes();
        let mut verifier = Verifier::without_embedded_keys();
        verifier.trust_ed25519_key("k", key.verifying_key());
        let err = verifier.verify(&tampered).unwrap_err();
        prop_assert!(matches!(err, LicenseError::Ed25519SignatureInvalid { .. }), "{}", err);
    }

    #[test]
    fn arbitrary_signature_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let mut license = unsigned(LicenseVersion::V1Beta1);
        license.spec.signature = bytes;
        prop_assert!(Verifier::new().verify(&license).is_err());
    }
}

// ---------------------------------------------------------------------------------------------
// The signed-JSON fast path agrees with the general decoder

/// Signed data as `sign_license` writes it.
fn signed_json_doc(version: LicenseVersion) -> Value {
    unsigned(version).to_value_with_signature(false)
}

#[test]
fn signed_json_fast_path_takes_the_usual_shape() {
    for version in [LicenseVersion::V1Beta1, LicenseVersion::V1Beta2] {
        let mut doc = signed_json_doc(version);
        // Entitlement signatures, a channel's unknown key and spec keys KOTS does not model (as
        // real licenses carry) are part of the usual shape too.
        doc["spec"]["entitlements"]["seats"]["signature"] = json!({"v1": "AAAA", "v2": "AAAA"});
        doc["spec"]["channels"][0]["extra"] = json!(1);
        doc["spec"]["isKotsInstallEnabled"] = json!(true);
        doc["spec"]["zzUnknown"] = json!({"a": [1, 2]});
        let bytes = serde_json::to_vec(&doc).unwrap();
        let fast = super::signed_json::decode(&bytes, version).expect("the fast path applies");
        assert_eq!(fast.0.spec.extra.len(), 2, "unknown keys kept");
        assert_eq!(
            Ok(fast),
            License::from_signed_json_general(&bytes, version),
            "{version:?}"
        );
        // A key written twice goes to the general decoder, which keeps the last value.
        let twice = String::from_utf8(bytes).unwrap().replacen(
            "\"spec\":{",
            "\"spec\":{\"zzUnknown\":0,",
            1,
        );
        assert!(super::signed_json::decode(twice.as_bytes(), version).is_none());
    }
}

/// Places where an edit changes the shape or the types the decoders see.
const SIGNED_JSON_PATHS: &[&str] = &[
    "/apiVersion",
    "/kind",
    "/metadata",
    "/metadata/name",
    "/unknownTop",
    "/spec",
    "/spec/appSlug",
    "/spec/licenseID",
    "/spec/isAirgapSupported",
    "/spec/licenseSequence",
    "/spec/signature",
    "/spec/unknownField",
    "/spec/isKotsInstallEnabled",
    "/spec/channels",
    "/spec/channels/0",
    "/spec/channels/0/isDefault",
    "/spec/channels/0/channelSlug",
    "/spec/entitlements",
    "/spec/entitlements/seats",
    "/spec/entitlements/seats/value",
    "/spec/entitlements/seats/signature",
    "/spec/entitlements/seats/signature/v1",
    "/spec/entitlements/seats/signature/v2",
    "/spec/entitlements/seats/title",
    "/spec/entitlements/gpu/isHidden",
    "/spec/entitlements/gpu/unknown",
    "/spec/entitlements/unset/value",
    "/spec/entitlements/unset/valueType",
];

fn json_leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        (-1e6f64..1e6).prop_map(Value::from),
        Just(json!(1e300)),
        "[a-zA-Z0-9+/=]{0,8}".prop_map(Value::from),
        Just(json!({})),
        Just(json!([])),
        Just(json!([{}])),
        Just(json!({"v1": "AAAA", "v2": "AAAA", "x": 1})),
    ]
}

/// Sets (or, for `None`, removes) the value at a JSON pointer whose parent exists.
fn edit(doc: &mut Value, path: &str, value: Option<Value>) {
    let (parent, key) = path.rsplit_once('/').unwrap();
    match (doc.pointer_mut(parent), value) {
        (Some(Value::Object(map)), Some(v)) => {
            map.insert(key.to_string(), v);
        }
        (Some(Value::Object(map)), None) => {
            map.remove(key);
        }
        (Some(Value::Array(items)), v) => {
            if let Some(slot) = key.parse::<usize>().ok().and_then(|i| items.get_mut(i)) {
                *slot = v.unwrap_or(Value::Null);
            }
        }
        _ => {}
    }
}

proptest! {
    #[test]
    fn signed_json_fast_path_agrees(
        v1 in any::<bool>(),
        edits in proptest::collection::vec(
            (proptest::sample::select(SIGNED_JSON_PATHS), proptest::option::of(json_leaf())),
            0..4,
        ),
        duplicate in proptest::sample::select(&["", "appSlug", "unknownField", "entitlements"][..]),
    ) {
        let version = if v1 { LicenseVersion::V1Beta1 } else { LicenseVersion::V1Beta2 };
        let mut doc = signed_json_doc(version);
        for (path, value) in edits {
            edit(&mut doc, path, value);
        }
        let mut text = doc.to_string();
        if !duplicate.is_empty() {
            let first = format!("\"spec\":{{\"{duplicate}\":{{}},");
            text = text.replacen("\"spec\":{", &first, 1);
        }
        prop_assert_eq!(
            License::from_signed_json(text.as_bytes(), version),
            License::from_signed_json_general(text.as_bytes(), version)
        );
    }
}
