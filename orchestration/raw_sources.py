"""The raw operational tables as observable assets of group `raw`: lineage starts there, each observation records a
table's last change, and the dbt sources' freshness rules run as Dagster asset checks.

The application writes these tables; Dagster never materializes them. Observing one reads the newest (and oldest)
value of the table's `loaded_at_field` as the dbt source declares it, the column `dbt source freshness` reads, and
judges it by the same source's `freshness` thresholds (warn_after, error_after): the check and `dbt source freshness`
agree (tests/pytest/test_definitions.py runs both on the same rows). Job `analytics_raw_freshness` observes them every
hour; `tenant-analytics freshness` (part of `make run`) does it from the command line.
"""

from __future__ import annotations

import datetime as dt
import json
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dagster import (AssetCheckResult, BetaWarning, AssetCheckSeverity, AssetCheckSpec, AssetKey, AssetSelection, AssetSpec,
                     DataVersion, DefaultScheduleStatus, MetadataValue, ObserveResult, ScheduleDefinition,
                     define_asset_job, multi_observable_source_asset)

from .warehouse import ConnectionSettings

PERIOD_HOURS = {"minute": 1 / 60, "hour": 1, "day": 24}


@dataclass(frozen=True)
class RawTable:
    """A dbt source table: where it is, its change-time column and its freshness thresholds in hours."""

    key: AssetKey
    domain: str
    schema: str
    name: str
    description: str
    loaded_at_field: str
    warn_after_hours: float | None
    error_after_hours: float | None
    freshness_filter: str = ""
    owner: str = ""

    @property
    def relation(self) -> str:
        return f'"{self.schema}"."{self.name}"'

    @property
    def has_freshness(self) -> bool:
        return bool(self.loaded_at_field) and (self.warn_after_hours or self.error_after_hours) is not None


def _hours(threshold: Mapping[str, Any] | None) -> float | None:
    if not threshold or threshold.get("count") is None:
        return None
    return threshold["count"] * PERIOD_HOURS[threshold["period"]]


def raw_tables(manifest_path: Path) -> list[RawTable]:
    """Every source table of the dbt manifest, in a stable order."""
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    # A source's owner is its domain's dbt group's (models/_groups.yml: a group per domain).
    owners = {group["name"]: (group.get("owner") or {}).get("email") or "" for group in manifest["groups"].values()}
    tables = []
    for source in sorted(manifest["sources"].values(), key=lambda s: s["unique_id"]):
        freshness = source.get("freshness") or {}
        # A source is its domain's, named after it, unless its meta names the domain (events_config: events).
        meta = {**(source.get("source_meta") or {}), **((source.get("config") or {}).get("meta") or {}),
                **(source.get("meta") or {})}
        domain = meta.get("domain") or source["source_name"]
        tables.append(RawTable(
            key=AssetKey(["raw", source["source_name"], source["name"]]),
            domain=domain,
            schema=source["schema"],
            name=source["name"],
            description=(source.get("description") or "").strip(),
            loaded_at_field=source.get("loaded_at_field") or "",
            warn_after_hours=_hours(freshness.get("warn_after")),
            error_after_hours=_hours(freshness.get("error_after")),
            freshness_filter=freshness.get("filter") or "",
            owner=owners.get(domain, ""),
        ))
    return tables


def freshness_status(table: RawTable, last_change: dt.datetime | None, now: dt.datetime) -> str:
    """dbt's rule: 'error' when the newest change is older than error_after (or the table has no change time),
    'warn' when older than warn_after, else 'pass'."""
    if last_change is None:
        return "error"
    age_hours = (now - last_change).total_seconds() / 3600
    if table.error_after_hours is not None and age_hours > table.error_after_hours:
        return "error"
    if table.warn_after_hours is not None and age_hours > table.warn_after_hours:
        return "warn"
    return "pass"


def change_times(settings: ConnectionSettings, table: RawTable) -> tuple[dt.datetime | None, dt.datetime | None]:
    """(oldest, newest) finite value of the table's change-time column; the newest as `dbt source freshness` reads
    it (max, under the source's freshness filter)."""
    column = f'"{table.loaded_at_field}"'
    newest = f"max({column}) filter (where {table.freshness_filter})" if table.freshness_filter else f"max({column})"
    conn = settings.connect()
    try:
        with conn.cursor() as cur:
            cur.execute(f"select min({column}) filter (where {column} > '-infinity'), {newest} from {table.relation}")
            oldest, newest = cur.fetchone()
    finally:
        conn.close()
    finite = (lambda value: value if isinstance(value, dt.datetime) else None)  # psycopg2 gives ±infinity as str
    return finite(oldest), finite(newest)


