"""Where the dbt project is, and how to reach it."""

from __future__ import annotations

import shutil
from pathlib import Path

from dagster_dbt import DbtProject

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def ensure_profiles(project_root: Path = PROJECT_ROOT) -> Path:
    """Create profiles.yml from profiles.yml.example when missing; returns the profiles directory."""
    profile = project_root / "profiles.yml"
    if not profile.exists():
        shutil.copyfile(project_root / "profiles.yml.example", profile)
    return project_root


def dbt_project() -> DbtProject:
    return DbtProject(project_dir=PROJECT_ROOT, profiles_dir=ensure_profiles())
