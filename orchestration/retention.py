"""Spec 001's retention policy as a scheduled Dagster job: `dbt run-operation apply_llm_retention`.

Deletes hourly LLM aggregates older than vars.llm_hourly_retention_days (90) and daily aggregates older than
vars.llm_daily_retention_days (365); raw logs are not touched (macros/incremental/retention.sql).
"""

# No `from __future__ import annotations` here: Dagster reads the config annotations at run time.

from dagster import Config, DefaultScheduleStatus, OpExecutionContext, ScheduleDefinition, job, op
from dagster_dbt import DbtCliResource

from .locking import dbt_build_lock
from .partitions import settings_in_environment
from .project import dbt_project


class RetentionConfig(Config):
    """as_of: the reference time the retention windows count back from (default: now)."""

    as_of: str = ""


def run_dbt_operation(context: OpExecutionContext, dbt: DbtCliResource, operation: str, as_of: str = "") -> None:
    """`dbt run-operation <operation>` under the build lock, its own log lines in the Dagster log."""
    with dbt_build_lock(log=context.log.info):
        with settings_in_environment({"as_of": as_of} if as_of else {}):
            invocation = dbt.cli(["run-operation", operation], manifest=dbt_project().manifest_path)
        for event in invocation.stream_raw_events():
            message = event.raw_event.get("info", {}).get("msg", "")
            if event.raw_event.get("info", {}).get("name") == "JinjaLogInfo":
                context.log.info(message)
        invocation.wait()  # raises when dbt failed


@op(description="Delete LLM aggregates older than the retention vars (spec 001, 'Retention Policy').")
def apply_llm_retention(context: OpExecutionContext, dbt: DbtCliResource, config: RetentionConfig) -> None:
    run_dbt_operation(context, dbt, "apply_llm_retention", config.as_of)


@job(description="Daily: apply spec 001's retention to the LLM usage aggregates.")
def llm_retention_job() -> None:
    apply_llm_retention()


llm_retention_schedule = ScheduleDefinition(
    job=llm_retention_job, cron_schedule="30 3 * * *", execution_timezone="UTC", name="llm_retention_daily",
    default_status=DefaultScheduleStatus.RUNNING,
    description="Daily at 03:30 UTC: spec 001's retention, deleting hourly LLM aggregates older than 90 days and "
                "daily ones older than 365 (vars llm_hourly_retention_days, llm_daily_retention_days).",
)
