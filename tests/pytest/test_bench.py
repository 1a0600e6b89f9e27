"""`make bench` at a small scale: it runs end to end and what it measures is right (never how fast)."""

from __future__ import annotations

import json

import pytest

from bench import runner as bench
from bench.runner import Bench, BenchConfig, markdown, model_growth, rewrite_report, write_report


def test_bench_small_scale(warehouse, tmp_path, monkeypatch):
    config = BenchConfig(scale=0.003, tenants=60, days=45, tenant_reads=15, global_repeats=5, baseline_repeats=2,
                         database="analytics_bench_test", report_dir=tmp_path, verify=True, double_history=True,
                         log=lambda _m: None)
    report = Bench(warehouse, config).run()

    tables = ("tryon_jobs", "usage_logs", "analytics_events", "renders")  # every domain, by default
    assert all(report["data"][table] >= 30_000 for table in tables), report["data"]
    assert report["verify"]["marts_differing_after_incremental"] == {}, "incremental run == full refresh"
    assert report["verify"]["reads_returning_no_rows"] == []
    assert report["incremental"]["per_model_seconds"] and report["full_build"]["per_model_seconds"]
    # Both runs ran the data tests; the scheduled one is the Dagster job, its three dbt steps read back.
    assert report["full_build"]["test_seconds"] > 0 and report["incremental"]["test_seconds"] > 0
    assert report["incremental"]["command"] == "orchestration.cli materialize"
    assert 0 < report["incremental"]["database_seconds"] < report["incremental"]["wall_seconds"]
    assert set(report["incremental"]["per_model_seconds"]) >= {"int_tryon__jobs_enriched", "usage_aggregations_daily",
                                                               "analytics_daily_usage", "usage_tracking"}
    assert set(report["full_build"]["per_model_seconds"]) >= {"usage_aggregations_daily", "tenant_tryon_daily",
                                                              "analytics_daily_usage", "usage_tracking"}
    reads = report["reads"]
    assert set(reads) == {"tenant overview", "tenant 30-day trend", "global overview", "global 30-day trend",
                          "top failure reasons", "LLM dashboard stats", "events KPI cards", "events 30-day usage",
                          "user 30-day usage", "render stats, 30 days"}
    for row in reads.values():
        assert row["marts"]["queries"] > 0 and row["baseline"]["queries"] > 0
        assert row["marts"]["p50_ms"] <= row["marts"]["p95_ms"]
    doubled = report["history_doubling"]
    assert doubled["days"] == 90 and doubled["ratio"] > 0
    # The doubled history extends the first backwards: its last 7 days hold as many rows (2x the rows over 2x the
    # days would make them 1.22x / 1.12x as dense, and the runs that read them slower for that alone).
    recents = [report["data"][f"{table}_last_7_days"] for table in tables]
    assert len(doubled["last_7_days_rows"]) == len(recents)
    for doubled_recent, recent in zip(doubled["last_7_days_rows"], recents):
        assert abs(doubled_recent / recent - 1) < 0.05, (doubled_recent, recent)
    assert doubled["rows"] > sum(report["data"][table] for table in tables)
    # Each scheduled run is repeated (one new day each), so the report shows the noise.
    assert len(report["incremental_walls"]) == len(doubled["incremental_walls"]) == config.repeats == 2
    assert report["ratios"]["targets"]["scheduled run within 1.2x when history doubles"] is not None
    # The doubled run keeps its per-model times, so the report says where its growth comes from.
    assert set(doubled["incremental_growth_seconds"]) == set(report["incremental"]["per_model_seconds"])
    # "before" is the first run's time of the same model; "after" a positive time of the doubled run.
    base = report["incremental"]["per_model_seconds"]
    assert all(before == base[name] and after > 0
               for name, (before, after) in doubled["incremental_growth_seconds"].items())
    assert report["memory_mib"]["dbt_peak"] > 0 and report["memory_mib"]["database_peak"] > 0
    assert report["machine"]["cores"] and "work_mem" in report["postgres"]
    assert set(report["ratios"]["targets"]) >= {"full build within 40x the floor", "scheduled run within 10x the floor",
                                                "scheduled run within 5% of the full build",
                                                "scheduled run's wall within 2x its database time",
                                                "every read p95 under 10 ms"}

    json_path, md_path = write_report(report, tmp_path)
    assert json.loads(json_path.read_text())["ratios"] == report["ratios"]
    written = json.loads(json_path.read_text())
    md = md_path.read_text()
    for name, row in reads.items():  # every measured read is in the table with its own numbers
        assert f"| {name} | {row['marts']['p50_ms']} / {row['marts']['p95_ms']} | {row['baseline']['p50_ms']} / " in md
    assert (f"| scheduled run, as the schedule runs it: wall (models / tests) | {report['incremental']['wall_seconds']} s "
            f"({report['incremental']['model_seconds']} s / {report['incremental']['test_seconds']} s) |") in md
    assert f"{report['data']['tryon_jobs']:,} try-on jobs" in md
    assert "Models that grew most (s, 45 → 90 days): " in md_path.read_text()
    older = {**written, "history_doubling": {k: v for k, v in doubled.items() if k != "incremental_growth_seconds"}}
    assert "History doubling: over 90 days" in markdown(older) and "Models that grew most (s," not in markdown(older)
    assert written["notes"].startswith("# Benchmark notes") and "## Notes" in md_path.read_text()

    # Notes written after a run: --rewrite-report puts them in the report and keeps every measurement.
    later_notes = tmp_path / "NOTES.md"
    later_notes.write_text("# Benchmark notes\n\nWritten after the run.\n", encoding="utf-8")
    monkeypatch.setattr(bench, "NOTES_FILE", later_notes)
    assert rewrite_report(tmp_path) == md_path
    rewritten = json.loads(json_path.read_text())
    assert rewritten == {**written, "notes": later_notes.read_text(encoding="utf-8")}
    assert "Written after the run." in md_path.read_text() and "| tenant overview |" in md_path.read_text()
    with pytest.raises(SystemExit, match="run `make bench` first"):
        rewrite_report(tmp_path / "nowhere")


