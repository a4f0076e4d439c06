#!/usr/bin/env bash
# The people benchmarks of issue 10 in one run, on one set of services: seed.sh (skipped when this cluster already
# holds the seed; RESEED=1 redoes it), count.sh, paging.sh, refresh.sh and tracking.sh (last: it adds events). Starts
# its own PostgreSQL (15505), Kafka (19096/19097), audience-service (18192) and import-worker (18195); stops them on
# exit.
HERE="$(cd "$(dirname "$0")" && pwd)"
. "$HERE/seed.sh"
. "$HERE/count.sh"
. "$HERE/paging.sh"
. "$HERE/refresh.sh"
. "$HERE/tracking.sh"

run_people bench_count bench_paging bench_conditional bench_tracking machine_report
