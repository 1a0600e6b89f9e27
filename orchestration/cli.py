"""tenant-analytics: the warehouse, sample data, Dagster runs, the summary and the benchmark.

The Makefile's targets call these commands (`python -m orchestration.cli COMMAND --help`).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import time
from pathlib import Path

import click

from .locking import dbt_build_lock
from .project import DOMAINS, LAYOUTS, PROJECT_ROOT, dbt_executable, ensure_profiles
from .sample_data import DOMAINS as SAMPLE_DOMAINS
from .sample_data import SampleSpec, load_sample_data
from .security import BI_READER_ROLE, add_tenant_login, add_user_login, bootstrap, grant_raw_read
from .warehouse import DEFAULT_PORT, ConnectionSettings, EmbeddedWarehouse, WarehouseError



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


def dbt_command(args: list[str], check: bool = True) -> int:
    """Run the dbt CLI of this virtualenv in the project folder."""
    ensure_profiles()
    env = {**os.environ, **connection().as_env(), "DBT_PROFILES_DIR": str(PROJECT_ROOT)}
    result = subprocess.run([dbt_executable(), *args], cwd=PROJECT_ROOT, env=env)
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
        default = ",".join(layout.schema for layout in LAYOUTS.values())
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


def cmd_load_sample(spec: SampleSpec, force: bool = False) -> None:
    settings = connection()
    for domain in SAMPLE_DOMAINS.values():
        schema = LAYOUTS[domain.name].schema
        load_sample_data(settings, schema, spec, force=force, log=_say, domain=domain)
        grant_raw_read(settings, schema)


def cmd_tenant_login(login: str, tenant_id: str) -> None:
    add_tenant_login(connection(), login, tenant_id, password=os.environ.get("TA_TENANT_PASSWORD"))
    _say(f"login {login} may now read the rows of tenant {tenant_id} (and no other tenant's)")


def cmd_user_login(login: str, user_id: str) -> None:
    add_user_login(connection(), login, user_id, password=os.environ.get("TA_USER_PASSWORD"))
    _say(f"login {login} may now read the user-scoped analytics of user {user_id} (and no other user's)")


def materialize(full_refresh: bool = False, partition: str | None = None, as_of: str | None = None,
                domain: str | None = None) -> None:
    """Materialize every asset through Dagster (the job the hourly schedule runs), or one domain's."""
    from .partitions import daily_partitions, schedule_partition_key
    from .preflight import check_raw_tables

    check_raw_tables(connection(), domains=(domain,) if domain else DOMAINS)

    today = schedule_partition_key(dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=65))
    daily_partitions.time_window_for_partition_key(partition or today)  # an invalid key fails here, before dbt
    # Parsed once here (the run's settings are not vars: macro run_var), so each dbt step starts from this parse.
    dbt_command(["parse", "--quiet"])
    os.environ.setdefault("DAGSTER_HOME", str(PROJECT_ROOT / ".dagster_home"))
    Path(os.environ["DAGSTER_HOME"]).mkdir(parents=True, exist_ok=True)
    from dagster import DagsterInstance

    from .definitions import defs

    from .assets import CATCH_UP_TAG
    from .housekeeping import fail_dead_runs, process_tags

    job = defs.resolve_job_def(f"analytics_{domain}" if domain else "analytics_all_assets")
    config = {"full_refresh": full_refresh, **({"as_of": as_of} if as_of else {})}
    # Quiet by default: Dagster's console shows warnings and errors (dbt's failures among them), each dbt step a
    # progress line (assets.Progress); everything is in the run's log file. TA_LOG_LEVEL=DEBUG shows it all live.
    level = os.environ.get("TA_LOG_LEVEL", "WARNING").upper()
    run_config = {"resources": {"build_options": {"config": config}},
                  "loggers": {"console": {"config": {"log_level": level}}}}
    os.environ["TA_PROGRESS"] = "1"
    started = time.monotonic()
    with DagsterInstance.get() as instance:
        for run_id in fail_dead_runs(instance):
            _say(f"Dagster run {run_id[:8]} had lost its process (killed mid-build): marked failed")
        first, last = (partition, partition) if partition else days_to_apply(instance, domain, today, full_refresh)
        days = first if first == last else f"{first} to {last}"
        kind = f"full refresh, recorded as the days of changes {days}" if full_refresh else f"the changes of {days}"
        _say(f"materializing {f'the {domain} domain' if domain else 'every asset'} through Dagster ({kind}) ...")
        # Several days are one run (the incremental assets' single-run backfill policy) that applies every change
        # after each model's watermark (CATCH_UP_TAG), and Dagster records each of those days as materialized: after
        # a first build, every day of the raw data up to today.
        result = job.execute_in_process(
            run_config=run_config, instance=instance, raise_on_error=False,
            **({"partition_key": last, "tags": process_tags()} if first == last else
               {"tags": {**process_tags(), "dagster/asset_partition_range_start": first,
                         "dagster/asset_partition_range_end": last, CATCH_UP_TAG: "watermark"}}),
        )
        log_file = write_run_log(instance, result.run_id)
    graph = defs.resolve_asset_graph()
    for check in result.get_asset_check_evaluations():
        if not check.passed:  # the check's own words (its YAML, or its test, column and arguments)
            rows = check.metadata.get("dagster_dbt/failed_row_count")
            what = graph.get_check_spec(check.asset_check_key).description.strip().rstrip(".")
            _say(f"warning: {check.asset_key.path[-1]}: {what}" + (f" ({rows.value:,} rows)" if rows is not None else ""))
    if not result.success:
        raise SystemExit(f"Dagster run failed; see the dbt output above and the full log {log_file}")
    _say(f"Dagster run {result.run_id[:8]} succeeded in {time.monotonic() - started:.1f}s (logs: {log_file} and "
         f"logs/run-{result.run_id[:8]}-<step>.dbt.log)")


