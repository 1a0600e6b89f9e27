"""The one function through which Dagster partition windows reach dbt, and the schedule's partition choice."""

import datetime as dt
import os
import subprocess

import pytest

from orchestration.partitions import dbt_vars_for_window, run_environment, schedule_partition_key, settings_in_environment
from orchestration.project import PROJECT_ROOT, dbt_executable, ensure_profiles

UTC = dt.timezone.utc


def test_single_day_window_becomes_half_open_dates():
    assert dbt_vars_for_window(dt.datetime(2026, 3, 1, tzinfo=UTC), dt.datetime(2026, 3, 2, tzinfo=UTC)) == {
        "window_start": "2026-03-01",
        "window_end": "2026-03-02",
    }


def test_backfill_range_is_one_window():
    assert dbt_vars_for_window(dt.datetime(2026, 1, 30, tzinfo=UTC), dt.datetime(2026, 3, 2, tzinfo=UTC)) == {
        "window_start": "2026-01-30",
        "window_end": "2026-03-02",
    }


def test_other_time_zone_is_converted_to_utc():
    plus_two = dt.timezone(dt.timedelta(hours=2))
    got = dbt_vars_for_window(dt.datetime(2026, 3, 1, 2, tzinfo=plus_two), dt.datetime(2026, 3, 2, 2, tzinfo=plus_two))
    assert got == {"window_start": "2026-03-01", "window_end": "2026-03-02"}


@pytest.mark.parametrize(
    "start,end,message",
    [
        (dt.datetime(2026, 3, 2, tzinfo=UTC), dt.datetime(2026, 3, 1, tzinfo=UTC), "after its start"),
        (dt.datetime(2026, 3, 1, tzinfo=UTC), dt.datetime(2026, 3, 1, tzinfo=UTC), "after its start"),
        (dt.datetime(2026, 3, 1, 6, tzinfo=UTC), dt.datetime(2026, 3, 2, tzinfo=UTC), "UTC midnight"),
        (dt.datetime(2026, 3, 1), dt.datetime(2026, 3, 2, tzinfo=UTC), "timezone-aware"),
    ],
)
def test_invalid_windows_are_refused(start, end, message):
    with pytest.raises(ValueError, match=message):
        dbt_vars_for_window(start, end)


def test_schedule_applies_previous_day_until_after_first_tick_of_the_day():
    assert schedule_partition_key(dt.datetime(2026, 3, 2, 0, 5, tzinfo=UTC)) == "2026-03-01"
    assert schedule_partition_key(dt.datetime(2026, 3, 2, 1, 4, tzinfo=UTC)) == "2026-03-01"
    assert schedule_partition_key(dt.datetime(2026, 3, 2, 1, 5, tzinfo=UTC)) == "2026-03-02"
    assert schedule_partition_key(dt.datetime(2026, 3, 2, 23, 5, tzinfo=UTC)) == "2026-03-02"



def test_the_events_rollup_runs_the_events_job_for_the_day_that_ended():
    """Spec 002's daily rollup at 00:10 UTC: the events job, partition = the previous UTC day, one run per day."""
    from dagster import build_schedule_context

    from orchestration.schedules import events_daily_rollup_schedule as schedule

    assert schedule.cron_schedule == "10 0 * * *" and schedule.execution_timezone == "UTC"
    assert schedule.job_name == "analytics_events"
    context = build_schedule_context(scheduled_execution_time=dt.datetime(2026, 3, 2, 0, 10, tzinfo=UTC))
    request = schedule(context)
    assert request.partition_key == "2026-03-01" and request.run_key == "events-rollup-2026-03-01"

def test_run_settings_travel_as_environment_variables_and_leave_nothing_behind(monkeypatch):
    monkeypatch.setenv("TA_WINDOW_START", "set by the user")
    monkeypatch.delenv("TA_AS_OF", raising=False)
    with settings_in_environment({"window_start": "2026-03-01", "window_end": "2026-03-02"}):
        # An unset setting is empty, so nothing from outside the run slips in.
        assert (os.environ["TA_WINDOW_START"], os.environ["TA_WINDOW_END"], os.environ["TA_AS_OF"]) == (
            "2026-03-01", "2026-03-02", "")
    assert os.environ["TA_WINDOW_START"] == "set by the user" and "TA_AS_OF" not in os.environ
    assert run_environment({"as_of": "2026-05-20T00:00:00+00:00"})["TA_AS_OF"] == "2026-05-20T00:00:00+00:00"


def test_a_new_window_keeps_dbts_partial_parse(tmp_path):
    """Every scheduled run has a new window and reference time: dbt must not re-parse the project for that."""
    env = {**os.environ, "DBT_PROFILES_DIR": str(ensure_profiles())}

    def parse(settings: dict[str, str]) -> str:
        result = subprocess.run([dbt_executable(), "parse", "--target-path", str(tmp_path), "--log-level", "debug"],
                                cwd=PROJECT_ROOT, env={**env, **run_environment(settings)}, capture_output=True,
                                text=True)
        assert result.returncode == 0, result.stdout[-3000:]
        return result.stdout

    parse({"window_start": "2026-03-01", "window_end": "2026-03-02", "as_of": "2026-03-02T01:05:00+00:00"})
    again = parse({"window_start": "2026-03-02", "window_end": "2026-03-03", "as_of": "2026-03-03T01:05:00+00:00"})
    assert "Partial parsing enabled" in again and "Unable to do partial parsing" not in again, again[-3000:]


def test_a_cli_run_applies_the_days_it_missed_and_a_first_build_records_the_data_days(sample_loaded, monkeypatch):
    """`make run` names no partition: a first build (or a full refresh) records the days of the raw data's changes,
    at most RECORDED_DAYS back; later runs go from the oldest of the incremental assets' latest days to today, so
    days missed while nothing ran are applied (one catch-up run). A domain's run looks at its own assets only."""
    from dagster import AssetMaterialization, DagsterInstance

    from orchestration.assets import dbt_incremental
    from orchestration.cli import RECORDED_DAYS, days_to_apply

    today = "2026-06-05"  # the sample data (conftest.SAMPLE) ends on 2026-06-01 and starts 40 days earlier
    instance = DagsterInstance.ephemeral()
    first, last = days_to_apply(instance, None, today, full_refresh=False)
    assert last == today and first == (dt.date(2026, 6, 5) - dt.timedelta(days=RECORDED_DAYS - 1)).isoformat(), first

    for key in dbt_incremental.keys:
        for day in ("2026-05-30", "2026-06-02"):
            instance.report_runless_asset_event(AssetMaterialization(asset_key=key, partition=day))
    assert days_to_apply(instance, None, today, full_refresh=False) == ("2026-06-02", today)
    lagging = next(key for key in dbt_incremental.keys if dbt_incremental.group_names_by_key[key] == "tryon")
    instance.wipe_assets([lagging])
    instance.report_runless_asset_event(AssetMaterialization(asset_key=lagging, partition="2026-05-30"))
    assert days_to_apply(instance, None, today, full_refresh=False) == ("2026-05-30", today)
    assert days_to_apply(instance, "llm", today, full_refresh=False) == ("2026-06-02", today)
    assert days_to_apply(instance, None, today, full_refresh=True) == (first, today)
