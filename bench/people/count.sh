#!/usr/bin/env bash
# Benchmark 1: the exact cardinality of a 3-filter smart group (custom.plan = pro, last.seen within 30 days, more
# than 3 pageviews) over the seeded 1,000,000 people, counted afresh: GET /people/v1/people?filters=<the group's
# filters>&limit=0,0 (api_key + site_token; answers {list: [], cardinality}), each time with an extra member
# "sample": i in the first filter (ignored by the engine, but a new list for Cardinalities, which would otherwise hand
# out its kept count), median of COUNTS (default 5) after 2 warm-ups, next to psql running the count statement
# PeopleRepository builds (PeopleSqlTool, values as literals), median of 5, same run. Target: < 1 s and ratio psql /
# service >= 0.7. Also printed: GET /people/v1/smartgroups/{id}/people?limit=0,0, the group's count as pages get it
# (kept for 10 s once made, as a slow count is).
# Alone: starts everything as seed.sh does (and seeds when this cluster holds no seed yet).
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

COUNTS="${COUNTS:-5}"

bench_count() {
    local g work="$STATE/count" url out i times=() card base_times=() psql_card plan
    gs_login
    g="$(ensure_smart_group)"
    local filters="${SMART_GROUP_FILTERS//$'\n'/}" kept_times=()
    for ((i = -2; i <= COUNTS; i++)); do
        ((i != 0)) || continue
        out="$(curl -sS -G -w ' %{http_code} %{time_total}' "$(gs_url /people/v1/people)" \
            --data-urlencode "api_key=$KEY" --data-urlencode "site_token=$SITE" --data-urlencode "limit=0,0" \
            --data-urlencode "filters=[{\"sample\":$i,${filters#\[\{}")"
        [[ "$(awk '{ print $(NF - 1) }' <<<"$out")" == 200 ]] || { echo "people answered $out" >&2; return 1; }
        ((i > 0)) || continue
        times+=("$(awk '{ printf "%.0f", $NF * 1000 }' <<<"$out")")
        card="$(grep -o '"cardinality": *[0-9]*' <<<"$out" | grep -o '[0-9]*$')"
    done
    url="$(gs_url "/people/v1/smartgroups/$g/people?api_key=$KEY&site_token=$SITE&limit=0,0")"
    curl -sS -o /dev/null "$url"
    for ((i = 1; i <= COUNTS; i++)); do
        kept_times+=("$(curl -sS -o /dev/null -w '%{time_total}' "$url" | awk '{ printf "%.0f", $1 * 1000 }')")
    done

    people_sql "$work"
    psql_card="$(psql_app -f "$work/count.sql")"
    for ((i = 1; i <= 5; i++)); do
        base_times+=("$(psql_app -c '\timing on' -f "$work/count.sql" | awk '/^Time:/ { printf "%.0f", $2 }')")
    done
    plan="$( (echo "EXPLAIN (ANALYZE, BUFFERS)"; cat "$work/count.sql") | psql_app \
        | grep -E 'Aggregate|Join|Scan|Workers|Execution' | sed 's/^ */    /' | cut -c1-150)"
    local med base
    med="$(printf '%s\n' "${times[@]}" | median)"
    base="$(printf '%s\n' "${base_times[@]}" | median)"

    echo
    echo "== benchmark 1: smart group cardinality, 3 filters over $PEOPLE people =="
    echo "load: $(load_now)"
    echo "group $g: cardinality $card (psql's count: $psql_card)"
    echo "GET /people/v1/people?filters=…&limit=0,0, counted afresh: median $med ms of $COUNTS (${times[*]} ms)" \
        "  target < 1000 ms"
    echo "GET …/smartgroups/$g/people?limit=0,0, the kept count: median" \
        "$(printf '%s\n' "${kept_times[@]}" | median) ms of $COUNTS (${kept_times[*]} ms)"
    echo "psql, PeopleRepository's count statement: median $base ms of 5 (${base_times[*]} ms)"
    echo "ratio psql / service: $(ratio "$base" "$med")   target >= 0.70"
    echo "plan of the count (EXPLAIN ANALYZE):"
    echo "$plan"
    rss_line
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    . "$PEOPLE_BENCH_DIR/seed.sh"
    run_people bench_count
fi
