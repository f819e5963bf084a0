import pytest

import kots

CONFIG = """\
apiVersion: kots.io/v1beta1
kind: Config
metadata:
  name: my-app
spec:
  groups:
  - name: setup
    title: Setup
    when: true
    items:
    - name: port
      type: text
      default: "8080"
    - name: tls
      type: bool
      default: true
    - name: db
      type: select_one
      default: embedded
      items:
      - {name: embedded, title: Embedded}
      - {name: external, title: External}
    - name: replicas
      type: text
      repeatable: true
      valuesByGroup: {setup: {replicas-1: "2"}}
      validation: {regex: {pattern: '^[0-9]+$', message: digits}}
      futureField: kept
"""


def test_parse_config_types_multitype_values():
    config = kots.parse_config(CONFIG)
    group = config["spec"]["groups"][0]
    assert group["when"] == "true"
    port, tls, db, replicas = group["items"]
    assert port["default"] == "8080"
    assert tls["default"] is True
    assert [c["name"] for c in db["items"]] == ["embedded", "external"]
    assert replicas["valuesByGroup"] == {"setup": {"replicas-1": "2"}}
    assert replicas["validation"]["regex"]["pattern"] == "^[0-9]+$"
    assert replicas["futureField"] == "kept"
    assert config["status"] == {}


def test_bare_number_default_names_the_item():
    with pytest.raises(kots.KindsError) as info:
        kots.parse_config(CONFIG.replace('default: "8080"', "default: 8080"))
    err = info.value
    assert isinstance(err, kots.KotsError)
    assert err.path == "spec.groups[0].items[0].default"
    assert err.context == 'group "setup", item "port"'
    assert err.kind == "Config" and err.name == "my-app"
    assert "quote it" in str(err)


def test_parse_application_and_wrong_kind():
    app = kots.parse_application(
        "apiVersion: kots.io/v1beta1\nkind: Application\nspec:\n  title: A\n  ports:\n"
        "  - {serviceName: web, servicePort: 80}\n"
    )
    assert app["spec"]["ports"] == [{"serviceName": "web", "servicePort": 80}]
    with pytest.raises(kots.KindsError, match="expected kots.io/v1beta1 Application"):
        kots.parse_application("apiVersion: kots.io/v1beta1\nkind: Config\n")


def test_parse_helm_chart_both_versions():
    v1 = kots.parse_helm_chart(
        "apiVersion: kots.io/v1beta1\nkind: HelmChart\nspec:\n  chart: {name: c, chartVersion: 1.0.0, releaseName: r}\n"
        "  useHelmInstall: true\n"
    )
    assert v1["spec"]["chart"]["releaseName"] == "r"
    v2 = kots.parse_helm_chart(
        "apiVersion: kots.io/v1beta2\nkind: HelmChart\nspec:\n  chart: {name: c, chartVersion: 1.0.0}\n"
        "  optionalValues:\n  - when: 'true'\n    values: {a: 1}\n"
    )
    assert v2["spec"]["optionalValues"] == [{"when": "true", "recursiveMerge": False, "values": {"a": 1}}]


def test_parse_other_kinds():
    values = kots.parse_config_values(
        "apiVersion: kots.io/v1beta1\nkind: ConfigValues\nspec:\n  values:\n    a: {value: x}\n"
    )
    assert values["spec"]["values"] == {"a": {"value": "x"}}
    inst = kots.parse_installation(
        "apiVersion: kots.io/v1beta1\nkind: Installation\nspec:\n  knownImages: [{image: 'nginx:1', isPrivate: true}]\n"
    )
    assert inst["spec"]["knownImages"][0]["isPrivate"] is True
    airgap = kots.parse_airgap(
        "apiVersion: kots.io/v1beta1\nkind: Airgap\nspec:\n  savedImages: ['nginx:1']\n  signature: aGVsbG8=\n"
    )
    assert airgap["spec"]["signature"] == "aGVsbG8="
    with pytest.raises(kots.KindsError, match="illegal base64"):
        kots.parse_airgap("apiVersion: kots.io/v1beta1\nkind: Airgap\nspec: {signature: '!'}\n")


def test_kots_kind_classification():
    assert kots.kots_kind("kots.io/v1beta2", "HelmChart") == "helmChartV1Beta2"
    assert kots.kots_kind("velero.io/v1", "Restore") == "velero"
    assert kots.kots_kind("apps/v1", "Deployment") is None
    assert kots.is_kots_kind("troubleshoot.sh/v1beta2", "Preflight")
    assert not kots.is_kots_kind("velero.io/v1", "Schedule")
