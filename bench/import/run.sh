#!/usr/bin/env bash
# Bulk import benchmark: a generated ROWS-row CSV (default 1,000,000) imported end to end through the real services,
# and in the same run the same file COPYed by psql into a bare table (the baseline). Starts its own PostgreSQL (15502),
# Kafka (19092/19093), segments-service (18181) and import-worker (18184); stops everything on exit.
#
# "End to end" = the multipart POST /api/v2/segments/{id}/create-users a client makes (segments-service spools the
# file, stores it in 1 MiB chunks with the job and outbox rows, answers 202), the outbox relay publishing to Kafka,
# and import-worker consuming, parsing, validating and writing members, memberships, results, errors and progress
# -> job completed (polled every 100 ms).
. "$(dirname "$0")/common.sh"
trap infra_down EXIT
# The job must go through Kafka: keep the sweeper off queued jobs for the duration of the run.
export IMPORT_WORKER_QUEUED_GRACE=${IMPORT_WORKER_QUEUED_GRACE:-10m}

infra_up
build_services
start_segments
start_worker

file="$STATE/members.csv"
generate_csv "$file" "$ROWS"
size_mb=$(( $(stat -c %s "$file") / 1048576 ))
expected_dups=$((ROWS / 1000))
expected_ok=$((ROWS - expected_dups))

# Warm-up (JIT, pools) of both services: a 20,000-row import for another tenant; also the RSS reference.
warm="$STATE/warm.csv"
generate_csv "$warm" 20000
seg0="$(psql_app -c "INSERT INTO segments.segment (subscription_id, initiative_id, value) VALUES (1, 'bench', 'warm') RETURNING id")"
job0="$(post_import "$warm" "$seg0" "$(bench_token 1)")"
echo "warm-up job: $(await_job "$job0" 300)"
rss_small="$(worker_peak_rss_mb)"
rss_seg_small="$(peak_rss_mb "$STATE/segments.pid")"

# Baseline (issue 12): psql COPYing the rows the import stores into the same tables with the same indexes and
# triggers, for another tenant: the members (with ids 1000000000001…, far above the sequence's, as the import's
# result), then their memberships of a segment. (awk's %d is 32-bit in mawk: the ids are printed as text.)
base_seg="$(psql_app -c "INSERT INTO segments.segment (subscription_id, initiative_id, value) VALUES (3, 'bench', 'copy') RETURNING id")"
awk -v n="$ROWS" 'BEGIN { for (i = 1; i <= n; i++) if (i % 1000 != 0)
    printf "1%012d,3,user%d@bench.example,\"Member %d, bench\"\n", i, i, i }' >"$STATE/base-members.csv"
awk -v n="$ROWS" -v s="$base_seg" 'BEGIN { for (i = 1; i <= n; i++) if (i % 1000 != 0)
    printf "%d,1%012d,3,bench\n", s, i }' >"$STATE/base-memberships.csv"
t0="$(now_ms)"
psql_app -c "\\copy segments.member (id, subscription_id, email, first_name) FROM '$STATE/base-members.csv' WITH (FORMAT csv)" \
    -c "\\copy segments.user_segment (segment_id, user_id, subscription_id, initiative_id) FROM '$STATE/base-memberships.csv' WITH (FORMAT csv)"
t1="$(now_ms)"
copy_ms=$((t1 - t0))
base_rows="$(psql_app -c "SELECT user_count FROM segments.segment WHERE id = $base_seg")"
rm -f "$STATE/base-members.csv" "$STATE/base-memberships.csv"

# End to end.
seg="$(psql_app -c "INSERT INTO segments.segment (subscription_id, initiative_id, value) VALUES (2, 'bench', 'big') RETURNING id")"
token="$(bench_token 2)"
t0="$(now_ms)"
job="$(post_import "$file" "$seg" "$token")"
t_accepted="$(now_ms)"
result="$(await_job "$job" 900)"
t1="$(now_ms)"
e2e_ms=$((t1 - t0))
post_ms=$((t_accepted - t0))
worker_ms=$((t1 - t_accepted))
rss_big="$(worker_peak_rss_mb)"
rss_seg_big="$(peak_rss_mb "$STATE/segments.pid")"

read -r status processed succeeded failed segcount total attempts <<<"$result"
members="$(psql_app -c "SELECT count(*) FROM segments.member WHERE subscription_id = 2")"
links="$(psql_app -c "SELECT count(*) FROM segments.user_segment WHERE segment_id = $seg")"
user_count="$(psql_app -c "SELECT user_count FROM segments.segment WHERE id = $seg")"
errors="$(psql_app -c "SELECT count(*) FROM segments.import_job_error WHERE job_id = '$job'")"

echo
echo "== bulk import benchmark: $ROWS rows, ${size_mb} MiB CSV, $(nproc) cores =="
echo "job: status=$status total=$total processed=$processed succeeded=$succeeded failed=$failed segment_count=$segcount attempts=$attempts"
echo "db:  members=$members memberships=$links segment.user_count=$user_count error_rows=$errors"
echo "baseline psql \\copy of the $base_rows stored rows into member + user_segment (same indexes, triggers): ${copy_ms} ms = $(rate "$ROWS" "$copy_ms") rows/s"
echo "end to end (POST -> job completed): ${e2e_ms} ms = $(rate "$ROWS" "$e2e_ms") rows/s"
echo "  of which the POST (upload stored, 202): ${post_ms} ms; after the 202 (relay, Kafka, worker): ${worker_ms} ms = $(rate "$ROWS" "$worker_ms") rows/s"
echo "ratio end-to-end / baseline: $(awk -v a="$copy_ms" -v b="$e2e_ms" 'BEGIN { printf "%.2f", a / b }') (target >= 0.5)"
echo "ratio after-the-202 / baseline: $(awk -v a="$copy_ms" -v b="$worker_ms" 'BEGIN { printf "%.2f", a / b }')"
echo "worker peak RSS (VmHWM, $(infra_java_opts import-worker | xargs)): ${rss_small} MiB after the 20,000-row warm-up, ${rss_big} MiB after $ROWS rows"
echo "segments-service peak RSS (VmHWM, $(infra_java_opts segments-service | xargs)): ${rss_seg_small} MiB after the warm-up, ${rss_seg_big} MiB after $ROWS rows"
read -r rss_worker_after rss_seg_after < <(settled_rss_mb "$(cat "$STATE/worker.pid")" "$(cat "$STATE/segments.pid")")
echo "RSS after the benchmark (VmRSS, ${RSS_SETTLE:-10} s after it): import-worker ${rss_worker_after} MiB," \
    "segments-service ${rss_seg_after} MiB"
ok=1
[[ "$status" == completed_with_errors && "$succeeded" == "$expected_ok" && "$failed" == "$expected_dups" ]] || ok=0
[[ "$members" == "$expected_ok" && "$links" == "$expected_ok" && "$user_count" == "$expected_ok" && "$errors" == "$expected_dups" ]] || ok=0
((ok)) && echo "counts: exact" || { echo "counts: WRONG (expected $expected_ok ok, $expected_dups duplicates)"; exit 1; }
