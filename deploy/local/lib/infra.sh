# shellcheck shell=bash
# Reusable start/stop functions for the local infrastructure (PostgreSQL, Kafka, GreenMail).
# Source it: `. deploy/local/lib/infra.sh`. Every function takes its ports and a state DIR, so benchmarks can run
# their own copies next to the local stack. Pids go to DIR/*.pid, logs to DIR/*.log; nothing is left in /tmp except a
# PostgreSQL data folder when DIR is not reachable by the `postgres` OS user (see start_postgres).
#
#   start_postgres PORT DIR [DB...]        reuse a server answering on 127.0.0.1:PORT or start one configured like a
#                                          real server (infra_pg_settings); create role app/app and the databases
#                                          (default: audience)
#   stop_postgres DIR                      stop it, only if start_postgres started it
#   start_kafka PORT CONTROLLER_PORT DIR   KRaft broker+controller on 127.0.0.1 (Kafka 4.1.1 jars via Maven)
#   kafka_create_topics PORT PARTITIONS TOPIC...
#   start_greenmail SMTP_PORT API_PORT DIR GreenMail standalone 2.1.13: SMTP + REST API (mail viewer); heap
#                                          GREENMAIL_XMX (default 128m)
#   start_gateway PORT CONF DIR            nginx (Debian's; `apt-get install nginx-light` when missing) serving the
#                                          server of CONF, which listens on 127.0.0.1:PORT
#   stop_gateway DIR
#   wait_http URL TIMEOUT_SECONDS          until URL answers 2xx
#   stop_pidfile FILE                      TERM (then KILL) the pid in FILE, remove FILE
#   port_open PORT                         true when something accepts connections on 127.0.0.1:PORT
#   infra_java_opts SERVICE                the JVM options of a service (deploy/jvm.env: JAVA_OPTS, then
#                                          <SERVICE>_JAVA_OPTS), one per line: `mapfile -t opts < <(...)`
#   infra_service_env                      the rest of deploy/jvm.env (MALLOC_ARENA_MAX, pool sizes) as NAME=VALUE
#                                          lines, for `env`
#   infra_dev_env                          the DEV-ONLY keys and secrets every service needs to start (JWT key and
#                                          claims, encryption key ring, feed and unsubscribe HMAC keys) as NAME=VALUE
#                                          lines; a variable already set in the environment wins
#   infra_java_cmd SERVICE                 `env <sizes> <dev env> java <options>`, one word per line (benchmarks)

INFRA_REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
INFRA_CACHE="${INFRA_CACHE:-$INFRA_REPO/.local/cache}"
INFRA_KAFKA_VERSION=4.1.1
INFRA_GREENMAIL_VERSION=2.1.13

infra_log() { printf '[infra] %s\n' "$*" >&2; }

port_open() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

