"""Dagster definitions: `dagster dev -m orchestration.definitions` (or `make dagster`)."""

from __future__ import annotations

from dagster import Definitions

from .assets import analytics_dbt_assets
from .resources import dbt_resource
from .schedules import all_assets_job, hourly_incremental_schedule

defs = Definitions(
    assets=[analytics_dbt_assets],
    jobs=[all_assets_job],
    schedules=[hourly_incremental_schedule],
    resources={"dbt": dbt_resource()},
)
