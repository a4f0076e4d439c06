#!/usr/bin/env bash
# The three audience benchmarks in one run, on one set of services: import.sh imports the ROWS-row group CSV (default
# 1,000,000) end to end, refresh.sh and members.sh then measure that very group. Starts its own PostgreSQL (15504),
# Kafka (19094/19095), audience-service (18182), import-worker (18185) and file server (18186); stops them on exit.
HERE="$(cd "$(dirname "$0")" && pwd)"
. "$HERE/import.sh"
. "$HERE/refresh.sh"
. "$HERE/members.sh"

trap infra_down EXIT
infra_up
build_services
start_services
start_file_server
machine_report
bench_import
bench_refresh
bench_members
machine_report
