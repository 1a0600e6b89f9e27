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

-- Each user's two periods side by side (joined once: an engine that inlines CTEs, as Spark does, then evaluates each
-- period's summary once, not once per number), then one row per number.
both_months as (
    select
        u.user_id,
        {%- for number, description in numbers %}
        t.{{ number }} as this_{{ number }},
        l.{{ number }} as last_{{ number }}{{ ',' if not loop.last }}
        {%- endfor %}
    from users as u
    left join this_month as t on u.user_id = t.user_id
    left join last_month as l on u.user_id = l.user_id
),

metrics as (
    {%- for number, description in numbers %}
    select '{{ number }}' as metric, '{{ description | replace("'", "''") }}' as metric_description,
           {{ loop.index }} as metric_order
    {{- ' union all' if not loop.last }}
    {%- endfor %}
),

numbers as (
    select
        b.user_id,
        m.metric,
        m.metric_description,
        m.metric_order,
        {%- for period in ('this', 'last') %}
        case m.metric
            {%- for number, description in numbers %}
            {%- if number in renders_summary_ratios() %}
            when '{{ number }}' then cast(b.{{ period }}_{{ number }} as {{ type_double() }})
            {%- else %}
            when '{{ number }}' then cast(coalesce(b.{{ period }}_{{ number }}, 0) as {{ type_double() }})
            {%- endif %}
            {%- endfor %}
        end as {{ period }}_month{{ ',' if loop.first }}
        {%- endfor %}
    from both_months as b
    cross join metrics as m
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
