"""Dagster resources: the dbt CLI, pointed at this project and the warehouse of the libpq variables."""

from __future__ import annotations

import os

from dagster_dbt import DbtCliResource

from .project import PROJECT_ROOT, dbt_executable, dbt_project

# dbt bound to the process that runs it (the script says why).
BOUND_DBT = PROJECT_ROOT / "orchestration" / "bin" / "dbt"


def dbt_resource() -> DbtCliResource:
    project = dbt_project()
    os.environ["TA_DBT_EXECUTABLE"] = dbt_executable()
    return DbtCliResource(project_dir=project, profiles_dir=str(project.profiles_dir), dbt_executable=str(BOUND_DBT))
