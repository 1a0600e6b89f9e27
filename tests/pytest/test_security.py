"""The security model (README, "Security model"), tested by logging in as each role.

Relations are found in the catalog rather than listed here, so every model a later domain adds is covered:
"tenant-scoped" means the tenant role may select it; "analytics schemas" are the schemas the dbt role owns.
Every login has a password and the embedded warehouse checks it (scram-sha-256), so these tests log in as a
real client would; the first tests attack authentication itself.
"""

from __future__ import annotations

import contextlib
import json
import re
import stat
import subprocess
import threading
import time
import uuid

import psycopg2
import pytest

from conftest import RAW_SCHEMAS as DOMAIN_RAW_SCHEMAS
from conftest import AS_OF, WAREHOUSE_ROOT, fetch, project_copy
from orchestration.project import PROJECT_ROOT, dbt_executable
from orchestration.security import add_tenant_login
from orchestration.warehouse import EmbeddedWarehouse, WarehouseError

TENANT_ROLE, BI_ROLE, ADMIN_ROLE, OWNER_ROLE = "analytics_tenant", "analytics_bi_reader", "analytics_admin", "analytics_owner"
RAW_SCHEMAS = tuple(schema for _domain, schema in DOMAIN_RAW_SCHEMAS)


def password_of(login: str) -> str:
    return f"pw-{login}-7Qx"


def as_login(settings, login: str, password: str | None = None):
    return settings.__class__(settings.host, settings.port, login,
                              password_of(login) if password is None else password, settings.database)


@contextlib.contextmanager
def session(settings, login: str):
    conn = as_login(settings, login).connect()
    try:
        yield conn.cursor()
    finally:
        conn.close()


def denied(settings, login: str, statement: str, params: tuple = ()) -> bool:
    """True when PostgreSQL refuses `statement` for `login` with a privilege error."""
    with session(settings, login) as cur:
        try:
            cur.execute(statement, params)
        except psycopg2.errors.InsufficientPrivilege:
            return True
    return False


def relations(settings, where: str) -> list[str]:
    rows = fetch(settings, f"""
        select format('%I.%I', n.nspname, c.relname) as name
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where c.relkind in ('r', 'v', 'p', 'm') and ({where})
        order by 1""")
    return [r["name"] for r in rows]


def analytics_schemas(settings) -> list[str]:
    rows = fetch(settings, "select nspname from pg_namespace where pg_get_userbyid(nspowner) = %s order by 1",
                 (OWNER_ROLE,))
    return [r["nspname"] for r in rows] + ["public"]


@pytest.fixture(scope="module")
def secured(built, dbt):
    """A full build, and logins: two tenants, an unmapped tenant login, a BI login and an admin login."""
    settings = built
    tenants = [r["tenant_id"] for r in fetch(settings, """
        select tenant_id::text from marts.tenant_tryon_daily group by 1 order by count(*) desc limit 2""")]
    logins = {"tenant_a": TENANT_ROLE, "tenant_b": TENANT_ROLE, "tenant_unmapped": TENANT_ROLE,
              "bi_login": BI_ROLE, "admin_login": ADMIN_ROLE}
    conn = settings.connect()
    with conn.cursor() as cur:
        for login, role in logins.items():
            cur.execute(f"drop role if exists {login}")
            cur.execute(f"create role {login} login password '{password_of(login)}' in role {role}")
        cur.execute("delete from analytics_security.tenant_logins")
        cur.execute("insert into analytics_security.tenant_logins (login, tenant_id) values "
                    "('tenant_a', %s), ('tenant_b', %s)", tuple(tenants))
        # Quota overrides for both tenants, low enough to be exceeded: every tenant-scoped quota relation then holds
        # rows of both, so each test below can see a leak.
        cur.execute("delete from analytics_config.tenant_quota_overrides")
        cur.execute("insert into analytics_config.tenant_quota_overrides (tenant_id, metric, daily_limit) values "
                    "(%s, 'api_requests_daily', 1), (%s, 'api_requests_daily', 1)", tuple(tenants))
    conn.close()
    dbt("run", "--select", "analytics_quota_limits+", "--full-refresh")
    return {"settings": settings, "a": tenants[0], "b": tenants[1]}


def tenant_scoped(settings) -> list[str]:
    # analytics_security.user_logins: every role reads its own rows of both login maps; the user map has no tenant.
    names = relations(settings, f"pg_get_userbyid(c.relowner) = '{OWNER_ROLE}' "
                                f"and has_table_privilege('{TENANT_ROLE}', c.oid, 'select') "
                                f"and format('%I.%I', n.nspname, c.relname) <> 'analytics_security.user_logins'")
    assert "public.tenant_tryon_daily_v" in names and "marts.tenant_tryon_daily" in names
    return names


def assert_sees_only(settings, login: str, tenant: str | None) -> None:
    """In every tenant-scoped relation, `login` sees exactly the rows of `tenant` (none when None)."""
    assert_scoped(settings, login, tenant_scoped(settings), "tenant_id::text", tenant)


def assert_scoped(settings, login: str, names: list[str], column: str, owner: str | None) -> None:
    """In each relation of `names`, `login` sees exactly the rows whose `column` is `owner` (none when None)."""
    for name in names:
        expected = fetch(settings, f"select count(*) as n from {name} where {column} = %s", (owner or "",))[0]["n"]
        with session(settings, login) as cur:
            cur.execute(f"select {column}, count(*) from {name} group by 1")
            seen = dict(cur.fetchall())
        if owner is None:
            assert seen == {}, f"{login} sees rows of {sorted(seen)} in {name}"
        else:
            assert expected > 0, f"no rows of the test tenant or user in {name}: the test would prove nothing"
            assert seen == {owner: expected}, f"{login} in {name}: {seen} (expected {expected} rows of {owner})"


def test_tenant_sees_exactly_its_own_rows_everywhere(secured):
    s = secured["settings"]
    assert_sees_only(s, "tenant_a", secured["a"])
    assert_sees_only(s, "tenant_b", secured["b"])


def test_unmapped_tenant_login_sees_nothing(secured):
    assert_sees_only(secured["settings"], "tenant_unmapped", None)


