"""The one function through which Dagster partition windows reach dbt, and the schedule's partition choice."""

import datetime as dt

import pytest

from orchestration.partitions import dbt_vars_for_window, schedule_partition_key

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
