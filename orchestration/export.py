"""Spec 002's CSV export (GET /api/analytics/events/export): a tenant's events for a date range, optionally of one
event name and one source, newest first, as CSV.

The rows are read as the tenant's own login, so row-level security decides what is exported (never the operator's
view of every tenant), and streamed with PostgreSQL's COPY straight into the file: nothing holds the whole result.
At most ANALYTICS_MAX_EXPORT_ROWS rows (50,000 by default) are written; when more match, the export says so and is
marked truncated. Every export writes one audit row (who, which tenant, the filters, rows, truncated, when) to
analytics_audit.export_requests, which only admins read; the operator's connection writes it (README, "Export").
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from psycopg2 import sql

from .warehouse import ConnectionSettings, WarehouseError

MAX_ROWS_ENV = "ANALYTICS_MAX_EXPORT_ROWS"
DEFAULT_MAX_ROWS = 50_000
COLUMNS = ("event_id", "user_id", "source", "event", "ts", "props", "ip_prefix", "request_id")


@dataclass(frozen=True)
class ExportResult:
    path: Path
    rows: int
    truncated: bool
    max_rows: int
    tenant_id: str | None


def max_export_rows() -> int:
    text = os.environ.get(MAX_ROWS_ENV, str(DEFAULT_MAX_ROWS))
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise WarehouseError(f"{MAX_ROWS_ENV} must be a whole number >= 1, got {text!r}")
    return value


def _filtered(date_from: dt.date, date_to: dt.date, event: str | None, source: str | None) -> sql.Composed:
    """The events of the range and filters, as the login sees them (public.analytics_events_v, under RLS)."""
    conditions = [sql.SQL("created_day_utc >= {} and created_day_utc <= {}").format(sql.Literal(date_from),
                                                                                   sql.Literal(date_to))]
    if event:
        conditions.append(sql.SQL("event = {}").format(sql.Literal(event)))
    if source:
        conditions.append(sql.SQL("source = {}").format(sql.Literal(source)))
    return sql.SQL("select {} from public.analytics_events_v where {} order by ts desc, event_id desc").format(
        sql.SQL(", ").join(sql.Identifier(c) for c in COLUMNS), sql.SQL(" and ").join(conditions))


def export_events(tenant: ConnectionSettings, operator: ConnectionSettings, out: Path, date_from: dt.date,
                  date_to: dt.date, event: str | None = None, source: str | None = None,
                  max_rows: int | None = None) -> ExportResult:
    """Write the login's events to `out` as CSV (a header, then at most max_rows rows) and audit the export."""
    if date_to < date_from:
        raise WarehouseError(f"the export's range ends ({date_to}) before it starts ({date_from})")
    cap = max_rows if max_rows is not None else max_export_rows()
    query = _filtered(date_from, date_to, event, source)
    conn = tenant.connect(autocommit=False)
    try:
        with conn.cursor() as cur:
            conn.set_session(readonly=True)
            # Whether more rows match than the cap: one probe past it, through the same index as the export.
            cur.execute(sql.SQL("select exists ({} offset {} limit 1)").format(query, sql.Literal(cap)))
            truncated = cur.fetchone()[0]
            copy = sql.SQL("copy ({} limit {}) to stdout with (format csv, header)").format(query, sql.Literal(cap))
            out.parent.mkdir(parents=True, exist_ok=True)
            with out.open("w", encoding="utf-8", newline="") as handle:
                cur.copy_expert(copy.as_string(conn), handle)
            rows = cur.rowcount
        conn.rollback()
    finally:
        conn.close()
    tenant_id = _audit(operator, tenant.user, date_from, date_to, event, source, rows, truncated, cap)
    return ExportResult(out, rows, truncated, cap, tenant_id)


def _audit(operator: ConnectionSettings, login: str, date_from: dt.date, date_to: dt.date, event: str | None,
           source: str | None, rows: int, truncated: bool, cap: int) -> str | None:
    conn = operator.connect()
    try:
        with conn.cursor() as cur:
            cur.execute("select to_regclass('analytics_audit.export_requests')")
            if cur.fetchone()[0] is None:
                raise WarehouseError("analytics_audit.export_requests is missing: run a build with the events domain "
                                     "on first (make run)")
            cur.execute("""insert into analytics_audit.export_requests
                               (login, tenant_id, date_from, date_to, event, source, rows, truncated, max_rows)
                           select %s, (select min(tenant_id::text)::uuid from analytics_security.tenant_logins
                                       where login = to_regrole(%s)),
                                  %s, %s, %s, %s, %s, %s, %s
                           returning tenant_id::text""",
                        (login, login, date_from, date_to, event, source, rows, truncated, cap))
            return cur.fetchone()[0]
    finally:
        conn.close()