def test_session_variables_and_claims_do_not_widen_a_tenant(secured):
    s, other = secured["settings"], secured["b"]
    claims = json.dumps({"tenant_id": other, "tenant_role": "owner", "scope": "analytics:read", "role": ADMIN_ROLE})
    with session(s, "tenant_a") as cur:
        cur.execute("select set_config('request.jwt.claims', %s, false)", (claims,))
        cur.execute("select set_config('request.jwt.claim.tenant_id', %s, false)", (other,))
        cur.execute("select set_config('app.tenant_id', %s, false)", (other,))
        cur.execute("select set_config('app.current_tenant', %s, false)", (other,))
        for name in tenant_scoped(s):
            cur.execute(f"select distinct tenant_id::text from {name}")
            assert {r[0] for r in cur.fetchall()} == {secured["a"]}, name
        # The group role itself is mapped to no tenant.
        cur.execute(f"set role {TENANT_ROLE}")
        cur.execute("select count(*) from public.tenant_tryon_daily_v")
        assert cur.fetchone()[0] == 0
    for role in (BI_ROLE, ADMIN_ROLE, OWNER_ROLE, "tenant_b", "postgres"):
        assert denied(s, "tenant_a", f"set role {role}"), role
    assert denied(s, "tenant_a", "set session authorization tenant_b")


def test_tenant_cannot_rewrite_the_login_map(secured):
    s = secured["settings"]
    with session(s, "tenant_a") as cur:
        cur.execute("select login::text, tenant_id::text from analytics_security.tenant_logins")
        assert cur.fetchall() == [("tenant_a", secured["a"])]
    attempts = [
        "insert into analytics_security.tenant_logins (login, tenant_id) values ('tenant_a', %s)",
        "update analytics_security.tenant_logins set tenant_id = %s",
        "delete from analytics_security.tenant_logins where tenant_id <> %s",
    ]
    for statement in attempts:
        assert denied(s, "tenant_a", statement, (secured["b"],)), statement
    assert denied(s, "bi_login", attempts[0], (secured["b"],))


def test_tenant_cannot_read_raw_staging_internal_or_global_relations(secured):
    s = secured["settings"]
    readable = set(tenant_scoped(s))
    others = relations(s, "n.nspname in ({}) ".format(", ".join(f"'{x}'" for x in analytics_schemas(s) + list(RAW_SCHEMAS)))
                       + "and n.nspname <> 'analytics_security'")
    assert all(any(n.startswith(f"{schema}.") for n in others) for schema in RAW_SCHEMAS)
    assert "public.global_tryon_overview_v" in others
    for name in others:
        if name not in readable:
            assert denied(s, "tenant_a", f"select 1 from {name} limit 1"), name
    assert not [n for n in readable if n.split(".")[0] in ("staging", "reference") + RAW_SCHEMAS]


def test_tenant_and_bi_cannot_create_anything(secured):
    s = secured["settings"]
    for login in ("tenant_a", "bi_login"):
        assert denied(s, login, "create schema sneaky")
        for schema in analytics_schemas(s) + list(RAW_SCHEMAS):
            name = f"{schema}.sneaky_{uuid.uuid4().hex[:6]}"
            assert denied(s, login, f"create view {name} as select 1 as x"), (login, schema)
            assert denied(s, login, f"create table {name} (x int)"), (login, schema)
            assert denied(s, login, f"create function {name}() returns int language sql as 'select 1'"), (login, schema)


def test_functions_are_not_security_definer_nor_public(secured):
    s = secured["settings"]
    functions = fetch(s, f"""
        select p.oid::regprocedure::text as name, p.prosecdef,
               has_function_privilege('public', p.oid, 'execute') as public_execute
        from pg_proc p where pg_get_userbyid(p.proowner) = '{OWNER_ROLE}'""")
    for f in functions:
        assert not f["prosecdef"], f"{f['name']} is security definer"
        assert not f["public_execute"], f"{f['name']} is executable by PUBLIC"


def test_dashboard_stats_function_returns_only_the_callers_projects(secured):
    """get_dashboard_stats (spec 001) reads as its caller: a tenant gets its own projects' days, nothing else."""
    s = secured["settings"]
    projects = {r["tenant_id"]: r["project_id"] for r in fetch(s, """
        select distinct on (tenant_id) tenant_id::text, project_id::text from marts.usage_aggregations_daily
        where tenant_id::text in (%s, %s) order by tenant_id, total_requests desc""", (secured["a"], secured["b"]))}
    assert set(projects) == {secured["a"], secured["b"]}, "both test tenants need LLM usage"
    call = "select count(*) from public.get_dashboard_stats(%s, 36500, '2100-01-01')"
    own = fetch(s, call, (projects[secured["a"]],))[0]["count"]
    with session(s, "tenant_a") as cur:
        cur.execute(call, (projects[secured["a"]],))
        assert cur.fetchone()[0] == own > 0
        cur.execute(call, (projects[secured["b"]],))
        assert cur.fetchone()[0] == 0, "another tenant's project returns no rows"
    with session(s, "tenant_unmapped") as cur:
        cur.execute(call, (projects[secured["a"]],))
        assert cur.fetchone()[0] == 0


def test_events_functions_answer_only_for_the_callers_tenant(secured):
    """Spec 002's API functions read as their caller: a tenant's usage, events page and quotas are its own, naming
    another tenant yields nothing of it, an unmapped login gets empty answers, and a login that sees several tenants
    must name one for its quotas. The quota overrides are the admins' to write, not a tenant's to read."""
    s, a, b = secured["settings"], secured["a"], secured["b"]
    usage = "select public.analytics_usage('1900-01-01', '2100-01-01', null)"
    page = "select public.analytics_events_page('1900-01-01', '2100-01-01', null, null, 1000, null)"
    quotas = "select public.analytics_quotas(%s, %s)"
    day = fetch(s, "select max(date) as day from marts.analytics_quota_status where tenant_id = %s", (a,))[0]["day"]
    own_usage = fetch(s, """select count(*) as n from marts.analytics_daily_usage where tenant_id = %s""", (a,))[0]["n"]
    own_events = {r["id"] for r in fetch(s, """
        select event_id::text as id from marts.analytics_events_recent where tenant_id = %s
        order by ts desc, event_id desc limit 1000""", (a,))}
    assert own_usage > 0 and own_events, "the test tenant needs product events"
    with session(s, "tenant_a") as cur:
        cur.execute(usage)
        assert sum(len(days) for days in cur.fetchone()[0].values()) == own_usage
        cur.execute(page)
        assert {e["id"] for e in cur.fetchone()[0]["events"]} == own_events
        cur.execute(quotas, (day, b))  # another tenant's: its counts and overrides stay hidden
        assert all(q["current"] == 0 for q in cur.fetchone()[0].values())
        cur.execute(quotas, (day, None))
        mine = cur.fetchone()[0]
    expected = {r["metric"]: r["current_count"] for r in fetch(s, """
        select metric, current_count from marts.analytics_quota_status where tenant_id = %s and date = %s""", (a, day))}
    assert {m: q["current"] for m, q in mine.items()} == expected
    with session(s, "tenant_unmapped") as cur:
        cur.execute(usage)
        assert cur.fetchone()[0] == {}
        cur.execute(page)
        assert cur.fetchone()[0]["events"] == []
    with session(s, "bi_login") as cur:
        with pytest.raises(psycopg2.errors.RaiseException, match="name one"):
            cur.execute(quotas, (day, None))
    for statement in ("select * from analytics_config.tenant_quota_overrides",
                      "insert into analytics_config.tenant_quota_overrides (tenant_id, metric, daily_limit) "
                      f"values ('{a}', 'builds_daily', 1000000)"):
        for login in ("tenant_a", "bi_login"):
            assert denied(s, login, statement), (login, statement)
    with session(s, "admin_login") as cur:
        cur.execute("insert into analytics_config.tenant_quota_overrides (tenant_id, metric, daily_limit) "
                    "values (%s, 'builds_daily', 7) returning set_by", (a,))
        assert cur.fetchone()[0] == "admin_login"
        cur.execute("delete from analytics_config.tenant_quota_overrides where tenant_id = %s and metric = 'builds_daily'",
                    (a,))



