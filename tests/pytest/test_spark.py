"""The same models on Apache Spark (dbt-spark, `method: session`) give the marts PostgreSQL gives, row for row.

The raw tables are copied from the test PostgreSQL into Spark (orchestration/spark.py), so both engines read the
same rows, every domain on but spec 003's (renders: PostgreSQL only so far, its user-agent rules are PostgreSQL
regular expressions). Round one: a full build on both (on Spark with its data tests, so their SQL is checked
there too). Round two: the foundation's raw mutations (status transitions, late and duplicate rows, re-deliveries that
move a request to another hour; test_incremental_equals_full_refresh.mutate) and the product events' (a new day, late
events, re-deliveries) are applied in PostgreSQL and copied again, then both engines run the models incrementally: the comparison is the check (the same data tests ran in round one, and run on
PostgreSQL's incremental state in the other modules). Counts, sums and every other exact
value must be equal; floating-point rates within 1e-9 (relative).

Skipped, with the reason, only when Spark cannot run here (no Java runtime, or the spark extra missing).
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ANCHOR, EVENTS_RAW_SCHEMA, LLM_RAW_SCHEMA, RAW_ENV, RAW_SCHEMA, Dbt, domain_env, execute, fetch
from orchestration.project import PROJECT_ROOT, dbt_executable
from orchestration.sample_data import redelivered_events_sql
from orchestration.spark import spark_available
from test_incremental_equals_full_refresh import MARTS as FOUNDATION_MARTS, mutate

usable, why_not = spark_available()
pytestmark = pytest.mark.skipif(not usable, reason=f"Spark cannot run here: {why_not}")

EVENTS_MARTS = ["analytics_daily_usage", "analytics_events_daily_by_source", "analytics_usage_kpis",
                "analytics_kpi_cards", "analytics_quota_defaults", "analytics_quota_limits", "analytics_quota_status",
                "analytics_quota_exceeded", "analytics_events_recent", "events_data_quality"]
MARTS = [*FOUNDATION_MARTS, *EVENTS_MARTS]
# Columns that say which run wrote a row (when, and its invocation), different on each engine by nature.
RUN_COLUMNS = {"analytics_quota_exceeded": {"detected_at", "detected_by_invocation"}}
AS_OF = (ANCHOR + dt.timedelta(hours=1)).isoformat()
SPARK_DOMAINS = ("tryon", "llm", "events")


class SparkRunner:
    """dbt and the Spark helpers on the `spark` target, each in its own process (one Derby metastore user at a
    time), with their own dbt target path so the PostgreSQL runs' partial parsing is untouched."""

    def __init__(self, settings, directory: Path):
        self.env = {**os.environ, **settings.as_env(), "DBT_TARGET": "spark", "TA_SPARK_DIR": str(directory),
                    **RAW_ENV, **domain_env(SPARK_DOMAINS), "TZ": "UTC",
                    "DBT_PROFILES_DIR": str(PROJECT_ROOT)}
        self.directory = directory

    def run(self, cmd: list[str], what: str) -> str:
        result = subprocess.run(cmd, cwd=PROJECT_ROOT, env=self.env, capture_output=True, text=True)
        if result.returncode != 0:
            pytest.fail(f"{what} failed:\n{result.stdout[-8000:]}\n{result.stderr[-3000:]}")
        return result.stdout

    def dbt(self, *args: str, as_of: str) -> str:
        dbt = dbt_executable()
        return self.run([dbt, *args, "--target-path", "target/spark", "--vars", json.dumps({"as_of": as_of})],
                        f"dbt {' '.join(args)} (spark)")

    def load_raw(self) -> None:
        self.run([sys.executable, "-m", "orchestration.spark", "load-raw"], "copying the raw tables to Spark")

    def marts(self) -> dict[str, list[dict]]:
        out = self.directory / "marts.json"
        self.run([sys.executable, "-m", "orchestration.spark", "export", "--out", str(out),
                  *[f"marts.{m}" for m in MARTS]], "reading the Spark marts")
        tables = json.loads(out.read_text(encoding="utf-8"))
        return {m: [dict(zip(tables[f"marts.{m}"]["columns"], row)) for row in tables[f"marts.{m}"]["rows"]]
                for m in MARTS}


def normalized(value):
    """One comparable form for a value from either engine: exact numbers as Decimal, floats as float, times as
    UTC ISO text without offset, JSON as parsed objects."""
    if isinstance(value, dict) and set(value) == {"decimal"}:
        return decimal.Decimal(value["decimal"])
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return decimal.Decimal(value)
    if isinstance(value, decimal.Decimal):
        return value
    if isinstance(value, float):
        return value
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        text = value.strip()
        if text[:1] in "{[":
            try:
                return json.loads(text)
            except ValueError:
                return value
        return value
    return value


def _fraction_digits(value: decimal.Decimal) -> int:
    return max(0, -value.as_tuple().exponent)


def same_value(a, b) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        if a is None or b is None:
            return a is None and b is None
        a, b = float(a), float(b)
        return abs(a - b) <= 1e-9 * max(abs(a), abs(b), 1.0)
    if isinstance(a, decimal.Decimal) and isinstance(b, decimal.Decimal):
        if a == b:
            return True
        # A quotient (a rate): the engines carry different scales (PostgreSQL 16+ digits, Spark's decimal
        # arithmetic fewer), so it is compared to 1e-9. Counts and sums carry at most 8 fractional digits (the
        # scale of the raw and seed columns) and must be equal.
        if min(_fraction_digits(a), _fraction_digits(b)) > 9:
            return abs(a - b) <= decimal.Decimal("1e-9") * max(abs(a), abs(b), 1)
        return False
    return a == b


