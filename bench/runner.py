"""`make bench`: the performance benchmark (README, "Performance").

Generates raw data inside a database of its own (default 10 million try-on jobs, 10 million LLM usage logs and 10
million product events over 365 days and 2,000 tenants at --scale 1; --domains picks some), then measures, in one run:
  1. the floor: one aggregate query per domain that scans the raw table once;
  2. a full build (`dbt build --full-refresh`, models and data tests; wall time and per-node database time from
     run_results.json);
  3. the scheduled run, exactly as the hourly schedule runs it (`tenant-analytics materialize`: the Dagster job,
     its dbt build steps, data tests included) after one new day of data, status changes on 1 % of the
     previous week's jobs, late usage logs for past hours, late and re-delivered product events;
  4. dashboard reads (p50 / p95) through the public views, and the same reads computed on read from the raw
     tables by views written the way spec 000 writes them (orchestration/sql/bench_baseline_views.sql);
  5. peak memory of the database server and of the dbt process.
It writes a Markdown and a JSON report. With --verify it also checks that the incremental marts equal a
full refresh and that every read returns rows.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import psutil
import psycopg2

from orchestration.locking import dbt_build_lock
from orchestration.partitions import run_environment
from orchestration.project import DOMAINS as PROJECT_DOMAINS, PROJECT_ROOT, dbt_executable, ensure_profiles, target_dir
from orchestration.sample_data import (EVENTS, LLM, RENDERS, SQL_DIR, TRYON, Domain, SampleSpec, load_sample_data,
                                       redelivered_events_sql, rows_for_history)
from orchestration.security import bootstrap, grant_raw_read
from orchestration.warehouse import ConnectionSettings, ensure_database

ANCHOR = dt.datetime(2026, 6, 1, tzinfo=dt.timezone.utc)
RAW_TRYON, RAW_LLM, RAW_EVENTS, RAW_RENDERS = "raw_tryon", "raw_llm", "raw_events", "raw_renders"
BASELINE = "bench_baseline"
NOTES_FILE = PROJECT_ROOT / "bench" / "NOTES.md"  # what each tuning change bought; appended to every report


@dataclass(frozen=True)
class BenchDomain:
    """What the bench generates, scans and compares for one domain."""

    domain: Domain
    schema: str
    schema_env: str  # the environment variable that points dbt at the schema
    label: str  # the main raw table's rows, in the report's words
    time_column: str
    floor: str  # one aggregate query that scans the main raw table once ({schema})
    marts: tuple[str, ...]  # the incremental marts --verify compares with a full refresh

    @property
    def table(self) -> str:
        return f"{self.schema}.{self.domain.probe_table}"


BENCH_DOMAINS = {d.domain.name: d for d in (
    BenchDomain(TRYON, RAW_TRYON, "TA_RAW_SCHEMA", "try-on jobs", "created_at",
                "select count(*) from (select tenant_id, (created_at at time zone 'utc')::date, count(*) "
                "from {schema}.tryon_jobs group by 1, 2) as t",
                ("tenant_tryon_daily", "global_tryon_daily", "tenant_tryon_model_performance",
                 "global_tryon_model_performance", "global_tryon_failure_reason", "tenant_tryon_overview",
                 "global_tryon_overview")),
    BenchDomain(LLM, RAW_LLM, "TA_LLM_RAW_SCHEMA", "LLM usage logs", "created_at",
                "select count(*) from (select project_id, (created_at at time zone 'utc')::date, count(*) "
                "from {schema}.usage_logs group by 1, 2) as t",
                ("usage_aggregations_hourly", "usage_aggregations_daily", "usage_aggregations_daily_by_model")),
    BenchDomain(EVENTS, RAW_EVENTS, "TA_EVENTS_RAW_SCHEMA", "product events", "ts",
                "select count(*) from (select tenant_id, (ts at time zone 'utc')::date, event, count(*) "
                "from {schema}.analytics_events group by 1, 2, 3) as t",
                ("analytics_daily_usage", "analytics_events_daily_by_source", "analytics_usage_kpis",
                 "analytics_kpi_cards", "analytics_quota_status")),
    BenchDomain(RENDERS, RAW_RENDERS, "TA_RENDERS_RAW_SCHEMA", "renders", "created_at",
                "select count(*) from (select user_id, (created_at at time zone 'utc')::date, count(*) "
                "from {schema}.renders group by 1, 2) as t",
                ("usage_tracking", "render_stats_daily", "credit_stats_daily", "api_usage_daily",
                 "user_activity_daily")),
)}
PG_SETTINGS = ["shared_buffers", "work_mem", "maintenance_work_mem", "effective_cache_size", "max_parallel_workers",
               "max_parallel_workers_per_gather", "jit", "random_page_cost", "server_version"]
# Issue 21's targets (README, "Performance"): wall times, what a user waits for.
TARGETS = {"full_build_vs_floor": 40.0, "scheduled_vs_floor": 10.0, "scheduled_vs_full": 0.05,
           "history_growth": 1.2, "wall_vs_database": 2.0, "read_p95_ms": 10.0,
           "tenant_speedup": 10.0, "global_speedup": 1000.0}
WALL_TARGET = "scheduled run's wall within 2x its database time"


@dataclass
class BenchConfig:
    scale: float = 1.0
    # The domains generated and built (each builds alone; the others are switched off in the bench's runs).
    domains: tuple[str, ...] = tuple(BENCH_DOMAINS)
    tenants: int = 2000
    days: int = 365
    tenant_reads: int = 200
    global_repeats: int = 30
    baseline_repeats: int = 3
    seed: int = 2026
    database: str = "analytics_bench"
    report_dir: Path = PROJECT_ROOT / "bench" / "reports"
    verify: bool = False
    double_history: bool = False
    measure_reads: bool = True
    data_tests: bool = True
    # The history is `history` times `days` long, extended backwards with every day as dense as before
    # (orchestration.sample_data.rows_for_history): the history-doubling run sets 2.
    history: float = 1.0
    # Scheduled runs measured one after another (one new day each), so the report shows the run-to-run noise.
    repeats: int = 2
    log: object = field(default=print, repr=False)

    @property
    def rows(self) -> int:
        """Rows per domain over `days` (scale 1.0: 10 million)."""
        return max(1000, int(10_000_000 * self.scale))

    def __post_init__(self) -> None:
        unknown = set(self.domains) - set(BENCH_DOMAINS)
        if unknown or not self.domains:
            raise ValueError(f"--domains: one or more of {', '.join(BENCH_DOMAINS)} (not {', '.join(unknown) or 'none'})")

    @property
    def selected(self) -> list[BenchDomain]:
        return [d for name, d in BENCH_DOMAINS.items() if name in self.domains]

    def environment(self) -> dict[str, str]:
        """Where dbt and Dagster find each domain's raw tables, and the domains not benchmarked switched off."""
        return {**{d.schema_env: d.schema for d in BENCH_DOMAINS.values()},
                **{f"TA_{name.upper()}_ENABLED": "false" for name in PROJECT_DOMAINS if name not in self.domains}}