def test_csv_export_reads_as_the_tenant_stops_at_the_cap_and_is_audited(secured, tmp_path):
    """Spec 002's CSV export (tenant-analytics export-events): the file holds the login's own events only, newest
    first; at ANALYTICS_MAX_EXPORT_ROWS it stops and says so; each export leaves an audit row only admins read."""
    import csv
    import datetime as dt

    from orchestration.export import export_events

    s, a = secured["settings"], secured["a"]
    tenant = as_login(s, "tenant_a")
    first, last = dt.date(1900, 1, 1), dt.date(2100, 1, 1)
    own = [r["id"] for r in fetch(s, """select event_id::text as id from marts.analytics_events_recent
                                        where tenant_id = %s and event = 'auth.user.login'
                                        order by ts desc, event_id desc""", (a,))]
    assert len(own) > 5
    whole = export_events(tenant, s, tmp_path / "all.csv", first, last, event="auth.user.login", max_rows=10**6)
    with whole.path.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["event_id"] for r in rows] == own and whole.rows == len(own) and not whole.truncated
    capped = export_events(tenant, s, tmp_path / "capped.csv", first, last, event="auth.user.login", max_rows=5)
    with capped.path.open(newline="") as handle:
        assert [r["event_id"] for r in csv.DictReader(handle)] == own[:5]
    assert capped.rows == 5 and capped.truncated
    audit = fetch(s, "select login, tenant_id::text, event, rows, truncated from analytics_audit.export_requests "
                     "order by id desc limit 2")
    assert audit == [{"login": "tenant_a", "tenant_id": a, "event": "auth.user.login", "rows": 5, "truncated": True},
                     {"login": "tenant_a", "tenant_id": a, "event": "auth.user.login", "rows": len(own),
                      "truncated": False}]
    for login in ("tenant_a", "bi_login"):
        assert denied(s, login, "select * from analytics_audit.export_requests"), login
    with session(s, "admin_login") as cur:
        cur.execute("select count(*) from analytics_audit.export_requests")
        assert cur.fetchone()[0] >= 2

def test_a_leaky_function_sees_only_the_tenants_own_rows(secured):
    """A function in a WHERE clause runs after the row-level security filter. Tenants cannot create one (no
    TEMP, no CREATE anywhere), so an admin-made leaky function stands in for it."""
    s = secured["settings"]
    conn = s.connect()
    with conn.cursor() as cur:
        cur.execute("""create or replace function public.ta_test_peek(t uuid) returns boolean language plpgsql
                       cost 0.0000001 as $$ begin raise notice 'saw %', t; return true; end $$""")
        cur.execute("grant execute on function public.ta_test_peek(uuid) to tenant_a")
    try:
        with session(s, "tenant_a") as cur:
            cur.execute("select count(*) from marts.tenant_tryon_daily where public.ta_test_peek(tenant_id)")
            seen = {n.split("saw ")[1].strip() for n in cur.connection.notices}
        assert seen == {secured["a"]}
    finally:
        with conn.cursor() as cur:
            cur.execute("drop function public.ta_test_peek(uuid)")
        conn.close()


def test_pg_stats_shows_a_tenant_nothing_of_row_secured_tables(secured):
    """PostgreSQL hides pg_stats rows of tables whose row-level security applies to the reader."""
    s = secured["settings"]
    execute_analyze = s.connect()
    with execute_analyze.cursor() as cur:
        cur.execute("analyze marts.tenant_tryon_daily")
    execute_analyze.close()
    assert fetch(s, "select count(*) as n from pg_stats where schemaname = 'marts' and tablename = 'tenant_tryon_daily'")[0]["n"] > 0
    with session(s, "tenant_a") as cur:
        cur.execute("select count(*) from pg_stats where tablename in (select tablename from pg_policies)")
        assert cur.fetchone()[0] == 0


def test_bi_reader_reads_global_marts_and_views_and_writes_nothing(secured):
    s = secured["settings"]
    globals_ = relations(s, "n.nspname in ('marts', 'public') and c.relname like 'global\\_%'")
    assert "marts.global_tryon_daily" in globals_ and "public.global_tryon_overview_v" in globals_
    with session(s, "bi_login") as cur:
        for name in globals_:
            cur.execute(f"select count(*) from {name}")
            assert cur.fetchone()[0] > 0, name
        cur.execute("select count(distinct tenant_id) from public.tenant_tryon_daily_v")
        assert cur.fetchone()[0] > 2
    writable = relations(s, f"pg_get_userbyid(c.relowner) = '{OWNER_ROLE}' and "
                            f"has_table_privilege('{BI_ROLE}', c.oid, 'insert, update, delete, truncate, references, trigger')")
    assert writable == []
    tables = relations(s, f"c.relkind = 'r' and pg_get_userbyid(c.relowner) = '{OWNER_ROLE}'")
    assert "marts.global_tryon_daily" in tables
    for name in tables:
        for statement in (f"delete from {name}", f"truncate {name}", f"insert into {name} default values"):
            assert denied(s, "bi_login", statement), statement
    for name in relations(s, "n.nspname in ('staging', 'raw_tryon')"):
        assert denied(s, "bi_login", f"select 1 from {name} limit 1"), name


