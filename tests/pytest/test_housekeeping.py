"""Pruning of dbt's per-run target folders and of finished Dagster runs (orchestration/housekeeping.py)."""

from __future__ import annotations

import datetime as dt
import os
import time

from dagster import DagsterInstance, job, op

from orchestration.housekeeping import prune_dagster_runs, prune_target_folders


def test_only_old_per_run_target_folders_are_removed(tmp_path):
    now = time.time()
    old, recent = now - 5 * 86400, now - 3600
    folders = {"1db75cd": old, "analytics_dbt_assets-47569f3-92ccb41": old, "abcdef01": recent,
               "compiled": old, "run": old, "bench": old, "spark": old}
    for name, mtime in folders.items():
        (tmp_path / name).mkdir()
        os.utime(tmp_path / name, (mtime, mtime))
    (tmp_path / "manifest.json").write_text("{}")
    removed = prune_target_folders(tmp_path, days=3, now=now)
    assert sorted(p.name for p in removed) == ["1db75cd", "analytics_dbt_assets-47569f3-92ccb41"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["abcdef01", "bench", "compiled", "manifest.json", "run", "spark"]


@op
def noop() -> None:
    pass


@job
def tiny_job():
    noop()


def test_finished_dagster_runs_older_than_the_retention_are_deleted():
    with DagsterInstance.ephemeral() as instance:
        for _ in range(2):
            assert tiny_job.execute_in_process(instance=instance).success
        now = dt.datetime.now(dt.timezone.utc)
        assert prune_dagster_runs(instance, days=3, now=now) == 0, "runs of today are kept"
        assert len(instance.get_run_records()) == 2
        assert prune_dagster_runs(instance, days=3, now=now + dt.timedelta(days=4)) == 2
        assert instance.get_run_records() == []
