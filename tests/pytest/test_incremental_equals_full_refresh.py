"""An incremental run gives exactly the marts a --full-refresh build gives over the same raw data.

Two rounds of realistic changes: status transitions on old jobs, late-arriving jobs for past days, a
newer duplicate version of a job, jobs on a new day, new and late credit-ledger entries; LLM usage logs
that arrive late for past hours, re-deliveries that change a request (its cost, or its hour after a clock
fix), and requests in a new hour. Round one runs
incrementally through plain `dbt build` (the updated_at watermark); round two through the Dagster job for
the partition of the day the changes were made (the partition window). Each is compared row for row with
a full refresh of the same data at the same reference time.
"""

from __future__ import annotations

import datetime as dt

import pytest
from dagster import AssetCheckSeverity, DagsterInstance

from conftest import ANCHOR, FOUNDATION, LLM_RAW_SCHEMA, RAW_SCHEMA, Dbt, execute, fetch

TRYON_MARTS = [
    "tenant_tryon_daily", "global_tryon_daily", "tenant_tryon_model_performance",
    "global_tryon_model_performance", "global_tryon_failure_reason", "tenant_tryon_overview",
    "global_tryon_overview", "tryon_data_quality",
]
MARTS = [
    *TRYON_MARTS,
    "usage_aggregations_hourly", "usage_aggregations_daily", "usage_aggregations_daily_by_model",
    "usage_cost_forecast", "llm_data_quality",
]


def snapshot(settings, marts: list[str] = MARTS) -> dict[str, list[tuple]]:
    tables = {}
    for mart in marts:
        rows = fetch(settings, f"select * from marts.{mart}")
        tables[mart] = sorted((tuple(r.values()) for r in rows), key=repr)
    return tables


def assert_same(incremental: dict, full: dict) -> None:
    assert incremental.keys() == full.keys()
    for mart in incremental:
        inc, ref = incremental[mart], full[mart]
        assert len(inc) == len(ref), f"{mart}: {len(inc)} rows incrementally, {len(ref)} after full refresh"
        for a, b in zip(inc, ref):
            # Identical, floats too: every sum the state holds is exact, so no summation order shows.
            assert a == b, f"{mart}: {a} != {b}"


def ts(delta_hours: float) -> str:
    return (ANCHOR + dt.timedelta(hours=delta_hours)).isoformat()


