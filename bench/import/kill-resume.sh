#!/usr/bin/env bash
# Crash demonstration: the worker jar imports a ROWS-row CSV (default 1,000,000), is killed with kill -9 midway,
# is started again, and the job must finish with exact counts (every row once, no duplicate member or membership).
# The lease is shortened to 10 s so the sweeper of the restarted worker takes the job over quickly.
. "$(dirname "$0")/common.sh"
trap infra_down EXIT
export IMPORT_WORKER_LEASE=10s IMPORT_WORKER_HEARTBEAT=3s IMPORT_WORKER_SWEEP_INTERVAL=2s IMPORT_WORKER_QUEUED_GRACE=10m

infra_up
migrate_segments
build_worker
start_producer
start_worker

file="$STATE/members.csv"
generate_csv "$file" "$ROWS"
expected_dups=$((ROWS / 1000))
expected_ok=$((ROWS - expected_dups))
seg="$(psql_app -c "INSERT INTO segments.segment (subscription_id, initiative_id, value) VALUES (3, 'bench', 'crash') RETURNING id")"
job="$(store_upload "$file" 3 "$seg")"
publish_job "$job" 3

# Wait until a third of the rows are committed, then kill -9.
while :; do
    read -r status processed _ <<<"$(job_status "$job")"
    [[ "$status" != queued && "$processed" -ge $((ROWS / 3)) ]] && break
    [[ "$status" == completed* ]] && { echo "finished before the kill; use more ROWS"; exit 1; }
    sleep 0.05
done
kill -9 "$(cat "$STATE/worker.pid")"
sleep 0.5
echo "after kill -9:  $(job_status "$job")   (status processed succeeded failed segment_count total attempts)"
echo "members committed so far: $(psql_app -c "SELECT count(*) FROM segments.member WHERE subscription_id = 3")"
rm -f "$STATE/worker.pid"

start_worker
echo "worker restarted; waiting for the sweeper to take over after the lease expires"
result="$(await_job "$job" 900)"
read -r status processed succeeded failed segcount total attempts <<<"$result"
members="$(psql_app -c "SELECT count(*) FROM segments.member WHERE subscription_id = 3")"
distinct="$(psql_app -c "SELECT count(DISTINCT lower(email)) FROM segments.member WHERE subscription_id = 3")"
links="$(psql_app -c "SELECT count(*) FROM segments.user_segment WHERE segment_id = $seg")"
user_count="$(psql_app -c "SELECT user_count FROM segments.segment WHERE id = $seg")"
errors="$(psql_app -c "SELECT count(*) FROM segments.import_job_error WHERE job_id = '$job'")"
echo "final: status=$status total=$total processed=$processed succeeded=$succeeded failed=$failed segment_count=$segcount attempts=$attempts"
echo "db:    members=$members (distinct $distinct) memberships=$links segment.user_count=$user_count error_rows=$errors"
grep -h "sweeper took\|taken over\|import job $job" "$STATE/worker.log" | tail -5
if [[ "$total" == "$ROWS" && "$succeeded" == "$expected_ok" && "$failed" == "$expected_dups" && "$segcount" == "$expected_ok" \
      && "$members" == "$expected_ok" && "$distinct" == "$expected_ok" && "$links" == "$expected_ok" \
      && "$user_count" == "$expected_ok" && "$errors" == "$expected_dups" && "$attempts" -ge 2 ]]; then
    echo "kill -9 and resume: exact"
else
    echo "kill -9 and resume: WRONG (expected $expected_ok ok, $expected_dups duplicates)"
    exit 1
fi
