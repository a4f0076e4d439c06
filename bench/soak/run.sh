#!/usr/bin/env bash
# A soak of the local stack: mixed traffic (imports, reads, sends, tracking, bad input) at a bounded rate for
# SOAK_SECONDS (default 600), then 5xx count, RSS per service at start and end, rows lost. See README.md.
#
#   bench/soak/run.sh            the stack must be up (deploy/local/stack up); it is left running
#   bench/soak/run.sh --stack    takes the machine-wide stack lock, brings the stack up, soaks, brings it down
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
command -v python3 >/dev/null || { echo "soak: needs python3" >&2; exit 2; }
command -v psql >/dev/null || { echo "soak: needs psql (apt-get install -y postgresql-client)" >&2; exit 2; }
if [[ "${1:-}" == --stack ]]; then
    exec flock /tmp/oa-stack.lock bash -c '"$0/deploy/local/stack" up && python3 "$0/bench/soak/soak.py"; rc=$?;
        "$0/deploy/local/stack" down; exit $rc' "$REPO"
fi
exec python3 "$REPO/bench/soak/soak.py"