def test_admin_sees_everything(secured):
    s = secured["settings"]
    every = relations(s, f"pg_get_userbyid(c.relowner) = '{OWNER_ROLE}'")
    with session(s, "admin_login") as cur:
        for name in every:
            cur.execute(f"select count(*) from {name}")
            superuser_count = fetch(s, f"select count(*) as n from {name}")[0]["n"]
            assert cur.fetchone()[0] == superuser_count, name
        cur.execute("insert into analytics_security.tenant_logins (login, tenant_id) values ('tenant_unmapped', %s)",
                    (secured["b"],))
        cur.execute("delete from analytics_security.tenant_logins where login = 'tenant_unmapped'::regrole")


def test_policies_survive_incremental_runs_and_full_refreshes(secured, dbt):
    s = secured["settings"]
    dbt("run", "--select", "int_tryon__jobs_enriched+")
    assert_sees_only(s, "tenant_a", secured["a"])
    dbt("run", "--select", "int_tryon__jobs_enriched+", "--full-refresh")
    assert_sees_only(s, "tenant_a", secured["a"])
    policies = fetch(s, "select count(*) as n from pg_policies where tablename = 'tenant_tryon_daily'")[0]["n"]
    assert policies == 3  # one per grantee, no duplicates after three builds


def test_jwt_claims_mode_for_a_trusted_service(secured, dbt):
    """vars.tenant_identity_source = jwt_claims: the tenant comes from request.jwt.claims (spec 002 rules)."""
    s, tenant = secured["settings"], secured["b"]
    execute = s.connect()
    with execute.cursor() as cur:
        cur.execute("drop role if exists api_service")
        cur.execute(f"create role api_service login password '{password_of('api_service')}' in role {TENANT_ROLE}")
    execute.close()
    jwt = {"tenant_identity_source": "jwt_claims"}
    dbt("run", "--select", "tenant_tryon_daily", extra_vars=jwt)
    try:
        def visible(claims: dict | None) -> set[str]:
            with session(s, "api_service") as cur:
                if claims is not None:
                    cur.execute("select set_config('request.jwt.claims', %s, false)", (json.dumps(claims),))
                cur.execute("select distinct tenant_id::text from marts.tenant_tryon_daily")
                return {r[0] for r in cur.fetchall()}

        assert visible(None) == set()
        assert visible({"tenant_id": tenant, "tenant_role": "owner"}) == {tenant}
        assert visible({"tenant_id": tenant, "tenant_role": "admin"}) == {tenant}
        assert visible({"tenant_id": tenant, "tenant_role": "member"}) == set()  # spec 002: no analytics
        assert visible({"tenant_id": tenant, "tenant_role": "viewer"}) == set()
        assert visible({"tenant_id": tenant, "scope": "projects:read analytics:read"}) == {tenant}  # API key
        assert visible({"tenant_id": tenant, "scope": "projects:read"}) == set()
        with session(s, "api_service") as cur:  # the public view reads as the caller, through the same policy
            cur.execute("select set_config('request.jwt.claims', %s, false)",
                        (json.dumps({"tenant_id": tenant, "tenant_role": "owner"}),))
            cur.execute("select distinct tenant_id::text from public.tenant_tryon_daily_v")
            assert {r[0] for r in cur.fetchall()} == {tenant}
    finally:
        dbt("run", "--select", "tenant_tryon_daily")
    assert_sees_only(s, "tenant_a", secured["a"])


def test_the_mechanism_expresses_spec_004s_role_matrix(secured, dbt):
    """Spec 004: metrics_daily_fulfillment is Full for admins, 'Limited (30d)' (own rows, last 30 days) for
    readers, None for monitors - expressed as configuration only, applied by apply_access_config."""
    s = secured["settings"]
    reader_a, reader_b = str(uuid.uuid4()), str(uuid.uuid4())
    conn = s.connect()
    with conn.cursor() as cur:
        for role in ("analytics_monitor", "analytics_reader"):
            cur.execute(f"drop role if exists {role}_login")
            cur.execute(f"drop role if exists {role}")
            cur.execute(f"create role {role} nologin")
            cur.execute(f"create role {role}_login login password '{password_of(role + '_login')}' in role {role}")
        cur.execute("grant usage on schema marts to analytics_reader, analytics_monitor")
        cur.execute("grant connect on database analytics_test to analytics_reader, analytics_monitor")
        cur.execute("drop table if exists marts.metrics_daily_fulfillment_probe")
        cur.execute(f"""create table marts.metrics_daily_fulfillment_probe as
            select (current_date - d) as metric_date, r::uuid as reader_id, d as orders
            from generate_series(0, 59) d, unnest(array['{reader_a}', '{reader_b}']) r""")
        cur.execute(f"alter table marts.metrics_daily_fulfillment_probe owner to {OWNER_ROLE}")
        cur.execute("insert into analytics_security.tenant_logins (login, tenant_id) values "
                    "('analytics_reader_login', %s)", (reader_a,))
    conn.close()
    roles = {ADMIN_ROLE: "admins", BI_ROLE: "bi", TENANT_ROLE: "tenants",
             "analytics_monitor": "monitor", "analytics_reader": "reader"}
    config = {"grants": {"select": [ADMIN_ROLE, "analytics_reader"]},
              "meta": {"row_security": {"tenant_column": "reader_id", "scoped_roles": ["analytics_reader"],
                                        "windows": {"analytics_reader": {"column": "metric_date", "days": 30}}}}}
    result = dbt("run-operation", "apply_access_config", "--args",
                 json.dumps({"schema": "marts", "table": "metrics_daily_fulfillment_probe", "config": config}),
                 extra_vars={"analytics_roles": roles})
    assert "access configuration applied" in result.stdout
    with session(s, "analytics_reader_login") as cur:
        cur.execute("select reader_id::text, min(metric_date), count(*) from marts.metrics_daily_fulfillment_probe group by 1")
        rows = cur.fetchall()
    today = fetch(s, "select current_date as d")[0]["d"]
    assert [(r[0], (today - r[1]).days, r[2]) for r in rows] == [(reader_a, 30, 31)]
    assert denied(s, "analytics_monitor_login", "select 1 from marts.metrics_daily_fulfillment_probe")
    admin_rows = fetch(s, "select count(*) as n from marts.metrics_daily_fulfillment_probe")[0]["n"]
    with session(s, "admin_login") as cur:
        cur.execute("select count(*) from marts.metrics_daily_fulfillment_probe")
        assert cur.fetchone()[0] == admin_rows == 120
    conn = s.connect()
    with conn.cursor() as cur:
        cur.execute("drop table marts.metrics_daily_fulfillment_probe")
        cur.execute("delete from analytics_security.tenant_logins where login = 'analytics_reader_login'::regrole")
    conn.close()


