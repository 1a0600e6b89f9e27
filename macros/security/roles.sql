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

    {#- Connecting is a privilege too (the embedded warehouse takes it from PUBLIC, sql/security_lockdown.sql):
        every declared role may connect, when the dbt role may hand that on. -#}
    do $ta$
    begin
        if has_database_privilege(current_user, current_database(), 'connect with grant option') then
            {%- for role in roles.keys() %}
            execute format('grant connect on database %I to {{ adapter.quote(role) }}', current_database());
            {%- endfor %}
        end if;
    end
    $ta$;

    create schema if not exists analytics_security;
    revoke all on schema analytics_security from public;
    comment on schema analytics_security is 'Who may see which tenant. Written by admins only; read by the row-level security policies.';
    {#- Keyed by the role itself (regrole stores its OID), not its name: a login dropped and re-created under the
        same name is a new role and inherits no tenant. -#}
    create table if not exists analytics_security.tenant_logins (
        login regrole not null,
        tenant_id uuid not null,
        granted_at timestamptz not null default now(),
        granted_by name not null default current_user,
        primary key (login, tenant_id)
    );
    {#- A map from before (keyed by login_name): keep the rows whose login exists, keyed by its OID. -#}
    do $ta$
    begin
        if exists (select from pg_attribute where attrelid = 'analytics_security.tenant_logins'::regclass
                   and attname = 'login_name' and not attisdropped) then
            alter table analytics_security.tenant_logins add column login regrole;
            update analytics_security.tenant_logins set login = to_regrole(login_name::text);
            delete from analytics_security.tenant_logins where login is null;
            alter table analytics_security.tenant_logins drop column login_name;
            alter table analytics_security.tenant_logins alter column login set not null;
            alter table analytics_security.tenant_logins add primary key (login, tenant_id);
        end if;
    end
    $ta$;
    {{ login_map_access('tenant_logins', 'One row per (login, tenant) the login may see, keyed by the login role (its OID). A tenant-scoped login sees only its own rows here; only ' ~ admin ~ ' writes.', login_map_readers) }}

    {#- The users a user-scoped login may see (spec 003), keyed the same way; user ids are the application's (text). -#}
    create table if not exists analytics_security.user_logins (
        login regrole not null,
        user_id text not null,
        granted_at timestamptz not null default now(),
        granted_by name not null default current_user,
        primary key (login, user_id)
    );
    {{ login_map_access('user_logins', 'One row per (login, user) whose rows the login may see (spec 003: user-scoped analytics), keyed by the login role (its OID). A user-scoped login sees only its own rows here; only ' ~ admin ~ ' writes.', login_map_readers) }}

    alter default privileges revoke execute on functions from public;
    alter default privileges revoke usage on types from public;
{%- endmacro %}

{#- Grants on Spark: a local session has no authorization, so the models' `grants:` (PostgreSQL roles) are not
    applied; a Databricks deployment uses Unity Catalog grants instead (README, "Running on Spark"). -#}
{% macro spark__apply_grants(relation, grant_config, should_revoke=True) -%}
{%- endmacro %}

{#- Comments, row security and grants of a login map (analytics_security.<table>): each login reads only its own
    rows, the admin role writes them, nobody else touches them. -#}
{% macro login_map_access(table, comment, readers) -%}
    {%- set admin = var('analytics_admin_role') -%}
    comment on table analytics_security.{{ table }} is '{{ comment | replace("'", "''") }}';
    comment on column analytics_security.{{ table }}.login is
        'The login role (regrole: written and shown as its name, stored as its OID, so a re-created role of the same name is not mapped).';
    alter table analytics_security.{{ table }} enable row level security;
    drop policy if exists ta_own_login on analytics_security.{{ table }};
    create policy ta_own_login on analytics_security.{{ table }}
        as permissive for select using (login = to_regrole(current_user::text));
    drop policy if exists ta_admin on analytics_security.{{ table }};
    create policy ta_admin on analytics_security.{{ table }}
        as permissive for all to {{ adapter.quote(admin) }} using (true) with check (true);
    revoke all on analytics_security.{{ table }} from public;
    grant usage on schema analytics_security to {{ role_list(readers) }};
    grant select on analytics_security.{{ table }} to {{ role_list(readers) }};
    grant select, insert, update, delete on analytics_security.{{ table }} to {{ adapter.quote(admin) }};
{%- endmacro %}