RECORDED_DAYS = 90  # the days a first build or full refresh records as materialized (the raw logs' retention)


def days_to_apply(instance, domain: str | None, today: str, full_refresh: bool) -> tuple[str, str]:
    """The partitions (UTC days of changes) a CLI run applies when none is named: through today, from the oldest of
    the incremental assets' latest materialized days, so a `make run` after days away applies the days it missed. A
    first build or a full refresh applies every day's changes: from the day of the raw tables' oldest change (each
    recorded day costs Dagster an event per incremental asset, about 0.17 s a day, so at most RECORDED_DAYS back:
    older days show as missing in the UI although the build applied them; README, "Partitions")."""
    from .assets import RAW_TABLES, dbt_incremental
    from .partitions import PARTITIONS_START
    from .raw_sources import first_change_day

    keys = [key for key in dbt_incremental.keys if domain is None or dbt_incremental.group_names_by_key[key] == domain]
    latest = [max(instance.get_materialized_partitions(key), default=None) for key in keys]
    if full_refresh or None in latest:
        oldest = first_change_day(connection(), [t for t in RAW_TABLES if domain in (None, t.domain)])
        floor = (dt.date.fromisoformat(today) - dt.timedelta(days=RECORDED_DAYS - 1)).isoformat()
        first = max(oldest.isoformat(), PARTITIONS_START, floor) if oldest else today
    else:
        first = min(latest, default=today)
    return min(first, today), today


def cmd_freshness() -> None:
    """Observe the raw tables through Dagster (job analytics_raw_freshness): one line per table with its last change
    and its freshness check, as the UI shows them."""
    from dagster import DagsterInstance

    from .definitions import defs

    os.environ.setdefault("DAGSTER_HOME", str(PROJECT_ROOT / ".dagster_home"))
    with DagsterInstance.get() as instance:
        result = defs.resolve_job_def("analytics_raw_freshness").execute_in_process(
            instance=instance, raise_on_error=False,
            run_config={"loggers": {"console": {"config": {"log_level": "WARNING"}}}})
    if not result.success:
        raise SystemExit("observing the raw tables failed; see the Dagster run " + result.run_id[:8])
    checks = {check.asset_key: check for check in result.get_asset_check_evaluations()}
    for observation in result.asset_observations_for_node("raw_tables"):
        key, meta = observation.asset_key, observation.metadata
        check = checks.get(key)
        verdict = "no freshness rule" if check is None else (
            "fresh" if check.passed else f"STALE ({check.severity.value.lower()}): {check.description}")
        newest = meta.get("newest change")
        _say(f"raw {key.path[-1]:<16} last change {newest.value if newest else 'n/a':<34} {verdict}")


