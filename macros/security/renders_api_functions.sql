{#-
    Spec 003's server actions (getAnalyticsData, getRenderStats, getCreditStats, getApiUsageStats) as SQL functions of
    a date range [p_from, p_to] (UTC days, inclusive), each answering one JSON document, so an application serves each
    tab of its analytics page with one query:
      get_render_stats(p_from, p_to)     {"total", "completed", "failed", "successRate", "avgProcessingTime",
                                          "byType": {...}, "byStatus": {...}, "byQuality": {...}, "byPlatform": {...}}
      get_credit_stats(p_from, p_to)     {"totalSpent", "totalEarned", "netBalance", "averagePerDay",
                                          "byType": {"<reference type>": {"spent", "earned"}}, "daily": [{"date",
                                          "spent", "earned"}]}
      get_api_usage_stats(p_from, p_to)  {"totalCalls", "activeKeys", "averagePerDay", "byPlatform": {...},
                                          "daily": [{"date", "calls"}]}
      get_analytics_data(p_from, p_to)   {"renderStats", "creditStats", "apiUsageStats" (the three above),
                                          "userActivity": {"logins", "signups", "daily": [...]}, "dailyUsage":
                                          [{"date", "renders", "credits", "apiCalls"}]}
    The summary numbers come from macro renders_period_summary (the comparison mart's too). SECURITY INVOKER with a
    fixed search_path, reading the user-scoped marts: a user login gets its own numbers ("all analytics are
    user-scoped"), an admin the platform's. Executable by exactly the roles that may read the marts. Created by the
    post-hook of user_month_comparison (built after every mart they read); PostgreSQL only.
-#}
{% macro create_renders_api_functions() -%}
    {{ return(adapter.dispatch('create_renders_api_functions', 'tenant_analytics')()) }}
{%- endmacro %}

{% macro default__create_renders_api_functions() -%}
    select 1
{%- endmacro %}

{% macro postgres__create_renders_api_functions() -%}
    {%- set schema = 'public' -%}
    {%- set summary = "(" ~ renders_period_summary('p_from', 'p_to', per_user=false) ~ ")" -%}
    {%- set functions = {
        'get_render_stats': renders_render_stats_json(summary),
        'get_credit_stats': renders_credit_stats_json(summary),
        'get_api_usage_stats': renders_api_usage_stats_json(summary),
        'get_analytics_data': renders_analytics_data_json(schema),
    } -%}
    {%- for name, body in functions.items() %}
    {%- set signature = adapter.quote(schema) ~ '.' ~ name ~ '(date, date)' %}
    drop function if exists {{ signature }};
    create function {{ adapter.quote(schema) }}.{{ name }}(p_from date, p_to date)
    returns jsonb
    language sql
    stable
    security invoker
    set search_path = pg_catalog, pg_temp
    as $fn$
        {{ body }}
    $fn$;
    comment on function {{ signature }} is
        'Spec 003 server action {{ name }}: the caller''s analytics for [p_from, p_to] (UTC days) as one JSON document (macros/security/renders_api_functions.sql). Reads as the caller: a user login gets its own numbers.';
    {{ grant_function_to_readers(signature) }}
    {%- endfor %}
{%- endmacro %}

{#- A JSON object of one count per value of `column` of `relation` over the period (values with rows only). -#}
{% macro renders_counts_by(relation, column, measure) -%}
    (select coalesce(jsonb_object_agg(value, n), '{}'::jsonb)
     from (select {{ column }} as value, sum({{ measure }}) as n from {{ relation }}
           where date >= p_from and date <= p_to group by {{ column }}) as counts)
{%- endmacro %}

{% macro renders_render_stats_json(summary) -%}
    select jsonb_build_object(
        'total', s.renders_created,
        'completed', s.completed_renders,
        'failed', s.failed_renders,
        'successRate', s.success_rate_pct,
        'avgProcessingTime', s.avg_processing_seconds,
        'byType', {{ renders_counts_by(ref('render_stats_daily'), 'render_type', 'renders') }},
        'byStatus', {{ renders_counts_by(ref('render_stats_daily'), 'status', 'renders') }},
        'byQuality', {{ renders_counts_by(ref('render_stats_daily'), 'quality', 'renders') }},
        'byPlatform', {{ renders_counts_by(ref('render_stats_daily'), 'platform_group', 'renders') }}
    )
    from {{ summary }} as s
{%- endmacro %}

{#- The period's credits per day and reference type, split into spent and earned once; byType and daily sum it. -#}
{% macro renders_credit_stats_json(summary) -%}
    with by_day_and_type as (
        select date, reference_type,
               {{ sum_credits('debit') }} as spent,
               {{ sum_credits('credit') }} as earned
        from {{ ref('credit_stats_daily') }}
        where date >= p_from and date <= p_to
        group by date, reference_type
    )
    select jsonb_build_object(
        'totalSpent', s.credits_spent,
        'totalEarned', s.credits_earned,
        'netBalance', s.net_credit_balance,
        'averagePerDay', s.avg_credits_spent_per_day,
        'byType', (select coalesce(jsonb_object_agg(reference_type, jsonb_build_object('spent', spent, 'earned', earned)),
                                   '{}'::jsonb)
                   from (select reference_type, sum(spent) as spent, sum(earned) as earned
                         from by_day_and_type group by reference_type) as by_type),
        'daily', (select coalesce(jsonb_agg(jsonb_build_object('date', date, 'spent', spent, 'earned', earned)
                                            order by date), '[]'::jsonb)
                  from (select date, sum(spent) as spent, sum(earned) as earned
                        from by_day_and_type group by date) as per_day)
    )
    from {{ summary }} as s
{%- endmacro %}

{% macro renders_api_usage_stats_json(summary) -%}
    select jsonb_build_object(
        'totalCalls', s.api_calls,
        'activeKeys', s.active_api_keys,
        'averagePerDay', s.avg_api_calls_per_day,
        'byPlatform', {{ renders_counts_by(ref('api_usage_daily'), 'source_platform', 'api_calls') }},
        'daily', (select coalesce(jsonb_agg(jsonb_build_object('date', date, 'calls', calls) order by date), '[]'::jsonb)
                  from (select date, sum(api_calls) as calls from {{ ref('api_usage_daily') }}
                        where date >= p_from and date <= p_to group by date) as per_day)
    )
    from {{ summary }} as s
{%- endmacro %}

{#- getAnalyticsData: the three tabs (the functions above, called as the caller) plus user activity and the Overview
    tab's daily usage chart (renders, credits and API calls per day, from usage_tracking). -#}
{% macro renders_analytics_data_json(schema) -%}
    select jsonb_build_object(
        'renderStats', {{ adapter.quote(schema) }}.get_render_stats(p_from, p_to),
        'creditStats', {{ adapter.quote(schema) }}.get_credit_stats(p_from, p_to),
        'apiUsageStats', {{ adapter.quote(schema) }}.get_api_usage_stats(p_from, p_to),
        'userActivity', (select jsonb_build_object(
                             'logins', coalesce(sum(logins), 0),
                             'signups', coalesce(sum(signups), 0),
                             'daily', coalesce(jsonb_agg(jsonb_build_object('date', date, 'logins', logins,
                                                                            'signups', signups) order by date)
                                                   filter (where logins + signups > 0), '[]'::jsonb))
                         from (select date,
                                      sum(case when event_type = 'login' then events else 0 end) as logins,
                                      sum(case when event_type = 'signup' then events else 0 end) as signups
                               from {{ ref('user_activity_daily') }}
                               where date >= p_from and date <= p_to group by date) as per_day),
        'dailyUsage', (select coalesce(jsonb_agg(jsonb_build_object('date', date, 'renders', renders,
                                                                    'credits', credits, 'apiCalls', calls)
                                                 order by date), '[]'::jsonb)
                       from (select date, sum(renders_created) as renders, sum(credits_spent) as credits,
                                    sum(api_calls) as calls
                             from {{ ref('usage_tracking') }}
                             where date >= p_from and date <= p_to group by date) as per_day)
    )
{%- endmacro %}
