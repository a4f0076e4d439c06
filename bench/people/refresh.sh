#!/usr/bin/env bash
# Benchmark 3: refresh of a Fynd conditional group when nothing changed. The group (POST …/user_group, type
# conditional: tier eq gold AND ltv gte 300, ~175,000 of the 1,000,000 people) is created through the API and
# evaluated by import-worker; then REFRESHES times (default 5, after one warm-up refresh): POST …/refresh -> 202, and
# the clock runs until the group's new total_users_refreshed_at is committed (bench/audience/refresh.sh's poller in
# PostgreSQL, every 2 ms). Zero membership rows written is proven two ways: the (ctid, xmin) of every member row is the
# same before and after (a written row gets a new version), and user_group_member's n_tup_ins/upd/del in
# pg_stat_user_tables do not move (read after the backends' 10 s stats flush). Baseline, same run: psql running the
# statements GroupEvaluationRepository runs for it (lock, settings, the selection, the count, analyze, both
# anti-joins; PeopleSqlTool takes them from the worker's jar), median of 5. Target: < 2 s, ratio psql / refresh >= 0.7.
# Alone: starts everything as seed.sh does (and seeds when this cluster holds no seed yet).
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
# shellcheck source=../audience/refresh.sh
. "$PEOPLE_BENCH_DIR/../audience/refresh.sh"

REFRESHES="${REFRESHES:-5}"
CONDITIONAL_NAME="bench gold ltv"

# The conditions, naming the definitions by id as the Fynd SDK does.
conditions() {
    local tier ltv
    tier="$(psql_app -c "SELECT id FROM audience.attribute_definition WHERE company_id = '$COMPANY'
                         AND application_id = '$APP' AND slug = 'tier'")"
    ltv="$(psql_app -c "SELECT id FROM audience.attribute_definition WHERE company_id = '$COMPANY'
                        AND application_id = '$APP' AND slug = 'ltv'")"
    echo "[{\"user_attribute_definition_id\":\"$tier\",\"type\":\"eq\",\"value\":\"gold\"},\
{\"user_attribute_definition_id\":\"$ltv\",\"type\":\"gte\",\"value\":\"300\"}]"
}

# ensure_conditional_group: the group's id, created (and its first evaluation awaited) when this cluster has none.
ensure_conditional_group() {
    local id out
    id="$(psql_app -c "SELECT id FROM audience.user_group WHERE company_id = '$COMPANY' AND application_id = '$APP'
                       AND name = '$CONDITIONAL_NAME'")"
    if [[ -z "$id" ]]; then
        out="$(fynd "$APP" POST /user_group "{\"name\":\"$CONDITIONAL_NAME\",\"description\":\"bench\",\
\"type\":\"conditional\",\"conditions\":$(conditions),\"conditions_type\":\"and\"}")"
        [[ "${out%% *}" == 201 ]] || { echo "POST user_group answered ${out:0:400}" >&2; return 1; }
        id="$(json_field _id <<<"$out")"
        infra_log "conditional group $id: first evaluation $(await_group "$id" 900)"
    fi
    echo "$id"
}

# fingerprint GROUP: the number of member rows and a digest of every row version (ctid, xmin) in key order.
fingerprint() {
    psql_app -c "SELECT count(*) || ' ' || md5(coalesce(string_agg(ctid::text || xmin::text, ',' ORDER BY user_pk), ''))
                 FROM audience.user_group_member WHERE group_id = '$1'"
}

member_writes() {
    psql_app -c "SELECT n_tup_ins || ' ' || n_tup_upd || ' ' || n_tup_del FROM pg_stat_user_tables
                 WHERE relid = 'audience.user_group_member'::regclass"
}

bench_conditional() {
    local g work="$STATE/conditional" t_eval
    mkdir -p "$work"
    t_eval="$(now_ms)"
    g="$(ensure_conditional_group)"
    t_eval=$(($(now_ms) - t_eval))
    local members
    members="$(psql_app -c "SELECT total_users FROM audience.user_group WHERE id = '$g'")"
    definitions | java -cp "$WORKER_APP/app/*:$WORKER_APP/lib/main/*:$WORKER_APP/lib/boot/*" "$PEOPLE_BENCH_DIR/PeopleSqlTool.java" \
        evaluation "$COMPANY" "$APP" "$g" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" and "$(conditions)" >"$work/evaluate.sql"

    local before writes_before i post job from_202 runs=() jobs=()
    sleep 11
    writes_before="$(member_writes)"
    before="$(fingerprint "$g")"
    for ((i = 0; i <= REFRESHES; i++)); do
        read -r from_202 post job <<<"$(timed_refresh "$APP" "$g")" || return 1
        [[ -n "$job" ]] || return 1
        ((i > 0)) && runs+=("$from_202")
        jobs+=("$(psql_app -c "SELECT type || ' ' || status || ' ' || total FROM audience.job WHERE id = '$job'")")
        echo "refresh $i$( ((i > 0)) || echo ' (warm-up)'): 202 after" \
            "$post ms, new refreshed_at ${from_202} ms after the 202; job: ${jobs[-1]}"
    done
    local after
    after="$(fingerprint "$g")"

    local base_runs=() b
    for ((i = 1; i <= 5; i++)); do
        base_runs+=("$(timed_ms psql_app -f "$work/evaluate.sql")")
    done
    b="$(printf '%s\n' "${base_runs[@]}" | median)"
    local after_base plan
    after_base="$(fingerprint "$g")"
    plan="$(sed -n '/^CREATE TEMP TABLE/{s/^CREATE TEMP TABLE group_evaluation ON COMMIT DROP AS /EXPLAIN (ANALYZE, BUFFERS) /;p}' \
        "$work/evaluate.sql" | { echo "BEGIN; SET LOCAL jit = off; SET LOCAL work_mem = '32MB';"; cat; echo "ROLLBACK;"; } \
        | psql_app | grep -E 'Join|Scan|Workers|Execution' | sed 's/^ */    /' | cut -c1-150)"
    sleep 11
    local writes_after
    writes_after="$(member_writes)"

    local med
    med="$(printf '%s\n' "${runs[@]}" | median)"
    echo
    echo "== benchmark 3: refresh of a conditional group ($members members of $PEOPLE people), nothing changed =="
    echo "load: $(load_now)"
    echo "group $g (tier eq gold AND ltv gte 300); first evaluation (create -> completed, or found): $t_eval ms"
    echo "202 -> new refreshed_at: median $med ms, max $(printf '%s\n' "${runs[@]}" | sort -n | tail -1) ms over" \
        "$REFRESHES refreshes (${runs[*]} ms)   target < 2000 ms"
    echo "psql, GroupEvaluationRepository's statements (one transaction): median $b ms of 5 (${base_runs[*]} ms)"
    echo "ratio psql / refresh: $(ratio "$b" "$med")   target >= 0.70"
    echo "member rows (count, digest of ctid+xmin): before $before; after the refreshes $after; after psql $after_base"
    echo "user_group_member n_tup_ins/upd/del (pg_stat_user_tables): before $writes_before; after $writes_after"
    if [[ "$before" == "$after" && "$after" == "$after_base" && "$writes_before" == "$writes_after" ]]; then
        echo "membership rows written by the refreshes: 0 (every row version unchanged, no insert/update/delete)"
    else
        echo "membership rows written: NOT zero"
    fi
    echo "plan of the selection (EXPLAIN ANALYZE):"
    echo "$plan"
    rss_line
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    . "$PEOPLE_BENCH_DIR/seed.sh"
    run_people bench_conditional
fi