def mutate(settings, changed_at: str, salt: str) -> None:
    s = RAW_SCHEMA
    # Status transitions on old jobs: in-flight jobs complete or fail, days or weeks after creation.
    execute(settings, f"""
        update {s}.tryon_jobs set status = 'completed', updated_at = %s, credits_charged = 1
        where id in (select id from {s}.tryon_jobs where status in ('queued', 'processing')
                     and created_at < %s order by id limit 40)""", (changed_at, ts(-24 * 5)))
    execute(settings, f"""
        update {s}.tryon_jobs set status = 'failed', failure_reason_normalized = 'provider_error', updated_at = %s
        where id in (select id from {s}.tryon_jobs where status in ('queued', 'processing')
                     order by id desc limit 15)""", (changed_at,))
    # A newer version of an existing job arrives as a second row (duplicate id).
    execute(settings, f"""
        insert into {s}.tryon_jobs
        select id, tenant_id, 'provider_expired', model, created_at, %s, 'provider_expired', 0
        from {s}.tryon_jobs where status = 'completed' and tenant_id is not null
        order by md5(id::text || %s) limit 10""", (changed_at, salt))
    # Late arrivals for past days, and jobs on a new day.
    execute(settings, f"""
        insert into {s}.tryon_jobs
        select md5('late:' || %s || g)::uuid, t.id, 'completed', 'kling-v1',
               %s::timestamptz - make_interval(days => 1 + g %% 9), %s::timestamptz, null, 2
        from generate_series(1, 60) g
        cross join lateral (select id from {s}.tenants order by md5(id::text || g) limit 1) t""",
        (salt, changed_at, changed_at))
    execute(settings, f"""
        insert into {s}.tryon_jobs
        select md5('new-day:' || %s || g)::uuid, t.id, case when g %% 4 = 0 then 'queued' else 'completed' end,
               'idm-vton', %s::timestamptz + make_interval(mins => g), %s::timestamptz + make_interval(mins => g + 1),
               null, 1
        from generate_series(1, 50) g
        cross join lateral (select id from {s}.tenants order by md5(id::text || g) limit 1) t""",
        (salt, changed_at, changed_at))
    # Impossible change times (README, "Bad input"): a job created in 2999 that was never updated, one whose
    # updated_at is set to infinity in place, and a new one arriving with it. No past window holds such a change.
    execute(settings, f"""
        insert into {s}.tryon_jobs
        select md5('future:' || %s || g)::uuid, t.id, 'queued', 'idm-vton',
               case when g = 1 then '2999-01-01'::timestamptz else %s::timestamptz end,
               case when g = 1 then null else 'infinity'::timestamptz end, null, 0
        from generate_series(1, 2) g
        cross join lateral (select id from {s}.tenants order by md5(id::text || g) limit 1) t""", (salt, changed_at))
    # (One version row each: the job's other versions keep their times, so no tie between versions is made up.)
    execute(settings, f"""
        update {s}.tryon_jobs set updated_at = 'infinity', status = 'completed'
        where ctid in (select ctid from {s}.tryon_jobs where status = 'processing' and tenant_id is not null
                       order by md5(id::text || %s) limit 2)""", (salt,))
    # Credit movements: new entries, and one recorded a day late.
    execute(settings, f"""
        insert into {s}.credit_ledgers
        select md5('ledger:' || %s || g)::uuid, t.id, case when g %% 2 = 0 then 'purchase' else 'reserve' end,
               10 * g, null, %s::timestamptz - make_interval(hours => g %% 30)
        from generate_series(1, 20) g
        cross join lateral (select id from {s}.tenants order by md5(id::text || g) limit 1) t""",
        (salt, changed_at))
    mutate_llm(settings, changed_at, salt)


def mutate_llm(settings, changed_at: str, salt: str) -> None:
    s = LLM_RAW_SCHEMA
    # Late logs: requests made hours or days ago that land now.
    execute(settings, f"""
        insert into {s}.usage_logs
        select md5('late-log:' || %s || g)::uuid, p.id, 'openai', 'gpt-4o', 100 + g, 20 + g,
               case when g %% 3 = 0 then 0 else 0.001 * g end, case when g %% 6 = 0 then 0 else 0.001 * g end,
               g %% 3 = 0, 200 + g, 'success', %s::timestamptz - make_interval(hours => 2 + g * 7), %s::timestamptz
        from generate_series(1, 40) g
        cross join lateral (select id from {s}.projects order by md5(id::text || g) limit 1) p""",
        (salt, changed_at, changed_at))
    # Re-deliveries: a corrected cost, and a clock fix that moves a request to another hour and day.
    execute(settings, f"""
        insert into {s}.usage_logs
        select id, project_id, provider, model, tokens_input, tokens_output, cost_usd * 2, potential_cost_usd * 2,
               cached, latency_ms, 'error', created_at, %s::timestamptz
        from {s}.usage_logs where project_id is not null and created_at < %s::timestamptz
        order by md5(id::text || %s) limit 25""", (changed_at, changed_at, salt))
    execute(settings, f"""
        insert into {s}.usage_logs
        select id, project_id, provider, model, tokens_input, tokens_output, cost_usd, potential_cost_usd,
               cached, latency_ms, status, created_at - interval '26 hours', %s::timestamptz
        from {s}.usage_logs where project_id is not null and created_at < %s::timestamptz
        order by md5(id::text || %s || 'moved') limit 25""", (changed_at, changed_at, salt))
    # A request made in 2999, and one that landed at infinity.
    execute(settings, f"""
        insert into {s}.usage_logs
        select md5('future-log:' || %s || g)::uuid, p.id, 'openai', 'gpt-4o', 10, 10, 0.001, 0.001, false, 100,
               'success', case when g = 1 then '2999-01-01'::timestamptz else %s::timestamptz end,
               case when g = 1 then %s::timestamptz else 'infinity'::timestamptz end
        from generate_series(1, 2) g
        cross join lateral (select id from {s}.projects order by md5(id::text || g) limit 1) p""",
        (salt, changed_at, changed_at))
    # Requests in the current hour.
    execute(settings, f"""
        insert into {s}.usage_logs
        select md5('new-hour:' || %s || g)::uuid, p.id, 'groq', 'llama-3.1-70b', 300, 80, 0.0003, 0.0003,
               false, 90 + g, 'success', %s::timestamptz + make_interval(mins => g), %s::timestamptz
        from generate_series(1, 30) g
        cross join lateral (select id from {s}.projects order by md5(id::text || g) limit 1) p""",
        (salt, changed_at, changed_at))


