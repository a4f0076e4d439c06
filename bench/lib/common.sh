# shellcheck shell=bash
# Shared by the benchmarks under bench/ (sourced): a PostgreSQL sized like a real server on the bench's own port, the
# segments schema, peak RSS, clocks and rates, CPU time of processes, and wrk / pgbench runs with their latencies and
# client CPU. Each bench sets PG_PORT and STATE before calling these; deploy/local/lib/infra.sh starts and stops.
set -euo pipefail
BENCH_LIB="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$BENCH_LIB/../.." && pwd)"
# shellcheck source=../../deploy/local/lib/infra.sh
. "$REPO/deploy/local/lib/infra.sh"

# bench_state DIR: the folder of a bench's cluster, pids and logs.
bench_state() {
    mkdir -p "$1"
    chmod 755 "$1"
}

psql_app() {
    PGPASSWORD=app psql -h 127.0.0.1 -p "$PG_PORT" -U app -d audience -v ON_ERROR_STOP=1 -qtAX "$@"
}

# bench_postgres: start_postgres on PG_PORT in STATE, which configures it like a real server (infra_pg_settings in
# deploy/local/lib/infra.sh: 1GB of buffers, a checkpoint at most every 8GB of WAL or 30 min, durable commits; the
# local stack's server has the same). The baselines (COPY, pgbench) run on the same server.
bench_postgres() {
    infra_pg_bin >/dev/null || port_open "$PG_PORT" || infra_apt_install postgresql
    # As root, PostgreSQL runs as OS user postgres: let it own the state folder, so the cluster lives there rather
    # than in a throwaway folder.
    if [[ $(id -u) -eq 0 ]] && id postgres >/dev/null 2>&1; then chown postgres: "$STATE"; fi
    start_postgres "$PG_PORT" "$STATE" audience
    infra_log "postgres: shared_buffers=$(infra_pg_super "$PG_PORT" "SHOW shared_buffers") max_wal_size=$(infra_pg_super "$PG_PORT" "SHOW max_wal_size") synchronous_commit=$(infra_pg_super "$PG_PORT" "SHOW synchronous_commit")"
}

# segments-service's migration files in Flyway's order: by version (V1 < V1_1 < V10), not by file name.
segments_migrations() {
    ls "$REPO"/segments-service/src/main/resources/db/segments/V*.sql \
        | awk -F/ '{ v = $NF; sub(/^V/, "", v); sub(/__.*/, "", v); gsub(/_/, ".", v); print v "\t" $0 }' \
        | sort -V | cut -f2
}

# The segments schema exactly as segments-service's Flyway migrations create it (fresh each run).
migrate_segments() {
    psql_app -c "SET client_min_messages = warning" -c "DROP SCHEMA IF EXISTS segments CASCADE" \
        -c "CREATE SCHEMA segments" >/dev/null
    local f
    for f in $(segments_migrations); do
        PGOPTIONS='-c search_path=segments' psql_app -f "$f" >/dev/null
    done
}

# peak_rss_mb PIDFILE: the process's peak resident set (VmHWM) in MiB.
peak_rss_mb() {
    awk '/VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$(cat "$1")/status"
}

# settled_rss_mb PID...: each process's resident set (VmRSS, MiB, space-separated) once the benchmark is over and
# RSS_SETTLE seconds (default 10) have passed: issue 12's "RSS after its benchmark". The peak (VmHWM) also counts
# what is only resident while the load runs: the C2 compiler's arenas, given back within 5 s by
# -XX:TrimNativeHeapInterval=5000 (deploy/jvm.env), and the young generation between collections.
settled_rss_mb() {
    sleep "${RSS_SETTLE:-10}"
    local pid out=()
    for pid in "$@"; do out+=("$(awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$pid/status")"); done
    echo "${out[*]}"
}

now_ms() { date +%s%3N; }

# rate N MS: N per second; ratio A B: A / B with two decimals.
rate() { awk -v r="$1" -v ms="$2" 'BEGIN { printf "%.0f", r * 1000 / ms }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

# median: of the numbers on stdin, one a line.
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

load_now() { cut -d' ' -f1-3 /proc/loadavg; }

# What ran on the machine: the load averages and the five busiest processes over one second (top).
machine_report() {
    echo "machine: $(nproc) cores, load $(load_now); busiest processes over 1 s (%CPU, command):"
    top -b -n 2 -d 1 -w 160 -c | awk '/^top -/ { n++ } n == 2 && $1 ~ /^[0-9]+$/ && c++ < 5 {
        printf "    %5s%%  ", $9; for (i = 12; i <= NF && i < 16; i++) printf "%s ", substr($i, 1, 50); print "" }'
}

