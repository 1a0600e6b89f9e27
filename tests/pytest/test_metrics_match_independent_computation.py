"""Every spec metric in every mart equals an independent Python computation over the raw sample rows.

Counts and sums exact, rates and averages to 1e-9, p95 within the documented histogram bound
(|reported - exact nearest-rank value| <= max(1 % of the exact value, 0.5 s); macros/metrics/histogram.sql).
"""

from __future__ import annotations

import datetime as dt
import math

import psycopg2.errors
import pytest

from conftest import AS_OF, RAW_SCHEMA, execute, fetch, p95_within_bound
from reference import clean_jobs, credit_balances, group, in_window, outcome_metrics

AS_OF_TS = dt.datetime.fromisoformat(AS_OF)
EXACT = ["total_jobs", "completed_jobs", "failed_jobs", "provider_expired_jobs", "in_flight_jobs",
         "unknown_status_jobs", "terminal_jobs"]
RATES = ["terminal_success_rate_pct", "avg_lifecycle_seconds_completed"]


def assert_metrics(actual: dict, expected: dict, where: str) -> None:
    for col in EXACT:
        assert actual[col] == expected[col], f"{where}: {col} {actual[col]} != {expected[col]}"
    for col in RATES:
        a, e = actual[col], expected[col]
        if e is None:
            assert a is None, f"{where}: {col} {a} != None"
        else:
            assert a is not None and math.isclose(a, e, rel_tol=1e-9, abs_tol=1e-9), f"{where}: {col} {a} != {e}"
    assert p95_within_bound(actual["p95_lifecycle_seconds_completed"], expected["p95_lifecycle_seconds_completed"]), (
        f"{where}: p95 {actual['p95_lifecycle_seconds_completed']} vs exact {expected['p95_lifecycle_seconds_completed']}"
    )


@pytest.fixture(scope="module")
def jobs(built):
    return clean_jobs(fetch(built, f"select * from {RAW_SCHEMA}.tryon_jobs"))


def by_key(rows: list[dict], *keys: str) -> dict:
    return {tuple(str(r[k]) if k == "tenant_id" else r[k] for k in keys): r for r in rows}


def test_tenant_daily(built, jobs):
    mart = by_key(fetch(built, "select * from public.tenant_tryon_daily_v"), "tenant_id", "created_day_utc")
    expected = group(jobs, "tenant_id", "day")
    assert set(mart) == set(expected)
    for key, group_jobs in expected.items():
        assert_metrics(mart[key], outcome_metrics(group_jobs), f"tenant day {key}")
        assert mart[key]["credits_charged"] == sum(j["credits"] for j in group_jobs)


def test_global_daily(built, jobs):
    mart = by_key(fetch(built, "select * from public.global_tryon_daily_v"), "created_day_utc")
    expected = group(jobs, "day")
    assert set(mart) == set(expected)
    for key, group_jobs in expected.items():
        assert_metrics(mart[key], outcome_metrics(group_jobs), f"day {key}")
        assert mart[key]["tenants_with_jobs"] == len({j["tenant_id"] for j in group_jobs})


def test_tenant_model_performance(built, jobs):
    mart = by_key(fetch(built, "select * from public.tenant_tryon_model_performance_v"), "tenant_id", "model")
    expected = group(jobs, "tenant_id", "model")
    assert set(mart) == set(expected)
    for key, group_jobs in expected.items():
        assert_metrics(mart[key], outcome_metrics(group_jobs), f"tenant model {key}")


def test_global_model_performance(built, jobs):
    mart = by_key(fetch(built, "select * from public.global_tryon_model_performance_v"), "model")
    expected = group(jobs, "model")
    assert set(mart) == set(expected)
    assert ("unknown",) in mart, "jobs without a model are reported under 'unknown'"
    for key, group_jobs in expected.items():
        assert_metrics(mart[key], outcome_metrics(group_jobs), f"model {key}")
        assert mart[key]["tenants_using_model"] == len({j["tenant_id"] for j in group_jobs})