# -- issue 18: authentication, side channels, configuration holes, stale identities, zero downtime ------------

def can_connect(settings, login: str, password: str, database: str | None = None) -> bool:
    target = as_login(settings, login, password)
    if database:
        target = target.with_database(database)
    try:
        target.connect().close()
    except WarehouseError:
        return False
    return True


def test_passwords_are_checked_and_secrets_are_private(secured):
    s = secured["settings"]
    assert can_connect(s, "tenant_a", password_of("tenant_a"))
    assert not can_connect(s, "tenant_a", "wrong-password")
    assert not can_connect(s, "tenant_a", "")
    assert not can_connect(s, "postgres", "")
    assert not can_connect(s, "postgres", "postgres")
    # Connection settings appear in tracebacks and test reports (Hypothesis prints its examples' arguments).
    assert s.password and s.password not in repr(s) and s.password not in str(s)
    server = EmbeddedWarehouse(root=WAREHOUSE_ROOT, port=s.port)
    for path in (server.log_file, server.password_file):
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode & 0o077 == 0, f"{path} is readable by others ({oct(mode)})"
    assert can_connect(s, "postgres", server.password())
    # Over the unix socket too: no trust anywhere.
    hba = (server.data_dir / "pg_hba.conf").read_text()
    assert all(line.split()[-1] == "scram-sha-256" for line in hba.splitlines()
               if line.strip() and not line.startswith("#")), hba


def test_read_only_logins_cannot_write_large_objects_temp_tables_or_reach_other_databases(secured):
    s = secured["settings"]
    for login in ("tenant_a", "bi_login"):
        assert denied(s, login, "select lo_from_bytea(0, 'x')"), login
        assert denied(s, login, "select lo_create(0)"), login
        assert denied(s, login, "create temporary table sneaky (x int)"), login
        assert denied(s, login, "create function pg_temp.sneaky() returns int language sql as 'select 1'"), login
        assert not can_connect(s, login, password_of(login), database="postgres"), login
    assert fetch(s, "select count(*) as n from pg_largeobject_metadata")[0]["n"] == 0


def test_other_logins_and_their_sessions_are_hidden(secured):
    s = secured["settings"]
    with session(s, "tenant_b"):  # tenant_b is online while tenant_a looks
        for login in ("tenant_a", "bi_login"):
            for statement in ("select rolname from pg_roles", "select usename from pg_user",
                              "select * from pg_auth_members", "select usename, backend_start from pg_stat_activity",
                              "select * from pg_stat_get_activity(null)", "select * from pg_locks"):
                assert denied(s, login, statement), (login, statement)


def test_statistics_views_do_not_count_other_tenants_rows(secured):
    s = secured["settings"]
    for statement in (
        "select n_live_tup from pg_stat_user_tables where relname = 'tenant_tryon_daily'",
        "select idx_tup_fetch from pg_stat_xact_user_tables where relname = 'tenant_tryon_daily'",
        "select heap_blks_read from pg_statio_user_tables where relname = 'tenant_tryon_daily'",
        "select pg_stat_get_live_tuples('marts.tenant_tryon_daily'::regclass)",
        "select pg_relation_size('marts.tenant_tryon_daily')",
        "select pg_total_relation_size('intermediate.int_tryon__jobs_enriched')",
    ):
        assert denied(s, "tenant_a", statement), statement


def plan(cur, query: str, params: tuple = (), analyze: bool = True) -> str:
    """The plan as the caller sees it, with the probed values blanked out (they differ by design)."""
    options = "analyze, timing off, summary off" if analyze else "costs on"
    cur.execute(f"explain ({options}) {query}", params)
    lines = [r[0] for r in cur.fetchall()]
    # The planner's own buffer use (catalog caches, warm or cold) is not the table's data.
    text = "\n".join(lines[:lines.index("Planning:")] if "Planning:" in lines else lines)
    for value in params:
        text = text.replace(str(value), "<probe>")
    # Pages found in shared buffers or read from disk depend on what was cached before; their sum is the work.
    return re.sub(r"shared hit=(\d+) read=(\d+)", lambda m: f"shared hit={int(m[1]) + int(m[2])}", text)


def analyze_tenant_tables(s) -> None:
    conn = s.connect()
    with conn.cursor() as cur:
        for name in ("marts.tenant_tryon_daily", "intermediate.int_tryon__jobs_enriched", "marts.usage_aggregations_daily"):
            cur.execute(f"analyze {name}")
    conn.close()


def test_plans_reveal_nothing_of_other_tenants_by_tenant_id(secured):
    """EXPLAIN (estimates) and EXPLAIN ANALYZE (rows removed, buffers) of a tenant-id probe read the same whatever
    other tenants hold: probing another tenant's id looks like probing an id nobody has, and range probes that
    split the other tenants differently look alike."""
    s, a, b = secured["settings"], secured["a"], secured["b"]
    analyze_tenant_tables(s)
    nobody = str(uuid.uuid4())
    tenants = [r["tenant_id"] for r in fetch(s, "select distinct tenant_id::text from marts.tenant_tryon_daily order by 1")]
    below_a, above_a = [t for t in tenants if t < a], [t for t in tenants if t > a]
    pairs = ([(below_a[0], below_a[-1])] if len(below_a) > 1 else []) + \
            ([(above_a[0], above_a[-1])] if len(above_a) > 1 else [])
    assert pairs, "the test tenants leave no room for range probes"
    with session(s, "tenant_a") as cur:
        for name in ("marts.tenant_tryon_daily", "public.tenant_tryon_daily_v", "marts.usage_aggregations_daily",
                     "intermediate.int_tryon__jobs_enriched", "public.tryon_jobs_enriched_v"):
            for analyze in (False, True):
                q = f"select 1 from {name} where tenant_id = %s"
                assert plan(cur, q, (b,), analyze) == plan(cur, q, (nobody,), analyze), (name, analyze)
            for low, high in pairs:
                for op in ("<=", ">="):
                    q = f"select 1 from {name} where tenant_id {op} %s"
                    assert plan(cur, q, (low,)) == plan(cur, q, (high,)), (name, op)