def sort_key(row: dict) -> str:
    """Rows pair up by their exact values; a Decimal in canonical form, as the engines keep different scales."""
    return repr([(k, row[k].normalize() if isinstance(row[k], decimal.Decimal) else row[k])
                 for k in sorted(row) if not isinstance(row[k], float)])


def compare(postgres: dict[str, list[dict]], spark: dict[str, list[dict]]) -> None:
    problems = []
    for mart in MARTS:
        skip = RUN_COLUMNS.get(mart, set())
        pg_rows = sorted(({k: normalized(v) for k, v in r.items() if k not in skip} for r in postgres[mart]),
                         key=sort_key)
        sp_rows = sorted(({k: normalized(v) for k, v in r.items() if k not in skip} for r in spark[mart]),
                         key=sort_key)
        if len(pg_rows) != len(sp_rows):
            problems.append(f"{mart}: {len(pg_rows)} rows on PostgreSQL, {len(sp_rows)} on Spark")
            continue
        if pg_rows and set(pg_rows[0]) != set(sp_rows[0]):
            problems.append(f"{mart}: columns differ: {sorted(set(pg_rows[0]) ^ set(sp_rows[0]))}")
            continue
        for a, b in zip(pg_rows, sp_rows):
            bad = [k for k in a if not same_value(a[k], b[k])]
            if bad:
                problems.append(f"{mart}: " + ", ".join(f"{k}: {a[k]!r} (PostgreSQL) != {b[k]!r} (Spark)"
                                                         for k in bad[:4]))
                break
    assert not problems, "\n".join(problems)


def postgres_marts(settings) -> dict[str, list[dict]]:
    return {m: fetch(settings, f"select * from marts.{m}") for m in MARTS}


def newest_change(settings) -> dt.datetime:
    """The newest change time in the raw tables. Earlier tests of the session may have left changes weeks after
    the anchor; this test's changes must come after them, as real ones do (an incremental run reads changes from
    its watermark minus the lookback, so an older change time would be a late arrival beyond the lookback). The
    impossible ones the sample plants (year 2999, infinity) are left out: every run reads those anyway."""
    row = fetch(settings, f"""
        select greatest(
            (select max(coalesce(updated_at, created_at)) from {RAW_SCHEMA}.tryon_jobs
             where coalesce(updated_at, created_at) < '2100-01-01'),
            (select max(created_at) from {RAW_SCHEMA}.credit_ledgers where created_at < '2100-01-01'),
            (select max(coalesce(ingested_at, created_at)) from {LLM_RAW_SCHEMA}.usage_logs
             where coalesce(ingested_at, created_at) < '2100-01-01'),
            (select max(ts) from {EVENTS_RAW_SCHEMA}.analytics_events where ts < '2100-01-01'),
            %s::timestamptz) as newest""", (AS_OF,))[0]
    return row["newest"]


@pytest.fixture(scope="module")
def dbt(warehouse) -> Dbt:
    """PostgreSQL builds what Spark builds."""
    return Dbt(warehouse, SPARK_DOMAINS)


@pytest.fixture(scope="module")
def spark(sample_loaded, tmp_path_factory) -> SparkRunner:
    return SparkRunner(sample_loaded, tmp_path_factory.mktemp("spark"))


def test_spark_builds_the_same_marts_full_and_incremental(sample_loaded, dbt, spark):
    settings = sample_loaded
    dbt("seed")
    # PostgreSQL's data tests run in the other modules; the kept daily events marts are rebuilt on purpose (an earlier
    # module's build of this database may be in them).
    dbt("run", "--full-refresh", as_of=AS_OF, extra_vars={"events_rebuild_daily_usage": True})
    spark.load_raw()
    spark.dbt("build", "--full-refresh", as_of=AS_OF)  # the seeds, the models and their data tests
    compare(postgres_marts(settings), spark.marts())

    changed = newest_change(settings) + dt.timedelta(hours=1)
    mutate(settings, changed_at=changed.isoformat(), salt="spark")
    mutate_events(settings, changed_at=changed.isoformat())
    as_of = (changed + dt.timedelta(hours=1)).isoformat()
    dbt("run", as_of=as_of)
    spark.load_raw()
    spark.dbt("run", as_of=as_of)
    compare(postgres_marts(settings), spark.marts())


def mutate_events(settings, changed_at: str) -> None:
    """Product events as an hour brings them: a new hour of events, events up to two days late (inside the lookback),
    and re-deliveries of the last two days' events (the same id and time)."""
    s = EVENTS_RAW_SCHEMA
    execute(settings, f"""
        insert into {s}.analytics_events (id, tenant_id, user_id, source, event, ts, props, ip, request_id)
        select md5('spark-event:' || g)::uuid, t.id, 'user-' || (g %% 17),
               (array['app', 'api', 'webhook', 'files'])[1 + g %% 4],
               (array['auth.user.login', 'apikey.request', 'files.uploaded', 'builder.generate.started'])[1 + g %% 4],
               case when g %% 3 = 0 then %s::timestamptz - make_interval(hours => g %% 48)
                    else %s::timestamptz + make_interval(mins => g %% 50) end,
               case when g %% 4 = 2 then jsonb_build_object('size_bytes', g * 1000000) else '{{}}'::jsonb end,
               '192.0.2.' || g, 'req-spark-' || g
        from generate_series(1, 80) g
        cross join lateral (select id from {s}.tenants where id is not null order by md5(id::text || g) limit 1) t""",
            (changed_at, changed_at))
    execute(settings, redelivered_events_sql(s, one_in=40), {"before": changed_at})
