"""Shared fixtures: a real embedded PostgreSQL (its own cluster and port), sample data, and a dbt runner."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest


def _isolate_worker() -> str:
    """Under pytest-xdist (make test runs the modules on two workers, one per core) each worker writes nothing the
    other reads: its own PostgreSQL server (port and folder: TEST_PORT, WAREHOUSE_ROOT), dbt target and log folders
    (DBT_TARGET_PATH, DBT_LOG_PATH: dbt's, dagster-dbt's and the CLI's) and Dagster home. Set here, before the
    project's modules are imported. Returns the worker's name ('' without xdist)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker:
        return ""
    root = Path(__file__).resolve().parents[2]
    target = Path("target") / f"pytest-{worker}"
    home = root / ".dagster_home" / f"pytest-{worker}"
    home.mkdir(parents=True, exist_ok=True)
    shutil.copy(root / "orchestration" / "dagster.yaml", home / "dagster.yaml")
    os.environ.update({"DBT_TARGET_PATH": str(target), "DBT_LOG_PATH": str(root / "logs" / f"pytest-{worker}"),
                       "DAGSTER_HOME": str(home)})
    # The Dagster definitions are built once per process, from the manifest in the target folder when they are first
    # imported, and a module's dbt commands rewrite that manifest with the domains it builds: parsed here with every
    # domain on and imported now, so every module of the worker sees every domain's assets, whichever ran before.
    every_domain = {k: v for k, v in os.environ.items() if not (k.startswith("TA_") and k.endswith("_ENABLED"))}
    parsed = subprocess.run([str(Path(sys.executable).with_name("dbt")), "parse", "--quiet"], cwd=root,
                            env=every_domain, capture_output=True, text=True)
    if parsed.returncode != 0:
        raise RuntimeError(f"dbt parse for worker {worker} failed:\n{parsed.stdout[-3000:]}{parsed.stderr[-2000:]}")
    import orchestration.definitions  # noqa: F401
    return worker


WORKER = _isolate_worker()

from orchestration.locking import dbt_build_lock  # noqa: E402 (after the worker's environment is set)
from orchestration.partitions import run_environment
from orchestration.project import PROJECT_ROOT, dbt_executable, ensure_profiles
from orchestration.sample_data import EVENTS, LLM, RENDERS, TRYON, SampleSpec, load_sample_data
from orchestration.security import bootstrap, grant_raw_read
from orchestration.warehouse import ConnectionSettings, EmbeddedWarehouse

# The test server's port and folder (each xdist worker its own: the port 10 apart, room for the modules that start
# a server of their own on the next ports).
TEST_PORT = int(os.environ.get("TA_TEST_PG_PORT", "54339")) + 10 * int(WORKER[2:] or 0)
WAREHOUSE_ROOT = PROJECT_ROOT / ".warehouse" / ("pytest" + (f"-{WORKER}" if WORKER else ""))
TEST_DATABASE = "analytics_test"
RAW_SCHEMA = "raw_tryon"
LLM_RAW_SCHEMA = "raw_llm"
EVENTS_RAW_SCHEMA = "raw_events"
RENDERS_RAW_SCHEMA = "raw_renders"
# Each domain's raw schema, and the environment that points dbt, the CLI and Dagster at them.
RAW_SCHEMAS = ((TRYON, RAW_SCHEMA), (LLM, LLM_RAW_SCHEMA), (EVENTS, EVENTS_RAW_SCHEMA), (RENDERS, RENDERS_RAW_SCHEMA))
RAW_ENV = {"TA_RAW_SCHEMA": RAW_SCHEMA, "TA_LLM_RAW_SCHEMA": LLM_RAW_SCHEMA, "TA_EVENTS_RAW_SCHEMA": EVENTS_RAW_SCHEMA,
           "TA_RENDERS_RAW_SCHEMA": RENDERS_RAW_SCHEMA}
# A module about some domains builds only them (each domain builds alone: test_domains), as a user switches one off.
FOUNDATION = ("tryon", "llm")
# Fixed reference times make every expected value reproducible.
ANCHOR = dt.datetime(2026, 6, 1, tzinfo=dt.timezone.utc)
AS_OF = "2026-06-01T00:00:00+00:00"
SAMPLE = SampleSpec(seed=7, tenants=30, jobs=30_000, llm_requests=30_000, events=30_000, renders=30_000, days=40,
                    anchor=ANCHOR)


# dbt runs inside the test process (dbt's programmatic entry point, dbtRunner: the same commands, environment and
# partial parse as the CLI) and saves a Python start-up and import per command, ~2 s each over a few hundred commands.
# TA_TEST_DBT_SUBPROCESS=1 runs the dbt CLI of this virtualenv as a process per command instead.
DBT_SUBPROCESS = os.environ.get("TA_TEST_DBT_SUBPROCESS", "") not in ("", "0")


@contextlib.contextmanager
def environment(env: dict[str, str]) -> Iterator[None]:
    """os.environ is exactly `env` inside the block (dbt reads its profile, vars and run settings there), then as
    before."""
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def dbt_in_process(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    """One dbt command through dbtRunner, as a finished process would report it: return code 0 (success), 1 (a node
    failed) or 2 (dbt could not run), and what the CLI prints (dbt sets up its console log on each invocation, on
    the sys.stdout of the moment: --quiet and --log-level hold as on the command line)."""
    from dbt.cli.main import dbtRunner

    out, err = io.StringIO(), io.StringIO()
    with environment(env), contextlib.chdir(PROJECT_ROOT), contextlib.redirect_stdout(out), \
            contextlib.redirect_stderr(err):
        result = dbtRunner().invoke(args)
    if result.exception is not None and str(result.exception) not in out.getvalue():
        out.write(f"Encountered an error:\n{result.exception}\n")  # as the CLI prints it
    code = 0 if result.success else (2 if result.exception is not None else 1)
    return subprocess.CompletedProcess(["dbt", *args], code, out.getvalue(), err.getvalue())


class Dbt:
    """Runs dbt against the test database (in this process unless TA_TEST_DBT_SUBPROCESS); fails the test on error."""

    def __init__(self, settings: ConnectionSettings, domains: tuple[str, ...] | None = None):
        """domains: the ones built (None: all)."""
        self.settings = settings
        self.env = {**os.environ, **settings.as_env(), "DBT_PROFILES_DIR": str(ensure_profiles()), **RAW_ENV,
                    **domain_env(domains)}
        self.executable = dbt_executable()

    def __call__(self, *args: str, as_of: str = AS_OF, extra_vars: dict | None = None, check: bool = True,
                 window: tuple[str, str] | None = None) -> subprocess.CompletedProcess:
        """as_of (and a partition window: start and end days) travel as the CLI and Dagster pass them (environment
        variables: dbt keeps its partial parse)."""
        cmd = [*args, *(["--vars", json.dumps(extra_vars)] if extra_vars else [])]
        settings = {"as_of": as_of, **({"window_start": window[0], "window_end": window[1]} if window else {})}
        env = {**self.env, **run_environment(settings)}
        with dbt_build_lock(self.settings):
            if DBT_SUBPROCESS:
                result = subprocess.run([self.executable, *cmd], cwd=PROJECT_ROOT, env=env, capture_output=True,
                                        text=True)
            else:
                result = dbt_in_process(cmd, env)
        if check and result.returncode != 0:
            pytest.fail(f"dbt {' '.join(args)} failed:\n{result.stdout[-6000:]}\n{result.stderr[-2000:]}")
        return result


def domain_env(domains: tuple[str, ...] | None) -> dict[str, str]:
    """The environment that switches off every domain not in `domains` (None: all on) for dbt, the CLI and Dagster."""
    unknown = set(domains or ()) - {d.name for d, _ in RAW_SCHEMAS}
    assert not unknown, f"no such domain: {unknown}"
    return {} if domains is None else {f"TA_{d.name.upper()}_ENABLED": "false" for d, _ in RAW_SCHEMAS
                                       if d.name not in domains}


def project_copy(directory: Path) -> Path:
    """A copy of the dbt project's files under `directory`, for a test that adds or changes a model or macro: the
    checkout's own stay as they are, as another xdist worker parses them meanwhile. Run dbt in it as a process
    (cwd the copy, DBT_PROFILES_DIR the copy)."""
    project = directory / "project"
    project.mkdir()
    for item in ("dbt_project.yml", "profiles.yml", "models", "macros", "seeds"):
        source = PROJECT_ROOT / item
        (shutil.copytree if source.is_dir() else shutil.copyfile)(source, project / item)
    return project


def fresh_database(settings: ConnectionSettings, name: str) -> ConnectionSettings:
    """An empty database `name` on the test server (dropped first if there), bootstrapped and locked down as the
    embedded warehouse is."""
    return _new_database(settings, name, "")


def sampled_database(settings: ConnectionSettings, name: str, spec: SampleSpec,
                     domains: tuple[str, ...] | None = None) -> ConnectionSettings:
    """fresh_database(name) holding the raw tables of `domains` (None: every domain) with `spec`'s sample rows,
    readable by the dbt role."""
    fresh = fresh_database(settings, name)
    for domain, schema in RAW_SCHEMAS:
        if domains is not None and domain.name not in domains:
            continue
        load_sample_data(fresh, schema, spec, force=True, log=lambda _m: None, domain=domain)
        grant_raw_read(fresh, schema)
    return fresh


@pytest.fixture(scope="session")
def warehouse() -> Iterator[ConnectionSettings]:
    server = EmbeddedWarehouse(root=WAREHOUSE_ROOT, port=TEST_PORT)
    settings = server.start(databases=())
    test_settings = fresh_database(settings, TEST_DATABASE)
    saved = {k: os.environ.get(k) for k in ("PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE", *RAW_ENV)}
    os.environ.update(test_settings.as_env())
    os.environ.update(RAW_ENV)
    yield test_settings
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    server.stop()


@pytest.fixture(scope="session")
def sample_loaded(warehouse: ConnectionSettings) -> ConnectionSettings:
    for domain, schema in RAW_SCHEMAS:
        load_sample_data(warehouse, schema, SAMPLE, force=True, log=lambda _m: None, domain=domain)
        grant_raw_read(warehouse, schema)
    return warehouse


@pytest.fixture(scope="session")
def dbt(warehouse: ConnectionSettings) -> Dbt:
    return Dbt(warehouse)


def copy_database(settings: ConnectionSettings, source: str, name: str) -> ConnectionSettings:
    """Database `name` (dropped first if there) as a file copy of `source` (which nothing may be connected to), with
    the database-level grants fresh_database gives (a copy does not carry them)."""
    return _new_database(settings, name, f"template {source} strategy file_copy")


def _new_database(settings: ConnectionSettings, name: str, create_options: str) -> ConnectionSettings:
    """Database `name`, dropped first if there, created with `create_options`, bootstrapped and locked down."""
    admin = settings.with_database("postgres").connect()
    with admin.cursor() as cur:
        cur.execute(f"drop database if exists {name} with (force)")
        cur.execute(f"create database {name} {create_options}")
    admin.close()
    created = settings.with_database(name)
    bootstrap(created, lock_down=True)
    return created


@pytest.fixture(scope="session")
def built_once(warehouse: ConnectionSettings) -> ConnectionSettings:
    """The session's one full build (seeds, every model, every data test) over the sample data, in a database of
    its own that `built` copies."""
    settings = sampled_database(warehouse, "analytics_built", SAMPLE)
    builder = Dbt(settings)
    builder("seed")
    builder("build", "--full-refresh")
    return settings


@pytest.fixture(scope="module")
def built(built_once: ConnectionSettings, warehouse: ConnectionSettings) -> ConnectionSettings:
    """The test database as a full build of every model over the sample data leaves it, whatever the modules before
    did to it: a copy of the session's one build (built_once), made for each module that asks for it."""
    return copy_database(warehouse, built_once.database, warehouse.database)


def p95_within_bound(reported: float | None, exact: float | None) -> bool:
    """The histogram percentile bound (macros/metrics/histogram.sql), in the metric's unit (s or ms)."""
    if exact is None or reported is None:
        return exact is None and reported is None
    return abs(reported - exact) <= max(0.01 * exact, 0.5) + 1e-9


def fetch(settings: ConnectionSettings, query: str, params: tuple = ()) -> list[dict]:
    conn = settings.connect()
    try:
        with conn.cursor() as cur:
            cur.execute(query, params or None)
            names = [c.name for c in cur.description]
            return [dict(zip(names, row)) for row in cur.fetchall()]
    finally:
        conn.close()


def execute(settings: ConnectionSettings, query: str, params: tuple | dict = ()) -> None:
    conn = settings.connect()
    try:
        with conn.cursor() as cur:
            cur.execute(query, params or None)
    finally:
        conn.close()


# Under pytest-xdist with --dist loadfile (make test) a module runs whole on one worker, and xdist hands the modules
# out by their number of tests, most first: the one-test Spark comparison, the longest, would start last and run
# alone at the end. LongestFirst hands them out longest first (by make test's --durations), so the short ones fill in
# at the end and the workers finish together; modules not listed follow in xdist's order.
LONGEST_FIRST = ("test_spark", "test_bench", "test_faults", "test_incremental_equals_full_refresh", "test_ui",
                 "test_bi", "test_security", "test_renders_metrics", "test_events_metrics",
                 "test_incremental_property", "test_llm_retention", "test_llm_metrics")


def pytest_xdist_make_scheduler(config, log):
    if config.getvalue("dist") != "loadfile":
        return None  # xdist's own
    from xdist.scheduler import LoadFileScheduling

    class LongestFirst(LoadFileScheduling):
        ordered = False

        def _assign_work_unit(self, node) -> None:
            if not self.ordered:  # the queue is complete before the first module is handed out
                rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
                queue = sorted(self.workqueue.items(), key=lambda unit: rank.get(Path(unit[0]).stem, len(rank)))
                self.workqueue.clear()
                self.workqueue.update(queue)
                self.ordered = True
            super()._assign_work_unit(node)

    return LongestFirst(config, log)