@pytest.fixture(scope="module")
def dbt(warehouse):
    """The try-on and LLM domains, which the changes below touch (the product events have their own tests)."""
    return Dbt(warehouse, FOUNDATION)


@pytest.fixture(scope="module")
def initial_build(sample_loaded, dbt):
    dbt("seed")
    dbt("build", "--full-refresh", as_of=ts(0))
    return sample_loaded


def test_incremental_dbt_build_matches_full_refresh(initial_build, dbt):
    mutate(initial_build, changed_at=ts(24 * 2 + 3), salt="round-1")
    as_of = ts(24 * 2 + 4)
    dbt("build", as_of=as_of)
    incremental = snapshot(initial_build)
    dbt("run", "--full-refresh", as_of=as_of)  # the incremental side ran the data tests
    assert_same(incremental, snapshot(initial_build))


def test_incremental_dagster_partition_run_matches_full_refresh(initial_build, dbt):
    """The job of the session's definitions (every domain: the product events' models are built too)."""
    changed_at = ANCHOR + dt.timedelta(days=4, hours=5)
    mutate(initial_build, changed_at=changed_at.isoformat(), salt="round-2")
    as_of = (changed_at + dt.timedelta(hours=1)).isoformat()
    Dbt(initial_build)("parse")  # the manifest of every domain, as the job's dbt sees the project
    from orchestration.definitions import defs

    job = defs.resolve_job_def("analytics_all_assets")
    result = job.execute_in_process(
        partition_key=changed_at.date().isoformat(),
        run_config={"resources": {"build_options": {"config": {"as_of": as_of}}}},
        instance=DagsterInstance.ephemeral(),
        raise_on_error=False,
    )
    assert result.success
    materialized = {e.asset_key.path[-1] for e in result.get_asset_materialization_events()
                    for e in [e.event_specific_data.materialization]}
    assert set(MARTS) <= materialized
    checks = result.get_asset_check_evaluations()
    failed = [c for c in checks if not c.passed]
    # Only warnings fail: the cache alert, the application's data (jobs of a tenant missing from tenants), and the
    # quota alert (this run builds the product events for the first time: the quotas the sample exceeds are new).
    warnings = ("cache_hit_rate_at_least", "relationships_", "quota_exceeded_alerts")
    assert checks and all(c.severity == AssetCheckSeverity.WARN and c.check_name.startswith(warnings)
                          for c in failed), "dbt tests run as Dagster asset checks; only warnings may fail"
    incremental = snapshot(initial_build)
    dbt("run", "--full-refresh", as_of=as_of)  # the incremental side ran the data tests
    assert_same(incremental, snapshot(initial_build))


def move_completed_jobs_back_two_days(settings, changed_at: dt.datetime, limit: int, where: str = "true") -> None:
    """A new version, changed at changed_at, of `limit` completed jobs created over 40 days before it (and
    matching `where`, SQL over the raw columns), its created_at two days earlier: a clock fix."""
    execute(settings, f"""
        insert into {RAW_SCHEMA}.tryon_jobs
        select id, tenant_id, status, model, created_at - interval '2 days', %s, failure_reason_normalized,
               credits_charged
        from {RAW_SCHEMA}.tryon_jobs where status = 'completed' and tenant_id is not null
          and created_at < %s::timestamptz - interval '40 days' and ({where})
          and id not in (select id from {RAW_SCHEMA}.tryon_jobs where updated_at = %s)
        order by md5(id::text) limit {int(limit)}""", (changed_at, changed_at, changed_at))


