import pytest

import kots

PREV = """\
apiVersion: extensions/v1beta1
kind: Ingress
metadata: {name: web}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data}
---
apiVersion: v1
kind: Secret
metadata: {name: creds}
stringData: {password: old-secret-value}
"""

NEW = """\
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web}
---
apiVersion: v1
kind: Secret
metadata: {name: creds}
stringData: {password: new-secret-value}
"""


def ops(plan):
    return {(o["id"]["kind"], o["id"]["name"]): o for o in plan["operations"]}


def test_plan_release_rates_and_refuses_data_loss():
    plan = kots.plan_release(PREV, NEW)
    assert plan["schemaVersion"] == 1
    by = ops(plan)
    assert by[("Ingress", "web")]["op"] == "update"
    pvc = by[("PersistentVolumeClaim", "data")]
    assert (pvc["op"], pvc["severity"], pvc["refused"]) == ("delete", "data", True)
    assert pvc["dataLoss"]["pvcs"] == [{"namespace": "default", "name": "data", "fate": "deleted"}]
    assert plan["summary"]["refused"] == 1
    allowed = kots.plan_release(PREV, NEW, policy={"allowDataLoss": True, "namespace": "app"})
    assert allowed["summary"]["refused"] == 0
    assert allowed["namespace"] == "app"


def test_secret_values_never_appear():
    plan = kots.plan_release(PREV, NEW)
    creds = ops(plan)[("Secret", "creds")]
    assert creds["changes"] == [{"path": "/data/password", "change": "changed", "redacted": True}]
    text = kots.plan_release_text(PREV, NEW)
    for out in (repr(plan), text):
        assert "old-secret-value" not in out and "new-secret-value" not in out
    assert "*** (before)" in text and "+++ b/Secret/default/creds" in text


def test_lists_of_dicts_live_snapshot_and_failed_attempts():
    prev = [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}}]
    failed = ["apiVersion: v1\nkind: ConfigMap\nmetadata: {name: leaked}\n"]
    live = [
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a", "uid": "u1"}},
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "leaked", "uid": "u2"}},
    ]
    plan = kots.plan_release(prev, prev, failed_attempts=failed, live=live)
    leaked = ops(plan)[("ConfigMap", "leaked")]
    assert leaked["op"] == "delete"
    assert leaked["previousSource"] == "failedAttempt[0]"
    assert leaked["liveUid"] == "u2"


def test_kots_outputs_and_order_modes():
    plan = kots.plan_release(
        PREV,
        NEW,
        policy={"order": "kots"},
        previous_files={"a.yaml": "a\nb\n"},
        new_files={"a.yaml": b"a\nc\n", "b.yaml": "x\n"},
    )
    assert plan["kots"]["diffSummary"] == {"filesChanged": 2, "linesAdded": 2, "linesRemoved": 1}
    assert [d["kotsKey"] for d in plan["kots"]["deleteSet"]] == ["PersistentVolumeClaim-data-default"]
    assert plan["order"]["mode"] == "kots"
    assert plan["order"]["steps"][0] == {
        "action": "delete",
        "index": 0,
        "parallel": False,
        "operations": ["PersistentVolumeClaim/default/data"],
    }
    assert kots.kots_diff_summary({"f": "one\ntwo"}, {}) == {"filesChanged": 1, "linesAdded": 0, "linesRemoved": 2}


def test_schema_describes_the_plan():
    schema = kots.plan_schema()
    assert schema["title"] == "kots release plan"
    assert set(schema["required"]) >= {"operations", "order", "summary", "schemaVersion"}


def test_errors_are_typed():
    with pytest.raises(kots.PlanError) as info:
        kots.plan_release("", "apiVersion: v1\nkind: Pod\nmetadata: {generateName: x-}\n")
    assert isinstance(info.value, kots.KotsError)
    assert info.value.set == "new" and info.value.document == 0
    with pytest.raises(kots.PlanError, match="unknown field"):
        kots.plan_release("", "", policy={"allowDataLos": True})
    with pytest.raises(kots.ManifestError, match="new"):
        kots.plan_release("", "- a list\n")
    with pytest.raises(TypeError):
        kots.plan_release(1, "")
