"""The dashboards as a person sees them (issue 23): Superset started against the test warehouse with the bundle of
bi/bundle imported, every dashboard opened in headless Chromium after logging in, no chart showing an error, every
chart's data (Superset's REST API, the chart's own parameters) non-empty, and the charts' numbers equal to the marts.
Superset has its own instance here ($TA_BI_HOME, a free port) and reads the warehouse as the BI login, and the tenant
page as a tenant login: that page shows its tenant's numbers and no other tenant's rows."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest
from conftest import RAW_ENV, Dbt, fetch, sampled_database

from orchestration import bi
from orchestration.project import PROJECT_ROOT
from orchestration.sample_data import SampleSpec
from orchestration.local_http import free_port

pytestmark = pytest.mark.skipif(
    not (bi.VENV / ".installed").exists() or not shutil.which("chromedriver"),
    reason="Superset or chromedriver missing: make bi-setup installs both")


@pytest.fixture(scope="module")
def recent(warehouse):
    """Sample data ending this hour (the dashboards' default days are the last ones), built as make run builds it
    (every domain has a dashboard)."""
    settings = sampled_database(warehouse, "bi_check", SampleSpec(seed=11, tenants=20, jobs=20_000,
                                                                  llm_requests=20_000, events=20_000,
                                                                  renders=2_000, days=40))
    dbt = Dbt(settings)
    dbt("seed")
    dbt("build", "--full-refresh", as_of="")
    return settings


@pytest.fixture(scope="module")
def superset(recent, tmp_path_factory):
    state = tmp_path_factory.mktemp("superset")
    # The tenant pages show a middling tenant (not the busiest one the default picks) with jobs and events: see the
    # tenant pages' tests.
    tenant = fetch(recent, "select tenant_id from marts.tenant_tryon_overview join marts.analytics_kpi_cards "
                           "using (tenant_id) where total_jobs > 0 and api_requests_30d > 0 and active_users_30d > 0 "
                           "order by total_jobs, tenant_id")
    env = {**os.environ, **recent.as_env(), **RAW_ENV,
           "TA_BI_HOME": str(state), "TA_BI_PORT": str(free_port()), "TA_BI_TENANT": str(tenant[len(tenant) // 2]["tenant_id"])}

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
    assert {dashboard["slug"] for dashboard in superset} == {"tryon-overview", "tryon-tenant", "llm-usage",
                                                             "events-tenant", "renders-overview"}
    for dashboard in superset:
        assert dashboard["errors"] == [], dashboard
        # The dashboard's filters (its default days) reach every chart: a filter whose scope did not import shows none.
        assert dashboard["filtered_charts"] == len(dashboard["charts"]), dashboard
        assert dashboard["charts"] and all(chart["rows"] for chart in dashboard["charts"]), dashboard


def shown_charts(report: list[dict]) -> tuple[dict, dict]:
    """Every chart's rows by name, and the single number of each KPI card."""
    charts = {chart["name"]: chart["rows"] for dashboard in report for chart in dashboard["charts"]}
    return charts, {name: next(iter(rows[0].values())) for name, rows in charts.items()
                    if len(rows) == 1 and len(rows[0]) == 1}


def test_the_kpi_cards_show_the_marts_numbers(superset, recent):
    overview = fetch(recent, "select total_jobs, terminal_success_rate_pct, jobs_last_24h, active_tenants_last_30d "
                            "from public.global_tryon_overview_v")[0]
    charts, shown = shown_charts(superset)
    assert shown["Total jobs"] == overview["total_jobs"]
    assert shown["Jobs in the last 24 hours"] == overview["jobs_last_24h"]
    assert shown["Active tenants, last 30 days"] == overview["active_tenants_last_30d"]
    assert float(shown["Terminal success rate (%)"]) == pytest.approx(float(overview["terminal_success_rate_pct"]))
    reasons = fetch(recent, "select failure_reason_normalized, total_failures from public.global_tryon_failure_reason_v "
                           "order by total_failures desc, failure_reason_normalized limit 10")
    assert [row["total_failures"] for row in charts["Top failure reasons"]] == [r["total_failures"] for r in reasons]


def test_the_llm_dashboard_shows_the_marts_usage_cost_and_forecast(superset, recent):
    charts, shown = shown_charts(superset)
    usage = fetch(recent, "select sum(total_requests) as requests, sum(total_cost_usd) as cost, "
                          "sum(total_savings_usd) as savings from public.usage_aggregations_daily")[0]
    assert shown["Requests"] == usage["requests"]
    assert float(shown["Cost (USD)"]) == pytest.approx(float(usage["cost"]))
    assert float(shown["Savings by caching (USD)"]) == pytest.approx(float(usage["savings"]))
    forecast = fetch(recent, "select sum(projected_month_cost_usd) as projected from public.usage_cost_forecast")[0]
    assert float(shown["Projected cost this month (USD)"]) == pytest.approx(float(forecast["projected"]))
    models = fetch(recent, "select provider, model, sum(total_cost_usd) as cost from public.usage_aggregations_daily_by_model "
                           "group by provider, model order by cost desc limit 10")
    assert [(row["provider"], row["model"]) for row in charts["Top models by cost"]] == \
        [(row["provider"], row["model"]) for row in models]
    assert [float(row["cost (USD)"]) for row in charts["Top models by cost"]] == \
        pytest.approx([float(row["cost"]) for row in models])


def test_the_renders_dashboard_shows_the_marts_renders_api_calls_and_credits(superset, recent):
    """Spec 003's platform page (the BI login: every user's rows)."""
    charts, shown = shown_charts(superset)
    renders = fetch(recent, "select sum(renders) as renders, count(distinct user_id) as users "
                            "from marts.render_stats_daily")[0]
    assert renders["renders"] > 0
    assert shown["Renders"] == renders["renders"] and shown["Users with a render"] == renders["users"]
    assert shown["API calls"] == fetch(recent, "select sum(api_calls) as n from marts.api_usage_daily")[0]["n"]
    credits = {row["direction"]: row["credits"] for row in fetch(
        recent, "select direction, sum(credits) as credits from marts.credit_stats_daily group by direction")}
    assert set(credits) == {"debit", "credit"}
    assert {row["direction"]: row["credits"] for row in charts["Credits by direction"]} == credits
    statuses = fetch(recent, "select count(distinct date) as days, sum(renders) filter (where status = 'failed') "
                             "as failed from marts.render_stats_daily")[0]
    per_day = charts["Renders per day by status"]  # a row per day and status (the chart stacks them)
    assert len({row["date"] for row in per_day}) == statuses["days"]
    assert sum(row["renders"] for row in per_day if row["status"] == "failed") == statuses["failed"]


def shown_tenant(recent) -> str:
    """The one tenant the tenant pages' login is mapped to."""
    tenant = fetch(recent, "select tenant_id from analytics_security.tenant_logins "
                           "where login = 'analytics_superset_tenant'::regrole")
    assert len(tenant) == 1
    return tenant[0]["tenant_id"]


def test_the_tenant_page_shows_its_tenant_and_no_other(superset, recent):
    """The tenant page's connection logs in as a tenant login: its numbers are that tenant's, its tables hold no other
    tenant's rows (row-level security in the database; Superset sends no tenant filter)."""
    tenant = shown_tenant(recent)
    charts, shown = shown_charts(superset)
    mine = fetch(recent, "select * from marts.tenant_tryon_overview where tenant_id = %s", (tenant,))[0]
    busiest = fetch(recent, "select max(total_jobs) as jobs from marts.tenant_tryon_overview")[0]["jobs"]
    assert shown["Your jobs"] == mine["total_jobs"] and shown["Your jobs in the last 7 days"] == mine["jobs_last_7d"]
    assert shown["Your available credits"] == mine["available_credits"]
    assert float(shown["Your terminal success rate (%)"]) == pytest.approx(mine["terminal_success_rate_pct"])
    daily = fetch(recent, "select sum(completed_jobs) as completed, count(*) as days from marts.tenant_tryon_daily "
                          "where tenant_id = %s", (tenant,))[0]
    per_day = charts["Your jobs per day by outcome"]
    assert len(per_day) == daily["days"] and sum(row["completed"] for row in per_day) == daily["completed"]
    models = fetch(recent, "select model, total_jobs from marts.tenant_tryon_model_performance where tenant_id = %s "
                           "order by total_jobs desc, model", (tenant,))
    assert sorted((row["model"], row["total_jobs"]) for row in charts["Your models"]) == \
        sorted((row["model"], row["total_jobs"]) for row in models)
    # The page shows a tenant that is not the busiest: had its login read every tenant, its cards (MAX over the view)
    # would show the busiest tenant's total.
    assert mine["total_jobs"] < busiest


def test_the_product_usage_page_shows_its_tenants_events_and_no_other(superset, recent):
    """Spec 002's dashboard over the tenant login: the four 30-day cards, daily usage per metric, quota use, events by
    source, top events and the recent events are the tenant's marts' numbers, and hold none of another tenant's."""
    tenant = shown_tenant(recent)
    charts, shown = shown_charts(superset)
    cards = fetch(recent, "select * from marts.analytics_kpi_cards where tenant_id = %s", (tenant,))[0]
    for name, column in (("Signups (30 days)", "signups_30d"), ("Active users (30 days)", "active_users_30d"),
                         ("Completed builds (30 days)", "completed_builds_30d"),
                         ("API requests (30 days)", "api_requests_30d")):
        assert shown[name] == cards[column], name
    usage = fetch(recent, "select metric, sum(count) as total from marts.analytics_daily_usage where tenant_id = %s "
                          "group by metric", (tenant,))
    per_metric: dict[str, int] = {}
    for row in charts["Daily usage by metric"]:
        per_metric[row["metric"]] = per_metric.get(row["metric"], 0) + row["count"]
    assert per_metric == {row["metric"]: row["total"] for row in usage}
    quota = fetch(recent, "select metric, sum(usage_pct) as pct from marts.analytics_quota_status where tenant_id = %s "
                          "group by metric", (tenant,))
    shown_pct: dict[str, float] = {}
    for row in charts["Quota use per day (%)"]:
        shown_pct[row["metric"]] = shown_pct.get(row["metric"], 0.0) + float(row["% of the daily limit"] or 0)
    assert shown_pct == pytest.approx({row["metric"]: float(row["pct"] or 0) for row in quota})
    sources = fetch(recent, "select source, count(*) as events from marts.analytics_events_recent where tenant_id = %s "
                            "group by source", (tenant,))
    assert {row["source"]: row["events"] for row in charts["Events by source"]} == \
        {row["source"]: row["events"] for row in sources}
    top = fetch(recent, "select count(*) as events from marts.analytics_events_recent where tenant_id = %s "
                        "group by event order by events desc limit 10", (tenant,))
    assert [row["events"] for row in charts["Top events"]] == [row["events"] for row in top]
    mine = fetch(recent, "select request_id, ts from marts.analytics_events_recent where tenant_id = %s", (tenant,))
    listed = charts["Recent events"]
    assert len(listed) == min(1000, len(mine)) and {row["request_id"] for row in listed} <= {r["request_id"] for r in mine}
    # Had the login read every tenant's rows, the cards (MAX over the view) and the breakdowns would be the platform's.
    everyone = fetch(recent, "select count(*) as events from marts.analytics_events_recent")[0]["events"]
    assert sum(row["events"] for row in sources) < everyone
