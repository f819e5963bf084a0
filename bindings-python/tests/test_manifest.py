import pytest

import kots


def test_version():
    assert kots.__version__ == "0.1.0"


def test_parse_manifests_types_like_kubernetes():
    docs = kots.parse_manifests(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  on: yes\n  mode: 0777\n---\n"
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n"
    )
    assert [d["kind"] for d in docs] == ["ConfigMap", "Deployment"]
    assert docs[0]["data"] == {"true": True, "mode": 511}


def test_split_documents_follows_kots():
    assert kots.split_documents("a: 1\r\n---  # c\r\nb: 2\n---\n\n") == ["a: 1", "b: 2"]


def test_errors_are_typed_and_name_the_document():
    with pytest.raises(kots.ManifestError) as info:
        kots.parse_manifests("apiVersion: v1\nkind: A\n---\n- not a mapping\n")
    assert isinstance(info.value, kots.KotsError)
    assert info.value.document == 1
    assert info.value.line == 4
    assert "expected a mapping" in str(info.value)
