#!/usr/bin/env bash
# Times the email-acceptance freeze (the one statement EmailRequestRepository runs) for a segment of N members and
# for a segment of 10, against a same-run baseline: copying the same recipients once into a table, one row each
# (what any per-recipient freeze costs at least). Starts a throwaway PostgreSQL 15 on a Unix socket only (no TCP
# port), applies the segments migrations, seeds with generate_series, prints figures, and removes everything.
# Needs a JDK (jshell: the statement is built by the repository's own code, compiled with ./mvnw), python3 and
# PostgreSQL's server binaries (installed with apt-get when missing).
# Usage: bench/email-acceptance/run.sh [N=1000000] [BODY_BYTES=2048]
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-1000000}
BODY_BYTES=${2:-2048}
# shellcheck source=../lib/common.sh
. bench/lib/common.sh
PGBIN=${PGBIN:-$(need_postgres_bin)}
REPOSITORY=segments-service/src/main/java/io/openaudience/segments/repository/EmailRequestRepository.java

D=$(mktemp -d /tmp/email-bench.XXXXXX)
chmod 755 "$D"
chown postgres: "$D"
cleanup() {
    runuser -u postgres -- "$PGBIN/pg_ctl" -D "$D/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$D"
}
trap cleanup EXIT
runuser -u postgres -- "$PGBIN/initdb" -D "$D/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
runuser -u postgres -- "$PGBIN/pg_ctl" -D "$D/data" -l "$D/server.log" -w -t 60 \
    -o "-c listen_addresses='' -k $D -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
# V1's count triggers name tables unqualified: work inside the schema, as Flyway does.
export PGOPTIONS='-c search_path=segments'
psql_() { psql -X -q -v ON_ERROR_STOP=1 -h "$D" -U postgres -d postgres "$@"; }

psql_ -c "CREATE SCHEMA segments"
for f in $(segments_migrations); do psql_ -f "$f"; done

# The statement under test, taken from the repository source so the bench cannot drift from the code: the Java
# expressions of FREEZE and SEGMENT_MEMBERS evaluated by jshell against common's classes (which build the JSON), then
# Hibernate's named parameters numbered for a prepared statement.
command -v jshell >/dev/null || { echo "jshell is missing: a JDK 17+ is needed" >&2; exit 1; }
./mvnw -q -B -pl common compile
python3 - "$REPOSITORY" "$D/freeze.txt" > "$D/freeze.jsh" <<'PY'
import json, re, sys
src = open(sys.argv[1]).read()
def expr(name):
    return re.search(r'static final String ' + name + r' = (.*?""");', src, re.S).group(1)
print("import io.openaudience.common.messaging.EmailRequestMessage;")
print("import io.openaudience.common.messaging.EmailRequestMessage.Json;")
print("String SEGMENT_MEMBERS = " + expr("SEGMENT_MEMBERS") + ";")
print("String FREEZE = " + expr("FREEZE") + ";")
print("java.nio.file.Files.writeString(java.nio.file.Path.of(" + json.dumps(sys.argv[2])
      + "), FREEZE.formatted(SEGMENT_MEMBERS));")
print("/exit")
PY
jshell -s --class-path common/target/classes "$D/freeze.jsh"
python3 - "$D/freeze.txt" > "$D/freeze.sql" <<'PY'
import re, sys
# The EXECUTE below passes the values in this order.
params = ["notification", "subscription", "initiative", "kind", "subject", "body", "topic", "source", "size",
          "headers"]
types = ["text", "bigint", "text", "text", "text", "text", "text", "bigint", "bigint", "text"]
sql = open(sys.argv[1]).read()
def number(m):
    if m.group(1) not in params:
        sys.exit("unknown parameter :" + m.group(1))
    return "$" + str(params.index(m.group(1)) + 1)
print("PREPARE email_freeze(" + ", ".join(types) + ") AS")
print(re.sub(r"(?<![:\w]):([A-Za-z]\w*)", number, sql) + ";")
PY

seed() { # seed <segment id> <members>
    psql_ -c "INSERT INTO segment (id, subscription_id, initiative_id, value) VALUES ($1, 1, 'DEE', 'seg$1')" \
        -c "WITH m AS (INSERT INTO member (subscription_id, email, first_name)
                SELECT 1, 's$1-' || g || '@example.com', 'Member ' || g FROM generate_series(1, $2) g RETURNING id)
            INSERT INTO user_segment (segment_id, user_id, subscription_id, initiative_id)
            SELECT $1, id, 1, 'DEE' FROM m" -c "VACUUM ANALYZE"
}
echo "seeding $N members (and 10) ..."
seed 1 "$N"
seed 2 10

REPEAT=${REPEAT:-3}
psql_ -c "CREATE TABLE recipient_copy (id BIGINT, email TEXT, first_name TEXT)"
run() { # run <segment id> -> "median_freeze_ms median_baseline_ms"
    local body
    body=$(python3 -c "print('<p>' + 'x' * ($BODY_BYTES - 7) + '</p>')")
    { cat "$D/freeze.sql"; echo '\timing on'
        for _ in $(seq "$REPEAT"); do
            echo '\echo TAG freeze'
            echo "EXECUTE email_freeze(gen_random_uuid()::text, 1, 'DEE', 'segment', 'Hi {firstName}', '$body',
                  'email-requests', $1, 500, NULL);"
            echo '\echo TAG baseline'
            echo "INSERT INTO recipient_copy SELECT m.id, m.email, m.first_name FROM user_segment us JOIN member m
                  ON m.id = us.user_id WHERE us.segment_id = $1 AND us.subscription_id = 1
                  AND us.initiative_id = 'DEE' AND m.subscription_id = 1;"
        done
    } | psql_ | python3 -c '
import re, statistics, sys
times, tag = {"freeze": [], "baseline": []}, None
for line in sys.stdin:
    if line.startswith("TAG "):
        tag = line.split()[1]
    m = re.match(r"Time: ([0-9.]+)", line)
    if m and tag:
        times[tag].append(float(m.group(1)))
        tag = None
print(statistics.median(times["freeze"]), statistics.median(times["baseline"]))'
}
read -r F1 B1 <<<"$(run 1)"
read -r F2 B2 <<<"$(run 2)"
CHUNKS=$(psql_ -At -c "SELECT count(*) / $REPEAT FROM outbox WHERE payload::json->>'totalRecipients' = '$N'")
BYTES=$(psql_ -At -c "SELECT pg_size_pretty(sum(octet_length(payload)) / $REPEAT) FROM outbox
                      WHERE payload::json->>'totalRecipients' = '$N'")
LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
printf '\nemail acceptance freeze, PostgreSQL 15, body %s bytes, load %s\n' "$BODY_BYTES" "$LOAD"
printf 'median of %s runs each; baseline = INSERT the same recipients into a table, one row each\n' "$REPEAT"
printf '%-12s %10s %8s %22s %8s\n' recipients freeze_ms chunks baseline_copy_ms ratio
printf '%-12s %10.0f %8s %22.0f %8s\n' "$N" "$F1" "$CHUNKS" "$B1" "$(ratio "$F1" "$B1")"
printf '%-12s %10.1f %8s %22.1f %8s\n' 10 "$F2" 1 "$B2" "$(ratio "$F2" "$B2")"
printf 'outbox payload for %s recipients: %s; JVM side: 2 numbers back, whatever N\n' "$N" "$BYTES"
