{#-
    on-run-end: schema privileges follow the models' grants. A declared role gets USAGE on a schema exactly
    when it may select some model or seed there; PUBLIC gets neither CREATE nor USAGE. Nobody but the dbt role
    can create objects in these schemas. Only schemas the dbt role owns are touched: `public` (owned by the
    database owner, maybe shared with an application) keeps PostgreSQL's defaults, which since version 15
    are USAGE for PUBLIC and CREATE for nobody but its owner.
-#}
{% macro grant_schema_usage() -%}
    {{ return(adapter.dispatch('grant_schema_usage', 'tenant_analytics')()) }}
{%- endmacro %}

{% macro default__grant_schema_usage() -%}
    select 1
{%- endmacro %}

{% macro postgres__grant_schema_usage() -%}
    {%- if not execute -%}{{ return('select 1') }}{%- endif -%}
    {{ hook_role() }}
    {%- set readers = {} -%}
    {%- for node in graph.nodes.values() if node.resource_type in ('model', 'seed') and node.config.enabled -%}
        {%- set roles = readers.setdefault(node.schema, []) -%}
        {%- for role in access_grantees(node.config) if role not in roles -%}
            {%- do roles.append(role) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- for schema, roles in readers.items() | sort %}
    do $ta$
    begin
        if exists (
            select from pg_namespace
            where nspname = '{{ schema }}' and pg_get_userbyid(nspowner) = current_user
        ) then
            revoke create, usage on schema {{ adapter.quote(schema) }} from public;
            {%- for role in var('analytics_roles').keys() | sort %}
            {%- if role in roles %}
            grant usage on schema {{ adapter.quote(schema) }} to {{ adapter.quote(role) }};
            {%- else %}
            revoke usage on schema {{ adapter.quote(schema) }} from {{ adapter.quote(role) }};
            {%- endif %}
            {%- endfor %}
        end if;
    end
    $ta$;
    {%- endfor %}
{%- endmacro %}
