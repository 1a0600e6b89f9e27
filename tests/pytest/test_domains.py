"""Domains are units: a database that holds only one system's raw tables builds that domain alone.

Each case creates a database of its own with one domain's raw tables and sample rows, switches the other domains off
(`--vars '{<domain>_enabled: false}'`), and runs `dbt seed` and `dbt build` there: the build must pass, fill the
domain's marts, and create nothing of the other domains (their raw schemas do not exist, so a model that read one
would fail the build).
"""

from __future__ import annotations

import dataclasses

import pytest

from conftest import (ANCHOR, AS_OF, EVENTS_RAW_SCHEMA, LLM_RAW_SCHEMA, RAW_SCHEMA, RENDERS_RAW_SCHEMA, SAMPLE, Dbt, execute,
                      fetch, fresh_database)
from orchestration.sample_data import EVENTS, LLM, RENDERS, TRYON, load_sample_data
from orchestration.security import grant_raw_read

SMALL = dataclasses.replace(SAMPLE, jobs=3_000, llm_requests=3_000, events=3_000, renders=3_000, days=10, anchor=ANCHOR)
# Relations of a domain whose names do not carry the domain's name.
OTHER_NAMES = {
    "llm": {"usage_aggregations_hourly", "usage_aggregations_daily", "usage_aggregations_daily_by_model",
            "usage_cost_forecast"},
    "tryon": {"credit_event_types"},
    "events": {"analytics_daily_usage", "analytics_usage_kpis", "analytics_kpi_cards", "event_usage_metrics",
               "event_quota_defaults"},
    "renders": {"usage_tracking", "render_stats_daily", "credit_stats_daily", "api_usage_daily", "user_activity_daily",
                "plugin_api_keys_current", "user_month_comparison", "credit_spend_alerts", "user_agent_parsers",
                "user_agent_family_lists"},
}
# Per domain: its sample generator, raw schema, and a mart that must have rows.
CASES = {
    "tryon": (TRYON, RAW_SCHEMA, "global_tryon_daily"),
    "llm": (LLM, LLM_RAW_SCHEMA, "usage_aggregations_daily"),
    "events": (EVENTS, EVENTS_RAW_SCHEMA, "analytics_daily_usage"),
    "renders": (RENDERS, RENDERS_RAW_SCHEMA, "usage_tracking"),
}


@pytest.mark.parametrize("name", CASES)
def test_a_database_with_one_domains_tables_builds_that_domain_alone(warehouse, name):
    domain, schema, mart = CASES[name]
    others = [other for other in CASES if other != name]
    settings = fresh_database(warehouse, f"analytics_only_{name}")
    load_sample_data(settings, schema, SMALL, force=True, log=lambda _m: None, domain=domain)
    if name == "tryon":  # laid out exactly as spec 000 declares it: tenants has only id and shop_domain
        execute(settings, f"alter table {schema}.tenants drop column created_at")
    grant_raw_read(settings, schema)

    dbt = Dbt(settings)
    switched_off = {f"{other}_enabled": False for other in others}
    dbt("seed", extra_vars=switched_off)
    dbt("build", "--full-refresh", as_of=AS_OF, extra_vars=switched_off)

    assert fetch(settings, f"select count(*) as n from marts.{mart}")[0]["n"] > 0
    built = {r["name"] for r in fetch(settings, """
        select table_name as name from information_schema.tables
        where table_schema in ('staging', 'intermediate', 'marts', 'public', 'reference')""")}
    for other in others:
        other_raw = fetch(settings, "select table_name from information_schema.tables where table_schema = %s",
                          (CASES[other][1],))
        assert not other_raw, f"the {other} raw schema must not exist in this database"
        leaked = sorted(n for n in built if other in n or n in OTHER_NAMES[other])
        assert not leaked, f"{name}-only build created {other} relations: {leaked}"