pid_alive() {
    [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null
}

wait_http() {
    local url="$1" timeout="${2:-60}" deadline=$((SECONDS + ${2:-60}))
    while ((SECONDS < deadline)); do
        if curl -fsS -o /dev/null --max-time 5 "$url" 2>/dev/null; then
            return 0
        fi
        sleep 0.5
    done
    infra_log "not ready after ${timeout}s: $url"
    return 1
}

wait_port() {
    local port="$1" timeout="${2:-60}" deadline=$((SECONDS + ${2:-60}))
    while ((SECONDS < deadline)); do
        port_open "$port" && return 0
        sleep 0.3
    done
    infra_log "nothing listens on 127.0.0.1:$port after ${timeout}s"
    return 1
}

stop_pidfile() {
    local file="$1" pid i
    [[ -f "$file" ]] || return 0
    pid="$(cat "$file")"
    if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null || true
        for ((i = 0; i < 60; i++)); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.5
        done
        if kill -0 "$pid" 2>/dev/null; then
            infra_log "pid $pid ($file) ignored TERM for 30s: KILL"
            kill -KILL "$pid" 2>/dev/null || true
        fi
    fi
    rm -f "$file"
}

# ---------------------------------------------------------------- JVM and pool sizes (deploy/jvm.env)

# JVM_ENV: another file of the same form, to try other sizes without editing this one.
INFRA_JVM_ENV="${JVM_ENV:-$INFRA_REPO/deploy/jvm.env}"

# The value of KEY in deploy/jvm.env (KEY=VALUE lines, # comments), or nothing.
infra_jvm_value() {
    awk -v key="$1" 'index($0, key "=") == 1 { print substr($0, length(key) + 2) }' "$INFRA_JVM_ENV"
}

infra_java_opts() {
    local key
    key="$(echo "$1" | tr 'a-z-' 'A-Z_')_JAVA_OPTS"
    # shellcheck disable=SC2046 # one option per word
    printf '%s\n' $(infra_jvm_value JAVA_OPTS) $(infra_jvm_value "$key")
}

infra_service_env() {
    grep -E '^[A-Z][A-Z0-9_]*=' "$INFRA_JVM_ENV" | grep -v -E '^[A-Z0-9_]*JAVA_OPTS='
}

# The command that starts a service's JVM with those sizes, one word per line:
#   mapfile -t java < <(infra_java_cmd import-worker); nohup "${java[@]}" -jar …/quarkus-run.jar &
# The local stack's and the benchmarks' keys and secrets. DEV-ONLY: never use them outside a developer machine or CI
# (the prod profile has no defaults, and no manifest under deploy/k8s carries them).
infra_dev_env() {
    local key=dev1:udNXOHpi6NWK22+jnevnb9n5h1ZCTftFe8YfAHEc7/c=
    printf '%s\n' \
        "JWT_PUBLIC_KEY_LOCATION=${JWT_PUBLIC_KEY_LOCATION:-$INFRA_REPO/deploy/local/dev-keys/publicKey.pem}" \
        "JWT_ISSUER=${JWT_ISSUER:-https://openaudience.local/dev}" \
        "JWT_AUDIENCES=${JWT_AUDIENCES:-openaudience}" \
        "AUDIENCE_ENCRYPTION_KEYS=${AUDIENCE_ENCRYPTION_KEYS:-$key}" \
        "AUDIENCE_ENCRYPTION_ACTIVE_KEY=${AUDIENCE_ENCRYPTION_ACTIVE_KEY:-dev1}" \
        "GOSQUARED_FEED_SECRET=${GOSQUARED_FEED_SECRET:-dev-only-gosquared-feed-secret-0123456789}" \
        "UNSUBSCRIBE_SECRET=${UNSUBSCRIBE_SECRET:-dev-only-unsubscribe-secret-change-me}"
}

infra_java_cmd() {
    echo env
    infra_service_env
    infra_dev_env
    echo java
    infra_java_opts "$1"
}

# Runs Maven through the repository's wrapper (no global mvn needed); quiet unless it fails.
infra_mvn() {
    (cd "$INFRA_REPO" && ./mvnw -B -q -ntp "$@")
}

infra_apt_install() {
    command -v apt-get >/dev/null || { infra_log "apt-get missing: install $* by hand"; return 1; }
    [[ $(id -u) -eq 0 ]] || { infra_log "not root: install $* by hand (apt-get install -y $*)"; return 1; }
    infra_log "apt-get install -y $*"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq "$@" >/dev/null
}

# ---------------------------------------------------------------- PostgreSQL

# Runs a command as the OS user owning the cluster: `postgres` when we are root (initdb refuses root), else ourselves.
infra_as_pg() {
    if [[ $(id -u) -eq 0 ]]; then
        # From /: the caller's working directory may be closed to that user.
        (cd / && runuser -u postgres -- "$@")
    else
        "$@"
    fi
}

infra_pg_bin() {
    local dir
    dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
    [[ -n "$dir" && -x "$dir/initdb" ]] && echo "$dir"
}

# Runs SQL as a superuser of the server on PORT, whichever way this machine allows.
infra_pg_super() {
    local port="$1" sql="$2"
    if PGCONNECT_TIMEOUT=5 psql -h 127.0.0.1 -p "$port" -U postgres -d postgres -tAqc 'select 1' >/dev/null 2>&1 </dev/null; then
        psql -h 127.0.0.1 -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -tAqc "$sql" </dev/null
    elif [[ $(id -u) -eq 0 ]] && id postgres >/dev/null 2>&1; then
        # A distribution cluster: peer authentication over its Unix socket.
        runuser -u postgres -- psql -p "$port" -d postgres -v ON_ERROR_STOP=1 -tAqc "$sql" </dev/null
    else
        infra_log "no superuser access to the PostgreSQL on port $port: create role app (password app) by hand"
        return 1
    fi
}

# Creates role app/app and the databases (owned by app) when missing.
infra_pg_provision() {
    local port="$1"; shift
    local db ready=1
    for db in "$@"; do
        PGPASSWORD=app PGCONNECT_TIMEOUT=5 psql -h 127.0.0.1 -p "$port" -U app -d "$db" -tAqc 'select 1' \
            >/dev/null 2>&1 </dev/null || ready=0
    done
    ((ready)) && return 0
    if [[ "$(infra_pg_super "$port" "select count(*) from pg_roles where rolname = 'app'")" != 1 ]]; then
        infra_pg_super "$port" "CREATE ROLE app LOGIN PASSWORD 'app'" >/dev/null
    fi
    for db in "$@"; do
        if [[ "$(infra_pg_super "$port" "select count(*) from pg_database where datname = '$db'")" != 1 ]]; then
            infra_pg_super "$port" "CREATE DATABASE \"$db\" OWNER app" >/dev/null
        fi
    done
}

# The server settings of a PostgreSQL that start_postgres starts (the local stack's and the benchmarks'), as
# command-line options, so they win over postgresql.conf and ALTER SYSTEM. Sized for one machine that runs the whole
# platform and its bulk imports, and as durable as a production server: no fsync=off, no full_page_writes=off, no
# synchronous_commit=off (an accepted 202 survives a crash of the server). Each one and why:
#   max_connections=200          the four services' pools (up to ~60) plus a benchmark's 64 pgbench/wrk clients
#   shared_buffers=1GB           the default 128MB is far below a million-row import's working set (members,
#                                memberships and their indexes, ~0.5 GB); pages become resident only once touched
#   max_wal_size=8GB             such an import writes a few GB of WAL: with the default 1GB a checkpoint would start
#   checkpoint_timeout=30min     every few seconds of it, and every page touched after each one is logged whole again
#   wal_compression=lz4          the full-page images that remain (full_page_writes stays on, as torn pages need it)
#                                shrink to a third for little CPU (pglz `on` before PostgreSQL 15)
#   work_mem=16MB                the set-based statements of an import batch and a group's evaluation sort and hash
#                                tens of thousands of rows: in memory rather than in temp files (4MB default)
#   maintenance_work_mem=256MB   index builds of migrations and (auto)vacuum of bulk-loaded tables in fewer passes
#   fsync, full_page_writes, synchronous_commit: the defaults (on), named here so that nobody wonders
infra_pg_settings() {
    local bin="$1" major compression=on
    major="$("$bin/postgres" --version | sed -E 's/[^0-9]*([0-9]+).*/\1/')"
    ((major >= 15)) && compression=lz4
    echo "-c max_connections=200 -c shared_buffers=1GB -c max_wal_size=8GB -c checkpoint_timeout=30min" \
        "-c wal_compression=$compression -c work_mem=16MB -c maintenance_work_mem=256MB" \
        "-c fsync=on -c full_page_writes=on -c synchronous_commit=on"
}

start_postgres() {
    local port="$1" dir="$2"; shift 2
    local dbs=("$@") bin base data socket
    ((${#dbs[@]})) || dbs=(audience)
    mkdir -p "$dir"
    if pid_alive "$dir/postgres.pid"; then
        infra_log "postgres: already running (ours) on 127.0.0.1:$port"
        infra_pg_provision "$port" "${dbs[@]}"
        return 0
    fi
    rm -f "$dir/postgres.pid" "$dir/postgres.datadir"
    if ! port_open "$port"; then
        bin="$(infra_pg_bin)" || true
        if [[ -z "$bin" ]]; then
            infra_apt_install postgresql
            bin="$(infra_pg_bin)"
        fi
        command -v psql >/dev/null || infra_apt_install postgresql-client
    fi
    if port_open "$port"; then
        # Someone else's server (or the one a package install just started): use it, never stop it.
        command -v psql >/dev/null || infra_apt_install postgresql-client
        infra_log "postgres: reusing the server already answering on 127.0.0.1:$port"
        infra_pg_provision "$port" "${dbs[@]}"
        touch "$dir/postgres.reused"
        return 0
    fi
    rm -f "$dir/postgres.reused"
    # The cluster must be owned by, and reachable for, the user running it (`postgres` when we are root).
    base="$dir"
    if [[ $(id -u) -eq 0 ]] && ! (cd / && runuser -u postgres -- test -x "$dir/." -a -w "$dir/.") 2>/dev/null; then
        # A throwaway folder the stop removes; the log is linked back into DIR.
        base="$(mktemp -d /tmp/openaudience-pg.XXXXXX)"
        chmod 755 "$base"
        infra_log "postgres: $dir is not reachable for OS user postgres, data in $base"
    fi
    data="$base/pgdata"
    if [[ ! -f "$data/PG_VERSION" ]]; then
        mkdir -p "$data"
        if [[ $(id -u) -eq 0 ]]; then chown postgres: "$data" "$base"; fi
        chmod 700 "$data"
        infra_as_pg "$bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
            >"$dir/postgres-initdb.log" 2>&1 || { cat "$dir/postgres-initdb.log" >&2; return 1; }
    fi
    echo "$data" >"$dir/postgres.datadir"
    touch "$base/postgres.log"
    if [[ $(id -u) -eq 0 ]]; then chown postgres: "$base/postgres.log"; fi
    [[ "$base" == "$dir" ]] || ln -sfn "$base/postgres.log" "$dir/postgres.log"
    # Unix socket paths are limited to ~100 bytes; a deep DIR falls back to /tmp.
    socket="$base"
    ((${#socket} < 80)) || socket=/tmp
    infra_as_pg "$bin/pg_ctl" -D "$data" -l "$base/postgres.log" -w -t 60 -o \
        "-c listen_addresses=127.0.0.1 -p $port -k $socket $(infra_pg_settings "$bin")" start >/dev/null \
        || { tail -20 "$base/postgres.log" >&2; return 1; }
    head -1 "$data/postmaster.pid" >"$dir/postgres.pid"
    infra_pg_provision "$port" "${dbs[@]}"
    infra_log "postgres: started on 127.0.0.1:$port (data $data)"
}

stop_postgres() {
    local dir="$1" data bin
    if [[ -f "$dir/postgres.reused" ]]; then
        infra_log "postgres: reused, left running"
        rm -f "$dir/postgres.reused"
        return 0
    fi
    [[ -f "$dir/postgres.datadir" ]] || return 0
    data="$(cat "$dir/postgres.datadir")"
    bin="$(infra_pg_bin)"
    if [[ -f "$data/postmaster.pid" ]]; then
        infra_as_pg "$bin/pg_ctl" -D "$data" -m fast -w -t 60 stop >/dev/null || stop_pidfile "$dir/postgres.pid"
    fi
    rm -f "$dir/postgres.pid" "$dir/postgres.datadir"
    if [[ "$data" == /tmp/openaudience-pg.*/pgdata && ! -f "$data/postmaster.pid" ]]; then
        rm -rf "$(dirname "$data")" "$dir/postgres.log"
    fi
    infra_log "postgres: stopped"
}

# ---------------------------------------------------------------- Kafka

infra_kafka_libs() {
    local libs="$INFRA_CACHE/kafka-$INFRA_KAFKA_VERSION"
    if [[ ! -f "$libs/.complete" ]]; then
        infra_log "kafka: fetching the $INFRA_KAFKA_VERSION jars with Maven"
        rm -rf "$libs"
        infra_mvn -f deploy/local/kafka/pom.xml dependency:copy-dependencies -DincludeScope=runtime \
            -DoutputDirectory="$libs" >&2
        touch "$libs/.complete"
    fi
    echo "$libs"
}

start_kafka() {
    local port="$1" controller="$2" dir="$3" libs id
    mkdir -p "$dir"
    if pid_alive "$dir/kafka.pid"; then
        infra_log "kafka: already running (ours) on 127.0.0.1:$port"
        return 0
    fi
    if port_open "$port" || port_open "$controller"; then
        infra_log "kafka: port $port or $controller is taken by another process"
        return 1
    fi
    libs="$(infra_kafka_libs)"
    cat >"$dir/kafka.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$dir/kafka-data
num.partitions=3
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
EOF
    cat >"$dir/kafka-log4j2.properties" <<EOF
status = warn
appender.out.type = Console
appender.out.name = out
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = %d{HH:mm:ss.SSS} %-5p [%c{1}] %m%n
rootLogger.level = INFO
rootLogger.appenderRef.out.ref = out
logger.kafka.name = kafka
logger.kafka.level = INFO
logger.apache.name = org.apache.kafka
logger.apache.level = WARN
EOF
    if [[ ! -f "$dir/kafka-data/meta.properties" ]]; then
        id="$(CLASSPATH="$libs/*" java kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)"
        CLASSPATH="$libs/*" java -Dlog4j2.configurationFile="file:$dir/kafka-log4j2.properties" \
            kafka.tools.StorageTool format -t "$id" -c "$dir/kafka.properties" >"$dir/kafka-format.log" 2>&1 \
            || { cat "$dir/kafka-format.log" >&2; return 1; }
    fi
    CLASSPATH="$libs/*" nohup java -Xms128m -Xmx512m -Dlog4j2.configurationFile="file:$dir/kafka-log4j2.properties" \
        kafka.Kafka "$dir/kafka.properties" >"$dir/kafka.log" 2>&1 </dev/null &
    echo $! >"$dir/kafka.pid"
    if ! wait_port "$port" 90; then
        tail -30 "$dir/kafka.log" >&2
        return 1
    fi
    infra_log "kafka: started on 127.0.0.1:$port (controller $controller)"
}

# Creates topics (idempotent) with replication factor 1; runs the tool JVMs in parallel.
kafka_create_topics() {
    local port="$1" partitions="$2"; shift 2
    local libs topic pids=() failed=0 pid
    libs="$(infra_kafka_libs)"
    for topic in "$@"; do
        CLASSPATH="$libs/*" java -Xmx128m -Dlog4j2.level=WARN org.apache.kafka.tools.TopicCommand \
            --bootstrap-server "127.0.0.1:$port" --create --if-not-exists --topic "$topic" \
            --partitions "$partitions" --replication-factor 1 >/dev/null 2>&1 &
        pids+=($!)
    done
    for pid in "${pids[@]}"; do
        wait "$pid" || failed=1
    done
    ((failed == 0)) || { infra_log "kafka: creating topics $* failed"; return 1; }
    infra_log "kafka: topics $* ready ($partitions partitions)"
}

stop_kafka() {
    stop_pidfile "$1/kafka.pid"
}

# ---------------------------------------------------------------- GreenMail

infra_greenmail_jar() {
    local jar="$INFRA_CACHE/greenmail-standalone-$INFRA_GREENMAIL_VERSION.jar"
    if [[ ! -f "$jar" ]]; then
        infra_log "greenmail: fetching greenmail-standalone $INFRA_GREENMAIL_VERSION with Maven"
        infra_mvn -f deploy/local/kafka/pom.xml dependency:copy \
            -Dartifact="com.icegreen:greenmail-standalone:$INFRA_GREENMAIL_VERSION" -DoutputDirectory="$INFRA_CACHE" >&2
    fi
    echo "$jar"
}

start_greenmail() {
    local smtp="$1" api="$2" dir="$3" jar
    mkdir -p "$dir"
    if pid_alive "$dir/greenmail.pid"; then
        infra_log "greenmail: already running (ours) on SMTP $smtp, API $api"
        return 0
    fi
    if port_open "$smtp" || port_open "$api"; then
        infra_log "greenmail: port $smtp or $api is taken by another process"
        return 1
    fi
    jar="$(infra_greenmail_jar)"
    # Only greenmail.smtp.*: adding -Dgreenmail.setup.test.smtp would declare the SMTP server twice.
    nohup java "-Xmx${GREENMAIL_XMX:-128m}" -Dgreenmail.smtp.hostname=127.0.0.1 -Dgreenmail.smtp.port="$smtp" -Dgreenmail.auth.disabled \
        -Dgreenmail.api.hostname=127.0.0.1 -Dgreenmail.api.port="$api" -jar "$jar" \
        >"$dir/greenmail.log" 2>&1 </dev/null &
    echo $! >"$dir/greenmail.pid"
    if ! wait_http "http://127.0.0.1:$api/api/service/readiness" 60; then
        tail -30 "$dir/greenmail.log" >&2
        return 1
    fi
    infra_log "greenmail: SMTP 127.0.0.1:$smtp, API http://127.0.0.1:$api"
}

stop_greenmail() {
    stop_pidfile "$1/greenmail.pid"
}

# ---------------------------------------------------------------- Gateway (nginx)

infra_nginx() {
    local nginx
    nginx="$(command -v nginx || true)"
    [[ -n "$nginx" ]] || { [[ -x /usr/sbin/nginx ]] && nginx=/usr/sbin/nginx; }
    if [[ -z "$nginx" ]]; then
        # The package must not start a system-wide nginx (port 80): without a policy-rc.d, one that forbids it for the
        # duration of the install.
        local guard=0
        if [[ ! -e /usr/sbin/policy-rc.d && $(id -u) -eq 0 ]]; then
            printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && guard=1
        fi
        infra_apt_install nginx-light || { ((guard)) && rm -f /usr/sbin/policy-rc.d; return 1; }
        ((guard)) && rm -f /usr/sbin/policy-rc.d
        nginx=/usr/sbin/nginx
    fi
    echo "$nginx"
}

start_gateway() {
    local port="$1" conf="$2" dir="$3" nginx
    mkdir -p "$dir/gateway"
    if pid_alive "$dir/gateway.pid"; then
        infra_log "gateway: already running (ours) on $port"
        return 0
    fi
    if port_open "$port"; then
        infra_log "gateway: port $port is taken by another process"
        return 1
    fi
    nginx="$(infra_nginx)" || return 1
    # A private main configuration: logs and pid here; no temp files are needed (the server streams, gateway.conf).
    cat >"$dir/gateway/nginx.conf" <<CONF
worker_processes 1;
pid $dir/gateway/nginx.pid;
error_log $dir/gateway.log notice;
events {
    worker_connections 1024;
}
http {
    access_log $dir/gateway-access.log;
    client_body_temp_path $dir/gateway/client_body;
    proxy_temp_path $dir/gateway/proxy;
    include $conf;
}
CONF
    "$nginx" -t -q -p "$dir/gateway/" -e "$dir/gateway.log" -c "$dir/gateway/nginx.conf" || return 1
    nohup "$nginx" -p "$dir/gateway/" -e "$dir/gateway.log" -c "$dir/gateway/nginx.conf" -g 'daemon off;' \
        >>"$dir/gateway.log" 2>&1 </dev/null &
    echo $! >"$dir/gateway.pid"
    local deadline=$((SECONDS + 20))
    until port_open "$port"; do
        if ((SECONDS > deadline)) || ! pid_alive "$dir/gateway.pid"; then
            tail -20 "$dir/gateway.log" >&2
            return 1
        fi
        sleep 0.2
    done
    infra_log "gateway: http://127.0.0.1:$port (nginx, routes of $conf)"
}

stop_gateway() {
    stop_pidfile "$1/gateway.pid"
}
