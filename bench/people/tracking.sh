#!/usr/bin/env bash
# Benchmark 4: GoSquared tracking intake, sustained. bench/tracking/load.mjs (node) sends TRACK_EVENTS single-event
# POST /tracking/v1/event requests (default 200,000) with TRACK_IN_FLIGHT in flight (default 256) with a fresh API key,
# as the gosquared npm client does, into the seeded audience (events for 5,000 of its people); then checks that every
# event was stored (event rows and the people's total_events grew by exactly the number sent). Ceiling: GET
# /q/health/live by the same tool, same requests and concurrency. Same-SQL baseline: pgbench (TRACK_CLIENTS clients,
# default 2, -M prepared, TRACK_SECONDS, default 20) running, per transaction, the three statements EventService.record
# runs for a batch (the text of EventRepository's upsertPeople, insertEvents and upsertStats, read from its source)
# over a batch of BATCH events (default 256: the requests in flight, which is about what EventBatcher gathers),
# plus one lookup of the batch's people keys that the service gets from the upsert's RETURNING. Target: >= 5,000
# events/s, ratio service / pgbench events/s >= 0.7.
# Alone: starts everything as seed.sh does (and seeds when this cluster holds no seed yet).
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

TRACK_EVENTS="${TRACK_EVENTS:-200000}"
TRACK_IN_FLIGHT="${TRACK_IN_FLIGHT:-256}"
TRACK_CLIENTS="${TRACK_CLIENTS:-2}"
TRACK_SECONDS="${TRACK_SECONDS:-20}"
BATCH="${BATCH:-256}"

need_node() {
    command -v node >/dev/null || infra_apt_install nodejs || { echo "node is missing (apt-get install nodejs)" >&2; return 1; }
}

# The statements of EventRepository as its source writes them (text blocks, in order), $n as pgbench variables.
record_sql() {
    local source="$REPO/audience-service/src/main/java/io/openaudience/audience/repository/EventRepository.java"
    awk '/preparedQuery\("""/ { on = 1; n++; next } on && /"""\)/ { on = 0; sub(/""".*/, ""); sub(/^ +/, ""); print $0 ";"; next }
         on && n >= 1 { sub(/^ +/, ""); if ($0 !~ /^--/) printf "%s ", $0 }' "$source" \
        | tr ';' '\n' | sed '/^ *$/d'
}

