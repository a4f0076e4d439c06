# shellcheck shell=bash
# Shared by the benchmarks under bench/ (sourced): a PostgreSQL sized like a real server on the bench's own port, the
# segments schema, peak RSS, clocks and rates, and the wrk / pgbench runs that print "rate p50 p99". Each bench sets
# PG_PORT and STATE before calling these; deploy/local/lib/infra.sh does the starting and stopping.
set -euo pipefail
BENCH_LIB="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$BENCH_LIB/../.." && pwd)"
# shellcheck source=../../deploy/local/lib/infra.sh
. "$REPO/deploy/local/lib/infra.sh"

# bench_state DIR: the folder of a bench's cluster, pids and logs. As root, PostgreSQL runs as OS user postgres: let it
# own the folder, so the cluster lives (and keeps the settings below across its restart) there rather than in /tmp.
bench_state() {
    mkdir -p "$1"
    chmod 755 "$1"
    if [[ $(id -u) -eq 0 ]]; then chown postgres: "$1"; fi
}

psql_app() {
    PGPASSWORD=app psql -h 127.0.0.1 -p "$PG_PORT" -U app -d audience -v ON_ERROR_STOP=1 -qtAX "$@"
}

# bench_postgres: start_postgres on PG_PORT in STATE, sized like a real server (the defaults are 128 MB of buffers and
# a checkpoint every 1 GB of WAL; a million-row import touches ~0.5 GB of tables and indexes). The baselines (COPY,
# pgbench) run on the same server.
bench_postgres() {
    start_postgres "$PG_PORT" "$STATE" audience
    if [[ "$(infra_pg_super "$PG_PORT" "SHOW shared_buffers")" != 1GB ]]; then
        infra_pg_super "$PG_PORT" "ALTER SYSTEM SET shared_buffers = '1GB'" >/dev/null
        infra_pg_super "$PG_PORT" "ALTER SYSTEM SET max_wal_size = '8GB'" >/dev/null
        infra_pg_super "$PG_PORT" "ALTER SYSTEM SET checkpoint_timeout = '30min'" >/dev/null
        stop_postgres "$STATE"
        start_postgres "$PG_PORT" "$STATE" audience
    fi
    infra_log "postgres: shared_buffers=$(infra_pg_super "$PG_PORT" "SHOW shared_buffers") max_wal_size=$(infra_pg_super "$PG_PORT" "SHOW max_wal_size")"
}

# The segments schema exactly as segments-service's Flyway migrations create it (fresh each run).
migrate_segments() {
    psql_app -c "SET client_min_messages = warning" -c "DROP SCHEMA IF EXISTS segments CASCADE" \
        -c "CREATE SCHEMA segments" >/dev/null
    local f
    # In Flyway's order: by version (V1 < V1_1 < V10), not by file name.
    for f in $(ls "$REPO"/segments-service/src/main/resources/db/segments/V*.sql \
               | awk -F/ '{ v = $NF; sub(/^V/, "", v); sub(/__.*/, "", v); gsub(/_/, ".", v); print v "\t" $0 }' \
               | sort -V | cut -f2); do
        PGOPTIONS='-c search_path=segments' psql_app -f "$f" >/dev/null
    done
}

# peak_rss_mb PIDFILE: the process's peak resident set (VmHWM) in MiB.
peak_rss_mb() {
    awk '/VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$(cat "$1")/status"
}

now_ms() { date +%s%3N; }

# rate N MS: N per second; ratio A B: A / B with two decimals.
rate() { awk -v r="$1" -v ms="$2" 'BEGIN { printf "%.0f", r * 1000 / ms }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

load_now() { cut -d' ' -f1-3 /proc/loadavg; }

# What ran on the machine: the load averages and the five busiest processes over one second (top).
machine_report() {
    echo "machine: $(nproc) cores, load $(load_now); busiest processes over 1 s (%CPU, command):"
    top -b -n 2 -d 1 -w 160 -c | awk '/^top -/ { n++ } n == 2 && $1 ~ /^[0-9]+$/ && c++ < 5 {
        printf "    %5s%%  ", $9; for (i = 12; i <= NF && i < 16; i++) printf "%s ", substr($i, 1, 50); print "" }'
}

need_wrk() {
    command -v wrk >/dev/null || infra_apt_install wrk || { echo "wrk is missing (apt-get install wrk)" >&2; return 1; }
}

need_pgbench() {
    command -v pgbench >/dev/null || infra_apt_install postgresql-contrib \
        || { echo "pgbench is missing (apt-get install postgresql-contrib)" >&2; return 1; }
}

# wrk and pgbench latencies as milliseconds.
to_ms() {
    awk '{v=$1; if (v ~ /us$/) {sub(/us$/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} \
        else if (v ~ /s$/) {sub(/s$/,"",v); v=v*1000}; printf "%.2f", v}'
}

# bench_wrk URL LUA OUT: a 5 s warm-up, then CONNECTIONS connections for DURATION; prints "req/s p50 p99 non2xx"
# (the full wrk report stays in OUT). LUA may be empty (plain GETs of URL).
bench_wrk() {
    local url="$1" out="$3" rps p50 p99 bad script=()
    [[ -n "$2" ]] && script=(-s "$2")
    wrk -t2 -c"$CONNECTIONS" -d5s "${script[@]}" "$url" >/dev/null
    wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "${script[@]}" "$url" >"$out"
    rps=$(awk '/^Requests\/sec/ {print $2}' "$out")
    p50=$(awk '$1 == "50%" {print $2}' "$out" | to_ms)
    p99=$(awk '$1 == "99%" {print $2}' "$out" | to_ms)
    bad=$(awk '/Non-2xx/ {print $NF}' "$out")
    echo "$rps $p50 $p99 ${bad:-0}"
}

# bench_pgbench SQL DIR [pgbench options...]: a 5 s warm-up, then CONNECTIONS clients (prepared statements) for
# DURATION; prints "tps p50 p99" from its per-transaction log (latency column in microseconds).
bench_pgbench() {
    local sql="$1" dir="$2" tps
    shift 2
    mkdir -p "$dir"
    chmod 777 "$dir"
    rm -f "$dir"/pgbench_log.*
    (cd "$dir" && PGPASSWORD=app pgbench -n -h 127.0.0.1 -p "$PG_PORT" -U app -M prepared -c "$CONNECTIONS" -j 2 \
        -T 5 "$@" -f "$sql" audience >/dev/null 2>&1)
    (cd "$dir" && PGPASSWORD=app pgbench -n -h 127.0.0.1 -p "$PG_PORT" -U app -M prepared -c "$CONNECTIONS" -j 2 \
        -T "${DURATION%s}" -l "$@" -f "$sql" audience >"$dir/out" 2>&1)
    tps=$(awk '/^tps/ {print $3; exit}' "$dir/out")
    cat "$dir"/pgbench_log.* | awk '{print $3}' | sort -n | awk -v tps="$tps" '{a[NR]=$1} END {
        printf "%.0f %.2f %.2f\n", tps, a[int(NR*0.5)]/1000, a[int(NR*0.99)]/1000}'
}
