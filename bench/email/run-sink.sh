#!/usr/bin/env bash
# The email path's throughput without GreenMail's cost: the same end-to-end run as run.sh (segment of N members,
# POST send-email -> outbox -> Kafka -> notification-service -> SMTP), but the SMTP server is postfix's smtp-sink,
# which accepts and discards (GreenMail's per-mailbox lookup is linear in the recipients it holds, so at 100,000
# distinct recipients it measures itself). Same-run baseline: smtp-source blasting N messages of the service's size
# at the same smtp-sink with 16 sessions. smtp-sink keeps nothing, so "exactly once" is read from the ledger here;
# run.sh and kill-resume.sh count mails per recipient in GreenMail. Also in the same run: MailClientCeiling.java, the
# Vert.x mail client under quarkus-mailer sending the same number of messages with nothing else to do.
# Usage: bench/email/run-sink.sh [N=100000]      (SKIP_BUILD=1 reuses the built jars)
# NOTIFICATION_JVM_EXTRA adds JVM flags to notification-service (e.g. -XX:StartFlightRecording=filename=/tmp/n.jfr).
. "$(dirname "$0")/common.sh"
N="${1:-${N:-100000}}"
SINK_PORT="${SINK_PORT:-13026}"
SESSIONS="${SESSIONS:-16}"
RUN="$(date +%s)"
cleanup() { [[ -f "$STATE/smtp-sink.pid" ]] && kill "$(cat "$STATE/smtp-sink.pid")" 2>/dev/null; infra_down; }
trap cleanup EXIT

ensure_smtp_source
build_services
infra_up
smtp-sink -u nobody "127.0.0.1:$SINK_PORT" 1000 >"$STATE/smtp-sink.log" 2>&1 &
echo $! >"$STATE/smtp-sink.pid"
start_segments
SMTP_PORT="$SINK_PORT" start_notification -Dnotification-service.rate=0 ${NOTIFICATION_JVM_EXTRA:-}
mint_token
BODY='<p>Hello {firstName},</p><p>This is the benchmark mail of the openaudience email path. It carries a short
paragraph of ordinary text, like a real announcement would: the new ideas campaign starts on Monday, and every
member of the segment is invited to submit and vote. Thank you for being part of it.</p><p>The team</p>'

seg0="$(seed_segment "warm-up $RUN" 2000 "w$RUN-")"
read -r nid0 _ <<<"$(send_email "$seg0" "Warm-up $RUN" "$BODY")"
echo "warm-up (2000 recipients): $(await_notification "$nid0" 600)"

t0="$(now_ms)"
smtp-source -d -s "$SESSIONS" -m "$N" -l 2200 -N -S "Baseline $RUN" -f bench@bench.example \
    -t baseline@bench.example "127.0.0.1:$SINK_PORT"
base_ms=$(($(now_ms) - t0))
# The ceiling of any service built on quarkus-mailer: its Vert.x mail client alone (no database, Kafka or template)
# sending N ready messages of about the same size over SESSIONS kept-open sessions to the same sink.
ceiling="$(java -cp "$REPO/notification-service/target/quarkus-app/lib/main/*" "$BENCH_DIR/MailClientCeiling.java" \
    "$SINK_PORT" "$N" "$SESSIONS" | tail -1)"

seg="$(seed_segment "bench $RUN" "$N" "b$RUN-")"
load_before="$(load_now)"
cpu0="$(cpu_seconds "$(notification_pid)")"
cpu_by_command >"$STATE/cpu-before"
t0="$(now_ms)"
read -r nid recipients <<<"$(send_email "$seg" "Bench $RUN" "$BODY")"
result="$(await_notification "$nid" 3600)" || { echo "notification $nid: $result"; exit 1; }
svc_ms=$(($(now_ms) - t0))
cpu_by_command >"$STATE/cpu-after"
cpu="$(awk -v a="$cpu0" -v b="$(cpu_seconds "$(notification_pid)")" 'BEGIN { printf "%.1f", b - a }')"
read -r status sent failed skipped queued <<<"$result"
distinct="$(psql_app -c "SELECT count(DISTINCT user_id) FROM notification.recipient
                         WHERE notification_id = '$nid' AND status = 'sent'")"

echo
echo "== email benchmark with smtp-sink: $N recipients, $(nproc) cores, load $load_before -> $(load_now) =="
echo "notification $nid: status=$status sent=$sent failed=$failed skipped=$skipped queued=$queued (accepted $recipients)"
echo "baseline smtp-source -d -s $SESSIONS -m $N -N -> smtp-sink: ${base_ms} ms = $(rate "$N" "$base_ms") msg/s"
echo "$ceiling"
echo "service POST -> completed: ${svc_ms} ms = $(rate "$N" "$svc_ms") msg/s"
echo "ratio service / baseline: $(awk -v a="$base_ms" -v b="$svc_ms" 'BEGIN { printf "%.3f", a / b }')"
# Issue 12's target: the service at >= 0.7 of its mail client alone, same sink, same run.
ceiling_ms="$(sed -E 's/.* messages in ([0-9]+) ms.*/\1/' <<<"$ceiling")"
echo "ratio service / vert.x mail client alone: $(awk -v a="$ceiling_ms" -v b="$svc_ms" 'BEGIN { printf "%.3f", a / b }') (target >= 0.7)"
echo "notification-service CPU: ${cpu} s = $(awk -v c="$cpu" -v n="$N" 'BEGIN { printf "%.2f", c * 1000 / n }') ms per mail"
echo "machine CPU during the send, by command (of $(nproc) cores x $((svc_ms / 1000)) s):" \
    "$(cpu_split "$STATE/cpu-before" "$STATE/cpu-after")"
echo "notification-service RSS after the benchmark (VmRSS, ${RSS_SETTLE:-10} s after it): $(settled_rss_mb \
    "$(notification_pid)") MiB; peak (VmHWM): $(notification_peak_rss_mb) MiB ($(infra_java_opts notification-service | xargs))"
echo "ledger: $distinct distinct recipients sent, each once by construction of the ledger's primary key"
# Where the time went: per second since the POST, the recipients recorded (their first next_attempt_at) and sent.
echo "timeline (s since the POST: recorded, sent):"
psql_app -c "WITH t AS (SELECT to_timestamp($t0 / 1000.0) AS t0)
    SELECT s, coalesce(sum(r), 0), coalesce(sum(m), 0) FROM (
        SELECT floor(extract(epoch FROM next_attempt_at - t0))::int AS s, 1 AS r, 0 AS m
        FROM notification.recipient, t WHERE notification_id = '$nid'
        UNION ALL
        SELECT floor(extract(epoch FROM sent_at - t0))::int, 0, 1
        FROM notification.recipient, t WHERE notification_id = '$nid') x
    GROUP BY s ORDER BY s" | awk -F'|' '{ printf "  %3ss %6s %6s\n", $1, $2, $3 }' | paste -sd' ' | fold -w 120
[[ "$status" == completed && "$sent" == "$N" && "$distinct" == "$N" ]] && echo "counts: exact" \
    || { echo "counts: WRONG"; exit 1; }
