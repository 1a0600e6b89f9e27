"""Dagster resources: the dbt CLI, pointed at this project and the warehouse of the libpq variables."""

from __future__ import annotations

from dagster_dbt import DbtCliResource

from .project import dbt_executable, dbt_project


def dbt_resource() -> DbtCliResource:
    project = dbt_project()
    return DbtCliResource(project_dir=project, profiles_dir=str(project.profiles_dir), dbt_executable=dbt_executable())
