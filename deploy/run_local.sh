#!/usr/bin/env bash
# Run EM Lab as REPLICAS Streamlit processes behind HAProxy on one machine, in the foreground.
#
#   deploy/run_local.sh REPLICAS PORT        e.g.  deploy/run_local.sh 3 8500
#
# Students open http://<this machine>:PORT. Replicas listen on 127.0.0.1, ports PORT+1 ..
# PORT+REPLICAS (or EMLAB_REPLICA_BASE_PORT ..). Ctrl-C or SIGTERM stops HAProxy and every replica.
# A replica that exits is started again after EMLAB_RESTART_DELAY seconds; HAProxy sends its
# students to the others meanwhile. If HAProxy itself exits, everything stops.
#
# Every replica gets the same cookie secret (STREAMLIT_SERVER_COOKIE_SECRET, passed in the
# environment so it never shows in `ps`) and the same .streamlit/config.toml. The secret comes
# from EMLAB_COOKIE_SECRET, else from the file EMLAB_COOKIE_SECRET_FILE (a mounted secret), else a
# random one is made for this run. Never commit one.
#
# Optional environment (defaults in brackets):
#   EMLAB_BIND_ADDRESS [0.0.0.0]      address HAProxy listens on (127.0.0.1: this machine only)
#   EMLAB_REPLICA_BASE_PORT [PORT+1]  first replica port
#   EMLAB_CHECK_INTER [2s] EMLAB_CHECK_FALL [3] EMLAB_CHECK_RISE [2] EMLAB_CHECK_TIMEOUT [5s]   health checks
#   EMLAB_REPLICA_MAXCONN [120]       connections per replica before HAProxy queues (see haproxy.cfg)
#   EMLAB_TUNNEL_TIMEOUT [1h]         idle timeout of a student's websocket
#   EMLAB_RESTART_DELAY [2]           seconds before a replica that exited is started again
#   EMLAB_RUN_DIR [a new temp dir]    replica logs, rendered haproxy.cfg, stats socket (haproxy.sock)
#   PYTHON [python3]                  the interpreter that has Streamlit
# It installs nothing; it says what is missing.
set -euo pipefail

usage() {
    echo "usage: $0 REPLICAS PORT   (e.g. $0 3 8500)" >&2
    exit 2
}

