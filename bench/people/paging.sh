#!/usr/bin/env bash
# Benchmark 2: the smart group's people paged at CONNECTIONS connections (default 16) for SECONDS (default 20): wrk
# GETs /people/v1/smartgroups/{id}/people?limit=<offset>,10 at random offsets in the group's first PAGES pages
# (default 100; PAGES=all: over the whole group) (api_key + site_token); next to pgbench (-M prepared, same clients,
# same seconds) running what the service runs for one such request — PeopleRepository's page statement (PeopleSqlTool
# takes it from the jar) at the same random offsets; the count statement is run by a request only when the group's
# count is not being reused (Cardinalities: a count slower than 1 s serves 10 s), so pgbench runs page + count too,
# as the price of a request without that reuse; and GET /q/health/live with wrk, the HTTP ceiling. Targets: p99 < 100
# ms, req/s >= 0.7 x pgbench's rate of the page statement.
# Alone: starts everything as seed.sh does (and seeds when this cluster holds no seed yet).
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

CONNECTIONS="${CONNECTIONS:-16}"
PAGES="${PAGES:-100}"
SECONDS_EACH="${SECONDS_EACH:-20}"
# A page slower than wrk's default 2 s would count as a socket timeout, outside the latencies.
export WRK_TIMEOUT="${WRK_TIMEOUT:-60s}"

bench_paging() {
    need_wrk
    need_pgbench
    local g work="$STATE/paging" card
    mkdir -p "$work"
    chmod 777 "$work"
    gs_login
    g="$(ensure_smart_group)"
    card="$(curl -sS "$(gs_url "/people/v1/smartgroups/$g/people?api_key=$KEY&site_token=$SITE&limit=0,0")" \
        | grep -o '"cardinality": *[0-9]*' | grep -o '[0-9]*$')"
    people_sql "$work"
    local last=$((card > 10 ? card - 10 : 0)) pgargs=()
    if [[ "$PAGES" != all ]] && ((last > (PAGES - 1) * 10)); then last=$(((PAGES - 1) * 10)); fi
    { echo "\\set off random(0, $last)"; cat "$work/page.pgbench" "$work/count.pgbench"; } >"$work/request.sql"
    { echo "\\set off random(0, $last)"; cat "$work/page.pgbench"; } >"$work/page.sql"
    while read -r v; do pgargs+=(-D "$v"); done < <(cat "$work/page.vars" "$work/count.vars")

    cat >"$work/page.lua" <<EOF
-- wrk: a page of 10 people of the group at a random offset.
local path = "/people/v1/smartgroups/$g/people?api_key=$KEY&site_token=$SITE&limit="
function init(args)
    math.randomseed(os.time() * 1000 + math.floor(os.clock() * 1000000))
end
function request()
    return wrk.format("GET", path .. math.random(0, $last) .. ",10")
end
EOF
    local probe
    probe="$(curl -sS -w ' %{http_code}' "$(gs_url "/people/v1/smartgroups/$g/people?api_key=$KEY&site_token=$SITE&limit=$((last / 2)),10")")"
    [[ "${probe##* }" == 200 && "$(grep -o '"id":' <<<"$probe" | wc -l)" == 10 ]] \
        || { echo "probe answered ${probe:0:300}" >&2; return 1; }

    local base="http://127.0.0.1:$AUDIENCE_PORT/" live="http://127.0.0.1:$AUDIENCE_PORT/q/health/live" load_before
    # Warm-up: the service's JIT and pools, pgbench's prepared statements.
    wrk_run "$base" "$work/page.lua" 10 "$work/warm" >/dev/null
    pgbench_run "$work/request.sql" 5 "$work/pgbench-warm" "${pgargs[@]}" >/dev/null
    load_before="$(load_now)"
    local app pg pgpage hl
    app=($(wrk_run "$base" "$work/page.lua" "$SECONDS_EACH" "$work/wrk-page"))
    pg=($(pgbench_run "$work/request.sql" "$SECONDS_EACH" "$work/pgbench" "${pgargs[@]}"))
    pgpage=($(pgbench_run "$work/page.sql" "$SECONDS_EACH" "$work/pgbench-page" "${pgargs[@]}"))
    hl=($(wrk_run "$live" "" "$SECONDS_EACH" "$work/wrk-live"))
    local r_app r_pg r_page r_live
    r_app="$(awk -v n="${app[0]}" -v s="${app[1]}" 'BEGIN { printf "%.1f", n / s }')"
    r_pg="$(awk -v n="${pg[0]}" -v s="${pg[1]}" 'BEGIN { printf "%.1f", n / s }')"
    r_page="$(awk -v n="${pgpage[0]}" -v s="${pgpage[1]}" 'BEGIN { printf "%.1f", n / s }')"
    r_live="$(awk -v n="${hl[0]}" -v s="${hl[1]}" 'BEGIN { printf "%.0f", n / s }')"

    echo
    echo "== benchmark 2: people of the smart group ($card people), pages of 10 at random offsets 0..$last," \
        "$CONNECTIONS connections, ${SECONDS_EACH} s each =="
    echo "load before: $load_before; after: $(load_now)"
    printf '%-52s %9s %9s %9s %7s\n' "" "rate/s" "p50 ms" "p99 ms" "non2xx"
    printf '%-52s %9s %9s %9s %7s\n' "GET …/smartgroups/{id}/people?limit=o,10 (wrk)" "$r_app" "${app[2]}" "${app[3]}" "${app[4]}"
    printf '%-52s %9s %9s %9s %7s\n' "pgbench: page + count statements (the request's SQL)" "$r_pg" "${pg[2]}" "${pg[3]}" "-"
    printf '%-52s %9s %9s %9s %7s\n' "pgbench: the page statement alone" "$r_page" "${pgpage[2]}" "${pgpage[3]}" "-"
    printf '%-52s %9s %9s %9s %7s\n' "ceiling: GET /q/health/live (wrk)" "$r_live" "${hl[2]}" "${hl[3]}" "${hl[4]}"
    echo "ratio req/s / pgbench (the page statement): $(ratio "$r_app" "$r_page")   target >= 0.70;" \
        "to pgbench (page + count): $(ratio "$r_app" "$r_pg")"
    echo "p99: ${app[3]} ms   target < 100 ms; wrk socket errors of the page run:" \
        "$(grep -o 'Socket errors.*' "$work/wrk-page" || echo none)"
    rss_line
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    . "$PEOPLE_BENCH_DIR/seed.sh"
    run_people bench_paging
fi
