# shellcheck shell=bash
# Shared by run.sh and kill-resume.sh: PostgreSQL, Kafka and GreenMail on the bench's own ports, the two service
# jars (segments-service, notification-service), seeding a segment with generate_series, a dev token, the
# send-email call, polling the notification, and counting what the SMTP sink received.
set -euo pipefail
BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$BENCH_DIR/../.." && pwd)"
# shellcheck source=../lib/common.sh
. "$BENCH_DIR/../lib/common.sh"

PG_PORT="${PG_PORT:-15503}"
KAFKA_PORT="${KAFKA_PORT:-19292}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-19293}"
SMTP_PORT="${SMTP_PORT:-13025}"
MAIL_API_PORT="${MAIL_API_PORT:-18025}"
SEGMENTS_PORT="${SEGMENTS_PORT:-18281}"
NOTIFICATION_PORT="${NOTIFICATION_PORT:-18283}"
STATE="${STATE:-/tmp/openaudience-bench-email}"
# GreenMail keeps every mail in its heap (~100k mails of ~2.5 KB plus one user and INBOX per recipient).
export GREENMAIL_XMX="${GREENMAIL_XMX:-2g}"
PARTITIONS="${PARTITIONS:-4}"
SUBSCRIPTION=1
INITIATIVE=DEE
MAIL_API="http://127.0.0.1:$MAIL_API_PORT"
SEGMENTS_URL="http://127.0.0.1:$SEGMENTS_PORT"
NOTIFICATION_URL="http://127.0.0.1:$NOTIFICATION_PORT"
mkdir -p "$STATE"
chmod 755 "$STATE"

psql_app() {
    PGPASSWORD=app psql -h 127.0.0.1 -p "$PG_PORT" -U app -d audience -v ON_ERROR_STOP=1 -qtAX "$@"
}

infra_up() {
    local port
    for port in "$SEGMENTS_PORT" "$NOTIFICATION_PORT"; do
        if port_open "$port"; then infra_log "port $port is taken by another process"; return 1; fi
    done
    # Fresh logs and a fresh broker each run: no consumer-group offsets or old chunks from an earlier run.
    rm -f "$STATE/notification-service.log" "$STATE/segments-service.log"
    pid_alive "$STATE/kafka.pid" || rm -rf "$STATE/kafka-data"
    start_postgres "$PG_PORT" "$STATE" audience
    # Both schemas are created by the services' own Flyway migrations at start: begin from nothing.
    psql_app -c "DROP SCHEMA IF EXISTS segments CASCADE" -c "DROP SCHEMA IF EXISTS notification CASCADE" 2>/dev/null
    start_kafka "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT" "$STATE"
    kafka_create_topics "$KAFKA_PORT" "$PARTITIONS" email-requests
    start_greenmail "$SMTP_PORT" "$MAIL_API_PORT" "$STATE"
}

infra_down() {
    stop_pidfile "$STATE/notification-service.pid" || true
    stop_pidfile "$STATE/segments-service.pid" || true
    stop_greenmail "$STATE" || true
    stop_kafka "$STATE" || true
    stop_postgres "$STATE" || true
}

build_services() {
    if [[ "${SKIP_BUILD:-0}" == 1 && -f "$REPO/notification-service/target/quarkus-app/quarkus-run.jar" \
          && -f "$REPO/segments-service/target/quarkus-app/quarkus-run.jar" ]]; then
        return 0
    fi
    (cd "$REPO" && ./mvnw -B -q -ntp package -DskipTests -pl notification-service,segments-service -am)
}

# start_service NAME PORT [JAVA_ARG...]: the packaged jar on the bench's infrastructure; waits until ready.
start_service() {
    local name="$1" port="$2" java=(); shift 2
    # Heap, GC and pool sizes as the local stack gives them (deploy/jvm.env).
    mapfile -t java < <(infra_java_cmd "$name")
    DB_JDBC_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/audience" \
        DB_REACTIVE_URL="postgresql://127.0.0.1:$PG_PORT/audience" DB_USER=app DB_PASSWORD=app \
        KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:$KAFKA_PORT" SMTP_HOST=127.0.0.1 SMTP_PORT="$SMTP_PORT" \
        PUBLIC_URL="http://127.0.0.1:$NOTIFICATION_PORT" HTTP_PORT="$port" QUARKUS_HTTP_HOST=127.0.0.1 \
        nohup "${java[@]}" "$@" -jar "$REPO/$name/target/quarkus-app/quarkus-run.jar" \
        >>"$STATE/$name.log" 2>&1 </dev/null &
    echo $! >"$STATE/$name.pid"
    if ! wait_http "http://127.0.0.1:$port/q/health/ready" 180; then
        tail -40 "$STATE/$name.log" >&2
        return 1
    fi
    infra_log "$name: ready on 127.0.0.1:$port (pid $(cat "$STATE/$name.pid"))"
}

