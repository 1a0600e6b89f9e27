-- depends_on: {{ ref('int_events__changed_units') }}
{#- The events of each tenant, UTC day, name and source: what the exporter's sbh_analytics_events_total
    {tenant,event,source} counts (orchestration/metrics_exporter.py). Kept like analytics_daily_usage (macro
    events_kept_daily_config): days whose raw events are purged stay. -#}
{{ config(**events_kept_daily_config(['tenant_id', 'date', 'event', 'source'])) }}

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