def write_run_log(instance, run_id: str) -> Path:
    """Every event of a Dagster run (dbt's lines among them) as text in logs/run-<id>.log; returns the path."""
    folder = PROJECT_ROOT / "logs"
    folder.mkdir(exist_ok=True)
    path = folder / f"run-{run_id[:8]}.log"
    with path.open("w", encoding="utf-8") as handle:
        for entry in instance.all_logs(run_id):
            moment = dt.datetime.fromtimestamp(entry.timestamp, dt.timezone.utc).strftime("%H:%M:%S")
            kind = entry.dagster_event.event_type_value if entry.dagster_event else entry.level_name if hasattr(
                entry, "level_name") else ""
            handle.write(f"{moment} {entry.step_key or '-':<16} {kind:<22} {entry.user_message}\n")
    return path.relative_to(PROJECT_ROOT)


def _summary_tryon(cur) -> None:
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
    rate = "n/a" if row[8] is None else f"{row[8]:.2f} %"
    print("Try-on analytics, global overview (as of {:%Y-%m-%d %H:%M} UTC)".format(row[0]))
    print(f"  tenants with jobs {row[1]:>10,}    active last 30 days {row[2]:>8,}")
    print(f"  total jobs        {row[3]:>10,}    jobs last 24h       {row[4]:>8,}")
    print(f"  completed         {row[5]:>10,}    failed              {row[6]:>8,}    in flight {row[7]:,}")
    print(f"  success rate      {rate:>10}    avg / p95 lifecycle {row[9] or 0:.1f} s / {row[10] or 0:.1f} s")
    print("Top failure reasons")
    for reason, failures, share in reasons:
        print(f"  {reason:<26}{failures:>8,}  {share:5.1f} %")
    print(f"Data quality: {dq_rows:,} raw rows handled by a rule (select * from marts.tryon_data_quality)")


def _summary_llm(cur) -> None:
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
    dq_rows = cur.fetchone()[0]
    print(f"LLM gateway usage, {llm[0]:,} projects, UTC days {llm[1]} to {llm[2]} (public.usage_aggregations_daily)")
    hit_rate = "n/a" if llm[5] is None else f"{llm[5]:.2f} %"
    savings_pct = "n/a" if llm[8] is None else f"{llm[8]:.1f} % of the potential cost"
    print(f"  requests          {llm[3]:>10,}    cached              {llm[4]:>8,}    cache hit rate {hit_rate}")
    print(f"  total cost        {llm[6]:>10,.2f} $  total savings     {llm[7]:>10,.2f} $  ({savings_pct})")
    print(f"Data quality: {dq_rows:,} raw rows handled by a rule (select * from marts.llm_data_quality)")