def test_failure_reasons(built, jobs):
    mart = by_key(fetch(built, "select * from public.global_tryon_failure_reason_v"), "failure_reason_normalized")
    failed = [j for j in jobs if j["reason"] is not None]
    expected = group(failed, "reason")
    assert set(mart) == set(expected)
    for (reason,), group_jobs in expected.items():
        row = mart[(reason,)]
        assert row["total_failures"] == len(group_jobs)
        assert row["tenants_affected"] == len({j["tenant_id"] for j in group_jobs})
        assert math.isclose(row["share_of_failures_pct"], 100.0 * len(group_jobs) / len(failed), rel_tol=1e-9)


def test_tenant_overview(built, jobs):
    mart = by_key(fetch(built, "select * from public.tenant_tryon_overview_v"), "tenant_id")
    tenants = {str(r["id"]) for r in fetch(built, f"select id from {RAW_SCHEMA}.tenants where id is not null")}
    assert {k[0] for k in mart} == tenants, "one row per tenant, including tenants without jobs"
    credits = credit_balances(fetch(built, f"select * from {RAW_SCHEMA}.credit_ledgers"))
    per_tenant = group(jobs, "tenant_id")
    for (tenant,), row in mart.items():
        tenant_jobs = per_tenant.get((tenant,), [])
        assert_metrics(row, outcome_metrics(tenant_jobs), f"tenant {tenant}")
        assert row["jobs_last_24h"] == sum(in_window(j["created_at"], AS_OF_TS, 24) for j in tenant_jobs)
        assert row["jobs_last_7d"] == sum(in_window(j["created_at"], AS_OF_TS, 24 * 7) for j in tenant_jobs)
        assert (row["available_credits"], row["reserved_or_spent_credits"]) == credits.get(tenant, (0, 0))
        assert row["as_of_at"] == AS_OF_TS
    assert sum(r["jobs_last_24h"] for r in mart.values()) > 0, "the sample data must exercise the 24h window"


def test_global_overview(built, jobs):
    [row] = fetch(built, "select * from public.global_tryon_overview_v")
    assert_metrics(row, outcome_metrics(jobs), "global")
    assert row["tenants_with_jobs"] == len({j["tenant_id"] for j in jobs})
    assert row["active_tenants_last_30d"] == len({j["tenant_id"] for j in jobs if in_window(j["created_at"], AS_OF_TS, 24 * 30)})
    assert row["jobs_last_24h"] == sum(in_window(j["created_at"], AS_OF_TS, 24) for j in jobs)
    assert row["jobs_last_7d"] == sum(in_window(j["created_at"], AS_OF_TS, 24 * 7) for j in jobs)
    credits = credit_balances(fetch(built, f"select * from {RAW_SCHEMA}.credit_ledgers"))
    assert row["available_credits"] == sum(v[0] for v in credits.values())
    assert row["reserved_or_spent_credits"] == sum(v[1] for v in credits.values())


def test_enriched_view_has_the_spec_fields(built, jobs):
    rows = fetch(built, "select * from public.tryon_jobs_enriched_v")
    assert len(rows) == len(jobs)
    for row in rows:
        assert row["is_failed"] == (row["status"] in ("failed", "provider_expired"))
        assert row["is_credits_charged"] == (row["credits_charged"] > 0)
        if row["lifecycle_seconds"] is not None:
            assert row["lifecycle_seconds"] >= 0
            assert row["status"] in ("completed", "failed", "provider_expired")