start_segments() { start_service segments-service "$SEGMENTS_PORT" "$@"; }
start_notification() { start_service notification-service "$NOTIFICATION_PORT" "$@"; }

notification_pid() { cat "$STATE/notification-service.pid"; }

notification_peak_rss_mb() {
    awk '/VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$(notification_pid)/status"
}

# seed_segment NAME N ADDRESS_PREFIX -> prints the segment id. N members ADDRESS_PREFIX<i>@bench.example
# (first name "Member <i>") in one statement, all in the new segment; the statement trigger keeps user_count.
seed_segment() {
    local name="$1" n="$2" prefix="$3" seg count
    seg="$(psql_app -c "INSERT INTO segments.segment (subscription_id, initiative_id, value)
                        VALUES ($SUBSCRIPTION, '$INITIATIVE', '$name') RETURNING id")"
    psql_app -c "WITH m AS (
                     INSERT INTO segments.member (subscription_id, email, first_name)
                     SELECT $SUBSCRIPTION, '$prefix' || g || '@bench.example', 'Member ' || g
                     FROM generate_series(1, $n) g RETURNING id)
                 INSERT INTO segments.user_segment (segment_id, user_id, subscription_id, initiative_id)
                 SELECT $seg, id, $SUBSCRIPTION, '$INITIATIVE' FROM m" -c "ANALYZE segments.member" \
             -c "ANALYZE segments.user_segment"
    count="$(psql_app -c "SELECT s.user_count || ' ' || (SELECT count(*) FROM segments.user_segment us
                          WHERE us.segment_id = s.id) FROM segments.segment s WHERE s.id = $seg")"
    [[ "$count" == "$n $n" ]] || { infra_log "segment $seg: user_count/memberships = $count, expected $n"; return 1; }
    echo "$seg"
}

mint_token() {
    TOKEN="$("$REPO/deploy/local/token" --subscription "$SUBSCRIPTION" --initiatives "$INITIATIVE" --ttl 7200 | tail -1)"
}

# send_email SEGMENT SUBJECT BODY -> prints "notificationId recipients"
send_email() {
    local body code
    body="$(python3 -c 'import json,sys; print(json.dumps({"subject": sys.argv[1], "body": sys.argv[2]}))' "$2" "$3")"
    code="$(curl -sS -o "$STATE/send-email.json" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
        -H "initiativeId: $INITIATIVE" -H 'Content-Type: application/json' -d "$body" \
        "$SEGMENTS_URL/api/v2/segments/$1/send-email")"
    [[ "$code" == 202 ]] || { infra_log "send-email -> $code $(cat "$STATE/send-email.json")"; return 1; }
    python3 -c 'import json,sys; d=json.load(sys.stdin)["data"]; print(d["notificationId"], d["recipients"])' \
        <"$STATE/send-email.json"
}

# notification_status ID -> "status sent failed skipped queued" from GET /api/v2/notifications/{id}
# ("missing" until the first chunk is in the ledger).
notification_status() {
    curl -sS --max-time 10 -H "Authorization: Bearer $TOKEN" -H "initiativeId: $INITIATIVE" \
        "$NOTIFICATION_URL/api/v2/notifications/$1" 2>/dev/null | python3 -c '
import json, sys
try:
    d = json.load(sys.stdin)["data"]
    print(d["status"], d["sent"], d["failed"], d["skipped"], d["queued"])
except Exception:
    print("missing")'
}

# await_notification ID TIMEOUT_S -> prints the final status line; fails on timeout or a paused/failed notification.
await_notification() {
    local id="$1" deadline=$((SECONDS + ${2:-900})) s
    while ((SECONDS < deadline)); do
        s="$(notification_status "$id")"
        case "$s" in
            completed*) echo "$s"; return 0 ;;
            paused* | failed*) echo "$s"; return 1 ;;
        esac
        # Once a second: each poll is a curl, a python3 and a count over the ledger, CPU taken from the run.
        sleep 1
    done
    echo "timeout: $s"
    return 1
}

ledger_count() { # ledger_count ID STATUS
    psql_app -c "SELECT count(*) FROM notification.recipient WHERE notification_id = '$1' AND status = '$2'"
}

