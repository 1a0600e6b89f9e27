"""Where the dbt project is, and the dbt that builds it: the one place the rest of the code asks."""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported lazily: the warehouse and the CLI's quick commands need no Dagster
    from dagster_dbt import DbtProject

# The analytics domains: one dbt selector, tag and on/off var each (selectors.yml, dbt_project.yml), one Dagster
# asset group and job each (orchestration/assets.py, schedules.py).
DOMAINS = ("tryon", "llm", "events", "renders")


@dataclass(frozen=True)
class RawLayout:
    """Where a domain's raw tables live (a schema chosen by an environment variable, the same one dbt_project.yml
    reads) and what its spec calls them."""

    schema_env: str
    default_schema: str
    spec: str

    @property
    def schema(self) -> str:
        return os.environ.get(self.schema_env, self.default_schema)


# The one place the raw schemas' variables and defaults are written: the CLI, the preflight checks and the Spark
# copy all read it (dbt_project.yml's vars name the same variables and defaults).
LAYOUTS = {
    "tryon": RawLayout("TA_RAW_SCHEMA", "raw_tryon", "spec 000"),
    "llm": RawLayout("TA_LLM_RAW_SCHEMA", "raw_llm", "spec 001"),
    "events": RawLayout("TA_EVENTS_RAW_SCHEMA", "raw_events", "spec 002"),
    "renders": RawLayout("TA_RENDERS_RAW_SCHEMA", "raw_renders", "spec 003"),
}

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def ensure_profiles(project_root: Path = PROJECT_ROOT) -> Path:
    """Create profiles.yml from profiles.yml.example when missing; returns the profiles directory."""
    profile = project_root / "profiles.yml"
    if not profile.exists():
        shutil.copyfile(project_root / "profiles.yml.example", profile)
    return project_root


def dbt_executable() -> str:
    """The dbt of this interpreter's virtualenv, whether or not that virtualenv is on PATH; else dbt on PATH."""
    beside = Path(sys.executable).with_name("dbt")
    return str(beside) if beside.exists() else (shutil.which("dbt") or "dbt")


def target_path() -> str:
    """dbt's target folder, relative to the project: $DBT_TARGET_PATH (dbt's own variable, which dagster-dbt reads
    too), else target."""
    return os.environ.get("DBT_TARGET_PATH") or "target"


def target_dir() -> Path:
    """The target folder dbt writes its manifest and run results to (target_path())."""
    return PROJECT_ROOT / target_path()


def dbt_project() -> DbtProject:
    from dagster_dbt import DbtProject

    return DbtProject(project_dir=PROJECT_ROOT, profiles_dir=ensure_profiles(), target_path=Path(target_path()))