def test_data_quality_counts_every_messy_kind(built):
    counts = {(r["source_table"], r["rule"]): r["affected_rows"]
              for r in fetch(built, "select * from marts.tryon_data_quality")}
    raw = fetch(built, f"""
        select count(*) filter (where id is null) as missing_id,
               count(*) filter (where tenant_id is null) as missing_tenant,
               count(*) filter (where updated_at < created_at) as skew,
               count(*) filter (where lower(trim(status)) not in
                   ('queued', 'processing', 'completed', 'failed', 'provider_expired')) as unknown_status,
               count(*) - count(distinct id) - count(*) filter (where id is null) as duplicates,
               count(*) filter (where model like '%%bob.smith@example.org%%') as personal_model,
               count(*) filter (where credits_charged > 10000) as implausible_credits,
               count(*) filter (where credits_charged is null or credits_charged < 0
                                   or credits_charged > 10000) as invalid_credits,
               count(distinct id) filter (where created_at is not null and tenant_id is not null
                   and tenant_id not in (select id from {RAW_SCHEMA}.tenants where id is not null)) as unknown_tenant_jobs
        from {RAW_SCHEMA}.tryon_jobs""")[0]
    assert counts[("tryon_jobs", "missing_job_id")] == raw["missing_id"] > 0
    assert counts[("tryon_jobs", "missing_tenant_id")] == raw["missing_tenant"] > 0
    assert counts[("tryon_jobs", "updated_before_created")] == raw["skew"] > 0
    assert counts[("tryon_jobs", "unknown_status")] == raw["unknown_status"] > 0
    assert counts[("tryon_jobs", "duplicate_job_version")] == raw["duplicates"] > 0
    # The generator plants an email in some model names (orchestration/sql/tryon_sample_data.sql).
    assert counts[("tryon_jobs", "personal_data_in_model")] == raw["personal_model"] > 0
    # Jobs of a tenant missing from tenants are kept and counted; the build warns instead of failing.
    assert counts[("tryon_jobs", "unknown_tenant")] == raw["unknown_tenant_jobs"] > 0
    models = {r["model"] for r in fetch(built, "select distinct model from marts.tenant_tryon_model_performance")}
    assert "kling-v1 (support: [email])" in models and not any("@" in m for m in models)
    assert counts[("credit_ledgers", "unknown_event_type")] > 0
    assert counts[("credit_ledgers", "invalid_amount")] > 0
    # Implausible magnitudes (the int32 maximum) are counted with the invalid values and reach no sum.
    assert counts[("tryon_jobs", "invalid_credits_charged")] == raw["invalid_credits"] and raw["implausible_credits"] > 0
    ledger = fetch(built, f"""select count(*) filter (where amount is null or amount <= 0 or amount > 10000000) as invalid,
                                       count(*) filter (where amount > 10000000) as implausible,
                                       count(*) filter (where created_at = 'infinity') as infinite,
                                       count(*) filter (where created_at = '-infinity') as minus_infinite
                                from {RAW_SCHEMA}.credit_ledgers""")[0]
    assert counts[("credit_ledgers", "invalid_amount")] == ledger["invalid"] and ledger["implausible"] > 0
    # ±infinity times (both signs planted, in jobs and ledger entries): counted, and dropped (the comparisons above).
    assert counts[("credit_ledgers", "infinite_time")] == ledger["infinite"] + ledger["minus_infinite"]
    assert ledger["infinite"] > 0 and ledger["minus_infinite"] > 0
    jobs = fetch(built, f"""select count(*) filter (where not isfinite(created_at) or not isfinite(updated_at)) as infinite,
                                   count(*) filter (where created_at = '-infinity') as minus_infinite
                            from {RAW_SCHEMA}.tryon_jobs""")[0]
    assert counts[("tryon_jobs", "infinite_time")] == jobs["infinite"] and jobs["minus_infinite"] > 0


