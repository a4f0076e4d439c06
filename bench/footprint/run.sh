#!/usr/bin/env bash
# Footprint of each service on a running local stack (issue 12: <= 3 s to ready when started alone, <= 256 MiB RSS
# after its benchmark): restarts each service alone (the others keep running) and times its start to the first 200
# of /q/health/ready, from the JVM process's own start time (so the old process's shutdown is not counted); then puts
# a short load on all of them (wrk on one authenticated read per HTTP service, bench/import/start-latency's imports
# and deploy/local/smoke for the worker and the email path) and prints each service's RSS (VmRSS) and peak (VmHWM).
#
#   flock /tmp/oa-stack.lock bash -c 'deploy/local/stack up && bench/footprint/run.sh; rc=$?; deploy/local/stack down; exit $rc'
#
# Needs wrk (apt-get install wrk), python3 and curl. LOAD_SECONDS (default 10) per wrk run, CONNECTIONS (default 16).
# The JVM options are the stack's (deploy/jvm.env); a noisy machine slows the starts: run it on a quiet one.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STATE="$REPO/.local/stack"
LOAD_SECONDS="${LOAD_SECONDS:-10}"
CONNECTIONS="${CONNECTIONS:-16}"
SERVICES=(segments-service audience-service notification-service import-worker)
CLK_TCK="$(getconf CLK_TCK)"

port_of() {
    case "$1" in
        segments-service) echo 8081 ;;
        audience-service) echo 8082 ;;
        notification-service) echo 8083 ;;
        import-worker) echo 8084 ;;
    esac
}

command -v wrk >/dev/null || { echo "wrk is missing (apt-get install wrk)" >&2; exit 1; }

# ready_ms SERVICE: restarts it alone and prints the ms from its JVM's start to the first 200 of /q/health/ready.
ready_ms() {
    local s="$1" old pid start_ticks up
    old="$(cat "$STATE/$s.pid" 2>/dev/null || echo none)"
    "$REPO/deploy/local/stack" restart "$s" >/dev/null 2>&1 &
    local restarting=$!
    for _ in $(seq 1 600); do
        pid="$(cat "$STATE/$s.pid" 2>/dev/null || true)"
        [[ -n "$pid" && "$pid" != "$old" ]] && break
        sleep 0.05
    done
    until curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$(port_of "$s")/q/health/ready" 2>/dev/null; do
        kill -0 "$pid" 2>/dev/null || { echo "$s died while starting" >&2; return 1; }
        sleep 0.05
    done
    up="$(cut -d' ' -f1 /proc/uptime)"
    start_ticks="$(awk '{ sub(/^.*\) /, ""); print $20 }' "/proc/$pid/stat")"
    wait "$restarting" || true
    awk -v up="$up" -v st="$start_ticks" -v hz="$CLK_TCK" 'BEGIN { printf "%.0f", (up - st / hz) * 1000 }'
}

# Resident now (of which anonymous: heap, metaspace, stacks, malloc; the rest are mapped files: libjvm, jars, CDS),
# and the peak (VmHWM).
rss() {
    awk '/^VmRSS/ { r = $2 } /^RssAnon/ { a = $2 } /^VmHWM/ { h = $2 } END {
        printf "%d MiB (anonymous %d MiB, peak %d MiB)", r / 1024, a / 1024, h / 1024 }' "/proc/$(cat "$STATE/$1.pid")/status"
}

declare -A READY
for s in "${SERVICES[@]}"; do
    READY[$s]="$(ready_ms "$s")"
    echo "$s: ready ${READY[$s]} ms after its JVM started (alone)"
done

SL="$("$REPO/deploy/local/token" --subscription 1 --initiatives DEE | tail -1)"
FY="$("$REPO/deploy/local/token" --company 1 --applications app1 | tail -1)"
wrk -t2 -c"$CONNECTIONS" -d"${LOAD_SECONDS}s" -H "Authorization: Bearer $SL" -H 'initiativeId: DEE' \
    http://127.0.0.1:8081/api/v2/segments | grep -E 'Requests/sec|Non-2xx' | sed 's/^/segments list: /'
wrk -t2 -c"$CONNECTIONS" -d"${LOAD_SECONDS}s" -H "Authorization: Bearer $FY" \
    http://127.0.0.1:8082/service/platform/user/v1.0/company/1/application/app1/user_attribute/definition \
    | grep -E 'Requests/sec|Non-2xx' | sed 's/^/audience definitions: /'
wrk -t2 -c"$CONNECTIONS" -d"${LOAD_SECONDS}s" -H "Authorization: Bearer $SL" -H 'initiativeId: DEE' \
    http://127.0.0.1:8083/api/v2/notifications/00000000-0000-0000-0000-000000000000 \
    | grep -E 'Requests/sec' | sed 's/^/notification 404s: /'
"$REPO/bench/import/start-latency" 20 || true
"$REPO/deploy/local/smoke" >/dev/null

echo
echo "== footprint ($(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)) =="
for s in "${SERVICES[@]}"; do
    printf '%-22s ready alone %5s ms   RSS after the load %s\n' "$s" "${READY[$s]}" "$(rss "$s")"
done
