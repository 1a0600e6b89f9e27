{#-
    Row-level security from the model's access configuration (macros/security/access_config.sql).
    Runs as a post-hook of every model, inside the model's transaction, on every run: incremental runs
    and full refreshes (which create a new table) end with the same policies. Idempotent: the project's
    policies (named ta_*) are dropped and re-created; policies created by others are left alone.
-#}
{% macro apply_row_security(relation) -%}
    {{ return(adapter.dispatch('apply_row_security', 'tenant_analytics')(relation)) }}
{%- endmacro %}

{% macro default__apply_row_security(relation) -%}
    select 1
{%- endmacro %}

{% macro postgres__apply_row_security(relation) -%}
    {{ row_security_statements(relation, model.config.materialized, model.config) }}
{%- endmacro %}

{#- The statements for a relation with this config (grants, meta.row_security); also used by
    apply_access_config below for tables dbt does not build. -#}
{% macro row_security_statements(relation, materialized, node_config) -%}
    {%- set grantees = access_grantees(node_config) -%}
    {%- set rs = row_security_config(node_config) -%}
    {%- set scoped = scoped_roles(node_config) -%}
    {%- if materialized == 'view' -%}
        {#- Views have no policies: a view granted to a tenant-scoped role must read as its caller, so the
            policies of the tables under it apply (spec 000, "Security Model"). -#}
        {%- if grantees | select('in', scoped) | list -%}
            alter view {{ relation }} set (security_invoker = true)
        {%- else -%}
            select 1
        {%- endif -%}
    {%- else -%}
        {{ drop_project_policies(relation) }};
        {%- if scope_column(rs) %}
        alter table {{ relation }} enable row level security;
        {{ hide_tenant_volumes(relation, scope_column(rs)) }};
        {%- for role in grantees %}
        create policy {{ adapter.quote('ta_select_' ~ role) }} on {{ relation }}
            as permissive for select to {{ adapter.quote(role) }}
            using ({{ row_predicate(role, rs, scoped) }});
        {%- endfor %}
        {%- else %}
        alter table {{ relation }} disable row level security;
        {%- endif %}
    {%- endif -%}
{%- endmacro %}

{#-
    dbt run-operation apply_access_config --args '{schema: s, table: t, config: {grants: {select: [...]},
        meta: {row_security: {...}}}}'
    The same access configuration for a table dbt does not build (an audit table, a landing table): grants
    exactly the configured roles SELECT and applies the policies. Checked like a model's configuration.
-#}
{% macro apply_access_config(schema, table, config) -%}
    {%- set relation = api.Relation.create(database=target.database, schema=schema, identifier=table, type='table') -%}
    {%- set declared = var('analytics_roles').keys() | list -%}
    {%- set grantees = access_grantees(config) -%}
    {%- do raise_access_problems(access_config_problems(table, config, 'table')) -%}
    {%- set statements -%}
        {{ hook_role() }}
        revoke all on {{ relation }} from public;
        {%- for role in declared %}
        {% if role in grantees %}grant{% else %}revoke{% endif %} select on {{ relation }} {% if role in grantees %}to{% else %}from{% endif %} {{ adapter.quote(role) }};
        {%- endfor %}
        {%- set scoped = grantees | select('in', scoped_roles(config)) | list %}
        {%- if scoped %}
        grant usage on schema analytics_security to {{ role_list(scoped) }};
        grant select on analytics_security.tenant_logins, analytics_security.user_logins to {{ role_list(scoped) }};
        {%- endif %}
        {{ row_security_statements(relation, 'table', config) }}
    {%- endset -%}
    {%- do run_query(statements) -%}
    {%- do log("access configuration applied to " ~ relation, info=true) -%}
{%- endmacro %}

{#- The rows `role` may see of a model with row_security `rs`: its own tenants' (or, with user_column, its own
    user's) rows if it is scoped, the last N days if it has a window, otherwise all. -#}
{% macro row_predicate(role, rs, scoped) -%}
    {%- set conditions = [] -%}
    {%- if role in scoped and rs.get('user_column') -%}
        {%- do conditions.append(user_identity_predicate(rs['user_column'])) -%}
    {%- elif role in scoped -%}
        {%- do conditions.append(tenant_identity_predicate(rs['tenant_column'])) -%}
    {%- endif -%}
    {%- set window = (rs.get('windows') or {}).get(role) -%}
    {%- if window -%}
        {%- do conditions.append(window['column'] ~ " >= current_date - " ~ (window['days'] | int)) -%}
    {%- endif -%}
    {{- conditions | join(' and ') if conditions else 'true' -}}
{%- endmacro %}

{#-
    Who the querying role is, as tenants. var('tenant_identity_source') chooses:
      login_mapping (default): the tenants mapped to the login (current_user) in
          analytics_security.tenant_logins (keyed by the role's OID), a table only admins write. Nothing a session
          can set changes it.
      jwt_claims: the Supabase / PostgREST way, for a trusted service that connects, switches to a
          tenant-scoped role and sets request.jwt.claims per request. The claim named by var('jwt_tenant_claim')
          must hold the tenant id, and the claims must carry either an analytics role (spec 002: owner or admin,
          var('jwt_analytics_roles'), in the claim var('jwt_role_claim')) or the scope var('jwt_required_scope')
          in the space-separated `scope` claim (spec 002: API keys need analytics:read). Only for roles that
          no tenant can log in as: a session can set any claim it likes.
-#}
{% macro tenant_identity_predicate(column) -%}
    {%- set source = var('tenant_identity_source') -%}
    {%- if source == 'login_mapping' -%}
        {#- = any(array(...)): an InitPlan the planner can use as an index condition on the tenant column, so a
            tenant's scan starts from its own rows (README, "Security model", what a tenant can learn). -#}
        {{ column }} = any(array(
            select m.tenant_id from analytics_security.tenant_logins as m where m.login = to_regrole(current_user::text)))
    {%- elif source == 'jwt_claims' -%}
        {%- set claims = "nullif(current_setting('request.jwt.claims', true), '')::jsonb" -%}
        {%- set roles = var('jwt_analytics_roles') -%}
        ({{ column }} = ({{ claims }} ->> '{{ var('jwt_tenant_claim') }}')::uuid
        and (
            ({{ claims }} ->> '{{ var('jwt_role_claim') }}') in ({% for r in roles %}'{{ r }}'{{ ', ' if not loop.last }}{% endfor %})
            or '{{ var('jwt_required_scope') }}' = any(string_to_array({{ claims }} ->> 'scope', ' '))
        ))
    {%- else -%}
        {{ exceptions.raise_compiler_error("vars.tenant_identity_source must be 'login_mapping' or 'jwt_claims', got '" ~ source ~ "'") }}
    {%- endif -%}
{%- endmacro %}

{#-
    Who the querying role is, as a user (spec 003: "all analytics are user-scoped"), chosen by the same
    var('tenant_identity_source'):
      login_mapping: the users mapped to the login in analytics_security.user_logins (keyed by the role's OID),
          which only admins write (orchestration/security.py add_user_login; `tenant-analytics user-login`);
      jwt_claims: the claim var('jwt_user_claim') (default sub: the JWT's subject, as Supabase and PostgREST set
          it) of request.jwt.claims, set per request by a trusted service that switched to a user-scoped role.
-#}
{% macro user_identity_predicate(column) -%}
    {%- set source = var('tenant_identity_source') -%}
    {%- if source == 'login_mapping' -%}
        {{ column }} = any(array(
            select m.user_id from analytics_security.user_logins as m where m.login = to_regrole(current_user::text)))
    {%- elif source == 'jwt_claims' -%}
        {{ column }} = (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> '{{ var('jwt_user_claim') }}')
    {%- else -%}
        {{ exceptions.raise_compiler_error("vars.tenant_identity_source must be 'login_mapping' or 'jwt_claims', got '" ~ source ~ "'") }}
    {%- endif -%}
{%- endmacro %}

{% macro drop_project_policies(relation) -%}
    do $ta$
    declare p record;
    begin
        for p in
            select policyname from pg_policies
            where schemaname = '{{ relation.schema }}' and tablename = '{{ relation.identifier }}' and policyname like 'ta\_%'
        loop
            execute format('drop policy %I on %I.%I', p.policyname, '{{ relation.schema }}', '{{ relation.identifier }}');
        end loop;
    end
    $ta$
{%- endmacro %}

{#-
    What a tenant's plans reveal of other tenants (README, "Security model"). The planner estimates rows from
    the table's statistics whoever asks, so EXPLAIN of `tenant_id = <other>` or `project_id <= X` would show
    other tenants' volumes: identifier (uuid) columns of a row-secured table keep no statistics. And a scan
    that fetched other tenants' rows by the caller's own predicate before the policy removed them would count
    them in EXPLAIN ANALYZE: an index on the tenant column lets the policy's `= any(array(...))` be the index
    condition, so a tenant's scans start from its own rows. A user-scoped table (user_column, text ids) hides its
    user column's statistics the same way: pg_stats would otherwise list other users' ids.
-#}
{% macro hide_tenant_volumes(relation, tenant_column) -%}
    do $ta$
    declare a record;
    begin
        for a in
            select attname from pg_attribute
            where attrelid = '{{ relation }}'::regclass and attnum > 0 and not attisdropped
              and (atttypid = 'uuid'::regtype or attname = '{{ tenant_column }}') and coalesce(attstattarget, -1) <> 0
        loop
            execute format('alter table {{ relation }} alter column %I set statistics 0', a.attname);
        end loop;
        if not exists (
            select from pg_index as i
            where i.indrelid = '{{ relation }}'::regclass
              and i.indkey[0] = (select attnum from pg_attribute
                                 where attrelid = '{{ relation }}'::regclass and attname = '{{ tenant_column }}')
        ) then
            create index on {{ relation }} ({{ adapter.quote(tenant_column) }});
        end if;
    end
    $ta$
{%- endmacro %}