def _summary_events(cur) -> None:
    # The 30-day KPI cards of spec 002's dashboard, summed over every tenant.
    cur.execute(
        "select count(*), coalesce(sum(signups_30d), 0), coalesce(sum(active_users_30d), 0),"
        " coalesce(sum(completed_builds_30d), 0), coalesce(sum(api_requests_30d), 0) from public.analytics_kpi_cards"
    )
    cards = cur.fetchone()
    # Days between 2000 and as_of's: clock resets (1970) and clocks ahead (2999) are counted, not headlined.
    cur.execute("select count(distinct tenant_id), min(date), max(date), coalesce(sum(count), 0)"
                " from public.analytics_daily_usage where date >= '2000-01-01'"
                " and date <= (select coalesce(max(as_of_at), now())::date from public.analytics_kpi_cards)")
    usage = cur.fetchone()
    cur.execute("select metric, sum(month) from public.analytics_usage_kpis where metric like '%.%'"
                " group by metric order by 2 desc, 1 limit 5")
    busiest = cur.fetchall()
    cur.execute("select count(*), count(distinct tenant_id) from public.analytics_quota_exceeded"
                " where date > (select max(date) from public.analytics_quota_exceeded) - 30")
    exceeded = cur.fetchone()
    cur.execute("select coalesce(sum(affected_rows), 0) from marts.events_data_quality")
    dq_rows = cur.fetchone()[0]
    print(f"Product events, {usage[0]:,} tenants, UTC days {usage[1]} to {usage[2]} (public.analytics_daily_usage)")
    print(f"  last 30 days:     signups {cards[1]:>8,}    active users {cards[2]:>8,}    "
          f"completed builds {cards[3]:>8,}    API requests {cards[4]:>8,}")
    print("Busiest events (last 30 days)")
    for metric, count in busiest:
        print(f"  {metric:<34}{count:>10,}")
    print(f"Quotas exceeded: {exceeded[0]:,} tenant days and metrics, {exceeded[1]:,} tenants, in the last 30 days "
          "recorded (select * from public.analytics_quota_exceeded)")
    print(f"Data quality: {dq_rows:,} raw rows handled by a rule (select * from marts.events_data_quality)")


def _summary_renders(cur) -> None:
    # Spec 003's summary cards over every user and day from 2000 to today, read through its server actions (the
    # numbers are written once, macros/metrics/renders_summary.sql): an admin's call answers for the platform.
    cur.execute("select count(distinct user_id), min(date), max(date) from marts.usage_tracking"
                " where date >= '2000-01-01' and date <= current_date")
    users, first, last = cur.fetchone()
    if first is None:
        print("Renders and credits: no rows yet (marts.usage_tracking)")
        return
    cur.execute("select public.get_render_stats(%s, %s), public.get_credit_stats(%s, %s),"
                " public.get_api_usage_stats(%s, %s)", (first, last) * 3)
    renders, credits, api = cur.fetchone()
    cur.execute("select coalesce(sum(affected_rows), 0) from marts.renders_data_quality")
    dq_rows = cur.fetchone()[0]
    rate = "n/a" if renders["successRate"] is None else f"{renders['successRate']:.2f} %"
    print(f"Renders and credits, {users:,} users, UTC days {first} to {last} "
          "(marts.usage_tracking, public.get_analytics_data)")
    print(f"  renders           {renders['total']:>10,}    completed           {renders['completed']:>8,}    "
          f"failed {renders['failed']:,}    success rate {rate}")
    print(f"  credits spent     {credits['totalSpent']:>10,}    earned            {credits['totalEarned']:>10,}    "
          f"net {credits['netBalance']:,}")
    print(f"  API calls         {api['totalCalls']:>10,}    active API keys     {api['activeKeys']:>8,}")
    print(f"Data quality: {dq_rows:,} raw rows handled by a rule (select * from marts.renders_data_quality)")


SUMMARIES = {"tryon": _summary_tryon, "llm": _summary_llm, "events": _summary_events, "renders": _summary_renders}


def cmd_summary() -> None:
    """Each enabled domain's headline numbers, then where to go next."""
    from .preflight import enabled_domains

    settings = connection()
    conn = settings.connect()
    try:
        with conn.cursor() as cur:
            for domain in enabled_domains():
                print()
                SUMMARIES[domain](cur)
    finally:
        conn.close()
    print()
    print("Next")
    print(f"  psql / BI tool : host {settings.host} port {settings.port} database {settings.database}, as a BI or "
          "tenant login (below); schema public (views) or marts (tables)")
    print("  BI login       : create role <name> login password '...' in role analytics_bi_reader "
          "(README, Security model)")
    print("  tenant login   : python -m orchestration.cli tenant-login <name> <tenant uuid>")
    print("  Dagster UI     : make dagster, then open http://127.0.0.1:3000")
    print("  dbt docs       : make docs, then open http://127.0.0.1:8080 (lineage graph at the bottom right)")
    print("  stop warehouse : make warehouse-stop")


