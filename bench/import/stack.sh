#!/usr/bin/env bash
# A ROWS-row CSV (default 200,000) imported end to end on the running local stack (issue 12: >= 60k rows/s on a fresh
# `stack up`), the way a client does it: POST create-users (multipart) -> 202 -> job polled every 100 ms through
# GET /api/v2/jobs/{id} until it ends. Prints rows/s, the time from the 202 to `running`, and the peak RSS of
# segments-service and import-worker. Needs curl and python3.
#
#   flock /tmp/oa-stack.lock bash -c 'deploy/local/stack up && bench/import/stack.sh; rc=$?; deploy/local/stack down; exit $rc'
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STATE="$REPO/.local/stack"
ROWS="${ROWS:-200000}"
SEGMENTS=http://127.0.0.1:8081
SUB="${SUBSCRIPTION:-$((800000 + $$ % 99999))}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

json() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1], {'d': d}))" "$1"; }
now_ms() { date +%s%3N; }
peak() { awk '/VmHWM/ { printf "%d", $2 / 1024 }' "/proc/$(cat "$STATE/$1.pid")/status"; }

TOKEN="$("$REPO/deploy/local/token" --subscription "$SUB" --initiatives BENCH | tail -1)"
auth=(-H "Authorization: Bearer $TOKEN" -H 'initiativeId: BENCH')
awk -v n="$ROWS" 'BEGIN { print "email,name"; for (i = 1; i <= n; i++)
    printf "user%d@stack.example,\"Member %d, bench\"\n", i, i }' >"$WORK/members.csv"
segment="$(curl -fsS "${auth[@]}" -H 'Content-Type: application/json' -d '{"value":"stack import"}' \
    "$SEGMENTS/api/v2/segments" | json 'd["data"]["id"]')"

t0="$(now_ms)"
job="$(curl -fsS "${auth[@]}" -F "metrics=@$WORK/members.csv;type=text/csv" \
    "$SEGMENTS/api/v2/segments/$segment/create-users" | json 'd["data"]["jobId"]')"
t_accepted="$(now_ms)"
t_running=""
while :; do
    curl -fsS -o "$WORK/job.json" "${auth[@]}" "$SEGMENTS/api/v2/jobs/$job"
    status="$(json 'd["data"]["status"]' <"$WORK/job.json")"
    [[ -z "$t_running" && "$status" != queued ]] && t_running="$(now_ms)"
    [[ "$status" == queued || "$status" == running ]] || break
    (( $(now_ms) - t0 < 900000 )) || { echo "job $job still $status after 15 min" >&2; exit 1; }
    sleep 0.1
done
t1="$(now_ms)"
succeeded="$(json 'd["data"]["succeeded"]' <"$WORK/job.json")"

echo "== import on the local stack: $ROWS rows, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg) =="
echo "job $job: $status, $succeeded rows stored"
echo "end to end (POST -> job ended): $((t1 - t0)) ms = $(awk -v r="$ROWS" -v ms=$((t1 - t0)) 'BEGIN { printf "%.0f", r * 1000 / ms }') rows/s (target >= 60000 on a fresh stack up)"
echo "  the POST (upload stored, 202): $((t_accepted - t0)) ms; 202 -> running: $((t_running - t_accepted)) ms"
echo "peak RSS (VmHWM): segments-service $(peak segments-service) MiB, import-worker $(peak import-worker) MiB"
[[ "$status" == completed && "$succeeded" == "$ROWS" ]] || { echo "expected $ROWS rows completed"; exit 1; }
