import base64

import pytest

import kots

DIGEST = "sha256:f26fbadb0acab4a21ecb4e337a326907e61fbec36c9a9b52e725669d99ed1261"

DEPLOYMENT = f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      initContainers:
      - name: init
        image: busybox
      containers:
      - name: nginx
        image: nginx:1@{DIGEST}
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: job
spec:
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - name: a
            image: quay.io/org/sub/tool:2
---
apiVersion: kots.io/v1beta1
kind: Application
metadata:
  name: app
spec:
  title: App
  additionalImages:
  - redis:7
"""


def test_parse_image_reference_like_docker():
    r = kots.parse_image_reference("nginx")
    assert r == {
        "input": "nginx",
        "normalized": "docker.io/library/nginx:latest",
        "familiar": "nginx",
        "domain": "docker.io",
        "path": "library/nginx",
        "tag": "latest",
    }
    r = kots.parse_image_reference(f"localhost:5000/app:1@{DIGEST}")
    assert (r["domain"], r["path"], r["tag"], r["digest"]) == ("localhost:5000", "app", "1", DIGEST)


def test_invalid_reference_raises_image_error_with_go_message():
    with pytest.raises(kots.ImageError) as info:
        kots.parse_image_reference("Nginx:1")
    assert isinstance(info.value, kots.KotsError)
    assert info.value.go_message == (
        "invalid reference format: repository name (library/Nginx) must be lowercase"
    )
    assert info.value.input == "Nginx:1"
    with pytest.raises(kots.ImageError) as info:
        kots.parse_image_reference("nginx@sha256:abc" + "0" * 60)
    assert info.value.go_message == "invalid checksum digest length"


def test_dest_image_keeps_last_path_segment():
    assert kots.dest_image("quay.io/org/sub/img:1", "my.registry.com/ns") == "my.registry.com/ns/img:1"
    assert kots.dest_image(f"alpine:3@{DIGEST}", "r.local") == f"r.local/alpine@{DIGEST}"


def test_kustomize_images_as_kots_writes_them():
    images = kots.kustomize_images(["nginx:1.23", f"nginx@{DIGEST}"], "ttl.sh/test")
    assert images == [
        {"name": "nginx", "newName": "ttl.sh/test/nginx"},
        {"name": "docker.io/library/nginx", "newName": "ttl.sh/test/nginx"},
        {"name": "library/nginx", "newName": "ttl.sh/test/nginx"},
        {"name": "docker.io/nginx", "newName": "ttl.sh/test/nginx"},
    ]


def test_local_image_name_kots_cases():
    assert (
        kots.local_image_name("registry.replicated.com/kots/myimage:abcd123", registry="my.registry.com/my_namespace")
        == "my.registry.com/my_namespace/myimage:abcd123"
    )
    assert kots.local_image_name("redis:latest", app_slug="myslug", is_private=False) == "redis:latest"
    assert (
        kots.local_image_name("redis:latest", app_slug="myslug", proxy_public_images=True)
        == "proxy.replicated.com/proxy/myslug/redis:latest"
    )
    assert (
        kots.local_image_name(
            f"quay.io/replicated/myimage@{DIGEST}", app_slug="myslug", proxy_domain="custom.proxy.com"
        )
        == f"custom.proxy.com/proxy/myslug/quay.io/replicated/myimage@{DIGEST}"
    )
    assert kots.local_image_name("quay.io/a/b", is_private=None) == ""


def test_docker_config_json_and_pull_secrets():
    assert (
        kots.docker_config_json(["proxy.replicated.com", "registry.replicated.com"], "LICENSE_ID", "abc")
        == '{"auths":{"proxy.replicated.com":{"auth":"TElDRU5TRV9JRDphYmM="},'
        '"registry.replicated.com":{"auth":"TElDRU5TRV9JRDphYmM="}}}'
    )
    app, admin = kots.pull_secrets(["ttl.sh"], "test", "fake-pass", "app-namespace", "my-app")
    assert app["metadata"]["name"] == "my-app-registry"
    assert admin["metadata"]["name"] == "kotsadm-replicated-registry"
    data = base64.b64decode(app["data"][".dockerconfigjson"]).decode()
    assert data == '{"auths":{"ttl.sh":{"auth":"dGVzdDpmYWtlLXBhc3M="}}}'
    assert len(kots.pull_secrets([], "u", "p", "ns", "")) == 1


def test_discover_images_sorted_with_documents():
    found = kots.discover_images(DEPLOYMENT)
    assert [i["image"] for i in found["images"]] == [
        "busybox",
        f"nginx:1@{DIGEST}",
        "quay.io/org/sub/tool:2",
        "redis:7",
    ]
    assert found["workloadImages"] == ["busybox", f"nginx:1@{DIGEST}", "quay.io/org/sub/tool:2"]
    assert found["kotsKindsImages"] == ["redis:7"]
    assert found["images"][2]["documents"] == [1]
    assert found["images"][0]["locations"][0] == {
        "document": 0,
        "pointer": "/spec/template/spec/initContainers/0/image",
        "source": "initContainer",
    }
    docs = kots.parse_manifests(DEPLOYMENT)
    assert kots.discover_images(docs, mode="complete")["documentsWithImages"] == [0, 1]
    with pytest.raises(ValueError):
        kots.discover_images(docs, mode="everything")


def test_rewrite_images_in_place():
    out = kots.rewrite_images(DEPLOYMENT, registry="r.local:5000/mirror")
    images = [
        c["image"]
        for d in out["manifests"][:2]
        for spec in [d["spec"].get("template") or d["spec"]["jobTemplate"]["spec"]["template"]]
        for c in spec["spec"].get("initContainers", []) + spec["spec"]["containers"]
    ]
    assert images == ["r.local:5000/mirror/busybox", f"r.local:5000/mirror/nginx:1@{DIGEST}", "r.local:5000/mirror/tool:2"]
    assert out["rewritten"] == 3
    proxied = kots.rewrite_images(DEPLOYMENT, proxy_app_slug="app", private_images=["quay.io/org/sub/tool:2"])
    assert proxied["images"] == [{"name": "quay.io/org/sub/tool", "newName": "proxy.replicated.com/proxy/app/quay.io/org/sub/tool"}]
    with pytest.raises(kots.ImageError) as info:
        kots.rewrite_images("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{image: 'Bad'}]\n", registry="r")
    assert info.value.go_message.startswith("invalid reference format")


def test_airgap_push_mappings():
    m = kots.airgap_push_mappings(["quay.io/org/app:1", f"nginx@{DIGEST}", "quay.io/org/app:1"], "reg.local/apps", 5000)
    assert m == [
        {"image": f"nginx@{DIGEST}", "source": f"localhost:5000/nginx@{DIGEST}", "destination": f"reg.local/apps/nginx@{DIGEST}", "preserveDigests": True},
        {"image": "quay.io/org/app:1", "source": "localhost:5000/app:1", "destination": "reg.local/apps/app:1", "preserveDigests": False},
    ]
