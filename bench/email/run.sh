#!/usr/bin/env bash
# Email throughput benchmark: a segment of N members (default 100,000) emailed end to end, POST send-email ->
# segments-service outbox -> Kafka email-requests -> notification-service ledger -> SMTP -> GreenMail, rate limit
# off, default concurrency; and in the same run the baseline: postfix's smtp-source blasting N messages of the same
# size at the same GreenMail with as many parallel sessions. Prints messages/s of both, the ratio, the peak RSS of
# notification-service, and checks that every recipient got exactly one mail.
#
# Ports: PostgreSQL 15503, Kafka 19292/19293, SMTP 13025, GreenMail API 18025, segments-service 18281,
# notification-service 18283. State and logs: /tmp/openaudience-bench-email. Everything stops on exit.
# Usage: bench/email/run.sh [N=100000]     (SKIP_BUILD=1 reuses the built jars)
. "$(dirname "$0")/common.sh"
N="${1:-${N:-100000}}"
WARMUP="${WARMUP:-1000}"
SESSIONS="${SESSIONS:-16}"
RUN="$(date +%s)"
trap infra_down EXIT

ensure_smtp_source
build_services
infra_up
start_segments
start_notification -Dnotification-service.rate=0
mint_token
BODY='<p>Hello {firstName},</p><p>This is the benchmark mail of the openaudience email path. It carries a short
paragraph of ordinary text, like a real announcement would: the new ideas campaign starts on Monday, and every
member of the segment is invited to submit and vote. Thank you for being part of it.</p><p>The team</p>'

# Warm-up (JIT, pools, SMTP connections) on a small segment; its mail's size sizes the baseline's messages.
seg0="$(seed_segment "warm-up $RUN" "$WARMUP" "w$RUN-")"
read -r nid0 _ <<<"$(send_email "$seg0" "Warm-up $RUN" "$BODY")"
echo "warm-up ($WARMUP recipients): $(await_notification "$nid0" 600)"
service_mail_bytes="$(mail_size "w$RUN-1@bench.example")"
mail_reset

# Baseline: smtp-source, SESSIONS parallel sessions each reusing its connection (-d), a distinct recipient per
# message (-N), a payload as large as the service's whole mail.
gm_cpu0="$(cpu_seconds "$(cat "$STATE/greenmail.pid")")"
t0="$(now_ms)"
/usr/bin/time -f "%U %S" -o "$STATE/smtp-source.time" smtp-source -d -s "$SESSIONS" -m "$N" -l "$service_mail_bytes" -N -S "Baseline $RUN" -f "bench@bench.example" \
    -t "baseline@bench.example" "127.0.0.1:$SMTP_PORT"
