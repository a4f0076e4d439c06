#!/usr/bin/env bash
# Benchmark of segments-service reads against a 1,000,000-member segment, next to pgbench running the same SQL
# on the same database in the same run. Starts its own PostgreSQL (port 15501) and the service (port 18081),
# stops both at the end. Needs: PostgreSQL (initdb, pgbench), wrk, openssl, a JDK; installs PostgreSQL, pgbench and
# wrk with apt-get when missing (as root), else names what to install. Not a test.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
# shellcheck source=../lib/common.sh
. "$ROOT/bench/lib/common.sh"
need_wrk
need_pgbench
command -v openssl >/dev/null || infra_apt_install openssl || { echo "openssl is missing" >&2; exit 1; }
PG_PORT=${PG_PORT:-15501}
APP_PORT=${APP_PORT:-18081}
DURATION=${DURATION:-15s}
# Load before each measured run, at the same concurrency: the service starts just before the seed and its request
# paths are still interpreted or in C1 code; 5 s left the list's first measured seconds at ~120 us of CPU per request
# against ~95 once C2 had compiled them (2026-12-03).
WARMUP=${WARMUP:-20s}
CONNECTIONS=${CONNECTIONS:-64}
PGBIN=${PGBIN:-$(need_postgres_bin)}
KEY="$ROOT/deploy/local/dev-keys/privateKey.pem"
# shellcheck source=../../deploy/local/lib/infra.sh
. "$ROOT/deploy/local/lib/infra.sh"

