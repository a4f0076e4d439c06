#!/usr/bin/env bash
# Benchmark 3: the members cursor page (row 19, GET …/user_group/{id}/users?cursor=…&page_size=PAGE_SIZE) of a
# 1,000,000-member group at CONNECTIONS connections (default 64) with wrk, pages spread over the whole group (a cursor
# at every 100th member, drawn at random per request), next to pgbench running the statement GroupMemberRepository
# builds (taken from the service's own jar) at random positions of the same group, same connections, same run. Also
# GET /q/health/live at CONNECTIONS connections: the HTTP stack's ceiling.
# Targets: req/s >= 0.5 x pgbench's tps and p99 <= 2 x pgbench's p99.
# Alone: starts everything as import.sh does and seeds the group by SQL (MEMBERS, default 1,000,000).
. "$(dirname "$0")/common.sh"

CONNECTIONS="${CONNECTIONS:-64}"
DURATION="${DURATION:-15s}"
PAGE_SIZE="${PAGE_SIZE:-10}"

bench_members() {
    need_wrk
    need_pgbench
    local g members app="$REPO/audience-service/target/quarkus-app" work="$STATE/members"
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
    echo "probe: page $(grep -o '"current":[0-9]*' <<<"$probe") of $PAGE_SIZE users, $(wc -l <"$work/cursors") cursors"

    local load_before app_page pg_page ceiling
    load_before="$(load_now)"
    app_page="$(bench_wrk "http://127.0.0.1:$AUDIENCE_PORT/" "$AUDIENCE_BENCH_DIR/members.lua" "$work/wrk-page.out")"
    pg_page="$(bench_pgbench "$work/page.sql" "$work/pgbench" -D c="$COMPANY" -D a="$APP_BIG" -D g="$g")"
    ceiling="$(bench_wrk "http://127.0.0.1:$AUDIENCE_PORT/q/health/live" "" "$work/wrk-live.out")"

    local a=($app_page) p=($pg_page) h=($ceiling)
    echo
    echo "== benchmark 3: members page of a $members-member group, page_size $PAGE_SIZE, $CONNECTIONS connections, $DURATION each after a 5 s warm-up =="
    echo "load before: $load_before; after: $(load_now)"
    printf '%-44s %10s %8s %8s %7s\n' "" "rate/s" "p50 ms" "p99 ms" "non2xx"
    printf '%-44s %10s %8s %8s %7s\n' "GET …/user_group/{id}/users (wrk)" "${a[0]}" "${a[1]}" "${a[2]}" "${a[3]}"
    printf '%-44s %10s %8s %8s %7s\n' "pgbench, the same statement (prepared)" "${p[0]}" "${p[1]}" "${p[2]}" "-"
    printf '%-44s %10s %8s %8s %7s\n' "ceiling: GET /q/health/live (wrk)" "${h[0]}" "${h[1]}" "${h[2]}" "${h[3]}"
    echo "ratio req/s / pgbench tps: $(ratio "${a[0]}" "${p[0]}") (target >= 0.50); p99 / pgbench p99: $(ratio "${a[2]}" "${p[2]}") (target <= 2.00); req/s / ceiling: $(ratio "${a[0]}" "${h[0]}")"
    echo "audience-service peak RSS (VmHWM, -Xmx$SERVICE_XMX): $(peak_rss_mb "$STATE/audience.pid") MiB"
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    trap infra_down EXIT
    infra_up
    build_services
    start_services
    machine_report
    bench_members
fi
