#!/usr/bin/env bash
# Differential check of `kots image parse` against Docker's reference package (Go oracle).
#
#   conformance/go-reference/run.sh [KOTS_BINARY]
#
# Builds the oracle from main.go with Debian's golang-go and golang-github-docker-distribution-dev
# (GO111MODULE=off, GOPATH=/usr/share/gocode) into $CARGO_TARGET_DIR/go-reference (outside git),
# runs both on corpus.txt, and compares the JSON lines as parsed JSON. Exit 1 on any difference.
# The same comparison runs in `cargo test -p kots-core --test image_oracle`, through the library.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
kots="${1:-$target/debug/kots}"
out="$target/go-reference"
mkdir -p "$out"

if ! command -v go >/dev/null || [ ! -d /usr/share/gocode/src/github.com/docker/distribution/reference ]; then
  echo "skipped: needs golang-go and golang-github-docker-distribution-dev" >&2
  exit 0
fi
(cd "$here" && GO111MODULE=off GOPATH=/usr/share/gocode GOCACHE="$out/cache" go build -o "$out/oracle" .)
[ -x "$kots" ] || (cd "$root" && cargo build -q -p kots-cli)

"$out/oracle" <"$here/corpus.txt" >"$out/go.jsonl"
"$kots" image parse "$here/corpus.txt" >"$out/rust.jsonl"

python3 - "$out/go.jsonl" "$out/rust.jsonl" <<'PY'
import json, sys
go = [json.loads(l) for l in open(sys.argv[1])]
rust = [json.loads(l) for l in open(sys.argv[2])]
# Bracketed IPv6 hosts: Debian's 2.8 has no IPv6 and rejects them; KOTS's go.mod pins
# github.com/distribution/reference v0.6.0, which accepts them, and so do we. They are left out
# here and checked by the `ipv6_hosts` table test (kots-core/src/image/reference_tests.rs).
import re
ipv6 = re.compile(r"^\[[a-fA-F0-9:]+\](?::[0-9]+)?/")
bad = [(g, r) for g, r in zip(go, rust) if g != r and not ipv6.match(g["input"])]
if len(go) != len(rust):
    print(f"line counts differ: go {len(go)}, rust {len(rust)}")
    sys.exit(1)
for g, r in bad[:20]:
    print(f"go:   {json.dumps(g)}\nrust: {json.dumps(r)}")
errors = sum(1 for g in go if "error" in g)
print(f"kots image parse vs Go oracle: {len(go) - len(bad)} of {len(go)} agree ({errors} invalid inputs)")
sys.exit(1 if bad else 0)
PY
