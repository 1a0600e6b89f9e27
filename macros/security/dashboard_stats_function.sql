{#-
    get_dashboard_stats(project_id, days [, as_of_day]) (spec 001, "Database Functions"): the project's daily
    stats for the last `days` UTC days up to as_of_day (default: today, UTC), oldest first, read from the
    public view usage_aggregations_daily. SECURITY INVOKER with a fixed search_path: it reads as its
    caller, so a tenant gets rows only for its own projects (row-level security on the mart under the
    security_invoker view). Executable by exactly the roles that may read the view.
    Runs as a post-hook of public_usage_aggregations_daily; PostgreSQL only.
-#}
{% macro create_get_dashboard_stats(view) -%}
    {{ return(adapter.dispatch('create_get_dashboard_stats', 'tenant_analytics')(view)) }}
{%- endmacro %}

{% macro default__create_get_dashboard_stats(view) -%}
    select 1
{%- endmacro %}

{% macro postgres__create_get_dashboard_stats(view) -%}
    {#- Schema-qualified only: the function keeps working in a copy or a renamed database. #}
    {%- set view = view.include(database=False) -%}
    {%- set fn = adapter.quote(view.schema) ~ '.get_dashboard_stats' -%}
    {%- set signature = fn ~ '(uuid, integer, date)' -%}
    {#- Dropped first: create or replace cannot change the columns a function returns. #}
    drop function if exists {{ signature }};
    create function {{ fn }}(p_project_id uuid, p_days integer, p_as_of date default null)
    returns table (
        date date,
        total_requests bigint,
        cached_requests bigint,
        cache_hit_rate numeric,
        error_requests bigint,
        total_tokens bigint,
        total_cost_usd numeric,
        total_potential_cost_usd numeric,
        total_savings_usd numeric,
        avg_latency_ms double precision,
        p95_latency_ms double precision,
        requests_by_provider jsonb,
        requests_by_model jsonb
    )
    language sql
    stable
    security invoker
    set search_path = pg_catalog, pg_temp
    as $fn$
        select
            d.date, d.total_requests, d.cached_requests, d.cache_hit_rate, d.error_requests, d.total_tokens,
            d.total_cost_usd, d.total_potential_cost_usd, d.total_savings_usd, d.avg_latency_ms, d.p95_latency_ms,
            d.requests_by_provider, d.requests_by_model
        from {{ view }} as d
        where d.project_id = p_project_id
          and d.date > coalesce(p_as_of, (now() at time zone 'utc')::date) - p_days
          and d.date <= coalesce(p_as_of, (now() at time zone 'utc')::date)
        order by d.date
    $fn$;
    comment on function {{ signature }} is
        'Spec 001: daily stats of a project for the last p_days UTC days up to p_as_of (default today, UTC). Reads as the caller (tenant isolation applies).';
    {{ grant_function_to_readers(signature) }}
{%- endmacro %}
