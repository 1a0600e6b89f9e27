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
    {#- Schema-qualified only: the function keeps working in a copy or a renamed database. #}
    {%- set view = view.include(database=False) -%}
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
    {{ grant_function_to_readers(signature) }}
{%- endmacro %}

{#-
    analytics_events_page(p_from, p_to, p_event, p_source, p_limit, p_cursor) (spec 002, GET /api/analytics/events):
    the caller's events with ts in [p_from, p_to] (UTC days, inclusive), newest first, optionally of one event name and
    one source, at most p_limit (1..1000, default 100), as the endpoint's `data` object {"events": [...], "has_more":
    bool, "next_cursor": text}. Keyset pagination: p_cursor is the previous page's next_cursor, '<ts>|<id>' (the last
    event's time and id, so events sharing a time are neither skipped nor repeated), or a bare timestamp as in the
    spec's example (events strictly before it). Each event: id, user_id, source, event, ts, props (masked), ip (its
    network), request_id. SECURITY INVOKER over the public view: a tenant gets its own events only.
-#}
{% macro create_analytics_events_page_function(view) -%}
    {{ return(adapter.dispatch('create_analytics_events_page_function', 'tenant_analytics')(view)) }}
{%- endmacro %}

{% macro default__create_analytics_events_page_function(view) -%}
    select 1
{%- endmacro %}

