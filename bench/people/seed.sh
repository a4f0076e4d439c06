#!/usr/bin/env bash
# Step 0: the audience the other benchmarks read. PEOPLE people (default 1,000,000) of one application with a value of
# each of 10 attribute definitions (string, number, boolean, date, string_array, number_array; the definitions made
# through the API, POST …/user_attribute/definition) and ~10 events a person (~10,000,000) over the last 90 days,
# loaded by SQL (seed.sql: generate_series, indexes built after the load) into the schema audience-service's Flyway
# made, with the derived rows a real write keeps (person_event_stats, the people's totals and visits, the event
# partitions), then VACUUM ANALYZE. Checks the derived rows against the event rows of 2,000 people. Prints the time.
# Alone: starts its own PostgreSQL (15505), Kafka (19096/19097), audience-service (18192) and import-worker (18195),
# stops them on exit.
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# The definitions: slug and type (names and descriptions are made from the slug).
DEFINITIONS="plan:string tier:string ltv:number orders:number newsletter:boolean beta:boolean birthday:date \
last_order:date interests:string_array sizes:number_array"

bench_seed() {
    if seeded; then
        echo "seed: kept from an earlier run ($(cat "$SEED_MARK") people; RESEED=1 to redo it)"
        return 0
    fi
    local t0 t1 t2 d slug type out base t_now
    t0="$(now_ms)"
    for d in $DEFINITIONS; do
        slug="${d%%:*}"
        type="${d#*:}"
        out="$(fynd "$APP" POST /user_attribute/definition \
            "{\"name\":\"$slug\",\"slug\":\"$slug\",\"description\":\"bench $type\",\"type\":\"$type\"}")"
        [[ "${out%% *}" == 201 ]] || { echo "POST definition $slug answered $out" >&2; return 1; }
    done
    base="$(psql_app -c "SELECT coalesce(max(id), 0) FROM audience.app_user")"
    t_now="$(psql_app -c "SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')")"
    t1="$(now_ms)"
    psql_app -v company="$COMPANY" -v app="$APP" -v people="$PEOPLE" -v base="$base" -v t0="$t_now" \
        -f "$PEOPLE_BENCH_DIR/seed.sql" >/dev/null
    t2="$(now_ms)"
    psql_app -c "VACUUM ANALYZE audience.app_user" -c "VACUUM ANALYZE audience.user_attribute" \
        -c "VACUUM ANALYZE audience.event" -c "VACUUM ANALYZE audience.person_event_stats" >/dev/null
    local t3 counts
    t3="$(now_ms)"
    counts="$(psql_app -F' ' -c "SELECT
        (SELECT count(*) FROM audience.app_user WHERE company_id = '$COMPANY' AND application_id = '$APP'),
        (SELECT count(*) FROM audience.user_attribute WHERE company_id = '$COMPANY' AND application_id = '$APP'),
        (SELECT count(*) FROM audience.event WHERE company_id = '$COMPANY' AND application_id = '$APP'),
        (SELECT count(*) FROM audience.person_event_stats WHERE company_id = '$COMPANY' AND application_id = '$APP'),
        (SELECT count(*) FROM pg_inherits WHERE inhparent = 'audience.event'::regclass),
        pg_size_pretty(pg_database_size('audience'))")"
    local people values events stats parts size
    read -r people values events stats parts size <<<"$counts"

    # The derived rows of 2,000 people against their event rows: totals, first/last seen, visits (a pageview at
    # least 30 minutes after the previous event, or the first), and every stats row.
    local bad
    bad="$(psql_app -c "
        WITH sample AS (SELECT id FROM audience.app_user WHERE company_id = '$COMPANY' AND application_id = '$APP'
                        ORDER BY hashint8(id) LIMIT 2000),
        ev AS (SELECT e.user_pk, e.name, e.occurred_at,
                      lag(e.occurred_at) OVER (PARTITION BY e.user_pk ORDER BY e.occurred_at) AS previous
               FROM audience.event e JOIN sample s ON s.id = e.user_pk),
        people AS (SELECT user_pk, count(*) AS events, min(occurred_at) AS first_at, max(occurred_at) AS last_at,
                          count(*) FILTER (WHERE name = 'pageview' AND (previous IS NULL
                              OR occurred_at - previous >= interval '30 minutes')) AS visits
                   FROM ev GROUP BY user_pk),
        stats AS (SELECT user_pk, name, count(*) AS count, min(occurred_at) AS first_at, max(occurred_at) AS last_at
                  FROM ev GROUP BY user_pk, name)
        SELECT (SELECT count(*) FROM people p JOIN audience.app_user u ON u.id = p.user_pk
                WHERE (u.total_events, u.total_visits, u.first_seen_at, u.last_seen_at)
                      IS DISTINCT FROM (p.events, p.visits, p.first_at, p.last_at))
             + (SELECT count(*) FROM (SELECT user_pk, name, count, first_at, last_at FROM stats
                                      EXCEPT ALL
                                      SELECT t.user_pk, t.name, t.count, t.first_at, t.last_at
                                      FROM audience.person_event_stats t JOIN sample s ON s.id = t.user_pk) x)
             + (SELECT count(*) FROM (SELECT t.user_pk, t.name, t.count, t.first_at, t.last_at
                                      FROM audience.person_event_stats t JOIN sample s ON s.id = t.user_pk
                                      EXCEPT ALL
                                      SELECT user_pk, name, count, first_at, last_at FROM stats) y)")"

    echo
    echo "== seed: $people people, $values attribute values (10 definitions), $events events in $parts monthly" \
        "partitions, $stats person_event_stats rows; database $size =="
    echo "load: $(load_now)"
    echo "seed time: $(((t3 - t0) / 1000)) s (definitions through the API $(((t1 - t0))) ms, SQL $(((t2 - t1) / 1000)) s," \
        "VACUUM ANALYZE $(((t3 - t2) / 1000)) s)"
    if [[ "$bad" == 0 && "$people" == "$PEOPLE" && "$values" == $((PEOPLE * 10)) ]]; then
        echo "check: totals, visits, first/last seen and stats of 2,000 people equal their event rows"
        echo "$PEOPLE" >"$SEED_MARK"
    else
        echo "check: WRONG ($bad differing rows in the sample; people $people, values $values)"
        return 1
    fi
}

# run_people BENCH...: everything up (seeded first when this cluster holds no seed yet), then each BENCH in turn; all
# that was started is stopped on exit. Each script's entry point when run alone.
run_people() {
    trap infra_down EXIT
    infra_up
    build_services
    start_people_services
    machine_report
    bench_seed
    local b
    for b in "$@"; do "$b"; done
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    run_people
fi
