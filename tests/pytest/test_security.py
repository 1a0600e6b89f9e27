"""The security model (README, "Security model"), tested by logging in as each role.

Relations are found in the catalog rather than listed here, so every model a later domain adds is covered:
"tenant-scoped" means the tenant role may select it; "analytics schemas" are the schemas the dbt role owns.
The embedded warehouse trusts local logins, so these tests exercise authorization, not authentication.
"""

from __future__ import annotations

import contextlib
import json
import uuid

import psycopg2
import pytest

from conftest import fetch

TENANT_ROLE, BI_ROLE, ADMIN_ROLE, OWNER_ROLE = "analytics_tenant", "analytics_bi_reader", "analytics_admin", "analytics_owner"
RAW_SCHEMAS = ("raw_tryon", "raw_llm")


def as_login(settings, login: str):
    return settings.__class__(settings.host, settings.port, login, "", settings.database)


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
def secured(sample_loaded, dbt):
    """A full build, and logins: two tenants, an unmapped tenant login, a BI login and an admin login."""
    dbt("seed")
    dbt("build", "--full-refresh")
    settings = sample_loaded
    tenants = [r["tenant_id"] for r in fetch(settings, """
        select tenant_id::text from marts.tenant_tryon_daily group by 1 order by count(*) desc limit 2""")]
    logins = {"tenant_a": TENANT_ROLE, "tenant_b": TENANT_ROLE, "tenant_unmapped": TENANT_ROLE,
              "bi_login": BI_ROLE, "admin_login": ADMIN_ROLE}
    conn = settings.connect()
    with conn.cursor() as cur:
        for login, role in logins.items():
            cur.execute(f"drop role if exists {login}")
            cur.execute(f"create role {login} login in role {role}")
        cur.execute("delete from analytics_security.tenant_logins")
        cur.execute("insert into analytics_security.tenant_logins (login_name, tenant_id) values "
                    "('tenant_a', %s), ('tenant_b', %s)", tuple(tenants))
    conn.close()
    return {"settings": settings, "a": tenants[0], "b": tenants[1]}


def tenant_scoped(settings) -> list[str]:
    names = relations(settings, f"pg_get_userbyid(c.relowner) = '{OWNER_ROLE}' "
                                f"and has_table_privilege('{TENANT_ROLE}', c.oid, 'select')")
    assert "public.tenant_tryon_daily_v" in names and "marts.tenant_tryon_daily" in names
    return names


def assert_sees_only(settings, login: str, tenant: str | None) -> None:
    """In every tenant-scoped relation, `login` sees exactly the rows of `tenant` (none when None)."""
    for name in tenant_scoped(settings):
        expected = fetch(settings, f"select count(*) as n from {name} where tenant_id::text = %s", (tenant or "",))[0]["n"]
        with session(settings, login) as cur:
            cur.execute(f"select tenant_id::text, count(*) from {name} group by 1")
            seen = dict(cur.fetchall())
        if tenant is None:
            assert seen == {}, f"{login} sees rows of {sorted(seen)} in {name}"
        else:
            assert expected > 0, f"no rows of the test tenant in {name}: the test would prove nothing"
            assert seen == {tenant: expected}, f"{login} in {name}: {seen} (expected {expected} rows of {tenant})"


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
        cur.execute("select login_name, tenant_id::text from analytics_security.tenant_logins")
        assert cur.fetchall() == [("tenant_a", secured["a"])]
    attempts = [
        "insert into analytics_security.tenant_logins (login_name, tenant_id) values ('tenant_a', %s)",
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
    assert any(n.startswith("raw_tryon.") for n in others) and any(n.startswith("raw_llm.") for n in others)
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


def test_a_leaky_function_sees_only_the_tenants_own_rows(secured):
    """A tenant's own function in a WHERE clause runs after the row-level security filter."""
    s = secured["settings"]
    with session(s, "tenant_a") as cur:
        cur.execute("""create function pg_temp.peek(t uuid) returns boolean language plpgsql cost 0.0000001 as
                       $$ begin raise notice 'saw %', t; return true; end $$""")
        cur.execute("select count(*) from marts.tenant_tryon_daily where pg_temp.peek(tenant_id)")
        seen = {n.split("saw ")[1].strip() for n in cur.connection.notices}
    assert seen == {secured["a"]}


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
        cur.execute("insert into analytics_security.tenant_logins (login_name, tenant_id) values ('tenant_unmapped', %s)",
                    (secured["b"],))
        cur.execute("delete from analytics_security.tenant_logins where login_name = 'tenant_unmapped'")


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
        cur.execute(f"create role api_service login in role {TENANT_ROLE}")
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
            cur.execute(f"create role {role}_login login in role {role}")
        cur.execute(f"grant usage on schema marts to analytics_reader, analytics_monitor")
        cur.execute("drop table if exists marts.metrics_daily_fulfillment_probe")
        cur.execute(f"""create table marts.metrics_daily_fulfillment_probe as
            select (current_date - d) as metric_date, r::uuid as reader_id, d as orders
            from generate_series(0, 59) d, unnest(array['{reader_a}', '{reader_b}']) r""")
        cur.execute(f"alter table marts.metrics_daily_fulfillment_probe owner to {OWNER_ROLE}")
        cur.execute("insert into analytics_security.tenant_logins (login_name, tenant_id) values "
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
        cur.execute("delete from analytics_security.tenant_logins where login_name = 'analytics_reader_login'")
    conn.close()
