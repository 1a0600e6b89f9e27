"""dbt's semantic layer answers what the marts hold (issue 23): `mf query` (MetricFlow, run as a user runs it, in the
project folder after a build) over a few metric / dimension / time-grain combinations, ratio metrics included, equals
the marts' own rows. The marts themselves are checked against independent computations elsewhere
(test_metrics_match_independent_computation, test_llm_metrics); here each metric's definition in
models/semantic/ is checked against the mart columns it stands for."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import fetch, project_copy
from test_llm_metrics import close as close_within

from orchestration.project import target_dir

MF = Path(sys.executable).parent / "mf"


@pytest.fixture(scope="module")
def mf(built, dbt, tmp_path_factory):
    """`mf query` with the given arguments; returns its CSV rows (values as text). mf reads the database from
    target/semantic_manifest.json, which the project's last dbt command wrote: parse against the test database
    first, as the README tells a user to (the session's build ran in a database of its own). mf knows no other
    target folder than target/: it runs in a copy of the project whose target/ holds this parse, so the checkout's
    stays as it was (another xdist worker may read it)."""
    dbt("parse")
    project = project_copy(tmp_path_factory.mktemp("mf_project"))
    (project / "target").mkdir()
    shutil.copy(target_dir() / "semantic_manifest.json", project / "target" / "semantic_manifest.json")
    env = {k: v for k, v in dbt.env.items() if k != "DBT_TARGET_PATH"} | {"DBT_PROFILES_DIR": str(project)}
    out = tmp_path_factory.mktemp("mf")

    def query(*args: str) -> list[dict]:
        path = out / f"q{len(list(out.iterdir()))}.csv"
        done = subprocess.run([str(MF), "query", *args, "--csv", str(path)], cwd=project, env=env,
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0 and path.exists(), done.stdout[-3000:] + done.stderr[-3000:]
        with path.open(newline="", encoding="utf-8") as handle:
            return list(csv.DictReader(handle))

    return query


def close(actual, expected) -> bool:
    return close_within(actual, expected, 1e-9)


def number(text: str) -> Decimal | None:
    return None if text in ("", None) else Decimal(text)


def count(text: str) -> int:
    """A count as mf writes it (a sum of bigints may come out as '9.0'): a whole number."""
    value = Decimal(text)
    assert value == value.to_integral_value(), text
    return int(value)


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text[:10])


def test_tryon_jobs_and_success_rate_per_day_equal_the_global_daily_mart(built, mf):
    rows = mf("--metrics", "tryon_jobs,tryon_completed_jobs,tryon_failed_jobs,tryon_terminal_success_rate_pct",
              "--group-by", "metric_time__day", "--order", "metric_time__day")
    mart = {r["created_day_utc"]: r for r in fetch(built, "select * from marts.global_tryon_daily")}
    assert len(rows) == len(mart) > 30
    for row in rows:
        expected = mart[day(row["metric_time__day"])]
        assert count(row["tryon_jobs"]) == expected["total_jobs"], row
        assert count(row["tryon_completed_jobs"]) == expected["completed_jobs"], row
        assert count(row["tryon_failed_jobs"]) == expected["failed_jobs"], row
        assert close(number(row["tryon_terminal_success_rate_pct"]), expected["terminal_success_rate_pct"]), row


def test_tryon_all_time_per_tenant_equals_the_tenant_overview(built, mf):
    """No time dimension: the ratio is completed over terminal jobs of all days, not an average of daily rates."""
    rows = mf("--metrics", "tryon_jobs,tryon_terminal_jobs,tryon_terminal_success_rate", "--group-by", "tenant")
    mart = {str(r["tenant_id"]): r for r in fetch(built, "select * from marts.tenant_tryon_overview")}
    # The overview lists the tenants of the tenants table; jobs of a tenant missing there (a data-quality case the
    # sample plants) are in the daily marts, so the semantic layer has them too.
    known = [row for row in rows if row["tenant"] in mart]
    assert {row["tenant"] for row in known} == {t for t, r in mart.items() if r["total_jobs"]}
    assert len(rows) - len(known) <= 2
    for row in known:
        expected = mart[row["tenant"]]
        assert count(row["tryon_jobs"]) == expected["total_jobs"], row
        assert count(row["tryon_terminal_jobs"]) == expected["terminal_jobs"], row
        rate = number(row["tryon_terminal_success_rate"])
        assert close(None if rate is None else 100 * rate, expected["terminal_success_rate_pct"]), row


def test_llm_cost_savings_and_cache_hit_rate_per_project_and_day_equal_the_daily_mart(built, mf):
    rows = mf("--metrics", "llm_requests,llm_cost_usd,llm_savings_usd,llm_cache_hit_rate,llm_error_rate",
              "--group-by", "project,metric_time__day")
    mart = {(str(r["project_id"]), r["date"]): r for r in fetch(built, "select * from marts.usage_aggregations_daily")}
    assert len(rows) == len(mart) > 100
    for row in rows:
        expected = mart[(row["project"], day(row["metric_time__day"]))]
        assert count(row["llm_requests"]) == expected["total_requests"], row
        assert close(number(row["llm_cost_usd"]), expected["total_cost_usd"]), row
        assert close(number(row["llm_savings_usd"]), expected["total_savings_usd"]), row
        assert close(100 * number(row["llm_cache_hit_rate"]), expected["cache_hit_rate"]), row
        assert close(number(row["llm_error_rate"]), Decimal(expected["error_requests"]) / expected["total_requests"])


def test_llm_cost_per_model_and_month_for_one_tenant(built, mf):
    """A categorical dimension, a coarser grain and a tenant filter: the month's cost of each model, as the mart sums
    it (its `Top Models by Cost` question, per month)."""
    tenant = fetch(built, "select tenant_id from marts.usage_aggregations_daily group by tenant_id "
                          "order by sum(total_cost_usd) desc limit 1")[0]["tenant_id"]
    rows = mf("--metrics", "llm_cost_usd,llm_requests", "--group-by", "llm_usage__model,metric_time__month",
              "--where", f"{{{{ Entity('tenant') }}}} = '{tenant}'")
    mart = {(r["model"], r["month"]): r for r in fetch(built, """
        select model, cast(date_trunc('month', date) as date) as month, sum(total_cost_usd) as cost,
               sum(total_requests) as requests
        from marts.usage_aggregations_daily_by_model where tenant_id = %s group by 1, 2""", (tenant,))}
    assert len(rows) == len(mart) > 2
    for row in rows:
        expected = mart[(row["llm_usage__model"], day(row["metric_time__month"]))]
        assert close(number(row["llm_cost_usd"]), expected["cost"]) and count(row["llm_requests"]) == expected["requests"]


def test_events_kpi_cards_over_the_last_30_days_equal_the_kpi_cards_mart(built, mf):
    """Spec 002's four KPI cards per tenant over the mart's 30 UTC days: three sums of daily usage and active users,
    distinct over the window (a user with logins on several days counts once, which a sum of daily counts would not)."""
    cards = {str(r["tenant_id"]): r for r in fetch(built, "select * from marts.analytics_kpi_cards")}
    as_of_day = {r["as_of_at"] for r in cards.values()}.pop().astimezone(dt.timezone.utc).date()
    first_day = as_of_day - dt.timedelta(days=29)
    window = (f"{{{{ TimeDimension('metric_time', 'day') }}}} >= '{first_day}' "
              f"and {{{{ TimeDimension('metric_time', 'day') }}}} <= '{as_of_day}'")
    names = {"events_signups": "signups_30d", "events_active_users": "active_users_30d",
             "events_completed_builds": "completed_builds_30d", "events_api_requests": "api_requests_30d"}
    rows = {row["tenant"]: row for row in mf("--metrics", ",".join(names), "--group-by", "tenant", "--where", window)}
    assert set(rows) <= set(cards) and len(rows) > 5
    for tenant, card in cards.items():
        row = rows.get(tenant, {})
        for metric, column in names.items():
            assert count(row.get(metric) or "0") == card[column], (tenant, metric, row, card)
    # The distinct count is not the sum of daily counts: some user logged in on more than one day.
    daily_sum = sum(r["n"] for r in fetch(built, """
        select count(*) as n from intermediate.int_events__user_logins_daily
        where created_day_utc between %s and %s group by tenant_id""", (first_day, as_of_day)))
    assert daily_sum > sum(card["active_users_30d"] for card in cards.values())


def test_events_usage_per_metric_and_week_equals_the_daily_usage_mart(built, mf):
    """A categorical dimension at a coarser grain: each usage metric's count per ISO week, every metric at once."""
    rows = mf("--metrics", "events_usage", "--group-by", "events_usage__usage_metric,metric_time__week")
    mart = {(r["metric"], r["week"]): r["n"] for r in fetch(built, """
        select metric, cast(date_trunc('week', date) as date) as week, sum(count) as n
        from marts.analytics_daily_usage group by 1, 2""")}
    assert len(rows) == len(mart) > 50
    assert {r["events_usage__usage_metric"] for r in rows} >= {"api_requests_daily", "storage_gb", "auth.user.login"}
    for row in rows:
        assert count(row["events_usage"]) == mart[(row["events_usage__usage_metric"], day(row["metric_time__week"]))]
