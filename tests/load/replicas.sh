#!/usr/bin/env bash
# Two Streamlit replicas behind nginx on 127.0.0.1 (sticky sessions by cookie, websocket
# upgrade, one cookie secret; BLAS at one thread, as `backprop app` sets), then the load test
# through the proxy.
#
#   bash tests/load/replicas.sh                                  # the curve and the heavy link
#   bash tests/load/replicas.sh --sessions 30 --duration 20      # any run_load.py options
#
# Needs nginx (Debian's package; installed if missing). Everything listens on loopback,
# lives in a temporary folder, and is stopped (by process id) when the script ends.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
WORK="$(mktemp -d /tmp/replicas.XXXXXX)"
chmod 755 "$WORK"
mkdir -m 1777 "$WORK/tmp"

if ! command -v nginx >/dev/null; then
    apt-get update -qq && apt-get install -y -qq nginx >/dev/null
fi

read -r PROXY_PORT PORT1 PORT2 < <(python - <<'PY'
import socket
probes = [socket.socket() for _ in range(3)]
for probe in probes:
    probe.bind(("127.0.0.1", 0))
print(*(probe.getsockname()[1] for probe in probes))
PY
)
SECRET="$(python -c 'import secrets; print(secrets.token_hex(32))')"  # the same for both replicas

PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
trap cleanup EXIT

for port in "$PORT1" "$PORT2"; do
    (cd "$ROOT" && STREAMLIT_SERVER_COOKIE_SECRET="$SECRET" OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 exec python -m streamlit run app.py \
        --server.address 127.0.0.1 --server.port "$port" --server.headless true) >"$WORK/replica_$port.log" 2>&1 &
    PIDS+=("$!")
done
REPLICA_PIDS="${PIDS[0]},${PIDS[1]}"

sed -e "s|@WORK@|$WORK|g" -e "s|@PROXY_PORT@|$PROXY_PORT|g" -e "s|@PORT1@|$PORT1|g" -e "s|@PORT2@|$PORT2|g" \
    "$ROOT/tests/load/nginx.conf" >"$WORK/nginx.conf"
nginx -t -p "$WORK" -c "$WORK/nginx.conf" 2>>"$WORK/nginx_test.log"
nginx -p "$WORK" -c "$WORK/nginx.conf" &
PIDS+=("$!")

for url in "http://127.0.0.1:$PORT1" "http://127.0.0.1:$PORT2" "http://127.0.0.1:$PROXY_PORT"; do
    for _ in $(seq 120); do
        curl -fsS "$url/_stcore/health" >/dev/null 2>&1 && break
        sleep 0.5
    done
    curl -fsS "$url/_stcore/health" >/dev/null
done
echo "replicas on 127.0.0.1:$PORT1 and :$PORT2 (pids $REPLICA_PIDS), nginx on 127.0.0.1:$PROXY_PORT; files in $WORK"

cd "$ROOT"
python tests/load/run_load.py --url "http://127.0.0.1:$PROXY_PORT" --pids "$REPLICA_PIDS" "$@"
