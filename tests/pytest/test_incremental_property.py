"""Property: whatever realistic raw changes arrive between runs, every mart built incrementally equals a full refresh.

Hypothesis draws a short sequence of steps; each step applies one kind of change an operational database really sees
(status transitions, `created_at` corrected in place, a job moved to another tenant, late rows, re-deliveries that
move a request to another hour, ledger entries, deletes), at a time that moves forward by a random number of hours
(so steps fall inside and beyond the 72-hour lookback), then runs the daily reconciliation and an incremental
`dbt build`, and compares every mart row for row with a `--full-refresh` over the same data. Each example starts from
a freshly generated small sample in a database of its own.

Examples: one written out (a correction in place, a purge beyond the lookback, a re-delivery) and TA_PROPERTY_EXAMPLES
drawn ones (default 1, kept small for `make test`; e.g. 25 for a longer search).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os

from hypothesis import HealthCheck, example, given, settings, strategies as st

from conftest import ANCHOR, FOUNDATION, LLM_RAW_SCHEMA, RAW_SCHEMA, SAMPLE, Dbt, execute, sampled_database
from test_incremental_equals_full_refresh import assert_same, snapshot

SMALL = dataclasses.replace(SAMPLE, jobs=2_000, llm_requests=2_000, tenants=12, days=8, anchor=ANCHOR)
EXAMPLES = int(os.environ.get("TA_PROPERTY_EXAMPLES", "1"))


def change(settings, kind: str, count: int, at: dt.datetime, salt: int) -> None:
    """One kind of raw change to `count` rows, made at `at` (their change time)."""
    s, l = RAW_SCHEMA, LLM_RAW_SCHEMA
    pick = f"order by md5(id::text || '{salt}') limit {count}"
    statements = {
        "status": f"""update {s}.tryon_jobs set status = case when mod({salt}, 2) = 0 then 'completed' else 'failed' end,
                          updated_at = %(at)s
                      where id in (select id from {s}.tryon_jobs where status in ('queued', 'processing') {pick})""",
        "created_at_corrected": f"""update {s}.tryon_jobs
                      set created_at = created_at - make_interval(hours => 20 + mod({salt}, 60)), updated_at = %(at)s
                      where id in (select id from {s}.tryon_jobs where created_at is not null {pick})""",
        "tenant_corrected": f"""update {s}.tryon_jobs set updated_at = %(at)s,
                          tenant_id = (select id from {s}.tenants where id is not null order by md5(id::text || '{salt}') limit 1)
                      where id in (select id from {s}.tryon_jobs where tenant_id is not null {pick})""",
        "late_jobs": f"""insert into {s}.tryon_jobs
                      select md5('late' || {salt} || g)::uuid, t.id, 'completed', 'kling-v1',
                             %(at)s::timestamptz - make_interval(hours => 1 + mod(g * 37 + {salt}, 200)), %(at)s, null, 1
                      from generate_series(1, {count}) g
                      cross join lateral (select id from {s}.tenants where id is not null
                                          order by md5(id::text || g || '{salt}') limit 1) t""",
        "job_redelivered": f"""insert into {s}.tryon_jobs
                      select id, tenant_id, 'provider_expired', model, created_at - interval '1 day', %(at)s,
                             'provider_expired', 0
                      from {s}.tryon_jobs where id is not null and created_at is not null {pick}""",
        "ledger_entries": f"""insert into {s}.credit_ledgers
                      select md5('entry' || {salt} || g)::uuid, t.id, 'purchase', 10 * g, null,
                             %(at)s::timestamptz - make_interval(hours => mod(g, 30))
                      from generate_series(1, {count}) g
                      cross join lateral (select id from {s}.tenants where id is not null
                                          order by md5(id::text || g || '{salt}') limit 1) t""",
        "log_redelivered": f"""insert into {l}.usage_logs
                      select id, project_id, provider, model, tokens_input, tokens_output, cost_usd * 2,
                             potential_cost_usd * 2, cached, latency_ms, status,
                             created_at - make_interval(hours => mod({salt}, 30)), %(at)s
                      from {l}.usage_logs where id is not null and created_at is not null {pick}""",
        "late_logs": f"""insert into {l}.usage_logs
                      select md5('late-log' || {salt} || g)::uuid, p.id, 'openai', 'gpt-4o', 100 + g, 20 + g, 0.001 * g,
                             0.002 * g, mod(g, 3) = 0, 200 + g, 'success',
                             %(at)s::timestamptz - make_interval(hours => mod(g * 11 + {salt}, 150)), %(at)s
                      from generate_series(1, {count}) g
                      cross join lateral (select id from {l}.projects where id is not null
                                          order by md5(id::text || g || '{salt}') limit 1) p""",
        "jobs_deleted": f"delete from {s}.tryon_jobs where id in (select id from {s}.tryon_jobs {pick})",
        "logs_deleted": f"delete from {l}.usage_logs where id in (select id from {l}.usage_logs {pick})",
    }
    execute(settings, statements[kind], {"at": at})


STEP = st.tuples(
    st.sampled_from(["status", "created_at_corrected", "tenant_corrected", "late_jobs", "job_redelivered",
                     "ledger_entries", "log_redelivered", "late_logs", "jobs_deleted", "logs_deleted"]),
    st.integers(min_value=1, max_value=25),      # rows changed
    st.integers(min_value=1, max_value=120),     # hours since the previous step
    st.integers(min_value=0, max_value=10_000),  # which rows
)


@settings(max_examples=EXAMPLES, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=st.lists(STEP, min_size=1, max_size=3))
@example(steps=[("created_at_corrected", 8, 2, 11), ("jobs_deleted", 15, 90, 12), ("log_redelivered", 10, 3, 13)])
def test_any_sequence_of_raw_changes_keeps_incremental_runs_equal_to_a_full_refresh(warehouse, steps):
    db = sampled_database(warehouse, "analytics_property", SMALL, FOUNDATION)  # the domains the changes touch
    dbt = Dbt(db, FOUNDATION)
    at = ANCHOR + dt.timedelta(hours=1)
    dbt("seed")
    dbt("build", "--full-refresh", as_of=at.isoformat())
    for kind, count, hours, salt in steps:
        at += dt.timedelta(hours=hours)
        change(db, kind, count, at, salt)
        as_of = (at + dt.timedelta(minutes=30)).isoformat()
        dbt("run-operation", "reconcile_deletions", as_of=as_of)
        dbt("run", as_of=as_of)
        incremental = snapshot(db)
        dbt("run", "--full-refresh", as_of=as_of)
        assert_same(incremental, snapshot(db))
