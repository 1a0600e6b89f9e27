"""Create the raw operational tables and fill them with deterministic sample data, inside the database."""

from __future__ import annotations

import datetime as dt
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from psycopg2 import sql

from .warehouse import ConnectionSettings

SQL_DIR = Path(__file__).resolve().parent / "sql"
_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")


def _default_anchor() -> dt.datetime:
    now = dt.datetime.now(dt.timezone.utc)
    return now.replace(minute=0, second=0, microsecond=0)


@dataclass(frozen=True)
class SampleSpec:
    """What to generate. The same spec always gives the same rows."""

    seed: int = 42
    tenants: int = 60
    jobs: int = 200_000
    llm_requests: int = 200_000
    events: int = 200_000
    renders: int = 200_000
    days: int = 90
    anchor: dt.datetime = field(default_factory=_default_anchor)

    def __post_init__(self) -> None:
        if self.tenants < 6:
            raise ValueError("tenants must be at least 6 (five of them are generated without jobs)")
        if min(self.jobs, self.days, self.llm_requests, self.events, self.renders) < 1:
            raise ValueError("jobs, llm_requests, events, renders and days must be positive")
        if self.anchor.tzinfo is None:
            raise ValueError("anchor must be timezone-aware")


def _render(template: str, schema: str, spec: SampleSpec | None = None, growth: float = 1.0) -> str:
    if not _IDENTIFIER.match(schema):
        raise ValueError(f"schema name must be a plain lowercase identifier, got {schema!r}")
    values = {"schema": schema}
    if spec is not None:
        values.update(
            seed=str(int(spec.seed)),
            tenants=str(int(spec.tenants)),
            jobs=str(int(spec.jobs)),
            requests=str(int(spec.llm_requests)),
            events=str(int(spec.events)),
            renders=str(int(spec.renders)),
            days=str(int(spec.days)),
            anchor="'" + spec.anchor.isoformat() + "'",
            growth=repr(float(growth)),
        )
    return template.format(**values)


@dataclass(frozen=True)
class Domain:
    """A source system's raw tables: where their DDL and generator live, and which table shows it is loaded."""

    name: str
    tables_sql: str
    data_sql: str
    tables: tuple[str, ...]
    probe_table: str
    describe: object  # (SampleSpec) -> str
    # Traffic grows over the period: a row is created days * 86400 * r ** growth seconds before the anchor (r uniform
    # in [0, 1)), so later days are denser. The generator's {growth}.
    growth: float


TRYON = Domain("tryon", "tryon_raw_tables.sql", "tryon_sample_data.sql", ("tryon_jobs", "credit_ledgers", "tenants"),
               "tryon_jobs", lambda s: f"{s.jobs:,} try-on jobs for {s.tenants} tenants", growth=1.4)
LLM = Domain("llm", "llm_raw_tables.sql", "llm_sample_data.sql", ("usage_logs", "projects"),
             "usage_logs", lambda s: f"{s.llm_requests:,} LLM gateway requests for the projects of {s.tenants - 5} tenants",
             growth=1.2)
EVENTS = Domain("events", "events_raw_tables.sql", "events_sample_data.sql", ("analytics_events", "tenants"),
                "analytics_events", lambda s: f"{s.events:,} product events for {s.tenants} tenants", growth=1.3)
RENDERS = Domain("renders", "renders_raw_tables.sql", "renders_sample_data.sql",
                 ("renders", "credit_transactions", "account_activity", "plugin_api_keys"), "renders",
                 lambda s: f"{s.renders:,} renders of {max(50, s.renders // 25):,} users", growth=1.3)
DOMAINS = {d.name: d for d in (TRYON, LLM, EVENTS, RENDERS)}


def redelivered_events_sql(schema: str, one_in: int) -> str:
    """Spec 002's re-deliveries as the tests and the bench make them: one in `one_in` of the events of the two days
    before the parameter %(before)s delivered again, the very same row (id, time and all)."""
    return (f"insert into {schema}.analytics_events select * from {schema}.analytics_events "
            f"where ts >= %(before)s::timestamptz - interval '2 days' and ts < %(before)s::timestamptz "
            f"and abs(hashtext(id::text)) %% {one_in} = 0")


