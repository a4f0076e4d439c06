# shellcheck shell=bash
# Shared by the people benchmarks (seed.sh, count.sh, paging.sh, refresh.sh, tracking.sh, run.sh): their own
# PostgreSQL, Kafka, audience-service and import-worker on this bench's ports, started exactly as bench/audience starts
# them (its common.sh is reused with these ports and this state folder); the bench tenant, its GoSquared key, and the
# SQL the service runs, taken from its jars by PeopleSqlTool.java.
PEOPLE_BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PG_PORT="${PG_PORT:-15505}"
KAFKA_PORT="${KAFKA_PORT:-19096}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-19097}"
AUDIENCE_PORT="${AUDIENCE_PORT:-18192}"
WORKER_PORT="${WORKER_PORT:-18195}"
FILES_PORT="${FILES_PORT:-18196}"
STATE="${STATE:-/tmp/openaudience-bench-people}"
# shellcheck source=../audience/common.sh
. "$PEOPLE_BENCH_DIR/../audience/common.sh"

# DEV-ONLY secret of the GoSquared feed links (the one the audience-service README gives); without one the jar
# refuses to start, and bench/audience's run_service passes the environment on.
export GOSQUARED_FEED_SECRET="${GOSQUARED_FEED_SECRET:-dev-only-gosquared-feed-secret-0123456789}"

# The tenant (company 7001 of bench/audience/common.sh) and the size of its audience.
APP=people
PEOPLE="${PEOPLE:-1000000}"
SEED_MARK="$STATE/seed.done"

# start_people_services: audience-service (whose Flyway makes the audience schema) and import-worker. The schema is
# made fresh (bench/audience's start_services) unless this cluster already holds a complete seed of PEOPLE people
# (RESEED=1 forces a fresh one): seeding takes minutes, each script alone should not redo it.
start_people_services() {
    if [[ "${RESEED:-0}" != 1 && -f "$SEED_MARK" && "$(cat "$SEED_MARK")" == "$PEOPLE" ]] \
        && [[ "$(psql_app -c "SELECT to_regclass('audience.app_user') IS NOT NULL")" == t ]]; then
        infra_log "keeping the seeded audience of $PEOPLE people ($SEED_MARK)"
        run_service "$AUDIENCE_APP" "$AUDIENCE_PORT" audience "$AUDIENCE_JAVA_OPTS"
        IMPORT_WORKER_QUEUED_GRACE="${IMPORT_WORKER_QUEUED_GRACE:-10m}" \
            run_service "$WORKER_APP" "$WORKER_PORT" worker "$WORKER_JAVA_OPTS"
    else
        rm -f "$SEED_MARK"
        start_services
    fi
}

seeded() { [[ -f "$SEED_MARK" && "$(cat "$SEED_MARK")" == "$PEOPLE" ]]; }

# gs_key: a fresh GoSquared API key of the bench application (POST …/api_keys with a Fynd token); prints
# "api_key site_token".
gs_key() {
    local out code
    out="$(fynd "$APP" POST /api_keys '{"name":"bench people"}')"
    code="${out%% *}"
    [[ "$code" == 201 ]] || { echo "POST api_keys answered $out" >&2; return 1; }
    echo "$(json_field api_key <<<"$out") $(json_field site_token <<<"$out")"
}

gs_url() { echo "http://127.0.0.1:$AUDIENCE_PORT$1"; }

# The SQL audience-service and import-worker run, built by their own classes (PeopleSqlTool.java on the service's
# class path, which holds audience-filter too).
sql_tool() {
    java -cp "$AUDIENCE_APP/app/*:$AUDIENCE_APP/lib/main/*" "$PEOPLE_BENCH_DIR/PeopleSqlTool.java" "$@"
}

# The tenant's attribute definitions as the filter context reads them: "id slug type" lines.
definitions() {
    psql_app -F' ' -c "SELECT id, slug, type FROM audience.attribute_definition
                       WHERE company_id = '$COMPANY' AND application_id = '$APP' ORDER BY slug"
}

# timed_ms COMMAND...: runs it (output discarded), prints its wall time in ms.
timed_ms() {
    local t0
    t0="$(now_ms)"
    "$@" >/dev/null
    echo $(($(now_ms) - t0))
}

rss_line() {
    echo "peak RSS (VmHWM, deploy/jvm.env): audience-service $(peak_rss_mb "$STATE/audience.pid") MiB," \
        "import-worker $(peak_rss_mb "$STATE/worker.pid") MiB"
}

# The benchmark's smart group: one property (the `plan` attribute), one relative date (seen within 30 days), one
# event count (more than 3 pageviews).
SMART_GROUP_NAME="bench active pro"
SMART_GROUP_FILTERS='[{"key":"property","path":"custom.plan","operator":"=","value":"pro"},
{"key":"property","path":"last.seen","operator":">","direction":"past","number":30,"period":"days"},
{"key":"event","name":"pageview","field":"count","operator":">","value":3}]'

# KEY, SITE: this run's GoSquared credentials (set by gs_login).
gs_login() {
    local k
    [[ -n "${KEY:-}" ]] && return 0
    k="$(gs_key)"
    KEY="${k% *}"
    SITE="${k#* }"
}

# ensure_smart_group: the group's id, created through POST /people/v1/smartgroups when this cluster has none yet.
ensure_smart_group() {
    local id out
    gs_login
    id="$(psql_app -c "SELECT slug FROM audience.smart_group WHERE company_id = '$COMPANY' AND application_id = '$APP'
                       AND name = '$SMART_GROUP_NAME'")"
    if [[ -z "$id" ]]; then
        out="$(curl -sS -X POST -w ' %{http_code}' -H 'Content-Type: application/json' \
            --data "{\"name\":\"$SMART_GROUP_NAME\",\"filters\":$SMART_GROUP_FILTERS}" \
            "$(gs_url "/people/v1/smartgroups?api_key=$KEY&site_token=$SITE")")"
        [[ "${out##* }" == 201 ]] || { echo "POST smartgroups answered $out" >&2; return 1; }
        id="$(json_field id <<<"$out")"
    fi
    echo "$id"
}

# people_sql DIR: the count and page statements of the group's people request (PeopleSqlTool), now.
people_sql() {
    mkdir -p "$1"
    chmod 777 "$1"
    definitions | sql_tool people "$1" "$COMPANY" "$APP" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
        "$(tr -d '\n' <<<"$SMART_GROUP_FILTERS")"
}