WORK=$(mktemp -d /tmp/bench-segments.XXXXXX)
chmod 755 "$WORK"
chown postgres: "$WORK"
APP_PID=
cleanup() {
    if [[ -n "$APP_PID" ]]; then kill "$APP_PID" 2>/dev/null || true; wait "$APP_PID" 2>/dev/null || true; fi
    runuser -u postgres -- "$PGBIN/pg_ctl" -D "$WORK/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT

echo "== PostgreSQL 15 on 127.0.0.1:$PG_PORT (data in $WORK)"
runuser -u postgres -- "$PGBIN/initdb" -D "$WORK/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
# Configured like the local stack's server (infra_pg_settings: a real server's durability, 1GB of buffers).
runuser -u postgres -- "$PGBIN/pg_ctl" -D "$WORK/data" -l "$WORK/server.log" -w -t 60 -o "-c listen_addresses=127.0.0.1 \
    -p $PG_PORT -k $WORK $(infra_pg_settings "$PGBIN")" start >/dev/null
PSQL=(psql -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT")
"${PSQL[@]}" -U postgres -c "CREATE ROLE app LOGIN PASSWORD 'app'" -c "CREATE DATABASE audience OWNER app"

echo "== build segments-service"
(cd "$ROOT" && ./mvnw -B -q package -DskipTests -pl segments-service -am)

echo "== start segments-service on :$APP_PORT"
# Heap, GC and pool sizes as the local stack gives them (deploy/jvm.env; JVM_ENV=another file to try others).
mapfile -t APP_JAVA < <(infra_java_cmd segments-service)
HTTP_PORT=$APP_PORT \
DB_JDBC_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/audience" \
DB_REACTIVE_URL="postgresql://127.0.0.1:$PG_PORT/audience" \
DB_USER=app DB_PASSWORD=app \
KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:19999 \
    "${APP_JAVA[@]}" -Dquarkus.log.level=WARN ${APP_JAVA_OPTS:-} \
    -jar "$ROOT/segments-service/target/quarkus-app/quarkus-run.jar" >"$WORK/app.log" 2>&1 &
APP_PID=$!
for _ in $(seq 1 120); do
    if curl -fs "http://127.0.0.1:$APP_PORT/q/health/ready" >/dev/null 2>&1; then break; fi
    sleep 1
done
curl -fs "http://127.0.0.1:$APP_PORT/q/health/ready" >/dev/null || { echo "service did not start"; tail -50 "$WORK/app.log"; exit 1; }

echo "== seed: 1,000,000 members in one segment (Flyway has created the schema)"
SECONDS=0
"${PSQL[@]}" -U app -d audience -f "$HERE/seed.sql"
echo "   seeded in ${SECONDS}s"
SEG=$("${PSQL[@]}" -U app -d audience -Atc "SELECT id FROM segments.segment WHERE value = 'Segment 1'")
COUNT=$("${PSQL[@]}" -U app -d audience -Atc "SELECT user_count FROM segments.segment WHERE id = $SEG")
echo "   segment $SEG has user_count $COUNT"
PAGE=100
SIZE=50
IDS=$("${PSQL[@]}" -U app -d audience -Atc "SELECT string_agg(user_id::text, ',') FROM (SELECT user_id FROM \
    segments.user_segment WHERE segment_id = $SEG ORDER BY user_id LIMIT $SIZE OFFSET $((PAGE * SIZE))) p")

# The exact statements the service runs for the two endpoints (see SegmentRepository, MembershipRepository).
cat >"$WORK/pg-with-users.sql" <<SQL
SELECT s.id, s.value, s.user_count, s.created_at, p.user_id FROM segments.segment s LEFT JOIN LATERAL (
 SELECT us.user_id FROM segments.user_segment us WHERE us.segment_id = s.id ORDER BY us.user_id
 LIMIT $SIZE OFFSET $((PAGE * SIZE))) p ON true WHERE s.subscription_id = 1 AND s.initiative_id = 'DEE' AND s.id = $SEG
 ORDER BY s.id, p.user_id;
SELECT m.id, m.email, m.first_name, m.role, m.status, us.segment_id, s.value, us.team_id, us.created_at,
 us.updated_at, i.id AS initiative_number FROM segments.member m JOIN segments.user_segment us ON us.user_id = m.id
 AND us.subscription_id = 1 AND us.initiative_id = 'DEE' JOIN segments.segment s ON s.id = us.segment_id
 JOIN segments.initiative i ON i.subscription_id = us.subscription_id AND i.key = us.initiative_id
 WHERE m.id = ANY('{$IDS}'::bigint[]) AND m.subscription_id = 1 ORDER BY m.id, us.segment_id;
SQL

export BENCH_TOKEN BENCH_INITIATIVE=DEE
BENCH_TOKEN=$("$HERE/token.sh" "$KEY" 1 DEE)
LIST_URL="http://127.0.0.1:$APP_PORT/api/v2/segments"
PAGE_URL="http://127.0.0.1:$APP_PORT/api/v2/segments/with-users/$SEG?page=$PAGE&size=$SIZE"
for url in "$LIST_URL" "$PAGE_URL"; do
    code=$(curl -s -o "$WORK/probe.json" -w '%{http_code}' -H "Authorization: Bearer $BENCH_TOKEN" \
        -H "initiativeId: DEE" "$url")
    [[ "$code" == 200 ]] || { echo "probe $url answered $code: $(head -c 300 "$WORK/probe.json")"; exit 1; }
done
echo "   with-users page: $(grep -o '"userCount":[0-9]*' "$WORK/probe.json"), $(grep -o '"email"' "$WORK/probe.json" | wc -l) users"

# wrk: prints "req/s p50 p99 non2xx"; latencies normalised to ms.
to_ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us$/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} \
    else if (v ~ /s$/) {sub(/s$/,"",v); v=v*1000}; printf "%.2f", v}'; }
