# shellcheck shell=bash
# Shared by run.sh and kill-resume.sh: infrastructure on the bench's own ports, the segments schema, the worker jar,
# and the helpers that store an upload + job the way segments-service does and publish its message.
BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/common.sh
. "$BENCH_DIR/../lib/common.sh"

PG_PORT="${PG_PORT:-15502}"
KAFKA_PORT="${KAFKA_PORT:-19092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-19093}"
WORKER_PORT="${WORKER_PORT:-18184}"
STATE="${STATE:-/tmp/openaudience-bench-import}"
ROWS="${ROWS:-1000000}"
CHUNK_BYTES="${CHUNK_BYTES:-1048576}"
SEGMENTS_PORT="${SEGMENTS_PORT:-18181}"
bench_state "$STATE"
# Heap, GC and pool sizes as the local stack gives them (deploy/jvm.env; JVM_ENV=another file to try others).
mapfile -t SEGMENTS_JAVA < <(infra_java_cmd segments-service)
mapfile -t WORKER_JAVA < <(infra_java_cmd import-worker)

infra_up() {
    bench_postgres
    start_kafka "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT" "$STATE"
    kafka_create_topics "$KAFKA_PORT" 4 import-jobs
}

infra_down() {
    stop_worker || true
    stop_pidfile "$STATE/segments.pid" || true
    [[ -n "${PRODUCER_PID:-}" ]] && { exec 3>&- || true; kill "$PRODUCER_PID" 2>/dev/null || true; }
    stop_kafka "$STATE" || true
    stop_postgres "$STATE" || true
}

build_worker() {
    [[ "${SKIP_BUILD:-0}" == 1 && -f "$REPO/import-worker/target/quarkus-app/quarkus-run.jar" ]] && return 0
    (cd "$REPO" && ./mvnw -B -q -ntp package -DskipTests -pl import-worker -am)
}

build_services() {
    [[ "${SKIP_BUILD:-0}" == 1 && -f "$REPO/import-worker/target/quarkus-app/quarkus-run.jar" \
        && -f "$REPO/segments-service/target/quarkus-app/quarkus-run.jar" ]] && return 0
    (cd "$REPO" && ./mvnw -B -q -ntp package -DskipTests -pl import-worker,segments-service -am)
}

# segments-service on a fresh segments schema (its Flyway creates it), with the dev JWT key and the bench's Kafka.
start_segments() {
    psql_app -c "DROP SCHEMA IF EXISTS segments CASCADE" >/dev/null
    DB_JDBC_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/audience" \
        DB_REACTIVE_URL="postgresql://127.0.0.1:$PG_PORT/audience" DB_USER=app DB_PASSWORD=app \
        KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:$KAFKA_PORT" HTTP_PORT="$SEGMENTS_PORT" QUARKUS_HTTP_HOST=127.0.0.1 \
        nohup "${SEGMENTS_JAVA[@]}" -jar "$REPO/segments-service/target/quarkus-app/quarkus-run.jar" \
        >>"$STATE/segments.log" 2>&1 &
    echo $! >"$STATE/segments.pid"
    wait_http "http://127.0.0.1:$SEGMENTS_PORT/q/health/ready" 120
}

# A dev token of SUBSCRIPTION for initiative "bench" (the local stack's key pair).
bench_token() {
    "$REPO/bench/segments/token.sh" "$REPO/deploy/local/dev-keys/privateKey.pem" "$1" bench
}

# post_import FILE SEGMENT_ID TOKEN -> prints the job id: the multipart POST a client makes (file in part "metrics").
post_import() {
    local out code
    out="$(curl -sS -w '\n%{http_code}' -H "Authorization: Bearer $3" -H "initiativeId: bench" \
        -F "metrics=@$1;type=text/csv" "http://127.0.0.1:$SEGMENTS_PORT/api/v2/segments/$2/create-users")"
    code="${out##*$'\n'}"
    [[ "$code" == 202 ]] || { echo "POST create-users answered $code: ${out%$'\n'*}" >&2; return 1; }
    grep -o '"jobId":"[^"]*"' <<<"$out" | cut -d'"' -f4
}

start_worker() {
    DB_JDBC_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/audience" DB_USER=app DB_PASSWORD=app \
        KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:$KAFKA_PORT" HTTP_PORT="$WORKER_PORT" \
        nohup "${WORKER_JAVA[@]}" -jar "$REPO/import-worker/target/quarkus-app/quarkus-run.jar" \
        >>"$STATE/worker.log" 2>&1 &
    echo $! >"$STATE/worker.pid"
    wait_http "http://127.0.0.1:$WORKER_PORT/q/health/ready" 120
}