# need_postgres_bin: prints the folder of PostgreSQL's server binaries (initdb, pg_ctl), installing postgresql with
# apt-get when there is none (the benches start their own throwaway clusters).
need_postgres_bin() {
    infra_pg_bin || { infra_apt_install postgresql >&2 && infra_pg_bin; } \
        || { echo "PostgreSQL server binaries are missing (apt-get install postgresql)" >&2; return 1; }
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

# CPU time (user + system) in ms: proc_cpu_ms PID of a live process; pg_cpu_ms of the bench's PostgreSQL (the
# postmaster, the backends it has reaped, and its live ones); child_cpu_ms FILE of a command run by with_cpu.
CLK_TCK="$(getconf CLK_TCK)"
proc_cpu_ms() {
    awk -v t="$CLK_TCK" '{ sub(/^.*\) /, ""); printf "%d\n", ($12 + $13) * 1000 / t }' "/proc/$1/stat"
}
pg_cpu_ms() {
    local pm child total
    pm="$(cat "$STATE/postgres.pid")"
    total="$(awk -v t="$CLK_TCK" '{ sub(/^.*\) /, ""); printf "%d", ($12 + $13 + $14 + $15) * 1000 / t }' \
        "/proc/$pm/stat")"
    for child in $(pgrep -P "$pm"); do
        total=$((total + $(proc_cpu_ms "$child" 2>/dev/null || echo 0)))
    done
    echo "$total"
}
# with_cpu FILE COMMAND...: runs the command; its CPU time in ms goes to FILE.
with_cpu() {
    local file="$1" rc=0
    shift
    ( "$@"; r=$?; times >"$file.times"; exit "$r" ) || rc=$?
    awk 'NR == 2 { split($1 " " $2, t, /[ms ]+/); printf "%d\n", (t[1] * 60 + t[2] + t[3] * 60 + t[4]) * 1000 }' \
        "$file.times" >"$file"
    rm -f "$file.times"
    return "$rc"
}

# wrk_run URL LUA SECONDS OUT: CONNECTIONS connections for SECONDS (LUA may be empty: plain GETs of URL); prints
# "requests seconds p50_ms p99_ms non2xx client_cpu_ms" (wrk's report stays in OUT). WRK_TIMEOUT (wrk's default 2s):
# slower answers count as socket timeouts, not in the latencies.
wrk_run() {
    local url="$1" out="$4" script=()
    [[ -n "$2" ]] && script=(-s "$2")
    with_cpu "$out.cpu" wrk -t2 -c"$CONNECTIONS" -d"$3s" --timeout "${WRK_TIMEOUT:-2s}" --latency "${script[@]}" "$url" >"$out"
    echo "$(awk '/requests in/ { print $1, $4 + 0 }' "$out") $(awk '$1 == "50%" {print $2}' "$out" | to_ms) \
$(awk '$1 == "99%" {print $2}' "$out" | to_ms) $(awk '/Non-2xx/ {n = $NF} END {print n + 0}' "$out") $(cat "$out.cpu")"
}

# pgbench_run SQL SECONDS DIR [pgbench options...]: CONNECTIONS clients, prepared statements, for SECONDS; prints
# "transactions seconds p50_ms p99_ms client_cpu_ms", the latencies from its per-transaction log.
pgbench_run() {
    local sql="$1" seconds="$2" dir="$3"
    shift 3
    mkdir -p "$dir"
    chmod 777 "$dir"
    rm -f "$dir"/pgbench_log.*
    (cd "$dir" && PGPASSWORD=app with_cpu "$dir/cpu" pgbench -n -h 127.0.0.1 -p "$PG_PORT" -U app -M prepared \
        -c "$CONNECTIONS" -j 2 -T "$seconds" -l "$@" -f "$sql" audience >"$dir/out" 2>&1)
    echo "$(awk '/actually processed/ { print $NF }' "$dir/out") $seconds $(cat "$dir"/pgbench_log.* | awk '{ print $3 }' \
        | sort -n | awk '{ a[NR] = $1 } END { printf "%.2f %.2f", a[int(NR * 0.5)] / 1000, a[int(NR * 0.99)] / 1000 }') \
$(cat "$dir/cpu")"
}
