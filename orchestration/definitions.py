"""Dagster definitions: `dagster dev -m orchestration.definitions` (or `make dagster`)."""

from __future__ import annotations

from dagster import Definitions

from .assets import DBT_ASSETS, RAW_SOURCES, DbtBuildOptions
from .credit_alerts import ALERTS_MODEL, credit_spend_alerts
from .quotas import EXCEEDED_MODEL, quota_exceeded_alerts
from .resources import dbt_resource
from .raw_sources import raw_freshness_job, raw_freshness_schedule
from .reconcile import reconcile_deletions_job, reconcile_deletions_schedule
from .retention import llm_retention_job, llm_retention_schedule
from .schedules import all_assets_job, domain_jobs, events_daily_rollup_schedule, hourly_incremental_schedule

# The product events' quota alerts and daily rollup exist while that domain is built (its models in the manifest);
# the renders' credit alerts likewise.
EVENTS_BUILT = any(EXCEEDED_MODEL in key.path for assets in DBT_ASSETS for key in assets.keys)
RENDERS_BUILT = any(ALERTS_MODEL in key.path for assets in DBT_ASSETS for key in assets.keys)

defs = Definitions(
    assets=[RAW_SOURCES, *DBT_ASSETS],
    asset_checks=[*([quota_exceeded_alerts] if EVENTS_BUILT else []),
                  *([credit_spend_alerts] if RENDERS_BUILT else [])],
    jobs=[all_assets_job, *domain_jobs.values(), llm_retention_job, reconcile_deletions_job,
          raw_freshness_job],
    schedules=[hourly_incremental_schedule, llm_retention_schedule, reconcile_deletions_schedule,
               raw_freshness_schedule, *([events_daily_rollup_schedule] if EVENTS_BUILT else [])],
    resources={"dbt": dbt_resource(), "build_options": DbtBuildOptions()},
)