def test_what_a_tenant_sql_login_can_still_learn_is_written_down(secured):
    """Not closable for a SQL login: a probe on another indexed column (a project id here) is answered from that
    column's index before row-level security filters, so EXPLAIN ANALYZE counts every tenant's matching rows.
    The README says so, and names the deployment that closes it; this test fails when either changes."""
    s, b = secured["settings"], secured["b"]
    analyze_tenant_tables(s)
    other_project = fetch(s, "select project_id::text from marts.usage_aggregations_daily where tenant_id = %s limit 1",
                          (b,))[0]["project_id"]
    q = "select 1 from marts.usage_aggregations_daily where project_id = %s"
    with session(s, "tenant_a") as cur:
        assert plan(cur, q, (other_project,), False) == plan(cur, q, (str(uuid.uuid4()),), False), "estimates leak"
        leaks = plan(cur, q, (other_project,)) != plan(cur, q, (str(uuid.uuid4()),))
    readme = " ".join((PROJECT_ROOT / "README.md").read_text(encoding="utf-8").split())
    if leaks:
        assert "What a tenant's SQL login can still learn" in readme
        assert "EXPLAIN ANALYZE" in readme and "jwt_claims" in readme


def test_a_tenant_scoped_grant_that_would_not_filter_is_refused(secured, dbt, tmp_path):
    """row_security.scoped_roles: [] (or one that leaves out a tenant-scoped grantee) stops the build."""
    project = project_copy(tmp_path)
    probe_dir = project / "models" / "marts" / "zz_security_probe"
    probe_dir.mkdir()
    env = {**dbt.env, "DBT_PROFILES_DIR": str(project)}
    (probe_dir / "zz_scoped_probe.sql").write_text("select tenant_id from {{ ref('tenant_tryon_daily') }}\n")
    for scoped in ("[]", "[analytics_bi_reader]"):
        (probe_dir / "_zz__models.yml").write_text(f"""version: 2
models:
  - name: zz_scoped_probe
    config:
      contract: {{enforced: false}}
      grants:
        select: [analytics_admin, analytics_bi_reader, analytics_tenant]
      meta:
        row_security:
          tenant_column: tenant_id
          scoped_roles: {scoped}
""")
        result = subprocess.run([dbt_executable(), "run", "--select", "zz_scoped_probe", "--vars",
                                 json.dumps({"as_of": AS_OF})], cwd=project, env=env, capture_output=True, text=True)
        assert result.returncode != 0, scoped
        assert "zz_scoped_probe" in result.stdout and "scoped_roles" in result.stdout, result.stdout[-3000:]
        assert fetch(secured["settings"], "select to_regclass('marts.zz_scoped_probe') as r")[0]["r"] is None
    config = {"grants": {"select": [ADMIN_ROLE, TENANT_ROLE]},
              "meta": {"row_security": {"tenant_column": "tenant_id", "scoped_roles": []}}}
    result = dbt("run-operation", "apply_access_config", "--args",
                 json.dumps({"schema": "marts", "table": "tenant_tryon_daily", "config": config}), check=False)
    assert result.returncode != 0 and "scoped_roles is empty" in result.stdout


def test_a_recreated_login_inherits_no_tenant_and_wider_logins_are_refused(secured):
    s, b = secured["settings"], secured["b"]
    conn = s.connect()
    with conn.cursor() as cur:
        cur.execute("drop role if exists shop_recycled")
        cur.execute(f"create role shop_recycled login password '{password_of('shop_recycled')}' in role {TENANT_ROLE}")
        cur.execute("insert into analytics_security.tenant_logins (login, tenant_id) values ('shop_recycled', %s)", (b,))
    with session(s, "shop_recycled") as cur:
        cur.execute("select count(distinct tenant_id) from marts.tenant_tryon_daily")
        assert cur.fetchone()[0] == 1
    with conn.cursor() as cur:  # dropped without deleting its mapping, then a new login takes the name
        cur.execute("drop role shop_recycled")
        cur.execute(f"create role shop_recycled login password '{password_of('shop_recycled')}' in role {TENANT_ROLE}")
    try:
        with session(s, "shop_recycled") as cur:
            cur.execute("select count(*) from marts.tenant_tryon_daily")
            assert cur.fetchone()[0] == 0
            cur.execute("select count(*) from analytics_security.tenant_logins")
            assert cur.fetchone()[0] == 0
    finally:
        with conn.cursor() as cur:
            cur.execute("drop role shop_recycled")
        conn.close()
    for login in ("bi_login", "admin_login"):
        with pytest.raises(WarehouseError, match="already reads more"):
            add_tenant_login(s, login, b, password="x")
    with session(s, "bi_login") as cur:
        cur.execute("select count(distinct tenant_id) from marts.tenant_tryon_daily")
        assert cur.fetchone()[0] > 2
    assert fetch(s, "select count(*) as n from analytics_security.tenant_logins where login::text = 'bi_login'")[0]["n"] == 0


def test_public_views_stay_answerable_during_builds(secured, dbt):
    """Readers in a loop, as the BI login and as a tenant, through a full refresh and an incremental run: every
    read of every public view they may read succeeds, and a tenant keeps seeing only its own rows."""
    s, a = secured["settings"], secured["a"]
    views = relations(s, f"n.nspname = 'public' and c.relkind = 'v' and pg_get_userbyid(c.relowner) = '{OWNER_ROLE}'")
    tenant_views = [v for v in views if v in tenant_scoped(s)]
    bi_views = relations(s, f"n.nspname = 'public' and c.relkind = 'v' and pg_get_userbyid(c.relowner) = '{OWNER_ROLE}' "
                            f"and has_table_privilege('{BI_ROLE}', c.oid, 'select')")
    assert len(bi_views) >= 10 and "public.tenant_tryon_daily_v" in tenant_views
    errors: list[str] = []
    reads = {"bi_login": 0, "tenant_a": 0}
    stop = threading.Event()

    def reader(login: str, names: list[str]) -> None:
        conn = as_login(s, login).connect()
        with conn.cursor() as cur:
            while not stop.is_set():
                for name in names:
                    try:
                        cur.execute(f"select count(*), count(distinct tenant_id) filter (where tenant_id::text <> %s) "
                                    f"from {name}" if login == "tenant_a" else f"select count(*) from {name}",
                                    (a,) if login == "tenant_a" else None)
                        row = cur.fetchone()
                        if login == "tenant_a" and row[1]:
                            errors.append(f"{login} saw other tenants in {name}")
                        reads[login] += 1
                    except psycopg2.Error as exc:
                        errors.append(f"{login} {name}: {str(exc).strip().splitlines()[0]}")
                time.sleep(0.02)
        conn.close()

    threads = [threading.Thread(target=reader, args=("bi_login", bi_views)),
               threading.Thread(target=reader, args=("tenant_a", tenant_views))]
    for t in threads:
        t.start()
    try:
        dbt("run", "--full-refresh")
        dbt("run")
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert not errors, errors[:10]
    assert reads["bi_login"] > 10 * len(views) and reads["tenant_a"] > 10 * len(tenant_views), reads
    assert_sees_only(s, "tenant_a", a)