def first_change_day(settings: ConnectionSettings, tables: list[RawTable]) -> dt.date | None:
    """The UTC day of the oldest change in the raw tables (None when they hold none): where a first build's days
    of changes begin."""
    days = [oldest.astimezone(dt.timezone.utc).date() for table in tables if table.loaded_at_field
            for oldest, _ in [change_times(settings, table)] if oldest is not None]
    return min(days, default=None)


def _threshold(hours: float | None) -> str:
    return "none" if hours is None else f"{hours:g} hours"


def raw_assets(tables: list[RawTable]):
    """One observable source asset per raw table (group raw) and a `freshness` check on each table whose source
    declares freshness thresholds, observed together by one query per table."""
    specs = [
        AssetSpec(
            key=table.key, group_name="raw", kinds={"postgres"}, owners=[table.owner] if table.owner else [],
            description=f"{table.description or 'Raw table.'} (raw table {table.schema}.{table.name}, dbt source "
                        f"'{table.domain}'; observed hourly: last change from {table.loaded_at_field or 'nothing'})",
            tags={"domain": table.domain, "layer": "raw"},
            metadata={"table": f"{table.schema}.{table.name}", "loaded_at_field": table.loaded_at_field},
        )
        for table in tables
    ]
    checks = [
        AssetCheckSpec(
            name="freshness", asset=table.key,
            description=f"dbt source freshness of {table.name}: the newest {table.loaded_at_field} at most "
                        f"{_threshold(table.warn_after_hours)} old (else warn) and {_threshold(table.error_after_hours)} "
                        f"(else error); `dbt source freshness` applies the same rule")
        for table in tables if table.has_freshness
    ]

    def observe_raw_tables() -> Iterator[ObserveResult | AssetCheckResult]:
        settings = ConnectionSettings.from_env()
        now = dt.datetime.now(dt.timezone.utc)
        for table in tables:
            yield from observe(settings, table, now)

    with warnings.catch_warnings():  # beta in Dagster 1.13; the API this module needs
        warnings.simplefilter("ignore", BetaWarning)
        return multi_observable_source_asset(specs=specs, check_specs=checks, name="raw_tables",
                                             description="Observe the raw tables: last change and freshness."
                                             )(observe_raw_tables)


def observe(settings: ConnectionSettings, table: RawTable, now: dt.datetime):
    """A table's observation (data version = its newest change) and, when it has thresholds, its freshness check."""
    if not table.loaded_at_field:
        yield ObserveResult(asset_key=table.key, metadata={"change time": "none declared (no loaded_at_field)"})
        return
    oldest, newest = change_times(settings, table)
    metadata: dict[str, Any] = {"oldest change": str(oldest), "newest change": str(newest)}
    if newest is not None:
        metadata["dagster/last_updated_timestamp"] = MetadataValue.timestamp(newest)
    yield ObserveResult(asset_key=table.key, data_version=DataVersion(str(newest)), metadata=metadata)
    if table.has_freshness:
        status = freshness_status(table, newest, now)
        age = "no rows" if newest is None else f"{(now - newest).total_seconds() / 3600:.1f} hours"
        yield AssetCheckResult(
            asset_key=table.key, check_name="freshness", passed=status == "pass",
            severity=AssetCheckSeverity.WARN if status == "warn" else AssetCheckSeverity.ERROR,
            metadata={"status": status, "age": age, "warn_after": _threshold(table.warn_after_hours),
                      "error_after": _threshold(table.error_after_hours)},
            description=f"{table.name}: newest {table.loaded_at_field} {age} old ({status})")


with warnings.catch_warnings():
    warnings.simplefilter("ignore", BetaWarning)
    raw_freshness_job = define_asset_job(
        name="analytics_raw_freshness",
        selection=AssetSelection.groups("raw", include_sources=True),
        description="Observe every raw table: its last change, and the dbt sources' freshness rules as checks.",
    )

raw_freshness_schedule = ScheduleDefinition(
    job=raw_freshness_job, cron_schedule="0 * * * *", execution_timezone="UTC",
    default_status=DefaultScheduleStatus.RUNNING,
    description="Every hour at :00 (UTC): observe the raw tables (last change) and check their freshness.",
)
