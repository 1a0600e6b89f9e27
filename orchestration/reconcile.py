"""Deleted raw rows heal without a full refresh: `dbt run-operation reconcile_deletions`, daily.

Compares per source and UTC day the raw rows with the rows the stored state counted, and stamps the days that differ
in the change manifests; the next hourly run recomputes them (macros/incremental/reconcile.sql).
"""

from dagster import DefaultScheduleStatus, OpExecutionContext, ScheduleDefinition, job, op
from dagster_dbt import DbtCliResource

from .retention import run_dbt_operation


@op(description="Stamp the UTC days whose raw rows no longer match the stored state (deleted rows) as changed.")
def reconcile_deletions(context: OpExecutionContext, dbt: DbtCliResource) -> None:
    run_dbt_operation(context, dbt, "reconcile_deletions")


@job(description="Daily: find the days raw deletions changed, for the next incremental run to recompute.")
def reconcile_deletions_job() -> None:
    reconcile_deletions()


reconcile_deletions_schedule = ScheduleDefinition(
    job=reconcile_deletions_job, cron_schedule="45 3 * * *", execution_timezone="UTC", name="reconcile_deletions_daily",
    default_status=DefaultScheduleStatus.RUNNING,
    description="Daily at 03:45 UTC: finds the UTC days whose raw rows were deleted since they were built and marks "
                "them changed, so the next hourly run rebuilds them (README, 'How the incremental runs stay exact').",
)
