"""An hourly run's data tests read what the run changed (macros/tests/run_scope.sql): a defect in a unit or entity the
window touched fails them, a defect in rows the window did not touch does not (a full build's tests, with no window,
read everything and find both). Defects are planted in the built tables after a full build of the sample."""

from __future__ import annotations

import json

import pytest
from conftest import FOUNDATION, SAMPLE, Dbt, execute, fetch, sampled_database

from orchestration.project import target_dir

# The sample ends on 2026-06-01 (conftest.SAMPLE): this day's window, with the 72-hour lookback before it, holds the
# last days' changes; everything changed before 2026-05-28 lies outside it.
WINDOW = ("2026-05-31", "2026-06-01")
OUTSIDE = "2026-05-20"


def failures(dbt, test: str, window: tuple[str, str] | None) -> int:
    """The number of failing rows dbt reports for one test (0: it passed)."""
    dbt("test", "--select", test, check=False, window=window)
    results = [r for r in json.loads((target_dir() / "run_results.json").read_text())["results"]
               if r["unique_id"].startswith("test.")]
    assert len(results) == 1 and results[0]["status"] in ("pass", "fail", "warn"), results
    return results[0]["failures"] or 0


@pytest.fixture(scope="module")
def scoped(warehouse):
    """A database of this module's own (other modules change the shared one's raw rows, and with them which days
    look changed), fully built."""
    settings = sampled_database(warehouse, "test_scope", SAMPLE, FOUNDATION)  # the domains whose tests it runs
    dbt = Dbt(settings, FOUNDATION)
    dbt("seed")
    dbt("build", "--full-refresh")
    return settings


@pytest.fixture(scope="module")
def dbt(scoped):
    return Dbt(scoped, FOUNDATION)


def test_a_full_build_analyzes_the_incremental_models_it_created(scoped):
    """macros/incremental/analyze.sql: the next incremental run is planned with statistics (last_analyze is set by
    ANALYZE only, never by autovacuum)."""
    analyzed = {row["relname"] for row in fetch(scoped, "select relname from pg_stat_user_tables "
                                                          "where last_analyze is not null")}
    assert {"int_tryon__jobs_enriched", "int_llm__usage_hourly", "usage_aggregations_daily",
            "tenant_tryon_daily"} <= analyzed, analyzed


def test_a_windowed_run_tests_the_days_it_changed_and_a_full_test_all(scoped, dbt):
    test = "llm_daily_aggregates_reconcile_with_requests"
    assert failures(dbt, test, WINDOW) == 0 and failures(dbt, test, None) == 0
    days = fetch(scoped, "select created_day_utc as day, max(last_changed_at) as changed from "
                         "intermediate.int_llm__changed_units where source_name = 'usage_logs' group by 1")
    inside = max(d["day"] for d in days if d["changed"].isoformat() >= "2026-05-28" and d["day"].isoformat() < "2026-06")
    outside = min(d["day"] for d in days if d["changed"].isoformat() < OUTSIDE and d["day"].year > 2000)
    for day in (outside, inside):
        execute(scoped, "update marts.usage_aggregations_daily set total_requests = total_requests + 1 "
                        "where date = %s and project_id = (select min(project_id::text)::uuid from "
                        "marts.usage_aggregations_daily where date = %s)", (day, day))
        if day == outside:
            assert failures(dbt, test, WINDOW) == 0, "a day outside the window is not re-read by an hourly run"
            assert failures(dbt, test, None) == 1
    assert failures(dbt, test, WINDOW) == 1 and failures(dbt, test, None) == 2


def test_a_windowed_run_tests_the_entities_it_changed(scoped, dbt):
    test = "rows_satisfy_int_tryon__jobs_enriched*"
    jobs = fetch(scoped, "select job_id::text as job_id, source_changed_at from intermediate.int_tryon__jobs_enriched "
                         "where source_changed_at < '2026-06-01' order by source_changed_at")
    changed = jobs[-1]["job_id"]
    untouched = next(j["job_id"] for j in jobs if j["source_changed_at"].isoformat() < OUTSIDE)
    execute(scoped, "update intermediate.int_tryon__jobs_enriched set credits_charged = -5 where job_id = %s",
            (untouched,))
    assert failures(dbt, test, WINDOW) == 0 and failures(dbt, test, None) == 1
    execute(scoped, "update intermediate.int_tryon__jobs_enriched set credits_charged = -5 where job_id = %s",
            (changed,))
    assert failures(dbt, test, WINDOW) == 1


def test_an_incremental_models_tests_read_the_units_it_recomputes(scoped, dbt):
    """A model with a `recompute` config needs no test_scope of its own: its tests read the units of its manifest."""
    test = "rows_satisfy_int_tryon__job_stats_daily*"
    days = fetch(scoped, "select created_day_utc as day, max(last_changed_at) as changed from "
                         "intermediate.int_tryon__changed_units where source_name = 'tryon_jobs' group by 1")
    inside = max(d["day"] for d in days if d["changed"].isoformat() >= "2026-05-28" and d["day"].isoformat() < "2026-06")
    outside = min(d["day"] for d in days if d["changed"].isoformat() < OUTSIDE and d["day"].year > 2000)
    for day in (outside, inside):
        execute(scoped, "update intermediate.int_tryon__job_stats_daily set total_jobs = null where created_day_utc = %s",
                (day,))
        if day == outside:
            assert failures(dbt, test, WINDOW) == 0 and failures(dbt, test, None) == 1
    assert failures(dbt, test, WINDOW) == 1
