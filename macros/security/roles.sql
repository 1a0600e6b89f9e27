{#-
    on-run-start: check the access configuration, then create what the models' grants and policies refer
    to, idempotently: the group roles of vars.analytics_roles (NOLOGIN; logins become members of them),
    the admin-written login-to-tenant map, and default privileges so that no function the project creates
    is executable by PUBLIC. Needs the dbt role to hold CREATEROLE (README, "Security model", bootstrap).
-#}
{% macro analytics_security_setup() -%}
    {%- do validate_access_config() -%}
    {{ return(adapter.dispatch('analytics_security_setup', 'tenant_analytics')()) }}
{%- endmacro %}

{% macro default__analytics_security_setup() -%}
    select 1
{%- endmacro %}

{% macro postgres__analytics_security_setup() -%}
    {{ hook_role() }}
    {%- set roles = var('analytics_roles') -%}
    {%- set admin = var('analytics_admin_role') -%}
    {#- Every declared role may read its own rows of the login map (policy ta_own_login): whichever of them a
        model scopes, its policies can look the login up. -#}
    {%- set login_map_readers = roles.keys() | list -%}
    {%- for role, purpose in roles.items() %}
    do $ta$
    begin
        if not exists (select from pg_roles where rolname = '{{ role }}') then
            create role {{ adapter.quote(role) }} nologin;
            comment on role {{ adapter.quote(role) }} is '{{ purpose | replace("'", "''") }}';
        end if;
    exception
        when duplicate_object then null;
        when insufficient_privilege then
            raise exception 'role "{{ role }}" does not exist and % may not create it', current_user
                using hint = 'grant CREATEROLE to the dbt role, or have a DBA run: create role "{{ role }}" nologin';
    end
    $ta$;
    {%- endfor %}

    create schema if not exists analytics_security;
    revoke all on schema analytics_security from public;
    comment on schema analytics_security is 'Who may see which tenant. Written by admins only; read by the row-level security policies.';
    create table if not exists analytics_security.tenant_logins (
        login_name name not null,
        tenant_id uuid not null,
        granted_at timestamptz not null default now(),
        granted_by name not null default current_user,
        primary key (login_name, tenant_id)
    );
    comment on table analytics_security.tenant_logins is
        'One row per (login, tenant) the login may see. A tenant-scoped login sees only its own rows here; only {{ admin }} writes.';
    alter table analytics_security.tenant_logins enable row level security;
    drop policy if exists ta_own_login on analytics_security.tenant_logins;
    create policy ta_own_login on analytics_security.tenant_logins
        as permissive for select using (login_name = current_user);
    drop policy if exists ta_admin on analytics_security.tenant_logins;
    create policy ta_admin on analytics_security.tenant_logins
        as permissive for all to {{ adapter.quote(admin) }} using (true) with check (true);
    revoke all on analytics_security.tenant_logins from public;
    grant usage on schema analytics_security to {{ role_list(login_map_readers) }};
    grant select on analytics_security.tenant_logins to {{ role_list(login_map_readers) }};
    grant select, insert, update, delete on analytics_security.tenant_logins to {{ adapter.quote(admin) }};

    alter default privileges revoke execute on functions from public;
    alter default privileges revoke usage on types from public;
{%- endmacro %}

{#- Grants on Spark: a local session has no authorization, so the models' `grants:` (PostgreSQL roles) are not
    applied; a Databricks deployment uses Unity Catalog grants instead (README, "Running on Spark"). -#}
{% macro spark__apply_grants(relation, grant_config, should_revoke=True) -%}
{%- endmacro %}