class MemorySampler:
    """Peak memory of the database server (sum of its processes' proportional set size) and of a process tree."""

    def __init__(self, server_pid: int | None):
        self.server = self._process(server_pid)
        self.peak_server = 0
        self.peak_client = 0
        self.client: psutil.Process | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def _process(pid: int | None) -> psutil.Process | None:
        try:
            return psutil.Process(pid) if pid else None
        except psutil.Error:
            return None

    @staticmethod
    def _tree_bytes(root: psutil.Process) -> int:
        total = 0
        for proc in [root, *root.children(recursive=True)]:
            try:
                info = proc.memory_full_info()
                total += getattr(info, "pss", info.rss)
            except psutil.Error:
                continue
        return total

    def _run(self) -> None:
        while not self._stop.wait(0.25):
            if self.server is not None:
                self.peak_server = max(self.peak_server, self._tree_bytes(self.server))
            client = self.client
            if client is not None:
                try:
                    self.peak_client = max(self.peak_client, self._tree_bytes(client))
                except psutil.Error:
                    pass

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


class Bench:
    def __init__(self, settings: ConnectionSettings, config: BenchConfig):
        self.config = config
        self.admin = settings
        self.settings = settings.with_database(config.database)
        self.report: dict = {"config": {k: (str(v) if isinstance(v, Path) else v)
                                        for k, v in asdict(config).items() if k != "log"}}
        self.log = config.log

    # --- helpers ---------------------------------------------------------------------------------------------
    def sql(self, query: str, params: tuple | None = None) -> list[tuple]:
        conn = self.settings.connect()
        try:
            with conn.cursor() as cur:
                cur.execute(query, params)
                return cur.fetchall() if cur.description else []
        finally:
            conn.close()

    def server_root_pid(self) -> int | None:
        """The database server's root process (postmaster), when it runs on this machine: the parent of this
        connection's backend, looked up while the connection is open (a closed connection's backend exits)."""
        conn = self.settings.connect()
        try:
            with conn.cursor() as cur:
                cur.execute("select pg_backend_pid()")
                backend = MemorySampler._process(cur.fetchone()[0])
                parent = backend.parent() if backend is not None else None
                return parent.pid if parent is not None else None
        finally:
            conn.close()

    def timed_sql(self, query: str, params: tuple | None = None) -> float:
        started = time.perf_counter()
        self.sql(query, params)
        return time.perf_counter() - started

    def dbt(self, args: list[str], as_of: dt.datetime, sampler: MemorySampler) -> dict:
        # The reference time travels as the scheduled run passes it (macro run_var), so partial parsing holds.
        env = {**os.environ, **self.settings.as_env(), "DBT_PROFILES_DIR": str(ensure_profiles()),
               **self.config.environment(), **run_environment({"as_of": as_of.isoformat()})}
        target = PROJECT_ROOT / "target" / "bench"
        cmd = [dbt_executable(), *args, "--target-path", str(target)]
        with dbt_build_lock(self.settings, log=self.log):
            started = time.perf_counter()
            proc = psutil.Popen(cmd, cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                text=True)
            sampler.client = proc
            output = []
            for line in proc.stdout:
                output.append(line)
                if " of " in line and any(word in line for word in ("OK created", "ERROR", "FAIL", "WARN")):
                    self.log("  " + line.rstrip().split("  ", 1)[-1])
            proc.wait()
            sampler.client = None
            wall = time.perf_counter() - started
        if proc.returncode != 0:
            raise RuntimeError(f"dbt {' '.join(args)} failed:\n{''.join(output[-40:])}")
        return timings(wall, [target / "run_results.json"])

    def scheduled_run(self, partition: str, as_of: dt.datetime, sampler: MemorySampler) -> dict:
        """`tenant-analytics materialize` for the partition of the changes, as the hourly schedule runs it (Dagster
        job, its dbt build steps, data tests included); a Dagster home of the bench's own."""
        home = PROJECT_ROOT / "target" / "bench" / "dagster_home"
        home.mkdir(parents=True, exist_ok=True)
        shutil.copy(PROJECT_ROOT / "orchestration" / "dagster.yaml", home / "dagster.yaml")
        env = {**os.environ, **self.settings.as_env(), "DBT_PROFILES_DIR": str(ensure_profiles()),
               **self.config.environment(), "DAGSTER_HOME": str(home)}
        cmd = [sys.executable, "-m", "orchestration.cli", "materialize", "--partition", partition,
               "--as-of", as_of.isoformat()]
        started = time.perf_counter()
        proc = psutil.Popen(cmd, cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
        sampler.client = proc
        output = proc.communicate()[0]
        sampler.client = None
        wall = time.perf_counter() - started
        run = re.search(r"Dagster run (\w+) succeeded", output)
        if proc.returncode != 0 or not run:
            raise RuntimeError(f"the scheduled run failed:\n{output[-4000:]}")
        # dagster-dbt's folder per step: <step>-<the run id's first 7 characters>-<hash>
        steps = sorted(target_dir().glob(f"dbt_*-{run.group(1)[:7]}-*/run_results.json"))
        if not steps:
            raise RuntimeError("found none of the run's dbt steps under target/")
        return {**timings(wall, steps), "command": " ".join(cmd[2:4])}

    # --- steps ----------------------------------------------------------------------------------------------
    def prepare(self) -> None:
        if self.config.database in ("analytics", "postgres", self.admin.database):
            raise SystemExit(f"refusing to benchmark in database {self.config.database!r}: it is dropped first")
        conn = self.admin.with_database("postgres").connect()
        with conn.cursor() as cur:
            cur.execute(f'drop database if exists "{self.config.database}" with (force)')
        conn.close()
        ensure_database(self.admin, self.config.database)
        bootstrap(self.settings)

    def generate(self) -> None:
        c = self.config
        days = round(c.days * c.history)
        spec = SampleSpec(seed=c.seed, tenants=c.tenants, jobs=rows_for_history(c.rows, c.days, days, TRYON),
                          llm_requests=rows_for_history(c.rows, c.days, days, LLM),
                          events=rows_for_history(c.rows, c.days, days, EVENTS),
                          renders=rows_for_history(c.rows, c.days, days, RENDERS), days=days, anchor=ANCHOR)
        started = time.perf_counter()
        # One connection per domain, two at a time: an INSERT ... SELECT runs on one core (PostgreSQL plans no
        # parallel workers for it), so two domains' generation and index builds use two cores side by side.
        with ThreadPoolExecutor(max_workers=2, thread_name_prefix="generate") as pool:
            loads = [pool.submit(load_sample_data, self.settings, d.schema, spec, force=True, log=self.log,
                                 domain=d.domain) for d in c.selected]
            for load in loads:
                load.result()  # re-raises the first failure
        data: dict = {"tenants": c.tenants, "days": days}
        for d in c.selected:
            grant_raw_read(self.settings, d.schema)
            for table in d.domain.tables:
                self.sql(f"analyze {d.schema}.{table}")
            # The rows of the last 7 days, which the scheduled run reads: the same for any history length.
            data[d.domain.probe_table], data[f"{d.domain.probe_table}_last_7_days"] = self.sql(
                f"select count(*), count(*) filter (where {d.time_column} >= %(since)s) from {d.table}",
                {"since": ANCHOR - dt.timedelta(days=7)})[0]
        self.report["data"] = {**data, "generate_seconds": round(time.perf_counter() - started, 1)}
        self.sql(baseline_sql(c.domains).format(schema=BASELINE, tryon=RAW_TRYON, llm=RAW_LLM, events=RAW_EVENTS,
                                                renders=RAW_RENDERS, as_of=f"'{ANCHOR.isoformat()}'"))

    def floor(self) -> None:
        for d in self.config.selected:
            self.sql(f"select count(*) from {d.table}")  # warm the cache as the builds will find it
        floor = {d.domain.name: round(min(self.timed_sql(d.floor.format(schema=d.schema)) for _ in range(2)), 3)
                 for d in self.config.selected}
        floor["total"] = round(sum(floor.values()), 3)
        self.report["floor_seconds"] = floor

    def full_build(self, sampler: MemorySampler) -> None:
        self.dbt(["seed"], ANCHOR, sampler)
        # data_tests off (the doubled history's run): only the scheduled run is compared there.
        command = ["build", "--full-refresh"] if self.config.data_tests else ["run", "--full-refresh"]
        self.log(f"full build (dbt {' '.join(command)}) ...")
        self.report["full_build"] = self.dbt(command, ANCHOR, sampler)

    def mutate(self, day: dt.datetime) -> dt.datetime:
        """One new day of data in each domain with the changes a day brings (status changes on 1 % of the previous
        week's jobs, late logs for past hours, late and re-delivered events): every change time on `day`, the
        partition the scheduled run then applies; returns the run's as_of (the next day)."""
        per_day = max(10, self.config.rows // self.config.days)
        for d in self.config.selected:
            getattr(self, f"mutate_{d.domain.name}")(day, per_day)
            self.sql(f"analyze {d.table}")
        return day + dt.timedelta(days=1)

    def mutate_tryon(self, day: dt.datetime, per_day: int) -> None:
        self.sql(f"""
            insert into {RAW_TRYON}.tryon_jobs
            select md5('bench-new:' || %(day)s::text || g)::uuid, t.ids[1 + g %% cardinality(t.ids)],
                   case when g %% 10 = 0 then 'failed' when g %% 17 = 0 then 'processing' else 'completed' end,
                   case when g %% 3 = 0 then 'kling-v1' else 'idm-vton' end,
                   %(day)s::timestamptz + make_interval(secs => 86300.0 * g / %(n)s),
                   %(day)s::timestamptz + make_interval(secs => 86300.0 * g / %(n)s + 30),
                   case when g %% 10 = 0 then 'provider_timeout' end, 1
            from generate_series(1, %(n)s) as g
            cross join (select array_agg(id order by id) as ids from {RAW_TRYON}.tenants where id is not null) as t""",
                 {"day": day, "n": per_day})
        self.sql(f"""
            update {RAW_TRYON}.tryon_jobs set status = 'completed', updated_at = %(day)s::timestamptz + interval '1 hour'
            where created_at >= %(day)s::timestamptz - interval '7 days' and created_at < %(day)s
              and abs(hashtext(id::text)) %% 100 = 0""", {"day": day})

    def mutate_llm(self, day: dt.datetime, per_day: int) -> None:
        self.sql(f"""
            insert into {RAW_LLM}.usage_logs
            select md5('bench-new-log:' || %(day)s::text || g)::uuid, p.ids[1 + g %% cardinality(p.ids)], 'openai', 'gpt-4o-mini',
                   200, 50, 0.0001, 0.0001, g %% 3 = 0, 120 + g %% 500, 'success',
                   case when g %% 20 = 0 then %(day)s::timestamptz - make_interval(hours => 1 + g %% 48)
                        else %(day)s::timestamptz + make_interval(secs => 86399.0 * g / %(n)s) end,
                   %(day)s::timestamptz + interval '1 day' - interval '1 minute'
            from generate_series(1, %(n)s) as g
            cross join (select array_agg(id order by id) as ids from {RAW_LLM}.projects where id is not null) as p""",
                 {"day": day, "n": per_day})

    def mutate_events(self, day: dt.datetime, per_day: int) -> None:
        """A new day of events (5 % of them up to two days late, so they land in past days), and 0.5 % of the
        previous two days' events delivered again (the same id: spec 002's re-deliveries)."""
        self.sql(f"""
            insert into {RAW_EVENTS}.analytics_events (id, tenant_id, user_id, source, event, ts, props, ip, request_id)
            select md5('bench-new-event:' || %(day)s::text || g)::uuid, t.ids[1 + g %% cardinality(t.ids)],
                   'user-' || (g %% 997),
                   (array['app', 'api', 'webhook', 'job', 'payments', 'files', 'builder', 'agent'])[1 + g %% 8],
                   (array['auth.user.login', 'apikey.request', 'builder.generate.completed', 'auth.user.registered',
                          'email.sent', 'webhook.delivered', 'project.created'])[1 + g %% 7],
                   case when g %% 20 = 0 then %(day)s::timestamptz - make_interval(hours => 1 + g %% 48)
                        else %(day)s::timestamptz + make_interval(secs => 86399.0 * g / %(n)s) end,
                   jsonb_build_object('plan', 'pro'), '10.1.' || (g %% 250) || '.' || (g %% 200),
                   'bench-req-' || g
            from generate_series(1, %(n)s) as g
            cross join (select array_agg(id order by id) as ids from {RAW_EVENTS}.tenants where id is not null) as t""",
                 {"day": day, "n": per_day})
        self.sql(redelivered_events_sql(RAW_EVENTS, one_in=200), {"before": day})

    def mutate_renders(self, day: dt.datetime, per_day: int) -> None:
        """A new day of renders by the last week's users (a tenth of them still pending), their debits, a login per
        ten renders, and 1 % of the previous week's unfinished renders completed (an update in place)."""
        params = {"day": day, "n": per_day}
        users = f"""(select array_agg(user_id order by user_id) as ids from (select distinct user_id
                      from {RAW_RENDERS}.renders where created_at >= %(day)s::timestamptz - interval '7 days'
                      and created_at < %(day)s and user_id is not null) as u) as u"""
        self.sql(f"""
            insert into {RAW_RENDERS}.renders (id, user_id, type, status, quality, platform, metadata, credits_cost,
                                               processing_time, created_at, updated_at)
            select md5('bench-new-render:' || %(day)s::text || g)::uuid, u.ids[1 + g %% cardinality(u.ids)],
                   case when g %% 5 = 0 then 'video' else 'image' end,
                   case when g %% 10 = 0 then 'pending' when g %% 13 = 0 then 'failed' else 'completed' end,
                   (array['standard', 'high', 'ultra'])[1 + g %% 3], (array['render', 'tools', 'canvas'])[1 + g %% 3],
                   jsonb_build_object('sourcePlatform', case when g %% 6 = 0 then 'api' when g %% 7 = 0
                                                             then 'figma-plugin' else 'web' end),
                   1 + g %% 10, case when g %% 10 <> 0 then 5 + g %% 120 end,
                   %(day)s::timestamptz + make_interval(secs => 86300.0 * g / %(n)s),
                   %(day)s::timestamptz + make_interval(secs => 86300.0 * g / %(n)s + 60)
            from generate_series(1, %(n)s) as g cross join {users}""", params)
        self.sql(f"""
            insert into {RAW_RENDERS}.credit_transactions (id, user_id, type, amount, reference_type, reference_id,
                                                           created_at)
            select md5('bench-new-debit:' || r.id::text)::uuid, r.user_id, 'debit', -r.credits_cost, 'render',
                   r.id::text, r.created_at
            from generate_series(1, %(n)s) as g
            join {RAW_RENDERS}.renders as r on r.id = md5('bench-new-render:' || %(day)s::text || g)::uuid
            where r.status <> 'failed'""", params)
        self.sql(f"""
            insert into {RAW_RENDERS}.account_activity (id, user_id, event_type, ip_address, user_agent, created_at)
            select md5('bench-new-login:' || %(day)s::text || g)::uuid, u.ids[1 + g %% cardinality(u.ids)], 'login',
                   '10.2.' || (g %% 250) || '.' || (g %% 200),
                   'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 '
                   'Safari/537.36', %(day)s::timestamptz + make_interval(secs => 86300.0 * g / %(n)s)
            from generate_series(1, greatest(%(n)s / 10, 1)) as g cross join {users}""", params)
        self.sql(f"""
            update {RAW_RENDERS}.renders set status = 'completed', processing_time = 42,
                   updated_at = %(day)s::timestamptz + interval '1 hour'
            where created_at >= %(day)s::timestamptz - interval '7 days' and created_at < %(day)s
              and status in ('pending', 'processing') and abs(hashtext(id::text)) %% 100 = 0""", params)

    def incremental(self, sampler: MemorySampler) -> dt.datetime:
        """`repeats` scheduled runs, each after one new day of changes; the first is the report's `incremental`, the
        wall times of all in `incremental_walls` (the run-to-run noise)."""
        walls, as_of = [], ANCHOR
        for repeat in range(self.config.repeats):
            day = as_of
            as_of = self.mutate(day)
            self.log(f"scheduled run {repeat + 1} of {self.config.repeats} (tenant-analytics materialize) after one "
                     f"new day of changes ...")
            run = self.scheduled_run(day.date().isoformat(), as_of, sampler)
            self.report.setdefault("incremental", run)
            walls.append(run["wall_seconds"])
        self.report["incremental_walls"] = walls
        return as_of

    def reads(self, as_of: dt.datetime) -> None:
        rng = random.Random(self.config.seed)

        def sample(query: str) -> list[str]:
            keys = sorted(r[0] for r in self.sql(query))
            return rng.sample(keys, min(self.config.tenant_reads, len(keys)))

        day = (as_of - dt.timedelta(days=1)).date()
        reads = {}
        if "tryon" in self.config.domains:
            tenants = sample("select distinct tenant_id::text from public.tenant_tryon_overview_v")
            reads.update({
                "tenant overview": ("tenant", tenants, "select * from {s}.tenant_tryon_overview_v where tenant_id = %s"),
                "tenant 30-day trend": ("tenant", tenants, "select * from {s}.tenant_tryon_daily_v where tenant_id = %s "
                                        f"and created_day_utc > date '{day}' - 30 order by created_day_utc"),
                "global overview": ("global", None, "select * from {s}.global_tryon_overview_v"),
                "global 30-day trend": ("global", None, "select * from {s}.global_tryon_daily_v "
                                        f"where created_day_utc > date '{day}' - 30 order by created_day_utc"),
                "top failure reasons": ("global", None, "select * from {s}.global_tryon_failure_reason_v "
                                        "order by total_failures desc limit 10"),
            })
        if "llm" in self.config.domains:
            projects = sample("select distinct project_id::text from public.usage_aggregations_daily")
            reads["LLM dashboard stats"] = ("tenant", projects, "select * from {s}.get_dashboard_stats(%s, 30, "
                                            f"date '{day}')")
        if "events" in self.config.domains:
            event_tenants = sample("select distinct tenant_id::text from public.analytics_kpi_cards")
            reads.update({
                "events KPI cards": ("tenant", event_tenants,
                                     "select * from {s}.analytics_kpi_cards where tenant_id = %s"),
                "events 30-day usage": ("tenant", event_tenants, "select * from {s}.analytics_daily_usage where "
                                        f"tenant_id = %s and date > date '{day}' - 30 order by date, metric"),
            })
        if "renders" in self.config.domains:
            users = sample("select distinct user_id from marts.usage_tracking where user_id is not null")
            reads.update({
                # spec 003's usage chart: a user's last 30 days (the mart, {m}, against the baseline's on-read view)
                "user 30-day usage": ("tenant", users, "select * from {m}.usage_tracking where user_id = %s and "
                                      f"date > date '{day}' - 30 order by date"),
                # getRenderStats over the last 30 days, as an admin reads it (the platform's numbers)
                "render stats, 30 days": ("global", None, "select {s}.get_render_stats("
                                          f"date '{day}' - 29, date '{day}')"),
            })
        results = {}
        conn = self.settings.connect()
        try:
            with conn.cursor() as cur:
                for name, (scope, keys, template) in reads.items():
                    row = {"scope": scope}
                    for label, schema, repeats in (("marts", "public", self.config.global_repeats),
                                                   ("baseline", BASELINE, self.config.baseline_repeats)):
                        query = template.format(s=schema, m="marts" if label == "marts" else schema)
                        params = [(k,) for k in keys] if keys else [None] * repeats
                        if label == "baseline" and keys:
                            params = params[: max(self.config.baseline_repeats * 10, 1)]
                        times, rows = [], 0
                        for p in params:
                            started = time.perf_counter()
                            cur.execute(query, p)
                            rows += len(cur.fetchall())
                            times.append((time.perf_counter() - started) * 1000)
                        row[label] = {"p50_ms": round(statistics.median(times), 3),
                                      "p95_ms": round(_p95(times), 3), "queries": len(times), "rows": rows}
                    row["speedup_p50"] = round(row["baseline"]["p50_ms"] / max(row["marts"]["p50_ms"], 1e-6), 1)
                    results[name] = row
                    self.log(f"  {name:<22} marts p95 {row['marts']['p95_ms']:8.2f} ms   baseline p95 "
                             f"{row['baseline']['p95_ms']:10.2f} ms   x{row['speedup_p50']}")
        finally:
            conn.close()
        self.report["reads"] = results

    def verify(self, as_of: dt.datetime, sampler: MemorySampler) -> None:
        """Incremental marts equal a full refresh (copies kept in schema bench_incremental to inspect)."""
        self.sql("drop schema if exists bench_incremental cascade; create schema bench_incremental")
        marts = [mart for d in self.config.selected for mart in d.marts]
        for mart in marts:
            self.sql(f"create table bench_incremental.{mart} as select * from marts.{mart}")
        self.log("verify: full refresh at the same as_of ...")
        # Spec 002's daily usage is kept through a --full-refresh unless rebuilt on purpose (README, "Product events").
        self.dbt(["run", "--full-refresh", "--vars", '{"events_rebuild_daily_usage": true}'], as_of, sampler)
        differing = {}
        for mart in marts:
            n = self.sql(f"select (select count(*) from (select * from bench_incremental.{mart} except all "
                         f"select * from marts.{mart}) a) + (select count(*) from (select * from marts.{mart} "
                         f"except all select * from bench_incremental.{mart}) b)")[0][0]
            if n:
                differing[mart] = n
        empty = sorted(name for name, row in self.report.get("reads", {}).items() if not row["marts"]["rows"])
        self.report["verify"] = {"marts_differing_after_incremental": differing, "reads_returning_no_rows": empty}

    def history_doubling(self) -> None:
        """The same runs over twice the history, extended backwards (the same tenants, every day as dense as before):
        the scheduled runs' wall time should stay about the same (target: within 1.2x, on the mean of the repeats)."""
        skipped = self.disk_too_small_for_doubling()
        if skipped:
            self.report["history_doubling_skipped"] = skipped
            self.log(f"history doubling skipped: {skipped}")
            return
        self.log("history doubling: the same measurements over a history twice as long ...")
        # Its full build runs no data tests: only the scheduled runs are compared (they run theirs).
        doubled = replace(self.config, history=2.0, verify=False, double_history=False, measure_reads=False,
                          data_tests=False)
        other = Bench(self.admin, doubled).run()
        base, twice = statistics.mean(self.report["incremental_walls"]), statistics.mean(other["incremental_walls"])
        tables = [d.domain.probe_table for d in self.config.selected]
        self.report["history_doubling"] = {
            "days": other["data"]["days"], "rows": sum(other["data"][table] for table in tables),
            "last_7_days_rows": [other["data"][f"{table}_last_7_days"] for table in tables],
            "full_build_model_seconds": other["full_build"]["model_seconds"],
            "incremental_model_seconds": other["incremental"]["model_seconds"],
            "incremental_wall_seconds": round(twice, 2), "incremental_walls": other["incremental_walls"],
            "ratio": round(twice / base, 2) if base else None,
            "incremental_growth_seconds": model_growth(self.report["incremental"]["per_model_seconds"],
                                                       other["incremental"]["per_model_seconds"])}

    def disk_too_small_for_doubling(self) -> str | None:
        """Why the doubled history would not fit (None when it fits or the server's disk cannot be seen from here):
        its database replaces this one and holds ~1.7x the rows, and building it needs about as much again for
        sorts and indexes, so about 2.5x this database's size must be free once this one is dropped. A scale-1.0 run
        that went ahead without it filled the disk after an hour."""
        try:
            size = self.sql("select pg_database_size(current_database())")[0][0]
            data_dir = self.sql("show data_directory")[0][0]
        except psycopg2.Error:  # not a superuser: the data directory is not shown
            return None
        if not os.path.isdir(data_dir):
            return None  # a server on another machine
        free = shutil.disk_usage(data_dir).free
        need = int(size * 2.5)
        if free + size >= need:
            return None
        return (f"needs about {need / 2**30:.0f} GiB on the server's disk ({data_dir}); "
                f"{(free + size) / 2**30:.0f} GiB would be free once this database is dropped")

    def settings_and_machine(self) -> None:
        rows = self.sql("select name, setting, unit from pg_settings where name = any(%s)", (PG_SETTINGS,))
        self.report["postgres"] = {name: f"{setting}{' ' + unit if unit else ''}" for name, setting, unit in rows}
        self.report["machine"] = {"cores": os.cpu_count(), "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
                                  "platform": platform.platform(), "python": platform.python_version()}

    def run(self) -> dict:
        started = time.perf_counter()
        self.log(f"bench: {', '.join(f'{self.config.rows:,} {d.label}' for d in self.config.selected)}, "
                 f"{self.config.tenants:,} tenants, {self.config.days} days, database {self.config.database}")
        self.prepare()
        self.settings_and_machine()
        self.generate()
        self.floor()
        root_pid = self.server_root_pid()
        with MemorySampler(root_pid) as sampler:
            self.full_build(sampler)
            as_of = self.incremental(sampler)
            if self.config.measure_reads:
                self.reads(as_of)
            if self.config.verify:
                self.verify(as_of, sampler)
        self.report["memory_mib"] = {"database_peak": round(sampler.peak_server / 2**20) if root_pid else None,
                                     "dbt_peak": round(sampler.peak_client / 2**20)}
        if self.config.double_history:
            self.history_doubling()
        if self.config.measure_reads:
            self.report["ratios"] = ratios(self.report)
        self.report["total_seconds"] = round(time.perf_counter() - started, 1)
        return self.report


def timings(wall: float, run_results: list[Path]) -> dict:
    """Wall time, and from dbt's run_results.json files: per-model seconds, the models' and the data tests' sums, and
    the database time (every node's execution time divided by dbt's threads: the work itself, without dbt's,
    Dagster's and parsing's own cost)."""
    per_model, tests, nodes = {}, 0.0, 0.0
    for path in run_results:
        document = json.loads(path.read_text(encoding="utf-8"))
        threads = document.get("args", {}).get("threads") or 1
        for result in document["results"]:
            nodes += result["execution_time"] / threads
            if result["unique_id"].startswith("model."):
                per_model[result["unique_id"].split(".")[-1]] = round(result["execution_time"], 3)
            elif result["unique_id"].startswith("test."):
                tests += result["execution_time"]
    return {"wall_seconds": round(wall, 2), "model_seconds": round(sum(per_model.values()), 2),
            "test_seconds": round(tests, 2), "database_seconds": round(nodes, 2),
            "per_model_seconds": dict(sorted(per_model.items(), key=lambda kv: -kv[1]))}


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(int(-(-0.95 * len(ordered) // 1)), 1) - 1]


def model_growth(before: dict[str, float], after: dict[str, float]) -> dict[str, list[float]]:
    """Per-model seconds before and after, largest growth first: which models an incremental run's growth comes
    from when the history doubles. Models in only one run are left out."""
    both = [(name, before[name], after[name]) for name in before.keys() & after.keys()]
    return {name: [b, a] for name, b, a in sorted(both, key=lambda row: (row[1] - row[2], row[0]))}


def ratios(report: dict) -> dict:
    full, inc, floor = report["full_build"]["wall_seconds"], report["incremental"]["wall_seconds"], \
        report["floor_seconds"]["total"]
    database = report["incremental"].get("database_seconds")
    reads = report["reads"]
    out = {
        "full_build_vs_floor": round(full / floor, 2) if floor else None,
        "scheduled_vs_floor": round(inc / floor, 2) if floor else None,
        "incremental_vs_full": round(inc / full, 4) if full else None,
        "scheduled_wall_vs_database": round(inc / database, 2) if database else None,
        "max_read_p95_ms": max(r["marts"]["p95_ms"] for r in reads.values()),
        # None when no read of that scope ran (a domain without global reads benchmarked alone).
        "min_tenant_speedup": min((r["speedup_p50"] for r in reads.values() if r["scope"] == "tenant"), default=None),
        "min_global_speedup": min((r["speedup_p50"] for r in reads.values() if r["scope"] == "global"), default=None),
    }
    def within(value, limit) -> bool:
        return value is not None and value <= limit

    out["targets"] = {
        "full build within 40x the floor": within(out["full_build_vs_floor"], TARGETS["full_build_vs_floor"]),
        "scheduled run within 10x the floor": within(out["scheduled_vs_floor"], TARGETS["scheduled_vs_floor"]),
        "scheduled run within 5% of the full build": within(out["incremental_vs_full"], TARGETS["scheduled_vs_full"]),
        WALL_TARGET: within(out["scheduled_wall_vs_database"],
                                                                   TARGETS["wall_vs_database"]),
        "every read p95 under 10 ms": out["max_read_p95_ms"] < TARGETS["read_p95_ms"],
        "tenant reads 10x the on-read baseline": None if out["min_tenant_speedup"] is None
        else out["min_tenant_speedup"] >= TARGETS["tenant_speedup"],
        "global reads 1000x the on-read baseline": None if out["min_global_speedup"] is None
        else out["min_global_speedup"] >= TARGETS["global_speedup"],
        "scheduled run within 1.2x when history doubles": None if "history_doubling" not in report
        else within(report["history_doubling"]["ratio"], TARGETS["history_growth"]),
    }
    return out


def data_summary(report: dict) -> str:
    """"10,000,000 try-on jobs, ... product events": the rows of each domain the report measured."""
    return ", ".join(f"{report['data'][d.domain.probe_table]:,} {d.label}" for d in BENCH_DOMAINS.values()
                     if d.domain.probe_table in report["data"])


def baseline_sql(domains: tuple[str, ...]) -> str:
    """bench_baseline_views.sql's head and the parts ("-- @domain <name>") of `domains`."""
    parts = re.split(r"^-- @domain (\w+)\n", (SQL_DIR / "bench_baseline_views.sql").read_text(encoding="utf-8"),
                     flags=re.MULTILINE)
    return parts[0] + "".join(body for name, body in zip(parts[1::2], parts[2::2]) if name in domains)


def markdown(report: dict) -> str:
    r, m = report["ratios"], report["machine"]
    lines = [
        "# Benchmark report",
        "",
        f"{data_summary(report)}, {report['data']['tenants']:,} tenants over {report['data']['days']} days; "
        f"{m['cores']} cores, {m['memory_gib']} GiB; PostgreSQL {report['postgres'].get('server_version', '?')}.",
        "",
        "| measure | value | target | met |",
        "| --- | --- | --- | --- |",
        f"| floor (one scan per domain) | {report['floor_seconds']['total']} s | | |",
        f"| full build, models and tests: wall (models / tests database time) | "
        f"{report['full_build']['wall_seconds']} s ({report['full_build']['model_seconds']} s / "
        f"{report['full_build'].get('test_seconds', '?')} s) | ≤ 40x floor: {r['full_build_vs_floor']}x | "
        f"{_mark(r['targets']['full build within 40x the floor'])} |",
        f"| scheduled run, as the schedule runs it: wall (models / tests) | {report['incremental']['wall_seconds']} s "
        f"({report['incremental']['model_seconds']} s / {report['incremental'].get('test_seconds', '?')} s) | "
        f"≤ 10x floor: {r['scheduled_vs_floor']}x | {_mark(r['targets']['scheduled run within 10x the floor'])} |",
        f"| scheduled run vs full build (wall) | {100 * (r['incremental_vs_full'] or 0):.1f} % | ≤ 5 % | "
        f"{_mark(r['targets']['scheduled run within 5% of the full build'])} |",
        f"| scheduled run: wall vs database time | {report['incremental'].get('database_seconds', '?')} s of database "
        f"time: {r['scheduled_wall_vs_database']}x | ≤ 2x | "
        f"{_mark(r['targets'][WALL_TARGET])} |",
        f"| peak memory: database / dbt | {report['memory_mib']['database_peak']} MiB / "
        f"{report['memory_mib']['dbt_peak']} MiB | | |",
        "",
        "| dashboard read | marts p50 / p95 (ms) | on-read baseline p50 / p95 (ms) | speed-up (p50) | target |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, row in report["reads"].items():
        target = "10x" if row["scope"] == "tenant" else "1000x"
        lines.append(f"| {name} | {row['marts']['p50_ms']} / {row['marts']['p95_ms']} | {row['baseline']['p50_ms']} / "
                     f"{row['baseline']['p95_ms']} | {row['speedup_p50']}x | p95 < 10 ms, ≥ {target} |")
    lines += ["", "Targets:", ""]
    lines += [f"- {name}: {_mark(met)}" for name, met in r["targets"].items()]
    lines += ["", "Slowest models in the full build (s): " + ", ".join(
        f"{k} {v}" for k, v in list(report["full_build"]["per_model_seconds"].items())[:8]),
              "", "Slowest models in the scheduled run (s): " + ", ".join(
        f"{k} {v}" for k, v in list(report["incremental"]["per_model_seconds"].items())[:8]),
              "", "PostgreSQL settings: " + ", ".join(f"{k} = {v}" for k, v in report["postgres"].items())]
    if "history_doubling_skipped" in report:
        lines += ["", f"History doubling: not measured: {report['history_doubling_skipped']}."]
    if "history_doubling" in report:
        h = report["history_doubling"]
        grew = list(h.get("incremental_growth_seconds", {}).items())[:8]  # absent in reports written before it
        recent = [report["data"][f"{d.domain.probe_table}_last_7_days"] for d in BENCH_DOMAINS.values()
                  if f"{d.domain.probe_table}_last_7_days" in report["data"]]
        lines += ["", f"History doubling: over {h['days']} days ({h['rows']:,} rows in all; "
                      f"{' and '.join(f'{n:,}' for n in h.get('last_7_days_rows', []))} in the last 7 days, as above: "
                      f"{' and '.join(f'{n:,}' for n in recent)}) the scheduled runs took "
                      f"{', '.join(f'{w} s' for w in h.get('incremental_walls', []))} (mean "
                      f"{h.get('incremental_wall_seconds', '?')} s; models' database time of the first "
                      f"{h['incremental_model_seconds']} s), {h['ratio']}x the mean of the runs above "
                      f"({', '.join(f'{w} s' for w in report.get('incremental_walls', []))}); full build "
                      f"{h['full_build_model_seconds']} s."
                  + (f" Models that grew most (s, {h['days'] // 2} → {h['days']} days): "
                     + ", ".join(f"{name} {before} → {after}" for name, (before, after) in grew) + "."
                     if grew else "")]
    if "verify" in report:
        lines += ["", f"Verification: marts differing between the incremental run and a full refresh: "
                      f"{report['verify']['marts_differing_after_incremental'] or 'none'}; reads returning no rows: "
                      f"{report['verify']['reads_returning_no_rows'] or 'none'}."]
    if report.get("notes"):
        lines += ["", "## Notes", "", report["notes"].split("\n", 1)[-1].strip()]
    return "\n".join(lines) + "\n"


def rewrite_report(directory: Path) -> Path:
    """Write latest.md (and the notes in latest.json) again with the current bench/NOTES.md, measuring nothing:
    for notes written after the run they explain. The measurements and finished_at stay those of the run."""
    json_path, md_path = directory / "latest.json", directory / "latest.md"
    if not json_path.exists():
        raise SystemExit(f"error: no report to rewrite at {json_path}; run `make bench` first")
    report = {**json.loads(json_path.read_text(encoding="utf-8")), "notes": _notes()}
    json_path.write_text(json.dumps(report, indent=2, default=str) + "\n", encoding="utf-8")
    md_path.write_text(markdown(report), encoding="utf-8")
    return md_path


def _notes() -> str:
    return NOTES_FILE.read_text(encoding="utf-8") if NOTES_FILE.exists() else ""


def _mark(met: bool | None) -> str:
    return "not measured" if met is None else ("yes" if met else "**no**")


def write_report(report: dict, directory: Path) -> tuple[Path, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    report = {**report, "finished_at": stamp, "notes": _notes()}
    json_path, md_path = directory / "latest.json", directory / "latest.md"
    json_path.write_text(json.dumps(report, indent=2, default=str) + "\n", encoding="utf-8")
    md_path.write_text(markdown(report), encoding="utf-8")
    return json_path, md_path