# Seconds (3 decimals) from epoch-ms T0 to the last sent_at of the notification (the ledger's clock, same machine).
last_sent_after() {
    psql_app -c "SELECT round((extract(epoch FROM max(sent_at)) * 1000 - $2) / 1000.0, 3)
                 FROM notification.recipient WHERE notification_id = '$1'"
}

# A fresh sink: GreenMail restarted in place (no mails, no users). Purging mails is not enough: GreenMail looks a
# recipient's mailbox up by a linear scan over all mailboxes, so every earlier recipient slows each delivery.
mail_reset() {
    curl -fsS -X POST -o /dev/null "$MAIL_API/api/service/reset"
    wait_http "$MAIL_API/api/service/readiness" 60
    [[ "$(curl -fsS "$MAIL_API/api/user")" == "[]" ]] || { infra_log "greenmail: users left after the reset"; return 1; }
}

# count_mails SUBJECT ADDRESS_PREFIX N -> "recipients=.. delivered=.. zero=.. duplicated=.. extra=.. max=.."
count_mails() {
    python3 "$BENCH_DIR/count_mails.py" "$MAIL_API" "$1" "$2{i}@bench.example" "$3" "${COUNT_THREADS:-64}"
}

# Size in bytes of one mail the service sent to ADDRESS (its raw MIME), to size the baseline's messages alike.
mail_size() {
    curl -fsS "$MAIL_API/api/user/$1/messages/INBOX" | python3 -c '
import json, sys
print(len(json.load(sys.stdin)[0]["mimeMessage"].encode()))'
}

greenmail_rss_mb() {
    awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$(cat "$STATE/greenmail.pid")/status"
}

# smtp-source (Debian package postfix) without any postfix daemon: "No configuration", and nothing left running.
ensure_smtp_source() {
    command -v smtp-source >/dev/null && return 0
    [[ $(id -u) -eq 0 ]] || { infra_log "smtp-source missing: apt-get install postfix (as root)"; return 1; }
    infra_log "installing postfix for smtp-source (No configuration, no daemon)"
    echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postfix >/dev/null
    if pgrep -x master >/dev/null; then
        infra_log "a postfix master process runs after the install: postfix stop"
        postfix stop >/dev/null 2>&1 || true
    fi
}

# phases ID T0_MS -> when (seconds after T0) the ledger got its first and last chunk and sent its first and last mail.
phases() {
    psql_app -F ' ' -c "SELECT round((extract(epoch FROM min(c.received_at)) * 1000 - $2) / 1000.0, 2),
                               round((extract(epoch FROM max(c.received_at)) * 1000 - $2) / 1000.0, 2),
                               count(*)
                        FROM notification.notification_chunk c WHERE c.notification_id = '$1'" |
        { read -r c0 c1 nc; echo -n "chunks: $nc, first in the ledger at +${c0}s, last at +${c1}s; "; }
    psql_app -F ' ' -c "SELECT round((extract(epoch FROM min(sent_at)) * 1000 - $2) / 1000.0, 2),
                               round((extract(epoch FROM max(sent_at)) * 1000 - $2) / 1000.0, 2)
                        FROM notification.recipient WHERE notification_id = '$1'" |
        { read -r s0 s1; echo "mails: first sent at +${s0}s, last at +${s1}s"; }
}

# CPU seconds (user + system) a process has used so far.
cpu_seconds() {
    awk -v hz="$(getconf CLK_TCK)" '{ printf "%.1f", ($14 + $15) / hz }' "/proc/$1/stat"
}

# cpu_by_command -> "command seconds" per command name, for every process on the machine (user + system time of the
# live processes); two readings subtracted (cpu_split) say where the machine's CPU went during a run.
cpu_by_command() {
    local hz; hz="$(getconf CLK_TCK)"
    for f in /proc/[0-9]*/stat; do cat "$f" 2>/dev/null; echo; done | awk -v hz="$hz" 'NF > 15 {
        name = $0; sub(/^[0-9]+ \(/, "", name); sub(/\) .*/, "", name)
        rest = $0; sub(/^.*\) /, "", rest); split(rest, f, " ")
        cpu[name] += (f[12] + f[13]) / hz } END { for (n in cpu) printf "%s %.1f\n", n, cpu[n] }'
}

# cpu_split BEFORE_FILE AFTER_FILE -> the commands that used at least 0.5 s between the two readings, most first.
cpu_split() {
    awk 'NR == FNR { before[$1] = $2; next } { d = $2 - before[$1]; if (d >= 0.5) printf "%s %.1f\n", $1, d }' \
        "$1" "$2" | sort -k2 -nr | awk '{ printf "%s%s %ss", (NR > 1 ? ", " : ""), $1, $2 } END { print "" }'
}
