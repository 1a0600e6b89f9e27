"""Command line: `python -m orchestration.cli --help` (the Makefile's targets call it)."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

from .project import PROJECT_ROOT, ensure_profiles
from .sample_data import LLM, TRYON, SampleSpec, load_sample_data
from .security import add_tenant_login, bootstrap, grant_raw_read
from .warehouse import DEFAULT_PORT, ConnectionSettings, EmbeddedWarehouse, WarehouseError

DEFAULT_RAW_SCHEMA = "raw_tryon"
DEFAULT_LLM_RAW_SCHEMA = "raw_llm"


def _say(message: str) -> None:
    print(f"[tenant-analytics] {message}", flush=True)


def _uses_embedded() -> bool:
    """The embedded warehouse serves unless the user pointed PGHOST elsewhere (or set TA_WAREHOUSE=external)."""
    mode = os.environ.get("TA_WAREHOUSE", "")
    if mode in ("embedded", "external"):
        return mode == "embedded"
    return os.environ.get("PGHOST", "127.0.0.1") in ("127.0.0.1", "localhost") and int(
        os.environ.get("PGPORT", DEFAULT_PORT)
    ) == int(os.environ.get("TA_PG_PORT", DEFAULT_PORT))


def _embedded() -> EmbeddedWarehouse:
    return EmbeddedWarehouse(port=int(os.environ.get("TA_PG_PORT", DEFAULT_PORT)))


def connection() -> ConnectionSettings:
    settings = ConnectionSettings.from_env()
    os.environ.update(settings.as_env())
    return settings


def raw_schema() -> str:
    return os.environ.get("TA_RAW_SCHEMA", DEFAULT_RAW_SCHEMA)


def llm_raw_schema() -> str:
    return os.environ.get("TA_LLM_RAW_SCHEMA", DEFAULT_LLM_RAW_SCHEMA)


def dbt_command(args: list[str], check: bool = True) -> int:
    """Run the dbt CLI of this virtualenv in the project folder."""
    ensure_profiles()
    env = {**os.environ, **connection().as_env(), "DBT_PROFILES_DIR": str(PROJECT_ROOT)}
    dbt = Path(sys.executable).with_name("dbt")
    result = subprocess.run([str(dbt), *args], cwd=PROJECT_ROOT, env=env)
    if check and result.returncode != 0:
        raise SystemExit(f"dbt {' '.join(args)} failed (exit {result.returncode})")
    return result.returncode


# -- commands ----------------------------------------------------------------------------------------
def cmd_warehouse(action: str) -> None:
    if action == "start":
        if not _uses_embedded():
            _say(f"PGHOST/PGPORT point at an external server ({connection().describe()}); nothing to start")
            connection().connect().close()
            return
        warehouse = _embedded()
        settings = warehouse.start()
        bootstrap(settings, lock_down=True)
        _say(f"embedded PostgreSQL is up at {settings.describe()} (data in {warehouse.data_dir})")
    elif action == "bootstrap":
        settings = connection()
        default = f"{raw_schema()},{llm_raw_schema()}"
        schemas = tuple(s for s in os.environ.get("TA_RAW_SCHEMAS", default).split(",") if s)
        bootstrap(settings, raw_schemas=schemas, lock_down=os.environ.get("TA_LOCK_DOWN", "") == "1")
        _say(f"analytics_owner is ready on {settings.describe()} and may read {', '.join(schemas)}")
    elif action == "stop":
        stopped = _embedded().stop()
        _say("embedded PostgreSQL stopped" if stopped else "embedded PostgreSQL was not running")
    elif action == "status":
        warehouse = _embedded()
        running = warehouse.is_running()
        _say(f"embedded PostgreSQL: {'running on port ' + str(warehouse.port) if running else 'stopped'}")
        if not running:
            raise SystemExit(1)


def cmd_load_sample(args: argparse.Namespace) -> None:
    anchor = dt.datetime.fromisoformat(args.anchor) if args.anchor else None
    spec = SampleSpec(
        seed=args.seed,
        tenants=args.tenants,
        jobs=args.jobs,
        llm_requests=args.llm_requests,
        days=args.days,
        **({"anchor": anchor} if anchor else {}),
    )
    settings = connection()
    for domain, schema in ((TRYON, raw_schema()), (LLM, llm_raw_schema())):
        load_sample_data(settings, schema, spec, force=args.force, log=_say, domain=domain)
        grant_raw_read(settings, schema)


def cmd_tenant_login(args: argparse.Namespace) -> None:
    add_tenant_login(connection(), args.login, args.tenant_id, password=os.environ.get("TA_TENANT_PASSWORD"))
    _say(f"login {args.login} may now read the rows of tenant {args.tenant_id} (and no other tenant's)")


def materialize(full_refresh: bool = False, partition: str | None = None) -> None:
    """Materialize every asset through Dagster: the job the hourly schedule runs."""
    dbt_command(["parse", "--quiet"])
    os.environ.setdefault("DAGSTER_HOME", str(PROJECT_ROOT / ".dagster_home"))
    Path(os.environ["DAGSTER_HOME"]).mkdir(parents=True, exist_ok=True)
    from dagster import DagsterInstance

    from .definitions import defs

    from .partitions import schedule_partition_key

    job = defs.resolve_job_def("analytics_all_assets")
    partition = partition or schedule_partition_key(dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=65))
    run_config = {"ops": {"analytics_dbt_assets": {"config": {"full_refresh": full_refresh}}}}
    started = time.monotonic()
    kind = "full refresh" if full_refresh else f"incremental run for the changes of {partition}"
    _say(f"materializing every asset through Dagster ({kind}) ...")
    with DagsterInstance.get() as instance:
        result = job.execute_in_process(
            run_config=run_config, instance=instance, partition_key=partition, raise_on_error=False
        )
    if not result.success:
        raise SystemExit("Dagster run failed; see the dbt output above")
    _say(f"Dagster run {result.run_id[:8]} succeeded in {time.monotonic() - started:.1f}s")


def cmd_summary() -> None:
    settings = connection()
    conn = settings.connect()
    try:
        with conn.cursor() as cur:
            cur.execute(
                "select as_of_at, tenants_with_jobs, active_tenants_last_30d, total_jobs, jobs_last_24h,"
                " completed_jobs, failed_jobs, in_flight_jobs, terminal_success_rate_pct,"
                " avg_lifecycle_seconds_completed, p95_lifecycle_seconds_completed from public.global_tryon_overview_v"
            )
            row = cur.fetchone()
            cur.execute(
                "select failure_reason_normalized, total_failures, share_of_failures_pct"
                " from public.global_tryon_failure_reason_v order by total_failures desc limit 5"
            )
            reasons = cur.fetchall()
            cur.execute("select coalesce(sum(affected_rows), 0) from marts.tryon_data_quality")
            dq_rows = cur.fetchone()[0]
            # The totals of spec 001 over the retained daily aggregates (every project of every tenant).
            cur.execute(
                "select count(distinct project_id), min(date), max(date), coalesce(sum(total_requests), 0),"
                " coalesce(sum(cached_requests), 0), 100.0 * sum(cached_requests) / nullif(sum(total_requests), 0),"
                " coalesce(sum(total_cost_usd), 0), coalesce(sum(total_savings_usd), 0),"
                " 100.0 * sum(total_savings_usd) / nullif(sum(total_potential_cost_usd), 0)"
                " from public.usage_aggregations_daily"
            )
            llm = cur.fetchone()
            cur.execute("select coalesce(sum(affected_rows), 0) from marts.llm_data_quality")
            llm_dq_rows = cur.fetchone()[0]
    finally:
        conn.close()
    rate = "n/a" if row[8] is None else f"{row[8]:.2f} %"
    print()
    print("Try-on analytics, global overview (as of {:%Y-%m-%d %H:%M} UTC)".format(row[0]))
    print(f"  tenants with jobs {row[1]:>10,}    active last 30 days {row[2]:>8,}")
    print(f"  total jobs        {row[3]:>10,}    jobs last 24h       {row[4]:>8,}")
    print(f"  completed         {row[5]:>10,}    failed              {row[6]:>8,}    in flight {row[7]:,}")
    print(f"  success rate      {rate:>10}    avg / p95 lifecycle {row[9] or 0:.1f} s / {row[10] or 0:.1f} s")
    print("Top failure reasons")
    for reason, failures, share in reasons:
        print(f"  {reason:<26}{failures:>8,}  {share:5.1f} %")
    print(f"Data quality: {dq_rows:,} raw rows handled by a rule (select * from marts.tryon_data_quality)")
    print()
    print(f"LLM gateway usage, {llm[0]:,} projects, UTC days {llm[1]} to {llm[2]} (public.usage_aggregations_daily)")
    hit_rate = "n/a" if llm[5] is None else f"{llm[5]:.2f} %"
    savings_pct = "n/a" if llm[8] is None else f"{llm[8]:.1f} % of the potential cost"
    print(f"  requests          {llm[3]:>10,}    cached              {llm[4]:>8,}    cache hit rate {hit_rate}")
    print(f"  total cost        {llm[6]:>10,.2f} $  total savings     {llm[7]:>10,.2f} $  ({savings_pct})")
    print(f"Data quality: {llm_dq_rows:,} raw rows handled by a rule (select * from marts.llm_data_quality)")
    print()
    print("Next")
    print(f"  psql / BI tool : host {settings.host} port {settings.port} user {settings.user} "
          f"database {settings.database}, schema public (views) or marts (tables)")
    print("  BI login       : create role <name> login password '...' in role analytics_bi_reader "
          "(README, Security model)")
    print("  tenant login   : python -m orchestration.cli tenant-login <name> <tenant uuid>")
    print("  Dagster UI     : make dagster, then open http://127.0.0.1:3000")
    print("  dbt docs       : make docs, then open http://127.0.0.1:8080 (lineage graph at the bottom right)")
    print("  stop warehouse : make warehouse-stop")


def cmd_run(args: argparse.Namespace) -> None:
    started = time.monotonic()
    cmd_warehouse("start")
    cmd_load_sample(args)
    materialize(full_refresh=args.full_refresh)
    cmd_summary()
    _say(f"done in {time.monotonic() - started:.1f}s")


def cmd_bench(args: argparse.Namespace) -> None:
    from .bench import Bench, BenchConfig, rewrite_report, write_report

    if args.rewrite_report:
        md_path = rewrite_report(Path(args.report_dir))
        print(md_path.read_text(encoding="utf-8"))
        _say(f"report rewritten from its JSON with the current bench/NOTES.md: {md_path}")
        return
    if _uses_embedded():
        cmd_warehouse("start")
    config = BenchConfig(scale=args.scale, tenants=args.tenants, days=args.days, tenant_reads=args.tenant_reads,
                         database=args.database, report_dir=Path(args.report_dir), verify=args.verify,
                         double_history=args.double_history, log=_say)
    report = Bench(connection(), config).run()
    json_path, md_path = write_report(report, config.report_dir)
    print()
    print(md_path.read_text(encoding="utf-8"))
    _say(f"report: {md_path} and {json_path} ({report['total_seconds']:.0f}s)")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="tenant-analytics", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    wh = sub.add_parser("warehouse", help="start, stop or check the embedded PostgreSQL")
    wh.add_argument("action", choices=["start", "stop", "status", "bootstrap"],
                    help="bootstrap: create the analytics_owner role dbt builds as and let it read the raw schemas "
                         "($TA_RAW_SCHEMAS, comma-separated) - once per database, as a superuser")

    tl = sub.add_parser("tenant-login", help="create a tenant login (password from $TA_TENANT_PASSWORD) "
                                              "and map it to one tenant")
    tl.add_argument("login")
    tl.add_argument("tenant_id")

    def sample_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("--jobs", type=int, default=int(os.environ.get("TA_SAMPLE_JOBS", 200_000)))
        p.add_argument("--llm-requests", type=int, default=int(os.environ.get("TA_SAMPLE_LLM_REQUESTS", 200_000)))
        p.add_argument("--tenants", type=int, default=int(os.environ.get("TA_SAMPLE_TENANTS", 60)))
        p.add_argument("--days", type=int, default=90)
        p.add_argument("--seed", type=int, default=42)
        p.add_argument("--anchor", help="ISO timestamp the sample data ends at (default: this hour, UTC)")
        p.add_argument("--force", action="store_true", help="replace raw rows that are already there")

    ls = sub.add_parser("load-sample", help="create the raw tables and load sample data if empty")
    sample_args(ls)

    mat = sub.add_parser("materialize", help="materialize every asset through Dagster")
    mat.add_argument("--full-refresh", action="store_true")
    mat.add_argument("--partition", help="a UTC day (YYYY-MM-DD) to recompute")

    sub.add_parser("summary", help="print the global overview and top failure reasons")

    run = sub.add_parser("run", help="start, load sample data if needed, materialize, summarize")
    sample_args(run)
    run.add_argument("--full-refresh", action="store_true")

    bench = sub.add_parser("bench", help="the performance benchmark: generate, build, measure, write a report")
    bench.add_argument("--scale", type=float, default=1.0,
                       help="1.0 = 10 million try-on jobs and 10 million LLM logs (default); 0.01 = 100,000 each")
    bench.add_argument("--tenants", type=int, default=2000)
    bench.add_argument("--days", type=int, default=365)
    bench.add_argument("--tenant-reads", type=int, default=200, help="random tenants (and projects) read")
    bench.add_argument("--database", default="analytics_bench", help="dropped and recreated on the same server")
    bench.add_argument("--report-dir", default=str(PROJECT_ROOT / "bench" / "reports"))
    bench.add_argument("--verify", action="store_true", help="also check incremental == full refresh (one more build)")
    bench.add_argument("--double-history", action="store_true",
                       help="then measure again over twice the days and rows (the incremental run should not grow)")
    bench.add_argument("--rewrite-report", action="store_true",
                       help="measure nothing: write latest.md again from latest.json with the current bench/NOTES.md")

    args = parser.parse_args(argv)
    try:
        if args.command == "warehouse":
            cmd_warehouse(args.action)
        elif args.command == "load-sample":
            cmd_load_sample(args)
        elif args.command == "tenant-login":
            cmd_tenant_login(args)
        elif args.command == "materialize":
            materialize(full_refresh=args.full_refresh, partition=args.partition)
        elif args.command == "summary":
            cmd_summary()
        elif args.command == "run":
            cmd_run(args)
        elif args.command == "bench":
            cmd_bench(args)
    except WarehouseError as exc:
        raise SystemExit(f"error: {exc}") from None


if __name__ == "__main__":
    main()