stop_worker() {
    stop_pidfile "$STATE/worker.pid"
}

worker_peak_rss_mb() {
    peak_rss_mb "$STATE/worker.pid"
}

# A kafka producer kept open on a fifo, so publishing costs no JVM start inside the measured window.
start_producer() {
    rm -f "$STATE/producer.fifo"
    mkfifo "$STATE/producer.fifo"
    CLASSPATH="$(infra_kafka_libs)/*" java -Xmx128m -Dlog4j2.level=WARN org.apache.kafka.tools.ConsoleProducer \
        --bootstrap-server "127.0.0.1:$KAFKA_PORT" --topic import-jobs --property parse.key=true \
        --property 'key.separator=|' --producer-property acks=all <"$STATE/producer.fifo" \
        >>"$STATE/producer.log" 2>&1 &
    PRODUCER_PID=$!
    exec 3>"$STATE/producer.fifo"
}

# generate_csv FILE ROWS: a header, then ROWS members (every 1000th row repeats an earlier email in another case).
generate_csv() {
    awk -v n="$2" 'BEGIN { print "email,name"; for (i = 1; i <= n; i++) {
        if (i % 1000 == 0) printf "USER%d@Bench.example,Dup %d\n", i - 500, i;
        else printf "user%d@bench.example,\"Member %d, bench\"\n", i, i } }' >"$1"
}

# store_upload FILE SUBSCRIPTION SEGMENT_ID -> prints the job id. Chunks of CHUNK_BYTES, as segments-service stores
# them (upload, upload_chunk, import_job and outbox rows), in one transaction.
store_upload() {
    local file="$1" sub="$2" segment="$3" job upload size
    job="$(cat /proc/sys/kernel/random/uuid)"
    upload="$(cat /proc/sys/kernel/random/uuid)"
    size="$(stat -c %s "$file")"
    rm -rf "$STATE/chunks" && mkdir -p "$STATE/chunks"
    split -b "$CHUNK_BYTES" -d -a 5 "$file" "$STATE/chunks/c"
    {
        echo "BEGIN;"
        echo "INSERT INTO segments.upload (id, subscription_id, initiative_id, filename, content_type, format, size_bytes)"
        echo "  VALUES ('$upload', $sub, 'bench', 'bench.csv', 'text/csv', 'csv', $size);"
        # COPY in text format with bytea as \\x hex: the chunks travel as they would from the service.
        echo "COPY segments.upload_chunk (upload_id, seq, data) FROM STDIN;"
        local seq=0 c
        for c in "$STATE"/chunks/c*; do
            printf '%s\t%d\t\\\\x' "$upload" "$seq"
            od -An -v -tx1 "$c" | tr -d ' \n'
            printf '\n'
            seq=$((seq + 1))
        done
        echo '\.'
        echo "INSERT INTO segments.import_job (id, subscription_id, initiative_id, type, segment_id, upload_id)"
        echo "  VALUES ('$job', $sub, 'bench', 'segment_users', $segment, '$upload');"
        echo "INSERT INTO segments.outbox (topic, message_key, payload) VALUES ('import-jobs', '$job',"
        echo "  '{\"jobId\":\"$job\",\"subscriptionId\":$sub,\"initiativeId\":\"bench\"}');"
        echo "COMMIT;"
    } | psql_app >/dev/null
    rm -rf "$STATE/chunks"
    echo "$job"
}

publish_job() {
    local job="$1" sub="$2"
    printf '%s|{"jobId":"%s","subscriptionId":%s,"initiativeId":"bench"}\n' "$job" "$job" "$sub" >&3
}

job_status() {
    psql_app -c "SELECT status || ' ' || processed || ' ' || succeeded || ' ' || failed || ' ' || segment_count
                 || ' ' || coalesce(total::text, '-') || ' ' || attempts FROM segments.import_job WHERE id = '$1'"
}

await_job() {
    local job="$1" timeout="${2:-600}" deadline s
    deadline=$((SECONDS + timeout))
    while ((SECONDS < deadline)); do
        s="$(job_status "$job")"
        case "$s" in completed*|failed*) echo "$s"; return 0 ;; esac
        sleep 0.1
    done
    echo "timeout: $(job_status "$job")"
    return 1
}
