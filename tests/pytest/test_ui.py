"""What a newcomer sees, in a real browser (headless Chromium): after a CLI build and a freshness observation, the
Dagster UI's lineage starts at the raw tables (group `raw`, observed, with their freshness checks), an incremental
mart's partitions show the days the build applied, its checks say what they check, and dbt docs open on the project
overview. The screenshots are kept in the test's folder (and `make screenshots` takes the same ones)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest
from conftest import AS_OF, RAW_ENV, SAMPLE, sampled_database

from orchestration.project import PROJECT_ROOT

pytestmark = pytest.mark.skipif(not shutil.which("chromium"), reason="no Chromium: apt-get install chromium")


@pytest.fixture(scope="module")
def pages(warehouse, tmp_path_factory):
    # A database of its own, never built: the CLI's first build is what the UI shows.
    settings = sampled_database(warehouse, "ui_check", SAMPLE)
    home = tmp_path_factory.mktemp("dagster_home")
    shutil.copy(PROJECT_ROOT / "orchestration" / "dagster.yaml", home / "dagster.yaml")
    out = tmp_path_factory.mktemp("screenshots")
    env = {**os.environ, **settings.as_env(), **RAW_ENV,
           "DAGSTER_HOME": str(home)}
    for args in (["materialize", "--as-of", AS_OF], ["freshness"], ["screenshots", "--out", str(out)]):
        done = subprocess.run([sys.executable, "-m", "orchestration.cli", *args], cwd=PROJECT_ROOT, env=env,
                              capture_output=True, text=True, timeout=900)
        assert done.returncode == 0, f"{args}: {done.stdout[-3000:]}{done.stderr[-3000:]}"
    from orchestration.screenshots import PAGES, page_text

    texts = {}
    for name in PAGES:
        png = out / f"{name}.png"
        assert png.stat().st_size > 30_000, f"{png} looks empty"  # a blank 1500x1000 page is a few KB
        texts[name] = (out / f"{name}.txt").read_text(encoding="utf-8")
    assert all(page_text(t) == t for t in texts.values())
    return texts


def test_lineage_starts_at_the_raw_tables_which_are_observed_and_checked(pages):
    lineage, raw = pages["dagster-lineage-from-raw"], pages["dagster-raw-group"]
    assert "External Asset" in lineage and "tryon_jobs" in lineage and "stg_tryon__jobs" in lineage, lineage[:2000]
    tables = ("tryon/tryon_jobs", "tryon/credit_ledgers", "tryon/tenants", "llm/usage_logs", "llm/projects",
              "events/analytics_events")
    for table in tables:  # the group lists every raw table, each observed
        assert f"raw / {table.replace('/', ' / ')}" in raw, raw[:2000]
    assert raw.count("Observed") >= len(tables), raw[:2000]
    # The sample ends on 2026-06-01, long ago: a table with a freshness rule fails it, which the UI shows.
    freshness = pages["dagster-raw-freshness"]
    assert "Evaluation result Failed" in freshness and "hours old (error)" in freshness, freshness[:2000]


def test_an_incremental_marts_partitions_show_the_days_the_build_applied(pages):
    text = pages["dagster-partitions"]
    materialized = re.search(r"Materialized \((\d+)\)", text)
    assert materialized and int(materialized.group(1)) >= 90 and "Failed (0)" in text, text[:2000]


def test_checks_say_what_they_check_and_dbt_docs_open_on_the_overview(pages):
    checks, docs = pages["dagster-checks"], pages["dbt-docs-overview"]
    assert re.search(r"Checks \(\d+\)", checks) and "dbt test no_pii_in_text_columns (severity error)" in checks, checks[:2000]
    assert "The domains (one specification each)" in docs and "Where a metric is defined" in docs, docs[:2000]
