import pathlib

import pytest

import kots

TESTDATA = pathlib.Path(__file__).resolve().parents[3] / "shared" / "testdata" / "kots"
SIMPLE = TESTDATA / "pull-cases" / "simple" / "upstream"

needs_testdata = pytest.mark.skipif(not SIMPLE.is_dir(), reason="../shared/testdata/kots is absent")


def license_text() -> str:
    return (SIMPLE / "userdata" / "license.yaml").read_text()


CONFIG = """\
apiVersion: kots.io/v1beta1
kind: Config
metadata: {name: app}
spec:
  groups:
  - name: g
    title: G
    items:
    - {name: host, type: text, default: example.com}
    - {name: needed, type: text, required: true}
"""

MANIFEST = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  host: '{{repl ConfigOption "host" }}'
  slug: repl{{ LicenseFieldValue "appSlug" }}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: gone
  annotations:
    kots.io/when: '{{repl ConfigOptionEquals "host" "other" }}'
"""

VALUES = """\
apiVersion: kots.io/v1beta1
kind: ConfigValues
spec:
  values:
    needed: {value: "yes"}
"""


@needs_testdata
def test_renders_a_directory_like_kots():
    result = kots.render_release(str(SIMPLE), license_text(), namespace="app-namespace")
    kinds = sorted((o["object"]["kind"], o["object"]["metadata"]["name"]) for o in result["objects"])
    assert kinds == [
        ("ConfigMap", "test-licenseinfo"),
        ("Secret", "kotsadm-replicated-registry"),
        ("Secret", "my-app-registry"),
    ]
    assert result["summary"]["documents"] == 3
    cm = next(o["object"] for o in result["objects"] if o["object"]["kind"] == "ConfigMap")
    assert cm["metadata"]["labels"] == {"kots.io/app-slug": "my-app", "kots.io/backup": "velero"}


@needs_testdata
def test_in_memory_release_with_config_values_and_exclusion():
    files = {"config.yaml": CONFIG, "manifests/app.yaml": MANIFEST.encode()}
    result = kots.render_release(files, license_text(), VALUES, finishing={"pullSecrets": False})
    objects = {o["object"]["metadata"]["name"]: o for o in result["objects"]}
    assert set(objects) == {"settings"}
    assert objects["settings"]["object"]["data"] == {"host": "example.com", "slug": "my-app"}
    assert result["summary"]["excluded"] == ["manifests/app-2.yaml"]
    assert result["config"]["values"]["needed"]["value"] == "yes"


@needs_testdata
def test_missing_required_config_renders_nothing():
    result = kots.render_release({"config.yaml": CONFIG, "app.yaml": MANIFEST}, license_text())
    assert result["objects"] == []
    assert result["summary"]["needsConfig"] == [{"name": "needed", "title": "needed"}]


@needs_testdata
def test_template_errors_name_the_file():
    with pytest.raises(kots.RenderError) as err:
        kots.render_release({"bad.yaml": "a: '{{repl Nope }}'\n"}, license_text())
    assert err.value.path == "bad.yaml"
    assert 'function "Nope" not defined' in str(err.value)


def test_unverifiable_license_is_rejected():
    with pytest.raises(kots.LicenseError):
        kots.render_release({}, "apiVersion: kots.io/v1beta1\nkind: License\nspec: {appSlug: a}\n")


def test_vendor_signed_ed25519_license_renders_with_its_key():
    unsigned = (
        "apiVersion: kots.io/v1beta2\nkind: License\nmetadata: {name: l}\n"
        "spec: {appSlug: my-app, licenseID: abc, customerName: Globex}\n"
    )
    private, public = kots.generate_license_signing_key()
    signed = kots.sign_license(unsigned, private, "vendor-1").to_yaml()
    files = {"cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n"
             "data: {who: '{{repl LicenseFieldValue \"customerName\" }}'}\n"}
    with pytest.raises(kots.LicenseError):
        kots.render_release(files, signed)
    result = kots.render_release(files, signed, license_ed25519_keys={"vendor-1": public})
    assert result["objects"][0]["object"]["data"] == {"who": "Globex"}
    _, other = kots.generate_license_signing_key()
    with pytest.raises(kots.LicenseError):
        kots.render_release(files, signed, license_ed25519_keys={"vendor-1": other})
