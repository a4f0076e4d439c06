# shellcheck shell=bash
# Shared by the audience benchmarks (import.sh, refresh.sh, members.sh, run.sh): their own PostgreSQL, Kafka,
# audience-service, import-worker and static file server on the bench's ports, started as deploy/local/stack starts
# them; Fynd calls with a dev token; the bench tenant's 1,000,000-member group.
AUDIENCE_BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/common.sh
. "$AUDIENCE_BENCH_DIR/../lib/common.sh"

PG_PORT="${PG_PORT:-15504}"
KAFKA_PORT="${KAFKA_PORT:-19094}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-19095}"
AUDIENCE_PORT="${AUDIENCE_PORT:-18182}"
WORKER_PORT="${WORKER_PORT:-18185}"
FILES_PORT="${FILES_PORT:-18186}"
STATE="${STATE:-/tmp/openaudience-bench-audience}"
# Heap, GC and pool sizes of both services: what deploy/local/stack gives them (deploy/jvm.env). Extra JVM options
# (e.g. a JFR recording) per service.
WORKER_JAVA_OPTS="${WORKER_JAVA_OPTS:-}"
# WORKER_TIMINGS=1: the worker logs every batch statement's time (DEBUG of its Sql helper); import.sh sums them.
if [[ "${WORKER_TIMINGS:-0}" == 1 ]]; then
    WORKER_JAVA_OPTS+=" -Dquarkus.log.category.\"io.openaudience.worker.repository.Sql\".level=DEBUG"
fi
AUDIENCE_JAVA_OPTS="${AUDIENCE_JAVA_OPTS:-}"
# The built services (quarkus-app folders); point one elsewhere to measure another build in the same machine state.
WORKER_APP="${WORKER_APP:-$REPO/import-worker/target/quarkus-app}"
AUDIENCE_APP="${AUDIENCE_APP:-$REPO/audience-service/target/quarkus-app}"
COMPANY=7001
# The bench's applications: the warm-up's, the COPY baseline's and the big group's (one tenant each).
APP_WARM=warm
APP_COPY=copy
APP_BIG=big
BIG_GROUP_NAME="bench big"
bench_state "$STATE"
mkdir -p "$STATE/files"

infra_up() {
    bench_postgres
    start_kafka "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT" "$STATE"
    kafka_create_topics "$KAFKA_PORT" 3 import-jobs refresh-total-users
}

infra_down() {
    stop_pidfile "$STATE/worker.pid" || true
    stop_pidfile "$STATE/audience.pid" || true
    stop_pidfile "$STATE/files.pid" || true
    stop_kafka "$STATE" || true
    stop_postgres "$STATE" || true
}

build_services() {
    [[ "${SKIP_BUILD:-0}" == 1 && -f "$REPO/import-worker/target/quarkus-app/quarkus-run.jar" \
        && -f "$REPO/audience-service/target/quarkus-app/quarkus-run.jar" ]] && return 0
    (cd "$REPO" && ./mvnw -B -q -ntp package -DskipTests -pl import-worker,audience-service -am)
}

# The service a pid name stands for (audience, worker).
service_of() {
    case "$1" in audience) echo audience-service ;; worker) echo import-worker ;; *) echo "$1" ;; esac
}

# Runs a service with the environment deploy/local/stack gives it, on the bench's ports: run_service APP_DIR PORT
# PIDNAME JAVA_OPTS.
run_service() {
    local app="$1" port="$2" name="$3" opts="$4" java=()
    mapfile -t java < <(infra_java_cmd "$(service_of "$name")")
    # shellcheck disable=SC2086
    DB_JDBC_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/audience" \
        DB_REACTIVE_URL="postgresql://127.0.0.1:$PG_PORT/audience" DB_USER=app DB_PASSWORD=app \
        KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:$KAFKA_PORT" \
        IMPORT_WORKER_FETCH_ALLOWED_HOSTS=127.0.0.1 \
        HTTP_PORT="$port" QUARKUS_HTTP_HOST=127.0.0.1 \
        nohup "${java[@]}" $opts -jar "$app/quarkus-run.jar" \
        >>"$STATE/$name.log" 2>&1 </dev/null &
    echo $! >"$STATE/$name.pid"
    wait_http "http://127.0.0.1:$port/q/health/ready" 180 || { tail -40 "$STATE/$name.log" >&2; return 1; }
}

# Fresh schemas: segments as its migrations make it (the worker's sweeper reads its job table too), audience by
# audience-service's own Flyway at start. Then the worker, which needs both.
start_services() {
    psql_app -c "SET client_min_messages = warning" -c "DROP SCHEMA IF EXISTS audience CASCADE" >/dev/null
    migrate_segments
    run_service "$AUDIENCE_APP" "$AUDIENCE_PORT" audience "$AUDIENCE_JAVA_OPTS"
    # The job must reach the worker through Kafka: keep the sweeper off queued jobs for the duration of the run.
    IMPORT_WORKER_QUEUED_GRACE="${IMPORT_WORKER_QUEUED_GRACE:-10m}" \
        run_service "$WORKER_APP" "$WORKER_PORT" worker "$WORKER_JAVA_OPTS"
}

# A tiny static server for the group CSVs (file_url), on 127.0.0.1 only.
start_file_server() {
    command -v python3 >/dev/null || infra_apt_install python3
    pid_alive "$STATE/files.pid" && return 0
    nohup python3 -m http.server "$FILES_PORT" --bind 127.0.0.1 --directory "$STATE/files" \
        >>"$STATE/files.log" 2>&1 </dev/null &
    echo $! >"$STATE/files.pid"
    wait_port "$FILES_PORT" 30
}

