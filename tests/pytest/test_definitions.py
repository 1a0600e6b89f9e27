"""What a person sees in the Dagster UI (README, "Orchestration"): lineage that starts at the raw tables, in group
`raw`; asset descriptions that are the YAML's words, not the models' Jinja; a description on every asset check."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from conftest import ANCHOR, RAW_SCHEMAS

from orchestration.project import target_dir
from orchestration.sample_data import SampleSpec

# The raw tables the dbt sources declare, <source>/<table>: every domain's, and nothing else.
RAW_TABLE_NAMES = {"tryon/tryon_jobs", "tryon/credit_ledgers", "tryon/tenants", "llm/usage_logs", "llm/projects",
                   "events/analytics_events", "events_config/tenant_quota_overrides", "renders/renders",
                   "renders/credit_transactions", "renders/account_activity", "renders/plugin_api_keys"}


@pytest.fixture(scope="module")
def graph(dbt):
    dbt("parse")
    from orchestration.definitions import defs

    return defs.resolve_asset_graph()


def test_lineage_starts_at_the_raw_tables_in_group_raw(graph):
    raw = {"/".join(key.path[1:]): graph.get(key) for key in graph.get_all_asset_keys() if key.path[0] == "raw"}
    assert set(raw) == RAW_TABLE_NAMES
    for name, node in raw.items():
        assert node.group_name == "raw" and node.description and "raw table" in node.description, name
        assert node.tags["domain"] == name.split("/")[0].removesuffix("_config") and not node.is_materializable, name
        assert node.is_observable and node.owners == [f"analytics-{node.tags['domain']}@example.com"], name
    # Every staging model reads a raw table; nothing reads a raw table but staging.
    readers = {child for key in graph.get_all_asset_keys() if key.path[0] == "raw"
               for child in graph.get(key).child_keys}
    assert readers and all(graph.get(child).tags.get("layer") == "staging" for child in readers)


def test_descriptions_are_the_yaml_words_and_every_check_says_what_it_checks(graph):
    models = [graph.get(key) for key in graph.get_all_asset_keys() if key.path[0] != "raw"]
    for node in models:
        assert node.description and "{{" not in node.description and "select" not in node.description.lower()[:200], (
            node.key)
    checks = [graph.get_check_spec(key) for key in graph.asset_check_keys]
    assert len(checks) > 50
    for spec in checks:
        # Generic tests: name, column, arguments and severity; singular tests: the comment that opens their SQL.
        assert spec.description and spec.description != f"dbt test {spec.name}", spec
    rules = [spec.description for spec in checks if spec.name.startswith("rows_satisfy_int_tryon__jobs_enriched")]
    assert rules and "credits_charged >= 0" in rules[0]


def test_raw_freshness_checks_agree_with_dbt_source_freshness(warehouse, graph):
    """The Dagster check `freshness` of each raw asset judges a table as `dbt source freshness` does (the sources'
    thresholds and filter), on tables made to pass, warn and fail; a change time in the future (a skewed clock,
    'infinity') does not make a stale table look fresh; the oldest change starts a first build's days."""
    import dataclasses

    from conftest import Dbt, execute, sampled_database
    from orchestration.assets import RAW_TABLES
    from orchestration.raw_sources import first_change_day, observe, raw_freshness_job

    spec = SampleSpec(seed=3, tenants=6, jobs=200, llm_requests=200, events=200, renders=200, days=3, anchor=ANCHOR)
    settings = sampled_database(warehouse, "freshness_check", spec)
    ages = {"tryon_jobs": ("tryon", "updated_at", 10), "credit_ledgers": ("tryon", "created_at", 100),
            "usage_logs": ("llm", "ingested_at", 1), "analytics_events": ("events", "ts", 30),
            "credit_transactions": ("renders", "created_at", 3)}
    schemas = {domain.name: schema for domain, schema in RAW_SCHEMAS}
    for name, (domain, column, hours) in ages.items():
        table = f"{schemas[domain]}.{name}"
        execute(settings, f"update {table} set {column} = now() - interval '{hours} hours' - random() * interval '1 hour'")
        execute(settings, f"update {table} set {column} = 'infinity' where ctid = (select min(ctid) from {table})")
        execute(settings, f"update {table} set {column} = '2001-02-03 04:00+00' where ctid = "
                          f"(select max(ctid) from {table})")
    dbt = Dbt(settings)
    dbt("source", "freshness", check=False)
    expected = {result["unique_id"].split(".")[-1]: result["status"]
                for result in json.loads((target_dir() / "sources.json").read_text())["results"]}
    # The renders and account activity are left as the sample made them, months before now.
    assert expected == {"tryon_jobs": "warn", "credit_ledgers": "error", "usage_logs": "pass",
                        "analytics_events": "error", "credit_transactions": "warn", "renders": "error",
                        "account_activity": "error"}

    now = dt.datetime.now(dt.timezone.utc)
    tables = [dataclasses.replace(t, schema=schemas[t.domain]) if t.key.path[1] == t.domain else t for t in RAW_TABLES]
    judged = {}
    for table in tables:
        for event in observe(settings, table, now):
            if hasattr(event, "check_name"):
                judged[table.name] = event.metadata["status"].value
                assert event.passed == (event.metadata["status"].value == "pass")
    assert judged == expected
    assert first_change_day(settings, tables) == dt.date(2001, 2, 3)
    assert {"/".join(key.path[1:]) for key in raw_freshness_job.selection.resolve(graph)} == RAW_TABLE_NAMES


def test_the_events_domain_brings_its_rollup_schedule_and_quota_alerts(graph):
    """Spec 002's daily rollup (00:10 UTC) and its quota alerts (an asset check on analytics_quota_exceeded)."""
    from dagster import AssetCheckKey, AssetKey

    from orchestration.definitions import defs

    assert defs.resolve_schedule_def("events_daily_rollup").job_name == "analytics_events"
    check = AssetCheckKey(AssetKey(["marts", "analytics_quota_exceeded"]), "quota_exceeded_alerts")
    assert check in graph.asset_check_keys and "WARN" in graph.get_check_spec(check).description
