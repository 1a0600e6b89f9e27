"""Faults heal by themselves (README, "Orchestration"): each case breaks a real `tenant-analytics materialize` mid-build
on a database of its own, runs the command again, and compares every mart with a full refresh.

- The CLI killed (kill -9) mid-build: its dbt dies with it (orchestration/bin/dbt), so nothing writes once the build
  lock is free; the next run marks the dead Dagster run failed, so the one-run queue is not blocked, and finishes.
- dbt killed mid-build: the run fails with its message; the next run finishes the work.
- The PostgreSQL server killed mid-build (every process of it, as the OOM killer or a power cut would): the run
  fails; a run while it is down fails in one line naming the fix; once it is back (crash recovery), the next run
  finishes the work. The module has a server of its own for this.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import os
import shutil
import signal
import subprocess
import sys
import time

import psutil
import pytest
from dagster import DagsterInstance, DagsterRunStatus

from conftest import (ANCHOR, AS_OF, FOUNDATION, PROJECT_ROOT, RAW_ENV, SAMPLE, TEST_PORT, WAREHOUSE_ROOT, Dbt,
                      domain_env, sampled_database)
from orchestration.warehouse import EmbeddedWarehouse
from test_incremental_equals_full_refresh import TRYON_MARTS, assert_same, mutate, snapshot

BUILT = ("tryon",)
SMALL = dataclasses.replace(SAMPLE, jobs=3_000, llm_requests=3_000, days=10, anchor=ANCHOR)


@pytest.fixture(scope="module")
def server():
    """A PostgreSQL server of this module's own: one test kills it."""
    embedded = EmbeddedWarehouse(root=WAREHOUSE_ROOT.with_name(WAREHOUSE_ROOT.name + "-faults"), port=TEST_PORT + 1)
    yield embedded
    embedded.stop()


@pytest.fixture(scope="module")
def faulty(server, tmp_path_factory):
    """A database built once; a Dagster home of its own."""
    # The try-on domain builds (the faults are the orchestration's, not a domain's); the changes touch the LLM
    # domain's raw tables too.
    settings = sampled_database(server.start(databases=()), "analytics_faults", SMALL, FOUNDATION)
    dbt = Dbt(settings, BUILT)
    dbt("seed")
    dbt("run", "--full-refresh")
    home = tmp_path_factory.mktemp("dagster_home")
    shutil.copy(PROJECT_ROOT / "orchestration" / "dagster.yaml", home / "dagster.yaml")
    return settings, home


def changes_in_this_hour(settings, salt: str) -> None:
    """The foundation's raw changes (in place, late, re-delivered), made now: the CLI's run applies today's changes."""
    mutate(settings, changed_at=(dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=30)).isoformat(), salt=salt)


def cli(settings, home, *args: str) -> subprocess.Popen:
    env = {**os.environ, **settings.as_env(), **RAW_ENV, **domain_env(BUILT), "DAGSTER_HOME": str(home)}
    return subprocess.Popen([sys.executable, "-m", "orchestration.cli", *args, "--as-of", AS_OF], cwd=PROJECT_ROOT,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def dbt_build_under(process: subprocess.Popen, step: int = 2, timeout: float = 300) -> psutil.Process:
    """The `dbt build` process of the run's `step`-th dbt step (2: the incremental models, between the staging and
    the marts steps), a few seconds into it."""
    deadline, seen = time.monotonic() + timeout, []
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stdout.read()[-3000:]
        for child in psutil.Process(process.pid).children(recursive=True):
            try:
                command = child.cmdline()
            except psutil.Error:
                continue
            if child.pid not in seen and any(part.endswith("/dbt") for part in command) and "build" in command:
                seen.append(child.pid)
                if len(seen) == step:
                    time.sleep(4)  # into the step: some models replaced, others not yet
                    return child
        time.sleep(0.2)
    raise AssertionError(f"the CLI started {len(seen)} dbt builds, not {step}")


def finish_and_compare(settings, home) -> str:
    """Run the CLI again (it must succeed), then check its marts against a full refresh; returns its output."""
    rerun = cli(settings, home, "materialize")
    output, _ = rerun.communicate(timeout=900)
    assert rerun.returncode == 0, output[-4000:]
    healed = snapshot(settings, TRYON_MARTS)
    Dbt(settings, BUILT)("run", "--full-refresh", as_of=AS_OF)  # the CLI run ran the data tests
    assert_same(healed, snapshot(settings, TRYON_MARTS))
    return output


def test_killing_the_cli_mid_build_kills_its_dbt_and_the_next_run_heals(faulty):
    settings, home = faulty
    changes_in_this_hour(settings, "killed-cli")
    first = cli(settings, home, "materialize")
    build = dbt_build_under(first)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=30)
    _gone, alive = psutil.wait_procs([build], timeout=20)
    assert not alive, "dbt kept building after the CLI that held the build lock was killed"

    with DagsterInstance.from_config(str(home)) as instance:
        assert [r.status for r in instance.get_runs()] == [DagsterRunStatus.STARTED], "the killed run looks alive"
    output = finish_and_compare(settings, home)
    assert "had lost its process (killed mid-build): marked failed" in output
    with DagsterInstance.from_config(str(home)) as instance:
        assert sorted(r.status.value for r in instance.get_runs()) == ["FAILURE", "SUCCESS"]


def test_killing_dbt_mid_build_fails_the_run_and_the_next_run_heals(faulty):
    settings, home = faulty
    changes_in_this_hour(settings, "killed-dbt")
    first = cli(settings, home, "materialize")
    dbt_build_under(first).kill()
    output, _ = first.communicate(timeout=300)
    assert first.returncode == 1, output[-3000:]
    assert output.strip().splitlines()[-1].startswith("Dagster run failed")
    finish_and_compare(settings, home)


def test_killing_the_server_mid_build_fails_the_run_and_the_next_run_after_restart_heals(server, faulty):
    settings, home = faulty
    changes_in_this_hour(settings, "killed-server")
    first = cli(settings, home, "materialize")
    dbt_build_under(first)
    postmaster = psutil.Process(int((server.data_dir / "postmaster.pid").read_text().split()[0]))
    processes = [postmaster, *postmaster.children(recursive=True)]
    for process in processes:
        with contextlib.suppress(psutil.NoSuchProcess):  # a backend may end between the listing and its kill
            process.kill()
    psutil.wait_procs(processes, timeout=20)
    output, _ = first.communicate(timeout=300)
    assert first.returncode == 1, output[-3000:]
    assert output.strip().splitlines()[-1].startswith("Dagster run failed")

    down = cli(settings, home, "materialize")
    output, _ = down.communicate(timeout=120)
    assert down.returncode == 1 and len(output.strip().splitlines()) == 1, output[-3000:]
    assert "cannot connect" in output or "could not connect" in output, output

    server.start(databases=())  # crash recovery: the killed build's transactions are rolled back
    finish_and_compare(settings, home)
    with DagsterInstance.from_config(str(home)) as instance:
        assert [r.status.value for r in instance.get_runs()][:2] == ["SUCCESS", "FAILURE"]