def cmd_run(spec: SampleSpec, force: bool = False, full_refresh: bool = False) -> None:
    started = time.monotonic()
    cmd_warehouse("start")
    cmd_load_sample(spec, force)
    materialize(full_refresh=full_refresh)
    cmd_freshness()
    cmd_summary()
    _say(f"done in {time.monotonic() - started:.1f}s")


def cmd_bench(scale: float, domains: str, tenants: int, days: int, tenant_reads: int, database: str, report_dir: str,
              verify: bool, double_history: bool, rewrite_report: bool) -> None:
    from bench.runner import Bench, BenchConfig, write_report
    from bench.runner import rewrite_report as rewrite

    if rewrite_report:
        md_path = rewrite(Path(report_dir))
        print(md_path.read_text(encoding="utf-8"))
        _say(f"report rewritten from its JSON with the current bench/NOTES.md: {md_path}")
        return
    if _uses_embedded():
        cmd_warehouse("start")
    try:
        config = BenchConfig(scale=scale, domains=tuple(d.strip() for d in domains.split(",") if d.strip()),
                             tenants=tenants, days=days, tenant_reads=tenant_reads,
                             database=database, report_dir=Path(report_dir), verify=verify,
                             double_history=double_history, log=_say)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    bench = Bench(connection(), config)
    try:
        report = bench.run()
    except BaseException as exc:
        # What was measured before the failure (an hour of a scale-1.0 run) is kept, not lost with it.
        partial = config.report_dir / "partial.json"
        partial.parent.mkdir(parents=True, exist_ok=True)
        partial.write_text(json.dumps({**bench.report, "failed": f"{type(exc).__name__}: {exc}"[:3000]}, indent=2,
                                      default=str), encoding="utf-8")
        _say(f"bench stopped ({type(exc).__name__}); what it measured until then: {partial}")
        raise
    json_path, md_path = write_report(report, config.report_dir)
    print()
    print(md_path.read_text(encoding="utf-8"))
    _say(f"report: {md_path} and {json_path} ({report['total_seconds']:.0f}s)")


