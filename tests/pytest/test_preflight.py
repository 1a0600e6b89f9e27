"""A wrong configuration is one line that names the fix, before Dagster or dbt start (orchestration/preflight.py).

Each case runs the real CLI (`materialize`, the command the README and the Makefile use) against a database or server
that is wrong in one way, and asserts the exit status and that stderr is exactly one line saying what to do. A database
laid out exactly as spec 000 says (tenants without created_at) passes the check.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys

import pytest

from conftest import ANCHOR, LLM_RAW_SCHEMA, PROJECT_ROOT, RAW_ENV, RAW_SCHEMA, SAMPLE, execute, sampled_database
from orchestration.preflight import check_raw_tables, required_columns

SMALL = dataclasses.replace(SAMPLE, jobs=500, llm_requests=500, renders=500, days=3, anchor=ANCHOR)


def run_cli(settings, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "orchestration.cli", *args], cwd=PROJECT_ROOT, capture_output=True, text=True,
        env={**os.environ, **settings.as_env(), **RAW_ENV,
             "DAGSTER_HOME": str(PROJECT_ROOT / ".dagster_home"), **env},
        timeout=300,
    )


def one_line_error(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 1, (result.returncode, result.stdout[-2000:], result.stderr[-2000:])
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert "Traceback" not in result.stdout + result.stderr
    return lines[0]


@pytest.fixture(scope="module")
def spec_layout(warehouse):
    """A database holding both domains' raw tables, tenants laid out as spec 000 declares it (no created_at)."""
    settings = sampled_database(warehouse, "analytics_preflight", SMALL)
    execute(settings, f"alter table {RAW_SCHEMA}.tenants drop column created_at")
    return settings


def test_the_sources_declare_what_the_check_requires():
    assert "created_at" not in required_columns("tryon")["tenants"], "spec 000's tenants has no created_at"
    assert {"id", "tenant_id", "status", "created_at", "updated_at"} <= set(required_columns("tryon")["tryon_jobs"])
    assert {"id", "project_id", "cost_usd", "ingested_at"} <= set(required_columns("llm")["usage_logs"])


def test_a_spec_layout_passes(spec_layout):
    check_raw_tables(spec_layout)


def test_a_closed_port_is_one_line(spec_layout):
    line = one_line_error(run_cli(spec_layout, "materialize", PGPORT="1"))
    assert "cannot connect to PostgreSQL" in line


def test_a_missing_database_is_one_line(spec_layout):
    line = one_line_error(run_cli(spec_layout, "materialize", PGDATABASE="no_such_database"))
    assert "no_such_database" in line


def test_a_wrong_password_is_one_line(spec_layout):
    line = one_line_error(run_cli(spec_layout, "materialize", PGPASSWORD="not-the-password"))
    assert "password" in line


def test_a_missing_raw_schema_is_one_line(spec_layout):
    line = one_line_error(run_cli(spec_layout, "materialize", TA_LLM_RAW_SCHEMA="no_such_schema"))
    assert "no_such_schema" in line and "TA_LLM_RAW_SCHEMA" in line and "TA_LLM_ENABLED=false" in line


def test_a_missing_raw_column_is_one_line(spec_layout):
    execute(spec_layout, f"alter table {LLM_RAW_SCHEMA}.usage_logs rename column ingested_at to landed_at")
    try:
        line = one_line_error(run_cli(spec_layout, "materialize"))
        assert f"{LLM_RAW_SCHEMA}.usage_logs lacks column ingested_at" in line
        # A domain switched off is not checked.
        check_raw_tables(spec_layout, domains=("tryon",))
    finally:
        execute(spec_layout, f"alter table {LLM_RAW_SCHEMA}.usage_logs rename column landed_at to ingested_at")
