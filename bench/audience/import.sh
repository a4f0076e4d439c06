#!/usr/bin/env bash
# Benchmark 1: a ROWS-row group CSV (default 1,000,000) imported end to end through the real services, next to the
# same rows COPYed by psql into the same tables (app_user with its unique indexes, user_group_member) in the same run.
#
# "End to end" = POST …/user_group with a file_url on 127.0.0.1 (audience-service writes group, job and outbox rows,
# answers 201), the outbox relay publishing to Kafka, import-worker fetching the file over HTTP, parsing, checking
# and writing people, members and rejected rows -> group `completed` (polled every 100 ms).
# Alone: starts its own PostgreSQL (15504), Kafka (19094/19095), audience-service (18182), import-worker (18185) and
# file server (18186), stops them on exit. ROWS=3000000 for the memory check.
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

ROWS="${ROWS:-1000000}"
WARM_ROWS="${WARM_ROWS:-20000}"

# copy_files CSV PREFIX GROUP FIRST_ID: the valid rows of the CSV as COPY text for app_user and user_group_member,
# shaped exactly as the worker writes them (keys, contact lists, provenance), with ids from FIRST_ID on.
copy_files() {
    local email='[{"email": "%s", "primary": true, "verified": false, "active": true}]'
    local phone='[{"phone": "%s", "country_code": %d, "primary": true, "verified": false, "active": true}]'
    awk -F, -v c="$COMPANY" -v a="$APP_COPY" -v g="$3" -v id0="$4" -v people="$2.people" -v members="$2.members" \
        -v fmt="%.0f\t%s\t%s\t%s\t%s\t%s%s\t$email\t$phone\t000000000000000000000000\t%d\n" '
        NR == 1 || $2 ~ /@invalid$/ { next }
        { id = id0 + NR - 1
          printf fmt, id, c, a, $1, tolower($2), $4, $3, $2, $3, $4, NR - 1 >people
          printf "%s\t%.0f\t%s\t%s\n", g, id, c, a >members }' "$1"
}

# The columns of app_user the worker writes for a new person.
PEOPLE_COLUMNS="id, company_id, application_id, user_id, email_key, phone_key, emails, phone_numbers, import_job_id, \
import_row"

# empty_tables: people, values and members go (a checkpoint too), so every measured load starts from the same tables.
empty_tables() {
    psql_app -c "TRUNCATE audience.app_user, audience.user_group_member, audience.user_attribute" >/dev/null
    infra_pg_super "$PG_PORT" "CHECKPOINT" >/dev/null
}

