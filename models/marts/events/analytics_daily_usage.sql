-- depends_on: {{ ref('int_events__changed_units') }}
{#- Spec 002 keeps daily usage indefinitely while raw events live 90 days: kept through a --full-refresh (macro
    events_kept_daily_config; README, "Product events": how to rebuild it on purpose). -#}
{{ config(**events_kept_daily_config(['tenant_id', 'date', 'metric'])) }}

with events as (
    select tenant_id, created_day_utc, event, props, source_changed_at
    from {{ ref('stg_events__events') }}
    {% if is_incremental() %}
        where {{ in_recomputed_units('created_day_utc') }}
    {% endif %}
),

usage_metrics as (
    select * from {{ ref('event_usage_metrics') }}
),

-- Every event name is a metric: its events that day.
event_counts as (
    select
        tenant_id,
        created_day_utc,
        event as metric,
        cast(count(*) as bigint) as usage_count,
        {{ dbt.cast("'{}'", 'jsonb') }} as meta,
        max(source_changed_at) as last_source_changed_at
    from events
    group by tenant_id, created_day_utc, event
),

-- The quota metrics, fed by the events seeds/event_usage_metrics.csv names: a count of them, or a sum of one of
-- their numeric properties in the metric's unit (rounded up: a started unit counts; the exact sum is in meta).
quota_counts as (
    {{ usage_metric_counts('events', 'usage_metrics') }}
),

final as (
    select tenant_id, created_day_utc as date, metric, usage_count as count, meta, last_source_changed_at
    from event_counts
    union all
    select tenant_id, created_day_utc as date, metric, usage_count as count, meta, last_source_changed_at
    from quota_counts
)

select * from final
