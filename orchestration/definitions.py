"""Dagster definitions: `dagster dev -m orchestration.definitions` (or `make dagster`)."""

from __future__ import annotations

from dagster import Definitions

from .assets import DBT_ASSETS, RAW_SOURCES, DbtBuildOptions
from .resources import dbt_resource
from .raw_sources import raw_freshness_job, raw_freshness_schedule
from .reconcile import reconcile_deletions_job, reconcile_deletions_schedule
from .retention import llm_retention_job, llm_retention_schedule
from .schedules import all_assets_job, domain_jobs, hourly_incremental_schedule

defs = Definitions(
    assets=[RAW_SOURCES, *DBT_ASSETS],
    jobs=[all_assets_job, *domain_jobs.values(), llm_retention_job, reconcile_deletions_job,
          raw_freshness_job],
    schedules=[hourly_incremental_schedule, llm_retention_schedule, reconcile_deletions_schedule,
               raw_freshness_schedule],
    resources={"dbt": dbt_resource(), "build_options": DbtBuildOptions()},
)