# Completed jobs with a single raw row (spec 000's layout: one row per id), created over 40 days before %s: the jobs
# the tests update in place.
SINGLE_VERSION_COMPLETED = f"""id in (select id from {RAW_SCHEMA}.tryon_jobs group by id having count(*) = 1)
    and status = 'completed' and tenant_id is not null and created_at < %s::timestamptz - interval '40 days'"""


def settle_watermarks(settings, dbt, settle_at: dt.datetime, salt: str, *select: str) -> dt.datetime:
    """One new job and one new log at settle_at, built incrementally: every watermark moves there (of the models in
    `select`, if given), so the next run's lookback holds only what a test changes after it. Returns the time to make
    those changes at."""
    execute(settings, f"""
        insert into {RAW_SCHEMA}.tryon_jobs
        select md5(%s)::uuid, id, 'completed', 'idm-vton', %s, %s, null, 1 from {RAW_SCHEMA}.tenants
        where id is not null order by id limit 1""", (salt, settle_at, settle_at))
    execute(settings, f"""
        insert into {LLM_RAW_SCHEMA}.usage_logs
        select md5(%s)::uuid, id, 'groq', 'llama-3.1-70b', 10, 10, 0.00001, 0.00001, false, 100, 'success',
               %s, %s from {LLM_RAW_SCHEMA}.projects where id is not null order by id limit 1""",
            (salt, settle_at, settle_at))
    dbt("build", *(("--select", *select) if select else ()), as_of=settle_at.isoformat())
    return settle_at + dt.timedelta(hours=1)


def test_a_new_version_that_moves_an_entity_to_another_bucket(initial_build, dbt):
    """Clock fixes alone: the bucket the old version counted in must be recomputed, not only the new one.

    A first run with one new row moves every watermark a month ahead, so the lookback of the second run
    holds only the moves: no unrelated change happens to recompute the old buckets.
    """
    settings = initial_build
    changed_at = settle_watermarks(settings, dbt, ANCHOR + dt.timedelta(days=30), "settle")
    move_completed_jobs_back_two_days(settings, changed_at, limit=10)
    # And jobs of the first two days of a UTC month, moved into the month before (the monthly state).
    move_completed_jobs_back_two_days(settings, changed_at, limit=5,
                                      where="extract(day from timezone('utc', created_at)) <= 2")
    month_moves = fetch(settings, f"""
        select count(distinct id) as n from {RAW_SCHEMA}.tryon_jobs as moved
        where updated_at = %s and exists (
            select 1 from {RAW_SCHEMA}.tryon_jobs as old where old.id = moved.id
              and date_trunc('month', timezone('utc', old.created_at))
                  <> date_trunc('month', timezone('utc', moved.created_at)))""", (changed_at,))
    assert month_moves[0]["n"] >= 5, "the sample must hold jobs to move across a month boundary"
    execute(settings, f"""
        insert into {LLM_RAW_SCHEMA}.usage_logs
        select id, project_id, provider, model, tokens_input, tokens_output, cost_usd, potential_cost_usd,
               cached, latency_ms, status, created_at - interval '50 hours', %s::timestamptz
        from {LLM_RAW_SCHEMA}.usage_logs where project_id is not null
          and created_at < %s::timestamptz - interval '40 days'
        order by md5(id::text) limit 10""", (changed_at, changed_at))
    as_of = (changed_at + dt.timedelta(hours=1)).isoformat()
    dbt("build", as_of=as_of)
    incremental = snapshot(settings)
    dbt("run", "--full-refresh", as_of=as_of)  # the incremental side ran the data tests
    assert_same(incremental, snapshot(settings))