[[ $# -eq 2 ]] || usage
replicas=$1
port=$2
[[ $replicas =~ ^[1-9][0-9]*$ && $port =~ ^[1-9][0-9]*$ ]] || usage

deploy_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
app_dir=$(dirname "$deploy_dir")
python=${PYTHON:-python3}

missing=0
if ! command -v haproxy >/dev/null 2>&1; then
    echo "HAProxy is missing. Install it with: sudo apt-get install haproxy   (Debian/Ubuntu)" >&2
    missing=1
fi
if ! command -v "$python" >/dev/null 2>&1; then
    echo "Python ($python) is missing. Install Python 3.11+ or set PYTHON=/path/to/python." >&2
    missing=1
elif ! "$python" -c "import streamlit" >/dev/null 2>&1; then
    echo "Streamlit is missing for $python. Install it with: $python -m pip install -r $app_dir/requirements.txt" >&2
    missing=1
fi
[[ $missing -eq 0 ]] || exit 1

if [[ -n ${EMLAB_COOKIE_SECRET:-} ]]; then
    cookie_secret=$EMLAB_COOKIE_SECRET
elif [[ -n ${EMLAB_COOKIE_SECRET_FILE:-} ]]; then
    [[ -r $EMLAB_COOKIE_SECRET_FILE ]] || {
        echo "Cannot read EMLAB_COOKIE_SECRET_FILE=$EMLAB_COOKIE_SECRET_FILE" >&2
        exit 1
    }
    cookie_secret=$(tr -d '\n' <"$EMLAB_COOKIE_SECRET_FILE")
else
    cookie_secret=$("$python" -c "import secrets; print(secrets.token_hex(32))")
    echo "No EMLAB_COOKIE_SECRET given: made a random one for this run."
fi

base_port=${EMLAB_REPLICA_BASE_PORT:-$((port + 1))}
restart_delay=${EMLAB_RESTART_DELAY:-2}
if [[ -n ${EMLAB_RUN_DIR:-} ]]; then
    run_dir=$EMLAB_RUN_DIR
    mkdir -p "$run_dir"
    own_run_dir=0
else
    run_dir=$(mktemp -d "${TMPDIR:-/tmp}/emlab-run.XXXXXX")
    own_run_dir=1
fi

export EMLAB_BIND="${EMLAB_BIND_ADDRESS:-0.0.0.0}:$port"
export EMLAB_STATS_SOCKET="$run_dir/haproxy.sock"
export EMLAB_CHECK_INTER=${EMLAB_CHECK_INTER:-2s}
export EMLAB_CHECK_FALL=${EMLAB_CHECK_FALL:-3}
export EMLAB_CHECK_RISE=${EMLAB_CHECK_RISE:-2}
export EMLAB_CHECK_TIMEOUT=${EMLAB_CHECK_TIMEOUT:-5s}
export EMLAB_REPLICA_MAXCONN=${EMLAB_REPLICA_MAXCONN:-120}
export EMLAB_TUNNEL_TIMEOUT=${EMLAB_TUNNEL_TIMEOUT:-1h}

replica_pids=()
died_at=()
haproxy_pid=""

stop_all() {
    trap - EXIT INT TERM
    local pid pids=()
    for pid in "${replica_pids[@]}" "$haproxy_pid"; do
        [[ -n $pid ]] && kill -TERM "$pid" 2>/dev/null && pids+=("$pid")
    done
    # Give them 10 s to finish, then kill what is left.
    local tries=0
    for pid in "${pids[@]}"; do
        while kill -0 "$pid" 2>/dev/null && [[ $tries -lt 100 ]]; do
            sleep 0.1
            tries=$((tries + 1))
        done
        kill -KILL "$pid" 2>/dev/null || true
    done
    wait 2>/dev/null || true
    [[ $own_run_dir -eq 1 ]] && rm -rf "$run_dir"
    echo "Stopped HAProxy and ${#replica_pids[@]} replica(s)."
}
trap 'stop_all; exit 130' INT
trap 'stop_all; exit 143' TERM
trap 'stop_all' EXIT

start_replica() {
    local index=$1
    local replica_port=$((base_port + index))
    (
        cd "$app_dir"
        export STREAMLIT_SERVER_COOKIE_SECRET=$cookie_secret
        exec "$python" -m streamlit run app.py --server.headless true --server.address 127.0.0.1 \
            --server.port "$replica_port" --server.fileWatcherType none --browser.gatherUsageStats false
    ) >>"$run_dir/replica-$((index + 1)).log" 2>&1 &
    replica_pids[index]=$!
    died_at[index]=""
    echo "replica r$((index + 1)): pid ${replica_pids[index]}, http://127.0.0.1:$replica_port, log $run_dir/replica-$((index + 1)).log"
}

config="$run_dir/haproxy.cfg"
{
    cat "$deploy_dir/haproxy.cfg"
    for ((index = 0; index < replicas; index++)); do
        printf '    server r%d 127.0.0.1:%d cookie r%d\n' $((index + 1)) $((base_port + index)) $((index + 1))
    done
} >"$config"
haproxy -q -c -f "$config"

healthy() {
    "$python" -c "import sys, urllib.request
try:
    sys.exit(0 if urllib.request.urlopen(sys.argv[1], timeout=2).status == 200 else 1)
except OSError:
    sys.exit(1)" "http://127.0.0.1:$1/_stcore/health"
}

for ((index = 0; index < replicas; index++)); do
    start_replica "$index"
done
# Start HAProxy once every replica answers its health check (at most 120 s), so the first students
# are spread over all of them.
for ((index = 0; index < replicas; index++)); do
    for ((tries = 0; tries < 240; tries++)); do
        healthy $((base_port + index)) && break
        if ! kill -0 "${replica_pids[index]}" 2>/dev/null; then
            echo "replica r$((index + 1)) exited while starting; its log:" >&2
            tail -n 20 "$run_dir/replica-$((index + 1)).log" >&2
            exit 1
        fi
        sleep 0.5
    done
done
haproxy -db -f "$config" &
haproxy_pid=$!
echo "HAProxy: pid $haproxy_pid on $EMLAB_BIND, stats socket $EMLAB_STATS_SOCKET"
echo "EM Lab is ready: http://${EMLAB_BIND}/ ($replicas replica(s)); Ctrl-C stops everything."

while true; do
    if ! kill -0 "$haproxy_pid" 2>/dev/null; then
        echo "HAProxy exited; stopping the replicas." >&2
        exit 1
    fi
    now=$SECONDS
    for ((index = 0; index < replicas; index++)); do
        kill -0 "${replica_pids[index]}" 2>/dev/null && continue
        if [[ -z ${died_at[index]} ]]; then
            died_at[index]=$now
            echo "replica r$((index + 1)) exited; starting it again in ${restart_delay} s." >&2
        elif ((now - died_at[index] >= restart_delay)); then
            start_replica "$index"
        fi
    done
    # `wait` on a background sleep lets the INT/TERM traps run at once.
    sleep 0.5 &
    wait $! || true
done
