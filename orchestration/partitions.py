"""Daily partitions of the dbt assets, and how a partition window reaches dbt."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from dagster import DailyPartitionsDefinition

# A partition is a UTC day of *changes*: materializing partition D applies every source row whose change
# time (updated_at, else created_at) falls on D (or within incremental_lookback_hours before it, for rows
# that arrive late), recomputing the whole created days those rows touch.
# A backfill over a range of partitions runs once, for the whole range. The hourly schedule applies the
# day of (tick - 65 minutes), so the first run after midnight still closes the previous day.
PARTITIONS_START = "2024-01-01"
daily_partitions = DailyPartitionsDefinition(start_date=PARTITIONS_START, timezone="UTC", end_offset=1)


def schedule_partition_key(tick: dt.datetime) -> str:
    """The partition an hourly tick applies: the UTC day of (tick - 65 minutes)."""
    return (tick.astimezone(dt.timezone.utc) - dt.timedelta(minutes=65)).date().isoformat()


def dbt_vars_for_window(start: dt.datetime, end: dt.datetime) -> dict[str, str]:
    """The dbt vars for a partition time window [start, end): whole UTC days, end exclusive.

    Raises ValueError for an empty or reversed window, or one that does not fall on UTC midnights.
    """
    for name, value in (("start", start), ("end", end)):
        if value.tzinfo is None:
            raise ValueError(f"window {name} must be timezone-aware, got {value!r}")
    start_utc, end_utc = start.astimezone(dt.timezone.utc), end.astimezone(dt.timezone.utc)
    for name, value in (("start", start_utc), ("end", end_utc)):
        if value.time() != dt.time(0, 0):
            raise ValueError(f"window {name} must be a UTC midnight, got {value.isoformat()}")
    if end_utc <= start_utc:
        raise ValueError(f"window end {end_utc.date()} must be after its start {start_utc.date()}")
    return {"window_start": start_utc.date().isoformat(), "window_end": end_utc.date().isoformat()}


RUN_SETTINGS = ("as_of", "window_start", "window_end")


def run_settings(window: tuple[dt.datetime, dt.datetime] | None, as_of: str) -> dict[str, str]:
    """The settings of a run's dbt commands: its partition window and reference time. A first build or a full
    refresh reads everything; the window only scopes incremental runs."""
    return {**(dbt_vars_for_window(*window) if window else {}), **({"as_of": as_of} if as_of else {})}


def run_environment(settings: Mapping[str, str]) -> dict[str, str]:
    """The environment variables that carry a run's settings to dbt (macro run_var): TA_AS_OF, TA_WINDOW_START,
    TA_WINDOW_END, an unset one empty. Not --vars: a change of vars makes dbt re-parse the whole project, an
    environment variable read only while executing does not."""
    return {f"TA_{name.upper()}": settings.get(name, "") for name in RUN_SETTINGS}


@contextmanager
def settings_in_environment(settings: Mapping[str, str]) -> Iterator[None]:
    """os.environ holds the run's settings while dagster-dbt starts dbt (it passes os.environ on), then as before."""
    saved = {name: os.environ.get(name) for name in run_environment({})}
    os.environ.update(run_environment(settings))
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