def test_an_update_in_place_that_moves_a_job_to_another_day_and_month(initial_build, dbt):
    """Spec 000's tryon_jobs has one row per id: an application that corrects created_at updates the row, so no
    older version is left in the source to tell which day (and month) the job counted on. The incremental run
    must still recompute that day and month (int_tryon__jobs_enriched.previous_created_day_utc), or the job
    would count on both days.

    As above, a settling run first moves every watermark ahead so that only the moves are in the lookback.
    """
    settings = initial_build
    # Before the LLM hourly retention (90 days) would cut into the sample: a full refresh must see the same hours.
    changed_at = settle_watermarks(settings, dbt, ANCHOR + dt.timedelta(days=32), "settle-in-place")
    # Ten jobs move two days back, and five of the first two days of a UTC month move into the month before.
    moved = fetch(settings, f"""
        with picked as (
            (select id from {RAW_SCHEMA}.tryon_jobs where {SINGLE_VERSION_COMPLETED} order by md5(id::text || 'in-place') limit 10)
            union
            (select id from {RAW_SCHEMA}.tryon_jobs where {SINGLE_VERSION_COMPLETED}
               and extract(day from timezone('utc', created_at)) <= 2 order by md5(id::text) limit 5)
        )
        update {RAW_SCHEMA}.tryon_jobs set created_at = created_at - interval '2 days', updated_at = %s
        where id in (select id from picked)
        returning date_trunc('month', timezone('utc', created_at)) <> date_trunc('month', timezone('utc', created_at + interval '2 days')) as new_month""",
        (changed_at, changed_at, changed_at))
    assert len(moved) == 15 and sum(r["new_month"] for r in moved) >= 5, "the sample must hold jobs to move"
    as_of = (changed_at + dt.timedelta(hours=1)).isoformat()
    dbt("build", as_of=as_of)
    incremental = snapshot(settings)
    dbt("run", "--full-refresh", as_of=as_of)  # the incremental side ran the data tests
    assert_same(incremental, snapshot(settings))


def test_a_run_that_stopped_half_way_is_finished_by_the_next(initial_build, dbt):
    """Each model keeps its own watermark, and the change manifests keep every unit's newest change: runs that stop
    after the manifests and int_tryon__jobs_enriched (a failure further down) leave the other models behind, and the
    next full run recomputes what they missed, even once the manifests' own lookback has moved past those changes.
    Jobs updated in place twice, in the first and in the last run (day A to B, then B to C), must leave day A
    recomputed too: only the manifest remembers it.
    """
    settings = initial_build
    manifests = ("+int_tryon__changed_units", "+int_llm__changed_units")
    changed_at = settle_watermarks(settings, dbt, ANCHOR + dt.timedelta(days=34), "settle-half-way")
    moved = fetch(settings, f"""
        update {RAW_SCHEMA}.tryon_jobs set created_at = created_at - interval '2 days', updated_at = %s
        where id in (select id from {RAW_SCHEMA}.tryon_jobs where {SINGLE_VERSION_COMPLETED}
                     order by md5(id::text || 'half-way') limit 10)
        returning id""", (changed_at, changed_at))
    assert len(moved) == 10
    mutate(settings, changed_at.isoformat(), "half-way-1")
    dbt("build", "--select", *manifests, as_of=(changed_at + dt.timedelta(hours=1)).isoformat())
    # A second stopped run, four days on: the manifests' watermarks move beyond the lookback (72 h) of the first
    # run's changes, so the next run's manifests no longer read them; the other models' watermarks stay behind.
    later = settle_watermarks(settings, dbt, changed_at + dt.timedelta(days=4), "half-way-settle", *manifests)
    # (The days of the planted impossible change times, 2999 and infinity, are in every run's scope: left out here.)
    stale = fetch(settings, """select count(*) as n from marts.global_tryon_daily
                               where last_source_changed_at >= %s and last_source_changed_at < '2100-01-01'""",
                  (changed_at,))
    assert stale[0]["n"] == 0, "the marts must still be behind: the runs stopped before them"

    execute(settings, f"""
        update {RAW_SCHEMA}.tryon_jobs set created_at = created_at - interval '2 days', updated_at = %s
        where id = any(%s::uuid[])""", (later, [r["id"] for r in moved]))
    mutate(settings, later.isoformat(), "half-way-2")
    as_of = (later + dt.timedelta(hours=1)).isoformat()
    dbt("build", as_of=as_of)
    incremental = snapshot(settings)
    dbt("run", "--full-refresh", as_of=as_of)  # the incremental side ran the data tests
    assert_same(incremental, snapshot(settings))


