#!/usr/bin/env bash
# Benchmark 3: the members cursor page (row 19, GET …/user_group/{id}/users?cursor=…&page_size=PAGE_SIZE) of a
# 1,000,000-member group at CONNECTIONS connections (default 64) with wrk, pages spread over the whole group (a cursor
# at every 100th member, drawn at random per request), next to pgbench running the statement GroupMemberRepository
# builds (taken from the service's own jar) at random positions of the same group, same connections, same run; and
# GET /q/health/live, the HTTP stack's ceiling. The three alternate in ROUNDS rounds (default 3) of SECONDS each
# (default 10), after a warm-up, so that the load of other users of the machine falls on all of them alike; rates
# are totals over the rounds, latencies the median of the rounds' percentiles. CPU time per request of every process
# involved (client, service, PostgreSQL) is counted too: unlike rates, it hardly depends on what else runs.
# Targets: req/s >= 0.5 x pgbench's tps and p99 <= 2 x pgbench's p99.
# Alone: starts everything as import.sh does and seeds the group by SQL (MEMBERS, default 1,000,000).
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

CONNECTIONS="${CONNECTIONS:-64}"
ROUNDS="${ROUNDS:-3}"
SECONDS_EACH="${SECONDS_EACH:-10}"
PAGE_SIZE="${PAGE_SIZE:-10}"

# summary FILE: of rounds "count seconds p50 p99 non2xx client_cpu service_cpu pg_cpu", the rate (total count /
# total seconds), the medians of p50 and p99, then non2xx and the three CPU times summed, and the total count.
summary() {
    echo "$(awk '{ n += $1; t += $2 } END { printf "%.0f", n / t }' "$1") $(awk '{ print $3 }' "$1" | median) \
$(awk '{ print $4 }' "$1" | median) $(awk '{ for (i = 5; i <= 8; i++) c[i] += $i; n += $1 }
        END { printf "%d %d %d %d %d", c[5], c[6], c[7], c[8], n }' "$1")"
}

