"""The privileged, one-time part of the security model, and tenant-login onboarding.

dbt builds as the NOLOGIN role `analytics_owner`; that role has to exist, own nothing it should not, and
read the raw schemas before the first build. Everything else (group roles, row-level security, grants) the
dbt build creates itself. README, "Security model".
"""

from __future__ import annotations

import re
import uuid

from psycopg2 import sql

from .sample_data import SQL_DIR
from .warehouse import ConnectionSettings, WarehouseError

OWNER_ROLE = "analytics_owner"
TENANT_ROLE = "analytics_tenant"
USER_ROLE = "analytics_user"
BI_READER_ROLE = "analytics_bi_reader"
_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def _identifier(name: str, what: str) -> str:
    if not _IDENTIFIER.match(name):
        raise WarehouseError(f"{what} must be a lowercase SQL identifier (letters, digits, _), got {name!r}")
    return name


def bootstrap(settings: ConnectionSettings, raw_schemas: tuple[str, ...] = (), dbt_login: str | None = None,
              lock_down: bool = False) -> None:
    """Create analytics_owner, let it build in this database and read the raw schemas; let `dbt_login` use it.

    Run as a superuser or the database owner. `dbt_login` defaults to the connecting user; superusers need
    no membership. `lock_down` (a superuser only) also closes the side channels PostgreSQL opens to PUBLIC
    (sql/security_lockdown.sql): on by default for the embedded warehouse, a DBA's choice on a shared database.
    """
    templates = ["security_bootstrap.sql"] + (["security_lockdown.sql"] if lock_down else [])
    conn = settings.connect()
    try:
        with conn.cursor() as cur:
            database = sql.Identifier(settings.database).as_string(cur)
            for name in templates:
                cur.execute((SQL_DIR / name).read_text(encoding="utf-8").replace("{database}", database))
            login = dbt_login or settings.user
            cur.execute("select rolsuper from pg_roles where rolname = %s", (login,))
            row = cur.fetchone()
            if row is None:
                raise WarehouseError(f"login {login!r} does not exist")
            if not row[0]:
                cur.execute(sql.SQL("grant {} to {}").format(sql.Identifier(OWNER_ROLE), sql.Identifier(login)))
        for schema in raw_schemas:
            grant_raw_read(settings, schema)
    finally:
        conn.close()


def grant_raw_read(settings: ConnectionSettings, schema: str) -> None:
    """analytics_owner may read (only read) the raw tables of `schema`, now and as the loader adds tables."""
    _identifier(schema, "raw schema")
    conn = settings.connect()
    try:
        with conn.cursor() as cur:
            ident = sql.Identifier(schema)
            owner = sql.Identifier(OWNER_ROLE)
            cur.execute(sql.SQL("grant usage on schema {} to {}").format(ident, owner))
            cur.execute(sql.SQL("grant select on all tables in schema {} to {}").format(ident, owner))
            cur.execute(sql.SQL("alter default privileges in schema {} grant select on tables to {}").format(ident, owner))
    finally:
        conn.close()


def add_tenant_login(settings: ConnectionSettings, login: str, tenant_id: str, password: str | None = None) -> None:
    """Onboard a tenant login: create it (if missing) in the tenant role and map it to `tenant_id`.

    Run as an admin who may create roles (a superuser, or a member of analytics_admin with CREATEROLE).
    Needs one dbt build first (it creates analytics_tenant and analytics_security.tenant_logins).
    """
    _add_scoped_login(settings, login, TENANT_ROLE, "tenant_logins", "tenant_id", str(uuid.UUID(tenant_id)),
                      "tenant", password)


def add_user_login(settings: ConnectionSettings, login: str, user_id: str, password: str | None = None) -> None:
    """Onboard a user login (spec 003's user-scoped analytics): create it (if missing) in the user role and map it to
    the application's `user_id`. Like add_tenant_login; needs one dbt build first."""
    if not user_id or user_id != user_id.strip():
        raise WarehouseError(f"user id must be non-empty without surrounding spaces, got {user_id!r}")
    _add_scoped_login(settings, login, USER_ROLE, "user_logins", "user_id", user_id, "user", password)


def _add_scoped_login(settings: ConnectionSettings, login: str, role: str, login_map: str, id_column: str,
                      scope_id: str, what: str, password: str | None) -> None:
    """Create `login` (if missing) in `role` and map it to `scope_id` in analytics_security.<login_map>."""
    _identifier(login, "login name")
    conn = settings.connect(autocommit=False)
    try:
        with conn.cursor() as cur:
            cur.execute("select to_regclass(%s)", (f"analytics_security.{login_map}",))
            if cur.fetchone()[0] is None:
                raise WarehouseError(f"analytics_security.{login_map} is missing: run a dbt build first (make run)")
            cur.execute("select rolsuper or rolbypassrls, oid from pg_roles where rolname = %s", (login,))
            existing = cur.fetchone()
            if existing is None:
                if not password:
                    raise WarehouseError(f"login {login!r} is new and needs a password: set TA_{what.upper()}_PASSWORD")
                cur.execute(
                    sql.SQL("create role {} login password {} in role {}").format(
                        sql.Identifier(login), sql.Literal(password), sql.Identifier(role)
                    )
                )
            else:
                # A login that already reads more (a BI or admin login, a superuser) would keep seeing every
                # tenant (or user) through its other roles' policies: a scoped login is a login of its own.
                cur.execute(
                    "select string_agg(r.rolname, ', ' order by r.rolname) from pg_roles r"
                    " where r.oid <> %s and r.rolname <> %s and pg_has_role(%s, r.oid, 'member')",
                    (existing[1], role, existing[1]),
                )
                wider = cur.fetchone()[0]
                if existing[0] or wider:
                    raise WarehouseError(
                        f"login {login!r} already reads more than one {what} ("
                        + ("superuser or bypassrls" if existing[0] else f"member of {wider}")
                        + f"): create a separate login for the {what}"
                    )
                cur.execute(sql.SQL("grant {} to {}").format(sql.Identifier(role), sql.Identifier(login)))
                if password:
                    cur.execute(sql.SQL("alter role {} password {}").format(sql.Identifier(login), sql.Literal(password)))
            cur.execute(
                sql.SQL("insert into analytics_security.{} (login, {}) values (%s::regrole, %s) "
                        "on conflict do nothing").format(sql.Identifier(login_map), sql.Identifier(id_column)),
                (login, scope_id),
            )
        conn.commit()
    finally:
        conn.close()


def add_bi_login(settings: ConnectionSettings, login: str, password: str) -> None:
    """A BI login: a member of analytics_bi_reader only (created, or its password set). Needs one dbt build first."""
    _identifier(login, "login name")
    conn = settings.connect()
    try:
        with conn.cursor() as cur:
            cur.execute("select 1 from pg_roles where rolname = %s", (BI_READER_ROLE,))
            if cur.fetchone() is None:
                raise WarehouseError(f"role {BI_READER_ROLE} is missing: run a dbt build first (make run)")
            cur.execute("select 1 from pg_roles where rolname = %s", (login,))
            verb = "alter" if cur.fetchone() else "create"
            cur.execute(sql.SQL(verb + " role {} login password {}").format(sql.Identifier(login),
                                                                            sql.Literal(password)))
            cur.execute(sql.SQL("grant {} to {}").format(sql.Identifier(BI_READER_ROLE), sql.Identifier(login)))
    finally:
        conn.close()
