"""Disk that does not grow without limit: dbt's per-run target folders and Dagster's finished runs are pruned after
a retention period (README, "Orchestration"). Every Dagster run of the dbt assets prunes at its end.

dagster-dbt writes each dbt invocation's artifacts to a folder of its own under target/ (named from the run and
step ids), about 20 MB each; the hourly schedule would add ~500 MB a day. Only such folders are removed: the shared
target/compiled, target/run, the manifest and the benchmark's folders are never touched.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import time
from pathlib import Path

from .project import target_dir

DEFAULT_RETENTION_DAYS = 3.0
# dagster-dbt's per-invocation folders: "<8 hex>" or "<op name>-<7 hex>-<7 hex>".
_RUN_FOLDER = re.compile(r"^(?:[0-9a-f]{7,8}|[a-z0-9_]+-[0-9a-f]{7}-[0-9a-f]{7})$")


def retention_days() -> float:
    """$TA_ARTIFACT_RETENTION_DAYS, else 3 days."""
    text = os.environ.get("TA_ARTIFACT_RETENTION_DAYS", "")
    try:
        return float(text) if text else DEFAULT_RETENTION_DAYS
    except ValueError:
        return DEFAULT_RETENTION_DAYS


def prune_target_folders(target: Path | None = None, days: float | None = None,
                         now: float | None = None) -> list[Path]:
    """Remove per-run dbt folders under `target` (dbt's target folder) last modified more than `days` ago; returns
    what was removed."""
    target = target_dir() if target is None else target
    cutoff = (time.time() if now is None else now) - 86400 * (retention_days() if days is None else days)
    removed = []
    if not target.is_dir():
        return removed
    for path in sorted(target.iterdir()):
        if path.is_dir() and _RUN_FOLDER.match(path.name) and path.stat().st_mtime < cutoff:
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


def prune_dagster_runs(instance, days: float | None = None, now: dt.datetime | None = None) -> int:
    """Delete finished Dagster runs (and their event logs) created more than `days` ago; returns how many."""
    from dagster import DagsterRunStatus, RunsFilter

    moment = now or dt.datetime.now(dt.timezone.utc)
    cutoff = moment - dt.timedelta(days=retention_days() if days is None else days)
    finished = [DagsterRunStatus.SUCCESS, DagsterRunStatus.FAILURE, DagsterRunStatus.CANCELED]
    records = instance.get_run_records(filters=RunsFilter(statuses=finished, created_before=cutoff))
    for record in records:
        instance.delete_run(record.dagster_run.run_id)
    return len(records)


# Runs the CLI starts in its own process carry these tags, so a later command can tell a run whose process is gone.
PID_TAG, HOST_TAG = "tenant_analytics/pid", "tenant_analytics/host"


def process_tags() -> dict[str, str]:
    """Tags for a run executed in this process (tenant-analytics materialize)."""
    import socket

    return {PID_TAG: str(os.getpid()), HOST_TAG: socket.gethostname()}


def fail_dead_runs(instance) -> list[str]:
    """Mark failed the runs still STARTING or STARTED whose process (tagged by process_tags, on this host) is gone: a
    CLI killed mid-build leaves its run STARTED forever, and with one run at a time the queue would wait for it.
    Runs the daemon launches are watched by Dagster's run monitoring (orchestration/dagster.yaml). Returns their ids."""
    import socket

    import psutil
    from dagster import DagsterRunStatus, RunsFilter

    host = socket.gethostname()
    failed = []
    records = instance.get_run_records(
        filters=RunsFilter(statuses=[DagsterRunStatus.STARTING, DagsterRunStatus.STARTED]))
    for record in records:
        run = record.dagster_run
        pid = run.tags.get(PID_TAG, "")
        if run.tags.get(HOST_TAG) != host or not pid.isdigit() or psutil.pid_exists(int(pid)):
            continue
        instance.report_run_failed(run, f"its process {pid} is gone (killed mid-build); marked failed by housekeeping")
        failed.append(run.run_id)
    return failed
