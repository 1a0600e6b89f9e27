-- depends_on: {{ ref('int_events__changed_units') }}
{#- The events of each tenant, UTC day, name and source: what the exporter's sbh_analytics_events_total
    {tenant,event,source} counts (orchestration/metrics_exporter.py). Kept like analytics_daily_usage (full_refresh:
    false): days whose raw events are purged stay; the same var rebuilds both on purpose. -#}
{%- set settings = incremental_config(
    unique_key='date',
    partition_day='date',
    indexes=[
        {'columns': ['tenant_id', 'date', 'event', 'source'], 'unique': true},
        {'columns': ['date']},
    ],
    recompute={
        'manifest': 'int_events__changed_units',
        'source': 'analytics_events',
        'unit': 'created_day_utc',
        'column': 'date',
    },
) -%}
{%- do settings.update({'full_refresh': (var('events_rebuild_daily_usage', false) | string | lower) == 'true'}) -%}
{{ config(**settings) }}

with events as (
    select tenant_id, created_day_utc, event, source, source_changed_at
    from {{ ref('stg_events__events') }}
    {% if is_incremental() %}
        where {{ in_recomputed_units('created_day_utc') }}
    {% endif %}
),

final as (
    select
        tenant_id,
        created_day_utc as date,
        event,
        source,
        cast(count(*) as bigint) as count,
        max(source_changed_at) as last_source_changed_at
    from events
    group by tenant_id, created_day_utc, event, source
)

select * from final