def rows_for_history(rows: int, days: int, longer_days: int, domain: Domain) -> int:
    """The rows of a history of `longer_days` whose every day is as dense as in `rows` over `days` (the longer
    history extends the shorter one backwards). Of n rows over D days, n * (s / D) ** (1 / growth) fall in the last s
    days; keeping that equal for every s gives n' = n * (D' / D) ** (1 / growth): 1.64x (try-on) and 1.78x (LLM) the
    rows for twice the days, not 2x, which would make the recent days 2 ** (1 - 1 / growth) times as dense."""
    return round(rows * (longer_days / days) ** (1 / domain.growth))


def _ddl(schema: str, domain: Domain) -> tuple[str, str]:
    """The domain's DDL split into (tables, indexes): bulk loads build indexes once, after the rows are in."""
    tables, indexes = [], []
    for line in _render((SQL_DIR / domain.tables_sql).read_text(encoding="utf-8"), schema).splitlines():
        (indexes if line.lower().startswith("create index") else tables).append(line)
    return "\n".join(tables), "\n".join(indexes)


def create_raw_tables(settings: ConnectionSettings, schema: str, domain: Domain = TRYON) -> None:
    tables, indexes = _ddl(schema, domain)
    with settings.connect() as conn, conn.cursor() as cur:
        cur.execute(tables)
        cur.execute(indexes)


def is_loaded(settings: ConnectionSettings, schema: str, domain: Domain = TRYON) -> bool:
    conn = settings.connect()
    try:
        with conn.cursor() as cur:
            cur.execute("select to_regclass(%s)", (f"{schema}.{domain.probe_table}",))
            if cur.fetchone()[0] is None:
                return False
            cur.execute(sql.SQL("select exists (select 1 from {}.{})").format(
                sql.Identifier(schema), sql.Identifier(domain.probe_table)))
            return bool(cur.fetchone()[0])
    finally:
        conn.close()


def load_sample_data(
    settings: ConnectionSettings,
    schema: str,
    spec: SampleSpec | None = None,
    *,
    force: bool = False,
    log=print,
    domain: Domain = TRYON,
) -> bool:
    """Create the raw tables of `domain` and load sample data unless some is there already (or `force`).

    Returns True when data was loaded. With `force`, existing raw rows are removed first.
    """
    spec = spec or SampleSpec()
    create_raw_tables(settings, schema, domain)
    if is_loaded(settings, schema, domain) and not force:
        log(f"sample data: {schema}.{domain.probe_table} already has rows; not loading again (use --force to reload)")
        return False
    template = (SQL_DIR / domain.data_sql).read_text(encoding="utf-8")
    started = time.monotonic()
    log(
        f"sample data: generating {domain.describe(spec)} over {spec.days} days "
        f"(seed {spec.seed}, anchor {spec.anchor.isoformat()}) in {schema} ..."
    )
    _, indexes = _ddl(schema, domain)
    conn = settings.connect(autocommit=False)
    try:
        with conn.cursor() as cur:
            if force:
                for table in domain.tables:
                    cur.execute(sql.SQL("truncate {}.{}").format(sql.Identifier(schema), sql.Identifier(table)))
            # The tables are empty here: drop their indexes, load, and build each index once at the end.
            for name in re.findall(r"create index if not exists (\w+)", indexes, flags=re.I):
                cur.execute(sql.SQL("drop index if exists {}.{}").format(sql.Identifier(schema), sql.Identifier(name)))
            cur.execute(_render(template, schema, spec, growth=domain.growth))
            log("sample data: building indexes ...")
            cur.execute(indexes)
        conn.commit()
    finally:
        conn.close()
    log(f"sample data: done in {time.monotonic() - started:.1f}s")
    return True
