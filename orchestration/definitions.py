"""Dagster definitions: `dagster dev -m orchestration.definitions` (or `make dagster`)."""

from __future__ import annotations

from dagster import Definitions

from .assets import DBT_ASSETS, RAW_SOURCES, DbtBuildOptions
from .quotas import EXCEEDED_MODEL, quota_exceeded_alerts
from .resources import dbt_resource
from .raw_sources import raw_freshness_job, raw_freshness_schedule
from .reconcile import reconcile_deletions_job, reconcile_deletions_schedule
from .retention import llm_retention_job, llm_retention_schedule
from .schedules import all_assets_job, domain_jobs, hourly_incremental_schedule

# The quota alerts exist while the events domain is built (its models are in the manifest).
QUOTA_CHECKS = [quota_exceeded_alerts] if any(EXCEEDED_MODEL in key.path for a in DBT_ASSETS for key in a.keys) else []

defs = Definitions(
    assets=[RAW_SOURCES, *DBT_ASSETS],
    asset_checks=QUOTA_CHECKS,
    jobs=[all_assets_job, *domain_jobs.values(), llm_retention_job, reconcile_deletions_job,
          raw_freshness_job],
    schedules=[hourly_incremental_schedule, llm_retention_schedule, reconcile_deletions_schedule,
               raw_freshness_schedule],
    resources={"dbt": dbt_resource(), "build_options": DbtBuildOptions()},
)
