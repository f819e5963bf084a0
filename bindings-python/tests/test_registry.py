"""kots.Registry against the local registries of scripts/registry-test-env.sh (skipped without them)."""

import hashlib
import json
import os
import threading
import time

import pytest

import kots

PLAIN = os.environ.get("KOTS_TEST_REGISTRY_PLAIN")
PLAIN2 = os.environ.get("KOTS_TEST_REGISTRY_PLAIN2")
TLS = os.environ.get("KOTS_TEST_REGISTRY_TLS")
CA = os.environ.get("KOTS_TEST_REGISTRY_CA")
USER = os.environ.get("KOTS_TEST_REGISTRY_USER", "")
PASSWORD = os.environ.get("KOTS_TEST_REGISTRY_PASSWORD", "")

needs_registry = pytest.mark.skipif(
    not (PLAIN and PLAIN2 and TLS and CA),
    reason="KOTS_TEST_REGISTRY_* not set: run under scripts/registry-test-env.sh run (needs docker-registry)",
)

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"


def put(root, data):
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    (root / "blobs" / "sha256" / digest[7:]).write_bytes(data)
    return {"digest": digest, "size": len(data)}


def build_layout(root, tag="1.0", size=150_000):
    """A linux/amd64 + linux/arm64 OCI layout; returns (index digest, [child digests])."""
    (root / "blobs" / "sha256").mkdir(parents=True)
    (root / "oci-layout").write_text('{"imageLayoutVersion":"1.0.0"}')
    entries, children = [], []
    for i, arch in enumerate(["amd64", "arm64"]):
        layer = put(root, os.urandom(size + i))
        config = put(root, json.dumps({"architecture": arch, "os": "linux"}).encode())
        manifest = {
            "schemaVersion": 2,
            "mediaType": OCI_MANIFEST,
            "config": {"mediaType": "application/vnd.oci.image.config.v1+json", **config},
            "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", **layer}],
        }
        m = put(root, json.dumps(manifest, indent=3).encode())
        children.append(m["digest"])
        entries.append({"mediaType": OCI_MANIFEST, **m, "platform": {"os": "linux", "architecture": arch}})
    index = put(root, json.dumps({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": entries}).encode())
    top = {"mediaType": OCI_INDEX, **index, "annotations": {"org.opencontainers.image.ref.name": tag}}
    (root / "index.json").write_text(json.dumps({"schemaVersion": 2, "manifests": [top]}))
    return index["digest"], children


def client(**kw):
    return kots.Registry(auth={TLS: (USER, PASSWORD)}, ca_file=CA, **kw)


def repo(name):
    return f"kots-test/py-{name}-{os.getpid()}-{threading.get_ident() % 10000}"


@needs_registry
def test_push_copy_digests_and_progress(tmp_path):
    reg = client()
    index, children = build_layout(tmp_path)
    src_repo = f"{PLAIN}/{repo('src')}"
    events = []
    reports = reg.push_layout(tmp_path, src_repo, progress=events.append)
    assert reports[0]["digest"] == index
    assert reports[0]["blobs_copied"] == 4
    assert events[-1]["bytes_done"] == events[-1]["bytes_total"] > 300_000
    assert {e["event"] for e in events} >= {"planned", "blob_done", "manifest_done"}

    src = f"{src_repo}:1.0"
    assert reg.digest(src) == index
    dst = f"{TLS}/{repo('dst')}:2.0"
    report = reg.copy(src, dst, all_platforms=True)
    assert report["digest"] == index and report["manifests"] == 3
    assert reg.digest(dst) == index
    for child in children:
        assert reg.digest(f"{dst.rsplit(':', 1)[0]}@{child}") == child
    assert reg.list_tags(dst.rsplit(":", 1)[0]) == ["2.0"]

    one = reg.copy(src, f"{PLAIN2}/{repo('one')}:arm", platform="linux/arm64")
    assert one["digest"] == children[1]

    out = tmp_path / "export"
    exported = reg.export_layout(dst, out)
    assert exported["digest"] == index
    assert json.loads((out / "index.json").read_text())["manifests"][0]["digest"] == index


@needs_registry
def test_probe_and_exists():
    reg = client()
    missing = f"{PLAIN}/{repo('missing')}:nope"
    assert reg.exists(missing) is False
    probe = reg.probe_private(missing)
    assert probe["private"] is True and "404" in probe["reason"]


@needs_registry
def test_errors_carry_registry_repository_status():
    reg = kots.Registry(ca_file=CA)
    name = repo("denied")
    with pytest.raises(kots.RegistryError) as info:
        reg.digest(f"{TLS}/{name}:1")
    err = info.value
    assert (err.kind, err.registry, err.repository, err.status) == ("unauthorized", TLS, name, 401)
    assert "HTTP 401" in str(err)
    assert isinstance(err, kots.KotsError)
    with pytest.raises(kots.RegistryError) as info:
        reg.digest("Not A Reference")
    assert info.value.kind == "invalid_reference"


@needs_registry
def test_progress_exception_cancels(tmp_path):
    reg = client()
    build_layout(tmp_path)

    def boom(event):
        if event["event"] == "blob_done":
            raise RuntimeError("stop here")

    with pytest.raises(RuntimeError, match="stop here"):
        reg.push_layout(tmp_path, f"{PLAIN}/{repo('boom')}", progress=boom)

    token = kots.CancelToken()
    token.cancel()
    with pytest.raises(kots.RegistryError) as info:
        reg.push_layout(tmp_path, f"{PLAIN}/{repo('cancel')}", cancel=token)
    assert info.value.kind == "cancelled"


def test_bad_auth_argument():
    with pytest.raises(TypeError):
        kots.Registry(auth={"h": 3})
    with pytest.raises(ValueError):
        kots.Registry(auth={"h": {"username": "u"}})


def test_credential_helper_timeout(tmp_path, monkeypatch):
    # A helper that never answers is killed after helper_timeout (no registry needed: the
    # helper runs before the first request).
    helper = tmp_path / "docker-credential-kotspyslow"
    helper.write_text("#!/bin/sh\nexec sleep 30\n")
    helper.chmod(0o755)
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"credsStore": "kotspyslow"}))
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    reg = kots.Registry(docker_config=config, helper_timeout=0.3, retries=0)
    started = time.monotonic()
    with pytest.raises(kots.RegistryError) as info:
        reg.digest("127.0.0.1:1/kots-test/app:1")
    assert info.value.kind == "credential_helper"
    assert "did not answer within 300ms" in str(info.value)
    assert time.monotonic() - started < 10
    for bad in (0, -1.0, float("nan"), float("inf")):
        with pytest.raises(ValueError, match="helper_timeout"):
            kots.Registry(docker_config=config, helper_timeout=bad)
