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
# Known differences between the oracle (Debian's 2.8) and github.com/distribution/reference
# v0.6.0 (KOTS's go.mod, which kots follows); the same rules as KnownDifference in
# kots-core/tests/image_oracle.rs, where they are explained and the 2.8 answers asserted:
# bracketed IPv6 hosts, an upper-case first component taken as a domain, the upper-case error
# naming the repository, and the length limit counting the path only.
import re
UPPER = "invalid reference format: repository name must be lowercase"
TOO_LONG = "repository name must not be more than 255 characters"
ipv6 = re.compile(r"^\[[a-fA-F0-9:]+\](?::[0-9]+)?/")
part = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
domain_re = re.compile(rf"^{part}(?:\.{part})*(?::[0-9]+)?$")
def has_upper(s): return s.lower() != s
def split_2_8(s):
    first, sep, rest = s.partition("/")
    domain, rem = (first, rest) if sep and (any(c in first for c in ".:") or first == "localhost") else ("docker.io", s)
    if domain == "index.docker.io": domain = "docker.io"
    if domain == "docker.io" and "/" not in rem: rem = "library/" + rem
    return domain, rem
def known(g):
    s, err = g["input"], g.get("error")
    first, sep, _ = s.partition("/")
    if ipv6.match(s):
        return err is not None
    if sep and first != "localhost" and not any(c in first for c in ".:") and has_upper(first):
        return err == UPPER
    remote = split_2_8(s)[1].split(":")[0]
    if not re.fullmatch("[a-f0-9]{64}", s) and has_upper(remote):
        return err == UPPER
    domain, rem = split_2_8(s)
    name = f"{domain}/{rem}".split("@")[0]
    i = name.rfind(":")
    if i >= 0 and "/" not in name[i:]: name = name[:i]
    head, _, tail = name.partition("/")
    path = tail if domain_re.match(head) else name
    return len(name) > 255 and len(path) <= 255 and err == TOO_LONG
bad = [(g, r) for g, r in zip(go, rust) if g != r and not known(g)]
if len(go) != len(rust):
    print(f"line counts differ: go {len(go)}, rust {len(rust)}")
    sys.exit(1)
for g, r in bad[:20]:
    print(f"go:   {json.dumps(g)}\nrust: {json.dumps(r)}")
errors = sum(1 for g in go if "error" in g)
known_count = sum(1 for g in go if known(g))
print(f"kots image parse vs Go oracle: {len(go) - len(bad)} of {len(go)} agree or are known 2.8/v0.6.0 differences ({known_count}); {errors} invalid in 2.8")
sys.exit(1 if bad else 0)
PY
