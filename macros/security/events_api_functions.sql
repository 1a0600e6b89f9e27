{#-
    analytics_usage(p_from, p_to, p_metrics) (spec 002, GET /api/analytics/usage?from&to&metric[]): the caller's daily
    usage as the endpoint's `data` object, {"<metric>": [{"date": "...", "count": n, "meta": {...}}, ...], ...}, days
    in [p_from, p_to] (inclusive, UTC), oldest first; every metric when p_metrics is null. Reads the public view
    analytics_daily_usage as its caller (SECURITY INVOKER, fixed search_path): row-level security under the view gives
    a tenant login its own rows only, so an application backend serves the endpoint with one query. Executable by
    exactly the roles that may read the view. Runs as a post-hook of public_analytics_daily_usage; PostgreSQL only.
-#}
{% macro create_analytics_usage_function(view) -%}
    {{ return(adapter.dispatch('create_analytics_usage_function', 'tenant_analytics')(view)) }}
{%- endmacro %}

{% macro default__create_analytics_usage_function(view) -%}
    select 1
{%- endmacro %}

{% macro postgres__create_analytics_usage_function(view) -%}
    {%- set fn = adapter.quote(view.schema) ~ '.analytics_usage' -%}
    {%- set signature = fn ~ '(date, date, text[])' -%}
    drop function if exists {{ signature }};
    create function {{ fn }}(p_from date, p_to date, p_metrics text[] default null)
    returns jsonb
    language sql
    stable
    security invoker
    set search_path = pg_catalog, pg_temp
    as $fn$
        select coalesce(jsonb_object_agg(metric, days), '{}'::jsonb)
        from (
            select
                u.metric,
                jsonb_agg(jsonb_build_object('date', u.date, 'count', u.count, 'meta', coalesce(u.meta, '{}'::jsonb))
                          order by u.date) as days
            from {{ view }} as u
            where u.date >= p_from and u.date <= p_to
              and (p_metrics is null or u.metric = any(p_metrics))
            group by u.metric
        ) as per_metric
    $fn$;
    comment on function {{ signature }} is
        'Spec 002: the caller''s daily usage per metric for [p_from, p_to] (UTC days), as GET /api/analytics/usage answers. Reads as the caller (tenant isolation applies).';
    revoke all on function {{ signature }} from public;
    {%- for role in access_grantees(model.config) %}
    grant execute on function {{ signature }} to {{ adapter.quote(role) }};
    {%- endfor %}
{%- endmacro %}
