{{ config(post_hook=["{{ create_renders_api_functions() }}"]) }}

-- One row per user and summary number (macro renders_summary_numbers): this month so far against last month, at the
-- build's reference time (as_of): spec 003's future enhancement "Comparison Views: compare periods (this month vs last
-- month)". A snapshot rebuilt whole on every run (a few rows per user). Its post-hook creates spec 003's server-action
-- functions, which read the same marts through the same summary (macros/security/renders_api_functions.sql).
{%- set numbers = renders_summary_numbers() %}
with bounds as (
    select
        cast({{ dbt.date_trunc('month', utc_day(as_of())) }} as date) as this_month_start,
        {{ utc_day(as_of()) }} as as_of_day,
        cast({{ dbt.dateadd('month', -1, dbt.date_trunc('month', utc_day(as_of()))) }} as date) as last_month_start,
        cast({{ dbt.dateadd('day', -1, dbt.date_trunc('month', utc_day(as_of()))) }} as date) as last_month_end
),

this_month as (
    {{ renders_period_summary('(select this_month_start from bounds)', '(select as_of_day from bounds)') }}
),

last_month as (
    {{ renders_period_summary('(select last_month_start from bounds)', '(select last_month_end from bounds)') }}
),

users as (
    select user_id from this_month
    union
    select user_id from last_month
),

numbers as (
    {%- for number, description in numbers %}
    select
        u.user_id,
        '{{ number }}' as metric,
        '{{ description | replace("'", "''") }}' as metric_description,
        {{ loop.index }} as metric_order,
        {%- if number in renders_summary_ratios() %}
        cast(t.{{ number }} as {{ type_double() }}) as this_month,
        cast(l.{{ number }} as {{ type_double() }}) as last_month
        {%- else %}
        cast(coalesce(t.{{ number }}, 0) as {{ type_double() }}) as this_month,
        cast(coalesce(l.{{ number }}, 0) as {{ type_double() }}) as last_month
        {%- endif %}
    from users as u
    left join this_month as t on u.user_id = t.user_id
    left join last_month as l on u.user_id = l.user_id
    {{ 'union all' if not loop.last }}
    {%- endfor %}
),

final as (
    select
        n.user_id,
        cast(n.metric as {{ dbt.type_string() }}) as metric,
        cast(n.metric_description as {{ dbt.type_string() }}) as metric_description,
        cast(n.metric_order as integer) as metric_order,
        n.this_month,
        n.last_month,
        n.this_month - n.last_month as change,
        {{ pct('n.this_month - n.last_month', 'n.last_month') }} as change_pct,
        b.this_month_start,
        cast({{ dbt.datediff('b.this_month_start', 'b.as_of_day', 'day') }} + 1 as integer) as this_month_days,
        b.last_month_start,
        {{ as_of() }} as as_of_at
    from numbers as n
    cross join bounds as b
)

select * from final
