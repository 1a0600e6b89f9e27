"""The hourly incremental run of every asset."""

from __future__ import annotations

from dagster import AssetSelection, RunRequest, ScheduleEvaluationContext, define_asset_job, schedule

from .partitions import schedule_partition_key

# The job the schedule runs; `make run` materializes the same selection.
all_assets_job = define_asset_job(
    name="analytics_all_assets",
    selection=AssetSelection.all(),
    description="dbt build of every model, seed and test for the changes of a UTC day (or a range of them).",
    tags={"dagster/max_retries": "0"},
)


@schedule(job=all_assets_job, cron_schedule="5 * * * *", execution_timezone="UTC")
def hourly_incremental_schedule(context: ScheduleEvaluationContext):
    """Every hour at :05, an incremental run applying the changes of the current day."""
    tick = context.scheduled_execution_time
    return RunRequest(run_key=tick.isoformat(), partition_key=schedule_partition_key(tick))
