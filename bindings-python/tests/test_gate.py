import pytest

import kots

APP = """\
apiVersion: kots.io/v1beta1
kind: Application
metadata:
  name: sentry
spec:
  title: Sentry
  minKotsVersion: 1.100.0
  targetKotsVersion: v1.120.0
"""


def test_allowed_install_within_bounds():
    decision = kots.gate(APP, "v1.110.0", "install")
    assert decision == {
        "allowed": True,
        "reason": "compatible",
        "message": None,
        "desiredVersion": None,
        "upgradeRecommended": False,
        "warnings": [],
    }


def test_below_minimum_is_blocked_with_kots_message():
    decision = kots.gate(APP, "1.99.0", "install")
    assert decision["allowed"] is False
    assert decision["reason"] == "belowMinKotsVersion"
    assert decision["desiredVersion"] == "v1.120.0"
    assert decision["message"] == (
        "This version of Sentry requires a different version of KOTS from what you currently "
        "have installed.\nInstall KOTS version v1.120.0 and try again."
    )


def test_target_applies_to_installs_only():
    assert kots.gate(APP, "1.130.0", "install")["reason"] == "aboveTargetKotsVersion"
    update = kots.gate(APP, "1.130.0", "update")
    assert update["allowed"] is True
    assert update["upgradeRecommended"] is False
    recommended = kots.gate(APP, "1.110.0", "update")
    assert recommended["upgradeRecommended"] is True
    assert recommended["desiredVersion"] == "v1.120.0"


def test_invalid_bounds_and_running_version_are_warnings():
    app = APP.replace("1.100.0", "V1.100.0")
    decision = kots.gate(app, "1.0.0", "install")
    assert decision["allowed"] is True
    assert decision["warnings"] == [
        "minimum kots version specified in the application spec is invalid: "
        'Invalid character(s) found in major number "V1"'
    ]
    decision = kots.gate(APP, "dev-build", "update")
    assert decision["reason"] == "runningVersionInvalid"
    assert decision["allowed"] is True


def test_bad_operation_and_bad_application():
    with pytest.raises(kots.GateError, match="unknown operation"):
        kots.gate(APP, "1.0.0", "upgrade")
    with pytest.raises(kots.KindsError, match="no kots.io/v1beta1 Application"):
        kots.gate("apiVersion: v1\nkind: ConfigMap\n", "1.0.0", "install")
    with pytest.raises(kots.ManifestError):
        kots.gate("a: [", "1.0.0", "install")


@pytest.mark.parametrize(
    "a, b, expected",
    [
        ("1.2", "1.2.0", 0),
        ("v1.2.3", "1.2.3+build", 0),
        ("1.0.0-alpha", "1.0.0", -1),
        ("1.0.0-beta.11", "1.0.0-beta.2", 1),
        ("1.0.0-1", "1.0.0-a", -1),
        ("1.0.0-alpha", "1.0.0-alpha.1", -1),
    ],
)
def test_compare_kots_versions(a, b, expected):
    assert kots.compare_kots_versions(a, b) == expected


def test_normalize_kots_version():
    assert kots.normalize_kots_version(" v1.2 ") == "1.2.0"
    with pytest.raises(kots.GateError, match="Short version cannot contain PreRelease"):
        kots.normalize_kots_version("1.2-beta")
    with pytest.raises(kots.GateError, match="leading zeroes"):
        kots.normalize_kots_version("1.02.0")