run_wrk() {
    wrk -t2 -c"$CONNECTIONS" -d"$WARMUP" -s "$HERE/headers.lua" "$1" >/dev/null   # warm-up (JIT, pool)
    wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -s "$HERE/headers.lua" "$1" >"$WORK/wrk.out"
    local rps p50 p99 bad
    rps=$(awk '/^Requests\/sec/ {print $2}' "$WORK/wrk.out")
    p50=$(awk '$1 == "50%" {print $2}' "$WORK/wrk.out" | to_ms)
    p99=$(awk '$1 == "99%" {print $2}' "$WORK/wrk.out" | to_ms)
    bad=$(awk '/Non-2xx/ {print $NF}' "$WORK/wrk.out"); bad=${bad:-0}
    echo "$rps $p50 $p99 $bad"
}
# pgbench: prints "tps p50 p99" from its per-transaction log (latency column in microseconds).
run_pgbench() {
    local dir="$WORK/pgb-$1"
    mkdir -p "$dir"; chmod 777 "$dir"
    (cd "$dir" && pgbench -n -h 127.0.0.1 -p "$PG_PORT" -U app -M prepared -c "$CONNECTIONS" -j 2 -T 5 \
        -f "$2" audience >/dev/null 2>&1)
    rm -f "$dir"/pgbench_log.*
    (cd "$dir" && pgbench -n -h 127.0.0.1 -p "$PG_PORT" -U app -M prepared -c "$CONNECTIONS" -j 2 \
        -T "${DURATION%s}" -l -f "$2" audience >"$dir/out" 2>&1)
    local tps
    tps=$(awk '/^tps/ {print $3; exit}' "$dir/out")
    cat "$dir"/pgbench_log.* | awk '{print $3}' | sort -n | awk -v tps="$tps" '{a[NR]=$1} END {
        printf "%s %.2f %.2f", tps, a[int(NR*0.5)]/1000, a[int(NR*0.99)]/1000}'
    echo
}

report() {
    local name=$1 app=($2) pg=($3)
    printf '%-34s %10s %8s %8s %7s | %10s %8s %8s | %6s\n' "$name" "${app[0]}" "${app[1]}" "${app[2]}" "${app[3]}" \
        "${pg[0]}" "${pg[1]}" "${pg[2]}" "$(awk -v a="${app[0]}" -v b="${pg[0]}" 'BEGIN {printf "%.2f", a/b}')"
}

echo "== measuring ($CONNECTIONS connections, $DURATION each, after a $WARMUP warm-up); cores: $(nproc), load: $(cut -d' ' -f1-3 /proc/loadavg)"
APP_LIST=$(run_wrk "$LIST_URL")
PG_LIST=$(run_pgbench list "$HERE/pg-list.sql")
APP_PAGE=$(run_wrk "$PAGE_URL")
PG_PAGE=$(run_pgbench page "$WORK/pg-with-users.sql")
# The ceiling of the HTTP stack alone on this machine under the same load: an endpoint with no database, no JWT and
# no JSON body to speak of. No implementation of the list endpoint can serve more than this.
APP_CEILING=$(run_wrk "http://127.0.0.1:$APP_PORT/q/health/live")

echo
printf '%-34s %10s %8s %8s %7s | %10s %8s %8s | %6s\n' "" "app req/s" "p50 ms" "p99 ms" "non2xx" "pgbench tps" "p50 ms" \
    "p99 ms" "ratio"
report "GET /api/v2/segments (20 segs)" "$APP_LIST" "$PG_LIST"
report "GET with-users/{id} page $PAGE x$SIZE (1M)" "$APP_PAGE" "$PG_PAGE"
report "ceiling: GET /q/health/live vs list" "$APP_CEILING" "$PG_LIST"
RSS=$(awk '/VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$APP_PID/status")
RSS_AFTER=$(settled_rss_mb "$APP_PID")
echo
echo "list / ceiling (GET /api/v2/segments req/s / GET /q/health/live req/s, same run): $(awk \
    -v a="${APP_LIST%% *}" -v b="${APP_CEILING%% *}" 'BEGIN {printf "%.2f", a/b}')"
echo "segments-service RSS after the benchmark (VmRSS, ${RSS_SETTLE:-10} s after it): $RSS_AFTER MiB; peak (VmHWM):" \
    "$RSS MiB ($(infra_java_opts segments-service | xargs))"
echo "targets (issue 12): list >= 0.4 of /q/health/live with p99 < 25 ms at $CONNECTIONS connections; with-users page" \
    ">= 0.5 of pgbench on its SQL; RSS after the benchmark <= 256 MiB"
echo "load after run: $(cut -d' ' -f1-3 /proc/loadavg)"
