"""The dashboards as a person sees them (issue 23): Superset started against the test warehouse with the bundle of
bi/bundle imported, every dashboard opened in headless Chromium after logging in, no chart showing an error, every
chart's data (Superset's REST API, the chart's own parameters) non-empty, and the KPI cards equal to the marts.
Superset has its own instance here ($TA_BI_HOME, a free port) and reads the warehouse as the BI login."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest
from conftest import LLM_RAW_SCHEMA, RAW_SCHEMA, Dbt, fetch, sampled_database

from orchestration import bi
from orchestration.project import PROJECT_ROOT
from orchestration.sample_data import SampleSpec
from orchestration.screenshots import free_port

pytestmark = pytest.mark.skipif(
    not (bi.VENV / ".installed").exists() or not shutil.which("chromedriver"),
    reason="Superset or chromedriver missing: make bi-setup installs both")


@pytest.fixture(scope="module")
def recent(warehouse):
    """Sample data ending this hour (the dashboards' default days are the last ones), built as make run builds it."""
    settings = sampled_database(warehouse, "bi_check", SampleSpec(seed=11, tenants=20, jobs=20_000,
                                                                  llm_requests=20_000, days=40))
    dbt = Dbt(settings)
    dbt("seed")
    dbt("build", "--full-refresh", as_of="")
    return settings


@pytest.fixture(scope="module")
def superset(recent, tmp_path_factory):
    state = tmp_path_factory.mktemp("superset")
    env = {**os.environ, **recent.as_env(), "TA_RAW_SCHEMA": RAW_SCHEMA, "TA_LLM_RAW_SCHEMA": LLM_RAW_SCHEMA,
           "TA_BI_HOME": str(state), "TA_BI_PORT": str(free_port())}

    def cli(*args: str) -> str:
        done = subprocess.run([sys.executable, "-m", "orchestration.cli", "bi", *args], cwd=PROJECT_ROOT, env=env,
                              capture_output=True, text=True, timeout=900)
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:] + (state / "superset.log").read_text()[-3000:]
        return done.stdout

    cli("start")
    secrets = dict(line.split("=", 1) for line in (state / "secrets.env").read_text().splitlines())
    url = f"http://127.0.0.1:{env['TA_BI_PORT']}"
    try:
        done = subprocess.run([str(bi.VENV / "bin" / "python"), str(PROJECT_ROOT / "bi" / "check_dashboards.py"), url,
                               secrets["TA_BI_ADMIN_PASSWORD"], str(state / "screenshots")],
                              capture_output=True, text=True, timeout=900)
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        yield json.loads(done.stdout)
    finally:
        cli("stop")


def test_every_dashboard_renders_every_chart_with_data(superset):
    assert {dashboard["slug"] for dashboard in superset} >= {"tryon-overview"}
    for dashboard in superset:
        assert dashboard["errors"] == [], dashboard
        assert dashboard["charts"] and all(chart["rows"] for chart in dashboard["charts"]), dashboard


def test_the_kpi_cards_show_the_marts_numbers(superset, recent):
    overview = fetch(recent, "select total_jobs, terminal_success_rate_pct, jobs_last_24h, active_tenants_last_30d "
                            "from public.global_tryon_overview_v")[0]
    charts = {chart["name"]: chart["rows"] for dashboard in superset for chart in dashboard["charts"]}
    shown = {name: next(iter(rows[0].values())) for name, rows in charts.items() if len(rows) == 1 and len(rows[0]) == 1}
    assert shown["Total jobs"] == overview["total_jobs"]
    assert shown["Jobs in the last 24 hours"] == overview["jobs_last_24h"]
    assert shown["Active tenants, last 30 days"] == overview["active_tenants_last_30d"]
    assert float(shown["Terminal success rate (%)"]) == pytest.approx(float(overview["terminal_success_rate_pct"]))
    reasons = fetch(recent, "select failure_reason_normalized, total_failures from public.global_tryon_failure_reason_v "
                           "order by total_failures desc, failure_reason_normalized limit 10")
    assert [row["total_failures"] for row in charts["Top failure reasons"]] == [r["total_failures"] for r in reasons]
