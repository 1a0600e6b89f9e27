"""Spec 001 (LLM gateway usage): every aggregate equals an independent Python computation over the raw sample rows.

Counts, token sums and money exact (Decimal), the cache hit rate to 1e-12, average latency to 1e-9, p95
latency within the documented histogram bound (|reported - exact nearest-rank value| <= max(1 % of the
exact value, 0.5 ms); macros/metrics/histogram.sql). The spec's own SQL runs unchanged against the public
views, and the corrected versions in analyses/llm/ return what the reference says.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import AS_OF, LLM_RAW_SCHEMA, PROJECT_ROOT, fetch, p95_within_bound
from reference_llm import clean_requests, group, usage_metrics

AS_OF_TS = dt.datetime.fromisoformat(AS_OF)
EXACT = ["total_requests", "cached_requests", "error_requests", "total_tokens_input", "total_tokens_output",
         "total_tokens", "total_cost_usd", "total_potential_cost_usd", "total_savings_usd", "unpriced_requests",
         "potential_cost_imputed_requests"]
ANALYSES = PROJECT_ROOT / "analyses" / "llm"


def close(actual, expected, rel: float) -> bool:
    if expected is None or actual is None:
        return expected is None and actual is None
    return math.isclose(float(actual), float(expected), rel_tol=rel, abs_tol=rel)


def assert_usage(actual: dict, expected: dict, where: str, breakdowns: bool = True) -> None:
    for col in EXACT:
        assert actual[col] == expected[col], f"{where}: {col} {actual[col]} != {expected[col]}"
    assert close(actual["cache_hit_rate"], expected["cache_hit_rate"], 1e-12), (
        f"{where}: cache_hit_rate {actual['cache_hit_rate']} != {expected['cache_hit_rate']}")
    assert close(actual["avg_latency_ms"], expected["avg_latency_ms"], 1e-9), (
        f"{where}: avg_latency_ms {actual['avg_latency_ms']} != {expected['avg_latency_ms']}")
    if breakdowns:
        assert p95_within_bound(actual["p95_latency_ms"], expected["p95_latency_ms"]), (
            f"{where}: p95 {actual['p95_latency_ms']} vs exact {expected['p95_latency_ms']}")
        assert actual["requests_by_provider"] == expected["requests_by_provider"], where
        assert actual["requests_by_model"] == expected["requests_by_model"], where


DAILY_RETENTION_DAYS = 365  # README "Retention": aggregates hold what was created since as_of - 365 days


@pytest.fixture(scope="module")
def all_requests(built):
    return clean_requests(fetch(built, f"select * from {LLM_RAW_SCHEMA}.usage_logs"),
                          fetch(built, f"select * from {LLM_RAW_SCHEMA}.projects"))


@pytest.fixture(scope="module")
def requests(all_requests):
    """The requests the aggregates hold: the sample plants some created in 1970, before the retention cut-off."""
    cutoff = AS_OF_TS.date() - dt.timedelta(days=DAILY_RETENTION_DAYS)
    return [r for r in all_requests if r["day"] >= cutoff]


def by_key(rows: list[dict], *keys: str) -> dict:
    return {tuple(r[k] for k in keys): r for r in rows}


def test_hourly_aggregates(built, requests):
    mart = by_key(fetch(built, "select * from public.usage_aggregations_hourly"), "project_id", "hour_start")
    expected = group(requests, "project_id", "hour")
    assert set(mart) == set(expected), "one row per (project, UTC hour) with requests, and no other"
    for key, group_requests in expected.items():
        assert_usage(mart[key], usage_metrics(group_requests), f"hour {key}")
        assert mart[key]["tenant_id"] == group_requests[0]["tenant_id"]


def test_daily_aggregates(built, requests):
    mart = by_key(fetch(built, "select * from public.usage_aggregations_daily"), "project_id", "date")
    expected = group(requests, "project_id", "day")
    assert set(mart) == set(expected)
    for key, group_requests in expected.items():
        assert_usage(mart[key], usage_metrics(group_requests), f"day {key}")


def test_daily_by_provider_and_model(built, requests):
    mart = by_key(fetch(built, "select * from public.usage_aggregations_daily_by_model"),
                  "project_id", "date", "provider", "model")
    expected = group(requests, "project_id", "day", "provider", "model")
    assert set(mart) == set(expected)
    for key, group_requests in expected.items():
        assert_usage(mart[key], usage_metrics(group_requests), f"model day {key}", breakdowns=False)


def test_the_sample_exercises_every_rule(built, requests):
    """The comparisons above prove something only if the sample holds each kind of row they handle."""
    assert any(r["imputed"] and r["cached"] for r in requests), "cached rows priced from the list"
    assert any(r["imputed"] and not r["cached"] for r in requests), "non-cached rows set to their cost"
    assert any(r["potential"] is None for r in requests), "rows whose model has no price"
    assert any(r["cost"] is None for r in requests) and any(r["tokens_input"] is None for r in requests)
    assert any(r["model"] == "gpt-4o" and r["day"] < dt.date(2026, 5, 15) and r["imputed"] and r["cached"]
               for r in requests) and any(r["model"] == "gpt-4o" and r["day"] >= dt.date(2026, 5, 15)
                                          and r["imputed"] and r["cached"] for r in requests), \
        "imputed rows on both sides of a price change"
    counts = {r["rule"]: r["affected_rows"] for r in fetch(built, "select * from marts.llm_data_quality")}
    for rule in ("duplicate_request_delivery", "missing_project_id", "unknown_status", "invalid_tokens",
                 "implausible_tokens", "invalid_cost", "implausible_cost", "invalid_latency", "latency_outlier",
                 "created_after_as_of", "infinite_time", "outside_retention",
                 "cached_potential_cost_priced", "uncached_potential_cost_set_to_cost", "model_without_price"):
        assert counts[rule] > 0, f"the sample has no row for rule {rule}"


def test_data_quality_counts_match_the_raw_rows(built, all_requests):
    requests = all_requests  # the rules count every request, retained or not
    counts = {r["rule"]: r["affected_rows"] for r in fetch(built, "select * from marts.llm_data_quality")}
    raw = fetch(built, f"""
        select count(*) filter (where project_id is null) as missing_project,
               count(*) - count(distinct id) - count(*) filter (where id is null) as duplicates,
               count(*) filter (where latency_ms > 600000) as outliers,
               count(*) filter (where latency_ms < 0) as invalid_latency,
               count(*) filter (where model like '%%alice@example.com%%') as personal_model,
               count(*) filter (where cost_usd = 'NaN') as nan_cost,
               count(*) filter (where cost_usd is null or cost_usd < 0 or cost_usd = 'NaN') as invalid_cost,
               count(*) filter (where cost_usd > 10000 and cost_usd <> 'NaN') as implausible_cost,
               count(*) filter (where tokens_input > 10000000 or tokens_output > 10000000) as implausible_tokens,
               count(*) filter (where not isfinite(created_at) or not isfinite(ingested_at)) as infinite_time,
               count(*) filter (where created_at = '-infinity') as minus_infinite,
               count(*) filter (where created_at < %s::timestamptz - interval '{DAILY_RETENTION_DAYS} days')
                   as outside_retention
        from {LLM_RAW_SCHEMA}.usage_logs""", (AS_OF,))[0]
    # ±infinity and 1970 creation times: counted, and (tests above) in no aggregate.
    assert counts["infinite_time"] == raw["infinite_time"] > 0 and raw["minus_infinite"] > 0
    assert counts["outside_retention"] == raw["outside_retention"] > 0
    # The generator plants NaN costs, 2,147,483,647 tokens and $999,999.99 requests: each counted, none in a sum.
    assert raw["nan_cost"] > 0
    assert counts["invalid_cost"] == raw["invalid_cost"]
    assert counts["implausible_cost"] == raw["implausible_cost"] > 0
    assert counts["implausible_tokens"] == raw["implausible_tokens"] > 0
    assert counts["missing_project_id"] == raw["missing_project"]
    assert counts["duplicate_request_delivery"] == raw["duplicates"]
    assert counts["latency_outlier"] == raw["outliers"]
    assert counts["invalid_latency"] == raw["invalid_latency"]
    # The generator plants an email in some fine-tuned model names (orchestration/sql/llm_sample_data.sql).
    assert counts["personal_data_in_model_name"] == raw["personal_model"] > 0
    names = fetch(built, """
        select (select array_agg(distinct model) from marts.usage_aggregations_daily_by_model) as models,
               (select count(*) from marts.usage_aggregations_daily
                where requests_by_model::text like '%%@%%') as breakdowns_with_email""")[0]
    assert any(re.fullmatch(r"ft:[a-z0-9.-]+:\[email\]", m) for m in names["models"]), names["models"]
    assert not any("@" in m for m in names["models"])
    assert names["breakdowns_with_email"] == 0
    assert counts["cached_potential_cost_priced"] == sum(r["imputed"] and r["cached"] for r in requests)
    assert counts["potential_cost_unknown"] == sum(r["potential"] is None for r in requests)


@pytest.mark.parametrize("as_of", ["2026-05-20T13:30:00+00:00", "2026-05-01T01:30:00+00:00", AS_OF])
def test_cost_forecast(built, requests, dbt, as_of):
    """Month-to-date cost and run-rate projection per project: mid-month, 90 minutes into a month (a run rate from
    one and a half hours of data), and at the first instant of a month (no data in it yet)."""
    dbt("run", "-s", "usage_cost_forecast+", as_of=as_of)
    try:
        rows = by_key(fetch(built, "select * from public.usage_cost_forecast"), "project_id")
    finally:
        dbt("run", "-s", "usage_cost_forecast+")
    now = dt.datetime.fromisoformat(as_of)
    month_start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    next_month = (month_start + dt.timedelta(days=32)).replace(day=1)
    hour_now = now.replace(minute=0, second=0, microsecond=0)
    projects = {r["id"] for r in fetch(built, f"select id from {LLM_RAW_SCHEMA}.projects where id is not null")}
    in_month = group([r for r in requests if month_start <= r["hour"] < hour_now], "project_id")
    assert set(rows) == {(p,) for p in projects} | set(in_month), "every project, and every project with usage"
    elapsed, month = (hour_now - month_start).total_seconds(), (next_month - month_start).total_seconds()
    for key, row in rows.items():
        group_requests = in_month.get(key, [])
        cost = sum((r["cost"] for r in group_requests if r["cost"] is not None), Decimal(0))
        assert row["month_to_date_cost_usd"] == cost
        assert row["month_to_date_requests"] == len(group_requests)
        assert close(row["projected_month_cost_usd"], float(cost) * month / elapsed if elapsed else None, 1e-9)
    if elapsed:
        assert sum(len(v) for v in in_month.values()) > 0, "mid-month, the sample has month-to-date usage"


def test_dashboard_stats_function(built, requests):
    project = max(group(requests, "project_id").items(), key=lambda kv: len(kv[1]))[0][0]
    as_of_day = dt.date(2026, 5, 31)
    rows = fetch(built, "select * from public.get_dashboard_stats(%s, 30, %s)", (project, as_of_day))
    expected = {day: reqs for (pid, day), reqs in group(requests, "project_id", "day").items()
                if pid == project and as_of_day - dt.timedelta(days=30) < day <= as_of_day}
    assert [r["date"] for r in rows] == sorted(expected), "the last 30 days with requests, oldest first"
    for row in rows:
        metrics = usage_metrics(expected[row["date"]])
        for col in ("total_requests", "cached_requests", "error_requests", "total_tokens", "total_cost_usd",
                    "total_potential_cost_usd", "total_savings_usd", "requests_by_provider", "requests_by_model"):
            assert row[col] == metrics[col], f"{row['date']}: {col}"
        assert close(row["cache_hit_rate"], metrics["cache_hit_rate"], 1e-12)
        assert close(row["avg_latency_ms"], metrics["avg_latency_ms"], 1e-9)


# --- The spec's SQL --------------------------------------------------------------------------------------------

SPEC_SQL = Path(__file__).resolve().parent / "spec_sql"
SPEC_TITLES = ["Monthly Summary", "Cache Performance Trend", "Verify Savings Calculation", "Check Aggregation Status",
               "Top Models by Cost"]


def spec_file_name(title: str) -> str:
    return "001_" + title.lower().replace(" ", "_") + ".sql"


def spec_queries() -> dict[str, str]:
    """Spec 001's SQL blocks, by the title of their '### ' heading: verbatim copies in tests/pytest/spec_sql, so
    the suite runs where the specification folder is not checked out (test_spec_sql_copies_are_verbatim)."""
    return {title: (SPEC_SQL / spec_file_name(title)).read_text(encoding="utf-8") for title in SPEC_TITLES}


def test_spec_sql_copies_are_verbatim():
    spec = next((PROJECT_ROOT.parent / "shared" / "spec").glob("001_*.txt"), None)
    if spec is None:
        pytest.skip("the specification folder ../shared/spec is not next to this checkout; nothing to compare with")
    blocks = dict(re.findall(r"^### ([^\n]+)\n\s*```sql\n(.*?)```", spec.read_text(encoding="utf-8"), flags=re.M | re.S))
    assert spec_queries() == {title: blocks[title] for title in SPEC_TITLES}


def on(settings, query: str, project: str, today: dt.date | None = None) -> list[dict]:
    """Run a spec query as written, with its placeholder project 'xxx' filled in (and CURRENT_DATE pinned)."""
    query = query.replace("'xxx'", f"'{project}'")
    if today is not None:
        query = re.sub(r"\bcurrent_date\b", f"DATE '{today.isoformat()}'", query, flags=re.I)
    conn = settings.connect()
    try:
        with conn.cursor() as cur:
            cur.execute(f"set search_path = public, {LLM_RAW_SCHEMA}")
            cur.execute("set timezone = 'UTC'")  # the spec's DATE(created_at) is a UTC day here
            cur.execute(query)
            names = [c.name for c in cur.description]
            return [dict(zip(names, row)) for row in cur.fetchall()]
    finally:
        conn.close()


@pytest.fixture(scope="module")
def busiest_project(requests):
    return max(group(requests, "project_id").items(), key=lambda kv: len(kv[1]))[0][0]


@pytest.mark.parametrize("title", ["Monthly Summary", "Cache Performance Trend", "Verify Savings Calculation"])
def test_spec_dashboard_queries_run_unchanged(built, busiest_project, title):
    query = spec_queries()[title]
    on(built, query, busiest_project)  # exactly as written: today's date, whatever rows that selects


def test_spec_monthly_summary_values(built, requests, busiest_project):
    today = dt.date(2026, 5, 20)
    [row] = on(built, spec_queries()["Monthly Summary"], busiest_project, today)
    days = {d: reqs for (p, d), reqs in group(requests, "project_id", "day").items()
            if p == busiest_project and d >= today.replace(day=1)}
    daily = [usage_metrics(reqs) for reqs in days.values()]
    assert row["total_requests"] == sum(m["total_requests"] for m in daily)
    assert row["cached_requests"] == sum(m["cached_requests"] for m in daily)
    assert row["total_savings"] == sum(m["total_savings_usd"] for m in daily)
    mean_rate = sum(m["cache_hit_rate"] for m in daily) / len(daily)
    assert row["avg_cache_hit_rate"] == mean_rate.quantize(Decimal("0.01"))
    savings_pct = sum(m["total_savings_usd"] for m in daily) / sum(m["total_potential_cost_usd"] for m in daily) * 100
    assert row["savings_percentage"] == savings_pct.quantize(Decimal("0.01"))


def test_spec_savings_check_agrees_with_the_reference(built, requests, busiest_project):
    day = dt.date(2026, 5, 20)
    query = spec_queries()["Verify Savings Calculation"].replace("'2025-12-20'", f"'{day.isoformat()}'")
    rows = {r["source"]: r["total_savings"] for r in on(built, query, busiest_project)}
    expected = usage_metrics(group(requests, "project_id", "day")[(busiest_project, day)])
    assert rows["aggregation"] == expected["total_savings_usd"]
    # The spec's raw side sums the logs as stored (SUM skips rows where either cost is null): every delivery of a
    # re-delivered request, and rows whose potential cost was never backfilled (0) as they are. The aggregation
    # applies the documented rules, so the two differ on this sample by exactly those rows (README).
    logs = fetch(built, f"""select id, potential_cost_usd, cost_usd from {LLM_RAW_SCHEMA}.usage_logs
                            where project_id = %s and timezone('utc', created_at)::date = %s""", (busiest_project, day))
    as_stored = [r["potential_cost_usd"] - r["cost_usd"] for r in logs
                 if r["potential_cost_usd"] is not None and r["cost_usd"] is not None]
    assert rows["raw_logs"] == sum(as_stored, Decimal(0))
    ids = [r["id"] for r in logs]
    redelivered = len(ids) - len(set(ids))
    unbackfilled = sum(1 for r in logs if r["potential_cost_usd"] == 0)
    assert redelivered + unbackfilled > 0, "the sample day must show why the two sides differ"
    assert rows["raw_logs"] != rows["aggregation"]


def analysis(name: str) -> str:
    return (ANALYSES / name).read_text(encoding="utf-8")


def test_spec_gap_query_is_invalid_and_the_corrected_one_finds_the_gaps(built, requests, busiest_project):
    import psycopg2

    with pytest.raises(psycopg2.errors.WindowingError):  # "window functions are not allowed in WHERE"
        on(built, spec_queries()["Check Aggregation Status"], busiest_project)
    rows = on(built, analysis("hourly_gaps.sql"), busiest_project)
    hours_by_project: dict = {}
    for (project, hour) in group(requests, "project_id", "hour"):
        hours_by_project.setdefault(project, []).append(hour)
    expected = set()
    for project, hours in hours_by_project.items():
        hours.sort()
        for previous, current in zip(hours, hours[1:]):
            if current - previous > dt.timedelta(hours=1):
                expected.add((project, current, previous))
    assert {(r["project_id"], r["hour_start"], r["prev_hour"]) for r in rows} == expected
    assert expected, "the sample has gaps (its outage and quiet projects)"


def test_spec_top_models_query_is_invalid_and_the_corrected_one_is_right(built, requests, busiest_project):
    import psycopg2

    with pytest.raises(psycopg2.errors.FeatureNotSupported):
        on(built, spec_queries()["Top Models by Cost"], busiest_project)
    today = dt.date(2026, 5, 31)
    rows = on(built, analysis("top_models_by_cost.sql"), busiest_project, today)
    recent = [r for r in requests if r["project_id"] == busiest_project and r["day"] >= today - dt.timedelta(days=30)]
    expected = {model: usage_metrics(reqs) for (model,), reqs in group(recent, "model").items()}
    top = sorted(expected.items(), key=lambda kv: (-kv[1]["total_cost_usd"], kv[0]))[:10]
    assert [(r["model"], r["requests"], r["cost"]) for r in rows] == \
        [(model, m["total_requests"], m["total_cost_usd"]) for model, m in top]
