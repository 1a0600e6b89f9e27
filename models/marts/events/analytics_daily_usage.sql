-- depends_on: {{ ref('int_events__changed_units') }}
{#- Spec 002 keeps daily usage indefinitely while raw events live 90 days: a --full-refresh leaves this table as it
    is (full_refresh: false) and runs it incrementally, so days whose raw events are gone stay. Rebuild it on purpose
    with --vars '{events_rebuild_daily_usage: true}' (README, "Product events"). -#}
{%- set settings = incremental_config(
    unique_key='date',
    partition_day='date',
    indexes=[
        {'columns': ['tenant_id', 'date', 'metric'], 'unique': true},
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
        cast('{}' as jsonb) as meta,
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