tracking_pgbench() {
    local file="$1" stmts
    mapfile -t stmts < <(record_sql)
    ((${#stmts[@]} == 3)) || { echo "expected 3 statements in EventRepository, found ${#stmts[@]}" >&2; return 1; }
    {
        echo "\\set r random(0, 4999)"
        echo "SELECT array_agg('p' || ((:r + g * 7919) % 5000) ORDER BY g)::text AS users," \
            "array_agg(CASE WHEN g % 5 = 0 THEN 'pageview' ELSE 'e' || g % 9 END ORDER BY g)::text AS names," \
            "array_agg(clock_timestamp() ORDER BY g)::text AS times," \
            "array_agg(CASE WHEN g % 5 = 0 THEN 'https://shop.example/p/' || g % 300 END ORDER BY g)::text AS hrefs," \
            "array_agg('{\"n\": ' || g || '}' ORDER BY g)::text AS props FROM generate_series(1, $BATCH) g \\gset"
        echo "BEGIN;"
        sed 's/\$1/:company/g; s/\$2/:app/g; s/\$3/:users/g; s/\$4/:names/g; s/\$5/:times/g; s/\$6/:gap/g' \
            <<<"${stmts[0]}" | sed 's/$/;/'
        echo "SELECT array_agg(u.id ORDER BY b.o)::text AS pks FROM unnest(:users::varchar[]) WITH ORDINALITY" \
            "AS b(user_id, o) JOIN audience.app_user u ON u.company_id = :company AND u.application_id = :app" \
            "AND u.user_id = b.user_id \\gset"
        sed 's/\$1/:company/g; s/\$2/:app/g; s/\$3/:pks/g; s/\$4/:names/g; s/\$5/:times/g; s/\$6/:hrefs/g;
             s/\$7/:props/g' <<<"${stmts[1]}" | sed 's/$/;/'
        sed 's/\$1/:company/g; s/\$2/:app/g; s/\$3/:pks/g; s/\$4/:names/g; s/\$5/:times/g' \
            <<<"${stmts[2]}" | sed 's/$/;/'
        echo "COMMIT;"
    } >"$file"
}

# tenant_events SINCE: event rows of the tenant since then (the load's events carry their reception time) and the
# people's summed total_events.
tenant_events() {
    psql_app -c "SELECT (SELECT count(*) FROM audience.event WHERE company_id = '$COMPANY' AND application_id = '$APP'
                         AND occurred_at >= '$1') || ' ' ||
                        (SELECT sum(total_events) FROM audience.app_user WHERE company_id = '$COMPANY'
                         AND application_id = '$APP')"
}

bench_tracking() {
    need_node
    need_pgbench
    local work="$STATE/tracking" k key site since before after url out live
    mkdir -p "$work"
    chmod 777 "$work"
    k="$(gs_key)"
    key="${k% *}"
    site="${k#* }"
    url="$(gs_url "/tracking/v1/event?api_key=$key&site_token=$site")"
    # Warm-up (JIT, pools), also counted in the check.
    since="$(psql_app -c "SELECT (now() - interval '1 second')::text")"
    node "$REPO/bench/tracking/load.mjs" "$url" 20000 "$TRACK_IN_FLIGHT" POST event >/dev/null
    before="$(tenant_events "$since")"
    local load_before
    load_before="$(load_now)"
    out="$(node "$REPO/bench/tracking/load.mjs" "$url" "$TRACK_EVENTS" "$TRACK_IN_FLIGHT" POST event)"
    after="$(tenant_events "$since")"
    live="$(node "$REPO/bench/tracking/load.mjs" "$(gs_url /q/health/live)" "$TRACK_EVENTS" "$TRACK_IN_FLIGHT")"

    tracking_pgbench "$work/record.sql"
    local pg tps CONNECTIONS="$TRACK_CLIENTS"
    pg=($(pgbench_run "$work/record.sql" "$TRACK_SECONDS" \
        "$work/pgbench" -D company="$COMPANY" -D app="$APP" -D gap=1800))
    tps="$(awk -v n="${pg[0]}" -v s="${pg[1]}" -v b="$BATCH" 'BEGIN { printf "%.0f", n * b / s }')"

    local rate live_rate seconds stored total
    rate="$(sed -n 's/.* = \([0-9]*\)\/s .*/\1/p' <<<"$out")"
    seconds="$(sed -n 's/.* in \([0-9.]*\) s .*/\1/p' <<<"$out")"
    live_rate="$(sed -n 's/.* = \([0-9]*\)\/s .*/\1/p' <<<"$live")"
    stored=$(( ${after% *} - ${before% *} ))
    total=$(( ${after#* } - ${before#* } ))
    echo
    echo "== benchmark 4: tracking intake, $TRACK_EVENTS single-event POST /tracking/v1/event, $TRACK_IN_FLIGHT in flight =="
    echo "load before: $load_before; after: $(load_now)"
    echo "service: $out"
    echo "stored: $stored event rows, people's total_events +$total (sent $TRACK_EVENTS)"
    echo "ceiling, GET /q/health/live (same tool): $live"
    echo "pgbench, EventService.record's 3 statements (+ key lookup) per batch of $BATCH, $TRACK_CLIENTS clients," \
        "${TRACK_SECONDS} s: ${pg[0]} batches = $tps events/s (batch p50 ${pg[2]} ms, p99 ${pg[3]} ms)"
    echo "events/s: $rate over $seconds s   target >= 5000; ratio service / pgbench: $(ratio "$rate" "$tps")" \
        "  target >= 0.70; service / HTTP ceiling: $(ratio "$rate" "$live_rate")"
    rss_line
    [[ "$stored" == "$TRACK_EVENTS" && "$total" == "$TRACK_EVENTS" ]] \
        || { echo "check: WRONG, not every event was stored exactly once" >&2; return 1; }
    echo "check: all $TRACK_EVENTS events stored (event rows and total_events)"
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    . "$PEOPLE_BENCH_DIR/seed.sh"
    run_people bench_tracking
fi