# copy_baseline PEOPLE MEMBERS [PEOPLE MEMBERS]...: from empty tables, COPYs each pair of files (people, then their
# memberships) in its own psql session, the pairs at once; prints "<wall ms> <app_user+user_group_member ms each>".
copy_baseline() {
    local t0 t1 i=0 pids=()
    empty_tables
    t0="$(now_ms)"
    while (($#)); do
        ( local a b
          a="$(now_ms)"
          psql_app -c "\\copy audience.app_user ($PEOPLE_COLUMNS) FROM '$1'"
          b="$(now_ms)"
          psql_app -c "\\copy audience.user_group_member (group_id, user_pk, company_id, application_id) FROM '$2'"
          echo "$((b - a))+$(($(now_ms) - b))" >"$STATE/copy.took.$i" ) &
        pids+=($!)
        i=$((i + 1))
        shift 2
    done
    for p in "${pids[@]}"; do wait "$p"; done
    t1="$(now_ms)"
    echo "$((t1 - t0)) $(cat "$STATE"/copy.took.* | paste -sd' ')"
    rm -f "$STATE"/copy.took.*
}

bench_import() {
    local file="$STATE/files/members-$ROWS.csv" warm="$STATE/files/warm.csv" size_mb expected_errors expected_ok
    generate_csv "$file" "$ROWS"
    generate_csv "$warm" "$WARM_ROWS"
    size_mb=$(( $(stat -c %s "$file") / 1048576 ))
    expected_errors=$((ROWS / 1000))
    expected_ok=$((ROWS - expected_errors))

    # Warm-up (JIT, pools) of both services: a small import for another application; also the RSS reference.
    local g0
    g0="$(post_group "$APP_WARM" warm-up warm.csv)"
    echo "warm-up group ($WARM_ROWS rows): $(await_group "$g0" 300)"
    local rss_worker_warm rss_audience_warm
    rss_worker_warm="$(peak_rss_mb "$STATE/worker.pid")"
    rss_audience_warm="$(peak_rss_mb "$STATE/audience.pid")"

    # Baseline: the same valid rows COPYed by psql into the same tables (same indexes), for a third application; once
    # by one session, once split in two halves loaded by two sessions at once (the worker writes on two connections
    # too). The faster is the limit. Each, and the import after them, starts from empty tables.
    local cg copied seq par copy_ms
    cg="$(psql_app -c "INSERT INTO audience.user_group (company_id, application_id, name, type, category)
                        VALUES ('$COMPANY', '$APP_COPY', 'copy', 'bulk', 'custom') RETURNING id")"
    copy_files "$file" "$STATE/copy" "$cg" 1000000000000
    split -n l/2 -d "$STATE/copy.people" "$STATE/copy.people."
    split -n l/2 -d "$STATE/copy.members" "$STATE/copy.members."
    seq="$(copy_baseline "$STATE/copy.people" "$STATE/copy.members")"
    copied="$(psql_app -c "SELECT (SELECT count(*) FROM audience.app_user WHERE application_id = '$APP_COPY') || ' ' ||
                                (SELECT count(*) FROM audience.user_group_member WHERE group_id = '$cg')")"
    par="$(copy_baseline "$STATE/copy.people.00" "$STATE/copy.members.00" \
                         "$STATE/copy.people.01" "$STATE/copy.members.01")"
    rm -f "$STATE"/copy.*
    copy_ms="$(( ${seq%% *} < ${par%% *} ? ${seq%% *} : ${par%% *} ))"
    empty_tables

    # End to end.
    local load_before g result e2e_ms t0 t1 t2
    load_before="$(load_now)"
    local log_from
    log_from=$(($(wc -l <"$STATE/worker.log") + 1))
    t0="$(now_ms)"
    g="$(post_group "$APP_BIG" "$BIG_GROUP_NAME" "members-$ROWS.csv")"
    t1="$(now_ms)"
    result="$(await_group "$g" 1800)"
    t2="$(now_ms)"
    e2e_ms=$((t2 - t0))
    local rss_worker_big rss_audience_big
    rss_worker_big="$(peak_rss_mb "$STATE/worker.pid")"
    rss_audience_big="$(peak_rss_mb "$STATE/audience.pid")"

    local gstatus total_users error_count jstatus total succeeded failed attempts people members errors
    read -r gstatus total_users error_count jstatus total succeeded failed attempts <<<"$result"
    people="$(psql_app -c "SELECT count(*) FROM audience.app_user WHERE company_id = '$COMPANY' AND application_id = '$APP_BIG'")"
    members="$(psql_app -c "SELECT count(*) FROM audience.user_group_member WHERE group_id = '$g'")"
    errors="$(psql_app -c "SELECT count(*) FROM audience.job_error e JOIN audience.user_group g ON e.job_id = g.last_job_id
                           WHERE g.id = '$g' AND e.field = 'email' AND e.reason = 'invalid email'")"

    echo
    echo "== benchmark 1: group CSV import, $ROWS rows (${size_mb} MiB), file_url on 127.0.0.1 =="
    echo "load before the import: $load_before; after: $(load_now)"
    echo "group: status=$gstatus total_users=$total_users error_count=$error_count; job: status=$jstatus total=$total succeeded=$succeeded failed=$failed attempts=$attempts"
    echo "db: people=$people members=$members error rows (invalid email)=$errors"
    echo "baseline psql \\copy of the same $expected_ok rows into the same tables (app_user ms + user_group_member ms):"
    echo "  one session: ${seq%% *} ms = $(rate "$expected_ok" "${seq%% *}") rows/s (${seq#* }); copied $copied"
    echo "  two sessions, half each: ${par%% *} ms = $(rate "$expected_ok" "${par%% *}") rows/s (${par#* })"
    echo "end to end (POST -> group completed): ${e2e_ms} ms = $(rate "$ROWS" "$e2e_ms") rows/s (the POST: $((t1 - t0)) ms)"
    echo "ratio end-to-end / COPY (rows/s): $(ratio "$copy_ms" "$e2e_ms")   targets: >= 60000 rows/s and >= 0.50"
    echo "import-worker peak RSS (VmHWM, $(infra_java_opts import-worker | xargs)): ${rss_worker_warm} MiB after the $WARM_ROWS-row warm-up, ${rss_worker_big} MiB after $ROWS rows"
    echo "audience-service peak RSS (VmHWM, $(infra_java_opts audience-service | xargs)): ${rss_audience_warm} MiB after the warm-up, ${rss_audience_big} MiB after $ROWS rows"
    if [[ "${WORKER_TIMINGS:-0}" == 1 ]]; then
        echo "worker statement times summed over the batches of both writers (ms, count, statement):"
        tail -n +"$log_from" "$STATE/worker.log" | sed -nE 's/.*\) +([0-9]+) ms  (.{1,50}).*/\1\t\2/p' \
            | awk -F'\t' '{ s[$2] += $1; n[$2]++ } END { for (k in s) printf "  %8d %4d  %s\n", s[k], n[k], k }' \
            | sort -rn
    fi
    local ok=1
    [[ "$gstatus" == completed && "$jstatus" == completed_with_errors && "$total" == "$ROWS" ]] || ok=0
    [[ "$succeeded" == "$expected_ok" && "$failed" == "$expected_errors" && "$error_count" == "$expected_errors" ]] || ok=0
    [[ "$total_users" == "$expected_ok" && "$people" == "$expected_ok" && "$members" == "$expected_ok" ]] || ok=0
    [[ "$errors" == "$expected_errors" && "$copied" == "$expected_ok $expected_ok" ]] || ok=0
    if ((ok)); then
        echo "counts: exact ($expected_ok people and members, $expected_errors rejected rows)"
    else
        echo "counts: WRONG (expected $expected_ok people and members, $expected_errors rejected rows)"
        return 1
    fi
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    trap infra_down EXIT
    infra_up
    build_services
    start_services
    start_file_server
    machine_report
    bench_import
fi
