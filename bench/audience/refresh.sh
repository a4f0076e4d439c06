#!/usr/bin/env bash
# Benchmark 2: refresh of a 1,000,000-member group. REFRESHES times (default 5): POST …/user_group/{id}/refresh ->
# 202, then the clock runs until the group's new total_users_refreshed_at is visible to another session (a poller in
# PostgreSQL that looks every 2 ms). Baseline, same run: the recount's own SQL (the count of the group's members, as
# the worker's statement counts them) timed by psql. Target: < 1 s from the 202 to the new refreshed_at.
# Alone: starts everything as import.sh does and seeds the group by SQL (MEMBERS, default 1,000,000).
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

REFRESHES="${REFRESHES:-5}"

# refreshed_seen GROUP PREVIOUS: waits (in the database, every 2 ms, each look a fresh snapshot) until the group's
# total_users_refreshed_at differs from PREVIOUS; prints the epoch milliseconds when it saw it.
refreshed_seen() {
    psql_app -c "DO \$\$ BEGIN
        FOR i IN 1..30000 LOOP
            IF (SELECT total_users_refreshed_at::text FROM audience.user_group WHERE id = '$1')
               IS DISTINCT FROM '$2' THEN
                RAISE NOTICE 'seen %', (extract(epoch FROM clock_timestamp()) * 1000)::bigint;
                RETURN;
            END IF;
            PERFORM pg_sleep(0.002);
        END LOOP;
        RAISE NOTICE 'seen never';
    END \$\$" 2>&1 | awk '/seen/ { print $NF }'
}


# timed_refresh APP GROUP: POST …/user_group/GROUP/refresh, then waits (refreshed_seen) for the group's new
# total_users_refreshed_at; prints "<ms from the 202 to the new stamp> <ms the POST took> <the job id>".
timed_refresh() {
    local app="$1" g="$2" prev poller t0 out code took seen
    prev="$(psql_app -c "SELECT total_users_refreshed_at::text FROM audience.user_group WHERE id = '$g'")"
    refreshed_seen "$g" "$prev" >"$STATE/seen" &
    poller=$!
    sleep 0.5
    t0="$(now_ms)"
    out="$(curl -sS -X POST -w ' %{http_code} %{time_total}' -H "Authorization: Bearer $(fynd_token "$app")" \
        "$(fynd_url "$app" "/user_group/$g/refresh")")"
    read -r code took <<<"$(awk '{ print $(NF - 1), $NF }' <<<"$out")"
    [[ "$code" == 202 ]] || { echo "refresh answered: $out" >&2; kill "$poller"; return 1; }
    wait "$poller"
    seen="$(cat "$STATE/seen")"
    [[ "$seen" =~ ^[0-9]+$ ]] || { echo "the new refreshed_at was not seen within 60 s" >&2; return 1; }
    echo "$(awk -v s="$seen" -v t="$t0" -v c="$took" 'BEGIN { printf "%.0f %.0f", s - (t + c * 1000), c * 1000 }')" \
        "$(json_field job_id <<<"$out")"
}

bench_refresh() {
    local g members
    g="$(ensure_big_group "${MEMBERS:-1000000}")"
    members="$(psql_app -c "SELECT count(*) FROM audience.user_group_member WHERE group_id = '$g'")"

    # Baseline: the count the worker's recount runs, by psql, five times (median).
    local sql="SELECT count(*) FROM audience.user_group_member WHERE group_id = '$g'" base plan
    base="$(for _ in 1 2 3 4 5; do
        psql_app -c '\timing on' -c "$sql" | awk '/^Time:/ { print $2 }'
    done | median)"
    plan="$(psql_app -c "EXPLAIN (ANALYZE, BUFFERS) $sql" | grep -E 'Scan|Heap Fetches|Execution' | sed 's/^ */    /')"

    local i post job from_202 runs=() job_ms=()
    # Refresh 0 is the warm-up (the first message on the topic, cold code paths); it is shown, not counted.
    for ((i = 0; i <= REFRESHES; i++)); do
        read -r from_202 post job <<<"$(timed_refresh "$APP_BIG" "$g")" || return 1
        [[ -n "$job" ]] || return 1
        ((i > 0)) && runs+=("$from_202")
        job_ms+=("$(psql_app -c "SELECT round(extract(epoch FROM finished_at - created_at) * 1000) || ' ' || status
                                 || ' ' || total FROM audience.job WHERE id = '$job'")")
        echo "refresh $i$( ((i > 0)) || echo ' (warm-up)'): 202 after" \
            "$post ms, new refreshed_at seen ${from_202} ms after the 202; job: ${job_ms[-1]} (ms from its row to" \
            "its end, status, total)"
    done

    echo
    echo "== benchmark 2: refresh of a $members-member group =="
    echo "load: $(load_now)"
    echo "baseline, the recount's count by psql: median of 5 = $base ms; plan:"
    echo "$plan"
    local med
    med="$(printf '%s\n' "${runs[@]}" | median)"
    echo "202 -> new refreshed_at: median $med ms, max $(printf '%s\n' "${runs[@]}" | sort -n | tail -1) ms over" \
        "$REFRESHES refreshes (target < 1000 ms)"
    echo "ratio baseline / median: $(ratio "$base" "$med")"
    echo "audience-service peak RSS: $(peak_rss_mb "$STATE/audience.pid") MiB; import-worker peak RSS: $(peak_rss_mb "$STATE/worker.pid") MiB"
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    trap infra_down EXIT
    infra_up
    build_services
    start_services
    machine_report
    bench_refresh
fi