# jit_cpu_ms PID: CPU time of the JVM's JIT compiler threads.
jit_cpu_ms() {
    local t total=0
    for t in /proc/"$1"/task/*; do
        if [[ "$(cat "$t/comm" 2>/dev/null)" == C[12]\ Compiler* ]]; then
            total=$((total + $(awk -v t="$CLK_TCK" '{ sub(/^.*\) /, ""); printf "%d", ($12 + $13) * 1000 / t }' "$t/stat")))
        fi
    done
    echo "$total"
}

bench_members() {
    need_wrk
    need_pgbench
    local g members app="$AUDIENCE_APP" work="$STATE/members"
    mkdir -p "$work"
    chmod 777 "$work"
    g="$(ensure_big_group "${MEMBERS:-1000000}")"
    members="$(psql_app -c "SELECT count(*) FROM audience.user_group_member WHERE group_id = '$g'")"

    # The cursors a client would hold, at every 100th member; the service's own encoder makes them.
    psql_app -c "SELECT user_pk FROM (SELECT user_pk, row_number() OVER (ORDER BY user_pk) AS n
                 FROM audience.user_group_member WHERE group_id = '$g') m WHERE n % 100 = 0" \
        | java -cp "$app/app/*:$app/lib/main/*" "$AUDIENCE_BENCH_DIR/MemberPageTool.java" cursors "$g" \
        >"$work/cursors"
    # The statement the service runs for such a page, its parameters as pgbench variables.
    local range
    range="$(psql_app -c "SELECT min(user_pk) || ', ' || max(user_pk) FROM audience.user_group_member WHERE group_id = '$g'")"
    {
        echo "\\set pos random($range)"
        java -cp "$app/app/*:$app/lib/main/*" "$AUDIENCE_BENCH_DIR/MemberPageTool.java" sql $((PAGE_SIZE + 1)) \
            | sed 's/\$1/:c/g; s/\$2/:a/g; s/\$3/:g/g; s/\$4/:pos/g; s/$/;/'
    } >"$work/page.sql"
    local pgargs=(-D c="$COMPANY" -D a="$APP_BIG" -D g="$g")

    export BENCH_TOKEN CURSORS_FILE="$work/cursors" MEMBERS_PATH
    BENCH_TOKEN="$(fynd_token "$APP_BIG")"
    MEMBERS_PATH="/service/platform/user/v1.0/company/$COMPANY/application/$APP_BIG/user_group/$g/users?page_size=$PAGE_SIZE&cursor="
    local probe code items
    probe="$(curl -sS -w ' %{http_code}' -H "Authorization: Bearer $BENCH_TOKEN" \
        "http://127.0.0.1:$AUDIENCE_PORT$MEMBERS_PATH$(sed -n 5000p "$work/cursors")")"
    code="${probe##* }"
    items="$(grep -o '"user_id"' <<<"$probe" | wc -l)"
    [[ "$code" == 200 && "$items" == "$PAGE_SIZE" ]] \
        || { echo "probe answered $code with $items users: ${probe:0:300}" >&2; return 1; }
    echo "probe: page $(grep -o '"current":[0-9]*' <<<"$probe") of $PAGE_SIZE users; $(wc -l <"$work/cursors") cursors"

    local page_url="http://127.0.0.1:$AUDIENCE_PORT/" live_url="http://127.0.0.1:$AUDIENCE_PORT/q/health/live"
    local lua="$AUDIENCE_BENCH_DIR/members.lua" pid load_before r s0 s1 s2 p0 p1 p2
    pid="$(cat "$STATE/audience.pid")"
    # Warm-up: pools, prepared statements on every connection, and the JIT, which on a loaded machine takes long (the
    # compiler threads compete for the cores): 5 s runs until the JIT compilers took under 5% of the service's CPU in
    # the last one (at most 12).
    local i c0 j0 rate jit
    for ((i = 1; i <= 12; i++)); do
        c0="$(proc_cpu_ms "$pid")"; j0="$(jit_cpu_ms "$pid")"
        rate="$(wrk_run "$page_url" "$lua" 5 "$work/warm" | awk '{ printf "%.0f", $1 / $2 }')"
        jit="$(( ($(jit_cpu_ms "$pid") - j0) * 100 / ($(proc_cpu_ms "$pid") - c0 + 1) ))"
        echo "warm-up $i: $rate req/s, JIT compilers $jit% of the service's CPU"
        ((jit < 5)) && break
    done
    pgbench_run "$work/page.sql" 5 "$work/pgbench" "${pgargs[@]}" >/dev/null
    wrk_run "$live_url" "" 5 "$work/warm" >/dev/null
    load_before="$(load_now)"
    : >"$work/app.rounds"
    : >"$work/pg.rounds"
    : >"$work/live.rounds"
    for ((r = 1; r <= ROUNDS; r++)); do
        s0="$(proc_cpu_ms "$pid")"; p0="$(pg_cpu_ms)"
        echo "$(wrk_run "$page_url" "$lua" "$SECONDS_EACH" "$work/wrk-page.$r") \
$(($(proc_cpu_ms "$pid") - s0)) $(($(pg_cpu_ms) - p0))" >>"$work/app.rounds"
        s1="$(proc_cpu_ms "$pid")"; p1="$(pg_cpu_ms)"
        echo "$(pgbench_run "$work/page.sql" "$SECONDS_EACH" "$work/pgbench" "${pgargs[@]}") \
$(($(proc_cpu_ms "$pid") - s1)) $(($(pg_cpu_ms) - p1))" >>"$work/pg.rounds"
        s2="$(proc_cpu_ms "$pid")"; p2="$(pg_cpu_ms)"
        echo "$(wrk_run "$live_url" "" "$SECONDS_EACH" "$work/wrk-live.$r") \
$(($(proc_cpu_ms "$pid") - s2)) $(($(pg_cpu_ms) - p2))" >>"$work/live.rounds"
    done
    # Columns of a round: count seconds p50 p99 non2xx (not for pgbench) client_cpu service_cpu pg_cpu; of a summary:
    # rate p50 p99 non2xx client_cpu service_cpu pg_cpu count.
    local app_sum pg_sum live_sum
    awk '{ $5 = 0 " " $5; print }' "$work/pg.rounds" >"$work/pg.aligned"
    app_sum="$(summary "$work/app.rounds")"
    pg_sum="$(summary "$work/pg.aligned")"
    live_sum="$(summary "$work/live.rounds")"
    local a=($app_sum) p=($pg_sum) h=($live_sum)
    per() { awk -v c="$1" -v n="$2" 'BEGIN { printf "%.3f", c / n }'; }
    # line LABEL rate p50 p99 non2xx client_cpu service_cpu pg_cpu count
    line() {
        printf '%-42s %9s %8s %8s %7s | %s + %s + %s = %s\n' "$1" "$2" "$3" "$4" "$5" "$(per "$6" "$9")" \
            "$(per "$7" "$9")" "$(per "$8" "$9")" "$(per $(($6 + $7 + $8)) "$9")"
    }

    echo
    echo "== benchmark 3: members page of a $members-member group, page_size $PAGE_SIZE, $CONNECTIONS connections," \
        "$ROUNDS rounds of ${SECONDS_EACH} s each =="
    echo "load before: $load_before; after: $(load_now)"
    printf '%-42s %9s %8s %8s %7s | %s\n' "" "rate/s" "p50 ms" "p99 ms" "non2xx" \
        "CPU ms per request: client + service + PostgreSQL"
    line "GET …/user_group/{id}/users (wrk)" "${a[@]}"
    line "pgbench, the same statement (prepared)" "${p[@]}"
    line "ceiling: GET /q/health/live (wrk)" "${h[@]}"
    echo "ratio req/s / pgbench tps: $(ratio "${a[0]}" "${p[0]}") (target >= 0.50);" \
        "p99 / pgbench p99: $(ratio "${a[2]}" "${p[2]}") (target <= 2.00); req/s / ceiling: $(ratio "${a[0]}" "${h[0]}")"
    echo "ratio of CPU per request, pgbench / page: $(ratio "$(per $((p[4] + p[5] + p[6])) "${p[7]}")" \
        "$(per $((a[4] + a[5] + a[6])) "${a[7]}")")"
    echo "rounds (count seconds p50 p99 [non2xx] client_cpu service_cpu pg_cpu):"
    paste -d'|' "$work/app.rounds" "$work/pg.rounds" "$work/live.rounds" | sed 's/^/  /; s/|/  |  /g'
    echo "audience-service peak RSS (VmHWM, $(infra_java_opts audience-service | xargs)): $(peak_rss_mb "$STATE/audience.pid") MiB"
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    trap infra_down EXIT
    infra_up
    build_services
    start_services
    machine_report
    bench_members
fi
