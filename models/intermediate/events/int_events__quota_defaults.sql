{#- QUOTA_DEFAULTS may only name the seed's quota metrics: another name stops the build with one line. -#}
{%- set configured = quota_default_overrides() -%}
{%- if execute and configured -%}
    {%- set known = run_query('select metric from ' ~ ref('event_quota_defaults')).columns[0].values() -%}
    {%- for metric in configured if metric not in known -%}
        {{ exceptions.raise_compiler_error("QUOTA_DEFAULTS (var quota_defaults) names '" ~ metric ~ "', which is no quota metric; the quota metrics are: " ~ known | join(', ')) }}
    {%- endfor -%}
{%- endif -%}

-- One row per quota metric: its default daily limit, the spec's (seeds/event_quota_defaults.csv) unless
-- QUOTA_DEFAULTS (var quota_defaults) sets another, and which of the two applies.
with spec_defaults as (
    select metric, daily_limit from {{ ref('event_quota_defaults') }}
),

configured as (
    {%- if configured %}
    {%- for metric, limit in configured.items() %}
    select {{ dbt.cast("'" ~ metric ~ "'", 'text') }} as metric, cast({{ limit | int }} as bigint) as daily_limit
    {%- if not loop.last %} union all{% endif %}
    {%- endfor %}
    {%- else %}
    select {{ dbt.cast('null', 'text') }} as metric, cast(null as bigint) as daily_limit where false
    {%- endif %}
),

final as (
    select
        s.metric,
        cast(coalesce(c.daily_limit, s.daily_limit) as bigint) as daily_limit,
        case when c.metric is not null then 'QUOTA_DEFAULTS' else 'spec default' end as limit_source
    from spec_defaults as s
    left join configured as c on s.metric = c.metric
)

select * from final
