"""The hourly incremental run of every asset."""

from __future__ import annotations

import datetime as dt

from dagster import (AssetSelection, DefaultScheduleStatus, RunRequest, ScheduleEvaluationContext, define_asset_job,
                     schedule)

from .partitions import schedule_partition_key
from .project import DOMAINS

# The job the schedule runs; `make run` materializes the same selection.
all_assets_job = define_asset_job(
    name="analytics_all_assets",
    selection=AssetSelection.all(),
    description="dbt build of every model, seed and test for the changes of a UTC day (or a range of them).",
    tags={"dagster/max_retries": "0"},
)


# One job per domain (`tenant-analytics materialize --domain tryon`): its raw tables, models, seeds and checks.
domain_jobs = {
    domain: define_asset_job(
        name=f"analytics_{domain}",
        selection=AssetSelection.groups(domain),
        description=f"dbt build of the {domain} domain for the changes of a UTC day (or a range of them).",
        tags={"dagster/max_retries": "0"},
    )
    for domain in DOMAINS
}


# On by default: the README promises marts at most an hour behind the application's tables while Dagster runs.
@schedule(job=all_assets_job, cron_schedule="5 * * * *", execution_timezone="UTC",
          default_status=DefaultScheduleStatus.RUNNING,
          description="Every hour at :05 (UTC): an incremental run of every asset for the changes of the current UTC "
                      "day (the first run after midnight closes the previous day). A partition is a UTC day of "
                      "changes, not of data: partition D recomputes whole UTC days of data that rows changed on D "
                      "touch, so a day's data can be rebuilt by later partitions' runs.")
def hourly_incremental_schedule(context: ScheduleEvaluationContext):
    """Every hour at :05, an incremental run applying the changes of the current day."""
    from .housekeeping import fail_dead_runs

    fail_dead_runs(context.instance)  # a CLI run killed mid-build must not hold the one-run queue forever
    tick = context.scheduled_execution_time
    return RunRequest(run_key=tick.isoformat(), partition_key=schedule_partition_key(tick))


# Spec 002's daily rollup ("a daily job at 00:10 UTC"): the events domain's job for the UTC day that just ended. The
# hourly run applies the same changes during the day; this run closes the day on the spec's schedule, and a rerun of
# a date gives the same rows. "Trigger a rollup for a date" is `tenant-analytics materialize --domain events
# --partition <date>` (README, "Product events").
@schedule(job=domain_jobs["events"], cron_schedule="10 0 * * *", execution_timezone="UTC",
          default_status=DefaultScheduleStatus.RUNNING, name="events_daily_rollup",
          description="Daily at 00:10 UTC: spec 002's rollup of the product events for the UTC day that just ended "
                      "(the events job, partition = that day).")
def events_daily_rollup_schedule(context: ScheduleEvaluationContext):
    tick = context.scheduled_execution_time.astimezone(dt.timezone.utc)
    day = (tick - dt.timedelta(days=1)).date().isoformat()
    return RunRequest(run_key=f"events-rollup-{day}", partition_key=day)