def test_model_growth_orders_models_by_seconds_added():
    before = {"a": 1.0, "b": 2.0, "c": 5.0, "gone": 3.0}
    after = {"a": 4.0, "b": 2.5, "c": 4.0, "new": 9.0}
    # a grew by 3.0, b by 0.5, c shrank by 1.0; models in only one run are left out.
    assert list(model_growth(before, after).items()) == [("a", [1.0, 4.0]), ("b", [2.0, 2.5]), ("c", [5.0, 4.0])]
    assert model_growth({}, after) == {}


def test_the_history_doubling_is_skipped_when_the_servers_disk_cannot_hold_it(tmp_path, monkeypatch):
    """The doubled history replaces the bench database with ~1.7x the rows and needs room to sort and index: with
    less than ~2.5x the database's size free (counting the database it drops), it is skipped and the report says why,
    instead of filling the disk an hour into a run."""
    import collections
    import shutil

    usage = collections.namedtuple("usage", "total used free")
    gib = 2**30
    fake = Bench.__new__(Bench)
    fake.sql = lambda query, params=None: [(10 * gib,)] if "pg_database_size" in query else [(str(tmp_path),)]
    monkeypatch.setattr(shutil, "disk_usage", lambda _path: usage(100 * gib, 90 * gib, 14 * gib))
    assert fake.disk_too_small_for_doubling() == (
        f"needs about 25 GiB on the server's disk ({tmp_path}); 24 GiB would be free once this database is dropped")
    monkeypatch.setattr(shutil, "disk_usage", lambda _path: usage(100 * gib, 80 * gib, 15 * gib))
    assert fake.disk_too_small_for_doubling() is None
    fake.sql = lambda query, params=None: [(10 * gib,)] if "pg_database_size" in query else [("/no/such/dir",)]
    assert fake.disk_too_small_for_doubling() is None  # a server elsewhere: its disk cannot be seen from here


def test_a_domain_is_benchmarked_alone_with_the_others_switched_off():
    from bench.runner import baseline_sql

    config = BenchConfig(domains=("events",))
    assert [d.domain.name for d in config.selected] == ["events"]
    env = config.environment()
    assert env["TA_TRYON_ENABLED"] == env["TA_LLM_ENABLED"] == env["TA_RENDERS_ENABLED"] == "false"
    assert "TA_EVENTS_ENABLED" not in env
    assert env["TA_EVENTS_RAW_SCHEMA"] == "raw_events"
    # The on-read baseline creates only the chosen domain's views (the others' raw tables are not generated).
    alone = baseline_sql(("events",))
    assert "{schema}.analytics_kpi_cards" in alone and "tryon_jobs_enriched_v" not in alone
    assert "get_dashboard_stats" not in alone and alone.startswith("-- The baseline")
    everything = baseline_sql(("tryon", "llm", "events"))
    assert all(part in everything for part in ("tryon_jobs_enriched_v", "get_dashboard_stats", "analytics_kpi_cards"))
    with pytest.raises(ValueError, match="--domains"):
        BenchConfig(domains=("tryon", "nope"))