t1="$(now_ms)"
base_ms=$((t1 - t0))
base_cpu="$(awk '{ printf "%.1f", $1 + $2 }' "$STATE/smtp-source.time")"
base_gm_cpu="$(awk -v a="$gm_cpu0" -v b="$(cpu_seconds "$(cat "$STATE/greenmail.pid")")" 'BEGIN { printf "%.1f", b - a }')"
base_users="$(curl -fsS "$MAIL_API/api/user" | python3 -c '
import json, sys; print(sum(1 for u in json.load(sys.stdin) if u["email"].endswith("baseline@bench.example")))')"
base_mail_bytes="$(mail_size "$(curl -fsS "$MAIL_API/api/user" | python3 -c '
import json, sys; print(next(u["email"] for u in json.load(sys.stdin) if u["email"].endswith("baseline@bench.example")))')")"
gm_rss_base="$(greenmail_rss_mb)"
mail_reset

# The service: seed, POST, poll GET /api/v2/notifications/{id} until completed.
seg="$(seed_segment "bench $RUN" "$N" "b$RUN-")"
load_before="$(load_now)"
svc_cpu0="$(cpu_seconds "$(notification_pid)")"
seg_cpu0="$(cpu_seconds "$(cat "$STATE/segments-service.pid")")"
gm_cpu0="$(cpu_seconds "$(cat "$STATE/greenmail.pid")")"
t0="$(now_ms)"
read -r nid recipients <<<"$(send_email "$seg" "Bench $RUN" "$BODY")"
result="$(await_notification "$nid" 3600)" || { echo "notification $nid: $result"; exit 1; }
t1="$(now_ms)"
svc_ms=$((t1 - t0))
svc_cpu="$(awk -v a="$svc_cpu0" -v b="$(cpu_seconds "$(notification_pid)")" 'BEGIN { printf "%.1f", b - a }')"
seg_cpu="$(awk -v a="$seg_cpu0" -v b="$(cpu_seconds "$(cat "$STATE/segments-service.pid")")" 'BEGIN { printf "%.1f", b - a }')"
svc_gm_cpu="$(awk -v a="$gm_cpu0" -v b="$(cpu_seconds "$(cat "$STATE/greenmail.pid")")" 'BEGIN { printf "%.1f", b - a }')"
phase_line="$(phases "$nid" "$t0")"
last_sent_s="$(last_sent_after "$nid" "$t0")"
rss="$(notification_peak_rss_mb)"
load_after="$(load_now)"
read -r status sent failed skipped queued <<<"$result"
gm_rss_svc="$(greenmail_rss_mb)"
t2="$(now_ms)"
counts="$(count_mails "Bench $RUN" "b$RUN-" "$N")"
count_s="$(awk -v ms=$(($(now_ms) - t2)) 'BEGIN { printf "%.0f", ms / 1000 }')"
eval "$(tr ' ' '\n' <<<"$counts" | sed 's/^/c_/')"

echo
echo "== email benchmark: $N recipients, $(nproc) cores, load $load_before -> $load_after =="
echo "notification $nid: status=$status sent=$sent failed=$failed skipped=$skipped queued=$queued (accepted $recipients)"
echo "sink (GreenMail, per-recipient count in ${count_s}s): $counts"
echo "mail size: service ${service_mail_bytes} B, baseline ${base_mail_bytes} B (raw MIME)"
echo "baseline smtp-source -d -s $SESSIONS -m $N -N: ${base_ms} ms = $(rate "$N" "$base_ms") msg/s ($base_users distinct recipients in the sink)"
echo "service POST -> completed (API poll): ${svc_ms} ms = $(rate "$N" "$svc_ms") msg/s"
echo "service POST -> last mail sent (ledger sent_at): ${last_sent_s} s = $(awk -v n="$N" -v s="$last_sent_s" 'BEGIN { printf "%.0f", n / s }') msg/s"
echo "  $phase_line"
echo "CPU seconds: smtp-source ${base_cpu} s + GreenMail ${base_gm_cpu} s (baseline);" \
     "notification-service ${svc_cpu} s + segments-service ${seg_cpu} s + GreenMail ${svc_gm_cpu} s (service run)"
echo "ratio service / baseline (POST -> completed): $(awk -v a="$base_ms" -v b="$svc_ms" 'BEGIN { printf "%.2f", a / b }')"
echo "notification-service peak RSS (VmHWM, $(infra_java_opts notification-service | xargs)): ${rss} MiB"
echo "GreenMail RSS (-Xmx$GREENMAIL_XMX): ${gm_rss_base} MiB after the baseline, ${gm_rss_svc} MiB after the service run"
echo "duplicates: $c_duplicated recipients ($c_extra extra mails); recipients without a mail: $c_zero"
ok=1
[[ "$status" == completed && "$sent" == "$N" && "$recipients" == "$N" && "$c_delivered" == "$N" && "$c_zero" == 0 \
   && "$c_duplicated" == 0 && "$base_users" == "$N" ]] || ok=0
((ok)) && echo "counts: exact" || { echo "counts: WRONG"; exit 1; }
