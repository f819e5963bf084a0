#!/usr/bin/env bash
# Side-by-side throughput of the template engine: Go's text/template (+ sprig, the oracle in
# conformance/go-template) against `kots template`, on the same workload
# (conformance/go-template/bench.jsonl, KOTS-like manifests). Both report in-process rendering time
# (no process start-up or JSON I/O), for parse+execute and for executing a pre-parsed template.
#
# A shared 2-core VM makes single runs vary by ±20%, so each side runs RUNS times (alternating)
# and its best time counts, the usual way to read a benchmark through noise.
#
# Usage: scripts/bench-template.sh [REPEAT [RUNS]]   (defaults: 2000 renders per case, 5 runs)
set -euo pipefail
cd "$(dirname "$0")/.."
REPEAT="${1:-2000}"
RUNS="${2:-5}"
TGT="${CARGO_TARGET_DIR:-target}"
GOBIN="${GO_ORACLE_DIR:-$TGT/go}/go-template-oracle"
case "$GOBIN" in /*) ;; *) GOBIN="$PWD/$GOBIN" ;; esac # CARGO_TARGET_DIR may be absolute
mkdir -p "$(dirname "$GOBIN")"
(cd conformance/go-template && GO111MODULE=off GOPATH=/usr/share/gocode go build -o "$GOBIN" .)
cargo build --release -q -p kots-cli
KOTS="$TGT/release/kots"
WORK=conformance/go-template/bench.jsonl

ns() { # $1... = command; prints time_ns
  "$@" --timing <"$WORK" 2>&1 >/dev/null | sed -n 's/^time_ns=//p'
}
min() { # $1 $2: the smaller, either may be empty
  if [ -z "$1" ] || [ "$2" -lt "$1" ]; then echo "$2"; else echo "$1"; fi
}
for mode in parse+execute preparsed; do
  if [ "$mode" = preparsed ]; then flag=(--preparsed); gflag=(-preparsed); else flag=(); gflag=(); fi
  go_ns=""
  rs_ns=""
  for _ in $(seq "$RUNS"); do
    go_ns=$(min "$go_ns" "$(ns "$GOBIN" -repeat "$REPEAT" "${gflag[@]}")")
    rs_ns=$(min "$rs_ns" "$(ns "$KOTS" template --repeat "$REPEAT" "${flag[@]}")")
  done
  python3 - "$mode" "$go_ns" "$rs_ns" "$REPEAT" <<'PY'
import sys
mode, go, rs, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
cases = 4
print(f"{mode:14s} go: {go / n / cases / 1000:8.2f} us/render   kots: {rs / n / cases / 1000:8.2f} us/render   speed-up: {go / rs:5.2f}x")
PY
done
