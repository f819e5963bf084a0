#!/usr/bin/env bash
# Local OCI registries for the kots-registry tests and benchmark (127.0.0.1 only, never another address).
#
#   scripts/registry-test-env.sh run CMD [ARGS...]   start, run CMD with the KOTS_TEST_REGISTRY_* variables set,
#                                                    stop the registries whatever CMD does, exit with CMD's status
#   scripts/registry-test-env.sh start               start and print the variables (`eval "$(... start)"`)
#   scripts/registry-test-env.sh stop                stop what `start` started
#
# Registries (Debian's docker-registry, installed with apt-get when missing):
#   KOTS_TEST_REGISTRY_PLAIN   127.0.0.1:PORT  plain HTTP, anonymous
#   KOTS_TEST_REGISTRY_PLAIN2  127.0.0.1:PORT  plain HTTP, anonymous (a second registry, for cross-registry copies)
#   KOTS_TEST_REGISTRY_TLS     localhost:PORT  HTTPS with a CA generated here + htpasswd basic auth
#   KOTS_TEST_REGISTRY_CA, KOTS_TEST_REGISTRY_USER, KOTS_TEST_REGISTRY_PASSWORD
# State lives in $KOTS_REGISTRY_ENV_DIR (default /tmp/kots-registry-env), outside the repository.
set -euo pipefail

STATE="${KOTS_REGISTRY_ENV_DIR:-/tmp/kots-registry-env}"

log() { echo "registry-test-env: $*" >&2; }

ensure_tools() {
    local missing=()
    command -v docker-registry >/dev/null || missing+=(docker-registry)
    command -v htpasswd >/dev/null || missing+=(apache2-utils)
    command -v openssl >/dev/null || missing+=(openssl)
    if [ ${#missing[@]} -gt 0 ]; then
        log "installing ${missing[*]} with apt-get"
        local sudo=""
        [ "$(id -u)" -eq 0 ] || sudo="sudo"
        $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >&2 ||
            { $sudo apt-get update -q >&2 && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >&2; }
    fi
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

write_config() { # name port [tls]
    local name=$1 port=$2 tls=${3:-}
    mkdir -p "$STATE/$name/data"
    {
        echo "version: 0.1"
        echo "log: {level: error, accesslog: {disabled: true}}"
        echo "storage: {filesystem: {rootdirectory: $STATE/$name/data}, delete: {enabled: true}, cache: {blobdescriptor: inmemory}}"
        echo "http:"
        echo "  addr: 127.0.0.1:$port"
        echo "  secret: kots-test-secret"
        if [ -n "$tls" ]; then
            echo "  tls: {certificate: $STATE/tls/server.crt, key: $STATE/tls/server.key}"
            echo "auth: {htpasswd: {realm: kots-test, path: $STATE/tls/htpasswd}}"
        fi
    } >"$STATE/$name/config.yml"
}

make_tls() {
    mkdir -p "$STATE/tls"
    local d="$STATE/tls"
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=kots test CA" \
        -keyout "$d/ca.key" -out "$d/ca.crt" 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$d/server.key" -out "$d/server.csr" 2>/dev/null
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' >"$d/ext.cnf"
    openssl x509 -req -in "$d/server.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" -CAcreateserial -days 2 \
        -extfile "$d/ext.cnf" -out "$d/server.crt" 2>/dev/null
    htpasswd -Bbc "$d/htpasswd" kots "kots-test-password" 2>/dev/null
}

wait_up() { # url [curl args]
    local url=$1; shift
    for _ in $(seq 1 100); do
        if curl -s -o /dev/null "$@" "$url"; then return 0; fi
        sleep 0.1
    done
    log "registry at $url did not come up"; return 1
}

start() {
    stop_quiet
    ensure_tools
    rm -rf "$STATE"; mkdir -p "$STATE"
    make_tls
    local p1 p2 p3
    p1=$(free_port); p2=$(free_port); p3=$(free_port)
    write_config plain "$p1"; write_config plain2 "$p2"; write_config tls "$p3" tls
    for name in plain plain2 tls; do
        setsid docker-registry serve "$STATE/$name/config.yml" >"$STATE/$name/log" 2>&1 &
        echo $! >"$STATE/$name/pid"
    done
    wait_up "http://127.0.0.1:$p1/v2/"
    wait_up "http://127.0.0.1:$p2/v2/"
    wait_up "https://localhost:$p3/v2/" --cacert "$STATE/tls/ca.crt"
    cat >"$STATE/env" <<ENV
export KOTS_TEST_REGISTRY_PLAIN=127.0.0.1:$p1
export KOTS_TEST_REGISTRY_PLAIN2=127.0.0.1:$p2
export KOTS_TEST_REGISTRY_TLS=localhost:$p3
export KOTS_TEST_REGISTRY_CA=$STATE/tls/ca.crt
export KOTS_TEST_REGISTRY_USER=kots
export KOTS_TEST_REGISTRY_PASSWORD=kots-test-password
ENV
    cat "$STATE/env"
}

stop_quiet() {
    [ -d "$STATE" ] || return 0
    for pidfile in "$STATE"/*/pid; do
        [ -f "$pidfile" ] || continue
        local pid; pid=$(cat "$pidfile")
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
        rm -f "$pidfile"
    done
}

case "${1:-}" in
start) start ;;
stop) stop_quiet; rm -rf "$STATE" ;;
run)
    shift
    [ $# -gt 0 ] || { log "usage: $0 run CMD [ARGS...]"; exit 2; }
    trap 'stop_quiet; rm -rf "$STATE"' EXIT
    trap 'exit 130' INT TERM
    eval "$(start)"
    set +e
    "$@"
    status=$?
    set -e
    exit $status
    ;;
*) echo "usage: $0 start|stop|run CMD [ARGS...]" >&2; exit 2 ;;
esac
