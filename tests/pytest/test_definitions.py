"""What a person sees in the Dagster UI (README, "Orchestration"): lineage that starts at the raw tables, in group
`raw`; asset descriptions that are the YAML's words, not the models' Jinja; a description on every asset check."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def graph(dbt):
    dbt("parse")
    from orchestration.definitions import defs

    return defs.resolve_asset_graph()


def test_lineage_starts_at_the_raw_tables_in_group_raw(graph):
    raw = {key.path[-1]: graph.get(key) for key in graph.get_all_asset_keys() if key.path[0] == "raw"}
    assert set(raw) == {"tryon_jobs", "credit_ledgers", "tenants", "usage_logs", "projects"}
    for name, node in raw.items():
        assert node.group_name == "raw" and node.description and "raw table" in node.description, name
        assert node.tags["domain"] in ("tryon", "llm") and not node.is_materializable, name
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