def test_a_row_that_breaks_a_column_rule_is_refused_by_a_mart_and_reported_elsewhere(built, dbt):
    """Column rules (README, "Tests"): a mart refuses the row when it is written (its contract's constraints, which
    PostgreSQL enforces: the run fails and readers keep the previous rows); in staging and intermediate models the
    rows_satisfy test reports it, in one query per model."""
    conn = built.connect()
    try:
        with conn.cursor() as cur:
            for statement, error in [
                ("update marts.tenant_tryon_daily set total_jobs = -1", psycopg2.errors.CheckViolation),
                ("update marts.tenant_tryon_daily set tenant_id = null", psycopg2.errors.NotNullViolation),
                ("update marts.usage_aggregations_hourly set cache_hit_rate = 100.5", psycopg2.errors.CheckViolation),
            ]:
                with pytest.raises(error):
                    cur.execute(statement)
                conn.rollback()
    finally:
        conn.close()

    job = fetch(built, "select job_id, credits_charged from intermediate.int_tryon__jobs_enriched limit 1")[0]
    assert dbt("test", "--select", "int_tryon__jobs_enriched,test_name:rows_satisfy").returncode == 0
    execute(built, "update intermediate.int_tryon__jobs_enriched set credits_charged = -5 where job_id = %s",
            (job["job_id"],))
    try:
        broken = dbt("test", "--select", "int_tryon__jobs_enriched,test_name:rows_satisfy", check=False)
    finally:
        execute(built, "update intermediate.int_tryon__jobs_enriched set credits_charged = %s where job_id = %s",
                (job["credits_charged"], job["job_id"]))
    assert broken.returncode == 1 and "Got 1 result" in broken.stdout, broken.stdout[-3000:]


@pytest.mark.parametrize("rows, broken", [
    ("(1, 5), (1, 6), (null, -1), (2, 0)", {"unique id": 1, "id is not null": 1, "n >= 0": 1}),
    ("(1, 5), (2, null), (3, 0)", {}),  # a rule that is null passes, as accepted_range lets nulls through
])
def test_rows_satisfy_counts_each_broken_rule_and_duplicate_keys(built, dbt, rows, broken):
    """The generic test behind every staging and intermediate model's rules (macros/tests/generic_tests.sql), run on
    rows made for it: each broken rule, and the duplicates of unique_key, with their row counts."""
    probe = f"(select * from (values {rows}) as probe (id, n))"
    compiled = dbt("compile", "--quiet", "--inline",
                   f"{{{{ test_rows_satisfy(model='{probe}', rules=['id is not null', 'n >= 0'], unique_key='id') }}}}")
    found = {r["broken_rule"]: r["failing_rows"] for r in fetch(built, compiled.stdout)}
    assert found == broken


SPEC_QUERIES = [
    "select * from public.tenant_tryon_overview_v where tenant_id = '{tenant}';",
    """select * from public.tenant_tryon_daily_v
where tenant_id = '{tenant}'
  and created_day_utc >= (timezone('utc', now())::date - 30)
order by created_day_utc;""",
    "select * from public.global_tryon_overview_v;",
    """select * from public.global_tryon_failure_reason_v
order by total_failures desc
limit 10;""",
]


@pytest.mark.parametrize("query", SPEC_QUERIES)
def test_spec_example_queries_run_unchanged(built, query):
    """Verbatim, and with now() at the build's as_of (the sample's last day), where they must return rows: the
    sample lies before today, so a trailing window from now() would check nothing."""
    tenant = fetch(built, "select tenant_id from public.tenant_tryon_overview_v order by total_jobs desc limit 1")[0]
    fetch(built, query.format(tenant=tenant["tenant_id"]))
    at_as_of = query.replace("now()", f"'{AS_OF}'::timestamptz").format(tenant=tenant["tenant_id"])
    assert fetch(built, at_as_of), at_as_of


def test_public_views_are_security_invoker(built):
    rows = fetch(built, """
        select c.relname, c.reloptions from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relkind = 'v'""")
    names = {r["relname"] for r in rows}
    assert {"tryon_jobs_enriched_v", "tenant_tryon_overview_v", "tenant_tryon_daily_v",
            "tenant_tryon_model_performance_v", "global_tryon_overview_v", "global_tryon_daily_v",
            "global_tryon_model_performance_v", "global_tryon_failure_reason_v"} <= names
    for row in rows:
        assert "security_invoker=true" in (row["reloptions"] or []), row["relname"]