# ---- User-scoped analytics (spec 003: "all analytics are user-scoped") ---------------------------------------------
# The same attacks as above, by two user logins, an unmapped one, a BI and an admin login, on a database laid out for
# spec 003 alone.

USER_ROLE, RENDERS_SCHEMA = "analytics_user", "raw_renders"


@pytest.fixture(scope="module")
def users_secured(warehouse):
    from conftest import ANCHOR, Dbt, fresh_database

    from orchestration.sample_data import RENDERS, SampleSpec, load_sample_data
    from orchestration.security import add_user_login, grant_raw_read

    settings = fresh_database(warehouse, "users_security")
    load_sample_data(settings, RENDERS_SCHEMA, SampleSpec(seed=5, renders=8_000, days=30, anchor=ANCHOR), force=True,
                     log=lambda _m: None, domain=RENDERS)
    grant_raw_read(settings, RENDERS_SCHEMA)
    dbt = Dbt(settings, ("renders",))
    dbt.env["TA_CREDITS_DAILY_ALERT_THRESHOLD"] = "10"  # low: busy users have alert rows too
    dbt("build", "--select", "tag:renders", "--full-refresh")
    scoped = user_scoped(settings)
    # Two users with rows in every user-scoped relation (plugin users: they have keys and API calls too).
    common = None
    for name in scoped:
        users = {r["user_id"] for r in fetch(settings, f"select distinct user_id from {name}")}
        common = users if common is None else common & users
    users = [r["user_id"] for r in fetch(settings, "select user_id, count(*) from marts.usage_tracking "
                                                   "where user_id = any(%s) group by 1 order by 2 desc, 1 limit 2",
                                         (sorted(common),))]
    assert len(users) == 2, "no two users have rows everywhere: the tests below would prove nothing"
    conn = settings.connect()
    with conn.cursor() as cur:
        for login, role in (("user_unmapped", USER_ROLE), ("users_bi", BI_ROLE), ("users_admin", ADMIN_ROLE)):
            cur.execute(f"drop role if exists {login}")
            cur.execute(f"create role {login} login password '{password_of(login)}' in role {role}")
        for login in ("user_a", "user_b"):
            cur.execute(f"drop role if exists {login}")
    conn.close()
    add_user_login(settings, "user_a", users[0], password=password_of("user_a"))
    add_user_login(settings, "user_b", users[1], password=password_of("user_b"))
    return {"settings": settings, "dbt": dbt, "a": users[0], "b": users[1]}


def user_scoped(settings) -> list[str]:
    names = relations(settings, f"pg_get_userbyid(c.relowner) = '{OWNER_ROLE}' and n.nspname <> 'analytics_security' "
                                f"and has_table_privilege('{USER_ROLE}', c.oid, 'select')")
    assert {"marts.usage_tracking", "marts.render_stats_daily", "marts.credit_stats_daily", "marts.api_usage_daily",
            "marts.user_activity_daily", "marts.plugin_api_keys_current"} <= set(names), names
    return names


def assert_user_sees_only(settings, login: str, user: str | None) -> None:
    """In every user-scoped relation, `login` sees exactly the rows of `user` (none when None)."""
    assert_scoped(settings, login, user_scoped(settings), "user_id", user)


def test_a_user_sees_exactly_its_own_rows_everywhere(users_secured):
    s = users_secured["settings"]
    assert_user_sees_only(s, "user_a", users_secured["a"])
    assert_user_sees_only(s, "user_b", users_secured["b"])
    assert_user_sees_only(s, "user_unmapped", None)


def test_session_variables_and_claims_do_not_widen_a_user(users_secured):
    s, other = users_secured["settings"], users_secured["b"]
    with session(s, "user_a") as cur:
        cur.execute("select set_config('request.jwt.claims', %s, false)", (json.dumps({"sub": other}),))
        cur.execute("select set_config('request.jwt.claim.sub', %s, false)", (other,))
        cur.execute("select set_config('app.user_id', %s, false)", (other,))
        for name in user_scoped(s):
            cur.execute(f"select distinct user_id from {name}")
            assert {r[0] for r in cur.fetchall()} == {users_secured["a"]}, name
        cur.execute(f"set role {USER_ROLE}")  # the group role itself is mapped to no user
        cur.execute("select count(*) from marts.usage_tracking")
        assert cur.fetchone()[0] == 0
    for role in (BI_ROLE, ADMIN_ROLE, OWNER_ROLE, TENANT_ROLE, "user_b", "postgres"):
        assert denied(s, "user_a", f"set role {role}"), role


def test_a_user_cannot_rewrite_the_user_map_nor_read_the_tenant_map(users_secured):
    s = users_secured["settings"]
    with session(s, "user_a") as cur:
        cur.execute("select login::text, user_id from analytics_security.user_logins")
        assert cur.fetchall() == [("user_a", users_secured["a"])]
        cur.execute("select count(*) from analytics_security.tenant_logins")
        assert cur.fetchone()[0] == 0
    for statement in ("insert into analytics_security.user_logins (login, user_id) values ('user_a', %s)",
                      "update analytics_security.user_logins set user_id = %s",
                      "delete from analytics_security.user_logins where user_id <> %s"):
        assert denied(s, "user_a", statement, (users_secured["b"],)), statement
        assert denied(s, "users_bi", statement, (users_secured["b"],)), statement


