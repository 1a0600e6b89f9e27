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


def test_a_run_whose_process_is_gone_is_marked_failed_and_a_live_one_is_not():
    """A CLI killed mid-build leaves its run STARTED; with one run at a time that would block the schedule for good."""
    import subprocess
    import sys

    from dagster import DagsterInstance, DagsterRun, DagsterRunStatus

    from orchestration.housekeeping import HOST_TAG, PID_TAG, fail_dead_runs, process_tags

    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = gone.stdout.strip()
    with DagsterInstance.ephemeral() as instance:
        dead = DagsterRun(job_name="analytics_all_assets", run_id="dead-run", status=DagsterRunStatus.STARTED,
                          tags={**process_tags(), PID_TAG: dead_pid})
        alive = DagsterRun(job_name="analytics_all_assets", run_id="live-run", status=DagsterRunStatus.STARTED,
                           tags=process_tags())
        elsewhere = DagsterRun(job_name="analytics_all_assets", run_id="other-host", status=DagsterRunStatus.STARTED,
                               tags={PID_TAG: dead_pid, HOST_TAG: "another-machine"})
        for run in (dead, alive, elsewhere):
            instance.add_run(run)
        assert fail_dead_runs(instance) == ["dead-run"]
        assert instance.get_run_by_id("dead-run").status == DagsterRunStatus.FAILURE
        assert instance.get_run_by_id("live-run").status == DagsterRunStatus.STARTED
        assert instance.get_run_by_id("other-host").status == DagsterRunStatus.STARTED
        assert fail_dead_runs(instance) == []


def test_the_hourly_schedule_clears_a_dead_run_before_it_asks_for_the_next():
    """With one run at a time, a dead STARTED run would block every later tick ("Maximum is 1, won't launch more")."""
    import subprocess
    import sys

    from dagster import DagsterRun, DagsterRunStatus, build_schedule_context, instance_for_test

    from orchestration.housekeeping import PID_TAG, process_tags
    from orchestration.schedules import hourly_incremental_schedule

    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    with instance_for_test() as instance:
        instance.add_run(DagsterRun(job_name="analytics_all_assets", run_id="killed-cli-run",
                                    status=DagsterRunStatus.STARTED,
                                    tags={**process_tags(), PID_TAG: gone.stdout.strip()}))
        tick = dt.datetime(2026, 3, 2, 1, 5, tzinfo=dt.timezone.utc)
        request = hourly_incremental_schedule(build_schedule_context(instance=instance,
                                                                     scheduled_execution_time=tick))
        assert instance.get_run_by_id("killed-cli-run").status == DagsterRunStatus.FAILURE
        assert request.partition_key == "2026-03-02"