{% macro postgres__create_analytics_events_page_function(view) -%}
    {#- Schema-qualified only: the function keeps working in a copy or a renamed database. #}
    {%- set view = view.include(database=False) -%}
    {%- set fn = adapter.quote(view.schema) ~ '.analytics_events_page' -%}
    {%- set signature = fn ~ '(date, date, text, text, integer, text)' -%}
    drop function if exists {{ signature }};
    create function {{ fn }}(p_from date, p_to date, p_event text default null, p_source text default null,
                             p_limit integer default 100, p_cursor text default null)
    returns jsonb
    language sql
    stable
    security invoker
    set search_path = pg_catalog, pg_temp
    as $fn$
        with params as (
            select
                least(greatest(coalesce(p_limit, 100), 1), 1000) as page_size,
                case when p_cursor is not null then split_part(p_cursor, '|', 1)::timestamptz end as cursor_ts,
                case when p_cursor like '%|%' then split_part(p_cursor, '|', 2)::uuid end as cursor_id
        ),

        page as (
            select e.*
            from {{ view }} as e, params as p
            where e.created_day_utc >= p_from and e.created_day_utc <= p_to
              and (p_event is null or e.event = p_event)
              and (p_source is null or e.source = p_source)
              and (p.cursor_ts is null
                   or (p.cursor_id is null and e.ts < p.cursor_ts)
                   or (p.cursor_id is not null and (e.ts, e.event_id) < (p.cursor_ts, p.cursor_id)))
            order by e.ts desc, e.event_id desc
            limit (select page_size + 1 from params)
        ),

        numbered as (
            select page.*, row_number() over (order by ts desc, event_id desc) as n from page
        )

        select jsonb_build_object(
            'events', coalesce((
                select jsonb_agg(jsonb_build_object(
                    'id', event_id, 'user_id', user_id, 'source', source, 'event', event, 'ts', ts, 'props', props,
                    'ip', ip_prefix, 'request_id', request_id) order by n)
                from numbered where n <= (select page_size from params)), '[]'::jsonb),
            'has_more', exists (select 1 from numbered where n > (select page_size from params)),
            'next_cursor', (
                select to_char(ts at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') || '|' || event_id
                from numbered where n = (select page_size from params)
                  and exists (select 1 from numbered where n > (select page_size from params)))
        )
    $fn$;
    comment on function {{ signature }} is
        'Spec 002: the caller''s events, newest first, keyset-paginated, as GET /api/analytics/events answers. Reads as the caller (tenant isolation applies).';
    {{ grant_function_to_readers(signature) }}
{%- endmacro %}

{#-
    analytics_quotas(p_day, p_tenant) (spec 002, GET /api/analytics/quotas): the caller's quota status on a UTC day
    (default: today, UTC) as the endpoint's `data` object, {"<quota metric>": {"exceeded": bool, "current": n,
    "limit": n}, ...}, every quota metric included (current 0 without usage that day; limit null when quotas are
    switched off). Reads the public quota views as its caller (SECURITY INVOKER): a tenant login needs no p_tenant; a
    login that sees several tenants (BI, admin) must name one, or the function stops with a one-line error. The
    default limits are written into the function at each build (from analytics_quota_defaults).
-#}
{% macro create_analytics_quotas_function(view) -%}
    {{ return(adapter.dispatch('create_analytics_quotas_function', 'tenant_analytics')(view)) }}
{%- endmacro %}

{% macro default__create_analytics_quotas_function(view) -%}
    select 1
{%- endmacro %}

{% macro postgres__create_analytics_quotas_function(view) -%}
    {#- Schema-qualified only: the function keeps working in a copy or a renamed database. #}
    {%- set view = view.include(database=False) -%}
    {%- set schema = adapter.quote(view.schema) -%}
    {%- set fn = schema ~ '.analytics_quotas' -%}
    {%- set signature = fn ~ '(date, uuid)' -%}
    {%- set limits = schema ~ '.analytics_quota_limits' -%}
    {#- The defaults are written into the function (a tenant may not read analytics_quota_defaults: every relation a
        tenant reads is tenant-scoped); each build re-creates it with the current ones. -#}
    {%- set defaults_rows = [] -%}
    {%- if execute -%}
        {%- set defaults_rows = run_query('select metric, daily_limit from ' ~ ref('analytics_quota_defaults')
                                          ~ ' order by metric').rows -%}
    {%- endif -%}
    drop function if exists {{ signature }};
    create function {{ fn }}(p_day date default null, p_tenant uuid default null)
    returns jsonb
    language plpgsql
    stable
    security invoker
    set search_path = pg_catalog, pg_temp
    as $fn$
    declare
        v_day date := coalesce(p_day, (now() at time zone 'utc')::date);
        v_tenants integer;
        v_result jsonb;
    begin
        select count(*) into v_tenants from (
            select tenant_id from {{ view }} where date = v_day and (p_tenant is null or tenant_id = p_tenant)
            union
            select tenant_id from {{ limits }} where p_tenant is null or tenant_id = p_tenant
        ) as visible;
        if p_tenant is null and v_tenants > 1 then
            raise exception 'analytics_quotas: this login sees % tenants; name one (p_tenant)', v_tenants;
        end if;
        select coalesce(jsonb_object_agg(d.metric, jsonb_build_object(
                   'exceeded', coalesce(s.exceeded, {{ quota_exceeded('0', 'coalesce(l.daily_limit, d.daily_limit)') }}),
                   'current', coalesce(s.current_count, 0),
                   'limit', coalesce(s.daily_limit, l.daily_limit, d.daily_limit))), '{}'::jsonb)
        into v_result
        from (values
            {%- for row in defaults_rows %}
            ('{{ row[0] }}'::text, {{ 'null' if row[1] is none else row[1] }}::bigint){{ ',' if not loop.last }}
            {%- endfor %}
            {%- if not defaults_rows %}(null::text, null::bigint){% endif %}
        ) as d (metric, daily_limit)
        left join {{ view }} as s
            on s.metric = d.metric and s.date = v_day and (p_tenant is null or s.tenant_id = p_tenant)
        left join {{ limits }} as l
            on l.metric = d.metric and (p_tenant is null or l.tenant_id = p_tenant);
        return v_result;
    end
    $fn$;
    comment on function {{ signature }} is
        'Spec 002: the caller''s quota status on a UTC day (default today), as GET /api/analytics/quotas answers. Reads as the caller (tenant isolation applies).';
    {{ grant_function_to_readers(signature) }}
{%- endmacro %}