file_url() { echo "http://127.0.0.1:$FILES_PORT/$1"; }

# A dev Fynd token for the bench company and APP (the local stack's key pair).
fynd_token() {
    "$REPO/deploy/local/token" --company "$COMPANY" --applications "$1" --ttl 7200 --user bench | tail -1
}

fynd_url() {
    echo "http://127.0.0.1:$AUDIENCE_PORT/service/platform/user/v1.0/company/$COMPANY/application/$1$2"
}

# fynd APP METHOD PATH [JSON]: the call a client makes; prints "<status> <body>".
fynd() {
    local app="$1" method="$2" path="$3" body="${4:-}" args=() out
    [[ -n "$body" ]] && args=(-H 'Content-Type: application/json' --data "$body")
    out="$(curl -sS -X "$method" -w ' %{http_code}' -H "Authorization: Bearer $(fynd_token "$app")" "${args[@]}" \
        "$(fynd_url "$app" "$path")")"
    echo "${out##* } ${out% *}"
}

json_field() { grep -o "\"$1\": *\"[^\"]*\"" | head -1 | sed 's/.*: *"\(.*\)"/\1/'; }

# generate_csv FILE ROWS: a group CSV of new people, user_id,email,phone_number,country_code; every 1000th row has
# an invalid email (the worker rejects it, naming the column), so the error path runs too.
generate_csv() {
    awk -v n="$2" 'BEGIN { print "user_id,email,phone_number,country_code"; for (i = 1; i <= n; i++) {
        if (i % 1000 == 0) printf "u%d,user%d@invalid,9%09d,91\n", i, i, i;
        else printf "u%d,user%d@bench.example,9%09d,91\n", i, i, i } }' >"$1"
}

# post_group APP NAME FILE: POST …/user_group with the file's file_url; prints the group id (after the 201).
post_group() {
    local out code
    out="$(fynd "$1" POST /user_group "{\"name\":\"$2\",\"description\":\"bench\",\"file_url\":\"$(file_url "$3")\"}")"
    code="${out%% *}"
    [[ "$code" == 201 ]] || { echo "POST user_group answered $out" >&2; return 1; }
    json_field _id <<<"$out"
}

group_status() {
    psql_app -c "SELECT g.status || ' ' || g.total_users || ' ' || g.error_count || ' ' || j.status || ' ' ||
                 coalesce(j.total::text, '-') || ' ' || j.succeeded || ' ' || j.failed || ' ' || j.attempts
                 FROM audience.user_group g JOIN audience.job j ON j.id = g.last_job_id WHERE g.id = '$1'"
}

# await_group GROUP [TIMEOUT]: polls every 100 ms until the group's status is completed or failed; prints
# "group_status total_users error_count job_status total succeeded failed attempts".
await_group() {
    local group="$1" deadline=$((SECONDS + ${2:-900})) s
    while ((SECONDS < deadline)); do
        s="$(group_status "$group")"
        case "$s" in completed*|failed*) echo "$s"; return 0 ;; esac
        sleep 0.1
    done
    echo "timeout: $(group_status "$group")"
    return 1
}

# The bench's big group (by name), if there is one: prints "id members".
big_group() {
    psql_app -c "SELECT id || ' ' || total_users FROM audience.user_group WHERE company_id = '$COMPANY'
                 AND application_id = '$APP_BIG' AND name = '$BIG_GROUP_NAME'"
}

# seed_big_group ROWS: for refresh.sh / members.sh run alone, a ROWS-member group written by SQL (people shaped as
# the worker writes them), instead of importing it through the services.
seed_big_group() {
    psql_app <<SQL
INSERT INTO audience.app_user (company_id, application_id, user_id, email_key, phone_key, emails, phone_numbers)
SELECT '$COMPANY', '$APP_BIG', 'u' || i, 'user' || i || '@bench.example', '919' || lpad(i::text, 9, '0'),
       jsonb_build_array(jsonb_build_object('email', 'user' || i || '@bench.example', 'primary', true,
                                            'verified', false, 'active', true)),
       jsonb_build_array(jsonb_build_object('phone', '9' || lpad(i::text, 9, '0'), 'country_code', 91,
                                            'primary', true, 'verified', false, 'active', true))
FROM generate_series(1, $1) i;
WITH g AS (INSERT INTO audience.user_group (company_id, application_id, name, type, status, category, file_url)
           VALUES ('$COMPANY', '$APP_BIG', '$BIG_GROUP_NAME', 'bulk', 'completed', 'custom', 'seeded by SQL')
           RETURNING id)
INSERT INTO audience.user_group_member (group_id, user_pk, company_id, application_id)
SELECT g.id, u.id, '$COMPANY', '$APP_BIG' FROM g, audience.app_user u
WHERE u.company_id = '$COMPANY' AND u.application_id = '$APP_BIG' ORDER BY u.id;
UPDATE audience.user_group SET total_users = (SELECT count(*) FROM audience.user_group_member m
    WHERE m.group_id = user_group.id), total_users_refreshed_at = now()
WHERE company_id = '$COMPANY' AND application_id = '$APP_BIG' AND name = '$BIG_GROUP_NAME';
SQL
}

# ensure_big_group ROWS: the big group of an earlier step of this run, else seeded; vacuumed and analyzed as
# autovacuum would leave it on a live server. Prints its id.
ensure_big_group() {
    local g
    g="$(big_group)"
    if [[ -z "$g" ]]; then
        infra_log "seeding a $1-member group by SQL"
        seed_big_group "$1"
        g="$(big_group)"
    fi
    psql_app -c "VACUUM ANALYZE audience.user_group_member" -c "VACUUM ANALYZE audience.app_user" >/dev/null
    echo "${g%% *}"
}