def test_a_user_cannot_read_raw_staging_internal_or_platform_relations(users_secured):
    s = users_secured["settings"]
    readable = set(user_scoped(s))
    others = relations(s, "n.nspname in ({}) and n.nspname <> 'analytics_security'".format(
        ", ".join(f"'{x}'" for x in analytics_schemas(s) + [RENDERS_SCHEMA])))
    assert {"marts.renders_data_quality", "staging.stg_renders__account_activity",
            f"{RENDERS_SCHEMA}.account_activity"} <= set(others)
    for name in others:
        if name not in readable:
            assert denied(s, "user_a", f"select 1 from {name} limit 1"), name
    assert not [n for n in readable if not n.startswith("marts.")], readable
    for login in ("user_a",):
        assert denied(s, login, "create schema sneaky")
        assert denied(s, login, "create table marts.sneaky (x int)")
        assert denied(s, login, "delete from marts.usage_tracking")


def test_pg_stats_and_plans_show_a_user_nothing_of_other_users(users_secured):
    s, other = users_secured["settings"], users_secured["b"]
    conn = s.connect()
    with conn.cursor() as cur:
        cur.execute("analyze marts.usage_tracking")
    conn.close()
    user_columns = fetch(s, """select count(*) as n from pg_stats where schemaname = 'marts'
                               and tablename = 'usage_tracking' and attname = 'user_id'""")
    assert user_columns[0]["n"] == 0, "the user column of a user-scoped table keeps no statistics"
    with session(s, "user_a") as cur:
        cur.execute("select count(*) from pg_stats where tablename in (select tablename from pg_policies)")
        assert cur.fetchone()[0] == 0
        cur.execute("explain (analyze, format json) select * from marts.usage_tracking where user_id = %s", (other,))
        assert float(cur.fetchone()[0][0]["Plan"]["Actual Rows"]) == 0  # the policy filters before anything counts


def test_bi_and_admin_see_every_user(users_secured):
    s = users_secured["settings"]
    for login in ("users_bi", "users_admin"):
        for name in user_scoped(s):
            with session(s, login) as cur:
                cur.execute(f"select count(*) from {name}")
                assert cur.fetchone()[0] == fetch(s, f"select count(*) as n from {name}")[0]["n"], (login, name)


def test_a_grant_that_would_not_scope_by_user_is_refused(users_secured):
    dbt = users_secured["dbt"]
    for config, message in (
            ({"grants": {"select": [ADMIN_ROLE, USER_ROLE]}}, "no meta.row_security.user_column"),
            ({"grants": {"select": [ADMIN_ROLE, USER_ROLE]}, "meta": {"row_security": {"tenant_column": "user_id"}}},
             "scoped by tenant"),
            ({"grants": {"select": [ADMIN_ROLE, TENANT_ROLE]}, "meta": {"row_security": {"user_column": "user_id"}}},
             "scoped by user")):
        result = dbt("run-operation", "apply_access_config", "--args",
                     json.dumps({"schema": "marts", "table": "usage_tracking", "config": config}), check=False)
        assert result.returncode != 0 and message in result.stdout, (config, result.stdout[-2000:])
    assert_user_sees_only(users_secured["settings"], "user_a", users_secured["a"])


def test_jwt_claims_mode_scopes_a_trusted_service_by_the_subject(users_secured):
    s, dbt, user = users_secured["settings"], users_secured["dbt"], users_secured["b"]
    conn = s.connect()
    with conn.cursor() as cur:
        cur.execute("drop role if exists user_service")
        cur.execute(f"create role user_service login password '{password_of('user_service')}' in role {USER_ROLE}")
    conn.close()
    dbt("run", "--select", "usage_tracking", extra_vars={"tenant_identity_source": "jwt_claims"})
    try:
        def visible(claims: dict | None) -> set[str]:
            with session(s, "user_service") as cur:
                if claims is not None:
                    cur.execute("select set_config('request.jwt.claims', %s, false)", (json.dumps(claims),))
                cur.execute("select distinct user_id from marts.usage_tracking")
                return {r[0] for r in cur.fetchall()}

        assert visible(None) == set()
        assert visible({"sub": user, "role": "authenticated"}) == {user}
        assert visible({"user_id": user}) == set()
    finally:
        dbt("run", "--select", "usage_tracking")
    assert_user_sees_only(s, "user_a", users_secured["a"])


def test_server_actions_answer_a_user_its_own_numbers_only(users_secured):
    """get_analytics_data and the three tab functions read as their caller: a user login gets exactly its own rows'
    numbers, an unmapped login zeros, and roles without the marts cannot call them."""
    s, a = users_secured["settings"], users_secured["a"]
    first, last = "2026-05-01", "2026-05-31"
    own = fetch(s, """select sum(renders_created) as renders, sum(api_calls) as calls from marts.usage_tracking
                      where user_id = %s and date between %s and %s""", (a, first, last))[0]
    everyone = fetch(s, "select public.get_analytics_data(%s, %s) as d", (first, last))[0]["d"]
    with session(s, "user_a") as cur:
        cur.execute("select public.get_analytics_data(%s, %s)", (first, last))
        data = cur.fetchone()[0]
        cur.execute("select public.get_render_stats(%s, %s), public.get_credit_stats(%s, %s), "
                    "public.get_api_usage_stats(%s, %s)", (first, last) * 3)
        tabs = cur.fetchone()
    assert data["renderStats"]["total"] == own["renders"] > 0
    assert data["apiUsageStats"]["totalCalls"] == own["calls"]
    assert data["renderStats"]["total"] < everyone["renderStats"]["total"]
    assert list(tabs) == [data["renderStats"], data["creditStats"], data["apiUsageStats"]]
    with session(s, "user_unmapped") as cur:
        cur.execute("select public.get_analytics_data(%s, %s)", (first, last))
        nothing = cur.fetchone()[0]
    assert nothing["renderStats"]["total"] == 0 and nothing["creditStats"]["totalSpent"] == 0
    assert nothing["dailyUsage"] == [] and nothing["apiUsageStats"]["byPlatform"] == {}
    functions = fetch(s, """select p.oid::regprocedure::text as name, p.prosecdef,
                                   has_function_privilege('public', p.oid, 'execute') as by_public,
                                   has_function_privilege(%s, p.oid, 'execute') as by_tenant
                            from pg_proc p where p.pronamespace = 'public'::regnamespace
                              and p.proname like 'get\\_%%'""", (TENANT_ROLE,))
    assert len(functions) == 4 and not any(f["prosecdef"] or f["by_public"] or f["by_tenant"] for f in functions)