def test_deleted_raw_rows_heal_after_the_daily_reconciliation(initial_build, dbt):
    """Rows deleted at the source leave no change time, so an incremental run alone keeps counting them. The daily
    reconciliation (`dbt run-operation reconcile_deletions`) stamps their days in the change manifests, and the next
    incremental run equals a full refresh, for a day left with no job at all too (its rows must go, not stay stale).
    """
    settings = initial_build
    changed_at = settle_watermarks(settings, dbt, ANCHOR + dt.timedelta(days=38), "settle-deletes")
    # A tenant offboarded (its jobs and ledger entries purged), every job of one UTC day purged, some logs purged, and
    # the newest delivery of re-delivered requests purged (the older one, on another day, counts again).
    tenant = fetch(settings, f"""
        select tenant_id from {RAW_SCHEMA}.tryon_jobs where tenant_id in (select id from {RAW_SCHEMA}.tenants)
        group by tenant_id order by count(*), tenant_id limit 1""")[0]["tenant_id"]
    execute(settings, f"""
        insert into {LLM_RAW_SCHEMA}.usage_logs
        select id, project_id, provider, model, tokens_input, tokens_output, cost_usd, potential_cost_usd, cached,
               latency_ms, status, created_at + interval '2 days', %s::timestamptz - interval '30 minutes'
        from {LLM_RAW_SCHEMA}.usage_logs where id is not null and project_id is not null
          and created_at < %s::timestamptz - interval '20 days'
        order by md5(id::text || 'resurrect') limit 5""", (changed_at, changed_at))
    dbt("build", as_of=changed_at.isoformat())
    execute(settings, f"""
        delete from {LLM_RAW_SCHEMA}.usage_logs
        where ingested_at = %s::timestamptz - interval '30 minutes'""", (changed_at,))
    execute(settings, f"delete from {RAW_SCHEMA}.tryon_jobs where tenant_id = %s", (tenant,))
    execute(settings, f"delete from {RAW_SCHEMA}.credit_ledgers where tenant_id = %s", (tenant,))
    day = fetch(settings, f"""
        select timezone('utc', created_at)::date as day from {RAW_SCHEMA}.tryon_jobs
        where created_at < %s::timestamptz - interval '20 days'
        group by 1 order by count(*), 1 limit 1""", (changed_at,))[0]["day"]
    execute(settings, f"delete from {RAW_SCHEMA}.tryon_jobs where timezone('utc', created_at)::date = %s", (day,))
    execute(settings, f"""
        delete from {LLM_RAW_SCHEMA}.usage_logs where id in (
            select id from {LLM_RAW_SCHEMA}.usage_logs where created_at < %s::timestamptz - interval '3 days'
            order by md5(id::text) limit 50)""", (changed_at,))
    as_of = (changed_at + dt.timedelta(hours=1)).isoformat()
    # `run`, not `build`: until the reconciliation the data tests rightly fail (aggregates no longer match the logs).
    dbt("run", as_of=as_of)
    stale = snapshot(settings)
    dbt("run-operation", "reconcile_deletions", as_of=as_of)
    dbt("build", as_of=as_of)
    incremental = snapshot(settings)
    dbt("run", "--full-refresh", as_of=as_of)  # the incremental side ran the data tests
    full = snapshot(settings)
    assert stale["global_tryon_daily"] != full["global_tryon_daily"], \
        "before the reconciliation the deleted jobs still count (else this test checks nothing)"
    assert not [r for r in fetch(settings, "select created_day_utc from marts.global_tryon_daily where created_day_utc = %s",
                                 (day,))], "the purged day has no row after a full refresh"
    assert_same(incremental, full)
