"""Spec 001's retention policy, applied by the scheduled Dagster job llm_retention_job."""

from __future__ import annotations

import datetime as dt

import pytest
from dagster import DagsterInstance

from conftest import ANCHOR, Dbt, fetch


def counts(settings, cutoff_hourly: dt.date, cutoff_daily: dt.date) -> dict[str, int]:
    return fetch(settings, """
        select (select count(*) from marts.usage_aggregations_hourly) as hourly,
               (select count(*) from marts.usage_aggregations_hourly
                where (hour_start at time zone 'utc')::date < %s) as hourly_old,
               (select count(*) from marts.usage_aggregations_daily) as daily,
               (select count(*) from marts.usage_aggregations_daily where date < %s) as daily_old""",
                 (cutoff_hourly, cutoff_daily))[0]


def run_retention_job(as_of: dt.datetime) -> None:
    from orchestration.definitions import defs

    result = defs.resolve_job_def("llm_retention_job").execute_in_process(
        run_config={"ops": {"apply_llm_retention": {"config": {"as_of": as_of.isoformat()}}}},
        instance=DagsterInstance.ephemeral(),
    )
    assert result.success


@pytest.fixture(scope="module")
def dbt(warehouse):
    """The LLM domain alone: its retention is what this module checks."""
    return Dbt(warehouse, ("llm",))


def full_build_then_counter(settings, dbt, as_of: dt.datetime):
    """A full build, then a function counting the rows on each side of as_of's retention cut-offs."""
    dbt("seed")
    dbt("run", "--full-refresh")  # the retention, not the data tests, is what this module checks
    hourly_cutoff, daily_cutoff = (as_of - dt.timedelta(days=90)).date(), (as_of - dt.timedelta(days=365)).date()
    return lambda: counts(settings, hourly_cutoff, daily_cutoff)


def test_retention_job_deletes_only_expired_rows_and_builds_do_not_bring_them_back(sample_loaded, dbt):
    # 70 days after the anchor, the 90-day hourly cut-off falls inside the sample's 40 days.
    as_of = ANCHOR + dt.timedelta(days=70)
    count_now = full_build_then_counter(sample_loaded, dbt, as_of)
    before = count_now()
    assert before["hourly_old"] > 0 and before["hourly"] > before["hourly_old"], "the test needs rows on both sides"

    run_retention_job(as_of)
    after = count_now()
    assert after["hourly_old"] == 0
    assert after["hourly"] == before["hourly"] - before["hourly_old"]
    assert after["daily"] == before["daily"], "daily rows are kept 365 days"

    dbt("build", as_of=as_of.isoformat())
    assert count_now() == after
    dbt("run", "--full-refresh", as_of=as_of.isoformat())
    assert count_now()["hourly"] == after["hourly"]


def test_daily_rows_older_than_365_days_are_deleted(sample_loaded, dbt):
    """The daily cut-off on real rows: 345 days after the anchor, as_of - 365 days falls inside the sample."""
    as_of = ANCHOR + dt.timedelta(days=345)
    count_now = full_build_then_counter(sample_loaded, dbt, as_of)
    before = count_now()
    assert before["daily_old"] > 0 and before["daily"] > before["daily_old"], "the test needs rows on both sides"

    run_retention_job(as_of)
    after = count_now()
    assert after["daily_old"] == 0 and after["daily"] == before["daily"] - before["daily_old"]
    # The sample's requests made in 2999 (a clock far ahead) are the only hours left: they are not old.
    future = fetch(sample_loaded, "select count(*) as n from marts.usage_aggregations_hourly"
                   " where hour_start >= '2100-01-01'")[0]["n"]
    assert future > 0 and after["hourly"] == future, "every other hourly row is older than 90 days at this as_of"
    dbt("run", "--full-refresh", as_of=as_of.isoformat())
    assert count_now() == after
