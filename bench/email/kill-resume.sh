#!/usr/bin/env bash
# Crash demonstration: notification-service sends a segment of N recipients (default 20,000) at a limited rate,
# is killed with kill -9 once about a third is recorded as sent in the ledger, is started again, and the
# notification must complete with every recipient having received a mail. A kill between the SMTP server's 250 and
# the ledger's write can duplicate at most the mails in flight (<= concurrency, 16 by default); the exact number
# seen is reported. The lease is shortened to 5 s so the restarted instance takes the dead one's claims back soon.
# Same infrastructure and ports as run.sh. Usage: bench/email/kill-resume.sh [N=20000]  (SKIP_BUILD=1 reuses jars)
. "$(dirname "$0")/common.sh"
N="${1:-${N:-20000}}"
RATE="${RATE:-500}"
LEASE="${LEASE:-5s}"
CONCURRENCY="${CONCURRENCY:-16}"
RUN="$(date +%s)"
trap infra_down EXIT
SEND_TIMEOUT="${SEND_TIMEOUT:-2s}"   # under half the lease, or the service refuses to start
SERVICE_ARGS=(-Dnotification-service.rate="$RATE" -Dnotification-service.lease="$LEASE"
              -Dnotification-service.send-timeout="$SEND_TIMEOUT" -Dnotification-service.concurrency="$CONCURRENCY")

build_services
infra_up
start_segments
start_notification "${SERVICE_ARGS[@]}"
mint_token

seg="$(seed_segment "crash $RUN" "$N" "k$RUN-")"
t0="$(now_ms)"
read -r nid recipients <<<"$(send_email "$seg" "Crash $RUN" '<p>Hello {firstName},</p><p>one mail each, even across a crash.</p>')"
echo "notification $nid accepted for $recipients recipients; sending at $RATE msg/s, lease $LEASE"

# Wait until a third is recorded as sent, then kill -9.
while :; do
    sent="$(ledger_count "$nid" sent)"
    [[ "$sent" -ge $((N / 3)) ]] && break
    [[ "$sent" -ge "$N" ]] && { echo "finished before the kill; use a larger N or a lower RATE"; exit 1; }
    sleep 0.05
done
kill -9 "$(notification_pid)"
killed_at="$(now_ms)"
rm -f "$STATE/notification-service.pid"
sleep 0.5
sent_at_kill="$(ledger_count "$nid" sent)"
sending_at_kill="$(ledger_count "$nid" sending)"
echo "kill -9 at +$(((killed_at - t0) / 1000))s: ledger sent=$sent_at_kill, sending (claimed under a lease)=$sending_at_kill"

start_notification "${SERVICE_ARGS[@]}"
echo "notification-service restarted after $(((($(now_ms) - killed_at)) / 1000))s; waiting for completion"
result="$(await_notification "$nid" 1800)" || { echo "notification $nid: $result"; exit 1; }
read -r status sent failed skipped queued <<<"$result"
ledger_sent="$(ledger_count "$nid" sent)"
counts="$(count_mails "Crash $RUN" "k$RUN-" "$N")"
eval "$(tr ' ' '\n' <<<"$counts" | sed 's/^/c_/')"
taken_back="$(grep -h "whose lease expired" "$STATE/notification-service.log" | tail -3 || true)"

echo
echo "== kill -9 and resume: $N recipients, rate $RATE msg/s, concurrency $CONCURRENCY, lease $LEASE, load $(load_now) =="
echo "notification: status=$status sent=$sent failed=$failed skipped=$skipped queued=$queued; ledger sent=$ledger_sent"
echo "at the kill: ledger sent=$sent_at_kill, claimed (sending)=$sending_at_kill"
[[ -n "$taken_back" ]] && echo "restarted instance: $taken_back"
echo "sink: $counts"
echo "total recipients: $N; mails delivered: $c_delivered; recipients with 0 mails: $c_zero;" \
     "recipients with >1 mail: $c_duplicated ($c_extra extra mails)"
if [[ "$status" == completed && "$ledger_sent" == "$N" && "$c_zero" == 0 && "$c_duplicated" -le "$CONCURRENCY" \
      && "$c_delivered" == $((N + c_extra)) ]]; then
    echo "kill -9 and resume: every recipient got a mail; duplicates $c_duplicated <= concurrency $CONCURRENCY"
else
    echo "kill -9 and resume: WRONG"
    exit 1
fi
