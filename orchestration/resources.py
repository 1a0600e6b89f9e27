"""Dagster resources: the dbt CLI, pointed at this project and the warehouse of the libpq variables."""

from __future__ import annotations

import sys
from pathlib import Path

from dagster_dbt import DbtCliResource

from .project import dbt_project


def dbt_resource() -> DbtCliResource:
    project = dbt_project()
    # The dbt of this interpreter's virtualenv, whether or not that virtualenv is on PATH.
    dbt_executable = Path(sys.executable).with_name("dbt")
    return DbtCliResource(
        project_dir=project,
        profiles_dir=str(project.profiles_dir),
        dbt_executable=str(dbt_executable) if dbt_executable.exists() else "dbt",
    )
