"""What every command checks before it starts Dagster or dbt: the connection, and for each domain that is switched on
its raw schema, tables and the columns its dbt sources declare (models/staging/<domain>/_<domain>__sources.yml; a
column with `meta: {optional: true}` may be missing). A failure is one line that names the fix (WarehouseError),
instead of pages of dbt and Dagster output ending in a unit-test failure about data types.
"""

from __future__ import annotations

import os
from collections import defaultdict
from pathlib import Path

import yaml

from .project import DOMAINS, LAYOUTS, PROJECT_ROOT
from .warehouse import ConnectionSettings, WarehouseError


def domain_enabled(domain: str) -> bool:
    """A domain is on unless $TA_<DOMAIN>_ENABLED says false (dbt_project.yml reads the same variable)."""
    return os.environ.get(f"TA_{domain.upper()}_ENABLED", "true").strip().lower() == "true"


def enabled_domains() -> tuple[str, ...]:
    return tuple(domain for domain in DOMAINS if domain_enabled(domain))


def required_columns(domain: str, root: Path = PROJECT_ROOT) -> dict[str, list[str]]:
    """Table -> the columns the domain's dbt sources declare and do not mark optional."""
    path = root / "models" / "staging" / domain / f"_{domain}__sources.yml"
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {
        table["name"]: [column["name"] for column in table.get("columns", [])
                        if not (column.get("meta") or {}).get("optional")]
        for source in document["sources"] for table in source["tables"]
    }


def check_raw_tables(settings: ConnectionSettings, domains: tuple[str, ...] = DOMAINS) -> None:
    """Raise WarehouseError (one line) when the connection fails or a domain's raw layout is not what it needs."""
    conn = settings.connect()
    try:
        with conn.cursor() as cur:
            for domain in (d for d in domains if domain_enabled(d)):
                layout = LAYOUTS[domain]
                cur.execute("select table_name, column_name from information_schema.columns where table_schema = %s",
                            (layout.schema,))
                present: dict[str, set[str]] = defaultdict(set)
                for table, column in cur.fetchall():
                    present[table].add(column)
                switch_off = f"TA_{domain.upper()}_ENABLED=false"
                if not present:
                    raise WarehouseError(
                        f"no {domain} raw tables in schema {layout.schema} on {settings.describe()} ({layout.spec}): "
                        f"load sample data (make run), set {layout.schema_env} to the schema that holds them, "
                        f"or switch the domain off with {switch_off}")
                for table, columns in required_columns(domain).items():
                    if table not in present:
                        raise WarehouseError(
                            f"raw table {layout.schema}.{table} ({layout.spec}) is missing or not readable by "
                            f"{settings.user}: create it (orchestration/sql/{domain}_raw_tables.sql) or grant read "
                            f"(tenant-analytics warehouse bootstrap)")
                    missing = [c for c in columns if c not in present[table]]
                    if missing:
                        raise WarehouseError(
                            f"raw table {layout.schema}.{table} lacks column {', '.join(missing)}, which "
                            f"{layout.spec} declares: add it (orchestration/sql/{domain}_raw_tables.sql shows the types)")
    finally:
        conn.close()
