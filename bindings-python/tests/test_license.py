import datetime
import pathlib

import pytest

import kots

VECTORS = pathlib.Path(__file__).resolve().parents[2] / ".." / "shared" / "testdata" / "kots" / "licenses"

UNSIGNED = """\
apiVersion: kots.io/v1beta2
kind: License
metadata: {name: acme}
spec:
  appSlug: my-app
  licenseID: lic-1
  customerName: Acme
  channelID: legacy
  channels:
  - {channelID: c1, channelSlug: stable, isDefault: true}
  - {channelID: c2, channelSlug: beta}
  isKotsInstallEnabled: true
  entitlements:
    expires_at: {value: "2030-01-01T00:00:00Z", valueType: String}
    seats: {value: 25, title: Seats}
    gpu: {value: true}
    note: {value: "hello"}
"""


def vector(name: str) -> str:
    path = VECTORS / name
    if not path.exists():
        pytest.skip(f"KOTS license vectors not found at {VECTORS}")
    return path.read_text()


def test_model_types_entitlements_and_keeps_unknown_fields():
    lic = kots.License.from_yaml(UNSIGNED)
    assert lic.api_version == "kots.io/v1beta2"
    assert (lic.app_slug, lic.license_id, lic.customer_name) == ("my-app", "lic-1", "Acme")
    assert lic.entitlements == {"expires_at": "2030-01-01T00:00:00Z", "gpu": True, "note": "hello", "seats": 25}
    assert lic.entitlement_value("seats") == 25
    assert lic.entitlement_value("missing") is None
    assert lic.spec["isKotsInstallEnabled"] is True
    again = kots.License.from_dict(lic.to_dict())
    assert again.to_dict() == lic.to_dict()
    assert "isKotsInstallEnabled: true" in lic.to_yaml()


def test_parse_errors_carry_a_code():
    with pytest.raises(kots.LicenseError) as info:
        kots.License.from_yaml("apiVersion: kots.io/v1beta1\nkind: License\nspec:\n  entitlements:\n    x: {value: 1.5}\n")
    assert info.value.code == "INVALID_FIELD"
    assert "spec.entitlements[x].value" in str(info.value)
    with pytest.raises(kots.LicenseError) as info:
        kots.License.from_yaml("apiVersion: v1\nkind: ConfigMap\n")
    assert info.value.code == "NOT_A_LICENSE"
    assert isinstance(info.value, kots.KotsError)


def test_expiry_with_injected_clock():
    lic = kots.License.from_yaml(UNSIGNED)
    assert lic.expires_at() == "2030-01-01T00:00:00Z"
    assert not lic.is_expired("2029-12-31T23:59:59Z")
    assert lic.is_expired(datetime.datetime(2030, 1, 1, 0, 0, 1, tzinfo=datetime.timezone.utc))
    assert not lic.is_expired()
    with pytest.raises(TypeError):
        lic.is_expired(datetime.datetime(2030, 1, 2))
    with pytest.raises(kots.LicenseError) as info:
        lic.is_expired("tomorrow")
    assert info.value.code == "INVALID_TIMESTAMP"


def test_channels():
    lic = kots.License.from_yaml(UNSIGNED)
    assert lic.default_channel_id() == "c1"
    assert lic.channel_id_for_slug("beta") == "c2"
    assert lic.channel_id_for_slug("") == "legacy"
    assert lic.find_channel("c2")["channelSlug"] == "beta"
    assert lic.is_channel_slug_allowed("stable") and not lic.is_channel_slug_allowed("nightly")
    with pytest.raises(kots.LicenseError) as info:
        lic.channel_id_for_slug("nightly")
    assert info.value.code == "CHANNEL_SLUG_NOT_FOUND"


def test_ed25519_sign_verify_rotation_and_tampering():
    old_private, old_public = kots.generate_license_signing_key()
    new_private, new_public = kots.generate_license_signing_key()
    assert kots.license_public_key(new_private) == new_public
    signed = kots.sign_license(UNSIGNED, new_private, "2026")

    verifier = kots.LicenseVerifier(strict=True)
    with pytest.raises(kots.LicenseError) as info:
        verifier.verify(signed)
    assert info.value.code == "UNKNOWN_KEY_ID"

    verifier.trust_ed25519_key("2025", old_public)
    verifier.trust_ed25519_key("2026", old_public)
    with pytest.raises(kots.LicenseError) as info:
        verifier.verify(signed)
    assert info.value.code == "ED25519_SIGNATURE_INVALID"

    verifier.trust_ed25519_key("2026", new_public)
    verified = verifier.verify(signed.to_yaml())
    assert (verified.scheme, verified.key_id, verified.warnings) == ("ed25519", "2026", [])
    assert verified.license.entitlements["seats"] == 25

    tampered = signed.to_dict()
    tampered["spec"]["customerName"] = "Mallory"
    tampered = kots.License.from_dict(tampered)
    with pytest.raises(kots.LicenseError) as info:
        verifier.verify(tampered)
    assert info.value.code == "DATA_MISMATCH"
    assert [(m.field, m.signed, m.outer) for m in info.value.mismatches] == [("customerName", "Acme", "Mallory")]

    verifier.strict = False
    verified = verifier.verify(tampered)
    assert verified.license.customer_name == "Acme"
    assert [str(w) for w in verified.warnings] == [
        'customerName field has changed to "Mallory" (license) from "Acme" (within signature)'
    ]


def test_kots_vectors_verify():
    verified = kots.LicenseVerifier().verify(vector("kots/valid.yaml"))
    assert verified.scheme == "rsa-pss-md5"
    assert verified.key_id == "bdee56560cfb43c9b28bf98eacafa646"
    assert verified.license.license_sequence == 7
    assert verified.license.entitlements["int_field"] == 123

    v2 = kots.LicenseVerifier().verify(kots.License.from_yaml(vector("kotskinds/v1beta2.yaml")))
    assert v2.scheme == "rsa-pss-sha256"

    with pytest.raises(kots.LicenseError) as info:
        kots.LicenseVerifier().verify(vector("kots/invalid-signature.yaml"))
    assert info.value.code == "LICENSE_SIGNATURE_INVALID"

    changed = kots.LicenseVerifier().verify(vector("kots/invalid-changed-licenseID.yaml"))
    assert [w.field for w in changed.warnings] == ["licenseID"]
    assert changed.license.license_id == "1vusOokxAVp1tkRGuyxnF23PJcq"


def test_kots_custom_global_key():
    text = vector("kots/valid-v1beta2.yaml")
    with pytest.raises(kots.LicenseError) as info:
        kots.LicenseVerifier().verify(text)
    assert info.value.code == "UNKNOWN_GLOBAL_KEY"
    verifier = kots.LicenseVerifier(embedded_keys=False)
    verifier.trust_rsa_key_for_any_id(vector("test-global-key.pem"))
    assert verifier.verify(text).license.entitlements["int_default_0_set_587"] == 587
    by_id = kots.LicenseVerifier(embedded_keys=False)
    by_id.trust_rsa_key("test-global-key-id", vector("test-global-key.pem"))
    assert by_id.verify(text).key_id == "test-global-key-id"
    with pytest.raises(kots.LicenseError) as info:
        by_id.trust_rsa_key("x", "not a pem")
    assert info.value.code == "INVALID_KEY"