# -- the command line (click) ------------------------------------------------------------------------
class _Group(click.Group):
    """Any WarehouseError becomes one line on stderr and exit status 1."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except WarehouseError as exc:
            raise SystemExit(f"error: {exc}") from None


def _sample_options(command):
    """The sample-data options shared by load-sample and run."""
    options = [
        click.option("--jobs", type=int, default=lambda: int(os.environ.get("TA_SAMPLE_JOBS", 200_000)),
                     show_default="200000, or $TA_SAMPLE_JOBS", help="try-on jobs (spec 000)"),
        click.option("--llm-requests", type=int,
                     default=lambda: int(os.environ.get("TA_SAMPLE_LLM_REQUESTS", 200_000)),
                     show_default="200000, or $TA_SAMPLE_LLM_REQUESTS", help="LLM gateway requests (spec 001)"),
        click.option("--events", type=int, default=lambda: int(os.environ.get("TA_SAMPLE_EVENTS", 200_000)),
                     show_default="200000, or $TA_SAMPLE_EVENTS", help="product events (spec 002)"),
        click.option("--renders", type=int, default=lambda: int(os.environ.get("TA_SAMPLE_RENDERS", 200_000)),
                     show_default="200000, or $TA_SAMPLE_RENDERS", help="renders (spec 003; their users' credit "
                     "transactions, account activity and API keys with them)"),
        click.option("--tenants", type=int, default=lambda: int(os.environ.get("TA_SAMPLE_TENANTS", 60)),
                     show_default="60, or $TA_SAMPLE_TENANTS"),
        click.option("--days", type=int, default=90, show_default=True),
        click.option("--seed", type=int, default=42, show_default=True),
        click.option("--anchor", help="ISO timestamp the sample data ends at (default: this hour, UTC)"),
        click.option("--force", is_flag=True, help="replace raw rows that are already there"),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _sample_spec(jobs, llm_requests, events, renders, tenants, days, seed, anchor) -> SampleSpec:
    start = dt.datetime.fromisoformat(anchor) if anchor else None
    return SampleSpec(seed=seed, tenants=tenants, jobs=jobs, llm_requests=llm_requests, events=events,
                      renders=renders, days=days,
                      **({"anchor": start} if start else {}))


@click.group(cls=_Group, help=__doc__, context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    pass


@cli.command("warehouse")
@click.argument("action", type=click.Choice(["start", "stop", "status", "bootstrap"]))
def warehouse_command(action: str) -> None:
    """Start, stop or check the embedded PostgreSQL.

    bootstrap: create the analytics_owner role dbt builds as and let it read the raw schemas ($TA_RAW_SCHEMAS,
    comma-separated) - once per database, as a superuser ($TA_LOCK_DOWN=1 also closes PostgreSQL's side channels).
    """
    cmd_warehouse(action)


@cli.command("tenant-login")
@click.argument("login")
@click.argument("tenant_id")
def tenant_login_command(login: str, tenant_id: str) -> None:
    """Create a tenant login (password from $TA_TENANT_PASSWORD) and map it to one tenant."""
    cmd_tenant_login(login, tenant_id)


@cli.command("user-login")
@click.argument("login")
@click.argument("user_id")
def user_login_command(login: str, user_id: str) -> None:
    """Create a user login (password from $TA_USER_PASSWORD) and map it to one user (spec 003's analytics)."""
    cmd_user_login(login, user_id)


@cli.command("export-events")
@click.option("--login", required=True, help="the tenant's SQL login (password: $TA_TENANT_PASSWORD or ~/.pgpass)")
@click.option("--from", "date_from", required=True, type=click.DateTime(["%Y-%m-%d"]), help="first UTC day")
@click.option("--to", "date_to", required=True, type=click.DateTime(["%Y-%m-%d"]), help="last UTC day (inclusive)")
@click.option("--event", help="only this event name")
@click.option("--source", help="only this source")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="the CSV file to write")
def export_events_command(login, date_from, date_to, event, source, out) -> None:
    """Export a tenant's events as CSV (spec 002), read as its own login; at most $ANALYTICS_MAX_EXPORT_ROWS rows."""
    from .export import export_events

    operator = connection()
    tenant = ConnectionSettings(operator.host, operator.port, login, os.environ.get("TA_TENANT_PASSWORD", ""),
                                operator.database)
    result = export_events(tenant, operator, out, date_from.date(), date_to.date(), event, source)
    _say(f"exported {result.rows:,} events of tenant {result.tenant_id or '(none mapped)'} to {result.path}")
    if result.truncated:
        _say(f"warning: truncated: more events match; at most {result.max_rows:,} rows are exported "
             f"($ANALYTICS_MAX_EXPORT_ROWS): narrow the range or filter by event or source")


@cli.command("exporter")
@click.option("--port", default=9464, show_default=True, type=int, help="the port on 127.0.0.1")
def exporter_command(port: int) -> None:
    """Serve spec 002's Prometheus metrics on 127.0.0.1:PORT/metrics, read from the marts at each scrape."""
    from dagster import DagsterInstance

    from .metrics_exporter import serve

    settings = connection()
    os.environ.setdefault("DAGSTER_HOME", str(PROJECT_ROOT / ".dagster_home"))
    with DagsterInstance.get() as instance:
        server = serve(settings, port, dagster_instance=instance)
        _say(f"serving the Prometheus metrics on http://127.0.0.1:{port}/metrics (Ctrl-C stops)")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            server.shutdown()


@cli.command("load-sample")
@_sample_options
def load_sample_command(force: bool, **sample) -> None:
    """Create the raw tables and load sample data if they are empty."""
    cmd_load_sample(_sample_spec(**sample), force)


@cli.command("materialize")
@click.option("--full-refresh", is_flag=True, help="rebuild every incremental model from scratch")
@click.option("--partition", help="a UTC day (YYYY-MM-DD) of changes to apply (default: the schedule's)")
@click.option("--as-of", help="reference time of trailing windows, ISO 8601 (default: the run's start)")
@click.option("--domain", type=click.Choice(DOMAINS), help="only this domain's assets (default: every domain)")
def materialize_command(full_refresh: bool, partition: str | None, as_of: str | None, domain: str | None) -> None:
    """Materialize every asset through Dagster (the job the hourly schedule runs), or one domain's."""
    materialize(full_refresh=full_refresh, partition=partition, as_of=as_of, domain=domain)


@cli.command("reconcile")
def reconcile_command() -> None:
    """Mark the UTC days whose raw rows were deleted for the next incremental run to recompute (daily in Dagster)."""
    from .preflight import check_raw_tables

    check_raw_tables(connection())
    with dbt_build_lock(connection(), log=_say):
        dbt_command(["run-operation", "reconcile_deletions"])


@cli.command("freshness")
def freshness_command() -> None:
    """Observe the raw tables (last change) and check the dbt sources' freshness rules, through Dagster."""
    cmd_freshness()


@cli.command("bi")
@click.argument("action", type=click.Choice(["start", "stop", "install"]))
def bi_command(action: str) -> None:
    """Apache Superset over the marts: install once, import the dashboards (bi/bundle), start; or stop it."""
    from . import bi

    if action == "install":
        bi.install(log=_say)
        return
    if action == "stop":
        _say("Superset stopped" if bi.stop() else "Superset was not running")
        return
    address = bi.start(connection(), log=_say)
    secrets = bi.SECRETS.relative_to(PROJECT_ROOT) if bi.SECRETS.is_relative_to(PROJECT_ROOT) else bi.SECRETS
    _say(f"Superset is up at {address}: log in as {bi.ADMIN}, password TA_BI_ADMIN_PASSWORD in {secrets}; it reads "
         f"the warehouse as {bi.BI_LOGIN} (role {BI_READER_ROLE})")


@cli.command("screenshots")
@click.option("--out", default=str(PROJECT_ROOT / "logs" / "screenshots"), show_default=True)
def screenshots_command(out: str) -> None:
    """Screenshots (headless Chromium) of the Dagster lineage, a mart's partitions and checks, and the dbt docs."""
    from .screenshots import take

    connection()
    take(Path(out), log=lambda line: _say(f"screenshot {line}"))


@cli.command("summary")
def summary_command() -> None:
    """Print each enabled domain's headline numbers (try-on overview, LLM totals, product-event KPI cards)."""
    cmd_summary()


@cli.command("run")
@_sample_options
@click.option("--full-refresh", is_flag=True)
def run_command(force: bool, full_refresh: bool, **sample) -> None:
    """Start the warehouse, load sample data if needed, materialize, summarize."""
    cmd_run(_sample_spec(**sample), force=force, full_refresh=full_refresh)


@cli.command("bench")
@click.option("--scale", type=float, default=1.0, show_default=True,
              help="1.0 = 10 million rows per domain (try-on jobs, LLM logs, product events, renders); "
                   "0.01 = 100,000 each")
@click.option("--domains", default="tryon,llm,events,renders", show_default=True,
              help="the domains generated, built and read (comma-separated); the others are switched off")
@click.option("--tenants", type=int, default=2000, show_default=True)
@click.option("--days", type=int, default=365, show_default=True)
@click.option("--tenant-reads", type=int, default=200, show_default=True, help="random tenants (and projects) read")
@click.option("--database", default="analytics_bench", show_default=True,
              help="dropped and recreated on the same server")
@click.option("--report-dir", default=str(PROJECT_ROOT / "bench" / "reports"), show_default=True)
@click.option("--verify", is_flag=True, help="also check incremental == full refresh (one more build)")
@click.option("--double-history", is_flag=True,
              help="then measure again over twice the days and rows (the incremental run should not grow)")
@click.option("--rewrite-report", is_flag=True,
              help="measure nothing: write latest.md again from latest.json with the current bench/NOTES.md")
def bench_command(**options) -> None:
    """The performance benchmark: generate, build, measure, write a report."""
    cmd_bench(**options)


def main(argv: list[str] | None = None) -> None:
    cli.main(args=argv, prog_name="tenant-analytics", standalone_mode=True)


if __name__ == "__main__":
    main()
