#!/usr/bin/env bash
# Copy a two-platform, multi-layer OCI image (~200 MB of incompressible layers) between two local registries
# with `kots registry copy --all-platforms` and, when skopeo is installed, `skopeo copy --all`; print the
# median times and the ratio. Every round gets fresh registries (scripts/registry-test-env.sh), 127.0.0.1 only.
#
#   scripts/bench-registry.sh [SIZE_MB]        (env: ROUNDS=3, CARGO_TARGET_DIR=target, KOTS=prebuilt kots binary)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)

if [ "${1:-}" = "--inner" ]; then
    # Inside registry-test-env.sh: push the layout to PLAIN, time one copy PLAIN -> PLAIN2, print seconds.
    tool=$2 kots=$3 layout=$4
    "$kots" registry push-layout "$layout" "$KOTS_TEST_REGISTRY_PLAIN/bench/src" >/dev/null
    src="$KOTS_TEST_REGISTRY_PLAIN/bench/src:1.0"
    dst="$KOTS_TEST_REGISTRY_PLAIN2/bench/$tool:1.0"
    start=$(date +%s.%N)
    if [ "$tool" = kots ]; then
        "$kots" registry copy --all-platforms "$src" "$dst" >/dev/null
    else
        skopeo copy --all --preserve-digests --quiet --src-tls-verify=false --dest-tls-verify=false "docker://$src" "docker://$dst"
    fi
    end=$(date +%s.%N)
    # Same digest on both sides, or the run does not count.
    want=$("$kots" registry digest "$src")
    got=$("$kots" registry digest "$dst")
    [ "${want#*digest\":\"}" = "${got#*digest\":\"}" ] || { echo "digest changed by $tool copy" >&2; exit 1; }
    python3 -c "print(f'{$end - $start:.3f}')"
    exit 0
fi

SIZE_MB=${1:-200}
ROUNDS=${ROUNDS:-3}
if [ -z "${KOTS:-}" ]; then
    export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
    (cd "$ROOT" && cargo build --release -q -p kots-cli)
    KOTS=$CARGO_TARGET_DIR/release/kots
fi

WORK=$(mktemp -d /tmp/kots-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

# Two platforms x 5 layers, random bytes (incompressible, like real compressed layers).
python3 - "$WORK/layout" "$SIZE_MB" <<'PY'
import hashlib, json, os, sys
root, size_mb = sys.argv[1], int(sys.argv[2])
os.makedirs(f"{root}/blobs/sha256")
def put(data):
    d = hashlib.sha256(data).hexdigest()
    with open(f"{root}/blobs/sha256/{d}", "wb") as f:
        f.write(data)
    return {"digest": "sha256:" + d, "size": len(data)}
layer_bytes = size_mb * 1024 * 1024 // 10
entries = []
for arch in ("amd64", "arm64"):
    layers = [dict(mediaType="application/vnd.oci.image.layer.v1.tar+gzip", **put(os.urandom(layer_bytes))) for _ in range(5)]
    config = put(json.dumps({"architecture": arch, "os": "linux", "rootfs": {"type": "layers", "diff_ids": []}}).encode())
    m = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
         "config": dict(mediaType="application/vnd.oci.image.config.v1+json", **config), "layers": layers}
    entries.append(dict(mediaType="application/vnd.oci.image.manifest.v1+json", **put(json.dumps(m).encode()),
                        platform={"os": "linux", "architecture": arch}))
idx = put(json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": entries}).encode())
top = dict(mediaType="application/vnd.oci.image.index.v1+json", annotations={"org.opencontainers.image.ref.name": "1.0"}, **idx)
json.dump({"schemaVersion": 2, "manifests": [top]}, open(f"{root}/index.json", "w"))
open(f"{root}/oci-layout", "w").write('{"imageLayoutVersion":"1.0.0"}')
PY

tools=(kots)
if command -v skopeo >/dev/null; then tools+=(skopeo); else echo "skopeo not installed: timing kots only" >&2; fi

declare -A times
for round in $(seq 1 "$ROUNDS"); do
    for tool in "${tools[@]}"; do
        t=$(KOTS_REGISTRY_ENV_DIR="$WORK/env" "$ROOT/scripts/registry-test-env.sh" run \
            "$ROOT/scripts/bench-registry.sh" --inner "$tool" "$KOTS" "$WORK/layout")
        echo "round $round: $tool ${t}s" >&2
        times[$tool]="${times[$tool]:-} $t"
    done
done

python3 - "$SIZE_MB" "${times[kots]}" "${times[skopeo]:-}" <<'PY'
import json, statistics, sys
size, kots, skopeo = int(sys.argv[1]), sys.argv[2].split(), sys.argv[3].split()
k = statistics.median(map(float, kots))
out = {"size_mb": size, "kots_seconds": round(k, 3), "kots_mb_per_s": round(size / k, 1)}
if skopeo:
    s = statistics.median(map(float, skopeo))
    out.update(skopeo_seconds=round(s, 3), skopeo_mb_per_s=round(size / s, 1), speedup_vs_skopeo=round(s / k, 2))
print(json.dumps(out))
PY
